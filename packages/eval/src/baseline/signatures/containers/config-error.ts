import { unsealFailure } from '../../../analyzers/sealed-secret.js';
import { clip } from '../../../analyzers/types.js';
import { escapeRe, firstLine } from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/** A container that cannot start because a ConfigMap, Secret or key it references is missing (CreateContainerConfigError), when no scan said so. */
export const configError: ContainerSignature = {
  name: 'config-error',
  stops: true,
  find(x, f) {
    const { described: d, pod, objectLabel, bonus: b, container: c, kind, now } = x;
    const { events, scanned } = f;
    if (!scanned && now.reason && /CreateContainerConfigError/.test(now.reason)) {
      const msg =
        firstLine(d.content, /not found|couldn't find key/i) ??
        firstLine(events, new RegExp(`${escapeRe(pod)}.{0,500}(not found|couldn't find key)`));
      const ref = msg
        ? /(configmap|secret)s? "?([a-z0-9.-]+)"? not found|couldn't find key (\S+) in (ConfigMap|Secret) (\S+)/i.exec(
            msg,
          )
        : null;
      const what = ref
        ? ref[2]
          ? `${ref[1]!.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap'} ${ref[2]} does not exist`
          : `key ${ref[3]} is missing from ${ref[4]} ${ref[5]}`
        : 'a referenced ConfigMap or Secret is missing';
      // A Secret a SealedSecret should have made: why the controller did not.
      const sealed =
        ref?.[2] && ref[1]!.toLowerCase() === 'secret' ? unsealFailure(events, ref[2]) : undefined;
      return {
        weight: 88 + b,
        object: objectLabel,
        cause: `the ${kind} ${c.name} cannot start (CreateContainerConfigError): ${what}${sealed ? `, because ${sealed.said}` : ''}`,
        evidence: [
          `describe_pod ${pod}: State Waiting, Reason CreateContainerConfigError`,
          ...(msg ? [`event: ${clip(msg)}`] : []),
        ],
        advice: sealed
          ? sealed.advice.replace('<ns>', f.ns)
          : `create what is missing (${what}), or fix the reference in the deployment`,
      };
    }
    return undefined;
  },
};
