import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, podEventLines, type Read } from './types.js';

/** The attach/detach controller's wait for a CSI driver's external-attacher (a FailedAttachVolume or FailedMount event). */
const ATTACH_WAIT =
  /AttachVolume\.Attach failed for volume "[^"]{1,253}" : timed out waiting for external-attacher of ([a-z0-9][a-z0-9.-]{0,252}) CSI driver/;

/** The drivers a namespace's pods wait to have attached, each with its event line, from descriptions and events. */
function waitingAll({ seen, ns }: { seen: Parameters<Analyzer['reads']>[0]['seen']; ns: string }) {
  const out: { driver: string; line: string }[] = [];
  for (const { line } of podEventLines(seen, ns)) {
    const m = ATTACH_WAIT.exec(line);
    if (m && !out.some((w) => w.driver === m[1])) out.push({ driver: m[1]!, line: line.trim() });
    if (out.length >= 4) return out;
  }
  return out;
}

/** The first waiting driver, for the reads. */
function waiting(ctx: { seen: Parameters<Analyzer['reads']>[0]['seen']; ns: string }) {
  return waitingAll(ctx)[0];
}

/**
 * A volume whose attach waits for an external-attacher that never acts, because the cluster has no
 * CSIDriver object for its driver: without one Kubernetes assumes the driver needs attaching
 * (attachRequired defaults to true, kubernetes-csi docs, "CSIDriver Object"), so a driver that deploys no
 * attacher (CephFS, NFS, most file drivers) leaves its VolumeAttachments unattached and its pods in
 * ContainerCreating. The CSIDriver list shows whether the driver has one.
 */
export const csiDriverMissingAnalyzer: Analyzer = {
  name: 'csidriver-missing',
  reads(ctx): Read[] {
    if (!waiting(ctx)) return [];
    return outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === 'CSIDriver').length > 0
      ? []
      : [{ tool: 'list_resources', args: { kind: 'CSIDriver' } }];
  },
  finds(ctx): Finding[] {
    const listed = outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === 'CSIDriver').pop();
    if (!listed) return [];
    const drivers = parseTable(listed.content).map((r) => r['NAME'] ?? '');
    // Every waiting driver is weighed: the first may have its CSIDriver while another has none.
    const w = waitingAll(ctx).find((x) => !drivers.includes(x.driver));
    if (!w) return [];
    return [
      {
        // Why the mount a FailedMount names waits: above that symptom, even when the task names the pod.
        weight: 96,
        object: `csidriver ${w.driver}`,
        cause: `the volume waits to be attached by ${w.driver}'s external-attacher ("${clip(w.line, 200)}"), and the cluster has no CSIDriver object for ${w.driver} (CSIDrivers: ${drivers.filter(Boolean).join(', ') || 'none'}): without one Kubernetes assumes the driver needs attaching (attachRequired defaults to true), so it creates a VolumeAttachment and waits for an attacher that this driver does not run; the pods stay in ContainerCreating`,
        evidence: [
          `event: "${clip(w.line, 200)}"`,
          `list_resources CSIDriver: ${drivers.filter(Boolean).join(', ') || 'none'}; none for ${w.driver}`,
        ],
        advice: `create the CSIDriver object for ${w.driver} as the driver's install manifests define it (for a file driver such as CephFS: attachRequired: false), then delete the stuck VolumeAttachments and the waiting pods`,
        revisionSound: true,
      },
    ];
  },
};
