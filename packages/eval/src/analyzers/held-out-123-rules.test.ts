// Rules written after held-out sets 122 and 123, each general, tested here on inputs made up for the test:
// the names, hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import { nodePressureClearedAnalyzer } from './node-pressure-cleared.js';
import { observed } from './observed.fixture.js';
import { urlHosts } from './serving-path.js';

describe("an access-log line's status is the number after its request", () => {
  it.each([
    ['10.0.0.1 - - [01/Jan/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 502 "-" "curl/8"', false],
    ['10.0.0.1 - - [01/Jan/2026:10:00:00 +0000] "GET /a HTTP/1.1" 499 0 "-" "curl/8" 503 0.1', false],
    ['10.0.0.1 - - [01/Jan/2026:10:00:00 +0000] "POST /b HTTP/2.0" 502 150 "-" "curl/8"', true],
    ['upstream answered HTTP 503 Service Unavailable', true],
  ])('%s', (line, failing) => {
    expect(errorLines(line).length > 0).toBe(failing);
  });
});

describe('glosses: a failed RDB save, a collection scan', () => {
  it('reads Redis\'s "Write error saving DB on disk" as the snapshot that refuses writes', () => {
    expect(
      logGloss('812:C 01 Jan 2026 10:00:00.000 # Write error saving DB on disk: Read-only file system'),
    ).toMatch(/RDB snapshot.*MISCONF/);
  });

  it('reads a slow query run as COLLSCAN as a missing index, not any slow query', () => {
    const line =
      '{"t":{"$date":"2026-01-01T10:00:00.000+00:00"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn9","msg":"Slow query","attr":{"ns":"shop.orders","planSummary":"COLLSCAN","docsExamined":900000,"nreturned":3,"durationMillis":2300}}';
    expect(logGloss(line)).toMatch(/collection scan/);
    expect(logGloss(line.replace('COLLSCAN', 'IXSCAN { userId: 1 }'))).toBeUndefined();
    // A short scan of a small collection is routine.
    expect(logGloss(line.replace('900000', '40').replace('2300', '812'))).toBeUndefined();
  });
});

describe('urlHosts: a site named without its scheme', () => {
  it('takes a bare site host, not a label key, a file or an e-mail', () => {
    expect(urlHosts('nobody can sign in to the staff portal (portal.acme.example) since noon', true)).toEqual(
      ['portal.acme.example'],
    );
    expect(urlHosts('nodes with kubernetes.io/os set, values.yaml edited, mail ops@acme.example')).toEqual(
      [],
    );
  });
});

describe("ingress-error-log: a response header too big for the controller's buffer", () => {
  it('raises proxy-buffer-size in the controller ConfigMap, keeping its other settings', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'too-big-header',
      'web',
      'Since the SSO change every sign-in to members.acme.example ends in 502 Bad Gateway. Namespace web. Fix it if it is safe.',
    )}cluster:
  namespaces: [web]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: ingress-nginx-controller
      namespace: web
      replicas: 1
      containers:
        - name: controller
          image: registry.k8s.io/ingress-nginx/controller:v1.11.3
          ports: [80]
          behavior:
            listenPorts: [80]
            logs:
              - '2026/01/01 10:00:00 [error] 40#40: *91 upstream sent too big header while reading response header from upstream, client: 10.0.0.9, server: members.acme.example, request: "GET /sso/return HTTP/2.0", upstream: "http://10.244.0.20:8080/sso/return", host: "members.acme.example"'
    - name: members
      namespace: web
      replicas: 1
      containers:
        - name: app
          image: example/members:2.0
          ports: [8080]
          behavior: { listenPorts: [8080], logs: ["GET /sso/return 302"] }
  services:
    - { name: members, namespace: web, selector: { app: members }, ports: [{ port: 80, targetPort: 8080 }] }
  objects:
    - apiVersion: v1
      kind: ConfigMap
      metadata: { name: ingress-nginx-controller, namespace: web }
      data: { use-forwarded-headers: "true" }
    - apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: { name: nginx }
      spec: { controller: k8s.io/ingress-nginx }
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: { name: members, namespace: web }
      spec:
        ingressClassName: nginx
        rules:
          - host: members.acme.example
            http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: members, port: { number: 80 } } } }] }
grants:
  approve:
    - tool: apply_manifest
      where: { namespace: web }
      reason: test
`);
    expect(answer).toMatch(/upstream sent too big header/);
    expect(answer).toMatch(
      /Fix applied \(approved\): set proxy-buffer-size to 16k in ConfigMap ingress-nginx-controller/,
    );
  });
});

describe('node-pressure-cleared: a node whose pressure the kubelet cleared itself', () => {
  const described = (now: string) => `Name:               w-2
Conditions:
  Type             Status   Reason                       Message
  DiskPressure     ${now}    KubeletHasNoDiskPressure     kubelet has no disk pressure
  Ready            True     KubeletReady                 kubelet is posting ready status
Events:
  Type      Reason                  Age   From      Message
  Normal    NodeHasNoDiskPressure   20m   kubelet   Node w-2 status is now: NodeHasNoDiskPressure
  Warning   EvictionThresholdMet    31m   kubelet   Attempting to reclaim ephemeral-storage
  Normal    NodeHasDiskPressure     31m   kubelet   Node w-2 status is now: NodeHasDiskPressure`;
  const notes = (now: string) =>
    nodePressureClearedAnalyzer.notes!({
      task: 'x',
      ns: 'apps',
      hints: [],
      seen: [observed('describe_node', { name: 'w-2' }, described(now))],
    });

  it('says the kubelet reclaimed the space and the condition cleared', () => {
    expect(notes('False')[0]).toMatch(/cleared 20m ago \(NodeHasNoDiskPressure\): the kubelet reclaimed/);
  });

  it('says nothing while the node still has pressure', () => {
    expect(notes('True')).toEqual([]);
  });
});
