import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  flat,
  outputs,
  ownerName,
  type Read,
} from './types.js';

// etcd's own warnings that its disk is slow: the WAL's fsync over its one-second budget, and the
// leader missing heartbeats "likely from slow disk" (etcd.io, "Tuning" and the FAQ on slow disks).
const SLOW_DISK = ['slow fdatasync', 'likely from slow disk', 'sync duration', 'wal fsync'];
const TOOK_TOO_LONG = 'took too long';

/** Variables that turn on a write's fsync (`LEDGER_DURABLE_WRITES=true`, `SYNC_WRITES=1`, `FSYNC=always`). */
const SYNC_VAR = /SYNC|DURABLE/i;
const TRUTHY = /^(?:true|1|yes|on|always)$/i;
/**
 * Block-storage types built on hard disks: AWS EBS st1/sc1 (throughput-optimized and cold HDD), GCE
 * pd-standard, Azure Standard_LRS managed disks, and the in-tree `standard` of the first two; each
 * fsync there waits for a disk seek (milliseconds), where an SSD class answers in well under one.
 */
const HDD_PARAM =
  /\btype=(?:st1|sc1|pd-standard|standard)\b|\bskuName=Standard_LRS\b|\bstorageaccounttype=Standard_LRS\b/i;

/** The claims a pod mounts, from its description's `ClaimName:` lines. */
function claimsOf(describe: string): string[] {
  return [...describe.matchAll(/ClaimName:\s+([a-z0-9][a-z0-9.-]{0,252})/g)].map((m) => m[1]!);
}

/** The pod's claim: the StatefulSet's `data-<pod>` one, or one its description names, when read. */
function claimOf(seen: AnalyzerContext['seen'], pod: string) {
  const isClaim = (k: unknown) => /^(pvc|persistentvolumeclaims?)$/i.test(String(k));
  const named = claimsOf(outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '');
  return outputs(
    seen,
    'describe_resource',
    (o) =>
      isClaim(o.args['kind']) &&
      (String(o.args['name'] ?? '').endsWith(`-${pod}`) || named.includes(String(o.args['name'] ?? ''))),
  ).pop();
}

/** The first log line that reports slow disk syncs, with its pod and namespace. */
function slowSync(seen: AnalyzerContext['seen']) {
  for (const logs of outputs(seen, 'get_pod_logs')) {
    const lines = logs.content.slice(-200_000).split('\n');
    const slow = lines.find((l) => l.length <= 4000 && SLOW_DISK.some((w) => l.includes(w)));
    if (!slow) continue;
    const took = lines.find((l) => l.length <= 4000 && l.includes(TOOK_TOO_LONG) && l !== slow);
    return {
      pod: String(logs.args['name'] ?? ''),
      ns: String(logs.args['namespace'] ?? ''),
      slow,
      took,
      etcd: /etcd/i.test(String(logs.args['name'] ?? '')) || /\betcd\b/i.test(lines.slice(0, 50).join('\n')),
    };
  }
  return undefined;
}

/**
 * A program waiting on its disk: its write-ahead log's fsyncs are slow (etcd's "slow fdatasync" over
 * its one-second budget and requests that "took too long", or a program's own fsync figures). etcd,
 * and any store that syncs each write (RocksDB or LevelDB with sync writes, PostgreSQL's WAL), needs
 * low-latency storage; a network file store or a hard-disk class behind its claim is the usual cause
 * (etcd.io, "Tuning" and the FAQ on slow disks). Reads the pod's claim and its StorageClass (whose
 * parameters say the disk type) when the slow line is found, and names a variable of the container
 * that turned synchronous writes on.
 */
export const etcdDiskAnalyzer: Analyzer = {
  name: 'etcd-disk',
  reads({ seen }): Read[] {
    const found = slowSync(seen);
    if (!found?.ns) return [];
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === found.pod).pop();
    if (!d) return [{ tool: 'describe_pod', args: { namespace: found.ns, name: found.pod } }];
    const claim = claimOf(seen, found.pod);
    if (!claim) {
      const name = claimsOf(d.content)[0];
      return name
        ? [{ tool: 'describe_resource', args: { kind: 'PersistentVolumeClaim', name, namespace: found.ns } }]
        : [];
    }
    const cls = flat(claim.content, 'storageClassName');
    const read = outputs(
      seen,
      'describe_resource',
      (o) => /^(sc|storageclass(es)?)$/i.test(String(o.args['kind'])) && o.args['name'] === cls,
    ).length;
    return cls && !read ? [{ tool: 'describe_resource', args: { kind: 'StorageClass', name: cls } }] : [];
  },
  finds({ seen, hints }) {
    const found = slowSync(seen);
    if (!found) return [];
    const { pod, slow, took } = found;
    const claim = claimOf(seen, pod);
    const cls = claim ? flat(claim.content, 'storageClassName') : undefined;
    const provisioner = claim
      ? /storage-provisioner=([a-z0-9.-]{1,253})/.exec(claim.content)?.[1]
      : undefined;
    const sc = cls
      ? outputs(
          seen,
          'describe_resource',
          (o) => /^(sc|storageclass(es)?)$/i.test(String(o.args['kind'])) && o.args['name'] === cls,
        ).pop()
      : undefined;
    const params = sc ? /^Parameters:\s+(.{1,400})$/m.exec(sc.content)?.[1]?.trim() : undefined;
    const hdd = (params !== undefined && HDD_PARAM.test(params)) || (cls !== undefined && /hdd/i.test(cls));
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
    const sync = d ? envOf(d.content).find((v) => SYNC_VAR.test(v.name) && TRUTHY.test(v.value)) : undefined;
    const statefulSet = /-\d{1,5}$/.test(pod);
    const owner = statefulSet ? pod.replace(/-\d{1,5}$/, '') : ownerName(pod);
    const who = found.etcd ? `etcd (${pod})` : `${owner} (pod ${pod})`;
    const storage = cls
      ? hdd
        ? `; its data is on claim ${String(claim?.args['name'])} of StorageClass ${cls}${params ? ` (${provisioner ? `${provisioner}, ` : ''}${params})` : ''}, a hard-disk (HDD) volume: each fsync waits for the disk's seek, milliseconds where an SSD class answers in well under one`
        : `; its data is on claim ${String(claim?.args['name'])} of StorageClass ${cls}${provisioner ? ` (provisioner ${provisioner})` : ''}${params ? ` with ${params}` : ''}, storage whose fsync latency ${found.etcd ? 'etcd cannot work with (network storage, NFS-like)' : 'the program waits on for every write'}`
      : '';
    return [
      {
        weight: 91 + bonus(owner, hints),
        object: `${statefulSet ? 'statefulset' : 'deployment'} ${owner}`,
        cause: `${who} is waiting on its disk: its log reports "${clip(slow.trim(), 140)}"${
          took ? ` and "${clip(took.trim(), 100)}"` : ''
        }; ${found.etcd ? 'etcd fsyncs its write-ahead log for every write and needs a low-latency local disk (an SSD)' : 'a program that syncs its write-ahead log on every write waits for the disk each time'}${sync ? `, and its settings turn synchronous writes on (${sync.name}=${clip(sync.value, 20)})` : ''}, so slow storage I/O stalls its requests and its clients time out${storage}. ${found.etcd ? 'A defrag or more memory' : 'More CPU or memory'} would not change the disk's latency`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(slow.trim(), 160)}"`,
          ...(took ? [`get_pod_logs ${pod}: "${clip(took.trim(), 160)}"`] : []),
          ...(cls
            ? [
                `describe_resource PersistentVolumeClaim ${String(claim?.args['name'])}: storageClassName ${cls}`,
              ]
            : []),
          ...(params ? [`describe_resource StorageClass ${cls}: ${params}`] : []),
        ],
        advice: found.etcd
          ? `move etcd's data to a StorageClass backed by local SSDs or block storage with low fsync latency (not a shared file store), then replace the members one at a time`
          : `move the data to an SSD StorageClass (or turn the per-write sync off where the data can be rebuilt)${hdd ? `: ${cls} is a hard-disk class` : ''}`,
      },
    ];
  },
};
