import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import {
  addressDenied,
  egressPolicy,
  inCidr,
  netpolEgressAnalyzer,
  remoteHosts,
  ruleAllows,
  shortHosts,
} from './netpol-egress.js';
import { observed, observedIn } from './observed.fixture.js';

const obs = observedIn('messaging');
const pod = 'notify-7d9c8b6f5-fj7mh';
const described = obs(
  'describe_pod',
  `Name:             ${pod}\nNamespace:        messaging\nLabels:           app=notify\n                  pod-template-hash=7d9c8b6f5\nControlled By:  ReplicaSet/notify-7d9c8b6f5\n`,
  { name: pod },
);
const logs = obs(
  'get_pod_logs',
  '{"msg":"rate limiter","url":"redis://redis-master.cache.svc.cluster.local:6379/2"}\n[ioredis] Unhandled error event: Error: connect ETIMEDOUT',
  { name: pod, previous: true },
);
const policy = (name: string, spec: string) =>
  obs(
    'describe_resource',
    `Name:         ${name}\nNamespace:    messaging\nSpec:\n${spec}\nEvents:  <none>`,
    {
      kind: 'NetworkPolicy',
      name,
    },
  );
const allowlist = (extra = '') =>
  policy(
    'notify-egress',
    `  podSelector.matchLabels.app: notify
  policyTypes[0]: Egress
  egress[0].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: kube-system
  egress[0].ports[0].protocol: UDP
  egress[0].ports[0].port: 53
  egress[1].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: data
  egress[1].ports[0].port: 5432${extra}`,
  );
const run = (seen: SeenObservation[]) =>
  netpolEgressAnalyzer.finds({ task: 'notify crashes', ns: 'messaging', hints: [], seen });

describe('netpol-egress: an egress allowlist without a rule for a dependency', () => {
  it('names the policies and the dependency they do not let out', () => {
    const [f] = run([described, logs, allowlist()]);
    expect(f?.cause).toMatch(/allow no connection to redis-master\.cache on port 6379/);
    expect(f?.advice).toMatch(/kubernetes\.io\/metadata\.name: cache/);
  });
  it('nothing when a rule allows it, no egress policy selects the pod, or no connection timed out', () => {
    const allowed =
      '\n  egress[2].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: cache\n  egress[2].ports[0].port: 6379';
    expect(run([described, logs, allowlist(allowed)])).toEqual([]);
    expect(
      run([described, logs, policy('other', '  podSelector.matchLabels.app: web\n  policyTypes[0]: Egress')]),
    ).toEqual([]);
    const refused = obs('get_pod_logs', 'redis://redis-master.cache.svc:6379 connect ECONNREFUSED', {
      name: pod,
    });
    expect(run([described, refused, allowlist()])).toEqual([]);
    const ipBlock = '\n  egress[2].to[0].ipBlock.cidr: 10.0.0.0/8';
    expect(run([described, logs, allowlist(ipBlock)])).toEqual([]);
  });
  it('a short name (name.ns:port, a URL host in the own namespace) counts once it is a Service', () => {
    const short = obs(
      'get_pod_logs',
      'connecting to amqp://notify@rabbitmq:5672/\nError: connect ETIMEDOUT 10.96.3.4:5672',
      { name: pod, previous: true },
    );
    const service = obs(
      'describe_service',
      'Name:              rabbitmq\nNamespace:         messaging\nSelector:          app=rabbitmq\nPort:              amqp  5672/TCP\n',
      { name: 'rabbitmq' },
    );
    expect(run([described, short, allowlist()])).toEqual([]);
    expect(run([described, short, allowlist(), service])[0]?.cause).toMatch(
      /allow no connection to rabbitmq\.messaging on port 5672/,
    );
    expect(shortHosts('redis-master.cache:6379 db.example.com:5432 http://api:8080/x', 'web')).toEqual([
      { service: 'redis-master', ns: 'cache', port: 6379 },
      { service: 'api', ns: 'web', port: 8080 },
    ]);
  });
  it('reads the parts', () => {
    expect(
      remoteHosts('a redis://r.cache.svc.cluster.local:6379 b pg.data.svc x.messaging.svc', 'messaging'),
    ).toEqual([
      { service: 'r', ns: 'cache', port: 6379 },
      { service: 'pg', ns: 'data' },
    ]);
    const p = egressPolicy('Spec:\n  podSelector: {}\n  policyTypes[0]: Egress');
    expect(p).toEqual({ selector: {}, egress: true, rules: [] });
    expect(ruleAllows({ peers: [], ports: ['5432'] }, 'a', 'b', 6379, undefined)).toBe(false);
    expect(ruleAllows({ peers: [], ports: [] }, 'a', 'b', 6379, undefined)).toBe(true);
    expect(
      ruleAllows({ peers: [{ podLabels: { app: 'x' }, other: false }], ports: [] }, 'a', 'a', 1, undefined),
    ).toBe(true);
  });
});

describe('netpol-egress: a literal address outside every ipBlock its port is allowed to', () => {
  it.each([
    ['10.20.97.23', '10.20.32.0/19', false],
    ['10.20.40.7', '10.20.32.0/19', true],
    ['10.20.63.255', '10.20.32.0/19', true],
    ['10.20.64.0', '10.20.32.0/19', false],
    ['1.2.3.4', '0.0.0.0/0', true],
    ['300.1.1.1', '10.0.0.0/8', undefined],
  ])('%s in %s → %s', (ip, cidr, want) => {
    expect(inCidr(ip, cidr)).toBe(want);
  });
  const POLICY = [
    'Spec:',
    '  podSelector.matchLabels.app: cart-api',
    '  policyTypes[0]: Egress',
    '  egress[0].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: kube-system',
    '  egress[0].ports[0].port: 53',
    '  egress[1].to[0].ipBlock.cidr: 10.20.32.0/19',
    '  egress[1].to[0].ipBlock.except[0]: 10.20.40.0/24',
    '  egress[1].ports[0].port: 6379',
  ].join('\n');
  it('denies only what no rule for the port admits', () => {
    const { rules } = egressPolicy(POLICY);
    expect(addressDenied(rules, '10.20.97.23', 6379)).toBe(true);
    expect(addressDenied(rules, '10.20.33.5', 6379)).toBe(false);
    expect(addressDenied(rules, '10.20.40.9', 6379)).toBe(true);
    expect(
      addressDenied(
        egressPolicy(
          `${POLICY}\n  egress[2].to[0].podSelector.matchLabels.app: redis\n  egress[2].ports[0].port: 6379`,
        ).rules,
        '10.20.97.23',
        6379,
      ),
    ).toBe(false);
  });
  it('finds the policy that drops the connection', () => {
    const at = { namespace: 'cart' };
    const seen = [
      observed(
        'get_pod_logs',
        { ...at, name: 'cart-api-fblbp2d8d-dzv9t' },
        'level=error err="redis: dial tcp 10.20.97.23:6379: i/o timeout"',
      ),
      observed(
        'describe_pod',
        { ...at, name: 'cart-api-fblbp2d8d-dzv9t' },
        'Name: cart-api-fblbp2d8d-dzv9t\nLabels:           app=cart-api\nControlled By:  ReplicaSet/cart-api-fblbp2d8d\n',
      ),
      observed('describe_resource', { ...at, kind: 'NetworkPolicy', name: 'cart-api-egress' }, POLICY),
    ];
    const [f] = netpolEgressAnalyzer.finds({ task: '', ns: 'cart', hints: [], seen });
    expect(f?.cause).toMatch(/allows port 6379 only to ipBlock 10\.20\.32\.0\/19, and 10\.20\.97\.23/);
  });
});
