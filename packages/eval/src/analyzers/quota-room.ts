import { parseQuantity } from '@sre-harness/tools-k8s';
import { escapeRe } from '../baseline/reading.js';
import type { SeenObservation } from '../observations.js';
import { outputs } from './types.js';

/** `name=quantity` pairs of a quota refusal's part (`requests.ephemeral-storage=1Gi, requests.cpu=100m`). */
function pairs(s: string): Map<string, number | undefined> {
  return new Map(
    [...s.matchAll(/([a-z][a-z0-9.-]{0,60})=([0-9.]{1,20}[A-Za-z]{0,3})/g)].map((m) => [
      m[1]!,
      parseQuantity(m[2]),
    ]),
  );
}

/**
 * Whether a ResourceQuota's refusal (`exceeded quota: q, requested: requests.memory=6758Mi, used:
 * requests.memory=189Gi, limited: requests.memory=192Gi`) is history: the quota as described now (in
 * namespace `ns`, when given; else the one namespace whose quota of that name was described) has room under
 * its current hard limit (`hard.requests.memory: 192Gi`, else the refusal's) for every amount the refused pod
 * asked for, beside its current usage (`used.requests.memory: 0Ki`), so the same pod would be admitted today.
 * Amounts are compared with a tolerance of a millionth, so 200m + 100m fills 300m exactly. False when the
 * refusal or the quota's usage cannot be read.
 */
export function quotaRoomNow(
  f: { kind: string; name: string; message: string },
  seen: readonly SeenObservation[],
  ns?: string,
): boolean {
  if (f.kind !== 'ResourceQuota' || !/exceeded quota/.test(f.message)) return false;
  const msg = f.message.slice(0, 4000);
  const from = msg.indexOf('requested: ');
  const to = msg.indexOf(', used: ', from);
  const at = msg.indexOf('limited: ', to);
  if (from < 0 || to < 0 || at < 0) return false;
  const asked = pairs(msg.slice(from + 11, to));
  const limited = pairs(msg.slice(at + 9));
  const described = outputs(
    seen,
    'describe_resource',
    (o) =>
      String(o.args['kind']).toLowerCase() === 'resourcequota' &&
      o.args['name'] === f.name &&
      (ns === undefined || o.args['namespace'] === ns),
  );
  // Without a namespace, quotas of that name described in two namespaces leave it unknown which refused.
  if (ns === undefined && new Set(described.map((o) => String(o.args['namespace']))).size > 1) return false;
  const text = described.pop()?.content;
  if (!text || asked.size === 0) return false;
  const field = (prefix: string, resource: string) => {
    const v = new RegExp(`^\\s+${prefix}\\.${escapeRe(resource)}:\\s+(\\S{1,30})\\s*$`, 'm').exec(text)?.[1];
    return v === undefined ? undefined : parseQuantity(v);
  };
  for (const [resource, amount] of asked) {
    const used = field('used', resource);
    const hard = field('hard', resource) ?? limited.get(resource);
    if (amount === undefined || used === undefined || hard === undefined) return false;
    if (used + amount - hard > 1e-6 * Math.max(1, hard)) return false;
  }
  return true;
}
