import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  flat,
  namespaceNames,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/**
 * States that alarm people and that Kubernetes documents as normal: an autoscaler holding its
 * minimum under low load, a LoadBalancer Service with no load-balancer implementation in the cluster
 * (a claim waiting for its first consumer is storage.ts's). Each note says why it is expected and what is used
 * instead, so the answer can say no action is needed.
 */

const described = (ctx: AnalyzerContext, kind: RegExp) =>
  outputs(ctx.seen, 'describe_resource', (o) => kind.test(String(o.args['kind'] ?? '')));

/**
 * A HorizontalPodAutoscaler at its `minReplicas` whose metric is below its target: the controller's
 * recommendation (ceil(current × utilization / target)) is under the minimum, so it holds the minimum
 * and scales up only once utilization passes the target ("Horizontal Pod Autoscaling", kubernetes.io).
 */
function hpaAtMinimum(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of described(ctx, /^(horizontalpodautoscalers?|hpa)$/i)) {
    const min = Number(flat(o.content, 'minReplicas') ?? 1);
    const max = flat(o.content, 'maxReplicas');
    const current = Number(flat(o.content, 'currentReplicas') ?? NaN);
    const target = Number(flat(o.content, 'metrics[0].resource.target.averageUtilization') ?? NaN);
    const used = Number(flat(o.content, 'currentMetrics[0].resource.current.averageUtilization') ?? NaN);
    const metric = flat(o.content, 'metrics[0].resource.name') ?? 'cpu';
    if (!(current === min) || !(used < target)) continue;
    if (/ScalingActive[\s\S]{0,80}status: False/.test(o.content)) continue;
    const name = String(o.args['name'] ?? '');
    out.push(
      `HorizontalPodAutoscaler ${name} holds ${current} replica(s) because that is its minReplicas (${min}${max ? `, maxReplicas ${max}` : ''}): its ${metric} use is ${used}% of requests against a ${target}% target, low load well below the target, so the replica count it computes is under the minimum and it keeps the minimum. It is working (ScalingActive True: it reads the metric) and not stuck: it adds replicas as soon as utilization passes ${target}%, within about a minute of the load arriving. This is expected and no action is needed; if the first minutes of an event matter, raise minReplicas for that window (or schedule it).`,
    );
  }
  return out;
}

/**
 * A Service of type LoadBalancer whose EXTERNAL-IP stays pending in a cluster with nothing that
 * implements LoadBalancer Services (no cloud provider's controller, no MetalLB or similar: no
 * EnsuringLoadBalancer event): Kubernetes leaves the address empty and the Service still works as a
 * NodePort and ClusterIP ("Service: type LoadBalancer", kubernetes.io). When an Ingress routes to it,
 * that is how users reach it.
 */
function loadBalancerWithoutImplementation(ctx: AnalyzerContext): string[] {
  const out: string[] = [];
  const namespaces = namespaceNames(ctx.seen);
  if (namespaces.some((n) => /metallb|kube-vip|purelb|cilium-lb|openelb/i.test(n))) return out;
  for (const o of outputs(ctx.seen, 'describe_service')) {
    if (!/^Type:\s+LoadBalancer\s*$/m.test(o.content)) continue;
    if (
      /^LoadBalancer Ingress:\s+\S/m.test(o.content) ||
      /EnsuringLoadBalancer|EnsuredLoadBalancer/.test(o.content)
    )
      continue;
    const name = String(o.args['name'] ?? '');
    const ns = String(o.args['namespace'] ?? ctx.ns);
    const nodePort = outputs(ctx.seen, 'list_services', (x) => x.args['namespace'] === ns)
      .flatMap((x) => parseTable(x.content))
      .find((r) => r['NAME'] === name)?.['PORT(S)'];
    const ingress = described(ctx, /^(ingress|ingresses|ing)$/i).find(
      (i) => i.args['namespace'] === ns && i.content.includes(`backend.service.name: ${name}`),
    );
    const host = ingress ? flat(ingress.content, 'rules[0].host') : undefined;
    out.push(
      `Service ${name} is type LoadBalancer and its EXTERNAL-IP stays <pending> because nothing in this cluster implements LoadBalancer Services: no cloud provider load balancer controller and no MetalLB (no EnsuringLoadBalancer event, no such controller's namespace), so no controller assigns an address. That is expected here and harmless: the Service still works as a ClusterIP and a NodePort${nodePort ? ` (${clip(nodePort, 40)})` : ''}${
        ingress
          ? `, and users already reach it through Ingress ${ingress.args['name']}${host ? ` (host ${clip(host, 100)})` : ''} via the ingress controller`
          : ''
      }. The install is not broken and no action is needed; change the Service to ClusterIP to drop the pending address if it bothers the dashboards.`,
    );
  }
  return out;
}

// A question about pods that were replaced (new names, young, restarted).
const RECREATED =
  /recreat|new names?|replaced|restarted (?:overnight|last night)|only (?:a few )?\w* ?hours old|PodsRecreated/i;
// Node events of a node-pool upgrade, a drain or a replacement (cloud and kubectl wording).
const NODE_CHURN =
  /\b(Upgrade|NodeUpgrade|Drain\w*|Cordon\w*|NodeNotSchedulable|RemovingNode|surge node|upgraded node image)\b/i;

/** The namespace's pods, when every one is Running and Ready with no restarts (as `list_pods` shows them). */
function allFresh(
  ctx: AnalyzerContext,
): { name: string; age: number; ageText: string; node: string }[] | undefined {
  const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '');
  if (rows.length === 0) return undefined;
  const out: { name: string; age: number; ageText: string; node: string }[] = [];
  for (const r of rows) {
    const [ready, total] = (r['READY'] ?? '').split('/');
    const age = ageSeconds(r['AGE'] ?? '');
    if (r['STATUS'] !== 'Running' || ready !== total || r['RESTARTS'] !== '0' || age === undefined)
      return undefined;
    out.push({ name: r['NAME'] ?? '', age, ageText: r['AGE'] ?? '', node: r['NODE'] ?? '' });
  }
  return out;
}

/**
 * Pods that were all re-created (new names, young, no restarts) on nodes about as young, with node
 * events of an upgrade, a drain or a replacement: a node-pool upgrade (a node image or version upgrade
 * with a surge node, each old node cordoned and drained) evicts every pod and its controller makes
 * a new one elsewhere. A crash keeps the pod and counts a restart; these have none. Kubernetes' "Safely
 * Drain a Node"; the cloud providers' node pool upgrade documentation.
 */
function nodeReplacement(ctx: AnalyzerContext): string[] {
  if (!RECREATED.test(ctx.task)) return [];
  const pods = allFresh(ctx);
  if (!pods) return [];
  const nodes = outputs(ctx.seen, 'list_nodes').flatMap((o) => parseTable(o.content));
  const nodeAge = new Map(
    nodes.map((n) => [n['NAME'] ?? '', ageSeconds(n['AGE'] ?? '') ?? Number.POSITIVE_INFINITY]),
  );
  const used = [...new Set(pods.map((p) => p.node))];
  const oldest = Math.max(...pods.map((p) => p.age));
  if (used.length === 0 || !used.every((n) => (nodeAge.get(n) ?? Number.POSITIVE_INFINITY) <= oldest + 3600))
    return [];
  const churn = outputs(ctx.seen, 'get_events')
    .flatMap((o) => o.content.split('\n'))
    .filter((l) => /\bnode\//.test(l) && NODE_CHURN.test(l))
    .slice(0, 2);
  return [
    `Every pod in ${ctx.ns} is Running and Ready with 0 restarts and at most ${pods.reduce((a, b) => (b.age > a.age ? b : a)).ageText} old: they did not crash (a crash keeps the pod and counts restarts); they were re-created when their nodes were replaced. The nodes they run on (${used.join(', ')}) are themselves only hours old${
      churn.length
        ? `, and the node events show the replacement: ${churn.map((l) => `"${clip(l.replace(/\s{2,}/g, ' ').trim(), 160)}"`).join('; ')}`
        : ''
    }. That is a node pool upgrade (a surge node, then each old node cordoned and drained, its pods evicted and re-created on the new nodes) working as designed; the workloads are complete and healthy, so nothing needs fixing and no action is needed.`,
  ];
}

/**
 * Elasticsearch's flood-stage block, already lifted: past the flood-stage disk watermark it marks the
 * node's indices read-only-allow-delete (writers get 403 cluster_block_exception), and since 7.4 it
 * releases the block by itself once disk use falls below the high watermark, logging "releasing
 * read-only-allow-delete block". After that line, nothing is left to clear by hand.
 * https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-cluster.html (disk watermarks)
 */
function floodStageReleased(ctx: AnalyzerContext): string[] {
  for (const o of outputs(ctx.seen, 'get_pod_logs')) {
    const lines = o.content.slice(-200_000).split('\n');
    const released = lines.find((l) => l.includes('releasing read-only-allow-delete block'));
    if (!released) continue;
    const flood = lines.find((l) => l.includes('flood stage disk watermark'));
    const when = /"@timestamp":"([^"]{1,40})"/.exec(released)?.[1];
    return [
      `Elasticsearch (${o.args['name']}) already released the flood-stage block by itself${when ? ` at ${when}` : ''}: ${
        flood
          ? `after "${clip(flood, 160)}" it marked the indices read-only-allow-delete (the 403 errors writers logged), and `
          : ''
      }once disk use fell below the high watermark it logged "${clip(released, 160)}". Since Elasticsearch 7.4 the block is lifted automatically, so the runbook's manual clearing of read_only_allow_delete is not needed and nothing is left to do; keep an eye on disk use so the flood stage is not reached again.`,
    ];
  }
  return [];
}

// Gunicorn's worker class and timeout as a command line gives them.
const WORKER_CLASS = /(?:--worker-class[= ]|-k )(gevent|eventlet|tornado|gthread)\b/;
const GUNICORN_TIMEOUT = /(?:--timeout[= ]|-t )(\d{1,5})\b/;

/**
 * Requests that run longer than gunicorn's `--timeout` on an asynchronous worker: for every worker
 * class but sync, the timeout is a heartbeat (a worker silent that long is killed and restarted, as
 * when its event loop is blocked), not a limit on one request, so long streaming requests are normal.
 * https://docs.gunicorn.org/en/stable/settings.html#timeout
 */
function gunicornHeartbeat(ctx: AnalyzerContext): string[] {
  if (!/timeout/i.test(ctx.task)) return [];
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    if (!d.content.includes('gunicorn')) continue;
    const worker = WORKER_CLASS.exec(d.content)?.[1];
    const timeout = GUNICORN_TIMEOUT.exec(d.content)?.[1];
    if (!worker || !timeout) continue;
    return [
      `gunicorn runs with the ${worker} worker class (an asynchronous worker) and --timeout ${timeout}: for every worker class but sync, that timeout is a heartbeat, not a per-request limit. A ${worker} worker is killed only when it stays silent for ${timeout} s (its event loop blocked), so requests that stream for longer while the worker keeps serving are expected: the timeout is not broken and the workers are not hanging. Nothing needs fixing before the traffic peak; if requests must be bounded, set a limit in the application or the proxy in front of it.`,
    ];
  }
  return [];
}

export const expectedStatesAnalyzer: Analyzer = {
  name: 'expected-states',
  reads(ctx): Read[] {
    const reads: Read[] = [];
    // Pods all re-created: the nodes' ages, and the node events (in the default namespace).
    if (RECREATED.test(ctx.task) && allFresh(ctx)) {
      if (outputs(ctx.seen, 'list_nodes').length === 0) reads.push({ tool: 'list_nodes', args: {} });
      if (outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === 'default').length === 0)
        reads.push({ tool: 'get_events', args: { namespace: 'default' } });
    }
    // A LoadBalancer Service: the Ingresses that may route to it.
    for (const o of outputs(ctx.seen, 'describe_service')) {
      if (!/^Type:\s+LoadBalancer\s*$/m.test(o.content)) continue;
      const ns = String(o.args['namespace'] ?? ctx.ns);
      for (const l of outputs(
        ctx.seen,
        'list_resources',
        (x) => x.args['namespace'] === ns && /^(ingress|ingresses|ing)$/i.test(String(x.args['kind'])),
      ))
        for (const r of parseTable(l.content).slice(0, 3))
          if (r['NAME'])
            reads.push({
              tool: 'describe_resource',
              args: { kind: 'Ingress', name: r['NAME'], namespace: ns },
            });
    }
    return reads;
  },
  finds: () => [],
  notes(ctx) {
    return [
      ...hpaAtMinimum(ctx),
      ...loadBalancerWithoutImplementation(ctx),
      ...nodeReplacement(ctx),
      ...floodStageReleased(ctx),
      ...gunicornHeartbeat(ctx),
    ];
  },
};
