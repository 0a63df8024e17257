// Table tests of split-field-missing: a crash on an index past an array's end, in the frame that parses a
// setting whose value has fewer fields than its format.

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ctx, describedPodText, log, observed } from './observed.fixture.js';
import { splitFieldMissingAnalyzer as analyzer } from './split-field-missing.js';

const NS = 'orchestration';
const POD = 'flow-server-6f7d8c9b5-q4m2z';
const described = (configMaps: string[] = ['flow-server-config'], env: Record<string, string> = {}) =>
  observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, configMaps, env }).replace(
      'Status:',
      'Controlled By:    ReplicaSet/flow-server-6f7d8c9b5\nStatus:',
    ),
  );
const javaCrash = log(
  NS,
  POD,
  [
    'ERROR [main] o.s.boot.SpringApplication - Application run failed',
    'java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2',
    '\tat io.example.queue.HostListSupplier.parseHostsFromConfig(HostListSupplier.java:56)',
    '\tat io.example.queue.HostListSupplier.getHosts(HostListSupplier.java:38)',
  ],
  { previous: true },
);
const config = (hosts: string, extra = 'flow.redis.availabilityZone=eu-west-1b') =>
  observed(
    'get_resource',
    { kind: 'ConfigMap', namespace: NS, name: 'flow-server-config' },
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: flow-server-config',
      `  namespace: ${NS}`,
      '  resourceVersion: "4411"',
      'data:',
      '  server.properties: |',
      '    # persistence',
      '    flow.db.type=redis_standalone',
      `    flow.redis.hosts=${hosts}`,
      `    ${extra}`,
    ].join('\n'),
  );

describe('split-field-missing', () => {
  it('reads the crashing pod, then its ConfigMaps', () => {
    expect(analyzer.reads(ctx(NS, [javaCrash]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(analyzer.reads(ctx(NS, [javaCrash, described()]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'flow-server-config', namespace: NS } },
    ]);
  });

  it('names the setting, its field count and the field read; a Dyno host list gets its rack', () => {
    const [f] = analyzer.finds(ctx(NS, [javaCrash, described(), config('redis-a:6379,redis-b:6379')]));
    expect(f?.object).toBe(`deployment flow-server (pod ${POD})`);
    expect(f?.cause).toContain('the setting flow.redis.hosts');
    expect(f?.cause).toContain("has 2 ':'-separated fields per entry");
    expect(f?.cause).toContain('reads a third one (index 2)');
    expect(f?.cause).toContain('parseHostsFromConfig');
    expect(f?.cause).toContain('the rack, the availability zone');
    expect(f?.fix?.tool).toBe('apply_manifest');
    const doc = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      data: Record<string, string>;
    };
    expect(doc.data['server.properties']).toContain(
      'flow.redis.hosts=redis-a:6379:eu-west-1b,redis-b:6379:eu-west-1b',
    );
    expect(doc.data['server.properties']).toContain('flow.db.type=redis_standalone');
    expect(doc.metadata['resourceVersion']).toBeUndefined();
  });

  it('without a zone setting it diagnoses but makes no change', () => {
    const [f] = analyzer.finds(
      ctx(NS, [javaCrash, described(), config('redis-a:6379', 'flow.redis.prefix=x')]),
    );
    expect(f?.cause).toContain('reads a third one (index 2)');
    expect(f?.fix).toBeUndefined();
  });

  it('reads a variable too, and a Go panic', () => {
    const goCrash = log(NS, POD, [
      'panic: runtime error: index out of range [2] with length 2',
      '',
      'goroutine 1 [running]:',
      'main.parseBrokers({0xc000012345, 0x10})',
    ]);
    const [f] = analyzer.finds(ctx(NS, [goCrash, described([], { KAFKA_BROKERS: 'kafka-0:9092' })]));
    expect(f?.cause).toContain('the setting KAFKA_BROKERS');
    expect(f?.cause).toContain("the container's environment");
    expect(f?.fix).toBeUndefined();
  });

  it('a setting with as many fields as read, another setting, or an index inside the array is not this', () => {
    expect(analyzer.finds(ctx(NS, [javaCrash, described(), config('redis-a:6379:eu-west-1b')]))).toEqual([]);
    const other = log(
      NS,
      POD,
      [
        'java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2',
        '\tat io.example.report.Renderer.renderColumns(Renderer.java:12)',
      ],
      { previous: true },
    );
    expect(analyzer.finds(ctx(NS, [other, described(), config('redis-a:6379')]))).toEqual([]);
    const inside = log(NS, POD, ['index out of range [0] with length 3', 'main.parseHosts()'], {});
    expect(analyzer.finds(ctx(NS, [inside, described(), config('redis-a:6379')]))).toEqual([]);
  });
});
