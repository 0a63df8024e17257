import { ageSeconds } from '../baseline/reading.js';
import { type Analyzer, clip, outputs } from './types.js';

/** The node conditions the kubelet reports pressure on, as its events name them (NodeHasDiskPressure, …). */
const PRESSURES = ['Disk', 'Memory', 'PID'] as const;

/** One row of a `describe_node` Events table: reason, age (seconds) and message. */
function nodeEvents(text: string): { reason: string; age: number; message: string }[] {
  const at = text.search(/^Events:/m);
  if (at < 0) return [];
  const out: { reason: string; age: number; message: string }[] = [];
  for (const l of text
    .slice(at, at + 20_000)
    .split('\n')
    .slice(1, 200)) {
    const m =
      /^\s{1,8}(?:Normal|Warning)\s{1,40}(\S{1,80})\s{1,40}(\S{1,20})\s{1,40}\S{1,80}\s{1,40}(.{0,400})$/.exec(
        l,
      );
    if (!m) continue;
    const age = ageSeconds(m[2]!.replace(/\s/g, ''));
    if (age !== undefined) out.push({ reason: m[1]!, age, message: m[3]!.trim() });
  }
  return out;
}

/**
 * A node that had disk (or memory, or PID) pressure and no longer has: its events show the kubelet setting
 * the condition (NodeHasDiskPressure) and clearing it later (NodeHasNoDiskPressure), and its conditions now
 * say it has none. At its eviction threshold the kubelet reclaims node resources itself, first by garbage
 * collecting unused images and dead containers, then by evicting pods (kubernetes.io, "Node-pressure
 * Eviction": reclaiming node level resources), so a condition that cleared needs no cleaning by hand. A note
 * for the answer, not a fault.
 */
export const nodePressureClearedAnalyzer: Analyzer = {
  name: 'node-pressure-cleared',
  reads: () => [],
  finds: () => [],
  notes(ctx) {
    const out: string[] = [];
    for (const o of outputs(ctx.seen, 'describe_node')) {
      const node = String(o.args['name'] ?? '');
      const text = o.content.slice(0, 200_000);
      const events = nodeEvents(text);
      for (const p of PRESSURES) {
        const set = events.filter((e) => e.reason === `NodeHas${p}Pressure`).sort((a, b) => a.age - b.age)[0];
        const cleared = events
          .filter((e) => e.reason === `NodeHasNo${p}Pressure`)
          .sort((a, b) => a.age - b.age)[0];
        const now = new RegExp(`^\\s{0,8}${p}Pressure\\s{1,20}(True|False)\\b`, 'm').exec(text)?.[1];
        if (!set || !cleared || cleared.age >= set.age || now !== 'False') continue;
        const reclaim = events.find(
          (e) => e.reason === 'EvictionThresholdMet' || e.reason === 'FreeDiskSpaceFailed',
        );
        const evicted = events.some((e) => e.reason === 'Evicted');
        out.push(
          `Node ${node} had ${p.toLowerCase()} pressure (${p}Pressure set ${set.age >= 60 ? `${Math.round(set.age / 60)}m` : `${set.age}s`} ago${reclaim ? `; kubelet: "${clip(reclaim.message, 100)}"` : ''}) and it cleared ${cleared.age >= 60 ? `${Math.round(cleared.age / 60)}m` : `${cleared.age}s`} ago (NodeHasNo${p}Pressure): the kubelet reclaimed the space itself at its eviction threshold (garbage collection of unused images and dead containers${evicted ? ', and the pod evictions it logged' : ''}), and the node reports no ${p.toLowerCase()} pressure now, so nothing needs cleaning up by hand; the alert resolved because the condition cleared.`,
        );
      }
    }
    return out;
  },
};
