import { parseQuantity } from '@sre-harness/tools-k8s';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, containerSections, describedVolumes, outputs, type Read } from './types.js';

// MySQL's InnoDB buffer pool setting as my.cnf or a change note writes it (`innodb_buffer_pool_size = 3G`).
const POOL = /innodb[_-]buffer[_-]pool[_-]size\s{0,4}[=:]\s{0,4}(\d{1,12})([KMGkmg]?)\b/;

/**
 * The InnoDB buffer pool size in bytes and as written, from any ConfigMap or rollout history read
 * (MySQL's K, M and G are powers of 1024: https://dev.mysql.com/doc/refman/8.0/en/innodb-buffer-pool-resize.html).
 */
export function innodbBufferPool(
  seen: readonly SeenObservation[],
): { bytes: number; text: string } | undefined {
  for (const o of [...outputs(seen, 'describe_resource'), ...outputs(seen, 'get_rollout_history')]) {
    const m = POOL.exec(o.content);
    if (!m) continue;
    const unit = { k: 'Ki', m: 'Mi', g: 'Gi' }[m[2]!.toLowerCase()] ?? '';
    const bytes = parseQuantity(`${m[1]}${unit}`);
    if (bytes !== undefined) return { bytes, text: `${m[1]}${m[2]}` };
  }
  return undefined;
}

/**
 * Reads the ConfigMaps an OOM-killed database container mounts (MySQL, MariaDB, Percona), where its
 * my.cnf sets the buffer pool that decides most of its memory; the oom-killed signature then says
 * whether that setting alone fills the memory limit.
 */
export const dbMemoryAnalyzer: Analyzer = {
  name: 'db-memory',
  first: true,
  reads({ ns, seen }): Read[] {
    const reads: Read[] = [];
    // In any namespace read: a dependency's database is described in its own.
    for (const d of outputs(seen, 'describe_pod')) {
      const where = String(d.args['namespace'] ?? ns);
      const db = containerSections(d.content).some(
        (c) => /Reason:\s+OOMKilled/.test(c.body) && /^\s+Image:\s+\S*(mysql|mariadb|percona)/im.test(c.body),
      );
      if (!db) continue;
      for (const v of describedVolumes(d.content)
        .filter((x) => x.type === 'ConfigMap')
        .slice(0, 2))
        if (
          !outputs(
            seen,
            'describe_resource',
            (o) => o.args['name'] === v.source && o.args['namespace'] === where,
          ).length
        )
          reads.push({
            tool: 'describe_resource',
            args: { kind: 'ConfigMap', name: v.source, namespace: where },
          });
    }
    return reads;
  },
  finds: () => [],
};
