import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { dnsSearchAnalyzer, dnsSearchExpansionAnalyzer } from './dns-search.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('capture');
const pod = (image: string) =>
  obs(
    'describe_pod',
    `Name:             api-7d9c8b6f5-fj7mh\nNamespace:        capture\nControlled By:  ReplicaSet/api-7d9c8b6f5\nContainers:\n  api:\n    Image:          ${image}\n`,
    { name: 'api-7d9c8b6f5-fj7mh' },
  );
const logs = (line: string) => obs('get_pod_logs', `listening\n${line}`, { name: 'api-7d9c8b6f5-fj7mh' });
const run = (task: string, seen: SeenObservation[]) =>
  dnsSearchAnalyzer.finds({ task, ns: 'capture', hints: [], seen });

describe('dns-search: an external name lost in the search list', () => {
  it.each([
    [
      'ghcr.io/acme/api:2.4.0-alpine3.20',
      'logins fail',
      'getaddrinfo EAI_AGAIN auth.login.example.org',
      /musl resolver \(Alpine\)/,
    ],
    [
      'acme/api:2',
      "resolv.conf is 'search capture.svc.cluster.local svc.cluster.local cluster.local corp.example / options ndots:5'",
      'socket.gaierror: [Errno -3] Temporary failure in name resolution: billing.partner.io',
      /node's own domain corp\.example/,
    ],
  ])('%s', (image, task, line, said) => {
    const [f] = run(task, [pod(image), logs(line)]);
    expect(f?.cause).toMatch(said);
    expect(f?.advice).toMatch(/ndots: 2/);
  });
  it('nothing for a cluster name, a glibc image without a foreign search domain, or a log without a failed lookup', () => {
    expect(
      run('x', [pod('a:1-alpine'), logs('getaddrinfo EAI_AGAIN orders-db.shop.svc.cluster.local')]),
    ).toEqual([]);
    expect(run('x', [pod('a:1-bookworm'), logs('getaddrinfo EAI_AGAIN auth.login.example.org')])).toEqual([]);
    expect(run('x', [pod('a:1-alpine'), logs('connect ECONNREFUSED 10.0.0.1:443')])).toEqual([]);
  });
});

describe('dns-search-expansion: slow external lookups behind a search domain whose upstream times out', () => {
  const o = (tool: string, args: Record<string, unknown>, content: string): SeenObservation => ({
    step: 1,
    tool,
    args,
    status: 'ok',
    content,
  });
  const app = o(
    'get_pod_logs',
    { namespace: 'obs', name: 'prober-1' },
    'level=info msg="Resolved target address" target=status.example.com ip=198.51.100.23 duration_seconds=8.1127',
  );
  const system = o(
    'list_pods',
    { namespace: 'kube-system' },
    'NAME                       READY   STATUS    RESTARTS   AGE\ncoredns-5d78c9869d-7tq4n   1/1     Running   0          40d',
  );
  const coredns = (lines: string[]) =>
    o('get_pod_logs', { namespace: 'kube-system', name: 'coredns-5d78c9869d-7tq4n' }, lines.join('\n'));
  const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'obs', hints: [], seen });
  it('reads CoreDNS, and names ndots, the search domain and its upstream timeout', () => {
    expect(dnsSearchExpansionAnalyzer.reads(ctx([app, system]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'coredns-5d78c9869d-7tq4n' } },
    ]);
    const [f] = dnsSearchExpansionAnalyzer.finds(
      ctx([
        app,
        system,
        coredns([
          '[INFO] 10.244.0.12:51044 - 40412 "A IN status.example.com.obs.svc.cluster.local. udp 71 false 512" NXDOMAIN qr,aa,rd 164 0.0001s',
          '[ERROR] plugin/errors: 2 status.example.com.c.corp.internal. A: read udp 10.244.0.15:44120->169.254.169.254:53: i/o timeout',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(
      /ndots:5[\s\S]*search domain c\.corp\.internal is forwarded upstream and times out/,
    );
  });
  it('nothing when the expanded lookups answer fast, or the program resolves quickly', () => {
    const quick = coredns([
      '[INFO] 10.244.0.12:51044 - 40412 "A IN status.example.com.obs.svc.cluster.local. udp 71 false 512" NXDOMAIN qr,aa,rd 164 0.0001s',
    ]);
    expect(dnsSearchExpansionAnalyzer.finds(ctx([app, system, quick]))).toEqual([]);
    const fast = o(
      'get_pod_logs',
      { namespace: 'obs', name: 'prober-1' },
      'msg="Resolved target address" duration_seconds=0.0123',
    );
    expect(dnsSearchExpansionAnalyzer.reads(ctx([fast, system]))).toEqual([]);
  });
});
