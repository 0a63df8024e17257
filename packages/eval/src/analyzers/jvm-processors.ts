import { parseQuantity } from '@sre-harness/tools-k8s';
import { resourceLimit, resourceRequest } from '../baseline/reading.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  logOutputLines,
  outputs,
  podDeployment,
  podDescription,
  type Read,
} from './types.js';

/** Elasticsearch's refusal of work when a thread pool's queue is full. */
const REJECTED = 'EsRejectedExecutionException';
/** The pool's name in the refusal (`name = es-data-0/search`) and its size (`pool size = 2`). */
const POOL_NAME = /\bname = [^/\s,]{1,100}\/([a-z_]{1,40})\b/;
/** The fixed pools whose size follows the processor count (search_throttled, for one, is one thread always). */
const SIZED_BY_PROCESSORS = new Set(['search', 'write']);
const POOL_SIZE = /\bpool size = (\d{1,4})\b/;

/** A setting that tells the JVM or Elasticsearch how many processors to use. */
const PROCESSORS_SET = /-XX:ActiveProcessorCount=|\bnode\.processors\b|\bprocessors:/;

/** The first refusal in a log read in the namespace, with the pool's name and size. */
function rejection(
  ctx: AnalyzerContext,
): { pod: string; container: string | undefined; line: string; pool: string; size: number } | undefined {
  for (const o of [...outputs(ctx.seen, 'get_pod_logs'), ...outputs(ctx.seen, 'search_pod_logs')]) {
    if (String(o.args['namespace'] ?? ctx.ns) !== ctx.ns) continue;
    for (const l of logOutputLines(o)) {
      if (l.length > 8000 || !l.includes(REJECTED)) continue;
      const pool = POOL_NAME.exec(l)?.[1];
      const size = POOL_SIZE.exec(l)?.[1];
      if (pool && size && SIZED_BY_PROCESSORS.has(pool))
        return {
          pod: String(o.args['name'] ?? ''),
          container: typeof o.args['container'] === 'string' ? o.args['container'] : undefined,
          line: l.trim(),
          pool,
          size: Number(size),
        };
    }
  }
  return undefined;
}

/**
 * The processor count Elasticsearch's fixed pools imply from their size: the search pool is
 * `int(processors × 3 / 2) + 1` threads, the write pool `processors` (Elasticsearch's "Thread pools").
 */
function impliedProcessors(pool: string, size: number): number {
  return pool === 'search' ? Math.max(1, Math.round(((size - 1) * 2) / 3)) : size;
}

/**
 * Elasticsearch rejects searches (its pool's queue is full) while its nodes have idle cores, because the
 * JVM counted too few processors: with a CPU request and no CPU limit, JVMs before Java 19 derive their
 * processor count from the container's CPU shares (1,024 per requested CPU; JDK-8281181 removed that), so a
 * 1-CPU request makes `availableProcessors()` return 1, and Elasticsearch sizes its thread pools from that
 * count (search: int(3 × processors / 2) + 1 = 2 threads). The pods look calm on CPU because they cannot
 * use more. Found from the refusal line (the pool's size), the pod's description (a CPU request, no CPU
 * limit, no processor count set) and a size that the request's processor count explains. Reads: that pod's
 * description.
 */
export const jvmProcessorsAnalyzer: Analyzer = {
  name: 'jvm-processors',
  first: true,
  reads(ctx): Read[] {
    const r = rejection(ctx);
    return r && !podDescription(ctx.seen, ctx.ns, r.pod)
      ? [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }]
      : [];
  },
  finds(ctx): Finding[] {
    const r = rejection(ctx);
    const d = r ? podDescription(ctx.seen, ctx.ns, r.pod) : undefined;
    if (!r || !d) return [];
    // The container that logged the refusal: the one the log read named, else the Elasticsearch (or
    // OpenSearch) one by its image, else the only one.
    const containers = containerSections(d).filter((x) => !x.init);
    const logging =
      containers.find((x) => x.name === r.container) ??
      containers.find((x) =>
        /elasticsearch|opensearch/i.test(/^\s*Image:\s*(\S+)/m.exec(x.body)?.[1] ?? ''),
      ) ??
      (containers.length === 1 ? containers[0] : undefined);
    for (const c of logging ? [logging] : []) {
      const request = resourceRequest(c.body, 'cpu');
      const cores = request ? parseQuantity(request) : undefined;
      if (!request || cores === undefined || resourceLimit(c.body, 'cpu') !== undefined) continue;
      if (envOf(c.body).some((v) => PROCESSORS_SET.test(`${v.name} ${v.value}`))) continue;
      const counted = Math.max(1, Math.ceil(cores));
      const implied = impliedProcessors(r.pool, r.size);
      // The pool is sized for exactly the processors the request implies, no more, no fewer.
      if (implied !== counted) continue;
      const owner = podDeployment(r.pod);
      return [
        {
          weight: 87,
          object: owner ? `deployment ${owner} (pod ${r.pod})` : `pod ${r.pod}`,
          cause: `Elasticsearch in pod ${r.pod} rejects work because its ${r.pool} thread pool has only ${r.size} threads (pool size = ${r.size}, its queue full: "${clip(r.line, 160)}"), sized for ${implied} processor${implied > 1 ? 's' : ''}: container ${c.name} has a CPU request of ${request} and no CPU limit, and a JVM before Java 19 counts its processors from the CPU request (cgroup cpu shares, 1,024 per CPU), so availableProcessors() returns ${counted} on a node with many idle cores, and Elasticsearch sizes its thread pools from that count. The pods look calm on CPU because the pool cannot use more; more data nodes would each have the same small pool`,
          evidence: [
            `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
            `describe_pod ${r.pod}: container ${c.name} CPU request ${request}, no CPU limit, no processor count set`,
          ],
          advice: `tell Elasticsearch how many processors to use (node.processors in elasticsearch.yml, or -XX:ActiveProcessorCount in ES_JAVA_OPTS) to the cores each data node should have, or give the container a CPU request (and limit) that matches the load; a Java 19 or newer runtime no longer counts shares`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
