import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../../../__fixtures__/baseline-answer.js';
import { configMapMountNote, livenessKill, loopbackTarget, shellCheck } from './crash.js';

const world = (restarts: number) => `schemaVersion: 1
id: crash-settled
title: crash-settled table test
difficulty: easy
namespace: books
task: "ledger in namespace books shows restarts since last night, is it crashing?"
cluster:
  namespaces: [books]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      containers: [{ name: ledger, image: books/ledger:3, behavior: { logs: ['listening on :8080'] } }]
      pods:
        - restarts: ${restarts}
          ready: true
          state: { running: { startedAt: "2026-09-12T07:01:44Z" } }
          lastState: { terminated: { reason: Unknown, exitCode: 255, ago: 9h } }
expect:
  rootCause: { mustMention: [ledger] }
`;

const crashing = (logs: string) => `schemaVersion: 1
id: crash-lines
title: crash-lines table test
difficulty: easy
namespace: books
task: "ledger in namespace books keeps crashing"
cluster:
  namespaces: [books]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      containers: [{ name: ledger, image: books/ledger:3, behavior: { crash: { exitCode: 1, logs: [${logs}] } } }]
expect:
  rootCause: { mustMention: [ledger] }
`;

const answer = (restarts: number | string) =>
  baselineAnswer(typeof restarts === 'string' ? restarts : world(restarts), 'crash-settled.yaml');

const redis = (logs: string) => `schemaVersion: 1
id: redis-oom
title: redis-oom table test
difficulty: easy
namespace: cache
task: "sessions-redis in namespace cache keeps getting OOMKilled"
cluster:
  namespaces: [cache]
  nodes: [{ name: n1, memory: 16Gi }]
  deployments:
    - name: sessions-redis
      namespace: cache
      containers: [{ name: redis, image: redis:7.2, resources: { limits: { memory: 2Gi } } }]
      pods:
        - restarts: 6
          state: { waiting: { reason: CrashLoopBackOff } }
          lastState: { terminated: { reason: OOMKilled, exitCode: 137, ago: 2m } }
          previousLogs: [${logs}]
expect:
  rootCause: { mustMention: [redis] }
`;

describe('oom-killed signature', () => {
  it('names the Redis fork for a background save behind the kill', async () => {
    expect(
      await answer(redis("'* Ready to accept connections', '* Background saving started by pid 88'")),
    ).toMatch(/Redis forks for the RDB snapshot, and the child's copy-on-write pages/);
    expect(await answer(redis("'* Ready to accept connections'"))).not.toMatch(/copy-on-write/);
  });
});

describe('crash signature', () => {
  it('does not call a container Running again after one restart a crash on start', async () => {
    expect(await answer(1)).not.toMatch(/crashes on start/);
  });
  it("names the missing variable, not the line's log level", async () => {
    expect(await answer(crashing("'ERROR LEDGER_DSN is not set'"))).toMatch(
      /required environment variable LEDGER_DSN is missing/,
    );
  });
  it("names the variable a Python program's os.environ lookup misses", async () => {
    expect(
      await answer(
        crashing(
          `'Traceback (most recent call last):', "    DB = os.environ['DATABASE_URL']", '  File "<frozen os>", line 714, in __getitem__', "KeyError: 'DATABASE_URL'"`,
        ),
      ),
    ).toMatch(/required environment variable DATABASE_URL is missing/);
  });
  it('does not take a missing config file for a missing command', async () => {
    const text = await answer(crashing("'open /etc/ledger/config.yaml: no such file or directory'"));
    expect(text).not.toMatch(/command is not found/);
    expect(text).toMatch(/config\.yaml/);
  });
  it.each([
    ["'WARN env RETENTION_DAYS not set, using default 400', 'FATAL pq: SSL is not enabled on the server'"],
    ["'REGION not set, defaulting to eu-west-1', 'panic: open /data/ledger.db: permission denied'"],
    ["'LOG_FORMAT is not set; falling back to text', 'fatal: listen tcp :80: bind: permission denied'"],
  ])('does not take a variable the program goes on without for the missing one: %s', async (logs) => {
    expect(await answer(crashing(logs))).not.toMatch(/required environment variable/);
  });
  it('does not take a warning that data "will be unavailable" for an unavailable dependency', async () => {
    const text = await answer(
      crashing(
        "'Storing keys in a directory that may not be persisted. Protected data will be unavailable when container is destroyed.', 'Unhandled exception. System.IO.FileNotFoundException: appsettings.json'",
      ),
    );
    expect(text).not.toMatch(/dependency/);
    expect(text).toMatch(/FileNotFoundException/);
  });
  it("reads Node's ETIMEDOUT as a connection to a dependency that fails", async () => {
    expect(await answer(crashing("'[ioredis] Unhandled error event: Error: connect ETIMEDOUT'"))).toMatch(
      /dependency[\s\S]{0,80}unavailable: \[ioredis\] Unhandled error event: Error: connect ETIMEDOUT/,
    );
  });
  it.each([
    // A runtime's hint after a panic names a variable only to get more detail: no variable is missing.
    [
      [
        '"thread \'main\' panicked at src/main.rs:57:10:"',
        "'failed to load /etc/ledger/ledger.toml: TOML parse error at line 9, column 1'",
        "'  |'",
        "'9 | [upstream]'",
        "'  | ^^^^^^^^^^'",
        "'missing field `timeout_ms`'",
        "'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace'",
      ].join(', '),
      /missing field `timeout_ms`/,
    ],
    ["'Error: boom', '(Use `node --trace-warnings ...` to show where the warning was created)'", /boom/],
  ])('does not read a runtime hint as a missing variable: %s', async (logs, cause) => {
    const text = await answer(crashing(logs));
    expect(text).not.toMatch(/required environment variable/);
    expect(text).toMatch(cause);
  });
  it('still reads a container that keeps restarting as crashing', async () => {
    expect(await answer(7)).toMatch(/crashes on start with exit code 255/);
  });
});

const configWorld = (line: string) => `schemaVersion: 1
id: crash-config
title: crash-config table test
difficulty: easy
namespace: books
task: "ledger in namespace books keeps crashing"
cluster:
  namespaces: [books]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      volumes: [{ name: cfg, configMap: { name: ledger-config } }]
      containers:
        - name: ledger
          image: books/ledger:3
          volumeMounts: [{ name: cfg, mountPath: /etc/ledger }]
          behavior: { crash: { exitCode: 1, logs: ['loading settings from /etc/ledger/settings.json', ${JSON.stringify(line)}] } }
  objects:
    - { apiVersion: v1, kind: ConfigMap, metadata: { name: ledger-config, namespace: books }, data: { settings.json: "{" } }
expect:
  rootCause: { mustMention: [ledger] }
`;

describe('crash signature: a configuration file that does not parse', () => {
  it.each([
    [
      'Python',
      'json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 9 column 3 (char 214)',
    ],
    ['Node', 'SyntaxError: Unexpected token } in JSON at position 214'],
    ['Go', "invalid character '}' looking for beginning of object key string"],
    ['Rust', 'Error: trailing comma at line 9 column 3'],
  ])('%s: names the file and the ConfigMap mounted at its directory', async (_, line) => {
    const text = await answer(configWorld(line));
    expect(text).toMatch(
      /configuration file \/etc\/ledger\/settings\.json, mounted from ConfigMap ledger-config/,
    );
    expect(text).toMatch(/fix the configuration in ConfigMap ledger-config/);
  });
});

describe('crash signature: restarts long past', () => {
  it('does not call a container Running and Ready for two days a crash loop', async () => {
    const past = world(9)
      .replace('ago: 9h', 'ago: 46h')
      .replace('2026-09-12T07:01:44Z', '2026-09-10T07:01:44Z');
    const text = await answer(past);
    expect(text).not.toMatch(/crashes on start/);
    expect(text).toMatch(/the last one was 46h ago/);
  });
});

const brokerWorld = (replicas: number) => `schemaVersion: 1
id: crash-dependency
title: crash-dependency table test
difficulty: easy
namespace: orders
task: "order-events in orders keeps restarting"
cluster:
  namespaces: [orders, messaging]
  nodes: [{ name: n1 }]
  deployments:
    - name: order-events
      namespace: orders
      containers:
        - name: consumer
          image: shop/order-events:4
          behavior:
            dependencies:
              - service: rabbitmq
                namespace: messaging
                port: 5672
                exitCode: 1
                logs: ["connecting to amqp://orders:pw@rabbitmq.messaging.svc.cluster.local:5672/orders", "Error: connect ECONNREFUSED 10.96.40.17:5672"]
    - name: rabbitmq
      namespace: messaging
      replicas: ${replicas}
      containers: [{ name: rabbitmq, image: rabbitmq:3.13, ports: [5672], behavior: { listenPorts: [5672] } }]
  services:
    - { name: rabbitmq, namespace: messaging, clusterIP: 10.96.40.17, selector: { app: rabbitmq }, ports: [{ port: 5672, targetPort: 5672 }] }
expect:
  rootCause: { mustMention: [rabbitmq] }
`;

describe('crash signature: a dependency in another namespace that refuses connections', () => {
  it('follows the URL to the service in its namespace and names the deployment scaled to zero', async () => {
    const text = await answer(brokerWorld(0));
    expect(text).toMatch(/dependency \(rabbitmq in namespace messaging\)/);
    expect(text).toMatch(/deployment rabbitmq in namespace messaging is scaled to zero/);
    expect(text).toMatch(/scale deployment rabbitmq in namespace messaging back up/);
  });
});

describe('an exec liveness probe whose command the image lacks', () => {
  const probed = (probe: string) => `schemaVersion: 1
id: exec-probe
title: exec-probe table test
difficulty: easy
namespace: books
task: "ledger in namespace books keeps restarting since the new base image"
cluster:
  namespaces: [books]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      containers:
        - name: ledger
          image: books/ledger:4
          livenessProbe: { exec: { command: [${probe}, "-f", "http://localhost:8080/healthz"] }, periodSeconds: 10 }
          behavior: { executables: [/ledger], listenPorts: [8080], http: [{ port: 8080, path: /healthz }], logs: ['listening on :8080'] }
expect:
  rootCause: { mustMention: [ledger] }
`;
  it.each(['curl', 'wget'])('is the probe missing %s, not the container command', async (tool) => {
    const text = await baselineAnswer(probed(tool), 'exec-probe.yaml');
    expect(text).not.toMatch(/its command is not found/);
    expect(text).toMatch(new RegExp(`liveness probe runs "${tool}", which is not in the image`));
  });
});

describe('livenessKill: exit 137 without OOMKilled and a health check slower than the probe waits', () => {
  const body = (timeout: number) =>
    `    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    137\n    Liveness:       http-get :5000/healthcheck delay=0s timeout=${timeout}s period=10s #failure=3\n`;
  it.each([
    ['INFO healthcheck: db=ok (1.21s) cache=ok (0.31s) total=1.58s', 1, 1.58, 5],
    ['10.0.0.1 - "GET /healthcheck HTTP/1.1" 200 12 2310ms', 2, 2.31, 7],
  ])('%s', (log, timeout, latency, raised) => {
    const got = livenessKill(137, 'Error', body(timeout), `booting\n${log}`);
    expect(got).toMatchObject({ path: '/healthcheck', latency, current: timeout, timeout: raised });
    expect(got?.probe).toMatchObject({ httpGet: { path: '/healthcheck', port: 5000 } });
  });
  it('nothing for an OOM kill, another exit code, a fast check or no timing in the log', () => {
    const log = 'INFO healthcheck: total=1.58s';
    expect(livenessKill(137, 'OOMKilled', body(1), log)).toBeUndefined();
    expect(livenessKill(1, 'Error', body(1), log)).toBeUndefined();
    expect(livenessKill(137, 'Error', body(5), log)).toBeUndefined();
    expect(livenessKill(137, 'Error', body(1), 'INFO healthcheck ok')).toBeUndefined();
  });
});

describe('loopbackTarget: a failing connection to localhost, which inside a pod is the pod itself', () => {
  it.each([
    [
      "urllib3.exceptions.MaxRetryError: HTTPConnectionPool(host='localhost', port=80): Max retries exceeded (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))",
      'localhost:80',
    ],
    ['dial tcp 127.0.0.1:15001: connect: connection refused', '127.0.0.1:15001'],
    ['Error: connect ECONNREFUSED [::1]:8080', '[::1]:8080'],
  ])('%s', (line, address) => {
    expect(loopbackTarget(`starting\n${line}`)?.address).toBe(address);
  });
  it('nothing for a listen line or another host', () => {
    expect(loopbackTarget('listening on 127.0.0.1:8080')).toBeUndefined();
    expect(loopbackTarget('dial tcp redis:6379: connect: connection refused')).toBeUndefined();
    expect(loopbackTarget('dial tcp my-localhost:80: connect: connection refused')).toBeUndefined();
  });
});

describe('shellCheck: the variable an entrypoint stops on, from its set -x trace', () => {
  it('finds the variable whose value is an operand of the test just before the exit line', () => {
    const log =
      "[init] starting\n[init] TRACE_STARTUP=false\n[init] + '[' false '!=' true ']'\n[init] tracing not enabled, aborting";
    expect(shellCheck(log, '[init] tracing not enabled, aborting')).toMatchObject({
      variable: 'TRACE_STARTUP',
      value: 'false',
    });
  });
  it('nothing without a test line, or when no printed variable is an operand', () => {
    expect(shellCheck('MODE=prod\nfatal: no config', 'fatal: no config')).toBeUndefined();
    expect(
      shellCheck("MODE=prod\n+ '[' -f /etc/app.conf ']'\nfatal: no config", 'fatal: no config'),
    ).toBeUndefined();
  });
});

describe('configMapMountNote: a path on a ConfigMap volume in the crash line', () => {
  const body = (mount: string) => `    Mounts:\n      ${mount}\n`;
  const pod =
    'Volumes:\n  conf:\n    Type:     ConfigMap (a volume populated by a ConfigMap)\n    Name:     render-config\n';
  it('a file the image ships, hidden by a ConfigMap mounted over its directory', () => {
    expect(
      configMapMountNote(
        '/opt/render/bin/start.sh: line 41: /opt/render/conf/templates/invoice.xsl: No such file or directory',
        body('/opt/render/conf from conf (rw)'),
        pod,
      ),
    ).toMatch(/mounted over the whole directory \/opt\/render\/conf \(no subPath\)/);
  });
  it('a write into a ConfigMap volume, which is read-only', () => {
    expect(
      configMapMountNote(
        "OSError: [Errno 30] Read-only file system: '/opt/render/conf/x.py'",
        body('/opt/render/conf from conf (rw)'),
        pod,
      ),
    ).toMatch(/always mounted read-only/);
  });
  it('nothing for a subPath mount, or a path on no ConfigMap', () => {
    expect(
      configMapMountNote(
        '/opt/render/conf/a.xsl: No such file or directory',
        body('/opt/render/conf/settings.properties from conf (rw,path="settings.properties")'),
        pod,
      ),
    ).toBeUndefined();
    expect(
      configMapMountNote(
        '/var/lib/x: No such file or directory',
        body('/opt/render/conf from conf (rw)'),
        pod,
      ),
    ).toBeUndefined();
  });
});
