import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, namespaceNames, outputs, podsOf, type Read } from './types.js';

// A question about Prometheus targets that are down or metrics that are not scraped.
const ASKED = /\bTargetDown\b|\bscrap(?:e|ed|ing)\b|\btargets? (?:are |is )?down\b/i;
// Namespaces where Prometheus usually runs.
const MONITORING = /^(?:monitoring|prometheus|observability|metrics|kube-prometheus(?:-stack)?)$/;
const PROMETHEUS_POD = /^prometheus-(?!operator|node-exporter|adapter|blackbox|pushgateway)/;
const SCRAPE_FAILED = 'Scrape failed';
// The annotation the usual pod scrape job reads the port from.
const PORT_LABEL = '__meta_kubernetes_pod_annotation_prometheus_io_port';

/** One relabel rule of a Prometheus configuration, as its lines say (only the keys read here). */
interface RelabelRule {
  sourceLabels: string[];
  regex?: string;
  separator?: string;
  targetLabel?: string;
  job?: string;
}

/**
 * The relabel rules in a Prometheus configuration's text (block YAML, as `prometheus.yml` is usually
 * written): each `- source_labels: [...]` item with the keys that follow it at a deeper indent. Reads
 * at most the first 5,000 lines; flow-style rules on one line are not read.
 */
export function relabelRules(text: string): RelabelRule[] {
  const rules: RelabelRule[] = [];
  let job: string | undefined;
  let current: RelabelRule | undefined;
  let indent = -1;
  for (const whole of text.split('\n').slice(0, 5000)) {
    const line = whole.slice(0, 2000);
    const jobName = /^\s*(?:-\s*)?job_name:\s*['"]?([\w.-]{1,100})/.exec(line);
    if (jobName) job = jobName[1];
    const item = /^(\s*)-\s+source_labels:\s*\[([^\]]{0,500})\]/.exec(line);
    if (item) {
      current = {
        sourceLabels: item[2]!.split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, '')),
        ...(job ? { job } : {}),
      };
      indent = item[1]!.length;
      rules.push(current);
      continue;
    }
    if (!current) continue;
    const lead = /^(\s*)/.exec(line)![1]!.length;
    if (line.trim() === '' || lead <= indent) {
      current = undefined;
      continue;
    }
    // No end anchor: the first try matches, so nothing is retried on a long line.
    const kv = /^\s*(regex|separator|target_label):\s*(.{0,500})/.exec(line);
    if (!kv) continue;
    let value = kv[2]!.trim();
    if (/^'.*'$|^".*"$/.test(value)) value = value.slice(1, -1);
    if (kv[1] === 'regex') current.regex = value;
    else if (kv[1] === 'separator') current.separator = value;
    else current.targetLabel = value;
  }
  return rules;
}

/**
 * Prometheus scraping a pod on the wrong port because the relabel rule that should move `__address__`
 * to the `prometheus.io/port` annotation never matches (prometheus/prometheus#2130). Prometheus joins a
 * rule's source labels with its `separator` (";" by default) before matching the anchored regex
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#relabel_config), so a
 * regex over two labels that does not contain the separator cannot match, and the address keeps the
 * pod's first container port. The rule's regex is only inspected, never run (it is untrusted text).
 */
export const scrapeRelabelAnalyzer: Analyzer = {
  name: 'scrape-relabel',
  reads(ctx): Read[] {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const names = namespaceNames(ctx.seen);
    if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const reads: Read[] = [];
    for (const ns of names.filter((n) => MONITORING.test(n)).slice(0, 2)) {
      // Prometheus's own log first: it says why a scrape failed (a port that refuses, a limit).
      const pods = podsOf(ctx.seen, ns);
      if ('read' in pods) {
        reads.push(pods.read);
        continue;
      }
      const prom = pods.rows.find((r) => PROMETHEUS_POD.test(r['NAME'] ?? ''));
      const searched = outputs(
        ctx.seen,
        'search_pod_logs',
        (o) => o.args['namespace'] === ns && o.args['pattern'] === SCRAPE_FAILED,
      );
      if (prom && searched.length === 0) {
        reads.push({
          tool: 'search_pod_logs',
          args: { namespace: ns, name: prom['NAME'], pattern: SCRAPE_FAILED, context: 0, maxMatches: 3 },
        });
        continue;
      }
      // A scrape dropped for its size needs no look at the relabel rules.
      if (searched.some((o) => OVER_LIMIT.test(o.content.slice(0, 20_000)))) continue;
      const configs = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === ns,
      );
      if (configs.length === 0)
        reads.push({ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ns } });
      for (const r of configs
        .flatMap((o) => parseTable(o.content))
        .filter((x) => /prometheus/.test(x['NAME'] ?? ''))
        .slice(0, 2))
        reads.push({
          tool: 'describe_resource',
          args: { kind: 'ConfigMap', name: r['NAME'], namespace: ns },
        });
    }
    return reads;
  },
  finds(ctx) {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const out: Finding[] = [...sampleLimit(ctx)];
    for (const cm of outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'ConfigMap' && /prometheus/.test(String(o.args['name'])),
    )) {
      const rule = relabelRules(cm.content.slice(0, 200_000)).find(
        (r) =>
          r.targetLabel === '__address__' &&
          r.sourceLabels.length >= 2 &&
          r.sourceLabels.includes(PORT_LABEL) &&
          r.regex,
      );
      if (!rule?.regex) continue;
      const separator = rule.separator ?? ';';
      if (rule.regex.includes(separator)) continue;
      // What Prometheus reported, and the port the workloads ask for.
      const failed = outputs(ctx.seen, 'search_pod_logs', (o) => o.args['pattern'] === SCRAPE_FAILED)
        .flatMap((o) => o.content.split('\n'))
        .find((l) => l.includes(SCRAPE_FAILED) && /target=\S{1,200}/.test(l));
      const target = failed ? /target=(\S{1,200})/.exec(failed)?.[1] : undefined;
      const annotated = outputs(ctx.seen, 'describe_deployment')
        .concat(outputs(ctx.seen, 'describe_pod'))
        .map((o) => /prometheus\.io\/port[=:]\s*"?(\d{1,5})/.exec(o.content.slice(0, 50_000))?.[1])
        .find(Boolean);
      const name = String(cm.args['name']);
      out.push({
        weight: 84,
        object: `configmap ${name} in ${String(cm.args['namespace'])}`,
        cause: `Prometheus scrapes the pods on the wrong port: in ${name}, the ${rule.job ? `${rule.job} job's ` : ''}relabel rule that should set __address__ from the prometheus.io/port annotation never matches — Prometheus joins its source labels (${rule.sourceLabels.join(', ')}) with "${separator}" (e.g. "10.0.0.1:8080${separator}${annotated ?? '9100'}") and its regex ${rule.regex} has no "${separator}" in it, so the address keeps the pod's first container port${target ? ` (Prometheus scraped ${target}${/err="([^"]{1,120})"/.exec(failed ?? '')?.[1] ? `: ${/err="([^"]{1,120})"/.exec(failed ?? '')![1]}` : ''})` : ''}${annotated ? ` instead of the annotated port ${annotated}` : ''}. The exporter itself is fine`,
        evidence: [
          `describe_resource ConfigMap ${name}: source_labels [${rule.sourceLabels.join(', ')}] regex ${clip(rule.regex, 80)} target_label __address__`,
          ...(failed
            ? [`search_pod_logs prometheus: "${clip(failed.replace(/^\d{1,7}[:-]/, '').trim(), 200)}"`]
            : []),
          ...(annotated ? [`annotation prometheus.io/port=${annotated}`] : []),
        ],
        advice: `fix the relabel regex to span the separator, e.g. regex: ([^:]+)(?::\\d+)?${separator}(\\d+) with replacement $1:$2, then reload Prometheus's configuration`,
      });
    }
    return out;
  },
};

/** Prometheus's warning for a scrape it dropped whole: `msg="scrape failed, sample limit exceeded" sample_limit=5000 samples=27133`. */
const OVER_LIMIT = /sample limit exceeded[^\n]{0,200}?sample_limit=(\d{1,9})[^\n]{0,100}?samples=(\d{1,12})/i;

/**
 * A target Prometheus scrapes but drops whole: it returned more samples than the scrape job's
 * sample_limit, so Prometheus fails that scrape and records the target as down (up = 0) although it
 * answers (prometheus.io, "Configuration: scrape_config", sample_limit). The series count grew on the
 * target's side (new labels multiply the series: cardinality); the target's own log may say so.
 */
function sampleLimit(ctx: Parameters<Analyzer['finds']>[0]): Finding[] {
  const line = outputs(ctx.seen, 'search_pod_logs', (o) => o.args['pattern'] === SCRAPE_FAILED)
    .flatMap((o) => o.content.split('\n'))
    .find((l) => l.length <= 4000 && OVER_LIMIT.test(l));
  if (!line) return [];
  const [, limit, samples] = OVER_LIMIT.exec(line)!;
  const target = /target=(\S{1,200})/.exec(line)?.[1];
  const pool = /scrape_pool=(\S{1,100})/.exec(line)?.[1];
  // The target's own word for how many series it exposes, from the logs of the namespace asked about.
  const said = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)
    .flatMap((o) => o.content.slice(-200_000).split('\n'))
    .find((l) => l.length <= 4000 && /\bseries\b/i.test(l) && /\d/.test(l));
  return [
    {
      weight: 88,
      object: target ? `scrape target ${target}` : 'prometheus scrape',
      cause: `Prometheus drops every scrape of ${target ?? 'the target'}${pool ? ` (scrape pool ${pool})` : ''}: it returns ${samples} samples, more than the job's sample_limit of ${limit}, so each scrape fails as a whole and the target shows down (up = 0, the TargetDown alert, empty dashboards) although it answers and nothing blocks it. The target's series count grew past the limit (more label values multiply the series: cardinality)${said ? `; its own log says "${clip(said.trim(), 220)}"` : ''}`,
      evidence: [`search_pod_logs prometheus: "${clip(line.replace(/^\d{1,7}[:-]/, '').trim(), 220)}"`],
      advice: `cut the series the target exposes (drop the new high-cardinality labels) or raise that job's sample_limit above ${samples}, then reload Prometheus's configuration`,
    },
  ];
}
