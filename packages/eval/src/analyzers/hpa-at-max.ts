import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, type Finding, flat, outputs, type Read } from './types.js';

/** The Spec lines of a described object (`  maxReplicas: 10`), up to its Status section; at most 200. */
function specLines(text: string): [string, string][] {
  const out: [string, string][] = [];
  let inSpec = false;
  for (const line of text.slice(0, 50_000).split('\n').slice(0, 400)) {
    if (/^Spec:\s*$/.test(line)) {
      inSpec = true;
      continue;
    }
    if (inSpec && /^\S/.test(line)) break;
    const m = inSpec ? /^\s{2,8}([A-Za-z0-9_.[\]]{1,200}):\s(.{0,500})$/.exec(line) : null;
    if (m && out.length < 200) out.push([m[1]!, m[2]!.trim()]);
  }
  return out;
}

/**
 * The object a flattened spec stands for (`metrics[0].resource.name: cpu` under `metrics`, an array):
 * each dotted path put back into nested objects and arrays, numbers as numbers. Paths that would
 * overwrite a value with an object, or use `__proto__`-like keys, are skipped.
 */
export function unflatten(lines: readonly [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, raw] of lines) {
    const keys = path
      .split('.')
      .flatMap((k) => {
        const m = /^([A-Za-z0-9_]{1,100})((?:\[\d{1,3}\])*)$/.exec(k);
        if (!m) return [null];
        return [m[1]!, ...[...m[2]!.matchAll(/\[(\d{1,3})\]/g)].map((i) => Number(i[1]))];
      })
      .filter((k) => k !== '');
    if (keys.some((k) => k === null || k === '__proto__' || k === 'constructor' || k === 'prototype'))
      continue;
    const value: unknown = /^-?\d{1,15}$/.test(raw)
      ? Number(raw)
      : raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : raw;
    let cur: Record<string | number, unknown> = root;
    let ok = true;
    for (let i = 0; i < keys.length - 1; i++) {
      const k = keys[i]!;
      const next = keys[i + 1];
      const have = cur[k];
      if (have === undefined) cur[k] = typeof next === 'number' ? [] : {};
      else if (typeof have !== 'object' || have === null) {
        ok = false;
        break;
      }
      cur = cur[k] as Record<string | number, unknown>;
    }
    if (ok) cur[keys[keys.length - 1]!] = value;
  }
  return root;
}

/** The described HorizontalPodAutoscalers of the namespace (`describe_resource`), newest read of each. */
function describedHpas(ctx: AnalyzerContext) {
  const byName = new Map<string, string>();
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) =>
      /^(?:horizontalpodautoscalers?|hpa)$/i.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
  ))
    byName.set(String(o.args['name'] ?? ''), o.content);
  return [...byName];
}

/** The pods of Deployment `name` that a described pod shows killed for memory (`Reason: OOMKilled`). */
function oomKilledPods(ctx: AnalyzerContext, deployment: string): string[] {
  return outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)
    .filter(
      (o) =>
        new RegExp(
          `^Controlled By:\\s+ReplicaSet/${deployment.replace(/[.]/g, '\\.')}-[a-z0-9]{5,10}\\s*$`,
          'm',
        ).test(o.content) && /Reason:\s+OOMKilled/.test(o.content),
    )
    .map((o) => String(o.args['name'] ?? ''));
}

/**
 * A HorizontalPodAutoscaler held at its `maxReplicas` while its metric stays far above target, over a
 * Deployment whose pods are killed for memory: the controller wants `ceil(currentReplicas × current /
 * target)` replicas (kubernetes.io, "Horizontal Pod Autoscaling": algorithm details) and may not go past
 * the maximum (its ScalingLimited condition: TooManyReplicas), so each pod carries more than the share it
 * was sized for and runs out of memory under the load. The fix raises `maxReplicas` to what the
 * controller asks for (the whole HPA applied again with the new ceiling).
 */
export const hpaAtMaxAnalyzer: Analyzer = {
  name: 'hpa-at-max',
  reads(ctx): Read[] {
    // Only an HPA already listed: the described one's reads are made by the other HPA rules.
    const listed = outputs(
      ctx.seen,
      'list_resources',
      (o) =>
        /^(?:horizontalpodautoscalers?|hpa)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
    );
    if (listed.length === 0 || describedHpas(ctx).length > 0) return [];
    // The autoscaler whose REFERENCE names a Deployment with pods killed for memory (its own name may differ).
    const row = parseTable(listed[listed.length - 1]!.content.slice(0, 200_000)).find((r) => {
      const target = /^Deployment\/([a-z0-9][a-z0-9.-]{0,252})$/.exec(r['REFERENCE'] ?? '')?.[1];
      return target !== undefined && oomKilledPods(ctx, target).length > 0;
    });
    const name = row?.['NAME'];
    return name
      ? [{ tool: 'describe_resource', args: { kind: 'HorizontalPodAutoscaler', name, namespace: ctx.ns } }]
      : [];
  },
  finds(ctx): Finding[] {
    for (const [name, text] of describedHpas(ctx)) {
      if (flat(text, 'scaleTargetRef.kind') !== 'Deployment') continue;
      const target = flat(text, 'scaleTargetRef.name');
      const max = Number(flat(text, 'maxReplicas'));
      const current = Number(flat(text, 'currentReplicas'));
      if (!target || !(max > 0) || current < max) continue;
      const limited =
        /ScalingLimited[\s\S]{0,200}?TooManyReplicas|the desired replica count is more than the maximum/.test(
          text,
        );
      // The metric the ceiling holds: a utilization above its target.
      let metric: { name: string; target: number; now: number } | undefined;
      for (let i = 0; i < 10 && !metric; i++) {
        const m = flat(text, `metrics[${i}].resource.name`);
        const t = Number(flat(text, `metrics[${i}].resource.target.averageUtilization`));
        if (!m || !(t > 0)) continue;
        for (let j = 0; j < 10; j++) {
          if (flat(text, `currentMetrics[${j}].resource.name`) !== m) continue;
          const now = Number(flat(text, `currentMetrics[${j}].resource.current.averageUtilization`));
          if (now > t * 1.1) metric = { name: m, target: t, now };
        }
      }
      if (!metric || !limited) continue;
      const killed = oomKilledPods(ctx, target);
      if (killed.length === 0) continue;
      const wanted = Math.ceil((current * metric.now) / metric.target);
      const raised = Math.min(Math.max(wanted, max + 1), max * 10);
      const spec = unflatten(specLines(text));
      spec['maxReplicas'] = raised;
      const manifest = `${JSON.stringify(
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name, namespace: ctx.ns },
          spec,
        },
        null,
        2,
      )}\n`;
      return [
        {
          // Above the OOM kills it explains (their finding, with the bonus of a workload the task names).
          weight: 97,
          object: `horizontalpodautoscaler ${name} (deployment ${target})`,
          cause: `the HorizontalPodAutoscaler ${name} is capped: it runs deployment ${target} at its maxReplicas of ${max} while ${metric.name} utilization is ${metric.now}% of requests against a target of ${metric.target}% (ScalingLimited: TooManyReplicas, the desired replica count is more than the maximum), so it cannot spread the load further and each pod carries about ${Math.round((metric.now / metric.target) * 10) / 10} times the share it was sized for; under that load the pods run out of memory and are OOM-killed (${killed.slice(0, 2).join(', ')}). The release is not what changed: the load outgrew the autoscaler's ceiling`,
          evidence: [
            `describe_resource HorizontalPodAutoscaler ${name}: maxReplicas ${max}, currentReplicas ${current}, ${metric.name} ${metric.now}% against target ${metric.target}%, ScalingLimited TooManyReplicas`,
            `describe_pod ${killed[0]}: Reason OOMKilled`,
          ],
          fix: {
            tool: 'apply_manifest',
            args: { namespace: ctx.ns, manifest },
            text: `raise maxReplicas of HorizontalPodAutoscaler ${name} from ${max} to ${raised}, what the controller asks for at ${metric.now}% against ${metric.target}% (ceil(${current} × ${metric.now} / ${metric.target}))`,
          },
          advice: `raise the autoscaler's maxReplicas (the controller asks for ${wanted}) so the load spreads over more pods, and check the nodes have room for them; a larger memory limit per pod only moves the ceiling`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
