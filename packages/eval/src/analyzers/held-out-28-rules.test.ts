// Table tests of the rules written after held-out set 28's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { externalDnsFilterAnalyzer } from './external-dns-filter.js';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { logShipperBufferAnalyzer } from './log-shipper-buffer.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { ctx, observed } from './observed.fixture.js';
import { tokenNotRefreshedAnalyzer } from './token-not-refreshed.js';

type Seen = ReturnType<typeof observed>;

describe('gunicorn-timeout: workers killed at the default 30 s timeout', () => {
  const seen = (env: string) => [
    observed(
      'get_pod_logs',
      { namespace: 'lingua', name: 'tr-5d8c7b9f4d-abcde' },
      '[2026-01-15 09:41:33 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)\n[2026-01-15 09:41:34 +0000] [12] [INFO] Booting worker with pid: 12',
    ),
    observed(
      'describe_pod',
      { namespace: 'lingua', name: 'tr-5d8c7b9f4d-abcde' },
      `Name: tr-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/tr-5d8c7b9f4d\nContainers:\n  translate:\n    Image: t:1\n    Command:\n      gunicorn\n    Args:\n      wsgi:app\n    Environment:\n      GUNICORN_CMD_ARGS:  ${env}\n`,
    ),
  ];
  it('adds --timeout to GUNICORN_CMD_ARGS, keeping what it holds', () => {
    expect(gunicornTimeoutAnalyzer.finds(ctx('lingua', seen('--workers 3')))[0]?.fix?.args).toMatchObject({
      deployment: 'tr',
      set: [{ name: 'GUNICORN_CMD_ARGS', value: '--workers 3 --timeout 120' }],
    });
  });
  it('a timeout already set: named as what the long requests outlast, and no change made', () => {
    const [f] = gunicornTimeoutAnalyzer.finds(ctx('lingua', seen('--workers 3 --timeout 90')));
    expect(f?.cause).toMatch(
      /runs longer than its worker timeout of 90 seconds \(--timeout 90 in GUNICORN_CMD_ARGS\)/,
    );
    expect(f?.fix).toBeUndefined();
  });
});

describe('token-not-refreshed: a token acquired once, refused as expired', () => {
  const log = (lines: string[]) =>
    observed('get_pod_logs', { namespace: 'collab', name: 'sync-1' }, lines.join('\n'));
  it('one grant, then expired: refresh it', () => {
    const [f] = tokenNotRefreshedAnalyzer.finds(
      ctx('collab', [
        log([
          'INFO auth: client credentials grant ok for client c4, expires_in=3599',
          'INFO sync ok',
          'ERROR sync: 401 InvalidAuthenticationToken (Access token has expired or is not yet valid.)',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(/acquires its access token once and never refreshes it[\s\S]*valid 60 minutes/);
    expect(f?.advice).toMatch(/refresh/);
  });
  it('nothing when the token is fetched again, or never said expired', () => {
    expect(
      tokenNotRefreshedAnalyzer.finds(
        ctx('collab', [log(['token acquired', 'token acquired', 'ERROR 401 token has expired'])]),
      ),
    ).toEqual([]);
    expect(tokenNotRefreshedAnalyzer.finds(ctx('collab', [log(['token acquired', 'ERROR 500'])]))).toEqual(
      [],
    );
  });
});

describe('ingress-nginx-canary: a canary gets only what its annotations route to it', () => {
  const ing = (notes: string) =>
    observed(
      'describe_resource',
      { kind: 'Ingress', name: 'web-canary', namespace: 'shop' },
      `Name:         web-canary\nAnnotations:  ${notes}\nSpec:\n  rules[0].host: shop.example.org`,
    );
  const notes = (seen: Seen[]) =>
    misconceptionsAnalyzer.notes!(ctx('shop', seen, 'the canary gets almost no traffic, is it broken?')).join(
      '\n',
    );
  it('cookie only, weight 0: opt-in by design', () => {
    expect(
      notes([
        ing(
          'nginx.ingress.kubernetes.io/canary=true,nginx.ingress.kubernetes.io/canary-by-cookie=beta,nginx.ingress.kubernetes.io/canary-weight=0',
        ),
      ]),
    ).toMatch(
      /cookie beta=always[\s\S]*canary-weight 0[\s\S]*only those who opt in[\s\S]*no change is needed/,
    );
  });
  it('nothing for an Ingress that is not a canary', () => {
    expect(notes([ing('<none>')])).not.toMatch(/ingress-nginx canary/);
  });
});

describe('external-dns-filter: an Ingress external-dns does not read', () => {
  const ing = observed(
    'describe_resource',
    { kind: 'Ingress', name: 'portal', namespace: 'partners' },
    'Name:         portal\nAnnotations:  <none>\nSpec:\n  ingressClassName: nginx-internal\n  rules[0].host: portal.int.example.net',
  );
  const found = observed(
    'find_objects',
    { name: 'external-dns' },
    'KIND         NAMESPACE    NAME           STATUS      AGE\nDeployment   dns-system   external-dns   Available   300d',
  );
  const dns = (flags: string) =>
    observed(
      'describe_deployment',
      { namespace: 'dns-system', name: 'external-dns' },
      `Name: external-dns\n    external-dns:\n      Args:           --source=ingress ${flags} --registry=txt`,
    );
  const task = 'portal.int.example.net does not resolve (NXDOMAIN) although the Ingress has an address';
  it('finds external-dns, then reads its arguments', () => {
    expect(externalDnsFilterAnalyzer.reads(ctx('partners', [ing], task))).toEqual([
      { tool: 'find_objects', args: { name: 'external-dns' } },
    ]);
    expect(externalDnsFilterAnalyzer.reads(ctx('partners', [ing, found], task))).toEqual([
      { tool: 'describe_deployment', args: { namespace: 'dns-system', name: 'external-dns' } },
    ]);
  });
  it('an annotation filter on the old class: the Ingress has no such annotation', () => {
    expect(
      externalDnsFilterAnalyzer.finds(
        ctx(
          'partners',
          [ing, dns('--annotation-filter=kubernetes.io/ingress.class in (nginx-public)')],
          task,
        ),
      )[0]?.cause,
    ).toMatch(
      /reads only Ingresses annotated kubernetes\.io\/ingress\.class with nginx-public[\s\S]*spec\.ingressClassName: nginx-internal/,
    );
  });
  it('nothing when its class is read, or the name resolves', () => {
    expect(
      externalDnsFilterAnalyzer.finds(ctx('partners', [ing, dns('--ingress-class=nginx-internal')], task)),
    ).toEqual([]);
    expect(
      externalDnsFilterAnalyzer.finds(
        ctx(
          'partners',
          [ing, dns('--annotation-filter=kubernetes.io/ingress.class in (nginx-public)')],
          'portal is slow',
        ),
      ),
    ).toEqual([]);
  });
});

describe('log-shipper-buffer: Fluent Bit pausing its input at Mem_Buf_Limit', () => {
  const task = 'we cannot find the 02:00 batch logs of posting-engine; the shippers run in namespace logging';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME      STATUS   AGE\nledger    Active   9d\nlogging   Active   9d',
  );
  const pods = observed(
    'list_pods',
    { namespace: 'logging' },
    'NAME              READY   STATUS    RESTARTS   AGE\nfluent-bit-57ff4   1/1     Running   0          9d',
  );
  const logs = observed(
    'get_pod_logs',
    { namespace: 'logging', name: 'fluent-bit-57ff4' },
    '[2026/01/15 02:00:04] [ warn] [input] tail.0 paused (mem buf overlimit)\n[2026/01/15 02:00:09] [ info] [input] tail.0 resume (mem buf overlimit)',
  );
  const described = observed(
    'describe_pod',
    { namespace: 'logging', name: 'fluent-bit-57ff4' },
    'Name: fluent-bit-57ff4\nVolumes:\n  config:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      fluent-bit-config\n',
  );
  const cm = observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'fluent-bit-config', namespace: 'logging' },
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fluent-bit-config\n  namespace: logging\n  uid: x\ndata:\n  inputs: |\n    [INPUT]\n        Name tail\n        Mem_Buf_Limit 5MB\n',
  );
  const c = (seen: Seen[], t = task) => ctx('ledger', seen, t);
  it("reads the shipper pods of the namespace the task names, then the paused shipper's ConfigMap", () => {
    expect(logShipperBufferAnalyzer.reads(c([namespaces]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'logging' } },
    ]);
    expect(logShipperBufferAnalyzer.reads(c([namespaces, pods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'logging', name: 'fluent-bit-57ff4' } },
    ]);
    expect(
      logShipperBufferAnalyzer.reads(c([namespaces, pods, logs, described])).map((r) => r.tool),
    ).toContain('get_resource');
  });
  it('raises Mem_Buf_Limit in the ConfigMap it mounts, keeping the rest', () => {
    const [f] = logShipperBufferAnalyzer.finds(c([namespaces, pods, logs, described, cm]));
    expect(f?.cause).toMatch(/pausing at its memory buffer limit[\s\S]*Mem_Buf_Limit 5MB/);
    expect(String(f?.fix?.args['manifest'])).toMatch(/Mem_Buf_Limit 50MB/);
    expect(String(f?.fix?.args['manifest'])).not.toMatch(/uid/);
  });
  it('nothing when no log is said to be missing', () => {
    expect(
      logShipperBufferAnalyzer.finds(c([namespaces, pods, logs, described, cm], 'posting-engine is slow')),
    ).toEqual([]);
  });
});
