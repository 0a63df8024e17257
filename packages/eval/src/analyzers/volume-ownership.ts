import { parseTable } from '../k8s-text.js';
import { type Analyzer, bonus, clip, type Finding, outputs } from './types.js';

/** An event's age in seconds, from kubectl's LAST SEEN ("40m", "2d3h", "5m30s"); unreadable: very old. */
function age(text: string | undefined): number {
  const parts = [...(text ?? '').matchAll(/(\d{1,6})([smhd])/g)];
  if (parts.length === 0) return Number.POSITIVE_INFINITY;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
  return parts.reduce((n, m) => n + Number(m[1]) * unit[m[2]!]!, 0);
}

/**
 * A pod stuck in ContainerCreating while the kubelet changes the ownership of every file on a volume
 * to the pod's fsGroup: with `fsGroupChangePolicy: Always` (the default) the kubelet walks the whole
 * volume at each mount, and on a volume of millions of files that takes longer than the mount wait,
 * so "timed out waiting for the condition" follows while the walk goes on (kubernetes.io, "Configure
 * a Security Context": volume permission and ownership change policy; the kubelet's
 * VolumePermissionChangeInProgress event). An earlier Multi-Attach error that a later
 * SuccessfulAttachVolume for the same pod resolved is history, not the cause.
 */
export const volumeOwnershipAnalyzer: Analyzer = {
  name: 'volume-ownership',
  reads: () => [],
  finds({ ns, seen, hints }) {
    const rows = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).flatMap((o) =>
      parseTable(o.content),
    );
    const walk = rows.filter((r) => r['REASON'] === 'VolumePermissionChangeInProgress');
    if (walk.length === 0) return [];
    const object = walk[0]!['OBJECT'] ?? '';
    const pod = object.split('/').pop() ?? object;
    // The walk is over once a container of the pod started after it: it is history, not the wait.
    const lastWalk = Math.min(...walk.filter((r) => r['OBJECT'] === object).map((r) => age(r['LAST SEEN'])));
    if (
      rows.some((r) => r['OBJECT'] === object && r['REASON'] === 'Started' && age(r['LAST SEEN']) <= lastWalk)
    ) {
      return [];
    }
    const counts = walk
      .map((r) => /processed (\d{1,12}) files/.exec(r['MESSAGE'] ?? '')?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    const most = counts.length ? Math.max(...counts) : undefined;
    const attached = rows.some((r) => r['REASON'] === 'SuccessfulAttachVolume' && r['OBJECT'] === object);
    const multi = rows.some(
      (r) =>
        r['REASON'] === 'FailedAttachVolume' &&
        r['OBJECT'] === object &&
        /Multi-Attach/i.test(r['MESSAGE'] ?? ''),
    );
    return [
      {
        weight: 93 + bonus(pod, hints),
        object: `pod ${pod}`,
        cause: `pod ${pod} waits in ContainerCreating while the kubelet changes the ownership of every file on its volume to the pod's fsGroup (VolumePermissionChangeInProgress${most ? `, ${most.toLocaleString('en-US')} files processed so far` : ''}): with fsGroupChangePolicy Always, the default, the kubelet walks the whole volume at each mount, which on a volume with millions of files outlasts the mount wait, hence "timed out waiting for the condition"${
          attached && multi
            ? '; the earlier Multi-Attach error is over: the volume attached to the new node afterwards (SuccessfulAttachVolume), so nothing needs force-detaching'
            : ''
        }`,
        evidence: walk
          .slice(0, 2)
          .map((r) => `event ${r['REASON']} ${object}: "${clip(r['MESSAGE'] ?? '', 160)}"`),
        advice: `set securityContext.fsGroupChangePolicy: OnRootMismatch on ${pod}'s pod template (the kubelet then changes ownership only when the volume's root does not match), and let this walk finish`,
      } satisfies Finding,
    ];
  },
};
