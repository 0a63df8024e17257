import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';
import { apiserverSanAnalyzer } from './apiserver-san.js';
import { controllerCrdAnalyzer } from './controller-crd.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { requestsUnderUsageAnalyzer } from './requests-under-usage.js';

// Review of set 103's rules (apiserver-san, requests-under-usage, controller-crd's siblingRelease and
// `installed` wording, image-pull's full-disk branch, config-values' credentialPart), on inputs made up
// for the review. The review found 24 bugs, each marked "Found in review, fixed:" above the test that states the
// correct behaviour; all are fixed.

// --- apiserver-san ------------------------------------------------------------------------------------------

describe('review: apiserver-san', () => {
  const NS = 'ci';
  const refusal = 'x509: certificate is valid for 10.96.0.1, 10.40.0.11, 127.0.0.1, not 10.40.0.50';
  const kubeconfig = (lines: string[]) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'deploy-kubeconfig' },
      ['Name:         deploy-kubeconfig', 'Data', '====', 'kubeconfig:', '----', ...lines].join('\n'),
    );
  const kubeadm = (lines: string[]) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' },
      ['Name:         kubeadm-config', 'Data', '====', 'ClusterConfiguration:', '----', ...lines].join('\n'),
    );

  it("reads the refusal from a JSON log line (Go 1.20's tls: failed to verify certificate wrapping)", () => {
    const l = log(NS, 'deployer-7c9d8f6b5-abcde', [
      `{"level":"error","ts":1718000000.1,"msg":"apply failed","error":"Get \\"https://10.40.0.50:6443/api?timeout=32s\\": tls: failed to verify certificate: ${refusal}"}`,
    ]);
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [l], 'deploys fail'));
    expect(f?.cause).toContain('does not include 10.40.0.50 among its subject alternative names');
    expect(f?.advice).toMatch(/^add 10\.40\.0\.50 to the API server's certSANs/);
  });

  // Found in review, fixed: a sentence's full stop after the pasted error is taken into the address ("10.40.0.50."), so the cause, the advice and the kubeconfig lookup all name an address that does not exist.
  it('takes the dialled address without the full stop that ends the sentence', () => {
    const t = `the deploy stage fails with ${refusal}. kubectl from my laptop works.`;
    const [f] = apiserverSanAnalyzer.finds(
      ctx(NS, [kubeconfig(['clusters:', '- cluster:', '    server: https://10.40.0.50:6443'])], t),
    );
    expect(f?.cause).toContain('does not include 10.40.0.50 among');
    expect(f?.advice).toMatch(/^add 10\.40\.0\.50 to/);
    expect(f?.object).toBe('configmap deploy-kubeconfig');
  });

  // Found in review, fixed: any certificate that lists 10.0.0.1 (a plain host address in many private networks) is taken for the API server's, so a database client's TLS name mismatch is diagnosed as kube-apiserver certSANs.
  it("does not call a database server's certificate on 10.0.0.1 the API server's", () => {
    const l = log(NS, 'payments-7c9d8f6b5-abcde', [
      'FATAL failed to connect to `host=10.0.0.5 user=payments database=payments`: tls error: tls: failed to verify certificate: x509: certificate is valid for 10.0.0.1, not 10.0.0.5',
    ]);
    expect(apiserverSanAnalyzer.finds(ctx(NS, [l], 'payments cannot reach its database'))).toEqual([]);
  });

  // Found in review, fixed: the API server's certificate of a cluster on another common service range (kubespray's 10.233.0.1, MicroK8s' 10.152.183.1) is not recognised, so the same fault goes undiagnosed there.
  it("recognises the API server's certificate on kubespray's service range (10.233.0.1)", () => {
    const t =
      'Unable to connect to the server: x509: certificate is valid for 10.233.0.1, 192.168.10.11, 127.0.0.1, not 192.168.10.100';
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [], t));
    expect(f?.cause).toContain('does not include 192.168.10.100 among its subject alternative names');
  });

  // Found in review, fixed: only the first `server:` of a kubeconfig is read, so a kubeconfig with a staging and a prod cluster whose second entry dials the missing address is not named as what points clients there.
  it('finds the address in the second cluster of a multi-cluster kubeconfig', () => {
    const cm = kubeconfig([
      'clusters:',
      '- name: staging',
      '  cluster:',
      '    server: https://10.30.0.5:6443',
      '- name: prod',
      '  cluster:',
      '    server: https://10.40.0.50:6443',
    ]);
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [cm], `deploy to prod fails: ${refusal}`));
    expect(f?.object).toBe('configmap deploy-kubeconfig');
    expect(f?.cause).toContain('points its clients at https://10.40.0.50:6443');
  });

  // Found in review, fixed: certSANs written in YAML flow style (`certSANs: [127.0.0.1, 10.40.0.11]`) are read as an empty list, and the cause says kubeadm-config's certSANs "list nothing".
  it('reads certSANs written in flow style instead of saying they list nothing', () => {
    const cfg = kubeadm(['apiServer:', '  certSANs: ["127.0.0.1", "10.40.0.11"]', '  extraArgs: {}']);
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [cfg], `deploy fails: ${refusal}`));
    expect(f?.cause).not.toContain('list nothing');
    expect(f?.cause).toMatch(/certSANs list "?127\.0\.0\.1"?, "?10\.40\.0\.11/);
  });

  // Found in review, fixed: when kubeadm-config's certSANs already list the dialled address, the advice still says to add it: the fault then is a certificate not regenerated after the edit, which the advice should say.
  it('does not tell to add an address certSANs already list', () => {
    const cfg = kubeadm(['apiServer:', '  certSANs:', '  - 127.0.0.1', '  - 10.40.0.11', '  - 10.40.0.50']);
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [cfg], `deploy fails: ${refusal}`));
    expect(f?.advice).not.toMatch(/^add 10\.40\.0\.50 to the API server's certSANs/);
    expect(f?.advice).toMatch(/regenerate/);
  });

  // Found in review, fixed: the cause asserts the certificate "is trusted" and that "kubectl inside a pod succeeds" with no evidence of either; Go checks the host name before it builds the chain (crypto/x509 Verify), so a name mismatch says nothing about trust.
  it('does not assert trust or a working in-pod kubectl the evidence does not show', () => {
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [], `deploy fails: ${refusal}`));
    expect(f).toBeDefined();
    expect(f?.cause).not.toMatch(/certificate is trusted|kubectl inside a pod succeeds/);
  });

  // Found in review, fixed: any kube-system pod named haproxy-* (an haproxy-ingress controller) is reported as the virtual IP in front of the API server.
  it('does not call an haproxy ingress controller the virtual IP in front of the API server', () => {
    const system = pods('kube-system', [
      ['haproxy-ingress-6b7f9c8d5-x2k4p', '1/1', 'Running', '0', '30d'],
      ['kube-apiserver-cp-1', '1/1', 'Running', '0', '400d'],
    ]);
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [system], `deploy fails: ${refusal}`));
    expect(f?.cause).not.toContain('haproxy-ingress');
  });

  it('survives non-string arguments and empty outputs', () => {
    const odd = [
      observed('get_pod_logs', { namespace: NS, name: 42 }, `${refusal}\n`),
      observed('describe_resource', { kind: 7, name: null }, ''),
      observed('list_pods', { namespace: 'kube-system' }, ''),
      observed('list_resources', { kind: 'ConfigMap', namespace: NS }, 'NAME DATA AGE'),
    ];
    expect(() => apiserverSanAnalyzer.reads(ctx(NS, odd, ''))).not.toThrow();
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, odd, ''));
    expect(f?.cause).toContain('10.40.0.50');
  });

  it('costs about as much on many near-miss refusals as on plain lines of the same size', () => {
    // Each line restarts the lazy SAN list many times and never reaches ", not <address>".
    const near = `x509: certificate is valid for ${'a, '.repeat(10)}`.repeat(100).slice(0, 3990);
    const plain = 'x'.repeat(near.length);
    const many = (s: string) => Array.from({ length: 50 }, () => s);
    const server = (s: string) =>
      observed(
        'describe_resource',
        { kind: 'ConfigMap', namespace: NS, name: 'k' },
        many(`  server: https://${s.slice(0, 200)}x`).join('\n'),
      );
    expectBounded(
      () =>
        apiserverSanAnalyzer.finds(ctx(NS, [log(NS, 'p-7c9d8f6b5-abcde', many(near)), server(near)], near)),
      () =>
        apiserverSanAnalyzer.finds(
          ctx(NS, [log(NS, 'p-7c9d8f6b5-abcde', many(plain)), server(plain)], plain),
        ),
    );
  });
});

// --- requests-under-usage ------------------------------------------------------------------------------------

describe('review: requests-under-usage', () => {
  const NS = 'media';
  const task =
    'pool-b-2 is at 98% CPU, yet the descheduler (LowNodeUtilization) calls it underutilized. Why?';
  const metrics = (blocks: string[][]) =>
    observed('get_pod_metrics', { namespace: NS }, blocks.flat().join('\n'));
  const block = (pod: string, lines: string[]) => [`${pod}  restarts: 0  oomKills: 0 known`, ...lines];
  const listed = (rows: string[][]) =>
    observed(
      'list_pods',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'],
        ...rows.map((r) => [r[0]!, '1/1', 'Running', '0', '2d', r[1]!]),
      ]),
    );

  it("names the sidecar container that uses many times its request, not the pod's first container", () => {
    const m = metrics([
      block('thumbnailer-t2rhddmsq4-kcpfl', [
        '  app: cpu 90m / request 100m / no limit; memory 100Mi / request 128Mi / no limit',
        '  encoder: cpu 2 / request 0.1 / no limit; memory 300Mi / request 128Mi / no limit',
      ]),
    ]);
    const [f] = requestsUnderUsageAnalyzer.finds(ctx(NS, [m], task));
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'thumbnailer',
      container: 'encoder',
      requests: { cpu: '2000m' },
    });
  });

  // Found in review, fixed: the Deployment with the largest gap anywhere in the namespace is chosen even when it runs on another node and a Deployment on the node the person names (pool-b-2) is the one that packs it.
  it('chooses the Deployment on the node the person names over a larger gap on another node', () => {
    const m = metrics([
      block('batch-t2rhddmsq4-aaaaa', ['  batch: cpu 3000m / request 200m / no limit']),
      block('thumbnailer-t2rhddmsq4-kcpfl', ['  thumbnailer: cpu 1250m / request 100m / no limit']),
    ]);
    const l = listed([
      ['batch-t2rhddmsq4-aaaaa', 'pool-a-1'],
      ['thumbnailer-t2rhddmsq4-kcpfl', 'pool-b-2'],
    ]);
    const [f] = requestsUnderUsageAnalyzer.finds(ctx(NS, [m, l], task));
    expect(f?.object).toBe('deployment thumbnailer');
  });

  // Found in review, fixed: the cause says "(2 pods on pool-b-2)" when only one of the two pods runs there: every pod of the Deployment is counted on the named node.
  it('counts on the named node only the pods that run there', () => {
    const m = metrics([
      block('thumbnailer-t2rhddmsq4-kcpfl', ['  thumbnailer: cpu 1250m / request 100m / no limit']),
      block('thumbnailer-t2rhddmsq4-nmjp4', ['  thumbnailer: cpu 1240m / request 100m / no limit']),
    ]);
    const l = listed([
      ['thumbnailer-t2rhddmsq4-kcpfl', 'pool-b-2'],
      ['thumbnailer-t2rhddmsq4-nmjp4', 'pool-a-1'],
    ]);
    const [f] = requestsUnderUsageAnalyzer.finds(ctx(NS, [m, l], task));
    expect(f?.cause).not.toContain('2 pods on pool-b-2');
  });

  // Found in review, fixed: the new request is the usage rounded up to 100m with no look at the container's CPU limit, so it can exceed the limit (1300m over a 1250m limit), which the API server refuses (requests must not exceed limits).
  it("never proposes a CPU request above the container's CPU limit", () => {
    const m = metrics([
      block('thumbnailer-t2rhddmsq4-kcpfl', [
        '  thumbnailer: cpu 1210m / request 100m / limit 1250m (97%); memory 600Mi / request 256Mi / limit 1Gi (60%)',
      ]),
    ]);
    const [f] = requestsUnderUsageAnalyzer.finds(ctx(NS, [m], task));
    const cpu = String((f?.fix?.args as { requests: { cpu: string } } | undefined)?.requests.cpu ?? '');
    expect(f).toBeDefined();
    expect(Number.parseInt(cpu, 10)).toBeLessThanOrEqual(1250);
  });

  // Found in review, fixed: any task naming the descheduler counts as a packing question, so a PodLifeTime eviction question gets a requests-versus-usage root cause at weight 93.
  it('stays quiet when the descheduler question is about a strategy that ignores utilization (PodLifeTime)', () => {
    const m = metrics([
      block('thumbnailer-t2rhddmsq4-kcpfl', ['  thumbnailer: cpu 1250m / request 100m / no limit']),
    ]);
    const t =
      'the descheduler evicts our report pods every few hours; we configured PodLifeTime with maxPodLifeTimeSeconds 86400. Why so early?';
    expect(requestsUnderUsageAnalyzer.finds(ctx(NS, [m], t))).toEqual([]);
  });

  it('survives an empty metrics output, a pod list without a NODE column and a usage line before any pod', () => {
    const seen = [
      observed('get_pod_metrics', { namespace: NS }, ''),
      observed('get_pod_metrics', { namespace: NS }, '  thumbnailer: cpu 1250m / request 100m / no limit'),
      observed('list_pods', { namespace: NS }, 'NAME   READY\nthumbnailer-t2rhddmsq4-kcpfl   1/1'),
    ];
    expect(requestsUnderUsageAnalyzer.finds(ctx(NS, seen, task))).toEqual([]);
  });

  it('costs about as much when every pod runs on its own node as when they share one', () => {
    const n = 1000;
    const pods = Array.from({ length: n }, (_, i) =>
      `thumbnailer-t2rhddmsq4-${String(i).padStart(5, 'a')}`.slice(0, 28),
    );
    const m = metrics(pods.map((p) => block(p, ['  thumbnailer: cpu 1250m / request 100m / no limit'])));
    const longTask = `${task} ${'pool-b-2x '.repeat(380)}`;
    expectBounded(
      () =>
        requestsUnderUsageAnalyzer.finds(
          ctx(NS, [m, listed(pods.map((p, i) => [p, `node-${i}`]))], longTask),
        ),
      () => requestsUnderUsageAnalyzer.finds(ctx(NS, [m, listed(pods.map((p) => [p, 'node-0']))], longTask)),
    );
  });
});

// --- controller-crd: siblingRelease and the installed wording -----------------------------------------------

describe('review: controller-crd', () => {
  const NS = 'argo';
  const POD = 'workflow-controller-5d8f9c7b6-vjmgj';
  const failing = log(NS, POD, [
    'E0310 15:02:42.918233 1 reflector.go:205] Failed to list *v1alpha1.Workflow: the server could not find the requested resource (get workflows.argoproj.io)',
  ]);
  const described = (image: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'workflow-controller' })
        .replace('registry.example.com/app:1.0.0', image)
        .replace(
          'Status:           Running',
          'Status:           Running\nControlled By:    ReplicaSet/workflow-controller-5d8f9c7b6',
        ),
    );
  const deployments = (controller: string, ...others: [string, string][]) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ...others.map(([n, i]) => [n, '1/1', '1', '1', '23h', i]),
        ['workflow-controller', '1/1', '1', '1', '23h', controller],
      ]),
    );

  it("keeps the registry host and port of the controller image when it takes the siblings' tag", () => {
    const img = 'registry.local:5000/argoproj/workflow-controller:v1.1.0';
    const [f] = controllerCrdAnalyzer.finds(
      ctx(NS, [
        failing,
        described(img),
        deployments(img, ['argo-server', 'registry.local:5000/argoproj/argocli:v2.4.3']),
      ]),
    );
    expect(f?.fix?.args).toMatchObject({ image: 'registry.local:5000/argoproj/workflow-controller:v2.4.3' });
  });

  it('proposes no image for a controller pinned by digest or when the siblings disagree', () => {
    const pinned = 'argoproj/workflow-controller@sha256:' + 'a'.repeat(64);
    const [a] = controllerCrdAnalyzer.finds(
      ctx(NS, [failing, described(pinned), deployments(pinned, ['argo-server', 'argoproj/argocli:v2.4.3'])]),
    );
    expect(a?.fix).toBeUndefined();
    const img = 'argoproj/workflow-controller:v1.1.0';
    const [b] = controllerCrdAnalyzer.finds(
      ctx(NS, [
        failing,
        described(img),
        deployments(img, ['argo-server', 'argoproj/argocli:v2.4.3'], ['argo-ui', 'argoproj/argoui:v2.5.0']),
      ]),
    );
    expect(b?.fix).toBeUndefined();
  });

  it('ignores siblings listed in another namespace', () => {
    const img = 'argoproj/workflow-controller:v1.1.0';
    const other = observed(
      'list_deployments',
      { namespace: 'argo-staging' },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['argo-server', '1/1', '1', '1', '1d', 'argoproj/argocli:v2.4.3'],
      ]),
    );
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, described(img), other]));
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: siblingRelease never checks that the siblings' tag is newer, so a controller already ahead of its install (v2.4.3 beside v1.1.0) gets a set_image downgrade.
  it('never proposes to downgrade a controller that is newer than its siblings', () => {
    const img = 'argoproj/workflow-controller:v2.4.3';
    const [f] = controllerCrdAnalyzer.finds(
      ctx(NS, [failing, described(img), deployments(img, ['argo-server', 'argoproj/argocli:v1.1.0'])]),
    );
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: the tags are compared as strings, so a controller at v2.4.3 beside siblings at 2.4.3 (the same release, spelled without the v) gets a set_image to a retag of its own release.
  it('treats v2.4.3 and 2.4.3 as the same release', () => {
    const img = 'argoproj/workflow-controller:v2.4.3';
    const [f] = controllerCrdAnalyzer.finds(
      ctx(NS, [failing, described(img), deployments(img, ['argo-server', 'argoproj/argocli:2.4.3'])]),
    );
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: with the set_image fix proposed, the advice still says to install the CRDs of the release that runs and that "nothing else needs to change", contradicting the fix that upgrades the controller.
  it('gives advice that agrees with the set_image fix it proposes', () => {
    const img = 'argoproj/workflow-controller:v1.1.0';
    const [f] = controllerCrdAnalyzer.finds(
      ctx(NS, [failing, described(img), deployments(img, ['argo-server', 'argoproj/argocli:v2.4.3'])]),
    );
    expect(f?.fix?.tool).toBe('set_image');
    expect(f?.advice).not.toContain('nothing else needs to change');
    expect(f?.advice).toContain('argoproj/workflow-controller:v2.4.3');
  });

  it('says installed when a find_objects row shows the CRD', () => {
    const found = observed(
      'find_objects',
      { name: 'workflows' },
      table([
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
        ['CustomResourceDefinition', '-', 'workflows.argoproj.io', '-', '24h'],
      ]),
    );
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, found]));
    expect(f?.cause).toContain('is installed, but not in the API version this controller lists');
  });

  it('does not say installed for an object of another kind that shares the name', () => {
    const found = observed(
      'find_objects',
      { name: 'workflows' },
      table([
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
        ['ConfigMap', 'argo', 'workflows.argoproj.io', '-', '24h'],
      ]),
    );
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, found]));
    expect(f?.cause).toContain('is not installed');
  });

  // Found in review, fixed: a successful describe_resource (or get_resource) of the CRD is not counted, so the cause says the CRD "is not installed" right after a read that shows it.
  it('says installed when a describe_resource of the CRD succeeded', () => {
    const d = observed(
      'describe_resource',
      { kind: 'CustomResourceDefinition', name: 'workflows.argoproj.io' },
      [
        'Name:         workflows.argoproj.io',
        'Kind:         CustomResourceDefinition (apiextensions.k8s.io/v1)',
        'Spec:',
        '  group: argoproj.io',
        '  versions: v1alpha1',
      ].join('\n'),
    );
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, d]));
    expect(f?.cause).not.toContain('is not installed');
  });

  // Found in review, fixed: when the CRD is installed the cause still goes on "without the Workflow CRD … the controller cannot create Workflows", contradicting its own first clause.
  it('does not speak of a missing CRD after saying it is installed', () => {
    const crds = observed(
      'list_resources',
      { kind: 'CustomResourceDefinition' },
      table([
        ['NAME', 'STATUS', 'AGE'],
        ['workflows.argoproj.io', '-', '24h'],
      ]),
    );
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, crds]));
    expect(f?.cause).toContain('is installed');
    expect(f?.cause).not.toMatch(/without the \w+ CRD/);
  });

  it('survives a list_deployments without an IMAGES column and a description without containers', () => {
    const d = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      'Name: x\nControlled By:  ReplicaSet/workflow-controller-5d8f9c7b6',
    );
    const l = observed('list_deployments', { namespace: NS }, 'NAME   READY\nargo-server   1/1');
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, d, l]));
    expect(f?.object).toBe('customresourcedefinition workflows.argoproj.io');
    expect(f?.fix).toBeUndefined();
  });
});

// --- image-pull: the full-disk branch, through the baseline's answer -----------------------------------------

describe("review: image-pull's no space left on device", () => {
  /** One Deployment api in namespace app on node n1, its pod's declared events and more of the world. */
  const pullWorld = (image: string, podFacts: string, extra = '') => `schemaVersion: 1
id: row
title: row
difficulty: easy
namespace: app
task: api in app does not start after the deploy, why?
cluster:
  now: 2026-01-10T10:00:00Z
  namespaces: [app]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }, { name: n2, cpu: "8", memory: 32Gi }]
  registry: { images: [registry.example.com/api:2.0.0, postgres:16] }
  deployments:
    - name: api
      namespace: app
      replicas: 1
      containers:
        - name: api
          image: ${image}
      pods:
        - node: n1
          age: 20m
${podFacts}
${extra}
expect: { rootCause: { mustMention: [] } }
`;
  const failed = (
    message: string,
  ) => `          state: { waiting: { reason: ImagePullBackOff, message: 'Back-off pulling image "registry.example.com/api:2.0.0"' } }
          events:
            - { type: Warning, reason: Failed, message: '${message}', count: 5, age: 2m, firstSeen: 20m }`;

  it("says the node's disk is full when the pull fails unpacking a layer for ENOSPC", async () => {
    const answer = await baselineAnswer(
      pullWorld(
        'registry.example.com/api:2.0.0',
        failed(
          'Failed to pull image "registry.example.com/api:2.0.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/api:2.0.0": failed to extract layer sha256:0b1c: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/9/fs/usr/lib/libx.so: no space left on device: unknown',
        ),
      ),
    );
    expect(answer).toContain('node n1 has no disk space left');
    expect(answer).not.toContain('does not exist in the registry');
  });

  // Found in review, fixed: the evidence quote is cut to "… no space left on device: unknown", dropping every word that shows it was the image pull (Failed to pull image, failed to extract layer) that hit the full disk.
  it('quotes enough of the event to show it was the pull that hit the full disk', async () => {
    const answer = await baselineAnswer(
      pullWorld(
        'registry.example.com/api:2.0.0',
        failed(
          'Failed to pull image "registry.example.com/api:2.0.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/api:2.0.0": failed to extract layer sha256:0b1c: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/9/fs/usr/lib/libx.so: no space left on device: unknown',
        ),
      ),
    );
    expect(answer).toMatch(
      /event: [^\n]*(?:extract layer|Failed to pull|register layer)[^\n]*no space left on device/,
    );
  });

  // Found in review, fixed: any "no space left on device" among the namespace's events (another pod's, on another node) turns a wrong tag into a full disk on this pod's node.
  it("keeps a wrong tag a wrong tag when another pod's event on another node says no space left on device", async () => {
    const answer = await baselineAnswer(
      pullWorld(
        'registry.example.com/api:2.0.1',
        '',
        `  pods:
    - name: pg-0
      namespace: app
      node: n2
      containers: [{ name: pg, image: "postgres:16" }]
      events:
        - { type: Warning, reason: Failed, message: 'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: write /run/containerd/io.containerd.runtime.v2.task/k8s.io/x/config.json: no space left on device', count: 3, age: 5m, firstSeen: 30m }`,
      ),
    );
    expect(answer).toContain('registry.example.com/api:2.0.1');
    expect(answer).not.toContain('has no disk space left');
  });

  // Found in review, fixed: a pull-through registry mirror that fails with its own full disk (HTTP 500, "Server message: … no space left on device") is reported as the node's disk being full.
  it("does not blame the node's disk for a registry mirror's full disk (HTTP 500 from the registry)", async () => {
    const answer = await baselineAnswer(
      pullWorld(
        'registry.example.com/api:2.0.0',
        failed(
          'Failed to pull image "registry.example.com/api:2.0.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/api:2.0.0": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry.example.com/v2/api/blobs/sha256:0b1c: 500 Internal Server Error - Server message: unknown: filesystem: write /var/lib/registry/docker/registry/v2/blobs/sha256/0b/0b1c/data: no space left on device',
        ),
      ),
    );
    expect(answer).not.toContain('node n1 has no disk space left');
  });
});

// --- config-values: credentialPart in missingKeyFix, through the baseline's answer -----------------------------

describe("review: config-values' stand-in for a Secret's missing key", () => {
  /** Deployment api reading `env` from key `missing` of Secret `creds`, which holds the single key `held`. */
  const keyWorld = (env: string, missing: string, held: string) => `schemaVersion: 1
id: row
title: row
difficulty: easy
namespace: app
task: api in app does not start, why? You may change api's environment.
cluster:
  now: 2026-01-10T10:00:00Z
  namespaces: [app]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: api
      namespace: app
      replicas: 1
      containers:
        - name: api
          image: registry.example.com/api:2.0.0
          env: { ${env}: { secretKeyRef: { name: creds, key: ${missing} } } }
      pods: [{ age: 30m }]
  objects:
    - { apiVersion: v1, kind: Secret, metadata: { name: creds, namespace: app }, data: { ${held}: eHl6 } }
grants:
  approve: [{ tool: set_env, where: { namespace: app, deployment: api } }]
expect: { rootCause: { mustMention: [] } }
`;
  const proposes = /set_env|from key|at key|should read key/;

  it.each([
    ['DB_PASSWORD', 'password', 'db-password'],
    ['API_TOKEN', 'token', 'github-token'],
  ])('still proposes %s from the single key naming the same part (%s → %s)', async (env, missing, held) => {
    const answer = await baselineAnswer(keyWorld(env, missing, held));
    expect(answer).toContain(`should read key ${held}`);
  });

  it('proposes nothing when the single key is the user for a missing password', async () => {
    expect(await baselineAnswer(keyWorld('DB_PASSWORD', 'db-password', 'db-user'))).not.toMatch(proposes);
  });

  // Found in review, fixed: "secret" ranks as a password word before "token", so the single key secret-token is read as a password and is not proposed for a missing token it plainly is.
  it('proposes the single key secret-token for a missing token', async () => {
    expect(await baselineAnswer(keyWorld('WEBHOOK_TOKEN', 'token', 'secret-token'))).toContain(
      'should read key secret-token',
    );
  });

  // Found in review, fixed: an access key id names no credential part, so the Secret's single key secret-access-key (the other half of the AWS pair) is proposed as its stand-in.
  it('does not propose secret-access-key for a missing access-key-id', async () => {
    expect(
      await baselineAnswer(keyWorld('AWS_ACCESS_KEY_ID', 'access-key-id', 'secret-access-key')),
    ).not.toMatch(proposes);
  });

  // Found in review, fixed: a client id names no credential part, so the single key client-secret (the OAuth pair's other half) is proposed as the missing client-id.
  it('does not propose client-secret for a missing client-id', async () => {
    expect(await baselineAnswer(keyWorld('OIDC_CLIENT_ID', 'client-id', 'client-secret'))).not.toMatch(
      proposes,
    );
  });

  // Found in review, fixed: "key" is no credential word, so a missing api-key takes the Secret's single key username as its stand-in.
  it('does not propose username for a missing api-key', async () => {
    expect(await baselineAnswer(keyWorld('STRIPE_API_KEY', 'api-key', 'username'))).not.toMatch(proposes);
  });
});
