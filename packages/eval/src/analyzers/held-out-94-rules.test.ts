import { describe, expect, it } from 'vitest';
import { quotedSearchAnalyzer } from './asked-lines.js';
import { dockerSocketAnalyzer } from './docker-socket.js';
import { ctx, log, observed, table } from './observed.fixture.js';
import { removedNodesAnalyzer, removedNodeWarnings } from './removed-nodes.js';

// Rules written for set 94's misses, each general, each with its table here; the worlds' answers are in
// held-out-answers.test.ts.

const helper = (socketMessage: string) =>
  observed(
    'describe_pod',
    { namespace: 'shop', name: 'container-kill-helper-hs8wd' },
    [
      'Name:             container-kill-helper-hs8wd',
      'Namespace:        shop',
      'Node:             ng-1a/10.0.0.5',
      'Status:           Pending',
      'Containers:',
      '  helper:',
      '    Environment:',
      '      CONTAINER_RUNTIME:  docker',
      '      SOCKET_PATH:  /var/run/docker.sock',
      'Events:',
      `  Warning   FailedMount   62s (x27 over 39m)   kubelet   ${socketMessage}`,
    ].join('\n'),
  );
const node = (runtime: string) =>
  observed(
    'describe_node',
    { name: 'ng-1a' },
    `Name: ng-1a\nSystem Info:\n  Container Runtime Version:  ${runtime}\n`,
  );
const NOT_SOCKET =
  'MountVolume.SetUp failed for volume "cri-socket" : hostPath type check failed: /var/run/docker.sock is not a socket file';

describe('docker-socket: the Docker socket on nodes without Docker', () => {
  it('reads the node first', () => {
    expect(dockerSocketAnalyzer.reads(ctx('shop', [helper(NOT_SOCKET)]))).toEqual([
      { tool: 'describe_node', args: { name: 'ng-1a' } },
    ]);
  });

  it.each([
    ['containerd', 'containerd://1.7.22', true],
    ['CRI-O', 'cri-o://1.30.1', true],
    ['Docker', 'docker://24.0.7', false],
  ])('%s', (_, runtime, fires) => {
    const f = dockerSocketAnalyzer.finds(ctx('shop', [helper(NOT_SOCKET), node(runtime)]));
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0]!.cause).toContain(`runs ${runtime} as its container runtime, not Docker`);
      expect(f[0]!.cause).toContain('CONTAINER_RUNTIME=docker, SOCKET_PATH=/var/run/docker.sock');
    }
  });

  it('another hostPath that is not a socket is not this', () => {
    const f = dockerSocketAnalyzer.finds(
      ctx('shop', [
        helper('hostPath type check failed: /run/app/app.sock is not a socket file'),
        node('containerd://1.7.22'),
      ]),
    );
    expect(f).toEqual([]);
  });
});

const nodes = observed(
  'list_nodes',
  {},
  table([
    ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    ['ip-10-1-23-217.eu-central-1.compute.internal', 'Ready', '<none>', '12h', 'v1.30.4'],
    ['ip-10-1-33-190.eu-central-1.compute.internal', 'Ready', '<none>', '12h', 'v1.30.4'],
  ]),
);
const gone = 'WRN Node `ip-10-1-26-73.eu-central-1.compute.internal` in prometheus but not k8s api';
const present = 'WRN Node `ip-10-1-23-217.eu-central-1.compute.internal` in prometheus but not k8s api';

describe('removed-nodes: warnings about nodes the cluster no longer has', () => {
  it.each([
    ['every warning names a removed node', [gone], true],
    ['one names a node the cluster has', [gone, present], false],
    ['a warning without a node', [gone, 'WRN cache miss ratio high'], false],
  ])('%s', (_, lines, removed) => {
    expect(removedNodeWarnings([nodes], lines) !== undefined).toBe(removed);
  });

  it('before the nodes are listed it reads them, and says nothing', () => {
    const l = log('opencost', 'opencost-47cfpwn6k-j2vqg', [gone]);
    expect(removedNodeWarnings([l], [gone])).toBeUndefined();
    expect(removedNodesAnalyzer.reads(ctx('opencost', [l]))).toEqual([{ tool: 'list_nodes', args: {} }]);
  });

  it('notes them as harmless', () => {
    const l = log('opencost', 'opencost-47cfpwn6k-j2vqg', [gone, gone]);
    const n = removedNodesAnalyzer.notes!(ctx('opencost', [l, nodes]));
    expect(n[0]).toContain(
      'about nodes the cluster no longer has (ip-10-1-26-73.eu-central-1.compute.internal',
    );
    expect(n[0]).toContain('nothing is wrong');
  });
});

describe('quoted-search: a phrase the person quoted, not in the tail of a cut log', () => {
  const quiet = observed('scan', { namespace: 'rtc' }, 'scan of namespace rtc: no problems found');
  const cut = log('rtc', 'coturn-87w4jgkc8j-l6v6s', [
    '[output cut: showing the last 8000 of 26374 characters; use tail]',
    'session 1: realm <turn.example> user <>: incoming packet ALLOCATE processed, error 401: Unauthorized',
  ]);
  const task =
    'its log shows "Bad configuration format: no-loopback-peers" at startup and "error 401: Unauthorized" lines. Is anything wrong?';

  it('searches only the phrase no read log holds', () => {
    expect(quotedSearchAnalyzer.reads(ctx('rtc', [cut, quiet], task))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'rtc',
          name: 'coturn-87w4jgkc8j-l6v6s',
          pattern: 'Bad configuration format: no-loopback-peers',
          context: 0,
          maxMatches: 3,
        },
      },
    ]);
  });

  it('not when the log was read whole', () => {
    const whole = log('rtc', 'coturn-87w4jgkc8j-l6v6s', ['started']);
    expect(quotedSearchAnalyzer.reads(ctx('rtc', [whole, quiet], task))).toEqual([]);
    // Nor where the scan found something: the answer is not an all-clear.
    expect(quotedSearchAnalyzer.reads(ctx('rtc', [cut], task))).toEqual([]);
  });
});
