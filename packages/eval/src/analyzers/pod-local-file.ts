import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  clipAround,
  describedVolumes,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * A file the program could not open, as Python (`FileNotFoundError: [Errno 2] No such file or directory:
 * '/x'`), Go and libc (`open /x: no such file or directory`) and Node (`ENOENT: no such file or directory,
 * open '/x'`) say it.
 */
const MISSING = /No such file or directory|\bENOENT\b/i;
/** Absolute paths a line names, quoted or bare (no spaces). */
const PATHS = /(?<![\w.~-])\/[\w.+@=-]{1,100}(?:\/[\w.+@=-]{1,100}){1,30}/g;
/** Words a program writes a file with. */
const WRITES =
  /\b(?:writ\w{0,5}|sav\w{1,4}|stor\w{1,4}|wrote|persist\w{0,4}|creat\w{1,4}|export\w{0,4}|dump\w{0,3})\b/i;
/** Volume types every pod that mounts them shares (a claim, NFS, a CSI volume, a host path on one node). */
const SHARED = /^(?:PersistentVolumeClaim|NFS|CSI|Ephemeral|HostPath|Glusterfs|CephFS|AzureFile)$/i;

interface Lost {
  /** The pod that could not find the file, and its line. */
  reader: string;
  missing: string;
  path: string;
  /** The pod whose log says it wrote the file, and its line. */
  writer: string;
  wrote: string;
  /** The mounts the reader's description shows (`/x from vol (rw)`), and the volumes' types. */
  mounts: string[];
}

/** Mount paths of a described pod's app containers, with the type of the volume each mounts. */
function mountsOf(described: string): { path: string; volume: string; type: string }[] {
  const types = new Map(describedVolumes(described).map((v) => [v.name, v.type]));
  const out: { path: string; volume: string; type: string }[] = [];
  for (const line of described.split('\n').slice(0, 3000)) {
    const m = /^\s{4,12}(\/\S{0,400}) from ([a-z0-9-]{1,63}) \(/.exec(line);
    if (m) out.push({ path: m[1]!, volume: m[2]!, type: types.get(m[2]!) ?? '' });
  }
  return out;
}

/** A line saying a write did not happen. */
const WRITE_FAILED = /\b(?:fail\w{0,4}|error|denied|cannot|could not|unable)\b/i;

/** Whether `line` names `path` whole: not as the start of a longer path (`/x/1` in `/x/12/result`). */
function namesPath(line: string, path: string): boolean {
  for (let at = line.indexOf(path); at >= 0; at = line.indexOf(path, at + 1))
    if (!/[\w.+@=/-]/.test(line[at + path.length] ?? ' ')) return true;
  return false;
}

/** Whether `path` is the mount path or under it. */
const under = (path: string, mount: string) =>
  path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);

/**
 * The first pod of the namespace whose log cannot find a file another pod's log wrote, when the reader's
 * description was read and mounts no shared volume over that path.
 */
function lost(ctx: AnalyzerContext): { found?: Lost; read?: Read } {
  return perSeen(ctx.seen, ['podLocalFile', ctx.ns], () => {
    const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).slice(-12);
    const lines = logs.map((o) => ({ pod: String(o.args['name'] ?? ''), lines: boundedLogLines(o.content) }));
    // A successful write of the whole path (not of /x/12 for /x/1), not a line saying the write failed.
    const writes = (ls: readonly string[], path: string) =>
      ls.find(
        (l) =>
          l.length <= 4000 &&
          namesPath(l, path) &&
          WRITES.test(l) &&
          !MISSING.test(l) &&
          !WRITE_FAILED.test(l),
      );
    for (const r of lines) {
      // At most 20 lines that miss a file, 5 paths each: bounded work on a log full of paths.
      for (const line of r.lines.filter((l) => l.length <= 4000 && MISSING.test(l)).slice(0, 20)) {
        for (const path of [...new Set(line.match(PATHS) ?? [])].slice(0, 5)) {
          // The reader wrote it itself (a file each pod writes locally): not another pod's output.
          if (writes(r.lines, path)) continue;
          for (const w of lines) {
            if (w.pod === r.pod) continue;
            const wrote = writes(w.lines, path);
            if (!wrote) continue;
            const described = outputs(
              ctx.seen,
              'describe_pod',
              (o) => o.args['namespace'] === ctx.ns && o.args['name'] === r.pod,
            ).pop();
            if (!described)
              return { read: { tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } } };
            const mounts = mountsOf(described.content.slice(0, 100_000));
            if (mounts.some((m) => under(path, m.path) && SHARED.test(m.type))) return {};
            return {
              found: {
                reader: r.pod,
                missing: line.trim(),
                path,
                writer: w.pod,
                wrote: wrote.trim(),
                mounts: mounts.map((m) => `${m.path} (${m.type || 'volume'} ${m.volume})`),
              },
            };
          }
        }
      }
    }
    return {};
  });
}

/**
 * One pod reads a file another pod wrote to its own container filesystem (Dagster's filesystem IO
 * manager between a run and its re-execution, a Job's step output handed to the next Job): nothing but a
 * volume both pods mount, or an object store, carries a file from one pod to another, so the file went
 * with the pod that wrote it and every later pod, retried or not, fails the same way.
 */
export const podLocalFileAnalyzer: Analyzer = {
  name: 'pod-local-file',
  reads(ctx): Read[] {
    const r = lost(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const l = lost(ctx).found;
    if (!l) return [];
    const mounts = l.mounts.length
      ? `it mounts only ${l.mounts.slice(0, 3).join(', ')}`
      : 'it mounts no volume';
    return [
      {
        // Above the failed Job's scan finding (86, and its bonus when the task names the Job's words):
        // that one says the pods exit 1, this one why.
        weight: 97,
        object: `pod ${l.reader} in ${ctx.ns}`,
        cause: `pod ${l.reader} fails reading ${l.path}: "${clip(l.missing, 240)}"; that file was written by another pod, ${l.writer} ("${clipAround(l.wrote, l.path, 260)}"), to its own container filesystem: no shared volume holds that path (${mounts}), so the file was not persisted beyond that pod, and a new pod, a retry or a re-execution, cannot find it and fails the same way`,
        evidence: [
          `logs of ${l.reader}: "${clip(l.missing, 200)}"`,
          `logs of ${l.writer}: "${clipAround(l.wrote, l.path, 260)}"`,
          `describe_pod ${l.reader}: ${mounts}`,
        ],
        advice:
          'keep what one pod hands to the next on storage both can reach (an object store, or a ReadWriteMany volume both mount) and run the whole job again; retrying from the failed step alone cannot succeed while the earlier output is gone',
      },
    ];
  },
};
