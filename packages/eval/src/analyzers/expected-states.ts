import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, clip, flat, outputs, type Read } from './types.js';

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
  const namespaces = outputs(ctx.seen, 'list_resources', (o) =>
    /^(namespaces?|ns)$/i.test(String(o.args['kind'])),
  )
    .flatMap((o) => parseTable(o.content))
    .map((r) => r['NAME'] ?? '');
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

export const expectedStatesAnalyzer: Analyzer = {
  name: 'expected-states',
  reads(ctx): Read[] {
    const reads: Read[] = [];
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
    return [...hpaAtMinimum(ctx), ...loadBalancerWithoutImplementation(ctx)];
  },
};
