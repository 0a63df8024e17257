import { parseQuantity } from '@sre-harness/tools-k8s';
import type { SeenObservation } from '../observations.js';
import { described } from './types.js';

/**
 * Whether a ResourceQuota's refusal (`exceeded quota: q, requested: requests.memory=6758Mi, used:
 * requests.memory=189Gi, limited: requests.memory=192Gi`) is history: the quota's usage as read now
 * (`used.requests.memory: 0Ki` in its description) leaves room for every amount the refused pod asked
 * for, so the same pod would be admitted today. False when the refusal or the quota's usage cannot be read.
 */
export function quotaRoomNow(
  f: { kind: string; name: string; message: string },
  seen: readonly SeenObservation[],
): boolean {
  if (f.kind !== 'ResourceQuota' || !/exceeded quota/.test(f.message)) return false;
  const msg = f.message.slice(0, 4000);
  const from = msg.indexOf('requested: ');
  const to = msg.indexOf(', used: ', from);
  const at = msg.indexOf('limited: ', to);
  if (from < 0 || to < 0 || at < 0) return false;
  const requested = msg.slice(from + 11, to);
  const limited = msg.slice(at + 9);
  const pairs = (s: string) =>
    new Map(
      [...s.matchAll(/([a-z][a-z.]{0,60})=([0-9.]{1,20}[A-Za-z]{0,3})/g)].map((m) => [
        m[1]!,
        parseQuantity(m[2]),
      ]),
    );
  const asked = pairs(requested);
  const hard = pairs(limited);
  const text = described(seen, 'ResourceQuota', f.name);
  if (!text || asked.size === 0) return false;
  for (const [resource, amount] of asked) {
    const used = new RegExp(`^\\s+used\\.${resource.replace(/\./g, '\\.')}:\\s+(\\S{1,30})\\s*$`, 'm').exec(
      text,
    )?.[1];
    const u = used === undefined ? undefined : parseQuantity(used);
    const h = hard.get(resource);
    if (amount === undefined || u === undefined || h === undefined || u + amount > h) return false;
  }
  return true;
}
