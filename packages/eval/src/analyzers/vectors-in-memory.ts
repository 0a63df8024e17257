import { parseQuantity } from '@sre-harness/tools-k8s';
import { type Analyzer, clip, type Finding, metricLines, outputs } from './types.js';

/** A vector store's count of a collection's points and their dimension: "6812400 points, dim 1536". */
const POINTS =
  /\b(\d{3,12}) (?:points|vectors)\b[^\n]{0,60}?\b(?:dim|dims|dimension|dimensions)\b[=: ]{0,3}(\d{2,5})\b/i;
/** A container's memory use against its limit on a `get_pod_metrics` line. */
const MEMORY =
  /\bmemory (\d{1,9}(?:\.\d{1,3})?(?:Ki|Mi|Gi|Ti)?) \/[^;]{0,80}?\blimit (\d{1,9}(?:\.\d{1,3})?(?:Ki|Mi|Gi|Ti)?)\b/;

/** A collection's configuration (JSON) whose `vectors` object has no `"on_disk": true`, while something else of it is on disk. */
function vectorsInRam(text: string, dim: string): boolean {
  const head = text.slice(0, 100_000);
  const vectors = /"vectors"\s{0,3}:\s{0,3}\{([^{}]{0,400})\}/.exec(head);
  if (!vectors || !new RegExp(`"size"\\s{0,3}:\\s{0,3}${dim}\\b`).test(vectors[1]!)) return false;
  if (/"on_disk"\s{0,3}:\s{0,3}true/.test(vectors[1]!)) return false;
  return /"on_disk(?:_payload)?"\s{0,3}:\s{0,3}true/.test(head);
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * A vector store whose memory is its vectors. A collection's vectors kept in RAM take points ×
 * dimensions × 4 bytes (float32); when that is most of a pod's memory and the collection's own
 * configuration puts its payload or index on disk but not its vectors (no `"on_disk": true` under
 * `vectors`), memory grows with every point imported, which looks like a leak and is not. Found from
 * the store's log (its points and their dimension), the pods' memory against their limit
 * (`get_pod_metrics`, 80 % or more) and a ConfigMap read that holds the collection's configuration.
 * The fix is the configuration's (vectors on disk, memory-mapped, or quantized) or more memory.
 */
export const vectorsInMemoryAnalyzer: Analyzer = {
  name: 'vectors-in-memory',
  reads: () => [],
  finds({ seen, ns }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns)) {
      const line = o.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 4000 && POINTS.test(l));
      if (!line) continue;
      const [, points, dim] = POINTS.exec(line)!;
      const bytes = Number(points) * Number(dim!) * 4;
      const pod = String(o.args['name'] ?? '');
      const metric = metricLines(seen, ns).find((m) => m.pod === pod && MEMORY.test(m.line));
      const mem = metric ? MEMORY.exec(metric.line) : undefined;
      const used = mem ? parseQuantity(mem[1]!) : undefined;
      const limit = mem ? parseQuantity(mem[2]!) : undefined;
      if (!used || !limit || used < limit * 0.8 || bytes < used * 0.5) continue;
      const config = [
        ...outputs(seen, 'describe_resource', (x) => x.args['kind'] === 'ConfigMap'),
        ...outputs(seen, 'get_resource', (x) => x.args['kind'] === 'ConfigMap'),
      ].find((c) => vectorsInRam(c.content, dim!));
      if (!config) continue;
      return [
        {
          weight: 82,
          object: `pod ${pod}`,
          cause: `the memory of ${pod} (${mem![1]} of its ${mem![2]} limit) is the collection's vectors, held in RAM: ${points} points × ${dim} dimensions × 4 bytes (float32) = ${gib(bytes)} ("${clip(line.trim(), 160)}"), and the collection's configuration (ConfigMap ${String(config.args['name'] ?? '')}) puts its payload or index on disk but not its vectors (no "on_disk": true under "vectors"), so every point imported adds to memory; it grows with the data, it is not a leak of the release`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(line.trim(), 160)}"`,
            `get_pod_metrics ${pod}: ${clip(metric!.line.trim(), 140)}`,
            `ConfigMap ${String(config.args['name'] ?? '')}: "vectors" without "on_disk": true`,
          ],
          advice: `store the collection's vectors on disk (memory-mapped: "on_disk": true under "vectors") or quantize them, or give the pods memory for ${gib(bytes)} of vectors plus the rest; rolling back the release changes nothing`,
        },
      ];
    }
    return [];
  },
};
