import { type Analyzer, bonus, clip, flat, outputs } from './types.js';

// etcd's own warnings that its disk is slow: the WAL's fsync over its one-second budget, and the
// leader missing heartbeats "likely from slow disk" (etcd.io, "Tuning" and the FAQ on slow disks).
const SLOW_DISK = ['slow fdatasync', 'likely from slow disk', 'sync duration', 'wal fsync'];
const TOOK_TOO_LONG = 'took too long';

/**
 * etcd on a slow disk: its WAL fsyncs exceed a second ("slow fdatasync"), requests "took too long",
 * and the leader misses heartbeats; etcd needs low-latency local storage (an SSD), and a network file
 * store behind its claim is the usual cause. Found from an etcd pod's log and its claim's StorageClass
 * (the `data-<pod>` claim, as a StatefulSet names it) when read.
 */
export const etcdDiskAnalyzer: Analyzer = {
  name: 'etcd-disk',
  reads: () => [],
  finds({ seen, hints }) {
    for (const logs of outputs(seen, 'get_pod_logs')) {
      const slow = logs.content.split('\n').find((l) => SLOW_DISK.some((w) => l.includes(w)));
      if (!slow) continue;
      const pod = String(logs.args['name'] ?? '');
      const took = logs.content.split('\n').find((l) => l.includes(TOOK_TOO_LONG) && l !== slow);
      const claim = outputs(
        seen,
        'describe_resource',
        (o) =>
          /^(pvc|persistentvolumeclaims?)$/i.test(String(o.args['kind'])) &&
          String(o.args['name'] ?? '').endsWith(`-${pod}`),
      ).pop();
      const cls = claim ? flat(claim.content, 'storageClassName') : undefined;
      const provisioner = claim
        ? /storage-provisioner=([a-z0-9.-]{1,253})/.exec(claim.content)?.[1]
        : undefined;
      const set = pod.replace(/-\d{1,5}$/, '');
      return [
        {
          weight: 91 + bonus(set, hints),
          object: `statefulset ${set}`,
          cause: `etcd (${pod}) is waiting on its disk: its log reports "${clip(slow.trim(), 140)}"${
            took ? ` and "${clip(took.trim(), 100)}"` : ''
          }; etcd fsyncs its write-ahead log for every write and needs a low-latency local disk (an SSD), so slow storage I/O stalls its requests and heartbeats and its clients time out${
            cls
              ? `; its data is on claim ${String(claim?.args['name'])} of StorageClass ${cls}${provisioner ? ` (provisioner ${provisioner})` : ''}, network storage (NFS-like) whose fsync latency etcd cannot work with`
              : ''
          }. A defrag or more memory would not change the disk's latency`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(slow.trim(), 160)}"`,
            ...(took ? [`get_pod_logs ${pod}: "${clip(took.trim(), 160)}"`] : []),
            ...(cls
              ? [
                  `describe_resource PersistentVolumeClaim ${String(claim?.args['name'])}: storageClassName ${cls}`,
                ]
              : []),
          ],
          advice: `move etcd's data to a StorageClass backed by local SSDs or block storage with low fsync latency (not a shared file store), then replace the members one at a time`,
        },
      ];
    }
    return [];
  },
};
