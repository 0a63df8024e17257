import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { netpolNamespaceNamesAnalyzer } from './netpol-ingress.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn();
const policy = (peers: string) =>
  obs(
    'describe_resource',
    `Name:         allow-clients\nNamespace:    risk\nKind:         NetworkPolicy (networking.k8s.io/v1)\nSpec:\n  podSelector.matchLabels.app: scorer\n  policyTypes[0]: Ingress\n${peers}\nEvents:  <none>`,
    { kind: 'NetworkPolicy', name: 'allow-clients', namespace: 'risk' },
  );
const ONLY_CHECKOUT =
  '  ingress[0].from[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: checkout';
const found = (name: string, ns: string) =>
  obs(
    'find_objects',
    `KIND         NAMESPACE   NAME           STATUS      AGE\nDeployment   ${ns}    ${name}   Available   9d`,
    {
      name,
    },
  );
const TASK = 'payments-api calls to scorer in namespace risk time out since 14:00; should we scale scorer?';
const run = (task: string, seen: SeenObservation[]) =>
  netpolNamespaceNamesAnalyzer.finds({
    task,
    ns: 'risk',
    hints: task.toLowerCase().match(/[a-z0-9][a-z0-9-]{2,}/g) ?? [],
    seen,
  });

describe('netpol-namespace-names: a named caller in a namespace the ingress policy does not list', () => {
  it('names the policy, the namespaces it admits and the caller left out', () => {
    const [f] = run(TASK, [policy(ONLY_CHECKOUT), found('payments-api', 'payments')]);
    expect(f?.object).toBe('networkpolicy allow-clients');
    expect(f?.cause).toMatch(
      /only allows ingress from namespace checkout .*payments-api runs in namespace payments, which is not allowed/,
    );
  });

  it('asks where the named callers run once such a policy is read', () => {
    const reads = netpolNamespaceNamesAnalyzer.reads({
      task: TASK,
      ns: 'risk',
      hints: ['payments-api', 'scorer', 'risk'],
      seen: [policy(ONLY_CHECKOUT)],
    });
    expect(reads).toContainEqual({ tool: 'find_objects', args: { name: 'payments-api' } });
  });

  it.each([
    [
      'the caller runs in an admitted namespace',
      [policy(ONLY_CHECKOUT), found('payments-api', 'checkout')],
      TASK,
    ],
    [
      'a peer admits every namespace',
      [policy('  ingress[0].from[0].namespaceSelector: {}'), found('payments-api', 'payments')],
      TASK,
    ],
    [
      'a peer selects namespaces by another label',
      [
        policy('  ingress[0].from[0].namespaceSelector.matchLabels.team: pay'),
        found('payments-api', 'payments'),
      ],
      TASK,
    ],
    [
      'the task speaks of no unreached traffic',
      [policy(ONLY_CHECKOUT), found('payments-api', 'payments')],
      'is payments-api healthy?',
    ],
    ['the caller is in the same namespace', [policy(ONLY_CHECKOUT), found('payments-api', 'risk')], TASK],
  ])('nothing when %s', (_, seen, task) => {
    expect(run(task, seen)).toEqual([]);
  });
});
