// Rules written after held-out sets 105 (Dex), 108 and 109, each general, tested here on inputs made up for
// the test: the names, namespaces and log lines are not the worlds'.
import { describe, expect, it } from 'vitest';
import { legacyTokenClaimAnalyzer } from './legacy-token-claim.js';
import { logGloss } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { placeholderValueAnalyzer } from './placeholder-value.js';
import { probeCause } from './probes.js';

// --- legacy-token-claim --------------------------------------------------------------------------------------

describe('legacy-token-claim: a program that reads a claim bound tokens no longer carry', () => {
  const NS = 'sso';
  const POD = 'idp-7c9d8b6f4-k2m8q';
  const described = (image: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'server' }).replace(
        'registry.example.com/app:1.0.0',
        image,
      ),
    );

  it.each([
    'error: failed to inspect service account token: jwt claim "kubernetes.io/serviceaccount/namespace" not found',
    'panic: token claim kubernetes.io/serviceaccount/service-account.name is missing',
    'level=fatal msg="missing claim kubernetes.io/serviceaccount/namespace in token"',
  ])('names the legacy claim and the bound token format: %s', (line) => {
    const [f] = legacyTokenClaimAnalyzer.finds(ctx(NS, [log(NS, POD, ['starting', line])]));
    expect(f?.object).toBe(`deployment idp (pod ${POD})`);
    expect(f?.cause).toMatch(/bound \(projected\) service account tokens/);
    expect(f?.cause).toMatch(/not an RBAC refusal/);
    expect(f?.fix).toBeUndefined();
  });

  it('sets the namespace variable a program known to read it first takes, with the namespace as its value', () => {
    const line = 'failed to initialize storage: claim "kubernetes.io/serviceaccount/namespace" not found';
    const [f] = legacyTokenClaimAnalyzer.finds(
      ctx(NS, [log(NS, POD, [line]), described('ghcr.io/dexidp/dex:v2.30.0')]),
    );
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'idp',
        container: 'server',
        set: [{ name: 'KUBERNETES_POD_NAMESPACE', value: NS }],
      },
      text: expect.stringContaining('KUBERNETES_POD_NAMESPACE=sso'),
    });
    // Another program: advice only, no guessed variable.
    const [g] = legacyTokenClaimAnalyzer.finds(
      ctx(NS, [log(NS, POD, [line]), described('registry.example.com/identity:2.1')]),
    );
    expect(g?.fix).toBeUndefined();
    expect(g?.advice).toMatch(/downward API/);
  });

  it.each([
    ['a claim of a user token (an OIDC provider)', 'token rejected: claim "email" not found'],
    [
      'the API refusing the account (rbac reads it)',
      'User "system:serviceaccount:sso:idp" cannot list resource "secrets"',
    ],
    ['an expired token', 'error: token expired: exp claim is in the past'],
  ])('stays quiet on %s', (_name, line) => {
    expect(legacyTokenClaimAnalyzer.finds(ctx(NS, [log(NS, POD, [line])]))).toEqual([]);
  });

  it('reads long logs in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () =>
        legacyTokenClaimAnalyzer.finds(
          ctx(NS, [log(NS, POD, many(`claim ${'kubernetes.io/'.repeat(250)}`))]),
        ),
      () => legacyTokenClaimAnalyzer.finds(ctx(NS, [log(NS, POD, many('x'.repeat(3900)))])),
    );
  });
});

// --- Vault's and OpenBao's health endpoint ------------------------------------------------------------------

describe("probes: the secrets store's health status codes", () => {
  const probe = 'Readiness: http-get http://:8200/v1/sys/health?standbyok=true delay=0s timeout=1s period=5s';
  it('501 is a store that is not initialized: a new, empty volume, or data not moved onto it', () => {
    const r = probeCause('readiness', 'HTTP probe failed with statuscode: 501', probe, '');
    expect(r.cause).toMatch(/not initialized/);
    expect(r.cause).toMatch(/a new volume \(an empty PVC\)/);
    expect(r.advice).toMatch(/restore or copy that data/);
  });
  it('503 is a sealed store', () => {
    expect(probeCause('readiness', 'HTTP probe failed with statuscode: 503', probe, '').cause).toMatch(
      /sealed/,
    );
  });
  it('another program answering 501 on another path is not read as a secrets store', () => {
    const r = probeCause(
      'readiness',
      'HTTP probe failed with statuscode: 501',
      'Readiness: http-get http://:8080/healthz delay=0s timeout=1s period=5s',
      '',
    );
    expect(r.cause).not.toMatch(/secrets store/);
  });
});

// --- a TLS client dialling an IP its server's certificate does not name (Java) -----------------------------

describe('log-glosses: a Java client that reaches its server by an IP the certificate lacks', () => {
  it('says the certificate is issued for DNS names and the port is open', () => {
    const g = logGloss(
      'SEVERE: Failed to connect to https://192.0.2.7/agents/: java.security.cert.CertificateException: No subject alternative names matching IP address 192.0.2.7 found',
    );
    expect(g).toMatch(/by IP address/);
    expect(g).toMatch(/issued for DNS names only/);
  });
  it('a DNS name that does not match is not this gloss', () => {
    expect(logGloss('No subject alternative DNS name matching ci.example.com found') ?? '').not.toMatch(
      /by IP address/,
    );
  });
});

// --- placeholder-value ----------------------------------------------------------------------------------------

describe("placeholder-value: a setting that holds kubectl's <pending> instead of an address", () => {
  const NS = 'wiki';
  const POD = 'wiki-app-6f8d7c9b4-k2x7q';
  const described = (value: string, ready = 'False') =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'app', env: { PUBLIC_HOST: value } })
        .replace(
          'Status:           Running',
          'Labels:           app=wiki-app\n                  tier=web\nStatus:           Running',
        )
        .replace('    Ready:          True', `    Ready:          ${ready}`),
    );
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      ['wiki-app', 'LoadBalancer', '10.96.3.4', '80:30080/TCP', 'app=wiki-app', '<none>', '3d'],
      ['wiki-db', 'ClusterIP', '10.96.3.5', '5432/TCP', 'app=wiki-db', '10.244.1.9:5432', '3d'],
    ]),
  );
  const ingresses = observed(
    'list_resources',
    { kind: 'Ingress', namespace: NS },
    'NAME   STATUS   AGE\nwiki   -        3d',
  );
  const ingress = observed(
    'describe_resource',
    { kind: 'Ingress', name: 'wiki', namespace: NS },
    'Name:         wiki\nSpec:\n  rules[0].host: wiki.corp.example\n  rules[0].http.paths[0].path: /\n  rules[0].http.paths[0].backend.service.name: wiki-app\n  rules[0].http.paths[0].backend.service.port.number: 80\n',
  );
  const logs = log(NS, POD, [
    'INFO base url: https://<pending>/',
    "ERROR 'https://<pending>/' is not a valid URL, aborting",
  ]);

  it('reads the Services and the Ingresses', () => {
    expect(placeholderValueAnalyzer.reads(ctx(NS, [described('https://<pending>/')]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
      { tool: 'list_resources', args: { kind: 'Ingress', namespace: NS } },
    ]);
  });

  it('names the placeholder, the LoadBalancer and the failing line, and puts the Ingress host in its place', () => {
    const [f] = placeholderValueAnalyzer.finds(
      ctx(NS, [described('https://<pending>/'), logs, services, ingresses, ingress]),
    );
    expect(f?.object).toBe(`deployment wiki-app (pod ${POD})`);
    expect(f?.cause).toMatch(/EXTERNAL-IP column while the Service has no external IP yet/);
    expect(f?.cause).toContain('Service wiki-app, which selects this pod, is of type LoadBalancer');
    expect(f?.cause).toContain('is not a valid URL, aborting');
    expect(f?.fix?.args['set']).toEqual([{ name: 'PUBLIC_HOST', value: 'https://wiki.corp.example/' }]);
  });

  it('gives advice only when no Ingress routes to the pod', () => {
    const [f] = placeholderValueAnalyzer.finds(ctx(NS, [described('<pending>'), logs, services]));
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toMatch(/real host name/);
  });

  it.each([
    ['the container is Ready (the setting does no harm there)', [described('<pending>', 'True'), services]],
    ['the value is an address', [described('wiki.corp.example'), services]],
  ])('stays quiet when %s', (_name, seen) => {
    expect(placeholderValueAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});
