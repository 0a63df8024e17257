import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { dnsSearchAnalyzer } from './dns-search.js';

const obs = (tool: string, content: string, args: Record<string, unknown>): SeenObservation => ({
  step: 1,
  tool,
  args: { namespace: 'capture', ...args },
  status: 'ok',
  content,
});
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
