import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  describedField,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  type Read,
  runningPodsOfImage,
} from './types.js';

/** The broker refusing a record over its message.max.bytes, as the Java client reports it. */
const REFUSED =
  /RecordTooLargeException: The request included a message larger than the max message size the server will accept/;
/** The size a producer logs for the record that failed (`bytes=1519622`, `size=…`). */
const BYTES = /\b(?:bytes|size)[=: ](\d{4,12})\b/;
/** A Kafka broker's image: its repository's last part is `kafka` (bitnami/kafka, strimzi/kafka, apache/kafka). */
const BROKER_IMAGE = /(?:^|[/,\s])(?:kafka|cp-kafka|cp-server)(?::|@|$|,)/;
/** The variable that sets message.max.bytes in images that map `KAFKA_CFG_<NAME>` (Bitnami) or `KAFKA_<NAME>`. */
const LIMIT_VARS = ['KAFKA_CFG_MESSAGE_MAX_BYTES', 'KAFKA_MESSAGE_MAX_BYTES'];
/** Kafka's default message.max.bytes (1048588, Apache Kafka broker configs). */
const DEFAULT_LIMIT = 1048588;
const MIB = 2 ** 20;

/**
 * Records refused by the Kafka broker as too large: the producer's own `max.request.size` let them through,
 * and the broker's `message.max.bytes` (1048588 bytes by default) is below them, so the client gets
 * RecordTooLargeException ("…larger than the max message size the server will accept") for each large one
 * while smaller records go on. Raising the producer's setting does nothing; the broker's limit (or the topic's
 * max.message.bytes) must fit the largest record, and consumers' fetch sizes follow it. Found from the
 * producer's refusals and the broker's configuration (its variables, or the values it logs at start); the fix
 * sets the broker's variable to twice the largest refused record in whole MiB (at least 2 MiB), not above the
 * producer's max.request.size when that is logged.
 */
export const kafkaMessageSizeAnalyzer: Analyzer = {
  name: 'kafka-message-size',
  early: true,
  reads({ ns, seen }): Read[] {
    const refused = outputs(seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ns) === ns).some((o) =>
      REFUSED.test(o.content.slice(-200_000)),
    );
    if (!refused) return [];
    const brokers = runningPodsOfImage(seen, ns, BROKER_IMAGE);
    if ('read' in brokers) return [brokers.read];
    const reads: Read[] = [];
    const pod = brokers[0];
    if (pod && !outputs(seen, 'describe_pod', (o) => o.args['name'] === pod['NAME']).length)
      reads.push({ tool: 'describe_pod', args: { namespace: ns, name: pod['NAME'] } });
    if (pod && !outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod['NAME']).length)
      reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod['NAME'] } });
    return reads;
  },
  finds({ ns, seen }): Finding[] {
    let producer: { pod: string; line: string; largest: number; maxRequest?: number } | undefined;
    for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns)) {
      const lines = boundedLogLines(o.content, 2000);
      const at = lines.findIndex((l) => REFUSED.test(l));
      if (at < 0) continue;
      // The sizes the failed sends name, on the refusal's line or the line before it.
      let largest = 0;
      lines.forEach((l, i) => {
        if (!REFUSED.test(l) && !REFUSED.test(lines[i + 1] ?? '')) return;
        const b = BYTES.exec(l);
        if (b) largest = Math.max(largest, Number(b[1]));
      });
      const maxRequest = lines.map((l) => /max\.request\.size = (\d{4,12})/.exec(l)?.[1]).find(Boolean);
      producer = {
        pod: String(o.args['name'] ?? ''),
        line: lines[at]!.trim(),
        largest,
        ...(maxRequest ? { maxRequest: Number(maxRequest) } : {}),
      };
      break;
    }
    if (!producer) return [];
    // The broker's pod or Deployment description (both list its containers' variables).
    const described = [
      ...outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns),
      ...outputs(seen, 'describe_deployment', (o) => (o.args['namespace'] ?? ns) === ns),
    ];
    for (const d of described) {
      // A Deployment's description nests its pod template two spaces deeper than a pod's.
      const text = d.tool === 'describe_deployment' ? d.content.replace(/^ {2}/gm, '') : d.content;
      for (const c of containerSections(text).filter((x) => !x.init)) {
        if (!BROKER_IMAGE.test(describedField(c.body, 'Image') ?? '')) continue;
        const isPod = d.tool === 'describe_pod';
        const pod = String(d.args['name'] ?? '');
        const env = envOf(c.body);
        const set = env.find((e) => LIMIT_VARS.includes(e.name));
        // The value it runs with: its variable, else what it logged at start, else Kafka's default.
        const logged = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod)
          .map((o) => /message\.max\.bytes = (\d{1,12})/.exec(o.content.slice(-200_000))?.[1])
          .find(Boolean);
        const limit = Number(set?.value ?? logged ?? DEFAULT_LIMIT);
        if (producer.largest > 0 && producer.largest <= limit) continue;
        const bitnami = env.some((e) => e.name.startsWith('KAFKA_CFG_'));
        const name = set?.name ?? (bitnami ? 'KAFKA_CFG_MESSAGE_MAX_BYTES' : undefined);
        let value = Math.max(2 * MIB, Math.ceil((producer.largest * 2) / MIB) * MIB);
        if (producer.maxRequest && producer.maxRequest >= producer.largest)
          value = Math.min(value, producer.maxRequest);
        const deployment = isPod ? podDeployment(pod) : pod;
        return [
          {
            weight: 92,
            object: deployment ? `deployment ${deployment}${isPod ? ` (pod ${pod})` : ''}` : `pod ${pod}`,
            cause: `the Kafka broker refuses the large records: its message.max.bytes is ${limit}${set ? ` (${set.name})` : logged ? ' (as it logs at start)' : ' (the default)'}, and the producer sends records up to ${producer.largest || 'over that'} bytes${producer.maxRequest ? ` (its own max.request.size is ${producer.maxRequest}, so the client lets them through)` : ''}, so each one larger than the broker's limit fails with "${clip(producer.line, 120)}" while smaller ones are published. Raising the producer's setting changes nothing; the broker's limit is what refuses them`,
            evidence: [
              `get_pod_logs ${producer.pod}: "${clip(producer.line, 160)}"`,
              `${set ? `${d.tool} ${pod}: ${set.name}=${set.value}` : `broker ${pod}: message.max.bytes ${limit}${logged ? ' (its log)' : ' (the default, no setting)'}`}`,
            ],
            ...(name
              ? envFix(
                  ns,
                  deployment,
                  c.name,
                  [{ name, value: String(value) }],
                  `set ${name} of ${deployment}/${c.name} to ${value} (${value / MIB} MiB), above the largest record, so the broker accepts it`,
                )
              : {}),
            advice: `raise the broker's message.max.bytes (or the topic's max.message.bytes) to ${value} and keep consumers' max.partition.fetch.bytes at least as large; or keep large payloads out of Kafka (store the document and send its reference)`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
