// What the baseline takes a task to be about: the workload the person names as failing, not a
// dependency their hunch blames; a prefix typed for generated names; a phrase that only looks like a
// namespace. Each row is a small world run through the eval.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead as head } from '../__fixtures__/baseline-answer.js';
import { forbidsChanges, loggingWorkload, productName } from '../baseline-model.js';

const crashAndCache = `cluster:
  namespaces: [comms, data]
  nodes: [{ name: n1 }]
  deployments:
    - name: mailer
      namespace: comms
      replicas: 1
      containers:
        - name: mailer
          image: comms/mailer:2
          behavior:
            crash:
              exitCode: 1
              logs:
                - "mailer 2.0 starting"
                - "================================"
                - " Missing environment variables:"
                - "    QUEUE_URL: connection string for the job queue"
                - "================================"
  pods:
    - { name: cache-main-0, namespace: data, containers: [{ name: cache, image: redis:7.2, ports: [6379] }] }
  services:
    - { name: cache-main, namespace: data, selector: { app: cache }, ports: [6379] }
`;

describe('the baseline finds what the task is about', () => {
  it('the workload named as failing ("mailer pods in comms"), not the dependency a hunch blames', async () => {
    const text = await baselineAnswer(
      head(
        'target-kinded',
        'comms',
        'mailer pods in comms are in CrashLoopBackOff. The queue is on cache-main in data, I bet it fell over again. What is wrong?',
      ) + crashAndCache,
    );
    expect(text).toMatch(/deployment mailer .* in namespace comms/);
    // envalid's format: the header, then one indented NAME: description per variable.
    expect(text).toMatch(/a required environment variable QUEUE_URL is missing/);
  });

  it('the first pasted name placed in a namespace ("mail-out in namespace comms cannot reach …"), not the longer name it cannot reach', async () => {
    const world = crashAndCache
      .replace(/name: mailer\n/, 'name: mail-out\n')
      .replace('cache-main', 'cache-main-primary');
    const text = await baselineAnswer(
      head(
        'target-placed',
        'comms',
        'Since 09:10 mail-out in namespace comms cannot reach cache-main-primary, and mail is queueing. Find the root cause.',
      ) + world,
    );
    expect(text).toMatch(/deployment mail-out .* in namespace comms/);
  });

  it('the name errors come "from" in a namespace is the subject, not a connection target', async () => {
    const world = crashAndCache
      .replace(/name: mailer\n/, 'name: mail-out\n')
      .replace('cache-main', 'cache-main-primary');
    const text = await baselineAnswer(
      head(
        'target-from',
        'comms',
        'Since 09:10 mail fails with "queue unavailable" from mail-out in namespace comms. The data team says the cache-main-primary migration went fine. Find the root cause.',
      ) + world,
    );
    expect(text).toMatch(/deployment mail-out .* in namespace comms/);
  });

  it('a name typed as a prefix ("digest-..."), and "a namespace audit" is not a namespace', async () => {
    const text = await baselineAnswer(
      `${head(
        'target-prefix',
        'reporting',
        'Doing a namespace audit: in reporting I see digest-... pods that are 0/1 and Completed. Are they stuck?',
      )}cluster:
  namespaces: [reporting, other]
  nodes: [{ name: n1 }]
  pods:
    - { name: digest-29311-abcde, namespace: reporting, phase: Succeeded, containers: [{ name: digest, image: rep/digest:1 }], state: { terminated: { reason: Completed, exitCode: 0 } } }
  deployments:
    - { name: api, namespace: reporting, replicas: 1, containers: [{ name: api, image: rep/api:1 }] }
`,
    );
    expect(text).toMatch(/reporting/);
    expect(text).not.toMatch(/in audit\b/);
    expect(text).toMatch(/Completed/);
  });

  it('the service a named workload fails to reach in another namespace, when every namespace named is quiet', async () => {
    const world = (log: string) =>
      `${head(
        'target-logged-dependency',
        'observability',
        'Traces stopped around 06:00. web in shop is logging export errors. I think tempo in the tracing namespace is broken, can you check?',
      )}cluster:
  namespaces: [shop, tracing, observability]
  nodes: [{ name: n1 }]
  deployments:
    - { name: web, namespace: shop, replicas: 1, containers: [{ name: web, image: shop/web:1, behavior: { logs: ["GET / 200", ${JSON.stringify(log)}] } }] }
    - { name: tempo, namespace: tracing, replicas: 1, containers: [{ name: tempo, image: grafana/tempo:2.6.1 }] }
    - name: collector
      namespace: observability
      replicas: 1
      containers:
        - name: collector
          image: otel/opentelemetry-collector-contrib:0.111.0
          behavior: { crash: { exitCode: 1, logs: ["Error: failed to get config: cannot unmarshal the configuration"] } }
`;
    const followed = await baselineAnswer(
      world(
        'WARN traces export: failed to export to collector.observability.svc:4317: connect: connection refused',
      ),
    );
    expect(followed).toMatch(/deployment collector .* in namespace observability/);
    // A healthy line naming the service is not a failure to follow.
    const quiet = await baselineAnswer(world('INFO exporting traces to collector.observability.svc:4317'));
    expect(quiet).not.toMatch(/in namespace observability/);
  });
});

describe('loggingWorkload: the workload a task says logs errors', () => {
  it.each([
    ['checkout in shop is logging OTLP export errors', { workload: 'checkout', namespace: 'shop' }],
    ['The payments-api logs show timeouts calling fraud-scoring', { workload: 'payments-api' }],
    ["web's logs show 502s from orders", { workload: 'web' }],
    ['api pods in prod keep logging connection resets', { workload: 'api', namespace: 'prod' }],
    ['Checkout is failing since the chart switch', undefined],
    ['logging is broken in the cluster', undefined],
    [
      'Alert from pricing-bff (frontend namespace): error rate 100%. Its logs say connection refused',
      { workload: 'pricing-bff', namespace: 'frontend' },
    ],
    [
      'The order-sync pods in batch restart. Their logs show timeouts',
      { workload: 'order-sync', namespace: 'batch' },
    ],
    ['Something is down. Its logs say nothing', undefined],
  ])('%s', (task, workload) => {
    expect(loggingWorkload(task)).toEqual(workload);
  });
});

describe('a namespace put off limits', () => {
  it('is not where to look when the alert names another ("Do not change anything in the data namespace")', async () => {
    const text = await baselineAnswer(
      `${head(
        'target-off-limits',
        'comms',
        'Mail has stopped going out since this morning. The DBAs patched the cache last night. Do not change anything in the data namespace.',
      )}alert:
  name: MailQueueBacklog
  severity: warning
  summary: mail queue backlog above 500 for 15 minutes
  labels: { namespace: comms }
${crashAndCache}`,
    );
    expect(text).toMatch(/deployment mailer .* in namespace comms/);
  });
});

describe('old restarts', () => {
  it('exit code 255 with reason Unknown, long ago, is read as a node reboot, not a crash', async () => {
    const text = await baselineAnswer(
      `${head('old-255', 'ledger', 'the dashboard shows restarts on ledger-api in the ledger namespace; is it crashing or OOMKilled?')}cluster:
  now: 2027-05-10T09:00:00Z
  namespaces: [ledger]
  nodes: [{ name: n1, age: 90d }]
  deployments:
    - name: ledger-api
      namespace: ledger
      replicas: 1
      age: 30d
      containers: [{ name: api, image: ledger/api:2, behavior: { logs: ["listening on :8080"] } }]
      pods:
        - { age: 20d, restarts: 1, state: { running: { startedAt: "2027-05-06T03:12:40Z" } }, lastState: { terminated: { reason: Unknown, exitCode: 255, ago: 101h } } }
`,
    );
    expect(text).toMatch(
      /reason Unknown and exit code 255: that is what a container shows when its node rebooted/,
    );
    expect(text).not.toMatch(/OOMKilled \(137\) every/);
  });
});

describe('productName: a namespace name written only as a product name', () => {
  it.each([
    ['Is Vault down, or is the job stuck?', 'vault', true],
    ['Is vault down?', 'vault', false],
    ['Every deploy from CI fails; the CI runner lost access.', 'ci', false],
    ['Partners report a certificate warning.', 'partners', false],
    ['The portal. Partners report it.', 'partners', false],
    ['nothing about it here', 'vault', false],
  ])('%s (%s)', (task, ns, want) => {
    expect(productName(task, ns)).toBe(want);
  });
});

describe('forbidsChanges: a task that asks for no change at all', () => {
  it.each([
    ['Find the root cause; do not change anything.', true],
    ["Don't change anything yet, just tell me why.", true],
    ['No changes please, read only.', true],
    ['Find the root cause before we do that; change nothing.', true],
    ["Don't change anything outside payments.", false],
    ["don't change anything unless something is clearly broken", false],
    ["please don't touch other workloads", false],
    ['You may restart it if needed.', false],
  ])('%s → %s', (task, want) => {
    expect(forbidsChanges(task)).toBe(want);
  });
});
