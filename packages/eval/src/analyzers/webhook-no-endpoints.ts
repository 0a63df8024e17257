import { parseQuantity } from '@sre-harness/tools-k8s';
import { resourceLimit, resourceRequest } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { described, templateChanges, templateReads } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  describedField,
  describedLabels,
  type Finding,
  outputs,
  ownerDeployment,
  podListOf,
  podObject,
  type Read,
} from './types.js';

/**
 * The API server's refusal when it cannot reach an admission webhook (kubernetes.io, "Dynamic Admission
 * Control": with failurePolicy Fail the request is rejected): `failed calling webhook "<name>": failed to
 * call webhook: Post` (Kubernetes 1.22 on; before it without `failed to call webhook: `) "https://<service>.<namespace>.svc:443/…": no endpoints available for service "…"`
 * (or the connection refused, or a timeout).
 */
export const UNREACHABLE =
  /failed calling webhook "([^"\s]{1,253})": (?:failed to call webhook: )?Post "https:\/\/([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})\.svc[^"\s]{0,300}": ([^\n]{0,200})/;
/** Why the call failed, as a reason the webhook's own pods give: no endpoints, a refusal, a timeout. */
const DOWN = /no endpoints available|connection refused|context deadline exceeded|i\/o timeout/;

interface Refusal {
  readonly webhook: string;
  readonly service: string;
  readonly namespace: string;
  readonly why: string;
  readonly line: string;
}

/** The API server's refusal as a person quotes it, without the URL (`failed calling webhook "mjobset.kb.io"`). */
const QUOTED = /failed calling webhook "([^"\s]{1,253})"/;
/** The kinds that register admission webhooks (admissionregistration.k8s.io/v1). */
const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const;
/** A webhook configuration's description is at most this long before its `Webhooks:` JSON is parsed. */
const MAX_CONFIG = 64 * 1024;

/** A `clientConfig.service` reference in a webhook's JSON, its name before or after its namespace. */
const SERVICE_REF =
  /"service":\{"name":"([a-z0-9][a-z0-9.-]{0,252})","namespace":"([a-z0-9][a-z0-9-]{0,62})"|"service":\{"namespace":"([a-z0-9][a-z0-9-]{0,62})","name":"([a-z0-9][a-z0-9.-]{0,252})"/;

/** The webhook a task quotes a refusal of, when it quotes one. */
function quotedWebhook(task: string): string | undefined {
  return QUOTED.exec(task.slice(0, 4000))?.[1];
}

/**
 * The Service a described webhook configuration sends webhook `name` to (`clientConfig.service`), from the
 * `Webhooks:` line the tools print as JSON; undefined when none was read or it names no Service (a URL).
 */
function webhookService(
  ctx: AnalyzerContext,
  name: string,
): { service: string; namespace: string } | undefined {
  for (const kind of WEBHOOK_KINDS)
    for (const o of outputs(ctx.seen, 'describe_resource', (x) => x.args['kind'] === kind)) {
      if (o.content.length > MAX_CONFIG) continue;
      // The tools print the list's elements as JSON joined by ", " (kubectl's describe prints it its own way).
      const json = /^Webhooks:\s+(\S.*)$/m.exec(o.content)?.[1]?.trim();
      if (!json) continue;
      let hooks: unknown;
      try {
        hooks = JSON.parse(json.startsWith('[') ? json : `[${json}]`);
      } catch {
        // Cut short: the webhook's own element, read up to its Service.
        const at = json.indexOf(`"name":"${name}"`);
        const svc = at < 0 ? null : SERVICE_REF.exec(json.slice(at, at + 2000));
        if (svc) return { service: svc[1] ?? svc[4]!, namespace: svc[2] ?? svc[3]! };
        continue;
      }
      for (const h of Array.isArray(hooks) ? hooks : []) {
        const svc = (
          h as { name?: unknown; clientConfig?: { service?: { name?: unknown; namespace?: unknown } } }
        )?.clientConfig?.service;
        if ((h as { name?: unknown })?.name !== name) continue;
        if (typeof svc?.name === 'string' && typeof svc.namespace === 'string')
          return { service: svc.name, namespace: svc.namespace };
      }
    }
  return undefined;
}

/**
 * The newest such refusal among the namespace's events, when one was read; else the one the task quotes,
 * once the webhook configuration that registers it was described (it names the webhook's Service).
 */
function refusal(ctx: AnalyzerContext): Refusal | undefined {
  const { seen, ns } = ctx;
  for (const o of outputs(seen, 'get_events', (x) => x.args['namespace'] === ns).reverse()) {
    for (const r of parseTable(o.content)) {
      const message = (r['MESSAGE'] ?? '').slice(0, 2000);
      const m = UNREACHABLE.exec(message);
      if (!m || !DOWN.test(m[4]!) || m[3] === ns) continue;
      return { webhook: m[1]!, service: m[2]!, namespace: m[3]!, why: m[4]!, line: message };
    }
  }
  const quoted = quotedWebhook(ctx.task);
  const at = quoted ? webhookService(ctx, quoted) : undefined;
  if (!quoted || !at || at.namespace === ns) return undefined;
  const line = QUOTED.exec(ctx.task.slice(0, 4000))![0];
  return { webhook: quoted, ...at, why: 'the call fails (the refusal the task quotes)', line };
}

/** Words of configuration names that say what they are, not whose. */
const GENERIC_WORDS = new Set([
  'mutating',
  'validating',
  'webhook',
  'webhooks',
  'configuration',
  'admission',
  'config',
]);

/** The reads that find the Service of a webhook the task quotes: the webhook configurations, described. */
function configReads(ctx: AnalyzerContext): Read[] {
  const reads: Read[] = [];
  for (const kind of WEBHOOK_KINDS) {
    const listed = outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === kind).pop();
    if (!listed) {
      reads.push({ tool: 'list_resources', args: { kind } });
      continue;
    }
    // The configurations named like the webhook first (`jobset-mutating-webhook-configuration` for
    // `mjobset.kb.io`), three at most.
    const webhook = quotedWebhook(ctx.task) ?? '';
    const like = (name: string) =>
      name.split(/[-.]/).some((w) => w.length >= 4 && !GENERIC_WORDS.has(w) && webhook.includes(w)) ? 1 : 0;
    const names = parseTable(listed.content)
      .map((r) => r['NAME'] ?? '')
      .filter(Boolean)
      .slice(0, 200)
      .sort((a, b) => like(b) - like(a));
    for (const name of names.slice(0, 3)) reads.push({ tool: 'describe_resource', args: { kind, name } });
  }
  return reads;
}

/** The webhook namespace's pods that are not Running and Ready (crash loops, waits), from its pod list. */
function downPods(ctx: AnalyzerContext, ns: string): string[] | undefined {
  const listed = podListOf(ctx.seen, ns);
  if (!listed) return undefined;
  return parseTable(listed.content)
    .filter((r) => {
      const [ready, total] = (r['READY'] ?? '').split('/');
      return r['STATUS'] !== 'Completed' && (r['STATUS'] !== 'Running' || ready !== total);
    })
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean)
    .slice(0, 2);
}

/** The webhook Service's description, when read. */
function serviceText(ctx: AnalyzerContext, r: Refusal): string | undefined {
  return outputs(
    ctx.seen,
    'describe_service',
    (o) => o.args['name'] === r.service && o.args['namespace'] === r.namespace,
  ).pop()?.content;
}

/** A pod's description in `ns`, when read. */
function podText(ctx: AnalyzerContext, ns: string, pod: string): string | undefined {
  return outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod && o.args['namespace'] === ns).pop()
    ?.content;
}

/**
 * The webhook's server: of the namespace's failing pods, the first whose labels the webhook Service's
 * selector matches (another component of the same product failing is not the webhook's server).
 */
function server(ctx: AnalyzerContext, r: Refusal): string | undefined {
  const svc = serviceText(ctx, r);
  const selector = svc ? describedField(svc, 'Selector') : undefined;
  if (!selector || selector === '<none>') return undefined;
  const pairs = selector.split(',').map((kv) => kv.split('='));
  return (downPods(ctx, r.namespace) ?? []).find((pod) => {
    const d = podText(ctx, r.namespace, pod);
    const labels = d ? describedLabels(d) : {};
    return pairs.every(([k, v]) => k !== undefined && labels[k] === v);
  });
}

/** How much a container section says it fails: not Ready, then by its restarts. */
function failing(body: string): number {
  const restarts = Number(describedField(body, 'Restart Count') ?? 0) || 0;
  return (/^\s+Ready:\s+False/m.test(body) ? 1_000_000 : 0) + Math.min(restarts, 999_999);
}

/**
 * Pods of a namespace that the API server refuses because an admission webhook it must call is down:
 * the webhook's Service, in its own namespace, has no endpoints (its pods crash or are not Ready), and a
 * webhook whose failurePolicy is Fail rejects every request it cannot answer. The webhook's pods are
 * read there (their state, their last crash's log, their CPU limit), since that is where it is fixed.
 */
export const webhookNoEndpointsAnalyzer: Analyzer = {
  name: 'webhook-no-endpoints',
  reads(ctx): Read[] {
    const r = refusal(ctx);
    if (!r) return quotedWebhook(ctx.task) ? configReads(ctx) : [];
    const reads: Read[] = [];
    if (!serviceText(ctx, r))
      reads.push({ tool: 'describe_service', args: { namespace: r.namespace, name: r.service } });
    const down = downPods(ctx, r.namespace);
    if (!down) return [...reads, { tool: 'list_pods', args: { namespace: r.namespace } }];
    for (const pod of down)
      if (!podText(ctx, r.namespace, pod))
        reads.push({ tool: 'describe_pod', args: { namespace: r.namespace, name: pod } });
    const pod = server(ctx, r);
    if (!pod) return reads;
    const text = podText(ctx, r.namespace, pod) ?? '';
    const owner = ownerDeployment(text);
    // Never scheduled: no container ran, so no log; for CPU, the two latest pod templates say whether the
    // rollout raised the request.
    if (/^Status:\s+Pending/m.test(text) && /FailedScheduling/.test(text)) {
      if (owner && /FailedScheduling[^\n]{0,400}Insufficient cpu/.test(text))
        reads.push(...templateReads({ ...ctx, ns: r.namespace }, owner).reads);
      return reads;
    }
    reads.push({ tool: 'get_pod_logs', args: { namespace: r.namespace, name: pod, previous: true } });
    if (owner) reads.push({ tool: 'describe_deployment', args: { namespace: r.namespace, name: owner } });
    return reads;
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    const pod = r ? server(ctx, r) : undefined;
    if (!r || !pod) return [];
    const d = podText(ctx, r.namespace, pod);
    const owner = d ? ownerDeployment(d) : undefined;
    // The container that fails (not Ready, the most restarts), not a sidecar listed before it.
    const main = d
      ? [...containerSections(d)].filter((c) => !c.init).sort((x, y) => failing(y.body) - failing(x.body))[0]
      : undefined;
    const state = main
      ? [
          describedField(main.body, 'Reason') ?? describedField(main.body, 'State'),
          describedField(main.body, 'Restart Count')
            ? `${describedField(main.body, 'Restart Count')} restarts`
            : '',
        ]
          .filter(Boolean)
          .join(', ')
      : '';
    const cpu = main ? resourceLimit(main.body, 'cpu') : undefined;
    // A pod the scheduler cannot place: what it says, and the CPU the pod requests.
    const unscheduled = d
      ? /^\s*Warning\s+FailedScheduling\s+[^\n]{0,80}?default-scheduler\s+([^\n]{1,600})$/m.exec(d)?.[1]
      : undefined;
    const requested = main ? resourceRequest(main.body, 'cpu') : undefined;
    const log = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['name'] === pod && o.args['namespace'] === r.namespace,
    ).pop();
    const lines = log ? boundedLogLines(log.content) : [];
    const said = lines.find(
      (l) => /"level":"(?:error|fatal)"|\b(?:ERROR|FATAL|panic:)/.test(l) && l.length <= 2000,
    );
    const change = owner
      ? outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === owner && o.args['namespace'] === r.namespace,
        )
          .pop()
          ?.content.match(/kubernetes\.io\/change-cause:\s*([^\n]{1,200})/)?.[1]
      : undefined;
    const who = podObject(owner, pod);
    const fix =
      unscheduled && /Insufficient cpu/.test(unscheduled) && owner && main
        ? cpuRequestRevert(ctx, r.namespace, owner, main.name)
        : undefined;
    return [
      {
        weight: 95,
        object: `webhook ${r.webhook}`,
        cause:
          `the API server must call the admission webhook "${r.webhook}" for what is created in ${ctx.ns}, and cannot reach it: ${r.why.replace(/"/g, '')} (Service ${r.service} in namespace ${r.namespace}), so with failurePolicy Fail every create is refused ("${clip(r.line, 220)}"). ` +
          `The webhook's server, ${who} in ${r.namespace}, is not running${
            unscheduled
              ? ` (Pending, FailedScheduling: "${clip(unscheduled.trim(), 200)}"${requested ? `; it requests ${requested} CPU` : ''})`
              : state
                ? ` (${state})`
                : ''
          }` +
          `${said ? `; its last run logged "${clip(said.trim(), 180)}"` : ''}` +
          `${cpu ? `; its CPU limit is ${cpu}` : ''}${change ? `, set by its latest rollout ("${clip(change.trim(), 140)}")` : ''}` +
          '; nothing in this namespace is at fault, the objects wait for the webhook',
        evidence: [
          `get_events ${ctx.ns}: "${clip(r.line, 200)}"`,
          ...(d
            ? [
                `describe_pod ${pod} (${r.namespace}): ${state || 'not Ready'}${cpu ? `, limits cpu ${cpu}` : ''}`,
              ]
            : []),
          ...(said ? [`get_pod_logs ${pod} (${r.namespace}): "${clip(said.trim(), 160)}"`] : []),
        ],
        advice: unscheduled
          ? `get ${owner ?? pod} in ${r.namespace} scheduled: its requests${requested ? ` (${requested} CPU)` : ''} must fit what the nodes it may run on have free, so bring them back to a size those nodes hold (or add capacity there); once the Service ${r.service} has endpoints the creates go through`
          : `get ${owner ?? pod} in ${r.namespace} running again (what its crash says${cpu ? `; a ${cpu} CPU limit starves a controller's start-up, so give it back the CPU it had` : ''}); once the Service ${r.service} has endpoints the creates go through`,
        revisionSound: true,
        ...(fix ? { fix: fix.fix } : {}),
      },
    ];
  },
};

/**
 * The `set_resources` that gives a Deployment's container back the CPU request of its previous revision,
 * when its latest rollout raised it (from the two ReplicaSets' templates, see `templateReads`) and the
 * pods now fit no node (Insufficient cpu). Undefined when the request did not grow or a template is unread.
 */
function cpuRequestRevert(
  ctx: AnalyzerContext,
  ns: string,
  deployment: string,
  container: string,
): { fix: NonNullable<Finding['fix']>; before: string; after: string } | undefined {
  const there = { ...ctx, ns };
  const { sets } = templateReads(there, deployment);
  const was = sets && described(there, sets.previous);
  const now = sets && described(there, sets.current);
  if (!was || !now) return undefined;
  const c = templateChanges(was.content, now.content).find(
    (x) => x.container === container && x.field === 'resources.requests.cpu',
  );
  const before = c?.before ? parseQuantity(c.before) : undefined;
  const after = c?.after ? parseQuantity(c.after) : undefined;
  if (!c?.before || !c.after || before === undefined || after === undefined || before >= after)
    return undefined;
  return {
    before: c.before,
    after: c.after,
    fix: {
      tool: 'set_resources',
      args: { namespace: ns, deployment, container, requests: { cpu: c.before } },
      text: `set the CPU request of ${deployment}/${container} back to ${c.before}, its previous revision's (the latest rollout raised it to ${c.after}, which no node it may run on has free)`,
    },
  };
}
