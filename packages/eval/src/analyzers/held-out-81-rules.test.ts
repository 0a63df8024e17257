// Table tests of the general rules written after held-out set 81's first contact: each reads what the tools
// print; a product is named only where its own message is the signal.
import { describe, expect, it } from 'vitest';
import { droppedVariableAnalyzer } from './dropped-variable.js';
import { glossOf } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { productNamespaceAnalyzer } from './product-namespace.js';

describe('dropped-variable: a rollout removed the variable that carried a required setting', () => {
  const NS = 'iam';
  const replicaSet = (name: string, revision: number, env: string[]) =>
    observed(
      'describe_resource',
      { kind: 'ReplicaSet', name, namespace: NS },
      [
        `Name:         ${name}`,
        `Namespace:    ${NS}`,
        'Kind:         ReplicaSet (apps/v1)',
        `Annotations:  deployment.kubernetes.io/revision=${revision}`,
        'Spec:',
        '  template.spec.containers[0].name: kratos',
        `  template.spec.containers[0].image: oryd/kratos:v1.${revision + 1}.0`,
        ...env.map((l) => `  template.spec.containers[0].${l}`),
        'Events:  <none>',
      ].join('\n'),
    );
  const seen = (logLines: string[]) => [
    pods(NS, [['kratos-p6xs5rdwp8-vc222', '0/1', 'CrashLoopBackOff', '12', '58m']]),
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        ['kratos', '0/2', '2', '0', '90d'],
      ]),
    ),
    observed(
      'get_rollout_history',
      { namespace: NS, name: 'kratos' },
      table([
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', 'helm 0.48.0'],
        ['2 (current)', 'helm 0.50.1'],
      ]),
    ),
    observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        ['kratos-lk4pptn5tb', '0/0 ready', '2d'],
        ['kratos-p6xs5rdwp8', '0/2 ready', '60m'],
      ]),
    ),
    replicaSet('kratos-lk4pptn5tb', 1, [
      'env[0].name: DSN',
      'env[0].valueFrom.secretKeyRef.name: kratos',
      'env[0].valueFrom.secretKeyRef.key: dsn',
      'env[1].name: COURIER_SMTP_CONNECTION_URI',
      'env[1].valueFrom.secretKeyRef.name: kratos-courier',
      'env[1].valueFrom.secretKeyRef.key: smtp-uri',
    ]),
    replicaSet('kratos-p6xs5rdwp8', 2, [
      'env[0].name: DSN',
      'env[0].valueFrom.secretKeyRef.name: kratos',
      'env[0].valueFrom.secretKeyRef.key: dsn',
    ]),
    log(NS, 'kratos-p6xs5rdwp8-vc222', logLines, { previous: true }),
  ];

  it('names the variable the rollout removed and puts it back from the same Secret entry', () => {
    const [f] = droppedVariableAnalyzer.finds(
      ctx(
        NS,
        seen(['courier.smtp.connection_uri: <nil>', '    ^-- one or more required properties are missing']),
      ),
    );
    expect(f?.cause).toContain('removed the variable COURIER_SMTP_CONNECTION_URI');
    expect(f?.fix?.args['set']).toEqual([
      { name: 'COURIER_SMTP_CONNECTION_URI', secretKeyRef: { name: 'kratos-courier', key: 'smtp-uri' } },
    ]);
  });

  it('a log that does not say the setting is missing, or names another, is not it', () => {
    expect(
      droppedVariableAnalyzer.finds(ctx(NS, seen(['courier.smtp.connection_uri set to smtp://mail']))),
    ).toEqual([]);
    expect(droppedVariableAnalyzer.finds(ctx(NS, seen(['dsn: required property missing'])))).toEqual([]);
  });
});

describe('product-namespace: a product namespace the task names whole, the namespace read failing too', () => {
  const NS = 'ci';
  const task =
    'Our runners in namespace ci stopped registering; I suspect the vault-config-operator lost its Vault login.';
  const crashing = pods(NS, [['gh-runner-762rqjdjc-664w2', '0/1', 'CrashLoopBackOff', '9', '1d']]);
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['ci', 'Active', '9d'],
      ['vault-config-operator', 'Active', '9d'],
      ['vault', 'Active', '9d'],
    ]),
  );
  const operator = pods('vault-config-operator', [
    ['vault-config-operator-5d8f7c9b4-q2w4x', '1/1', 'Running', '0', '9d'],
  ]);
  const failing = log('vault-config-operator', 'vault-config-operator-5d8f7c9b4-q2w4x', [
    '{"level":"error","msg":"unable to read vault secret for ci/gh-runner-token","error":"… The permissions requested are not granted to this installation."}',
  ]);

  it('reads it and names its failure as the cause of what fails here', () => {
    expect(productNamespaceAnalyzer.reads(ctx(NS, [crashing, namespaces], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'vault-config-operator' } },
    ]);
    const [f] = productNamespaceAnalyzer.finds(ctx(NS, [crashing, namespaces, operator, failing], task));
    expect(f?.object).toBe('deployment vault-config-operator (namespace vault-config-operator)');
    expect(f?.weight).toBe(90);
    expect(f?.cause).toContain('What fails in ci follows from that');
  });

  it('a namespace named only as part of a longer word, or not at all, is not read while the namespace fails', () => {
    expect(
      productNamespaceAnalyzer.reads(
        ctx(NS, [crashing, namespaces], 'The vault-config-operator-v2 rollout broke ci.'),
      ),
    ).toEqual([]);
    expect(productNamespaceAnalyzer.reads(ctx(NS, [crashing, namespaces], 'Runners in ci fail.'))).toEqual(
      [],
    );
  });
});

describe('glosses written for set 81', () => {
  it("GitHub's refusal of an app installation token", () => {
    expect(
      glossOf('{"message":"The permissions requested are not granted to this installation."}')?.means,
    ).toContain('permissions');
  });
});
