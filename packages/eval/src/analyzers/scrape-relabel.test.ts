// Table tests of the scrape-relabel analyzer: the relabel rules read from a Prometheus configuration,
// and a port rule whose regex cannot match the joined source labels.
import { describe, expect, it } from 'vitest';
import { observed } from './observed.fixture.js';
import { relabelRules, scrapeRelabelAnalyzer } from './scrape-relabel.js';

const config = (regex: string, separator?: string) =>
  [
    'Data',
    '====',
    'prometheus.yml:',
    '----',
    'scrape_configs:',
    '  - job_name: kubernetes-pods',
    '    relabel_configs:',
    '      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]',
    '        action: keep',
    '        regex: "true"',
    '      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]',
    '        action: replace',
    `        regex: ${regex}`,
    ...(separator ? [`        separator: "${separator}"`] : []),
    '        replacement: $1:$2',
    '        target_label: __address__',
    '',
  ].join('\n');

const task = 'The TargetDown alert fires for job kubernetes-pods (pods of ledger in namespace payments).';
const ctx = (seen: ReturnType<typeof observed>[]) => ({ task, ns: 'payments', hints: [], seen });
const namespaces = observed(
  'list_resources',
  { kind: 'Namespace' },
  'NAME         STATUS   AGE\nmonitoring   Active   30d\npayments     Active   30d',
);
const cms = observed(
  'list_resources',
  { kind: 'ConfigMap', namespace: 'monitoring' },
  'NAME                STATUS     AGE\nprometheus-config   1 key(s)   24h',
);
const pods = observed(
  'list_pods',
  { namespace: 'monitoring' },
  'NAME                         READY   STATUS    RESTARTS   AGE\nprometheus-nb6x5qjl4-fjhtf   1/1     Running   0          63m',
);
const cm = (regex: string, separator?: string) =>
  observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: 'monitoring', name: 'prometheus-config' },
    config(regex, separator),
  );
const deployment = observed(
  'describe_deployment',
  { namespace: 'payments', name: 'ledger' },
  'Annotations:            prometheus.io/port=9187\n',
);

describe('relabelRules', () => {
  it('reads each rule with its job, regex, separator and target label', () => {
    expect(relabelRules(config('([^:]+)(?::\\d+)?;(\\d+)', '|'))).toEqual([
      {
        job: 'kubernetes-pods',
        sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
        regex: 'true',
      },
      {
        job: 'kubernetes-pods',
        sourceLabels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
        regex: '([^:]+)(?::\\d+)?;(\\d+)',
        separator: '|',
        targetLabel: '__address__',
      },
    ]);
  });
  it('reads a long hostile line in bounded time', () => {
    const line = `  - job_name:${' '.repeat(200_000)}x\n      regex:${' '.repeat(200_000)}${'y'.repeat(100_000)}`;
    expect(relabelRules(line)).toEqual([]);
  });
});

describe('scrape-relabel', () => {
  it("reads the monitoring namespace: Prometheus's log first, then its ConfigMaps", () => {
    expect(scrapeRelabelAnalyzer.reads(ctx([]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    const search = {
      tool: 'search_pod_logs',
      args: {
        namespace: 'monitoring',
        name: 'prometheus-nb6x5qjl4-fjhtf',
        pattern: 'Scrape failed',
        context: 0,
        maxMatches: 3,
      },
    };
    expect(scrapeRelabelAnalyzer.reads(ctx([namespaces, cms, pods]))).toEqual([search]);
    const searched = observed(
      'search_pod_logs',
      search.args,
      '1 line(s) match "Scrape failed"\n12:level=warn msg="Scrape failed" target=http://10.244.1.9:8080/metrics err="connection refused"',
    );
    expect(scrapeRelabelAnalyzer.reads(ctx([namespaces, cms, pods, searched]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', name: 'prometheus-config', namespace: 'monitoring' },
      },
    ]);
    expect(scrapeRelabelAnalyzer.reads({ ...ctx([]), task: 'pods crash' })).toEqual([]);
  });
  it.each([
    [
      '([^:]+)(?::\\d+)?:(\\d+)',
      undefined,
      /never matches .* joins its source labels .* with ";" .* annotated port 9187/,
    ],
    ['([^:]+)(?::\\d+)?;(\\d+)', undefined, undefined],
    ['([^:]+)(?::\\d+)?;(\\d+)', '|', /with "\|"/],
    ['([^:]+)(?::\\d+)?\\|(\\d+)', '|', undefined],
  ])('regex %s, separator %s', (regex, separator, want) => {
    const [f] = scrapeRelabelAnalyzer.finds(ctx([cm(regex, separator), deployment]));
    if (want) expect(f?.cause).toMatch(want);
    else expect(f).toBeUndefined();
  });
});
