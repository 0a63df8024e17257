import { glossedLine } from './log-glosses.js';
import { type Analyzer, namespacePods, outputs, type Read } from './types.js';

/** Widely used servers and how their pods are usually named (chart defaults, operators' naming). */
const PRODUCTS: readonly { word: string; pod: RegExp }[] = [
  { word: 'elasticsearch', pod: /elastic|^es-|-es-|opensearch/ },
  { word: 'postgresql', pod: /postgres|^pg-|-pg-|-pg$|pgbouncer|cnpg/ },
  { word: 'redis', pod: /redis|valkey/ },
  { word: 'kafka', pod: /kafka/ },
  { word: 'rabbitmq', pod: /rabbit/ },
  { word: 'mysql', pod: /mysql|mariadb/ },
  { word: 'mongodb', pod: /mongo/ },
];

/**
 * A client's log that says a well-known server refused or failed (its gloss names Elasticsearch,
 * PostgreSQL, Redis, Kafka, RabbitMQ, MySQL or MongoDB): that server's own log is read next, from one
 * Running pod of the namespace named like it, as an engineer confirms a dependency's side before
 * blaming it. Reads only; what the server logs is then judged like any other log.
 */
export const dependencyLogsAnalyzer: Analyzer = {
  name: 'dependency-logs',
  // Before the scan's follow-ups: the server's side decides between its fault and the client's.
  early: true,
  reads(ctx): Read[] {
    const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns);
    const read = new Set(logs.map((o) => String(o.args['name'])));
    const pods = namespacePods(ctx).filter((r) => r['STATUS'] === 'Running');
    const reads: Read[] = [];
    for (const l of logs) {
      const g = glossedLine(l.content);
      if (!g) continue;
      const means = g.means.toLowerCase();
      for (const p of PRODUCTS) {
        if (!means.includes(p.word)) continue;
        const own = String(l.args['name']);
        const server = pods.find((r) => {
          const n = r['NAME'] ?? '';
          return n !== own && p.pod.test(n);
        })?.['NAME'];
        if (server && !read.has(server))
          reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: server } });
      }
    }
    return reads.slice(0, 1);
  },
  finds: () => [],
};
