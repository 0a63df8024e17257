// Table test of config-dir-override: a later file of a configuration directory replacing a top-level key.
import { describe, expect, it } from 'vitest';
import { configDirOverrideAnalyzer } from './config-dir-override.js';
import { ctx, observed } from './observed.fixture.js';

const NS = 'chat';
const POD = 'relay-gm5289d2gh-5r96f';
const pod = (o: { ready?: boolean; args?: string; mount?: string; probe?: string } = {}) =>
  observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      `Namespace:        ${NS}`,
      'Status:           Running',
      'Containers:',
      '  relay:',
      '    Image:          example/relay:2.4.0',
      '    State:          Running',
      `    Ready:          ${o.ready ? 'True' : 'False'}`,
      '    Restart Count:  0',
      `    Args:           ${o.args ?? 'serve --config-dir=/etc/relay --data=/data'}`,
      `    Readiness:      ${o.probe ?? 'http-get :8080/healthz'} delay=0s timeout=1s period=15s #failure=3`,
      '    Mounts:',
      `      ${o.mount ?? '/etc/relay'} from conf (rw)`,
      'Volumes:',
      '  conf:',
      '    Type:     ConfigMap (a volume populated by a ConfigMap)',
      '    Name:     relay-conf',
      '    Optional: false',
      'Events:',
      '  Warning   Unhealthy   0s (x40 over 10m)   kubelet   Readiness probe failed: Get "http://10.244.0.9:8080/healthz": dial tcp 10.244.0.9:8080: connect: connection refused',
    ].join('\n'),
  );
const conf = (files: Record<string, string[]>) =>
  observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'relay-conf', namespace: NS },
    [
      'apiVersion: v1',
      'data:',
      ...Object.entries(files).flatMap(([k, lines]) => [`  ${k}: |`, ...lines.map((l) => `    ${l}`)]),
      'kind: ConfigMap',
    ].join('\n'),
  );
const MAIN = ['name: relay', 'servers:', '  - port: 8080', '    type: http'];
const EXTRA = ['metrics: true', 'servers:', '  - port: 9100', '    type: metrics'];

describe('config-dir-override', () => {
  it('reads the ConfigMap mounted at the directory the arguments name, then names the replaced key', () => {
    expect(configDirOverrideAnalyzer.reads(ctx(NS, [pod()]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'relay-conf', namespace: NS } },
    ]);
    const [f] = configDirOverrideAnalyzer.finds(
      ctx(NS, [pod(), conf({ 'main.yaml': MAIN, 'zz-metrics.yaml': EXTRA })]),
    );
    expect(f?.cause).toContain('the directory /etc/relay (--config-dir=/etc/relay)');
    expect(f?.cause).toContain(
      'the top-level key servers: main.yaml (with port 8080) and zz-metrics.yaml (without it)',
    );
    expect(f?.cause).toContain('connect: connection refused');
    expect(f?.advice).toContain("put the entries of zz-metrics.yaml's servers into main.yaml's servers");
  });

  it('a tcp-socket probe and a directory passed as its own argument count too', () => {
    const p = pod({ args: 'serve -c /etc/relay/', probe: 'tcp-socket :8080' });
    const [f] = configDirOverrideAnalyzer.finds(
      ctx(NS, [p, conf({ 'main.yaml': MAIN, 'zz-metrics.yaml': EXTRA })]),
    );
    expect(f?.cause).toContain('the directory /etc/relay');
  });

  it.each([
    ['the container is Ready', pod({ ready: true }), { 'main.yaml': MAIN, 'zz-metrics.yaml': EXTRA }],
    [
      'the arguments name a file under the mount',
      pod({ args: 'serve --config=/etc/relay/main.yaml' }),
      { 'main.yaml': MAIN, 'zz-metrics.yaml': EXTRA },
    ],
    [
      'the later file keeps the port',
      pod(),
      { 'main.yaml': MAIN, 'zz-metrics.yaml': [...EXTRA, '  - port: 8080'] },
    ],
    [
      'the earlier file sets the key after the later one',
      pod(),
      { 'zz-main.yaml': MAIN, 'a-metrics.yaml': EXTRA },
    ],
    [
      'no file holds the port',
      pod({ probe: 'http-get :7000/healthz' }),
      { 'main.yaml': MAIN, 'zz-metrics.yaml': EXTRA },
    ],
    ['the key is set once', pod(), { 'main.yaml': MAIN, 'zz-metrics.yaml': ['metrics: true'] }],
    ['the files are not YAML', pod(), { 'main.conf': MAIN, 'zz-metrics.conf': EXTRA }],
  ])('finds nothing when %s', (_, p, files) => {
    expect(configDirOverrideAnalyzer.finds(ctx(NS, [p, conf(files)]))).toEqual([]);
  });

  it('an unparsable file is skipped, not thrown on', () => {
    const files = { 'main.yaml': MAIN, 'zz-metrics.yaml': ['servers: [unclosed'] };
    expect(configDirOverrideAnalyzer.finds(ctx(NS, [pod(), conf(files)]))).toEqual([]);
  });
});
