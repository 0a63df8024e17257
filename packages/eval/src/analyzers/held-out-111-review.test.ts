// Review of the baseline rules written this session for the last misses of sets 109 and 110 (the serving path
// of the task's URL, named-first's sites, empty-backend, ingress-error-log and its gloss, the rollback a pod's
// logged failure takes), attacked on inputs made up for the review: no world's names, namespaces or log lines.
// The 16 tests marked "Found in review, fixed" failed against the rules as first written; the rules were fixed
// after the review.
import { describe, expect, it } from 'vitest';
import { namedFirst, withoutSites } from '../baseline/signatures/named-first.js';
import { emptyBackend } from '../baseline/signatures/run/empty-backend.js';
import { donateRollback } from '../baseline/signatures/run/same-object-rollback.js';
import type { Facts, RunSignature } from '../baseline/signatures/types.js';
import type { SeenObservation } from '../observations.js';
import { fromScan } from '../scan-findings.js';
import { LOG_LINES_ADVICE } from './app-errors.js';
import type { Finding } from './index.js';
import { ingressErrorLogAnalyzer, nginxError } from './ingress-error-log.js';
import { logGloss } from './log-glosses.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { servingIngresses, servingPath, urlHosts } from './serving-path.js';

const words = (t: string) => [...new Set(t.toLowerCase().match(/[a-z0-9][a-z0-9-]{2,}/g) ?? [])];

/** `describe_resource` of an Ingress as the tools print it (spec flattened, annotations as `k=v` pairs). */
const describedIngress = (
  ns: string,
  name: string,
  o: {
    className?: string;
    annotations?: string;
    host?: string;
    paths?: readonly (readonly [string, string])[];
  },
) =>
  observed(
    'describe_resource',
    { kind: 'Ingress', namespace: ns, name },
    [
      `Name:         ${name}`,
      `Namespace:    ${ns}`,
      'Kind:         Ingress (networking.k8s.io/v1)',
      'Labels:       <none>',
      `Annotations:  ${o.annotations ?? '<none>'}`,
      'Age:          40d',
      'Spec:',
      ...(o.className ? [`  ingressClassName: ${o.className}`] : []),
      `  rules[0].host: ${o.host ?? 'desk.acme-example.org'}`,
      ...(o.paths ?? [['/', 'desk-web']]).flatMap(([path, svc], i) => [
        `  rules[0].http.paths[${i}].path: ${path}`,
        `  rules[0].http.paths[${i}].pathType: Prefix`,
        `  rules[0].http.paths[${i}].backend.service.name: ${svc}`,
        `  rules[0].http.paths[${i}].backend.service.port.number: 80`,
      ]),
      'Events:       <none>',
    ].join('\n'),
  );

const serviceList = (ns: string, rows: string[][]) =>
  observed(
    'list_services',
    { namespace: ns },
    table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'], ...rows]),
  );

const finding = (
  weight: number,
  object: string,
  cause = 'it fails',
  extra: Partial<Finding> = {},
): Finding => ({
  weight,
  object,
  cause,
  evidence: [],
  ...extra,
});

// --- serving-path ------------------------------------------------------------------------------------------

describe("serving path: the task's URL, its Ingress, its Service and workload", () => {
  const NS = 'desk';
  const TASK = 'Since 9:00 https://desk.acme-example.org answers 503 to every agent.';
  const svcs = serviceList(NS, [
    ['desk-web', 'ClusterIP', '10.96.40.2', '80/TCP', 'app=desk-web', '<none>', '80d'],
    ['reports', 'ClusterIP', '10.96.40.3', '80/TCP', 'app=reports', '10.0.2.9:8080', '80d'],
  ]);

  it('takes the hosts of URLs in any case and with a port, each once', () => {
    expect(
      urlHosts(
        'HTTPS://Desk.ACME-example.org:8443/x and https://desk.acme-example.org/y, http://10.0.0.1:80/',
      ),
    ).toEqual(['desk.acme-example.org', '10.0.0.1']);
    expect(urlHosts('')).toEqual([]);
    expect(
      urlHosts(Array.from({ length: 20 }, (_, i) => `https://h${i}.example.org`).join(' ')),
    ).toHaveLength(8);
  });

  // Found in review, fixed: an Ingress classed by the legacy `kubernetes.io/ingress.class` annotation (printed as `Annotations:  kubernetes.io/ingress.class=nginx`, the only form the tools print) gets an empty class, though the doc comment says the annotation counts.
  it('reads the class of an Ingress set by the legacy annotation as describe prints it', () => {
    const ing = describedIngress(NS, 'desk', {
      annotations: 'kubernetes.io/ingress.class=nginx,nginx.ingress.kubernetes.io/proxy-body-size=8m',
    });
    expect(servingIngresses(TASK, NS, [ing])[0]?.className).toBe('nginx');
  });

  // Found in review, fixed: a wildcard rule host (`*.acme-example.org`) that routes the URL's host is not read, so nothing serves the URL.
  it('takes a wildcard rule host as routing the URL', () => {
    const ing = describedIngress(NS, 'desk', { className: 'nginx', host: '*.acme-example.org' });
    expect(servingPath(TASK, NS, [ing, svcs]).has('desk-web')).toBe(true);
  });

  it("does not take a Service listing of another namespace for the routed Service's selector", () => {
    const ing = describedIngress(NS, 'desk', { className: 'traefik' });
    const elsewhere = serviceList('staging', [
      ['desk-web', 'ClusterIP', '10.96.9.2', '80/TCP', 'app=reports', '<none>', '3d'],
    ]);
    expect([...servingPath(TASK, NS, [ing, elsewhere])]).toEqual(['desk-web']);
  });

  it('survives empty outputs, a selectorless Service and arguments that are not strings', () => {
    const odd = observed('describe_resource', { kind: 7, namespace: NS, name: null }, '');
    const ing = observed(
      'describe_resource',
      { kind: 'ingress', namespace: NS, name: 3 },
      describedIngress(NS, 'x', {}).content,
    );
    const none = serviceList(NS, [
      ['desk-web', 'ClusterIP', '10.96.40.2', '80/TCP', '<none>', '<none>', '80d'],
    ]);
    expect(() =>
      servingPath(TASK, NS, [odd, ing, none, observed('list_services', { namespace: NS }, '')]),
    ).not.toThrow();
    expect([...servingPath(TASK, NS, [odd, ing, none])]).toEqual(['desk-web']);
    expect(servingIngresses(TASK, NS, [ing])[0]?.ingress).toBe('3');
  });
});

// --- named-first: the URL's Service may lead; sites name no workload ---------------------------------------

describe('named-first: what serves the URL leads, unless tied to the stronger finding', () => {
  const NS = 'desk';
  const TASK = 'https://desk.acme-example.org answers 503 since the night.';
  const ing = describedIngress(NS, 'desk', { className: 'traefik' });
  const svcs = serviceList(NS, [
    ['desk-web', 'ClusterIP', '10.96.40.2', '80/TCP', 'app=desk-web', '<none>', '80d'],
    ['desk-db', 'ClusterIP', '10.96.40.7', '5432/TCP', 'app=desk-db', '<none>', '80d'],
    ['reports', 'ClusterIP', '10.96.40.3', '80/TCP', 'app=reports', '10.0.2.9:8080', '80d'],
  ]);
  const dbCrash = finding(
    92,
    'deployment desk-db (pod desk-db-6c8d7f9b4-q2w8r)',
    'the database crashes at start: FATAL: could not write lock file "postmaster.pid": No space left on device',
  );
  const noEndpoints = finding(
    80,
    'service desk-web',
    'service desk-web has no endpoints: its 2 pods are Running but not Ready, so traffic has nowhere to go',
  );

  // Found in review, fixed: for a `service X` lead, the tie check reads the pods named exactly `X` (none: pods are `X-<hash>-<id>`), so the web pods' own log that they cannot reach desk-db is missed and the Service's symptom is put before the database crash it comes from.
  it("keeps the dependency's crash first when the URL's pods log that they cannot reach it", () => {
    const webLog = log(NS, 'desk-web-7d9f8c6b5-k4m2p', [
      '2026-05-02T09:00:01Z ERROR pool: dial tcp 10.96.40.7:5432: connect: connection refused (host desk-db)',
      '2026-05-02T09:00:02Z WARN readiness: database desk-db not reachable, reporting not ready',
    ]);
    const out = namedFirst([dbCrash, noEndpoints], TASK, NS, words(TASK), [ing, svcs, webLog]);
    expect(out[0]).toBe(dbCrash);
  });

  it('does not move a finding on a Service the URL is not routed to', () => {
    const other = finding(80, 'service reports', 'service reports has no endpoints');
    const crash = finding(92, 'deployment mailer (pod mailer-5c7d9b8f6-x8z2q)', 'crash loop');
    expect(namedFirst([crash, other], TASK, NS, words(TASK), [ing, svcs])[0]).toBe(crash);
  });

  it("moves the URL's Service finding before an unrelated crash of a workload the task does not name", () => {
    const crash = finding(92, 'deployment mailer (pod mailer-5c7d9b8f6-x8z2q)', 'crash loop');
    expect(namedFirst([crash, noEndpoints], TASK, NS, words(TASK), [ing, svcs])[0]).toBe(noEndpoints);
  });

  // Found in review, fixed: a URL to a Service by its `service.namespace` name (`http://checkout.shop:8080`), a name cluster DNS resolves, is taken for a site and its workload's name is dropped.
  it("keeps the Service's name of an in-cluster URL written as service.namespace", () => {
    expect(withoutSites('calls to http://checkout.shop:8080/api are refused')).toContain('checkout');
  });

  it('drops sites written with any scheme case, keeps in-cluster names, and stays linear', () => {
    expect(withoutSites('see https://grafana.acme-example.org/d/x now')).not.toContain('grafana');
    expect(withoutSites('http://ledger.books.svc:8080/api fails')).toContain('ledger');
    const hostile = `${'http://a.b.c.d.e.f.g.h.example.com/'.repeat(60)} ${'x.'.repeat(20_000)}io`;
    const benign = 'plain words '.repeat(Math.ceil(hostile.length / 12));
    expectBounded(
      () => withoutSites(hostile),
      () => withoutSites(benign),
    );
  });
});

// --- empty-backend ------------------------------------------------------------------------------------------

describe('empty-backend: what the controller answers for a Service without endpoints', () => {
  const NS = 'desk';
  const svcs = serviceList(NS, [
    ['desk-web', 'ClusterIP', '10.96.40.2', '80/TCP', 'app=desk-web', '<none>', '80d'],
  ]);
  const refine = (task: string, className: string, f: Finding, twice = false) => {
    const copy = { ...f, evidence: [...f.evidence] };
    const seen = [describedIngress(NS, 'desk', { className }), svcs];
    const run = () =>
      (emptyBackend as Extract<RunSignature, { refine: unknown }>).refine(
        { ...ctx(NS, seen, task), hints: words(task) } as unknown as Facts,
        [copy],
      );
    run();
    if (twice) run();
    return copy.cause;
  };
  const scaled = finding(
    70,
    'deployment desk-web',
    'deployment desk-web is scaled to 0 replicas, so service desk-web has no pods behind it (no endpoints)',
  );

  // Found in review, fixed: with Traefik in front it tells a person who sees a 503 that Traefik answers its own 404 "instead of a 503", contradicting what the person reports (a 503 from Traefik means the route was kept, e.g. allowEmptyServices).
  it('does not claim Traefik answers 404 when the person reports a 503 from it', () => {
    const cause = refine('https://desk.acme-example.org answers 503 Service Unavailable', 'traefik', scaled);
    expect(cause).not.toMatch(/answers its own 404/);
  });

  // Found in review, fixed: misconceptions' selectorless-Service finding ("is not broken: a Service without a selector gets no endpoints from Kubernetes' endpoints controller") matches "no endpoints", and gets the sentence that the controller answers 404 because the pods are missing.
  it("adds nothing to a finding that says the URL's Service is not broken (a selectorless Service)", () => {
    const fine = finding(
      60,
      'service desk-web',
      "Service desk-web has no selector on purpose, and it is not broken: a Service without a selector gets no endpoints from Kubernetes' endpoints controller, so whoever manages it writes its Endpoints object, and desk-web's points at 10.0.7.4, maintained by the controller that owns it.",
    );
    expect(refine('https://desk.acme-example.org answers 404', 'traefik', fine)).toBe(fine.cause);
  });

  it('adds its sentence once however often it runs, and not for a Service whose name only starts alike', () => {
    const once = refine('https://desk.acme-example.org answers 404', 'traefik', scaled);
    expect(refine('https://desk.acme-example.org answers 404', 'traefik', scaled, true)).toBe(once);
    const admin = finding(
      80,
      'service desk-web-admin',
      'service desk-web-admin has no endpoints: its selector matches no pod',
    );
    expect(refine('https://desk.acme-example.org answers 404', 'traefik', admin)).toBe(admin.cause);
  });
});

// --- ingress-error-log ----------------------------------------------------------------------------------------

describe("ingress-error-log: the controller's error log for the URL's host", () => {
  const NS = 'pay';
  const HOST = 'pay.acme-example.org';
  const CTRL = 'ingress-nginx-controller-7d8f9c6b5-m4k8z';
  const TASK = `Since the 4.2 deploy, https://${HOST} answers "502 Bad Gateway" after sign-in.`;
  const ing = (o: Parameters<typeof describedIngress>[2] = {}) =>
    describedIngress(NS, 'pay', { className: 'nginx', host: HOST, paths: [['/', 'pay-web']], ...o });
  const found = observed(
    'find_objects',
    { name: 'ingress-nginx' },
    table([
      ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
      ['Namespace', '-', 'ingress-nginx', 'Active', '200d'],
      ['Pod', 'ingress-nginx', 'ingress-nginx-admission-patch-k2x8q', 'Completed', '200d'],
      ['Pod', 'ingress-nginx', CTRL, 'Running', '6d'],
    ]),
  );
  const errLine = (msg: string, req = 'GET /oauth2/callback?code=x HTTP/2.0', tail = `, host: "${HOST}"`) =>
    `2026/05/02 09:14:07 [error] 41#41: *88102 ${msg}, client: 10.0.4.7, server: ${HOST}, request: "${req}", upstream: "http://10.244.3.9:8080/x"${tail}`;
  const TOO_BIG = 'upstream sent too big header while reading response header from upstream';
  const searched = (lines: string[], pod = CTRL) =>
    observed(
      'search_pod_logs',
      { namespace: 'ingress-nginx', name: pod, pattern: HOST, context: 0, maxMatches: 50 },
      `${lines.length} line(s) match "${HOST}"\n${lines.map((l, i) => `${i + 100}:${l}`).join('\n')}`,
    );
  const run = (seen: SeenObservation[], task = TASK) => ingressErrorLogAnalyzer.finds(ctx(NS, seen, task));

  it("reads a controller log fetched whole (no grep line numbers) and a search's context lines", () => {
    const whole = log('ingress-nginx', CTRL, ['I0502 09:14:00 controller.go:190 sync', errLine(TOO_BIG)]);
    expect(run([ing(), found, whole])[0]?.cause).toMatch(/proxy-buffer-size/);
    const ctxLine = observed(
      'search_pod_logs',
      { namespace: 'ingress-nginx', name: CTRL, pattern: HOST },
      `1 line(s) match "${HOST}"\n99-${errLine(TOO_BIG)}\n100:${errLine(TOO_BIG)}`,
    );
    expect(run([ing(), found, ctxLine])[0]?.cause).toContain('logs 2 errors for GET /oauth2/callback');
  });

  it("stays quiet for an nginx sidecar's error log in the application's own pod", () => {
    const sidecar = log(NS, 'pay-web-6f7d8c9b5-q8w2x', [errLine(TOO_BIG)], { container: 'nginx' });
    expect(run([ing(), found, sidecar])).toEqual([]);
  });

  // Found in review, fixed: the status is the task's first 50x-looking number, so a ticket id (OPS-503) makes the finding explain "the 503" while the person reports a 502.
  it('names the status the person reports, not a ticket number before it', () => {
    const task = `Ticket OPS-503: https://${HOST} answers 502 Bad Gateway after sign-in.`;
    const [f] = run([ing(), found, searched([errLine(TOO_BIG)])], task);
    expect(f?.cause).toContain("the 502 is the Ingress controller's own answer");
  });

  // Found in review, fixed: a reported 504 (Gateway Timeout) is "explained" by a too-big-header error whose gloss says nginx answered 502: the logged error is not checked against the status.
  it('does not explain a 504 with an error that makes nginx answer 502', () => {
    const task = `https://${HOST} answers 504 Gateway Time-out on checkout.`;
    const [f] = run([ing(), found, searched([errLine(TOO_BIG)])], task);
    expect(f?.cause ?? '').not.toContain("the 504 is the Ingress controller's own answer");
  });

  // Found in review, fixed: the gloss is looked up on the whole line, request and referrer included, so a request path holding "noscript" turns a too-big-header error into Redis's NOSCRIPT meaning.
  it("glosses the logged message, not words of the request's path", () => {
    const [f] = run([ing(), found, searched([errLine(TOO_BIG, 'GET /en/noscript HTTP/2.0')])]);
    expect(f?.cause).toMatch(/proxy-buffer-size/);
    expect(f?.cause).not.toMatch(/Redis/);
  });

  // Found in review, fixed: a client's Referer header (logged as `, referrer: "…"`) saying "no live upstreams" gives an unknown error the meaning that nginx has no healthy upstream.
  it("takes no meaning from a client's referrer", () => {
    const line = errLine(
      'SSL_read() failed (SSL: error:0A000126) while processing HTTP/2 connection',
      'GET / HTTP/2.0',
      `, host: "${HOST}", referrer: "https://x.example/no live upstreams"`,
    );
    expect(run([ing(), found, searched([line])])).toEqual([]);
  });

  // Found in review, fixed: "upstream prematurely closed connection", one of the causes the analyzer's doc names (an upstream that closed the connection), has no gloss, so the commonest 502 behind ingress-nginx is never found.
  it('finds an upstream that closed the connection before its response', () => {
    const [f] = run([
      ing(),
      found,
      searched([
        errLine('upstream prematurely closed connection while reading response header from upstream'),
      ]),
    ]);
    expect(f?.object).toBe('ingress pay');
  });

  // Found in review, fixed: with two paths on one host the finding names the first path's Service (pay-web), not the one the failing request (/api/…) is routed to.
  it("names the Service the failing request's path is routed to", () => {
    const two = ing({
      paths: [
        ['/', 'pay-web'],
        ['/api', 'pay-api'],
      ],
    });
    const [f] = run([two, found, searched([errLine(TOO_BIG, 'POST /api/session HTTP/2.0')])]);
    expect(f?.cause).toContain('service pay-api');
    expect(f?.advice).toContain('service pay-api');
  });

  // Found in review, fixed: reads search only for names holding "ingress-nginx", so the controller pods of the other nginx distributions CONTROLLER_POD is written for (nginx-ingress-microk8s-controller, F5's <release>-nginx-ingress-controller) are never found.
  it('looks for the controller pods nginx-ingress distributions name', () => {
    const none = observed(
      'find_objects',
      { name: 'ingress-nginx' },
      'no object whose name contains "ingress-nginx"',
    );
    const reads = ingressErrorLogAnalyzer.reads(ctx(NS, [ing(), none], TASK));
    expect(
      reads.some(
        (r) =>
          r.tool === 'find_objects' &&
          'nginx-ingress-microk8s-controller-x7k2p'.includes(String(r.args['name'])) &&
          String(r.args['name']) !== 'ingress-nginx',
      ),
    ).toBe(true);
  });

  it('survives empty and odd outputs and arguments', () => {
    const seen = [
      ing(),
      observed('find_objects', { name: 5 }, ''),
      observed('search_pod_logs', { namespace: 1, name: CTRL }, ''),
      observed('get_pod_logs', { name: undefined }, '\n\n'),
    ];
    expect(() => ingressErrorLogAnalyzer.reads(ctx(NS, seen, TASK))).not.toThrow();
    expect(run(seen)).toEqual([]);
    expect(run([ing(), found, searched([errLine(TOO_BIG)])], '')).toEqual([]);
  });

  it('cuts a long message at a code point', () => {
    const msg = `${'x'.repeat(158)}😀 upstream sent too big header while reading response header from upstream`;
    const [f] = run([ing(), found, searched([errLine(msg)])]);
    expect(f?.cause).toBeDefined();
    expect(f?.cause).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('costs a bounded time on lines full of near-miss host and request fields', () => {
    const near = `2026/05/02 09:14:07 [error] 41#41: *1 ${TOO_BIG}${`, host: "${'a'.repeat(40)}, request: "GET /${'b'.repeat(30)}`.repeat(40)}`;
    const bad = [ing(), found, searched(Array(2000).fill(near.slice(0, 3990)))];
    const good = [ing(), found, searched(Array(2000).fill('z'.repeat(3990)))];
    expectBounded(
      () => run(bad),
      () => run(good),
    );
  });
});

// --- the too-big-header gloss -----------------------------------------------------------------------------

describe('log-glosses: upstream sent too big header', () => {
  // Found in review, fixed: a FastCGI upstream (PHP-FPM behind nginx) logs the same words, and is told to raise proxy-buffer-size, which does not apply: fastcgi_buffer_size does.
  it('names fastcgi_buffer_size for a FastCGI upstream', () => {
    const line =
      '2026/05/02 09:14:07 [error] 12#12: *301 upstream sent too big header while reading response header from upstream, client: 10.0.4.7, server: _, request: "GET /wp-admin/ HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "blog.acme-example.org"';
    expect(logGloss(line)).toMatch(/fastcgi_buffer_size/);
  });

  it('says the header is refused at once with a 502 and how to raise the buffer in ingress-nginx', () => {
    const g = logGloss(
      '2026/05/02 09:14:07 [error] 41#41: *5 upstream sent too big header while reading response header from upstream, client: 10.0.4.7',
    );
    expect(g).toMatch(/502/);
    expect(g).toMatch(/nginx\.ingress\.kubernetes\.io\/proxy-buffer-size/);
    expect(
      nginxError('2026/05/02 09:14:07 [warn] 41#41: *5 an upstream response is buffered, host: "a.b"'),
    ).toBeUndefined();
  });
});

// --- same-object rollback -----------------------------------------------------------------------------------

describe("same-object rollback: a pod's logged failure and its Deployment's rollback", () => {
  const rollback = (ns: string): Finding['fix'] => ({
    tool: 'rollback_deployment',
    args: { namespace: ns, name: 'wiki' },
    text: `roll back deployment wiki in ${ns}`,
  });
  const logged = (extra: Partial<Finding> = {}): Finding =>
    finding(84, 'pod wiki-6d8f7c9b5-r2k7w', 'pod wiki-6d8f7c9b5-r2k7w logs failures', {
      advice: LOG_LINES_ADVICE,
      ...extra,
    });

  // Found in review, fixed: the donor's namespace is not compared: a rollback of the same-named Deployment in another namespace (`deployment wiki (namespace edge)`) is handed to this namespace's pod finding, so the fix rolls back the wrong Deployment.
  it('takes no rollback of a same-named Deployment in another namespace', () => {
    const elsewhere = finding(70, 'deployment wiki (namespace edge)', 'it started with the latest rollout', {
      fix: rollback('edge'),
    });
    const top = logged();
    donateRollback(top, [top, elsewhere]);
    expect(top.fix).toBeUndefined();
  });

  it('gives none to a finding that says the revision is sound, to a StatefulSet pod, or when it has a fix', () => {
    const donor = finding(
      70,
      'deployment wiki (pod wiki-6d8f7c9b5-r2k7w)',
      '; it started with the latest rollout (revision 4)',
      {
        fix: rollback('docs'),
      },
    );
    const sound = logged({ revisionSound: true });
    donateRollback(sound, [sound, donor]);
    expect(sound.fix).toBeUndefined();
    const sts = logged({ object: 'pod wiki-0' });
    donateRollback(sts, [sts, donor]);
    expect(sts.fix).toBeUndefined();
    const own = logged({ fix: { tool: 'set_env', args: {}, text: 'set X' } });
    donateRollback(own, [own, donor]);
    expect(own.fix?.tool).toBe('set_env');
    const ok = logged();
    donateRollback(ok, [ok, donor]);
    expect(ok.fix?.tool).toBe('rollback_deployment');
    expect(ok.cause.match(/it started with the latest rollout/g)).toHaveLength(1);
  });
});

// --- scan-findings: servesTaskUrl -----------------------------------------------------------------------------

describe('scan-findings: a workload scaled to zero behind the URL', () => {
  const NS = 'desk';
  const scanOf = (n: number) =>
    observed(
      'scan',
      { namespace: NS },
      `scan of namespace ${NS}: ${n} finding(s), most likely root causes first\n${Array.from(
        { length: n },
        (_, i) =>
          `- Deployment ${NS}/old-${i} [ScaledToZero] deployment old-${i} is scaled to 0 replicas, so service old-${i} has no pods behind it (no endpoints)\n    evidence: spec.replicas 0\n    fix: scale deployment old-${i} back up`,
      ).join('\n')}`,
    );
  const bigIngress = observed(
    'describe_resource',
    { kind: 'Ingress', namespace: NS, name: 'big' },
    Array.from(
      { length: 2500 },
      (_, i) =>
        `  rules[${i % 999}].host: h${i}.acme-example.org\n  rules[${i % 999}].http.paths[0].backend.service.name: s${i}\n  rules[${i % 999}].http.paths[0].backend.service.port.number: 80`,
    ).join('\n'),
  );
  const svcs = serviceList(
    NS,
    Array.from({ length: 2500 }, (_, i) => [
      `s${i}`,
      'ClusterIP',
      `10.96.${i % 250}.1`,
      '80/TCP',
      `app=s${i}`,
      '<none>',
      '1d',
    ]),
  );

  it('does not weigh down the scaled-to-zero workload that serves the URL as retired', () => {
    const seen = [
      scanOf(1),
      describedIngress(NS, 'desk', { className: 'traefik', paths: [['/', 'old-0']] }),
      serviceList(NS, [['old-0', 'ClusterIP', '10.96.40.2', '80/TCP', 'app=old-0', '<none>', '80d']]),
    ];
    const withUrl = fromScan({
      task: 'https://desk.acme-example.org answers 404',
      ns: NS,
      hints: [],
      seen,
    })[0];
    const without = fromScan({ task: 'the help site answers 404', ns: NS, hints: [], seen })[0];
    expect((withUrl?.weight ?? 0) - (without?.weight ?? 0)).toBeGreaterThanOrEqual(30);
  });

  // Found in review, fixed: servesTaskUrl works the whole serving path out again (every Ingress description and Service listing parsed) for each scaled-to-zero finding, so a task with a URL costs findings × outputs: over a hundred times the same namespace's ranking without a URL.
  it('costs a bounded time with many scaled-to-zero findings and a large Ingress and Service list', () => {
    const seen = [scanOf(3000), bigIngress, svcs];
    expectBounded(
      () => fromScan({ task: 'https://h1.acme-example.org answers 404', ns: NS, hints: [], seen }),
      () => fromScan({ task: 'the h1 site answers 404 for everyone', ns: NS, hints: [], seen }),
    );
  });
});
