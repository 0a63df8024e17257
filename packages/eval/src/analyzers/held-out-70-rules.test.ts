// Table tests of the general rules written after held-out set 70's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { ownerOf } from '../baseline/reading.js';
import { errorLines, quickFailuresBehindClientGone } from './app-errors.js';
import { clientGoneSearchAnalyzer, DECISIVE_PATTERN } from './client-gone-search.js';
import { droppedSidecarAnalyzer } from './dropped-sidecar.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { portHolderAnalyzer } from './port-holder.js';

describe('dropped-sidecar: a rollout removed a sidecar the program still reaches on localhost', () => {
  const NS = 'tracker';
  const POD = 'bugs-zv5mnsnzk-cvmjq';
  const history = (current: string) =>
    observed(
      'get_rollout_history',
      { namespace: NS, name: 'bugs' },
      `deployment.apps/bugs\n${table([
        ['REVISION', 'CHANGE-CAUSE', 'IMAGES'],
        ['1', 'with mysql sidecar', 'bugs=reg/bugs:5,mysql=mysql:5.7.44'],
        ['2 (current)', 'OPS-1: drop the mysql sidecar, use the shared MariaDB in shared-db', current],
      ])}`,
    );
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['tracker', 'Active', '1d'],
      ['shared-db', 'Active', '1d'],
    ]),
  );
  const services = observed(
    'list_services',
    { namespace: 'shared-db' },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'],
      ['mariadb', 'ClusterIP', '10.96.0.9', '3306/TCP'],
      ['backup', 'ClusterIP', '10.96.0.10', '8080/TCP'],
    ]),
  );
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({
      ns: NS,
      name: POD,
      container: 'bugs',
      env: { DB_HOST: 'localhost', DB_PORT: '3306', DB_USER: 'bugs' },
    }),
  );
  const socketLine =
    "Error: Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2 \"No such file or directory\")";

  it('points the loopback variable at the Service the change cause names, by the port beside it', () => {
    const seen = [log(NS, POD, [socketLine]), history('bugs=reg/bugs:5'), namespaces, services, described];
    const [f] = droppedSidecarAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause).toContain('removed its mysql container');
    expect(f?.cause).toContain('DB_HOST still says localhost');
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'bugs',
        container: 'bugs',
        set: [{ name: 'DB_HOST', value: 'mariadb.shared-db.svc' }],
      },
      text: 'set DB_HOST of bugs/bugs to mariadb.shared-db.svc, instead of localhost',
    });
  });

  it('asks for the history, then the namespaces and the Services the change cause names', () => {
    expect(droppedSidecarAnalyzer.reads(ctx(NS, [log(NS, POD, [socketLine])]))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: NS, name: 'bugs' } },
    ]);
    const reads = droppedSidecarAnalyzer.reads(
      ctx(NS, [log(NS, POD, [socketLine]), history('bugs=reg/bugs:5')]),
    );
    expect(reads).toContainEqual({ tool: 'describe_pod', args: { namespace: NS, name: POD } });
    expect(reads).toContainEqual({ tool: 'list_resources', args: { kind: 'Namespace' } });
    expect(
      droppedSidecarAnalyzer.reads(
        ctx(NS, [log(NS, POD, [socketLine]), history('bugs=reg/bugs:5'), namespaces, described]),
      ),
    ).toEqual([{ tool: 'list_services', args: { namespace: 'shared-db' } }]);
  });

  it('says which setting to add when no variable holds localhost (the program defaults to it)', () => {
    const redis =
      'Error from Redis: Redis connection to 127.0.0.1:6379 failed - connect ECONNREFUSED 127.0.0.1:6379';
    const h = observed(
      'get_rollout_history',
      { namespace: NS, name: 'bugs' },
      `deployment.apps/bugs\n${table([
        ['REVISION', 'CHANGE-CAUSE', 'IMAGES'],
        ['1', 'chart 3', 'bugs=reg/bugs:5,redis=redis:7.2-alpine'],
        [
          '2 (current)',
          'chart 4: redis sidecar removed (shared redis in namespace cache)',
          'bugs=reg/bugs:5',
        ],
      ])}`,
    );
    const ns2 = observed(
      'list_resources',
      { kind: 'Namespace' },
      table([
        ['NAME', 'STATUS', 'AGE'],
        ['tracker', 'Active', '1d'],
        ['cache', 'Active', '1d'],
      ]),
    );
    const svc = observed(
      'list_services',
      { namespace: 'cache' },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'],
        ['redis', 'ClusterIP', '10.96.0.7', '6379/TCP'],
      ]),
    );
    const d = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env: { APP_DB: 'pg.db' } }),
    );
    const [f] = droppedSidecarAnalyzer.finds(ctx(NS, [log(NS, POD, [redis]), h, ns2, svc, d]));
    expect(f?.cause).toContain('the Service redis in namespace cache (redis.cache.svc, port 6379)');
    expect(f?.fix).toBeUndefined();
  });

  it('reads the repository of an image from a registry with a port', () => {
    const h = observed(
      'get_rollout_history',
      { namespace: NS, name: 'bugs' },
      `deployment.apps/bugs\n${table([
        ['REVISION', 'CHANGE-CAUSE', 'IMAGES'],
        ['1', 'with mysql sidecar', 'bugs=reg/bugs:5,db=registry.example:5000/infra/mysql:5.7'],
        [
          '2 (current)',
          'OPS-1: drop the mysql sidecar, use the shared MariaDB in shared-db',
          'bugs=reg/bugs:5',
        ],
      ])}`,
    );
    const [f] = droppedSidecarAnalyzer.finds(
      ctx(NS, [log(NS, POD, [socketLine]), h, namespaces, services, described]),
    );
    expect(f?.cause).toContain('removed its db container (registry.example:5000/infra/mysql:5.7)');
  });

  it.each([
    ['the sidecar is still there', 'bugs=reg/bugs:5,mysql=mysql:5.7.44', socketLine],
    ['the failure names another server', 'bugs=reg/bugs:5', 'connect ECONNREFUSED 127.0.0.1:9000 (php-fpm)'],
    ['no loopback in the failure', 'bugs=reg/bugs:5', "Can't connect to MySQL server on 'db.prod' (111)"],
  ])('finds nothing when %s', (_, current, line) => {
    expect(
      droppedSidecarAnalyzer.finds(
        ctx(NS, [log(NS, POD, [line]), history(current), namespaces, services, described]),
      ),
    ).toEqual([]);
  });
});

describe('glosses: settings joined on one line, data in a newer format', () => {
  it('reads a value that runs into the next setting as two joined lines', () => {
    const g = glossOf(
      'postfix/postscreen[230]: fatal: bad numerical configuration: smtpd_client_connection_count_limit = 25readme_directory = /usr/share/doc',
    );
    expect(g?.means).toContain("two lines of Postfix's main.cf were joined into one");
    expect(g?.means).toContain('put readme_directory back on a line of its own');
    expect(glossOf('app[1]: error: bad value: limit = 25 retries = 3')).toBeUndefined();
    expect(glossOf('level=info msg="config" a=1 b=2')).toBeUndefined();
  });

  it('is bounded on a long line of equals signs', () => {
    expectBounded(
      () => glossOf(`fatal: bad ${'a=1'.repeat(1300)}`),
      () => glossOf(`fatal: bad ${'a 1'.repeat(1300)}`),
    );
  });

  it('reads an unsupported format version as data written by a newer version', () => {
    expect(
      glossOf('error loading snapshot epoch: 112: unsupportred snapshot format version: 3')?.means,
    ).toContain('written by a newer version of the program');
  });
});

describe('error lines: syslog levels, slash-dated Go lines, JSON messages that open with Error', () => {
  it.each([
    ['postfix/postscreen[230]: fatal: bad numerical configuration'],
    ['2026/10/06 07:02:12 error loading snapshot epoch: 112'],
    ['{"level":"debug","message":"Error loading index: posts"}'],
  ])('%s is a failure line', (line) => {
    expect(errorLines(line)).toEqual([line]);
  });

  it.each([['postfix/master[90]: warning: process exited'], ['2026/10/06 07:02:12 loading snapshot']])(
    '%s is not',
    (line) => {
      expect(errorLines(line)).toEqual([]);
    },
  );
});

describe('client-gone-search: broken pipes in the tail, quick 5xx answers', () => {
  const NS = 'blog';
  const POD = 'blog-mbbsfkc6n-h8dbh';
  const pipe =
    'ERROR: 2026/11/12 10:40:34 handle.go:539: [Web handler] 500: write tcp 10.244.0.12:8080->10.244.0.13:52210: write: broken pipe';

  it('searches the whole log when the 500s were answered within a second', () => {
    const tail = [pipe, '2026/11/12 10:40:34 "GET /a-post" 500 2.9ms "Mozilla/5.0"'];
    expect(quickFailuresBehindClientGone(errorLines(tail.join('\n')))).toBe(true);
    expect(clientGoneSearchAnalyzer.reads(ctx(NS, [log(NS, POD, tail)]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: { namespace: NS, name: POD, pattern: DECISIVE_PATTERN, context: 0, maxMatches: 5 },
      },
    ]);
  });

  it.each([
    ['slow 500s (a proxy timeout cut them)', [pipe, '"POST /convert" 504 30.01s']],
    ['no access line with a time', [pipe]],
    ['another failure in the tail', [pipe, '"GET /a" 500 3ms', 'ERROR: database is locked']],
  ])('leaves it with %s', (_, tail) => {
    expect(clientGoneSearchAnalyzer.reads(ctx(NS, [log(NS, POD, tail)]))).toEqual([]);
  });
});

describe("ownerOf: a pod's Deployment is the one its ReplicaSet's name ends in a hash after", () => {
  it('takes edgedb-pg, not the shorter edgedb, for ReplicaSet edgedb-pg-7fms5bkjt', () => {
    const deps = [{ name: 'edgedb' }, { name: 'edgedb-pg' }] as never;
    expect(ownerOf('edgedb-pg-7fms5bkjt-b62sk', deps, 'Controlled By:  ReplicaSet/edgedb-pg-7fms5bkjt')).toBe(
      'edgedb-pg',
    );
    expect(ownerOf('edgedb-7fms5bkjt-b62sk', deps, 'Controlled By:  ReplicaSet/edgedb-7fms5bkjt')).toBe(
      'edgedb',
    );
  });
});

describe('port-holder: another pod on the node already listens on the port', () => {
  const NS = 'olap';
  const POD = 'doris-be-x9l7thf4zs-hh554';
  const bind =
    'W0714 08:44:04.310524  1 ev_http_server.cpp:159] failed to bind http server on 0.0.0.0:8040: Address already in use';
  const listed = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      [POD, '0/1', 'CrashLoopBackOff', '16', '60m', '10.244.0.13', 'olap-1'],
    ]),
  );
  const node = observed(
    'describe_node',
    { name: 'olap-1' },
    [
      'Name: olap-1',
      'Non-terminated Pods: (2 in total)',
      '  Namespace   Name                        CPU Requests',
      '  logging     hostlog-agent-lw6lq         0m',
      `  olap        ${POD}   4000m`,
      'Allocated resources:',
    ].join('\n'),
  );
  const searched = (line: string) =>
    observed(
      'search_pod_logs',
      { namespace: 'logging', name: 'hostlog-agent-lw6lq', pattern: ':8040', context: 0, maxMatches: 3 },
      `1 line(s) match ":8040" in the newest 7 line(s) read\n7:${line}`,
    );
  const seen = (extra: ReturnType<typeof observed>[]) => [
    listed,
    log(NS, POD, [bind], { previous: true }),
    ...extra,
  ];

  it('reads the node, then searches its other pods for the port (not a time of day or a source line)', () => {
    expect(portHolderAnalyzer.reads(ctx(NS, seen([])))).toEqual([
      { tool: 'describe_node', args: { name: 'olap-1' } },
    ]);
    expect(portHolderAnalyzer.reads(ctx(NS, seen([node])))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'logging',
          name: 'hostlog-agent-lw6lq',
          pattern: ':8040',
          context: 0,
          maxMatches: 3,
        },
      },
    ]);
  });

  it('names the pod whose log says it listens there', () => {
    const [f] = portHolderAnalyzer.finds(
      ctx(NS, seen([node, searched('INFO api: API server running. address=0.0.0.0:8040')])),
    );
    expect(f?.cause).toContain(
      'pod hostlog-agent-lw6lq (hostlog-agent in namespace logging) already listens on port 8040',
    );
    expect(f?.cause).toContain('hostNetwork');
  });

  it.each([
    ['a line that only calls the port', 'WARN retrying POST http://10.0.0.5:8040/api'],
    ['another port', 'INFO API server running. address=0.0.0.0:80401'],
  ])('finds nothing with %s', (_, line) => {
    expect(portHolderAnalyzer.finds(ctx(NS, seen([node, searched(line)])))).toEqual([]);
  });
});
