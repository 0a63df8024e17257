// The task's own workload before an unrelated one: the reorder itself (table rows over findings), and the
// baseline on small worlds where a neighbour the task does not name fails beside the workload it does.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead as head } from '../__fixtures__/baseline-answer.js';
import type { Finding } from '../analyzers/index.js';
import { namesWhole } from '../analyzers/types.js';
import type { SeenObservation } from '../observations.js';
import { NAMED_CAUSE_WEIGHT, namedFirst, objectNames, unquoted } from './signatures/named-first.js';

const finding = (weight: number, object: string, cause = 'it fails', evidence: string[] = []): Finding => ({
  weight,
  object,
  cause,
  evidence,
});

const obs = (tool: string, args: Record<string, unknown>, content: string, step = 0): SeenObservation =>
  ({ step, tool, args, status: 'ok', content }) as SeenObservation;

const crash = finding(
  90,
  'deployment mailer (pod mailer-6d8f7b9c5-x2k4q)',
  'the container mailer crashes on start: a required environment variable SMTP_PASSWORD is missing',
);
const named = finding(
  72,
  'deployment checkout (pod checkout-7c9d8b6f4-p8z2m)',
  'pod checkout-7c9d8b6f4-p8z2m is Running but its program logs failures',
);
const task = 'checkout in namespace shop answers 500 on every order since noon. What is wrong?';
const hints = [
  'checkout',
  'namespace',
  'shop',
  'answers',
  'every',
  'order',
  'since',
  'noon',
  'what',
  'wrong',
];

describe('namedFirst', () => {
  it.each([
    [
      'an unrelated crash outranks the named workload: the named one leads',
      [crash, named],
      task,
      [],
      'checkout',
    ],
    ['the named workload already leads', [named, crash], task, [], 'checkout'],
    [
      'the crash is of what the named one calls (its log names the Service): it stays first',
      [crash, named],
      task,
      [
        obs(
          'get_pod_logs',
          { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' },
          'ERROR mail: dial tcp mail-out:587: connection refused',
        ),
        obs(
          'list_services',
          { namespace: 'shop' },
          'NAME       TYPE        CLUSTER-IP    PORT(S)   SELECTOR\nmail-out   ClusterIP   10.96.4.2     587/TCP   app=mailer',
        ),
      ],
      'mailer',
    ],
    [
      'the crash is of what the named one calls (its environment names the Deployment): it stays first',
      [crash, named],
      task,
      [
        obs(
          'describe_pod',
          { namespace: 'shop', name: 'checkout-7c9d8b6f4-p8z2m' },
          '    Environment:\n      MAIL_HOST:  mailer',
        ),
      ],
      'mailer',
    ],
    [
      // Changed since set 105's review: naming the named workload only as the address it cannot reach makes it
      // upstream, so it leads; any other mention of it is still a tie (the next rows).
      'the top finding names the named workload only as the address it fails to reach: the named one leads',
      [
        finding(90, 'deployment mailer (pod mailer-6d8f7b9c5-x2k4q)', 'it crashes', [
          'logs: "dial tcp checkout-7c9d8b6f4-p8z2m:8080: connect: connection refused"',
        ]),
        named,
      ],
      task,
      [],
      'checkout',
    ],
    [
      'the top finding names the named workload otherwise (an analyzer tied them): a tie, it stays first',
      [
        finding(90, 'deployment mailer (pod mailer-6d8f7b9c5-x2k4q)', 'it crashes', [
          'its queue backs up because checkout sends more than it drains',
        ]),
        named,
      ],
      task,
      [],
      'mailer',
    ],
    [
      "only the other workload's own log reaches the named one: no tie, the named one leads",
      [crash, named],
      task,
      [
        obs(
          'get_pod_logs',
          { namespace: 'shop', name: 'mailer-6d8f7b9c5-x2k4q' },
          'ERROR order feed: dial tcp checkout:8080: connect: connection refused',
        ),
      ],
      'checkout',
    ],
    [
      'the named one is named only inside a quoted message: nothing moves',
      [crash, named],
      'Orders fail with "checkout: upstream error" since noon in namespace shop. What is wrong?',
      [],
      'mailer',
    ],
    [
      'the named finding is a remark below the cause weight: nothing moves',
      [crash, finding(NAMED_CAUSE_WEIGHT - 1, 'pod checkout-7c9d8b6f4-p8z2m', 'logs warnings')],
      task,
      [],
      'mailer',
    ],
    [
      'the top finding is not on a workload or a claim (a Service, a setting): nothing moves',
      [finding(93, 'service mail-spool', 'has no endpoints'), named],
      task,
      [],
      'mail-spool',
    ],
    [
      'the top finding is on a claim no named pod mounts: the named one leads',
      [finding(93, 'persistentvolumeclaim mail-spool', 'Pending'), named],
      task,
      [],
      'checkout',
    ],
    [
      'the top finding was followed to another namespace: nothing moves',
      [finding(93, 'deployment edge-cache (namespace edge)', 'times out first'), named],
      task,
      [],
      'edge-cache',
    ],
  ])('%s', (_name, findings, t, seen, lead) => {
    const hs = t === task ? hints : (t.toLowerCase().match(/[a-z0-9][a-z0-9-]{2,}/g) ?? []);
    const out = namedFirst(findings as Finding[], t as string, 'shop', hs, seen as SeenObservation[]);
    expect(objectNames(out[0]!.object)).toContain(lead);
    expect(out).toHaveLength((findings as Finding[]).length);
  });

  it("the namespace's own name names no workload (`apm` in `apm-alert-mailer`)", () => {
    const top = finding(90, 'deployment apm-alert-mailer (pod apm-alert-mailer-75cjl4jrsk-5qdkp)');
    const other = finding(70, 'pod apm-collector-5f6b8d7c4-2qwnm');
    const t = 'The APM UI in namespace apm shows no traces. What is wrong?';
    const out = namedFirst([top, other], t, 'apm', ['apm', 'shows', 'traces', 'what', 'wrong'], []);
    expect(out[0]).toBe(top);
  });
});

describe('unquoted, objectNames and namesWhole', () => {
  it.each([
    ['the portal says "Metrics handler: error" since noon', 'the portal says   since noon'],
    ['curly \u201cquoted words\u201d go too', 'curly   go too'],
    ['an unclosed "quote keeps the rest', 'an unclosed "quote keeps the rest'],
    [
      `a quote longer than 400 characters is kept "${'x'.repeat(500)}"`,
      `a quote longer than 400 characters is kept "${'x'.repeat(500)}"`,
    ],
  ])('unquoted(%j)', (text, expected) => {
    expect(unquoted(text)).toBe(expected);
  });

  it.each([
    ['deployment a-b (pod a-b-7c5d9f8b6-q2xkt)', ['a-b', 'a-b-7c5d9f8b6-q2xkt']],
    ['pod a-b-7c5d9f8b6-q2xkt', ['a-b-7c5d9f8b6-q2xkt', 'a-b']],
    ['statefulset master', ['master']],
    ['webhook x.example.com for service y', ['x.example.com']],
  ])('objectNames(%j)', (object, expected) => {
    expect(objectNames(object)).toEqual(expected);
  });

  it.each([
    ['lost connection to pad-db:5432', ['pad-db'], true],
    ['xpad-db is up', ['pad-db'], false],
    ['pad-dbx is up', ['pad-db'], false],
    ['PAD-DB down', ['pad-db'], true],
    ['db down', ['db'], false],
  ])('namesWhole(%j, %j)', (text, names, expected) => {
    expect(namesWhole(text, names)).toBe(expected);
  });
});

// A shop namespace: checkout runs and logs failed orders; an unrelated mailer crash-loops beside it.
const shop = (checkoutLog: string, mailerEnv = '') => `cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: checkout
      namespace: shop
      replicas: 1
      containers:
        - name: api
          image: shop/checkout:3.1
          ports: [{ containerPort: 8080 }]
          behavior:
            listenPorts: [8080]
            logs:
              - "checkout 3.1 listening on :8080"
              - "${checkoutLog}"
              - "GET /healthz 200"
    - name: mailer
      namespace: shop
      replicas: 1
      containers:
        - name: mailer
          image: shop/mailer:1.2
${mailerEnv}          behavior:
            crash:
              exitCode: 1
              logs:
                - "mailer 1.2 starting"
                - "FATAL: SMTP_PASSWORD is not set"
  services:
    - { name: checkout, namespace: shop, selector: { app: checkout }, ports: [8080] }
    - { name: mail-out, namespace: shop, selector: { app: mailer }, ports: [587] }
`;

describe('the baseline on a named workload beside an unrelated failure', () => {
  it("reads the named running workload's log and leads with it, the neighbour's crash listed apart", async () => {
    const text = await baselineAnswer(
      head(
        'named-first-beside',
        'shop',
        'checkout in namespace shop answers 500 on every order since noon. What is wrong?',
      ) + shop('ERROR POST /orders failed: ledger rejected the order: column orders.currency does not exist'),
    );
    expect(text).toMatch(/^Root cause: [^\n]*checkout/m);
    expect(text).toMatch(/orders\.currency does not exist/);
    expect(text).toMatch(/Also seen \(separate from this incident\): deployment mailer/);
  });

  it('keeps the neighbour first when the named workload fails on it (its log names the Service)', async () => {
    const text = await baselineAnswer(
      head(
        'named-first-tied',
        'shop',
        'checkout in namespace shop answers 500 on every order since noon. What is wrong?',
      ) + shop('ERROR POST /orders failed: receipt mail: dial tcp mail-out:587: connect: connection refused'),
    );
    expect(text).toMatch(/^Root cause: deployment mailer/m);
  });
});
