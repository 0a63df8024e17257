// Table tests of the rules written after held-out set 21's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { controllerCrdAnalyzer } from './controller-crd.js';
import { etcdDiskAnalyzer } from './etcd-disk.js';
import { headlessPeersAnalyzer } from './headless-peers.js';
import { ingressProxyAnalyzer } from './ingress-proxy.js';
import { jvmSerialGcAnalyzer } from './jvm-serial-gc.js';
import { ctx, observed } from './observed.fixture.js';
import { volumeNodePinAnalyzer } from './volume-node-pin.js';

describe('jvm-serial-gc', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'pricing', name: 'quote-engine-vrz7sphrcw-78cz5' },
    '[0.006s][info][gc] Using Serial\nWARN JVM paused for 1840 ms\n',
  );
  const metrics = (limit: string) =>
    observed(
      'get_pod_metrics',
      { namespace: 'pricing' },
      `quote-engine-vrz7sphrcw-78cz5  restarts: 0\n  engine: cpu 1 / request 500m / limit ${limit} (100%); memory 980Mi / request 1Gi / limit 1536Mi (64%)\n`,
    );
  it.each([
    [
      'one CPU: SerialGC is why',
      '1',
      /Serial garbage collector .* CPU limit is 1,.* not count the machine as server-class/,
    ],
    ['two CPUs: not this', '2', undefined],
  ])('%s', (_name, limit, want) => {
    const [f] = jvmSerialGcAnalyzer.finds(ctx('pricing', [logs, metrics(limit)]));
    if (want) expect(f?.cause).toMatch(want);
    else expect(f).toBeUndefined();
  });
});

describe('etcd-disk', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'flags', name: 'flags-etcd-0' },
    '{"level":"warn","msg":"slow fdatasync","took":"1.842s","expected-duration":"1s"}\n{"level":"warn","msg":"apply request took too long","took":"1.621s"}\n',
  );
  const claim = observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'data-flags-etcd-0', namespace: 'flags' },
    'Annotations:  volume.kubernetes.io/storage-provisioner=filestore.csi.storage.gke.io\nSpec:\n  storageClassName: shared-nfs\n',
  );
  it('names the slow fsync and the claim of a network file store', () => {
    const [f] = etcdDiskAnalyzer.finds(ctx('flags', [logs, claim]));
    expect(f?.object).toBe('statefulset flags-etcd');
    expect(f?.cause).toMatch(
      /slow fdatasync.*StorageClass shared-nfs \(provisioner filestore\.csi\.storage\.gke\.io\)/,
    );
  });
  it('silent on an etcd that only logs compactions', () => {
    const quiet = observed(
      'get_pod_logs',
      logs.args,
      '{"level":"info","msg":"finished scheduled compaction"}',
    );
    expect(etcdDiskAnalyzer.finds(ctx('flags', [quiet]))).toEqual([]);
  });
});

describe('ingress-proxy: WebSockets and a throttled backend', () => {
  const ingress = (annotations = '<none>') =>
    observed(
      'describe_resource',
      { kind: 'Ingress', name: 'portal', namespace: 'portal' },
      `Name: portal\nAnnotations:  ${annotations}\nSpec:\n  ingressClassName: nginx\n  rules[0].http.paths[0].backend.service.name: user-directory\n  rules[0].http.paths[1].backend.service.name: portal-web\n`,
    );
  const metrics = (pct: number) =>
    observed(
      'get_pod_metrics',
      { namespace: 'portal' },
      `user-directory-ksszkpnj8-8677j  restarts: 0  oomKills: 0 known\n  api: cpu 500m / request 250m / limit 500m (${pct}%); memory 610Mi / request 512Mi / limit 1Gi (60%)\n`,
    );
  it.each([
    [
      'a 504 with the backend at its CPU limit',
      'signup calls return 504 Gateway Time-out',
      [metrics(100)],
      /deployment user-directory/,
      /CPU throttled: its container api uses 500m of its 500m CPU limit/,
    ],
    [
      'a 504 with the backend idle: the read timeout',
      'calls return 504',
      [metrics(20)],
      /ingress portal/,
      /proxy-read-timeout/,
    ],
    [
      'WebSockets cut: the read timeout on idle connections',
      'the screens show reconnecting every minute (websocket)',
      [],
      /ingress portal/,
      /WebSocket connections to user-directory, portal-web are closed .* 60 seconds by default/,
    ],
  ])('%s', (_name, task, extra, object, cause) => {
    const [f] = ingressProxyAnalyzer.finds(ctx('portal', [ingress(), ...extra], task));
    expect(f?.object).toMatch(object);
    expect(f?.cause).toMatch(cause);
  });
  it('WebSockets with a long read timeout set: not this', () => {
    const long = ingress('nginx.ingress.kubernetes.io/proxy-read-timeout=3600');
    expect(ingressProxyAnalyzer.finds(ctx('portal', [long], 'websocket reconnects'))).toEqual([]);
  });
  it('a 504 asks for the metrics of the namespace', () => {
    expect(ingressProxyAnalyzer.reads(ctx('portal', [], 'they return 504'))).toContainEqual({
      tool: 'get_pod_metrics',
      args: { namespace: 'portal' },
    });
  });
});

describe('headless-peers: peers named without the headless Service', () => {
  const service = observed(
    'describe_service',
    { name: 'zk-hs', namespace: 'coord' },
    'Name:              zk-hs\nIP:                None\nEndpoints:         <none>\nNotReadyEndpoints: 10.244.0.15:2888 (zk-0), 10.244.0.16:2888 (zk-1)\n',
  );
  const logs = observed(
    'get_pod_logs',
    { namespace: 'coord', name: 'zk-0' },
    'WARN Failed to resolve address: zk-1.coord.svc.cluster.local\njava.net.UnknownHostException: zk-1.coord.svc.cluster.local: Name or service not known\n',
  );
  const pod = observed(
    'describe_pod',
    { namespace: 'coord', name: 'zk-0' },
    'Name: zk-0\nVolumes:\n  config:\n    Type:     ConfigMap (a volume populated by a ConfigMap)\n    Name:     zk-config\n',
  );
  it('names the published form and the ConfigMap the peer list comes from', () => {
    const [f] = headlessPeersAnalyzer.finds(ctx('coord', [service, logs, pod]));
    expect(f?.cause).toMatch(
      /zk-1\.coord\.svc\.cluster\.local, a name DNS never publishes.*zk-1\.zk-hs\.coord\.svc\.cluster\.local.*ConfigMap zk-config/,
    );
  });
});

describe('volume-node-pin', () => {
  const pod = observed(
    'describe_pod',
    { namespace: 'ledger', name: 'ledger-kv-3' },
    "Name: ledger-kv-3\nVolumes:\n  data:\n    Type:       PersistentVolumeClaim\n    ClaimName:  data-ledger-kv-3\nEvents:\n  Warning  FailedScheduling  0/4 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 3 node(s) had volume node affinity conflict.\n",
  );
  const claim = observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'data-ledger-kv-3', namespace: 'ledger' },
    'Spec:\n  storageClassName: local-nvme\n  volumeName: local-pv-kv-node-1-nvme1\n',
  );
  const pv = observed(
    'describe_resource',
    { kind: 'PersistentVolume', name: 'local-pv-kv-node-1-nvme1' },
    'Spec:\n  nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key: kubernetes.io/hostname\n  nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]: kv-node-1\n',
  );
  const pods = observed(
    'list_pods',
    { namespace: 'ledger' },
    'NAME          READY   STATUS    RESTARTS   AGE   IP           NODE\nledger-kv-0   1/1     Running   0          9d    10.244.0.2   kv-node-1\nledger-kv-3   0/1     Pending   0          1h    <none>       <none>\n',
  );
  it.each([
    [
      'the claim first',
      [pod],
      {
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: 'data-ledger-kv-3', namespace: 'ledger' },
      },
    ],
    [
      'then its volume',
      [pod, claim],
      { tool: 'describe_resource', args: { kind: 'PersistentVolume', name: 'local-pv-kv-node-1-nvme1' } },
    ],
  ])('reads %s', (_name, seen, want) => {
    expect(volumeNodePinAnalyzer.reads(ctx('ledger', seen))).toEqual([want]);
  });
  it('the volume pins the pod to a node its anti-affinity forbids', () => {
    const [f] = volumeNodePinAnalyzer.finds(ctx('ledger', [pod, claim, pv, pods]));
    expect(f?.cause).toMatch(
      /pins it to node kv-node-1 .* ledger-kv-0 already runs on kv-node-1 .* podAntiAffinity/,
    );
  });
});

describe('controller-crd: an operator whose own kinds are not served', () => {
  const search = observed(
    'search_pod_logs',
    {
      namespace: 'cert-manager',
      name: 'cert-manager-xg5mqhnm4-6fgql',
      pattern: 'the server could not find the requested resource',
    },
    '120 line(s) match "the server could not find the requested resource" in the newest 123 line(s) read\n102:E1124 1 reflector.go:158] err="failed to list *v1.Challenge: the server could not find the requested resource (get challenges.acme.cert-manager.io)"\n',
  );
  it('names the missing CustomResourceDefinition from the log line, not the search header', () => {
    const [f] = controllerCrdAnalyzer.finds(ctx('docs', [search]));
    expect(f?.object).toBe('customresourcedefinition challenges.acme.cert-manager.io');
    expect(f?.cause).toMatch(
      /CustomResourceDefinition challenges\.acme\.cert-manager\.io is not installed.*creates no Challenge/,
    );
  });
  it.each([
    [
      'a certificate question lists cert-manager first',
      [],
      'the certificate is not Ready',
      [{ tool: 'list_pods', args: { namespace: 'cert-manager' } }],
    ],
    [
      'then searches its controller, not the webhook',
      [
        observed(
          'list_pods',
          { namespace: 'cert-manager' },
          'NAME                               READY   STATUS\ncert-manager-webhook-7d9c-x1x2x    1/1     Running\ncert-manager-xg5mqhnm4-6fgql       1/1     Running\n',
        ),
      ],
      'the certificate is not Ready',
      [
        {
          tool: 'search_pod_logs',
          args: {
            namespace: 'cert-manager',
            name: 'cert-manager-xg5mqhnm4-6fgql',
            pattern: 'the server could not find the requested resource',
          },
        },
      ],
    ],
    ['an unrelated question reads nothing', [], 'the api pods crash', []],
  ])('%s', (_name, seen, task, want) => {
    expect(controllerCrdAnalyzer.reads(ctx('docs', seen, task))).toEqual(want);
  });
});
