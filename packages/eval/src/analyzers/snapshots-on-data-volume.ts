import { type Analyzer, clip, type Finding, outputs } from './types.js';

/** A full file system, as programs report it. */
const FULL = /No space left on device|ENOSPC|os error 28|disk (?:is )?full/i;
/** A mount line of `kubectl describe pod`: `/qdrant/snapshots from storage (rw,path="snapshots")`. */
const MOUNT = /^\s{4,}(\/\S{0,300}) from (\S{1,253}) \((r[ow])(?:,path="([^"]{0,300})")?\)\s*$/;
/** What a copy kept beside the data is called. */
const COPIES = /snapshot|backup|dump|archive/i;
/** A line counting the copies kept: "snapshots now stored for docs: 29 (oldest …), total 1.19 TiB". */
const COUNTED =
  /\b(?:snapshots?|backups?|dumps?)\b[^\n]{0,80}?\b\d{1,6}\b[^\n]{0,120}?\b(?:total|oldest)\b|\b\d{1,6} (?:snapshots|backups|dumps)\b/i;

/**
 * A data volume filled by the copies kept on it. A program that writes its snapshots or backups to a
 * directory of its own data volume (a second mount of the same volume, `subPath: snapshots`) spends
 * that volume on every copy; when nothing removes old copies, they pile up until the volume is full
 * and the program's own writes fail ("No space left on device"). Found from the pod's log (the full
 * file system), its description (two mounts of one volume, one of them, writable, for snapshots,
 * backups, dumps or an archive) and, when a log read counts the copies kept (how many, the oldest, the total), that
 * count. The fix is a retention for the copies (delete the old ones) or a volume of their own; more
 * CPU or memory changes nothing.
 */
export const snapshotsOnDataVolumeAnalyzer: Analyzer = {
  name: 'snapshots-on-data-volume',
  reads: () => [],
  finds({ seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs')) {
      const full = o.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 4000 && FULL.test(l));
      if (!full) continue;
      const pod = String(o.args['name'] ?? '');
      const d = outputs(
        seen,
        'describe_pod',
        (x) => x.args['name'] === pod && x.args['namespace'] === o.args['namespace'],
      ).pop();
      if (!d) continue;
      const mounts = d.content
        .slice(0, 200_000)
        .split('\n')
        .map((l) => MOUNT.exec(l))
        .flatMap((m) => (m ? [{ path: m[1]!, volume: m[2]!, mode: m[3]!, sub: m[4] }] : []));
      const copies = mounts.find(
        (m) =>
          m.mode === 'rw' &&
          (COPIES.test(m.sub ?? '') || COPIES.test(m.path)) &&
          mounts.some((x) => x !== m && x.volume === m.volume && !COPIES.test(x.path)),
      );
      if (!copies) continue;
      const data = mounts.find((x) => x !== copies && x.volume === copies.volume)!;
      const kind = (COPIES.exec(`${copies.sub ?? ''} ${copies.path}`)?.[0] ?? 'snapshot').toLowerCase();
      // The copies counted by a log of the same namespace (the job that makes them, the program itself).
      const counted = outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === o.args['namespace'])
        .flatMap((x) =>
          x.content
            .slice(-200_000)
            .split('\n')
            .filter((l) => l.length <= 4000 && COUNTED.test(l))
            .map((l) => ({ l: l.trim(), who: String(x.args['name'] ?? '') })),
        )
        .pop();
      return [
        {
          weight: 85,
          object: `pod ${pod}`,
          cause: `the data volume of ${pod} is full ("${clip(full.trim(), 160)}"), and what fills it is the ${kind}s kept on it: they are written to the same volume as the data (${copies.path} from ${copies.volume}${copies.sub ? `, path "${copies.sub}"` : ''}, beside ${data.path}) and never pruned, so every ${kind} adds to it and they accumulated until the volume filled${counted ? ` (${counted.who}: "${clip(counted.l, 160)}")` : ''}. The program's own writes then fail for lack of space`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(full.trim(), 160)}"`,
            `describe_pod ${pod}: ${copies.path} from ${copies.volume}${copies.sub ? ` (path "${copies.sub}")` : ''}, ${data.path} from ${data.volume}`,
            ...(counted ? [`get_pod_logs ${counted.who}: "${clip(counted.l, 160)}"`] : []),
          ],
          advice: `delete the old ${kind}s (keep the few recent ones, or copy them to object storage) and give the ${kind} job a retention, or move the ${kind}s to a volume of their own; more CPU or memory changes nothing, and a bigger volume only delays the next fill`,
        },
      ];
    }
    return [];
  },
};
