// Rules written after held-out set 114, each general, tested here on inputs made up for the test: the names,
// hosts, addresses and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { priorRequest } from './allocatable.js';
import { calicoBgpAnalyzer } from './calico-bgp.js';
import { configNotReloadedAnalyzer, unreachedHosts } from './config-not-reloaded.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import {
  ctx,
  describedPodText,
  describedReplicaSet,
  log,
  observed,
  pods,
  table,
} from './observed.fixture.js';

describe('allocatable: the memory request the previous revision had, as the fix for one no node holds', () => {
  const NS = 'news';
  const DEP = 'frontpage';
  const OLD = `${DEP}-7d9c5b8f4`;
  const NEW = `${DEP}-5f6b8c9d7`;
  const listed = pods(NS, [
    [`${NEW}-x7k2p`, '0/1', 'Pending', '0', '20m'],
    [`${OLD}-a1b2c`, '1/1', 'Running', '0', '30d'],
  ]);
  const sets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [OLD, '2/2 ready', '30d'],
      [NEW, '0/1 ready', '20m'],
    ]),
  );
  const rs = (name: string, revision: number, memory: string) =>
    describedReplicaSet(NS, name, revision, [
      'containers[0].name: web',
      'containers[0].image: news/frontpage:3.1',
      `containers[0].resources.requests.memory: ${memory}`,
    ]);

  it('gives the previous value when the rollout raised it and it fits', () => {
    const seen = [listed, sets, rs(OLD, 4, '1536Mi'), rs(NEW, 5, '24Gi')];
    expect(priorRequest(ctx(NS, seen), DEP, 'web', 14 * 1024 ** 3)).toEqual({
      value: '1536Mi',
      from: OLD,
      to: NEW,
    });
  });

  it('gives nothing when the value before does not fit, is unchanged, or the sets were not read', () => {
    expect(
      priorRequest(
        ctx(NS, [listed, sets, rs(OLD, 4, '20Gi'), rs(NEW, 5, '24Gi')]),
        DEP,
        'web',
        14 * 1024 ** 3,
      ),
    ).toBe(undefined);
    expect(
      priorRequest(
        ctx(NS, [listed, sets, rs(OLD, 4, '24Gi'), rs(NEW, 5, '24Gi')]),
        DEP,
        'web',
        14 * 1024 ** 3,
      ),
    ).toBe(undefined);
    expect(
      priorRequest(ctx(NS, [listed, sets, rs(NEW, 5, '24Gi')]), DEP, 'web', 14 * 1024 ** 3),
    ).toBeUndefined();
    expect(
      priorRequest(
        ctx(NS, [listed, sets, rs(OLD, 4, '1Gi'), rs(NEW, 5, '24Gi')]),
        DEP,
        'api',
        14 * 1024 ** 3,
      ),
    ).toBe(undefined);
  });
});

describe('config-not-reloaded: a running pod that still sends to a host its ConfigMap no longer names', () => {
  const NS = 'telemetry';
  const POD = 'trace-relay-6c8d9f7b5-qk2vx';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, configMaps: ['trace-relay-conf'] }).replace(
      'Status:',
      'Controlled By:  ReplicaSet/trace-relay-6c8d9f7b5\nStatus:',
    ),
  );
  const listed = pods(NS, [[POD, '1/1', 'Running', '0', '12d']]);
  const relayLog = log(NS, POD, [
    '[info] relay started, 4 workers',
    "[warn] getaddrinfo(host='tempo-v1.telemetry.svc', err=4): Domain name not found",
    '[error] export failed: no upstream connections available',
  ]);
  const conf = (host: string, age = '2d') =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'trace-relay-conf' },
      `Name:         trace-relay-conf\nNamespace:    ${NS}\nAge:          ${age}\n\nData\n====\nrelay.yaml:\n----\nexporter:\n  endpoint: ${host}:4317\n`,
    );
  const run = (seen: Parameters<typeof ctx>[1], task = 'traces stopped arriving in the new backend') =>
    configNotReloadedAnalyzer.finds(ctx(NS, seen, task));

  it('reads the hosts a log fails to reach', () => {
    expect(unreachedHosts(relayLog.content)).toEqual(['tempo-v1']);
    expect(unreachedHosts('dial tcp cache-b:6379: connect: connection refused')).toContain('cache-b');
    expect(unreachedHosts('[info] connected to tempo-v1.telemetry.svc')).toEqual([]);
  });

  it('finds the old configuration and restarts the deployment', () => {
    const [f] = run([listed, described, relayLog, conf('tempo-v2.telemetry.svc')]);
    expect(f?.object).toBe('deployment trace-relay');
    expect(f?.cause).toMatch(/still sends to tempo-v1/);
    expect(f?.cause).toMatch(/names tempo-v2 in its place/);
    expect(f?.cause).toMatch(/younger than the pod/);
    expect(f?.fix).toEqual({
      tool: 'restart_deployment',
      args: { namespace: NS, name: 'trace-relay' },
      text: expect.stringMatching(/restart deployment trace-relay/),
    });
  });

  it('finds nothing when the ConfigMap still names the host, names no successor, or the pod restarted', () => {
    expect(run([listed, described, relayLog, conf('tempo-v1.telemetry.svc')])).toEqual([]);
    expect(run([listed, described, relayLog, conf('collector.telemetry.svc')])).toEqual([]);
    const restarted = pods(NS, [[POD, '1/1', 'Running', '3', '12d']]);
    expect(run([restarted, described, relayLog, conf('tempo-v2.telemetry.svc')])).toEqual([]);
  });

  it('asks for the ConfigMap once the log shows a host it fails to reach', () => {
    expect(
      configNotReloadedAnalyzer.reads(ctx(NS, [listed, described, relayLog], 'traces are missing')),
    ).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'trace-relay-conf', namespace: NS } },
    ]);
    expect(configNotReloadedAnalyzer.reads(ctx(NS, [listed, described], 'traces are missing'))).toEqual([]);
  });
});

describe('calico-bgp: no BGP sessions between two groups of nodes', () => {
  const list = observed(
    'list_pods',
    { namespace: 'kube-system' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['calico-node-aaaa1', '0/1', 'Running', '0', '300d', '192.168.10.4', 'core-1'],
      ['calico-node-aaaa2', '0/1', 'Running', '0', '300d', '192.168.10.5', 'core-2'],
      ['calico-node-bbbb1', '0/1', 'Running', '0', '5h', '192.168.20.7', 'burst-1'],
      ['coredns-6d4b75cb6d-x1', '1/1', 'Running', '0', '90d', '10.42.0.3', 'core-1'],
    ]),
  );
  const nodes = observed(
    'list_nodes',
    {},
    table([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['core-1', 'Ready', '<none>', '300d', 'v1.31.2'],
      ['core-2', 'Ready', '<none>', '300d', 'v1.31.2'],
      ['burst-1', 'Ready', '<none>', '5h', 'v1.31.2'],
    ]),
  );
  const events = observed(
    'get_events',
    { namespace: 'kube-system' },
    [
      'LAST SEEN   TYPE      REASON      OBJECT                  MESSAGE',
      '5s (x900)   Warning   Unhealthy   pod/calico-node-bbbb1   Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with 192.168.10.4,192.168.10.5',
      '7s (x880)   Warning   Unhealthy   pod/calico-node-aaaa1   Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with 192.168.20.7',
      '9s (x880)   Warning   Unhealthy   pod/calico-node-aaaa2   Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with 192.168.20.7',
    ].join('\n'),
  );

  it("reads the agents' events once an agent is not ready", () => {
    expect(calicoBgpAnalyzer.reads(ctx('shop', [list]))).toEqual([
      { tool: 'get_events', args: { namespace: 'kube-system' } },
      { tool: 'list_nodes', args: {} },
    ]);
  });

  it('names the newer nodes and the older ones they have no session with', () => {
    const [f] = calicoBgpAnalyzer.finds(ctx('shop', [list, nodes, events]));
    expect(f?.cause).toMatch(
      /between the nodes burst-1 \(the newer nodes, added 5h ago\) and core-1, core-2/,
    );
    expect(f?.cause).toMatch(/TCP port 179/);
    expect(f?.advice).toMatch(/security groups or firewall/);
  });

  it('finds nothing when every agent is ready and no event says a session is down', () => {
    expect(calicoBgpAnalyzer.finds(ctx('shop', [list, nodes]))).toEqual([]);
    const quiet = observed('get_events', { namespace: 'kube-system' }, 'No events found.');
    expect(calicoBgpAnalyzer.finds(ctx('shop', [list, nodes, quiet]))).toEqual([]);
  });
});

describe("misconceptions: the kubelet's volume reconstruction after a reboot", () => {
  const NS = 'docs';
  const TASK =
    'After the reboots the kubelet logs "Could not construct volume information" for volumes of our docs pods. Is anything wrong?';

  it('explains the warning when every pod of the namespace is Running and Ready', () => {
    const seen = [pods(NS, [['docs-web-5d8c7b9f6-ab12c', '1/1', 'Running', '1', '3d']])];
    expect(misconceptionsAnalyzer.notes?.(ctx(NS, seen, TASK)).join('\n')).toMatch(/volume reconstruction/);
  });

  it('says nothing while a pod is not ready', () => {
    const seen = [pods(NS, [['docs-web-5d8c7b9f6-ab12c', '0/1', 'ContainerCreating', '0', '3m']])];
    expect(misconceptionsAnalyzer.notes?.(ctx(NS, seen, TASK)).join('\n')).not.toMatch(
      /volume reconstruction/,
    );
  });
});
