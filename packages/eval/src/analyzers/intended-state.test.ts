import { describe, expect, it } from 'vitest';
import { intendedStateAnalyzer } from './intended-state.js';
import { observed } from './observed.fixture.js';

const deployment = (replicas: string, annotations: string, progressing: string) =>
  observed(
    'describe_deployment',
    { namespace: 'billing', name: 'invoice-api' },
    `Name:                   invoice-api
Namespace:              billing
Annotations:            ${annotations}
                        deployment.kubernetes.io/revision=1
Replicas:               ${replicas}
Pod Template:
  Containers:
    api:
      Image:          billing/invoice-api:5.3.0
Conditions:
  Type          Status    Reason                     Message
  ${progressing}
Rollout History:
  REVISION      CHANGE-CAUSE                                   IMAGES
  1 (current)   CI deploy invoice-api 5.2.4 (pipeline 87940)   api=billing/invoice-api:5.2.4
`,
  );
const notes = (...seen: ReturnType<typeof observed>[]) =>
  intendedStateAnalyzer.notes?.({ task: '', ns: 'billing', hints: [], seen }) ?? [];

describe('intended states', () => {
  it.each([
    [
      'a paused rollout with a freeze annotation',
      deployment(
        '3 desired | 0 updated | 3 total | 3 available | 0 unavailable',
        'change-freeze.example.com/reason=month-end close FIN-CAB-112',
        'Progressing   Unknown   DeploymentPaused           Deployment is paused',
      ),
      [
        /is paused/,
        /billing\/invoice-api:5\.3\.0/,
        /keep running the current revision \(billing\/invoice-api:5\.2\.4\)/,
        /FIN-CAB-112/,
        /nothing needs fixing/,
      ],
    ],
    [
      'a paused rollout nobody explained',
      deployment(
        '3 desired | 0 updated | 3 total | 3 available | 0 unavailable',
        'team=billing',
        'Progressing   Unknown   DeploymentPaused   Deployment is paused',
      ),
      [/is paused/, /If the pause was not meant, resume it/],
    ],
    [
      'held at zero for a maintenance window',
      deployment(
        '0 desired | 0 updated | 0 total | 0 available | 0 unavailable',
        'ops.example.com/scaled-to-zero=db maintenance 13:00-16:00 UTC',
        'Progressing   True   NewReplicaSetAvailable   x',
      ),
      [/scaled to 0 replicas on purpose/, /db maintenance 13:00-16:00 UTC/, /Do not scale it back up/],
    ],
    [
      'at zero with no word of why: no note',
      deployment(
        '0 desired | 0 updated | 0 total | 0 available | 0 unavailable',
        'team=billing',
        'Progressing   True   NewReplicaSetAvailable   x',
      ),
      [],
    ],
  ])('%s', (_name, seen, want) => {
    const text = notes(seen).join('\n');
    if (want.length === 0) expect(text).toBe('');
    for (const w of want) expect(text).toMatch(w);
  });

  it('a StatefulSet back in order after a restart, and a preempted pod', () => {
    const sts = observed(
      'describe_resource',
      { kind: 'StatefulSet', name: 'catalog-search', namespace: 'search' },
      `Name:         catalog-search
Spec:
  replicas: 3
Status:
  replicas: 3
  readyReplicas: 3
Events:
  Type     Reason             Age   From                     Message
  Normal   SuccessfulCreate   27m   statefulset-controller   create Pod catalog-search-2 in StatefulSet catalog-search successful
  Normal   SuccessfulCreate   34m   statefulset-controller   create Pod catalog-search-0 in StatefulSet catalog-search successful
`,
    );
    const preempted = observed(
      'describe_pod',
      { namespace: 'ci', name: 'build-7kq2x' },
      'Name: build-7kq2x\nStatus:           Failed (Error)\nReason:           Preempted\nMessage:          Preempted by pod settle-qzt9c (priority 100000, class business-critical) on node n2\n',
    );
    const text = notes(sts, preempted).join('\n');
    expect(text).toMatch(/OrderedReady .* one at a time, in order .* created 34m, 27m ago/);
    expect(text).toMatch(/build-7kq2x was preempted: .*class business-critical/);
    const parallel = observed(
      'describe_resource',
      sts.args,
      sts.content.replace('  replicas: 3\nStatus', '  replicas: 3\n  podManagementPolicy: Parallel\nStatus'),
    );
    expect(notes(parallel).join('')).toBe('');
  });

  it('reads the description of a failed pod nobody described', () => {
    const list = observed(
      'list_pods',
      { namespace: 'ci' },
      'NAME          READY   STATUS      RESTARTS   AGE\nbuild-7kq2x   0/1     Error       0          6h\nbuild-w8d4m   0/1     Completed   0          6h\n',
    );
    expect(intendedStateAnalyzer.reads({ task: '', ns: 'ci', hints: [], seen: [list] })).toEqual([
      { tool: 'describe_pod', args: { namespace: 'ci', name: 'build-7kq2x' } },
    ]);
  });
});
