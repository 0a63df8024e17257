import type { Finding } from '../../../analyzers/index.js';
import { clip, outputs, podObject } from '../../../analyzers/types.js';
import { firstLine, ownerOf } from '../../reading.js';
import type { RunSignature } from '../types.js';

/** A full volume that does not crash the process: writes failing in its current logs (ENOSPC). */
export const fullVolume: RunSignature = {
  name: 'full-volume',
  find({ seen, deps, bonus }) {
    const out: Finding[] = [];
    for (const l of outputs(seen, 'get_pod_logs')) {
      const line = firstLine(l.content, /No space left on device|ENOSPC/i);
      if (!line) continue;
      const pod = String(l.args['name'] ?? '');
      const owner = ownerOf(pod, deps);
      const pvc = outputs(seen, 'describe_resource').find((o) => o.args['kind'] === 'PersistentVolumeClaim');
      out.push({
        weight: 76 + bonus(pod),
        object: podObject(owner, pod),
        cause: `the disk is full: writes fail with "No space left on device"${pvc ? ` on the volume backed by PersistentVolumeClaim ${String(pvc.args['name'])}` : ''}`,
        evidence: [`logs of ${pod}: "${clip(line, 140)}"`],
        advice: 'free space or expand the volume (PVC)',
      });
    }
    return out;
  },
};
