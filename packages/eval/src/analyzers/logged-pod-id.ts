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
const FINISHED = /^(?:Completed|Succeeded|Error|Failed|ContainerStatusUnknown)$/;

/** Words of a report that a workload stopped or failed. */
const STOPPED = /\b(?:fail(?:ed|ure)?|completed|exited|terminated|stopped|crashed|died|killed)\b/i;

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
  const out: { pod: string; line: string; from: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const from = String(o.args['name'] ?? '');
    for (const line of errorLines(o.content.slice(-200_000))) {
      // A report that the workload stopped, not the logger's own failure to act on a pod it names.
      if (line.length > 4000 || !STOPPED.test(line)) continue;
      const ids = new Set(
        (line.toLowerCase().match(ID) ?? []).filter((t) => /\d/.test(t) && t.includes('-')),
      );
      for (const pod of finished) {
        if (pod === from || out.some((x) => x.pod === pod)) continue;
        if ([...ids].some((id) => pod.endsWith(`-${id}`))) out.push({ pod, line: line.trim(), from });
      }
      if (out.length >= 2) return out;
    }
  }
  return out;
}

/** Go's and runc's words for an exec whose file, or the interpreter it names, is missing. */
const EXEC_MISSING = /\bexec:? "?(\/[^\s":]{1,300})"?: no such file or directory/;

/** A Dockerfile step that builds on Alpine (`FROM alpine:3.19`, `FROM docker.io/library/alpine`). */
const FROM_ALPINE = /\bFROM (?:[\w.:-]{1,100}\/){0,3}alpine\b/i;

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
    const from = text.split('\n').find((l) => l.length <= 4000 && FROM_ALPINE.test(l));
    if (!from) continue;
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
      const cause = alpine
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
          advice: alpine
            ? "rebuild the image on a glibc-based base image (Debian or Ubuntu, or the product's own base image) instead of Alpine, or revert the change to the previous image"
            : "fix what that pod's own log reports, then start it again",
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
