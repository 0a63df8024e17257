import { clip } from '../../../analyzers/types.js';
import { escapeRe, firstLine } from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/** A pod held in ContainerCreating by a volume that cannot be mounted (FailedMount), when no scan said so. */
export const failedMount: ContainerSignature = {
  name: 'failed-mount',
  stops: true,
  find(x, f) {
    const { described: d, pod, objectLabel, bonus: b, now } = x;
    const { events, scanned } = f;
    if (!scanned && now.reason && /ContainerCreating/.test(now.reason)) {
      // A volume that cannot be mounted keeps the pod in ContainerCreating (FailedMount).
      const mount =
        firstLine(d.content, /FailedMount|MountVolume\.SetUp failed/i) ??
        firstLine(events, new RegExp(`${escapeRe(pod)}.{0,500}(FailedMount|MountVolume)`));
      if (mount) {
        const ref = /(configmaps?|secrets?|persistentvolumeclaims?) "?([a-z0-9.-]+)"? not found/i.exec(mount);
        const kindOf = (k: string) =>
          /^secret/i.test(k) ? 'Secret' : /^persistent/i.test(k) ? 'PersistentVolumeClaim' : 'ConfigMap';
        const what = ref ? `${kindOf(ref[1]!)} ${ref[2]} does not exist` : clip(mount, 100);
        return {
          weight: 88 + b,
          object: objectLabel,
          cause: `the pod cannot start (stuck in ContainerCreating): a volume cannot be mounted (FailedMount): ${what}`,
          evidence: [`describe_pod ${pod}: State Waiting, Reason ContainerCreating`, `event: ${clip(mount)}`],
          advice: ref
            ? `create ${kindOf(ref[1]!)} ${ref[2]} in the namespace, or fix the volume's reference to the name that exists`
            : 'fix the volume the pod mounts',
        };
      }
    }
    return undefined;
  },
};
