import { errorLines } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  clipAround,
  type Finding,
  namespacePods,
  outputs,
  type Read,
} from './types.js';

/** A finished pod: its containers exited (a run, or a pod that should not have stopped). */
const FINISHED =
  /^(?:Completed|Succeeded|Error|Failed|OOMKilled|ContainerCannotRun|DeadlineExceeded|ContainerStatusUnknown)$/;

/**
 * Words of a report that a workload stopped or failed; not the logger's own failure to act on it
 * ("failed to delete workspace pod").
 */
const STOPPED = /\b(?:fail(?:ed|ure)?(?! to\b)|completed|exited|terminated|stopped|crashed|died|killed)\b/i;
/** At most this many ids of one line are looked up. */
const MAX_IDS = 40;

/** An id a log line may carry: a lowercase token with a dash and a digit, 10 to 63 characters. */
const ID = /[a-z0-9][a-z0-9-]{9,62}/g;

/**
 * The finished pods of the namespace that a failure line of another pod's log names by their id (a
 * controller's `"workspaceID":"data-etl-p9x4k"` for the pod `ws-data-etl-p9x4k`, in a line that says it
 * failed or stopped): the pod name is a prefix, a dash and the id. A line naming the pod in full is a
 * program acting on that pod (streaming its log, deleting it), not a controller reporting its own
 * workload. Each with the line that names it; at most two, in list order.
 */
function namedFinished(ctx: AnalyzerContext): { pod: string; line: string; from: string }[] {
  const finished = namespacePods(ctx)
    .filter((r) => FINISHED.test(r['STATUS'] ?? ''))
    .map((r) => r['NAME'] ?? '')
    .filter((n) => n.length >= 10);
  if (finished.length === 0) return [];
  // Each finished pod by every tail of its name after a dash (`ws-data-etl-x1` by `data-etl-x1`,
  // `etl-x1`, `x1`): an id of a line is then one lookup, however many pods there are.
  const byTail = new Map<string, string>();
  for (const pod of finished) {
    for (let at = pod.indexOf('-'); at >= 0 && at < pod.length - 1; at = pod.indexOf('-', at + 1)) {
      const tail = pod.slice(at + 1);
      if (!byTail.has(tail)) byTail.set(tail, pod);
    }
  }
  const out: { pod: string; line: string; from: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const from = String(o.args['name'] ?? '');
    for (const line of errorLines(o.content.slice(-200_000))) {
      // A report that the workload stopped, not the logger's own failure to act on a pod it names.
      if (line.length > 4000 || !STOPPED.test(line)) continue;
      const ids = (line.toLowerCase().match(ID) ?? [])
        .filter((t) => /\d/.test(t) && t.includes('-'))
        .slice(0, MAX_IDS);
      for (const id of ids) {
        const pod = byTail.get(id);
        if (!pod || pod === from || out.some((x) => x.pod === pod)) continue;
        out.push({ pod, line: line.trim(), from });
      }
      if (out.length >= 2) return out;
    }
  }
  return out;
}

/** Go's and runc's words for an exec whose file, or the interpreter it names, is missing. */
const EXEC_MISSING = /\bexec:? "?(\/[^\s":]{1,300})"?: no such file or directory/;

/** A Dockerfile stage's base (`FROM alpine:3.19 AS fetch`), with its image reference. */
const FROM_STAGE = /\bFROM (?:--platform=\S{1,60} )?([\w.:/@-]{1,300})/i;
/** An Alpine base: the `alpine` image itself or another image's `-alpine` tag (`node:20-alpine`). */
const ALPINE_IMAGE = /(?:^|\/)alpine(?:[:@]|$)|:[\w.-]{0,60}alpine[\w.-]{0,30}$/i;
/** A script by its name: a shell or another interpreter's file, whose exec needs the interpreter its #! names. */
const SCRIPT = /\.(?:sh|bash|py|pl|rb)$/;

/**
 * Whether the pod's image was built on Alpine Linux, by what was read: its own name (`…:3.19-alpine`); a
 * build log that names the image and has a `FROM alpine` step; or, when the pod's image was not read, a
 * build log of the namespace with such a step (the image builder that built the workloads it runs).
 */
function alpineBased(ctx: AnalyzerContext, image: string | undefined): string | undefined {
  if (image && /alpine/i.test(image)) return `its image ${image} is an Alpine one`;
  const ref = image?.replace(/^docker\.io\//, '');
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const text = o.content.slice(-200_000);
    if (ref && !text.includes(ref)) continue;
    // The final stage is the image built: the last FROM of the build (a multi-stage build's earlier
    // stages only feed it).
    const from = text
      .split('\n')
      .filter((l) => l.length <= 4000 && FROM_STAGE.test(l))
      .pop();
    const base = from ? FROM_STAGE.exec(from)?.[1]?.replace(/["',}]+$/, '') : undefined;
    if (!from || !base || !ALPINE_IMAGE.test(base)) continue;
    const by = String(o.args['name'] ?? '');
    return ref
      ? `the build log of ${by} shows the image ${ref} built on "${clipAround(from.trim(), 'FROM', 120)}"`
      : `the image build logged by ${by} is on Alpine: "${clipAround(from.trim(), 'FROM', 120)}"`;
  }
  return undefined;
}

/** The image of a pod as `list_pods -o wide`, `describe_pod` or the pod list's IMAGES column print it. */
function podImage(ctx: AnalyzerContext, pod: string): string | undefined {
  const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  const fromDescribe =
    described && /^\s+Image:\s+(\S{1,300})\s*$/m.exec(described.content.slice(0, 100_000))?.[1];
  if (fromDescribe) return fromDescribe;
  const row = namespacePods(ctx).find((r) => r['NAME'] === pod);
  return row?.['IMAGE'] ?? row?.['IMAGES'];
}

/**
 * A finished pod that another pod's failure line names by its id (a controller reporting that the
 * workload it started stopped, as Gitpod's ws-manager does with "container workspace completed"): its
 * own log says why it stopped, so it is read (`early`, before the general reads) and its failure line
 * reported. When that line is an exec of an absolute path that is "no such file or directory" and the
 * pod's image was built on Alpine, the reason is the C library: a program linked against glibc asks the
 * kernel for its interpreter `/lib64/ld-linux-x86-64.so.2` (or `/lib/ld-linux-aarch64.so.1`), which
 * Alpine's musl does not ship, and execve(2) reports the missing interpreter as ENOENT, the same error as
 * a missing file (execve(2): "ENOENT … the filename or a script or ELF interpreter does not exist").
 */
export const loggedPodIdAnalyzer: Analyzer = {
  name: 'logged-pod-id',
  early: true,
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const { pod } of namedFinished(ctx)) {
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop();
      if (!log) reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod } });
      // An exec that found no file: which image the pod runs says whether the C library is why.
      else if (
        errorLines(log.content.slice(-200_000)).some((l) => l.length <= 4000 && EXEC_MISSING.test(l)) &&
        !outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).length
      )
        reads.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } });
    }
    return reads;
  },
  finds(ctx): Finding[] {
    for (const { pod, line, from } of namedFinished(ctx)) {
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop();
      if (!log) continue;
      const failed = errorLines(log.content.slice(-200_000)).find((l) => l.length <= 4000);
      if (!failed) continue;
      const exec = EXEC_MISSING.exec(failed);
      const image = podImage(ctx, pod);
      const alpine = exec ? alpineBased(ctx, image) : undefined;
      const told = `${from} reports it as failed: "${clip(line, 200)}"`;
      const script = exec !== null && SCRIPT.test(exec[1]!);
      const cause =
        alpine && script
          ? `the pod ${pod} stopped because its program could not exec the script ${exec![1]}: "${clip(failed.trim(), 200)}"; ${alpine}. For a script, exec reports "no such file or directory" when the interpreter its #! line names is missing (Alpine has BusyBox's /bin/sh, no /bin/bash unless installed) or when the file has Windows (CRLF) line endings, so the kernel looks for an interpreter named with a trailing carriage return; ${told}`
          : alpine
            ? `the pod ${pod} stopped because its program could not exec ${exec![1]}: "${clip(failed.trim(), 200)}"; ${alpine}. ${exec![1]} is most likely there but linked against glibc, which Alpine does not have: Alpine uses musl, so the kernel cannot find the glibc dynamic loader (ld-linux) the binary names and exec reports "no such file or directory". Alpine-based images are not supported for it; ${told}`
            : `the pod ${pod} stopped, and its own log says why: "${clip(failed.trim(), 220)}"; ${told}`;
      return [
        {
          weight: 86 + bonus(pod, ctx.hints),
          object: `pod ${pod}`,
          cause,
          evidence: [
            `get_pod_logs ${pod}: "${clip(failed.trim(), 200)}"`,
            `get_pod_logs ${from}: "${clip(line, 160)}"`,
          ],
          advice:
            alpine && script
              ? `make ${exec![1]} start with #!/bin/sh (or install its interpreter in the image: apk add bash) and save it with LF line endings`
              : alpine
                ? "rebuild the image on a glibc-based base image (Debian or Ubuntu, or the product's own base image) instead of Alpine, or revert the change to the previous image"
                : "fix what that pod's own log reports, then start it again",
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
