import { describe, expect, it } from 'vitest';
import { defaultCommandSidecarAnalyzer } from './default-command-sidecar.js';
import { deployToolLogsAnalyzer } from './deploy-tool-logs.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { publicUrlLocalhostAnalyzer } from './public-url-localhost.js';
import { unmountedVolumeAnalyzer } from './unmounted-volume.js';
import { notAllowed, valueNotAllowedAnalyzer } from './value-not-allowed.js';

// Rules written for set 96's misses after its first contact, each general, each with its table here; the worlds'
// answers are in held-out-answers.test.ts.

// --- public-url-localhost -----------------------------------------------------------------------------

const NS = 'experiments';
const appPod = (value: string) =>
  observed(
    'describe_pod',
    { namespace: NS, name: 'growthbook-6b9f8c7d5-x2abc' },
    [
      'Name:             growthbook-6b9f8c7d5-x2abc',
      `Namespace:        ${NS}`,
      'IP:               10.80.1.23',
      'Controlled By:    ReplicaSet/growthbook-6b9f8c7d5',
      'Containers:',
      '  growthbook:',
      '    Environment:',
      '      APP_ORIGIN:  https://growthbook.tools.corp.example',
      `      API_HOST:  ${value}`,
    ].join('\n'),
  );
const ingressList = observed(
  'list_resources',
  { kind: 'Ingress', namespace: NS },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['growthbook-api', '-', '3h'],
  ]),
);
const apiIngress = (port: number, tls = true) =>
  observed(
    'describe_resource',
    { kind: 'Ingress', name: 'growthbook-api', namespace: NS },
    [
      'Name:         growthbook-api',
      'Spec:',
      ...(tls ? ['  tls[0].hosts[0]: growthbook-api.tools.corp.example'] : []),
      '  rules[0].host: growthbook-api.tools.corp.example',
      '  rules[0].http.paths[0].backend.service.name: growthbook',
      `  rules[0].http.paths[0].backend.service.port.number: ${port}`,
    ].join('\n'),
  );
const service = (endpoints: string) =>
  observed(
    'describe_service',
    { namespace: NS, name: 'growthbook' },
    `Name:              growthbook\nPort:              api  3100/TCP\nTargetPort:        3100/TCP\nEndpoints:         ${endpoints}\n`,
  );
const template = (value: string) =>
  observed(
    'describe_deployment',
    { namespace: NS, name: 'growthbook' },
    `Name: growthbook\nPod Template:\n  Containers:\n   growthbook:\n    Environment:\n      API_HOST:  ${value}\n`,
  );
const TASK = 'everyone gets "Error connecting to the GrowthBook API"';

describe('public-url-localhost: a localhost URL handed to browsers for a published port', () => {
  it('reads the Ingresses, the Service behind the route, then the Deployment', () => {
    const seen = [appPod('http://localhost:3100')];
    expect(publicUrlLocalhostAnalyzer.reads(ctx(NS, seen, TASK))).toEqual([
      { tool: 'list_resources', args: { kind: 'Ingress', namespace: NS } },
    ]);
    seen.push(ingressList);
    expect(publicUrlLocalhostAnalyzer.reads(ctx(NS, seen, TASK))[0]!.args['name']).toBe('growthbook-api');
    seen.push(apiIngress(3100));
    expect(publicUrlLocalhostAnalyzer.reads(ctx(NS, seen, TASK))).toEqual([
      { tool: 'describe_service', args: { namespace: NS, name: 'growthbook' } },
    ]);
    seen.push(service('10.80.1.23:3000,10.80.1.23:3100'));
    expect(publicUrlLocalhostAnalyzer.reads(ctx(NS, seen, TASK))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'growthbook' } },
    ]);
  });

  it('sets the variable to the Ingress host, https when the Ingress has TLS for it', () => {
    const f = publicUrlLocalhostAnalyzer.finds(
      ctx(
        NS,
        [
          appPod('http://localhost:3100'),
          ingressList,
          apiIngress(3100),
          service('10.80.1.23:3100'),
          template('http://localhost:3100'),
        ],
        TASK,
      ),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.weight).toBeGreaterThan(90);
    expect(f[0]!.fix?.args['set']).toEqual([
      { name: 'API_HOST', value: 'https://growthbook-api.tools.corp.example' },
    ]);
    expect(f[0]!.cause).toContain("a browser resolves localhost to the user's own machine");
  });

  it.each([
    [
      'another port published',
      apiIngress(3000),
      service('10.80.1.23:3100'),
      template('http://localhost:3100'),
    ],
    [
      'the Service sends the port to other pods',
      apiIngress(3100),
      service('10.80.9.9:3100'),
      template('http://localhost:3100'),
    ],
    [
      'the template does not set it (set elsewhere)',
      apiIngress(3100),
      service('10.80.1.23:3100'),
      template('https://x.example'),
    ],
  ])('nothing when %s', (_, ingress, svc, tpl) => {
    expect(
      publicUrlLocalhostAnalyzer.finds(
        ctx(NS, [appPod('http://localhost:3100'), ingressList, ingress, svc, tpl], TASK),
      ),
    ).toEqual([]);
  });

  it('not for a value that is not a loopback URL', () => {
    expect(publicUrlLocalhostAnalyzer.reads(ctx(NS, [appPod('http://growthbook-api:3100')], TASK))).toEqual(
      [],
    );
  });
});

// --- default-command-sidecar --------------------------------------------------------------------------

const sidecarPod = (watcherCommand?: string, watcherImage = 'soketi/soketi:1.6-16-debian') =>
  observed(
    'describe_pod',
    { namespace: 'realtime', name: 'soketi-6b9f8c7d5-x2abc' },
    [
      'Name:             soketi-6b9f8c7d5-x2abc',
      'Controlled By:    ReplicaSet/soketi-6b9f8c7d5',
      'Containers:',
      '  soketi:',
      '    Image:          soketi/soketi:1.6-16-debian',
      '    Ports:          6001/TCP (websocket)',
      '  network-watcher:',
      `    Image:          ${watcherImage}`,
      ...(watcherCommand ? [`    Command:        ${watcherCommand}`] : []),
      '    State:          Running',
    ].join('\n'),
  );
const inUse = log(
  'realtime',
  'soketi-6b9f8c7d5-x2abc',
  ['Error: listen EADDRINUSE: address already in use 0.0.0.0:6001'],
  { container: 'soketi', previous: true },
);

describe('default-command-sidecar: a same-image container without its own command', () => {
  it('names the container, the image and the port', () => {
    const f = defaultCommandSidecarAnalyzer.finds(ctx('realtime', [inUse, sidecarPod()]));
    expect(f).toHaveLength(1);
    expect(f[0]!.object).toBe('deployment soketi');
    expect(f[0]!.cause).toContain(
      'container network-watcher of pod soketi-6b9f8c7d5-x2abc runs the same image',
    );
    expect(f[0]!.cause).toContain('binds port 6001 first');
  });

  it.each([
    ['the helper has its own command', sidecarPod('node /app/watcher.js')],
    ['the helper is another image', sidecarPod(undefined, 'bitnami/kubectl:1.30')],
  ])('nothing when %s', (_, pod) => {
    expect(defaultCommandSidecarAnalyzer.finds(ctx('realtime', [inUse, pod]))).toEqual([]);
  });
});

// --- value-not-allowed --------------------------------------------------------------------------------

describe('notAllowed: a refused value with the values accepted', () => {
  it.each([
    [
      'ArgumentError: Value for edition must be one of standard, bim but is classic',
      ['standard', 'bim'],
      'classic',
    ],
    ['invalid value "fast" for mode: must be one of safe, strict', ['safe', 'strict'], 'fast'],
    ['storage.driver must be one of [s3, gcs, local], got "minio"', ['s3', 'gcs', 'local'], 'minio'],
  ])('%s', (line, allowed, value) => {
    expect(notAllowed(line)).toMatchObject({ allowed, value });
  });

  it.each([
    ['the value is among the allowed ones', 'mode must be one of safe, strict but is safe'],
    ['a line that only lists choices', 'choose one of safe, strict'],
  ])('not when %s', (_, line) => {
    expect(notAllowed(line)).toBeUndefined();
  });

  it('bounded on a long list', () => {
    const bad = `must be one of ${'a,'.repeat(1900)} but is`;
    const ok = `must be one of ${'a '.repeat(1900)} but is`;
    expectBounded(
      () => notAllowed(bad),
      () => notAllowed(ok),
    );
  });
});

const opPod = observed(
  'describe_pod',
  { namespace: 'pm', name: 'openproject-6b9f8c7d5-x2abc' },
  [
    'Name:             openproject-6b9f8c7d5-x2abc',
    'Controlled By:    ReplicaSet/openproject-6b9f8c7d5',
    'Containers:',
    '  openproject:',
    '    Environment:',
    '      OPENPROJECT_EDITION:  classic',
    '      OPENPROJECT_HTTPS:  true',
  ].join('\n'),
);

describe('value-not-allowed: the variable set to the first value the program accepts', () => {
  it('sets OPENPROJECT_EDITION to standard', () => {
    const f = valueNotAllowedAnalyzer.finds(
      ctx('pm', [
        log(
          'pm',
          'openproject-6b9f8c7d5-x2abc',
          ['ArgumentError: Value for edition must be one of standard, bim but is classic'],
          {
            previous: true,
          },
        ),
        opPod,
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.fix?.args['set']).toEqual([{ name: 'OPENPROJECT_EDITION', value: 'standard' }]);
  });

  it('no variable holds the refused value: nothing', () => {
    expect(
      valueNotAllowedAnalyzer.finds(
        ctx('pm', [
          log('pm', 'openproject-6b9f8c7d5-x2abc', ['mode must be one of safe, strict but is fast'], {
            previous: true,
          }),
          opPod,
        ]),
      ),
    ).toEqual([]);
  });
});

// --- deploy-tool-logs: kubectl's refused apply ----------------------------------------------------------

const deployLog = (namespace = 'collab') =>
  log('collab', 'etherpad-deploy-4411-x7k2p', [
    'configmap/etherpad-settings unchanged',
    'Error from server (BadRequest): error when applying patch:',
    '{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"DB_HOST","value":"etherpad-postgres"},{"name":"DB_PORT","value":5432}],"image":"etherpad/etherpad:2.2.2","name":"etherpad"}]}}}}',
    'to:',
    'Resource: "apps/v1, Resource=deployments", GroupVersionKind: "apps/v1, Kind=Deployment"',
    `Name: "etherpad", Namespace: "${namespace}"`,
    'for: "rendered.yaml": error when patching "rendered.yaml": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
  ]);
const deployments = observed(
  'list_deployments',
  { namespace: 'collab' },
  table([
    ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    ['etherpad', '2/2', '2', '2', '12d'],
  ]),
);
const STILL = 'the pads still show 1.9.7 in the footer';

describe("deploy-tool-logs: kubectl's refused apply in a deploy Job of the namespace", () => {
  it('reads the failed deploy Job’s log', () => {
    const listed = observed(
      'list_pods',
      { namespace: 'collab' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['etherpad-deploy-4411-x7k2p', '0/1', 'Error', '0', '112m'],
        ['etherpad-f56kqbc6r8-fp2h8', '1/1', 'Running', '0', '12d'],
      ]),
    );
    expect(deployToolLogsAnalyzer.reads(ctx('collab', [listed], STILL))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'collab', name: 'etherpad-deploy-4411-x7k2p' } },
    ]);
  });

  it('names the variable whose value is a number, and says nothing was applied', () => {
    const f = deployToolLogsAnalyzer.finds(ctx('collab', [deployLog(), deployments], STILL));
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('the variable DB_PORT has the value 5432, unquoted');
    expect(f[0]!.cause).toContain('was never applied');
    expect(f[0]!.advice).toContain('quote DB_PORT');
  });

  it('an apply refused in another namespace is not this one’s', () => {
    expect(deployToolLogsAnalyzer.finds(ctx('collab', [deployLog('other'), deployments], STILL))).toEqual([]);
  });

  it('the gloss: an env value that is not a string', () => {
    expect(
      glossOf(
        'json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
      )?.means,
    ).toContain('quote the value');
  });
});

// --- unmounted-volume -----------------------------------------------------------------------------------

const ninjaPod = (mountPublic: boolean) =>
  observed(
    'describe_pod',
    { namespace: 'finance', name: 'invoiceninja-6b9f8c7d5-x2abc' },
    [
      'Name:             invoiceninja-6b9f8c7d5-x2abc',
      'Controlled By:    ReplicaSet/invoiceninja-6b9f8c7d5',
      'Containers:',
      '  app:',
      '    Mounts:',
      '      /var/www/html/storage from storage (rw)',
      ...(mountPublic ? ['      /var/www/html/public from public (rw)'] : []),
      '  nginx:',
      '    Mounts:',
      '      /etc/nginx/conf.d from nginx-conf (rw)',
      'Volumes:',
      '  storage:',
      '    Type:      PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
      '    ClaimName: invoiceninja-storage',
      '  public:',
      "    Type:      EmptyDir (a temporary directory that shares a pod's lifetime)",
      '  nginx-conf:',
      '    Type:     ConfigMap (a volume populated by a ConfigMap)',
      '    Name:     invoiceninja-nginx',
    ].join('\n'),
  );
const mvLog = (line: string) =>
  log('finance', 'invoiceninja-6b9f8c7d5-x2abc', ['Updating public folder…', line], {
    container: 'app',
    previous: true,
  });

describe('unmounted-volume: a directory the script needs, declared as a volume nobody mounts', () => {
  it.each([
    ['mv: target ‘/var/www/html/public/’: No such file or directory'],
    ["cp: target '/var/www/html/public' is not a directory"],
  ])('%s', (line) => {
    const f = unmountedVolumeAnalyzer.finds(ctx('finance', [mvLog(line), ninjaPod(false)]));
    expect(f).toHaveLength(1);
    expect(f[0]!.object).toBe('deployment invoiceninja');
    expect(f[0]!.advice).toContain('mount the volume public at /var/www/html/public in app');
  });

  it('nothing when the volume is mounted', () => {
    expect(
      unmountedVolumeAnalyzer.finds(
        ctx('finance', [
          mvLog('mv: target ‘/var/www/html/public/’: No such file or directory'),
          ninjaPod(true),
        ]),
      ),
    ).toEqual([]);
  });

  it('nothing for a target no declared volume is named like', () => {
    expect(
      unmountedVolumeAnalyzer.finds(
        ctx('finance', [mvLog('mv: target ‘/srv/uploads/’: No such file or directory'), ninjaPod(false)]),
      ),
    ).toEqual([]);
  });
});
