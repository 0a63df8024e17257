import { type Analyzer, clip, type Finding, outputs, tableOf } from './types.js';

/**
 * A program refusing work because the memory it predicts would not fit: Milvus' query node's "load
 * segment failed, OOM if load" (with `predictMemUsage`, `totalMem`, `thresholdFactor`), and the like
 * ("not enough memory to load", "would exceed the memory limit", "insufficient memory to load").
 */
const REFUSED =
  /\bOOM if load\b|\bnot enough memory to (?:load|allocate|admit)\b|\bwould exceed (?:the )?(?:memory|mem) (?:limit|threshold|capacity)\b|\binsufficient memory (?:to|for) load\b/i;
/** A size a line states for a key: `predictMemUsage=16512MB`, `totalMem=16384MB`, `memUsage: 10950 MB`. */
const SIZE =
  /\b(predict\w{0,20}|need\w{0,20}|required?\w{0,20}|total\w{0,20}|mem\w{0,20}|limit\w{0,20})[=:]\s{0,2}(\d{1,9}(?:\.\d{1,3})?)\s?(MB|MiB|GB|GiB)\b/gi;
/** The share of total memory allowed: `thresholdFactor=0.900000`. */
const FACTOR = /\bthreshold\w{0,20}[=:]\s{0,2}(0?\.\d{1,8})\b/i;

function megabytes(n: string, unit: string): number {
  return /^g/i.test(unit) ? Number(n) * 1024 : Number(n);
}

/**
 * Work a program refuses because it predicts the memory it needs would not fit. A query node that
 * loads a collection's segments checks first: when what it already holds plus the new segments would
 * pass its memory threshold (a share of its total memory), it refuses the load, and the collection
 * stays unloaded (searches get "collection not loaded") while every pod is Running and nothing is
 * OOMKilled. Found from a Running pod's log line of the refusal, repeated; its sizes (predicted use,
 * total memory, threshold) are quoted when the line states them. The storage the segments come from is
 * not at fault. The fix is memory: more or bigger query nodes, or releasing what is loaded and not used.
 */
export const loadRefusedMemoryAnalyzer: Analyzer = {
  name: 'load-refused-memory',
  reads: () => [],
  finds({ seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000 && REFUSED.test(l));
      if (lines.length < 2) continue;
      const line = lines[lines.length - 1]!.trim();
      const sizes = new Map<string, number>();
      for (const m of line.matchAll(SIZE)) sizes.set(m[1]!.toLowerCase(), megabytes(m[2]!, m[3]!));
      const pick = (re: RegExp) => [...sizes].find(([k]) => re.test(k))?.[1];
      const predicted = pick(/^(?:predict|need|require)/);
      const total = pick(/^total/);
      const held = pick(/^mem(?!.*total)/);
      const factor = Number(FACTOR.exec(line)?.[1] ?? Number.NaN);
      const allowed = total !== undefined && factor > 0 ? Math.round(total * factor) : undefined;
      const pod = String(o.args['name'] ?? '');
      // The pod list shows a pod that is not Running (killed, restarting): then not said to run.
      const killed = tableOf(seen, 'list_pods').some(
        (r) => r['STATUS'] !== 'Running' || (r['READY'] ?? '').startsWith('0/'),
      );
      // Sizes that say the load would fit are not quoted as the reason it does not.
      const over = predicted !== undefined && total !== undefined && predicted > (allowed ?? total);
      const numbers = over
        ? `: it would need ${predicted} MB with the new data, more than ${allowed !== undefined ? `the ${allowed} MB it may use (${factor} of its ${total} MB total memory)` : `its ${total} MB total memory`}${held !== undefined ? `, since it already holds ${held} MB` : ''}`
        : '';
      return [
        {
          weight: 84,
          object: `pod ${pod}`,
          cause: `${pod} refuses the load because it does not have enough memory for it${numbers} ("${clip(line, 200)}", ${lines.length} times). The load is refused before it starts, so it never finishes and the data stays unloaded${killed ? '' : ' while every pod runs; no container was killed for memory'}, and the storage it loads from is not the problem`,
          evidence: [`get_pod_logs ${pod}: "${clip(line, 220)}"`],
          advice: `give the nodes that load it more memory (more or larger replicas, a higher memory limit), or release what they hold and no longer need (an old collection) before loading the new one; restarting the storage changes nothing`,
        },
      ];
    }
    return [];
  },
};
