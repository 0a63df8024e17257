import { clip } from '../../../analyzers/types.js';
import { dependencyHosts, logLines, serviceMissing, tellingLine } from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/** An init container that runs and never finishes, and what it waits for. */
export const initWait: ContainerSignature = {
  name: 'init-wait',
  stops: false,
  find(x, f) {
    const { described: d, pod, objectLabel, bonus: b, container: c, now, logs } = x;
    const { ns, seen } = f;
    // An init container that runs and never finishes holds the pod at Init:N/M: what it waits
    // for is in its own log (a wait-for loop on a name that does not resolve, a port that never opens).
    if (c.init && now.state === 'Running' && /Status:\s*Pending \(Init:/.test(d.content)) {
      const text = logs?.content ?? '';
      const line = tellingLine(text) ?? logLines(text).pop();
      const host = dependencyHosts(text)[0];
      const missing = host ? serviceMissing(host, ns, seen) : undefined;
      const started = /Started:[ \t]*\S{1,40}[ \t]*\(([^)]{1,20}) ago\)/.exec(c.body)?.[1];
      return {
        weight: 84 + b,
        object: objectLabel,
        cause: `the pod is stuck at ${/Init:\d+\/\d+/.exec(d.content)?.[0] ?? 'Init'}: its init container ${c.name} has been running${started ? ` for ${started}` : ''} and never completes, so the app container never starts${host ? `; it waits for ${host}` : ''}${line ? ` (its log: "${clip(line, 120)}")` : ''}${missing ? `; ${missing}` : ''}`,
        evidence: [
          `describe_pod ${pod}: init container ${c.name} State Running, pod ${/Init:\d+\/\d+/.exec(d.content)?.[0] ?? 'Init'}`,
          ...(line ? [`logs of ${pod}/${c.name}: "${clip(line, 140)}"`] : []),
        ],
        advice: host
          ? `point the init container (and the app) at the name that exists${missing?.includes('exists') ? '' : ` or restore service ${host}`}`
          : 'make what the init container waits for available, or fix its command',
      };
    }
    return undefined;
  },
};
