import { memoryLimit } from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/** A memory limit written with the suffix m (millibytes) where Mi was meant. */
export const milliMemory: ContainerSignature = {
  name: 'milli-memory',
  stops: false,
  find(x, f) {
    const { pod, owner, objectLabel, bonus: b, container: c, kind, last, now } = x;
    const { ns } = f;
    // A memory quantity with the suffix m is millibytes (512m = 0.512 bytes), not Mi: a typo no
    // container can run under (Kubernetes quantities: m is milli).
    const milli = memoryLimit(c.body);
    if (milli && /^\d{1,6}(?:\.\d{1,3})?m$/.test(milli)) {
      const meant = `${milli.slice(0, -1)}Mi`;
      return {
        weight: 93 + b,
        object: objectLabel,
        cause: `the ${kind} ${c.name} has a memory limit of ${milli}: the m suffix means milli, so that is ${milli.slice(0, -1)} millibytes (a fraction of a byte), not ${meant}; no process fits in it, so the container is killed as it starts${now.reason || last.reason ? ` (${[now.reason, last.reason, last.exit !== undefined ? `exit code ${last.exit}` : ''].filter(Boolean).join(', ')})` : ''}`,
        evidence: [`describe_pod ${pod}: container ${c.name} Limits memory: ${milli}`],
        advice: `set the memory limit to ${meant} (the unit is Mi, not m)`,
        ...(owner
          ? {
              fix: {
                tool: 'set_resources',
                args: { namespace: ns, deployment: owner, container: c.name, limits: { memory: meant } },
                text: `set the memory limit of ${owner}/${c.name} to ${meant} (it reads ${milli}, millibytes)`,
              },
            }
          : {}),
      };
    }
    return undefined;
  },
};
