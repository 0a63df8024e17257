// A hostile review of what was written after held-out set 51's first contact: the log lines quoted in
// an answer that found no fault (askedLines), the all-clear failing the diagnosis outside negative
// controls (judgedRubric), a namespace put off limits not taken as the target, and a Java exception's
// Caused-by read past its stack frames (withContinuation). Rows that hold are plain tests; each bug
// found is an `it.skip` whose first line says what goes wrong. (The ingress change is reviewed in
// packages/tools-k8s/src/scan/ingresses-review.test.ts.)
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead as head } from './__fixtures__/baseline-answer.js';
import { askedLines } from './analyzers/asked-lines.js';
import { ctx, observed } from './analyzers/observed.fixture.js';
import { withContinuation } from './baseline/reading.js';
import { forbidsChanges } from './baseline-model.js';
import type { SeenObservation } from './observations.js';
import { checkRootCause, judgedRubric } from './scoring.js';

/** A lone surrogate: half of a pair, which no well-formed text contains. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const logOf = (name: string, lines: readonly string[]) =>
  observed('get_pod_logs', { namespace: 'ops', name }, lines.join('\n'));
const asked = (task: string, seen: SeenObservation[]) => askedLines(ctx('ops', seen, task));
/** Three stamped lines of one shape, an hour apart, then two unrelated lines (so no word is in most lines). */
const series = (text: (i: number) => string, n = 3) => [
  ...Array.from({ length: n }, (_, i) => `2026-03-24 1${i}:00:00 INFO ${text(i)}`),
  '2026-03-24 18:00:00 INFO request served',
  '2026-03-24 18:00:01 INFO request served again',
];

describe('askedLines under hostile logs', () => {
  const gpuTask = 'The embedder holds 21 GB of GPU memory even at night. That looks like a leak to me.';
  const gpu = [
    '2026-03-20 02:11:40 INFO embedder starting on cuda:0',
    '2026-03-24 14:00:00 INFO cuda memory: allocated=3.10 GiB reserved=20.84 GiB',
    '2026-03-26 14:00:00 INFO cuda memory: allocated=2.95 GiB reserved=20.84 GiB',
    '2026-03-28 14:00:00 WARN request truncated 3 inputs longer than 512 tokens',
    '2026-03-29 02:00:00 INFO cuda memory: allocated=0.71 GiB reserved=20.84 GiB',
  ];

  it('CRLF line endings: the quote has no carriage return and the series reads as with LF', () => {
    const out = asked(gpuTask, [
      logOf(
        'embedder-1',
        gpu.map((l) => `${l}\r`),
      ),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toContain('\r');
    expect(out[0]).toContain('a line logged 3 times from 2026-03-24 14:00:00 to 2026-03-29 02:00:00');
    expect(out[0]).toContain('reserved=20.84 GiB the same in every one (steady, not growing)');
  });

  it('search_pod_logs output: the N: and N- prefixes are not quoted, and the series still reads', () => {
    const search = observed(
      'search_pod_logs',
      { namespace: 'ops', name: 'embedder-1', pattern: 'cuda memory' },
      [
        '3 line(s) match "cuda memory" in the newest 40 line(s) read',
        '11-2026-03-24 13:59:59 INFO tick',
        '12:2026-03-24 14:00:00 INFO cuda memory: allocated=3.10 GiB reserved=20.84 GiB',
        '--',
        '21:2026-03-26 14:00:00 INFO cuda memory: allocated=2.95 GiB reserved=20.84 GiB',
        '--',
        '31:2026-03-29 02:00:00 INFO cuda memory: allocated=0.71 GiB reserved=20.84 GiB',
      ].join('\n'),
    );
    const out = asked(gpuTask, [search]);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('"2026-03-29 02:00:00 INFO cuda memory');
    expect(out[0]).not.toMatch(/"\d+[:-]2026/);
    expect(out[0]).toContain('from 2026-03-24 14:00:00 to 2026-03-29 02:00:00');
  });

  it('a figure that grows is a range, never steady', () => {
    const out = asked('The worker heap memory keeps growing, is it a leak?', [
      logOf(
        'worker-1',
        series((i) => `worker heap heap_used=${512 + i * 190}MiB`),
      ),
    ]);
    expect(out[0]).toContain('heap_used from 512MiB to 892MiB');
    expect(out[0]).not.toContain('steady');
  });

  it('percent and millisecond units: the steady one and the range of the other', () => {
    const out = asked('The proxy latency worries me, proxy cpu usage too', [
      logOf(
        'proxy-1',
        series((i) => `proxy stats cpu_util=85% latency=${12 + i * 3}ms`),
      ),
    ]);
    expect(out[0]).toContain('cpu_util=85% the same in every one (steady, not growing)');
    expect(out[0]).toContain('latency from 12ms to 18ms');
  });

  it('a port or a numbered id without an amount word is no measurement', () => {
    const out = asked('The listener on the gateway keeps logging rebinds, is the listener flapping?', [
      logOf(
        'gateway-1',
        series((i) => `listener rebind port=8443 worker=${i + 1}`),
      ),
    ]);
    expect(out[0]).toContain('a line logged 3 times');
    expect(out[0]).not.toMatch(/port=8443 the same|steady/);
  });

  it('a series without time stamps says how often, not from when to when', () => {
    const out = asked('The consumer lag of the billing consumer, is it growing?', [
      logOf('billing-1', [
        'billing consumer lag=5',
        'billing consumer lag=9',
        'billing consumer lag=14',
        'something else',
        'and another',
      ]),
    ]);
    expect(out[0]).toContain('a line logged 3 times, with lag from 5 to 14');
  });

  it('one line per shape: replicas logging the same line are quoted once; two logs can give two lines', () => {
    const line = 'INFO self-preservation is disabled (server.enable-self-preservation=false)';
    const task =
      'The registry shows self preservation mode is turned off, and the peer replication is failing.';
    const same = asked(task, [logOf('registry-a', [line, 'x']), logOf('registry-b', [line, 'y'])]);
    expect(same[0]!.match(/self-preservation is disabled/g)).toHaveLength(1);
    const two = asked(task, [
      logOf('registry-a', [line, 'x']),
      logOf('registry-b', ['WARN peer replication to registry-a failed: read timed out', 'y']),
    ]);
    expect(two[0]).toContain('(registry-a)');
    expect(two[0]).toContain('(registry-b)');
  });

  it('lines of only numbers, and emoji, give nothing to match and break nothing', () => {
    expect(asked('1234 5678 memory leak', [logOf('n', ['1234', '5678', '1234 5678', '90'])])).toEqual([]);
    const out = asked('self preservation mode turned off', [
      logOf('e', ['🔥🔥 self preservation mode turned off 🔥', '🚀'.repeat(50)]),
    ]);
    expect(out[0]).toContain('self preservation mode turned off');
    expect(out[0]).not.toMatch(LONE);
  });

  it('bounded: ten logs of 2,000 lines, half of them one recurring figure, in well under a second', () => {
    const big = Array.from({ length: 2000 }, (_, i) =>
      i % 2
        ? `2026-03-24 10:${String(i % 60).padStart(2, '0')}:00 INFO cuda memory: allocated=${(i / 100).toFixed(2)} GiB reserved=20.84 GiB`
        : `2026-03-24 10:00:00 INFO request ${i} served in ${i} ms`,
    );
    const t = performance.now();
    const out = asked(
      gpuTask,
      Array.from({ length: 10 }, (_, k) => logOf(`embedder-${k}`, big)),
    );
    expect(performance.now() - t).toBeLessThan(1500);
    expect(out[0]).toContain('a line logged 1000 times');
    expect(out[0]).toContain('reserved=20.84 GiB the same in every one');
  });

  it('regex bait (long dotted keys, runs of =, 2,000-char lines) finishes fast', () => {
    const bait = [
      ...Array.from({ length: 150 }, () => `memory leak ${'a.'.repeat(990)}=1`),
      ...Array.from({ length: 150 }, (_, i) => `memory leak ${'x_'.repeat(500)}${'='.repeat(400)}${i}`),
    ];
    const t = performance.now();
    asked('memory leak in the worker', [logOf('bait', bait)]);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('thousands separators read as the figure', () => {
    // BUG: a series "queue_depth=1,204", "=1,530", "=1,877" is read as queue_depth=1 three times and the answer says "queue_depth=1 the same in every one (steady, not growing)" of a growing backlog; it should not call it steady (read 1204..1877, or leave the figure out).
    const out = asked('The consumer queue depth keeps growing, is the consumer leaking?', [
      logOf(
        'consumer-1',
        series((i) => `consumer stats queue_depth=${['1,204', '1,530', '1,877'][i]}`),
      ),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toContain('steady');
  });

  it('a decimal comma read as the figure', () => {
    // BUG: "load=0,75", "load=0,95", "load=0,99" (a decimal comma) is read as load=0 in every line and called steady, not growing; the load rose and must not be called steady.
    const out = asked('Load on the scheduler keeps rising, scheduler load average', [
      logOf(
        'scheduler-1',
        series((i) => `scheduler load average load=0,${[75, 95, 99][i]}`),
      ),
    ]);
    expect(out[0]).not.toContain('steady');
  });

  it('a clock-style duration read as its hours', () => {
    // BUG: "duration=0:05:12", "0:17:40", "0:41:03" (a job taking longer every night) is read as duration=0 and reported "duration=0 the same in every one (steady, not growing)"; a growing duration must not be called steady.
    const out = asked('The export job duration keeps growing every night, is the exporter slow?', [
      logOf(
        'exporter-1',
        series((i) => `export finished duration=${['0:05:12', '0:17:40', '0:41:03'][i]}`),
      ),
    ]);
    expect(out[0]).not.toContain('steady');
  });

  it('an id whose key contains an amount word', () => {
    // BUG: account_id=4417 repeated in every line is reported as "account_id=4417 the same in every one (steady, not growing)" because AMOUNT_KEY matches "count" inside "account"; an id is not a steady figure (the key words are not matched as whole words).
    const out = asked('Billing for account 4417 seems stuck, are invoices piling up?', [
      logOf(
        'billing-1',
        series((i) => `invoices pending=${[12, 19, 31][i]} account_id=4417`),
      ),
    ]);
    expect(out[0]).toContain('pending from 12 to 31');
    expect(out[0]).not.toContain('account_id=4417 the same');
  });

  it('a flag number read as a lag', () => {
    // BUG: "flag=7" in every repeat is reported "flag=7 the same in every one (steady, not growing)" because AMOUNT_KEY's "lag" matches inside "flag"; a flag is not a measurement.
    const out = asked('The feature flag refresh of the pricing service spams the logs', [
      logOf(
        'pricing-1',
        series(() => 'pricing feature refresh flag=7'),
      ),
    ]);
    expect(out[0]).not.toContain('steady');
  });

  it('a protocol version read as a measurement', () => {
    // BUG: "tls=1.3" in every handshake line has a fraction, so it is reported "tls=1.3 the same in every one (steady, not growing)"; a version is not a steady measurement.
    const out = asked('The TLS handshakes to the payment gateway feel slow, are handshakes failing?', [
      logOf(
        'payments-1',
        series(() => 'handshake done tls=1.3'),
      ),
    ]);
    expect(out[0]).not.toContain('tls=1.3 the same');
  });

  it('a log that is nothing but the growing series', () => {
    // BUG: a log whose every line is "consumer stats queue_depth=…" (120, 340, 560, 900) gives no sentence at all, because the task's words are in every line and count a quarter each; the series the question turns on should be quoted with its range.
    const out = asked('The consumer queue depth keeps growing. Is it leaking?', [
      logOf(
        'consumer-1',
        [120, 340, 560, 900].map((n, i) => `2026-03-24 1${i}:00:00 consumer stats queue_depth=${n}`),
      ),
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('queue_depth from 120 to 900');
  });

  it.skip('a series whose unit rolls over from MiB to GiB', () => {
    // BUG: rss=600MiB, 700MiB, 800MiB then 1.2GiB, 1.9GiB: the answer says "rss from 600MiB to 800MiB" and stops at 12:00, hiding the newest and largest readings, because a changed unit changes the line's shape; the range should reach 1.9GiB (or the newest line be quoted).
    const out = asked('Memory of the indexer keeps growing, rss looks like a leak', [
      logOf('indexer-1', [
        ...['600MiB', '700MiB', '800MiB', '1.2GiB', '1.9GiB'].map(
          (v, i) => `2026-03-24 1${i}:00:00 indexer memory rss=${v}`,
        ),
        'a b',
        'c d',
        'e f',
        'g h',
      ]),
    ]);
    expect(out[0]).toMatch(/1\.9 ?GiB/);
  });

  it("search_pod_logs' own header quoted as a log line", () => {
    // BUG: a search_pod_logs output with no match ('no line matches "self preservation mode" in the newest 20000 line(s) read') is quoted as "what the logs I read say"; the tool's header (like get_pod_logs' "(no log lines …)") is not a log line and must not be quoted.
    const out = asked('The registry dashboard shows self preservation mode is turned off.', [
      observed(
        'search_pod_logs',
        { namespace: 'ops', name: 'registry-1', pattern: 'self preservation mode' },
        'no line matches "self preservation mode" in the newest 20000 line(s) read',
      ),
    ]);
    expect(out).toEqual([]);
  });

  it('a long structured line whose matching words are past the clip', () => {
    // BUG: a 500-character JSON log line whose "msg" (self-preservation is disabled) sits at its end is quoted clipped to its first 240 characters, so the quote shows none of the words it was chosen for; it should keep them in view (clipAround does).
    const json = `{"ts":"2026-03-24T09:02:11Z","level":"info","logger":"com.netflix.eureka.registry.AbstractInstanceRegistry","thread":"main","app":"registry","env":"prod","region":"eu-west-1","zone":"eu-west-1a","host":"registry-7d9f-abcde","pid":1,"trace":"00000000000000000000000000000000","span":"0000000000000000","msg":"self-preservation is disabled; expired leases are evicted every 15000 ms"}`;
    const out = asked(
      'The registry dashboard shows a red warning that self preservation mode is turned off. Is something broken?',
      [logOf('registry-1', ['INFO start', json, 'INFO other'])],
    );
    expect(out[0]).toContain('self-preservation is disabled');
  });

  it('a log over 400,000 characters cut inside an emoji', () => {
    // BUG: when the 400,000-character tail of a log starts on the second half of an emoji, the quoted first line begins with a lone low surrogate (content.slice, not the surrogate-safe cutTextEnd); a quote must be well-formed text.
    const filler = Array.from({ length: 250 }, () => 'z'.repeat(1599)).join('\n');
    const tail = `\uDD25 self preservation mode turned off\n${filler}`.slice(0, 400_000);
    const out = asked('self preservation mode turned off', [
      observed('get_pod_logs', { namespace: 'ops', name: 'registry-1' }, `A\uD83D${tail}`),
    ]);
    expect(out[0]).toContain('self preservation mode turned off');
    expect(out[0]).not.toMatch(LONE);
  });
});

describe('the all-clear judged in a scenario with a fault (and in a negative control)', () => {
  const rubric = { mustMention: ['web', ['memory limit', 'OOMKilled']], mustNotClaim: [] };
  const judge = (tags: string[], answer: string) =>
    checkRootCause(answer, judgedRubric({ tags, expect: { rootCause: rubric } } as never)).passed;
  const D = 'web is OOMKilled at its memory limit';
  const QUOTE = 'The log of web says "OOMKilled at its memory limit".';

  it.each([
    ['a scoped "nothing is wrong with the pods, but …"', `Nothing is wrong with the pods, but ${D}.`],
    ['a denied all-clear', `I would not say nothing is wrong: ${D}.`],
    ['a side matter ruled out after the diagnosis', `Root cause: ${D}. Nothing is wrong with the database.`],
    ['"nothing else is wrong"', `${D}; nothing else is wrong.`],
  ])('passes: %s', (_, answer) => expect(judge([], answer)).toBe(true));

  it.each([
    ['"No fault found." with the decisive line quoted', `No fault found in namespace shop. ${QUOTE}`],
    ['an all-clear on a line of its own', `Root cause: ${D}.\nNothing is wrong.`],
    ['an all-clear in capitals', `${QUOTE} NOTHING IS WRONG.`],
    ['an all-clear after an emoji', `✅ Nothing is wrong. ${QUOTE}`],
    [
      '"…, so nothing is wrong" (a negation in the clause before, cut at ", so")',
      `The pods are not crashing, so nothing is wrong. ${QUOTE}`,
    ],
  ])('fails outside a negative control: %s', (_, answer) => expect(judge([], answer)).toBe(false));

  it('passes the all-clear in a negative control of either tag, fails it untagged', () => {
    const answer = `No fault found in namespace shop: ${D} once, long ago; nothing is wrong now.`;
    expect(judge(['negative-control'], answer)).toBe(true);
    expect(judge(['storage', 'negative'], answer)).toBe(true);
    expect(judge(['storage'], answer)).toBe(false);
  });

  it('the judged rubric is built once per scenario rubric and follows a replaced mustNotClaim list', () => {
    const r = { mustMention: ['web'], mustNotClaim: ['restart'] as string[] };
    const s = { tags: [], expect: { rootCause: r } } as never;
    expect(judgedRubric(s)).toBe(judgedRubric(s));
    r.mustNotClaim = ['restart', 'scale'];
    expect(judgedRubric(s).mustNotClaim).toContain('scale');
  });

  it('an all-clear after a negation in the same clause', () => {
    // BUG: "No pods are crashing and nothing is wrong." (with the decisive line quoted) passes outside a negative control, because the negation-aware matcher reads the earlier "No" as denying the all-clear; the all-clear is made, and should fail the check.
    expect(judge([], `No pods are crashing and nothing is wrong. ${QUOTE}`)).toBe(false);
  });

  it('"no fault found" after a negation in a comma list', () => {
    // BUG: "There are no restarts, no fault found in namespace shop." passes outside a negative control (the "no" of "no restarts" negates the clause); it is the all-clear and should fail.
    expect(judge([], `There are no restarts, no fault found in namespace shop. ${QUOTE}`)).toBe(false);
  });

  it('"nothing is wrong at all"', () => {
    // BUG: "Nothing is wrong at all." passes outside a negative control because "at" is taken as the start of a scope; "at all" is the most emphatic unscoped all-clear and should fail.
    expect(judge([], `Nothing is wrong at all. ${QUOTE}`)).toBe(false);
  });

  it('"nothing is wrong in namespace shop"', () => {
    // BUG: "Nothing is wrong in namespace shop." passes outside a negative control because "in" is taken as a scope; scoped to the whole namespace it is the all-clear and should fail.
    expect(judge([], `Nothing is wrong in namespace shop. ${QUOTE}`)).toBe(false);
  });

  it('"nothing is wrong here"', () => {
    // BUG: "Nothing is wrong here; the workloads are healthy." passes outside a negative control because "here" is on the scope list; "here" is the namespace investigated, so it is the all-clear and should fail.
    expect(judge([], `Nothing is wrong here; the workloads are healthy. ${QUOTE}`)).toBe(false);
  });

  it('a contracted all-clear', () => {
    // BUG: "Nothing's wrong." passes outside a negative control (only "nothing is wrong" is matched); it says the same and should fail.
    expect(judge([], `Nothing's wrong. ${QUOTE}`)).toBe(false);
  });

  it('a plural all-clear', () => {
    // BUG: "No faults found." passes outside a negative control (only "no fault found" is matched); it says the same and should fail.
    expect(judge([], `No faults found. ${QUOTE}`)).toBe(false);
  });

  it('a scoped "no fault found in the logs" beside a diagnosis', () => {
    // BUG: "There's no fault found in the logs; the issue is that web is OOMKilled at its memory limit." fails, though it gives the diagnosis and says "no fault found" only of the logs; a scoped claim should be exempt as "nothing is wrong with …" is.
    expect(judge([], `There's no fault found in the logs; the issue is that ${D}.`)).toBe(true);
  });

  it('an all-clear the answer reports, not makes', () => {
    // BUG: "It may look like nothing is wrong, but web is OOMKilled at its memory limit." fails: the answer refutes the appearance of an all-clear and gives the diagnosis, so it should pass.
    expect(judge([], `It may look like nothing is wrong, but ${D}.`)).toBe(true);
  });

  it('"no fault found" inside a quoted log line', () => {
    // BUG: quoting a log line that contains "no fault found" ('The self-test printed "no fault found", but web is OOMKilled …') fails the check; quoted log text is not the answer's own all-clear.
    expect(judge([], `The self-test printed "no fault found", but ${D}.`)).toBe(true);
  });
});

describe('a namespace put off limits, run through the baseline', () => {
  const alert = `alert:
  name: MailQueueBacklog
  severity: warning
  summary: mail queue backlog above 500 for 15 minutes
  labels: { namespace: comms }
`;
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
  /** comms and `other`, a crashing cache in `other`; the mailer crashes too unless `healthy`. */
  const twoCrashes = (other: string, healthy: boolean) => `cluster:
  namespaces: [comms, ${other}]
  nodes: [{ name: n1 }]
  deployments:
    - name: mailer
      namespace: comms
      replicas: 1
      containers:
        - name: mailer
          image: comms/mailer:2
          behavior:
${
  healthy
    ? `            logs:
              - "mailer 2.0 started, 0 messages queued"
`
    : `            crash:
              exitCode: 1
              logs:
                - "mailer 2.0 starting"
                - " Missing environment variables:"
                - "    QUEUE_URL: connection string for the job queue"
`
}    - name: cache
      namespace: ${other}
      replicas: 1
      containers:
        - name: cache
          image: redis:7.2
          behavior:
            crash:
              exitCode: 1
              logs:
                - "FATAL: cannot open /data/dump.rdb: permission denied"
`;
  const MAILER = /deployment mailer .* in namespace comms/;
  const mail = 'Mail has stopped going out since this morning. The DBAs patched the cache last night.';
  const run = (id: string, task: string, withAlert = true, world = crashAndCache) =>
    baselineAnswer(`${head(id, 'comms', task)}${withAlert ? alert : ''}${world}`);

  it('"Leave the data namespace alone" beside an alert from comms', async () => {
    expect(await run('off-leave', `${mail} Leave the data namespace alone.`)).toMatch(MAILER);
  });

  it('"never restart" of the namespace that is also the target: it stays the target', async () => {
    const task =
      'Mail has stopped going out from the comms namespace. Never restart anything in the comms namespace without asking me.';
    expect(await run('off-target', task, false)).toMatch(MAILER);
  });

  it('the target named only in its off-limits sentence, nothing else named: still the target', async () => {
    const task =
      'Mail has stopped going out since this morning. Do not restart anything in the comms namespace, just tell me what is wrong.';
    expect(await run('off-only', task, false)).toMatch(MAILER);
  });

  it('"Don’t touch" with a typographic apostrophe', async () => {
    // BUG: "Don’t touch the data namespace." (U+2019, as phones and chat clients write it) is not read as off limits, and the baseline diagnoses data's cache-main instead of the mailer in comms the alert names; it should read it as "don't".
    expect(await run('off-curly', `${mail} Don’t touch the data namespace.`)).toMatch(MAILER);
  });

  it('"… is off limits"', async () => {
    // BUG: "The data namespace is off limits." is not read as putting data off limits, and the baseline diagnoses data instead of the mailer in comms the alert names.
    expect(await run('off-phrase', `${mail} The data namespace is off limits.`)).toMatch(MAILER);
  });

  it('"don\'t make any changes in …"', async () => {
    // BUG: "Please don't make any changes in the data namespace." is not read as off limits (OFF_LIMITS wants the verb right after "don't"), and the baseline diagnoses data instead of the mailer in comms.
    expect(await run('off-make', `${mail} Please don't make any changes in the data namespace.`)).toMatch(
      MAILER,
    );
  });

  it('the off-limits namespace and the target in one sentence', async () => {
    // BUG: "Don't touch the cache in the data namespace, but look at the mailer in the comms namespace." puts both namespaces off limits (the test is per sentence, not per clause), and the baseline diagnoses data; comms, where it is asked to look, should be the target.
    const task =
      "Mail has stopped going out since this morning. Don't touch the cache in the data namespace, but look at the mailer in the comms namespace.";
    expect(await run('off-clause', task, false)).toMatch(MAILER);
  });

  it('bullet points without full stops', async () => {
    // BUG: a task written as bullets ("- don't touch the data namespace\n- the mail queue lives in the comms namespace") is one "sentence" (split only after . ! ?), so comms is put off limits with data and the baseline diagnoses data.
    const task =
      "Mail has stopped going out since this morning\n- don't touch the data namespace\n- the mail queue lives in the comms namespace";
    expect(await run('off-bullets', task, false)).toMatch(MAILER);
  });

  it.skip('"don\'t touch prod" by its bare name', async () => {
    // BUG: with namespaces comms and prod and nothing else named, "Please don't touch prod." makes prod the target (the namespace picked from the task's words ignores OFF_LIMITS), and the baseline diagnoses prod's cache; without that sentence it diagnoses the mailer in comms.
    const task = "Mail has stopped going out since this morning. Please don't touch prod.";
    expect(await run('off-prod', task, false, twoCrashes('prod', false))).toMatch(MAILER);
  });

  it.skip('a quiet target switches to the off-limits namespace', async () => {
    // BUG: when comms (the alert's namespace) scans clean, "Do not touch the data namespace." sends the baseline to data, whose crashing cache it then diagnoses; a namespace put off limits should not be the "other namespace named" it moves to.
    const text = await run(
      'off-quiet',
      'Mail delivery has been slow since this morning. Do not touch the data namespace.',
      true,
      twoCrashes('data', true),
    );
    expect(text).not.toMatch(/in namespace data/);
  });

  it('(adjacent, pre-existing) a scoped "do not change anything in the data namespace" forbids every change', () => {
    // BUG: forbidsChanges reads "Do not change anything in the data namespace." as forbidding all changes (so no fix is applied in comms either), while OFF_LIMITS reads the same sentence as scoped to data; it should be false.
    expect(forbidsChanges(`${mail} Do not change anything in the data namespace.`)).toBe(false);
  });
});

describe('withContinuation: a Java exception read past its frames', () => {
  const frames = (n: number) =>
    Array.from({ length: n }, (_, i) => `\tat com.acme.Svc.m${i}(Svc.java:${i + 10})`);

  it.each([
    [
      'CRLF line endings',
      [
        'java.lang.IllegalStateException: cannot load provider\r',
        '\tat com.acme.Config.provider(Config.java:47)\r',
        'Caused by: java.lang.ClassNotFoundException: com.acme.Rates\r',
        '\tat x.Y.z(Y.java:1)\r',
        'INFO shutting down\r',
      ],
      'java.lang.IllegalStateException: cannot load provider Caused by: java.lang.ClassNotFoundException: com.acme.Rates',
    ],
    [
      'ten frames, then the cause',
      ['java.lang.IllegalStateException: A', ...frames(10), 'Caused by: java.io.IOException: B', 'INFO'],
      'java.lang.IllegalStateException: A Caused by: java.io.IOException: B',
    ],
    [
      'Kotlin, module@version, lambda and hidden-class frames',
      [
        'kotlinx.coroutines.JobCancellationException: Job was cancelled',
        '\tat kotlinx.coroutines.JobSupport.cancel(JobSupport.kt:1)',
        '\tat com.acme.Foo$bar$1.invokeSuspend(Foo.kt:10)',
        '\tat java.base@21.0.2/java.lang.Thread.run(Thread.java:1583)',
        '\tat com.acme.Y$$Lambda/0x00007f0c2c.apply(Unknown Source)',
        '\tat com.acme.Z.<init>(Z.java:3)',
        'Caused by: java.io.IOException: B',
        'INFO',
      ],
      'kotlinx.coroutines.JobCancellationException: Job was cancelled Caused by: java.io.IOException: B',
    ],
    [
      'a chain of two causes, each after frames and "... N more": the exception and its innermost cause',
      [
        'java.lang.IllegalStateException: A',
        ...frames(2),
        'Caused by: java.lang.RuntimeException: B',
        ...frames(1),
        '\t... 5 more',
        'Caused by: java.io.IOException: C',
        '\t... 7 more',
        'INFO',
      ],
      'java.lang.IllegalStateException: A Caused by: java.io.IOException: C',
    ],
    [
      'a Go panic is untouched',
      [
        'panic: runtime error: index out of range [3] with length 3',
        '',
        'goroutine 1 [running]:',
        'main.main()',
      ],
      'panic: runtime error: index out of range [3] with length 3',
    ],
    [
      'a .NET frame is skipped and the next log line not read',
      [
        'System.InvalidOperationException: outer',
        '   at App.Program.Main(String[] args) in /src/Program.cs:line 10',
        'INFO next',
      ],
      'System.InvalidOperationException: outer',
    ],
    [
      'a long exception without a cause is left whole',
      [`java.lang.IllegalStateException: ${'x'.repeat(300)}`, '\tat a.B.c(B.java:1)', 'INFO next'],
      `java.lang.IllegalStateException: ${'x'.repeat(300)}`,
    ],
  ])('%s', (_, lines, out) => expect(withContinuation(lines, 0)).toBe(out));

  it('Node frames (a space before the parenthesis) are not taken for Java ones', () => {
    const out = withContinuation(
      [
        "TypeError: Cannot read properties of undefined (reading 'x')",
        '    at Object.<anonymous> (/app/index.js:10:5)',
        '    at Module._compile (node:internal/modules/cjs/loader:1256:14)',
        '    at node:internal/main/run_main_module:23:47',
      ],
      0,
    );
    expect(out).toContain('at Object.<anonymous> (/app/index.js:10:5)');
  });

  it('a long exception cut among emoji stays well-formed, and the cause is kept', () => {
    const long = `org.example.BeanCreationException: Error creating bean 'rates': ${'🔥'.repeat(150)}`;
    const out = withContinuation([long, 'Caused by: java.lang.ClassNotFoundException: com.acme.Rates'], 0);
    expect(out).not.toMatch(LONE);
    expect(out).toMatch(/ … Caused by: java\.lang\.ClassNotFoundException: com\.acme\.Rates$/);
  });

  it('hostile frame lines of 100,000 characters are handled in a few milliseconds', () => {
    const lines = [
      'java.lang.Error: x',
      ...Array.from({ length: 5 }, () => `\tat ${'a'.repeat(100_000)}!`),
      ...Array.from({ length: 5 }, () => `\t... ${'1'.repeat(100_000)}`),
      'Caused by: java.io.IOException: B',
    ];
    const t = performance.now();
    withContinuation(lines, 0);
    expect(performance.now() - t).toBeLessThan(200);
  });

  it('a chain of three causes: the innermost', () => {
    // BUG: BeanCreationException → BeanInstantiationException → IllegalStateException → ClassNotFoundException, each cause after three frames: the twelve-line window ends before the innermost cause, so the quote stops at "cannot load provider" and loses ClassNotFoundException, which the code's own comment says a quote must keep.
    const out = withContinuation(
      [
        'org.springframework.beans.factory.BeanCreationException: Error creating bean rates',
        ...frames(3),
        'Caused by: org.springframework.beans.BeanInstantiationException: Failed to instantiate RatesClient',
        ...frames(2),
        '\t... 5 more',
        'Caused by: java.lang.IllegalStateException: cannot load provider',
        ...frames(2),
        '\t... 7 more',
        'Caused by: java.lang.ClassNotFoundException: com.acme.Rates',
        ...frames(2),
        '\t... 9 more',
        'INFO bye',
      ],
      0,
    );
    expect(out).toContain('Caused by: java.lang.ClassNotFoundException: com.acme.Rates');
  });

  it('a Spring Boot trace with fifteen frames before its cause', () => {
    // BUG: a top exception with 15 frames (real Spring Boot traces have dozens) before "Caused by: java.net.BindException: Address already in use": the cause is never read and the quote is only "Unable to start web server" (the documented ten-frame cap makes the change miss the common case).
    const out = withContinuation(
      [
        'org.springframework.context.ApplicationContextException: Unable to start web server',
        ...frames(15),
        'Caused by: java.net.BindException: Address already in use',
        ...frames(2),
        'INFO bye',
      ],
      0,
    );
    expect(out).toContain('Caused by: java.net.BindException: Address already in use');
  });

  it('the next stack trace read as part of this one', () => {
    // BUG: after an exception's frames, the first line of the next, unrelated trace ("java.net.ConnectException: Connection refused …") is appended to the quote, because skipping frames reaches it and an exception-class line counts as a continuation; after frames only a "Caused by:" continues the exception.
    const out = withContinuation(
      [
        'java.lang.IllegalStateException: pool exhausted',
        '\tat a.B.c(B.java:1)',
        '\tat a.B.d(B.java:2)',
        'java.net.ConnectException: Connection refused (the next request)',
        '\tat a.B.c(B.java:1)',
      ],
      0,
    );
    expect(out).toBe('java.lang.IllegalStateException: pool exhausted');
  });
});
