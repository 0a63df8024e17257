import { errorLines } from './app-errors.js';
import { recentPodLogReads, recentPodLogs } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/**
 * A consumer that cannot decode what it reads: a deserialization error (Avro, Protobuf, JSON schema)
 * on a message of a topic. Linear: fixed words, then bounded name runs.
 */
const UNDECODABLE = /\b(?:deserializ\w{0,10}|decod\w{0,5}|unmarshal\w{0,5})\b/i;
/** The topic a failure line names: `topic shipment-status`, `topic=orders`, `topic: orders`. */
const TOPIC = /\btopic[ =:]{1,3}["']?([A-Za-z0-9][A-Za-z0-9._-]{0,248})/;
/** The schema id a failure line names (Confluent's wire format carries it): `for id 214`, `schema id=214`. */
const SCHEMA_ID = /\b(?:for id|schema id|schema_id|schemaId)[ =:]{1,3}(\d{1,10})\b/i;

interface Undecodable {
  pod: string;
  line: string;
  topic?: string;
  schemaId?: string;
}

/** The first failure line of a Running pod of the namespace that says a message could not be decoded. */
function undecodable(ctx: AnalyzerContext): Undecodable | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const line = errorLines(o.content.slice(-200_000)).find(
      (l) => l.length <= 4000 && UNDECODABLE.test(l) && (TOPIC.test(l) || SCHEMA_ID.test(l)),
    );
    if (!line) continue;
    const topic = TOPIC.exec(line)?.[1];
    const schemaId = SCHEMA_ID.exec(line)?.[1];
    return {
      pod: String(o.args['name']),
      line,
      ...(topic ? { topic } : {}),
      ...(schemaId ? { schemaId } : {}),
    };
  }
  return undefined;
}

/**
 * A consumer that fails to decode a topic's messages since a producer of that topic rolled out a new
 * release: a pod of another namespace, started recently, whose log says it writes to that topic or
 * registered the schema id the consumer cannot read. With a schema registry the writer's schema
 * travels by id (Confluent's wire format), so a producer release that registers an incompatible schema
 * breaks every consumer at once while the broker looks fine. The fix is the producer's rollback (an
 * approved `rollback_deployment`), which restores the schema the consumers read; the consumer needs no
 * change and more replicas would not help.
 */
export const producerReleaseAnalyzer: Analyzer = {
  name: 'producer-release',
  reads(ctx): Read[] {
    const u = undecodable(ctx);
    if (!u) return [];
    const reads = recentPodLogReads(ctx);
    // Once the producer is found, its Deployment's history says what the release changed.
    const p = producer(ctx, u);
    if (p && !outputs(ctx.seen, 'describe_deployment', (o) => o.args['name'] === p.deployment).length)
      return [{ tool: 'describe_deployment', args: { namespace: p.ns, name: p.deployment } }];
    return p ? [] : reads;
  },
  finds(ctx): Finding[] {
    const u = undecodable(ctx);
    const p = u ? producer(ctx, u) : undefined;
    if (!u || !p) return [];
    const described = outputs(ctx.seen, 'describe_deployment', (o) => o.args['name'] === p.deployment).pop();
    const revision = /deployment\.kubernetes\.io\/revision=(\d{1,6})/.exec(described?.content ?? '')?.[1];
    const change = /kubernetes\.io\/change-cause=(.{1,300})/.exec(described?.content ?? '')?.[1]?.trim();
    const rollable = revision === undefined || Number(revision) > 1;
    return [
      {
        weight: 84,
        object: `deployment ${p.deployment} in ${p.ns}`,
        cause: `the consumer ${u.pod} cannot decode the messages of ${u.topic ? `topic ${u.topic}` : `schema id ${u.schemaId}`} since ${p.deployment} (namespace ${p.ns}), which writes them, rolled out a new release (its pods are ${p.age} old${change ? `; change cause: ${clip(change, 120)}` : ''}): its log "${clip(p.line, 200)}" matches the consumer's failure "${clip(u.line, 200)}", so the producer's release changed the message format (the schema it registers) in a way the consumer cannot read; the broker and the consumer are fine`,
        evidence: [
          `get_pod_logs ${u.pod}: "${clip(u.line, 220)}"`,
          `get_pod_logs ${p.pod}: "${clip(p.line, 220)}"`,
        ],
        ...(rollable
          ? {
              fix: {
                tool: 'rollback_deployment',
                args: { namespace: p.ns, name: p.deployment },
                text: `roll back deployment ${p.deployment} in ${p.ns} to its previous revision, which writes the format the consumers read (then make the new schema compatible before releasing it again)`,
              },
            }
          : {}),
        advice: `roll back ${p.deployment}'s release or make its new schema backward compatible for the consumers`,
      },
    ];
  },
};

/** The recently started pod of another namespace whose log names the consumer's topic or schema id. */
function producer(ctx: AnalyzerContext, u: Undecodable) {
  for (const { ns, pod: name, rows, lines } of recentPodLogs(ctx)) {
    const ages = new Map(rows.map((r) => [r['NAME'] ?? '', r['AGE'] ?? '']));
    const line = lines.find(
      (l) =>
        l.length <= 4000 &&
        ((u.schemaId !== undefined && new RegExp(`\\bid[ =:]{1,3}${u.schemaId}\\b`).test(l)) ||
          (u.topic !== undefined && /\b(?:publish|produc|sent|wrote|writ)/i.test(l) && l.includes(u.topic))),
    );
    if (!line) continue;
    const deployment = ownerName(name);
    if (deployment === name) continue;
    return { ns, pod: name, deployment, line, age: ages.get(name) ?? '' };
  }
  return undefined;
}
