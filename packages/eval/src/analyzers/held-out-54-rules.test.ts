// Table tests of the general rules written after held-out set 54's first contact (each reads what the
// tools print; none names a product of the set).
import { describe, expect, it } from 'vitest';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { rolloutDiffAnalyzer } from './rollout-diff.js';

describe('rollout-diff: a container that left the pod template (or joined it)', () => {
  const NS = 'edge';
  const DEP = 'chat-api';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const POD = `${NEW}-rh255`;
  const rs = (name: string, revision: number, template: string[]) =>
    observed(
      'describe_resource',
      { kind: 'ReplicaSet', namespace: NS, name },
      [
        `Name:         ${name}`,
        `Namespace:    ${NS}`,
        'Kind:         ReplicaSet (apps/v1)',
        `Annotations:  deployment.kubernetes.io/revision=${revision}`,
        'Spec:',
        ...template.map((l) => `  template.spec.${l}`),
        '  template.spec.restartPolicy: Always',
        'Events:  <none>',
      ].join('\n'),
    );
  const app = ['containers[0].name: app', 'containers[0].image: acme/chat-api:3.2.0'];
  const proxy = (i: number) => [
    `containers[${i}].name: cache-proxy`,
    `containers[${i}].image: acme/cache-proxy:1.0.4`,
    `containers[${i}].resources.limits.memory: 128Mi`,
  ];
  const seenWith = (before: string[], after: string[]) => [
    pods(NS, [[POD, '1/2', 'CrashLoopBackOff', '27 (2m ago)', '3h']]),
    log(NS, POD, ['fatal: cannot reach the cache proxy on 127.0.0.1:6380']),
    observed(
      'describe_deployment',
      { namespace: NS, name: DEP },
      `Name:  ${DEP}\nNamespace:  ${NS}\nAnnotations:  deployment.kubernetes.io/revision=2\n                        kubernetes.io/change-cause=tidy the manifest`,
    ),
    observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        [OLD, '0/0 ready', '9d'],
        [NEW, '0/1 ready', '3h'],
      ]),
    ),
    rs(OLD, 1, before),
    rs(NEW, 2, after),
  ];

  it('says the container was removed, with its image, instead of listing its fields unset', () => {
    const [note] = rolloutDiffAnalyzer.notes!(ctx(NS, seenWith([...app, ...proxy(1)], app)));
    expect(note).toContain(
      'the cache-proxy container (image "acme/cache-proxy:1.0.4") was removed from the pod template',
    );
    expect(note).not.toMatch(/-> unset/);
  });

  it('says a container was added, and lists the fields of one that stayed', () => {
    const [added] = rolloutDiffAnalyzer.notes!(ctx(NS, seenWith(app, [...app, ...proxy(1)])));
    expect(added).toContain(
      'the cache-proxy container (image "acme/cache-proxy:1.0.4") was added to the pod template',
    );
    const bumped = ['containers[0].name: app', 'containers[0].image: acme/chat-api:3.3.0'];
    const [changed] = rolloutDiffAnalyzer.notes!(ctx(NS, seenWith(app, bumped)));
    expect(changed).toMatch(/container app: image "acme\/chat-api:3\.2\.0" -> "acme\/chat-api:3\.3\.0"/);
  });
});
