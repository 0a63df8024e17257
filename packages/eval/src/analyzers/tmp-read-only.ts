import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  section,
} from './types.js';

/** A refused write under the temp directory: `Read-only file system : '/tmp/x'`, `open /tmp/x: read-only file system`. */
const TMP_REFUSED = /read-only file system/i;
/** The temp directory's path in such a line (the first one the line names). */
const TMP_PATH = /(?:^|[\s'"(:=])(\/(?:var\/)?tmp)(?=[/'"\s):,]|$)/;
/** A container's volume mount in a pod's description: `/data from pgdata (rw)`. */
const MOUNT = /^\s+(\/\S{1,250}) from (\S{1,253}) \((rw|ro)\b/gm;
/** A JVM reads java.io.tmpdir, not TMPDIR: its stack frames and its messages. */
const JVM = /\bat java\.|\bjava\.(?:io|nio|lang)\.|Exception in thread "/;

/** The volumes of a pod's description that are emptyDirs (`name:` then `Type: EmptyDir`). */
function emptyDirs(description: string): Set<string> {
  const out = new Set<string>();
  let name: string | undefined;
  for (const line of section(description.slice(0, 200_000), 'Volumes').split('\n')) {
    const head = /^ {2}([a-z0-9][a-z0-9.-]{0,252}):\s*$/.exec(line);
    if (head) {
      name = head[1];
      continue;
    }
    if (name && /^\s+Type:\s+EmptyDir\b/.test(line)) out.add(name);
  }
  return out;
}

/**
 * A program that cannot create its temp files because the container's root filesystem is read-only
 * (`securityContext.readOnlyRootFilesystem: true`, as a hardening rollout sets it) and no volume is mounted at
 * /tmp, while the pod already mounts a writable emptyDir: pointing `TMPDIR` at that mount keeps the hardening
 * and gives the program a place to write (POSIX's TMPDIR, read by glibc's and .NET's temp path, Python's
 * tempfile, Go's os.TempDir). A JVM reads `java.io.tmpdir` instead: no `set_env` fix is proposed for it.
 * Found from a container's log line refusing a write under /tmp or /var/tmp and the pod's description.
 */
export const tmpReadOnlyAnalyzer: Analyzer = {
  name: 'tmp-read-only',
  reads: () => [],
  finds({ ns, seen }): Finding[] {
    for (const d of outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns)) {
      const pod = String(d.args['name'] ?? '');
      const sections = containerSections(d.content).filter((c) => !c.init);
      const scratch = emptyDirs(d.content);
      for (const c of sections) {
        const logs = outputs(
          seen,
          'get_pod_logs',
          (o) =>
            o.args['name'] === pod &&
            // A read without a container name reads the pod's first container, as the log tool defaults.
            (o.args['container'] === c.name || (o.args['container'] === undefined && c === sections[0])),
        );
        const lines = logs.flatMap((o) => boundedLogLines(o.content, 500));
        const refused = lines.find((l) => TMP_REFUSED.test(l) && TMP_PATH.test(l));
        if (!refused) continue;
        const tmp = TMP_PATH.exec(refused)![1]!;
        const mounts = [...c.body.matchAll(MOUNT)].map((m) => ({
          path: m[1]!.replace(/\/$/, ''),
          volume: m[2]!,
          rw: m[3] === 'rw',
        }));
        // A volume at the temp directory (or above it) makes the refusal another matter (a read-only mount).
        if (mounts.some((m) => tmp === m.path || tmp.startsWith(`${m.path}/`))) continue;
        const writable = mounts.find((m) => m.rw && scratch.has(m.volume));
        const jvm = lines.some((l) => JVM.test(l));
        const deployment = podDeployment(pod);
        const fixable = writable && !jvm;
        return [
          {
            weight: 92,
            object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
            cause: `container ${c.name} cannot write its temp files: its root filesystem is read-only (readOnlyRootFilesystem) and no volume is mounted at ${tmp}, where the program creates them ("${clip(refused.trim(), 160)}")${writable ? `; the pod already mounts a writable emptyDir, ${writable.volume}, at ${writable.path}` : ''}`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(refused.trim(), 200)}"`,
              `describe_pod ${pod}: Mounts: ${mounts.map((m) => `${m.path} from ${m.volume} (${m.rw ? 'rw' : 'ro'})`).join(', ') || 'none'}`,
            ],
            ...(fixable
              ? envFix(
                  ns,
                  deployment,
                  c.name,
                  [{ name: 'TMPDIR', value: writable.path }],
                  `set TMPDIR=${writable.path} in container ${c.name} of deployment ${deployment}, so the program's temp files go to the writable emptyDir and the read-only root filesystem stays`,
                )
              : {}),
            advice: fixable
              ? `point the temp directory at the writable emptyDir (TMPDIR=${writable.path}), keeping readOnlyRootFilesystem`
              : `mount a writable emptyDir at ${tmp}${jvm ? ' (or set -Djava.io.tmpdir to a writable mount)' : ''}, keeping readOnlyRootFilesystem`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
