import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  describedLabels,
  type Finding,
  namespaceNames,
  outputs,
  type Read,
} from './types.js';

const SM = /^servicemonitors?$/i;
const PROM = /^prometheus(?:es)?$/i;
/** Namespaces where a monitoring stack usually runs, by name. */
const MONITORING = /monitor|prometheus|prom\b|observ|metrics|telemetry/i;
const MAX_NAMESPACES = 3;

/** A Prometheus resource's `serviceMonitorSelector.matchLabels.<key>: <value>` lines, by key. */
function selectorOf(describe: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of describe.matchAll(/^\s*serviceMonitorSelector\.matchLabels\.(\S{1,317}): (.{0,63})$/gm))
    out[m[1]!] = m[2]!.trim();
  return out;
}

function described(ctx: AnalyzerContext, kind: RegExp) {
  return outputs(ctx.seen, 'describe_resource', (o) => kind.test(String(o.args['kind'])));
}

/**
 * A ServiceMonitor no Prometheus selects: the Prometheus Operator generates scrape configuration only
 * for the ServiceMonitors whose labels match a Prometheus resource's serviceMonitorSelector (and whose
 * namespace its serviceMonitorNamespaceSelector admits; prometheus-operator.dev, "ServiceMonitor" and
 * the Prometheus API reference), so a chart's ServiceMonitor labelled `release: <its own release>`
 * while the Prometheus selects `release: kube-prom` is never scraped, though the metrics endpoint
 * answers. Once a ServiceMonitor of the namespace was described, the Prometheus resources of the
 * namespaces that look like a monitoring stack's are listed and described.
 */
export const serviceMonitorSelectorAnalyzer: Analyzer = {
  name: 'servicemonitor-selector',
  // Before the other families' reads: a healthy namespace leaves the budget to hunches otherwise.
  early: true,
  reads(ctx) {
    if (described(ctx, SM).filter((o) => o.args['namespace'] === ctx.ns).length === 0) return [];
    const reads: Read[] = [];
    const spaces = [
      ...new Set([...namespaceNames(ctx.seen).filter((n) => MONITORING.test(n)), ctx.ns]),
    ].slice(0, MAX_NAMESPACES);
    for (const namespace of spaces) {
      const listed = outputs(
        ctx.seen,
        'list_resources',
        (o) => PROM.test(String(o.args['kind'])) && o.args['namespace'] === namespace,
      ).pop();
      if (!listed) {
        reads.push({ tool: 'list_resources', args: { kind: 'Prometheus', namespace } });
        continue;
      }
      for (const r of parseTable(listed.content).slice(0, 2))
        if (r['NAME'])
          reads.push({ tool: 'describe_resource', args: { kind: 'Prometheus', name: r['NAME'], namespace } });
    }
    return reads;
  },
  finds(ctx) {
    const proms = described(ctx, PROM).map((o) => ({
      name: String(o.args['name'] ?? ''),
      namespace: String(o.args['namespace'] ?? ''),
      selector: selectorOf(o.content),
    }));
    const selecting = proms.filter((p) => Object.keys(p.selector).length > 0);
    if (selecting.length === 0) return [];
    for (const o of described(ctx, SM).filter((x) => x.args['namespace'] === ctx.ns)) {
      const name = String(o.args['name'] ?? '');
      const labels = describedLabels(o.content);
      const picked = selecting.some((p) => Object.entries(p.selector).every(([k, v]) => labels[k] === v));
      if (picked) continue;
      const p = selecting[0]!;
      const wanted = Object.entries(p.selector).map(([k, v]) => `${k}: ${v}`);
      const differing = Object.keys(p.selector)
        .map((k) => (labels[k] === undefined ? `no ${k} label` : `${k}: ${labels[k]}`))
        .join(', ');
      const out: Finding = {
        weight: 88,
        object: `servicemonitor ${name}`,
        cause: `ServiceMonitor ${name} is not selected by Prometheus ${p.name}${p.namespace ? ` (namespace ${p.namespace})` : ''}: its serviceMonitorSelector matches ServiceMonitors labelled ${wanted.join(', ')}, and ${name} has ${differing}, so the Prometheus Operator generates no scrape configuration for it and its targets are never scraped, though the metrics endpoint itself answers`,
        evidence: [
          `describe_resource Prometheus ${p.name}: serviceMonitorSelector.matchLabels ${wanted.join(', ')}`,
          `describe_resource ServiceMonitor ${name}: labels ${Object.entries(labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`,
        ],
        advice: `label ServiceMonitor ${name} ${wanted.join(', ')} (in a Helm chart, its serviceMonitor labels value, e.g. serviceMonitor.additionalLabels), or widen Prometheus ${p.name}'s serviceMonitorSelector`,
      };
      return [out];
    }
    return [];
  },
};
