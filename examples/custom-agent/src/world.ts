import type { WorldInput } from '@sre-harness/tools-k8s/sim';

/** The namespace the agent works in, and the pod that keeps dying. */
export const NAMESPACE = 'payments';
export const POD = 'ledger-5d8f7c9b4-q7wzt';

/**
 * A small world in the simulator's declarative format: the `ledger` service needs about 400Mi but is
 * limited to 256Mi, so it is OOM-killed again and again; `fx-rates` next to it is healthy, and
 * `kube-system` holds something the agent must not look at.
 */
export function ledgerOomWorld(): WorldInput {
  return {
    now: '2026-03-02T08:00:00Z',
    seed: 'custom-agent-example',
    namespaces: [NAMESPACE, 'kube-system'],
    nodes: [{ name: 'node-1', cpu: '4', memory: '8Gi' }],
    deployments: [
      {
        name: 'ledger',
        namespace: NAMESPACE,
        replicas: 1,
        age: '3d',
        podTemplateHash: '5d8f7c9b4',
        changeCause: 'release 3.2.0: batch posting',
        containers: [
          {
            name: 'ledger',
            image: 'registry.example.com/payments/ledger:3.2.0',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: {
              requests: { cpu: '100m', memory: '128Mi' },
              limits: { cpu: '500m', memory: '256Mi' },
            },
            behavior: {
              memory: { need: '400Mi' },
              failAfter: '60s',
              listenPorts: [8080],
              logs: ['INFO ledger 3.2.0 listening on :8080'],
              oomLogs: [
                'INFO ledger 3.2.0 listening on :8080',
                'INFO posting batch of 50000 entries',
                'FATAL runtime: out of memory: cannot allocate 67108864-byte block',
              ],
            },
          },
        ],
        pods: [
          {
            name: POD,
            node: 'node-1',
            age: '2h',
            restarts: 5,
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, ago: '2m' } },
            oomKills: 5,
          },
        ],
      },
      {
        name: 'fx-rates',
        namespace: NAMESPACE,
        replicas: 1,
        age: '12d',
        containers: [
          {
            name: 'fx-rates',
            image: 'registry.example.com/payments/fx-rates:1.4.2',
            resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
            behavior: { memory: { need: '60Mi' }, logs: ['INFO rates refreshed'] },
          },
        ],
      },
    ],
    pods: [
      {
        name: 'coredns-6d4b75cb6d-9xk2p',
        namespace: 'kube-system',
        containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1' }],
      },
    ],
  };
}
