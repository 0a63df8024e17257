import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, type Read } from './types.js';

// A broker that refuses new messages because it is full: Redis at maxmemory under noeviction,
// RabbitMQ's memory or disk alarm, a queue at its length limit.
const BROKER_FULL =
  /OOM command not allowed|used memory > 'maxmemory'|rejected_writes=[1-9]|resource limit alarm set|queue (?:is )?full|x-max-length/i;
// What marks a Deployment as a queue's consumer: a broker URL, a task-queue worker's command line.
const CONSUMER =
  /\b(?:redis|rediss|amqp|amqps):\/\/|BROKER_URL|\bcelery\b[^\n]{0,80}\bworker\b|\brq worker\b|\bsidekiq\b|\bconsumer\b/i;

/** Deployments that want no replicas (READY 0/0), from the deployment lists read in `ns`. */
function zeroReplicas(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): string[] {
  return outputs(seen, 'list_deployments', (o) => o.args['namespace'] === ns)
    .flatMap((o) => parseTable(o.content))
    .filter((r) => r['READY'] === '0/0' && r['NAME'])
    .map((r) => r['NAME']!);
}

function fullLine(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
): { pod: string; line: string } | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .findLast((l) => l.length <= 2000 && BROKER_FULL.test(l));
    if (line) return { pod: String(o.args['name']), line: line.trim() };
  }
  return undefined;
}

/**
 * A queue nobody consumes: its consumers' Deployment is scaled to zero (left so after maintenance),
 * so the broker keeps every message until it is full and refuses new ones (Redis at maxmemory with
 * noeviction answers "OOM command not allowed"; RabbitMQ raises its memory alarm and blocks
 * publishers). More memory for the broker only postpones it; the consumers must run again. Found from
 * a full broker in a log and a Deployment at 0 replicas whose spec points at a broker or runs a
 * task-queue worker; the note a person left on it (an annotation, the number to scale back to) is
 * quoted.
 */
export const queueConsumersZeroAnalyzer: Analyzer = {
  name: 'queue-consumers-zero',
  first: true,
  reads({ ns, seen }): Read[] {
    if (!fullLine(seen, ns)) return [];
    return zeroReplicas(seen, ns)
      .slice(0, 2)
      .map((name) => ({ tool: 'describe_deployment', args: { namespace: ns, name } }));
  },
  finds({ ns, seen }) {
    const full = fullLine(seen, ns);
    if (!full) return [];
    for (const name of zeroReplicas(seen, ns)) {
      const d = outputs(
        seen,
        'describe_deployment',
        (o) => o.status === 'ok' && o.args['name'] === name && o.args['namespace'] === ns,
      ).pop()?.content;
      if (!d || !CONSUMER.test(d.slice(0, 50_000))) continue;
      const note = d
        .slice(0, 20_000)
        .split('\n')
        .find(
          (l) =>
            /scale[ds]?[ -](?:back|down|up)|scaled-down|maintenance|migration/i.test(l) &&
            !/^\s*(?:Replicas|NewReplicaSet):/.test(l),
        );
      const back = note ? /scale (?:it )?back (?:up )?to (\d{1,4})\b/i.exec(note)?.[1] : undefined;
      const out: Finding = {
        weight: 93,
        object: `deployment ${name}`,
        cause: `nothing consumes the queue: deployment ${name}, its consumer (${clip(CONSUMER.exec(d)![0], 40)} in its spec), is scaled to 0 replicas${note ? ` (its annotation says "${clip(note.trim(), 160)}")` : ''}, so every message stays in the broker until it is full and refuses new ones ("${clip(full.line, 160)}" in ${full.pod}); more memory would only postpone it`,
        evidence: [`list_deployments: ${name} 0/0`, `get_pod_logs ${full.pod}: "${clip(full.line, 160)}"`],
        advice: `scale ${name} back up${back ? ` to ${back}` : ''} so the backlog drains, then watch the queue length fall; alert on queue depth and on consumers at 0`,
        ...(back
          ? {
              fix: {
                tool: 'scale_deployment',
                args: { namespace: ns, name, replicas: Number(back) },
                text: `scale ${name} back to ${back} replicas so the queue drains`,
              },
            }
          : {}),
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
