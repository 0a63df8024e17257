// Adversarial review of the rules written for held-out set 82: false positives, false negatives,
// hostile input and wrong text, each pinned as a test; every bug it found is fixed (marked "Found in review, fixed").
import { describe, expect, it } from 'vitest';
import { firstSearch } from '../first-search.fixture.js';
import { appErrorsAnalyzer, outcomeSuperseded } from './app-errors.js';
import { configDirOverrideAnalyzer } from './config-dir-override.js';
import { expiredByProgramAnalyzer } from './expired-by-program.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { productNamespaceAnalyzer } from './product-namespace.js';
import { ranksOverCpuAnalyzer } from './ranks-over-cpu.js';

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('expired-by-program', () => {
  const NS = 'notebooks';
  const POD = 'gateway-9qqt4qj2z4-6ks5h';
  const TASK =
    'Since Monday our notebooks lose their kernel session in the middle of long cells: the cell fails with "Session \'731\' not found". Why do sessions disappear?';
  const podDesc = (configMaps: string[]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'gateway', configMaps }),
    );
  const conf = (name: string, lines: string[]) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name, namespace: NS },
      ['data:', '  gateway.conf: |', ...lines.map((l) => `    ${l}`)].join('\n'),
    );
  const listed = (names: string[]) =>
    observed(
      'list_resources',
      { kind: 'ConfigMap', namespace: NS },
      table([['NAME', 'DATA', 'AGE'], ...names.map((n) => [n, '1', '3d'])]),
    );
  const REMOVAL =
    '2026-04-09 13:10:02 INFO SessionManager: Deleting session 731 because it was inactive for longer than the idle timeout.';

  it('names the removal and the limit for the id the person quotes', () => {
    const seen = [
      log(NS, POD, [REMOVAL]),
      podDesc(['gateway-conf']),
      conf('gateway-conf', ['session.idle-timeout = 1h']),
      listed(['gateway-conf']),
    ];
    const [f] = expiredByProgramAnalyzer.finds(ctx(NS, seen, TASK));
    expect(f?.cause).toContain('what was lost (731)');
    expect(f?.cause).toContain('session.idle-timeout = 1h (ConfigMap gateway-conf)');
  });

  // Found in review, fixed: a duration in the task ("every 30 minutes") is taken as a lost id and matched against a log line's timestamp (13:10:30), so an unrelated cleanup is reported as the removal; a number followed by a unit of time is no id, and a timestamp's parts are no mention of it.
  it('a duration in the task does not match the clock of an unrelated cleanup line', () => {
    const task = 'Our notebooks lose their kernel every 30 minutes or so. Why?';
    const seen = [
      log(NS, POD, [
        '2026-04-09 13:10:30 INFO Deleting temporary file /tmp/upload-88 because it is older than 1h',
      ]),
      podDesc([]),
    ];
    expect(expiredByProgramAnalyzer.finds(ctx(NS, seen, task))).toEqual([]);
  });

  // Found in review, fixed: a process killed for exceeding its memory limit matches REMOVED ("Killing") and REASON ("exceeded") and is reported as "an expiry by timeout or inactivity" with advice to raise the timeout; a resource limit exceeded is no expiry and should not fire.
  it('a kill for exceeding a memory limit is not called an expiry', () => {
    const task = 'Worker 4711 keeps getting killed in the middle of a job. Is the node broken?';
    const seen = [
      log(NS, POD, ['WARN supervisor: Killing worker 4711 because it exceeded the memory limit (2Gi)']),
      podDesc([]),
    ];
    const found = expiredByProgramAnalyzer.finds(ctx(NS, seen, task));
    expect(found.map((f) => f.cause).join(' ')).not.toContain('expiry by timeout or inactivity');
  });

  // Found in review, fixed: another ConfigMap that merely shares the loaded one's name as a prefix (gateway-conf-metrics) is called "a kept copy" and its unrelated keys, absent from the loaded map, are reported as a changed limit ("now unset") with advice to set it back; only keys both maps set (or a copy-like suffix) should count.
  it('a sibling ConfigMap with other keys is not a kept copy', () => {
    const seen = [
      log(NS, POD, [REMOVAL]),
      podDesc(['gateway-conf']),
      conf('gateway-conf', ['session.idle-timeout = 1h']),
      listed(['gateway-conf', 'gateway-conf-metrics']),
      conf('gateway-conf-metrics', ['scrape_timeout: 10s']),
    ];
    const [f] = expiredByProgramAnalyzer.finds(ctx(NS, seen, TASK));
    expect(f?.cause).not.toContain('kept copy');
    expect(f?.advice).not.toContain('set the limit back');
  });

  // Found in review, fixed: a second ConfigMap the pod itself loads (gateway-conf-extra beside gateway-conf) is called "a kept copy from before a change"; a map the pod loads now is no copy kept from before.
  it('a ConfigMap the pod also loads is not a kept copy of another', () => {
    const seen = [
      log(NS, POD, [REMOVAL]),
      podDesc(['gateway-conf', 'gateway-conf-extra']),
      conf('gateway-conf', ['session.idle-timeout = 1h']),
      conf('gateway-conf-extra', ['session.idle-timeout = 12h']),
      listed(['gateway-conf', 'gateway-conf-extra']),
    ];
    const [f] = expiredByProgramAnalyzer.finds(ctx(NS, seen, TASK));
    expect(f?.cause).not.toContain('a kept copy');
  });

  // Found in review, fixed: "deleted", "removed", "missing", "terminated" and "timed out" are not words of loss, so "my session 731 was deleted" finds nothing although the log says why; LOST should take these common spellings.
  it('a task that says the session was deleted is a loss too', () => {
    const task = 'My notebook session 731 was deleted while a cell was running. Why?';
    const seen = [log(NS, POD, [REMOVAL]), podDesc([])];
    expect(expiredByProgramAnalyzer.finds(ctx(NS, seen, task))).toHaveLength(1);
  });

  it('a task with many numbers and a long log stays bounded and quiet without a removal', () => {
    const task = `Sessions ${Array.from({ length: 400 }, (_, i) => `'${100 + i}'`).join(', ')} were lost.`;
    const lines = Array.from({ length: 20_000 }, (_, i) => `INFO Deleting${' x'.repeat(40)} ${i} because`);
    const benign = Array.from({ length: 20_000 }, (_, i) => `INFO request ${i} served in 3ms`);
    expectBounded(
      () => expiredByProgramAnalyzer.finds(ctx(NS, [log(NS, POD, lines)], task)),
      () => expiredByProgramAnalyzer.finds(ctx(NS, [log(NS, POD, benign)], task)),
    );
  });

  it('a limit setting switched on or off is not named as the limit', () => {
    const seen = [
      log(NS, POD, [REMOVAL]),
      podDesc(['gateway-conf']),
      conf('gateway-conf', ['session.timeout-enabled = true', `session.idle-timeout = "${'9'.repeat(50)}"`]),
      listed(['gateway-conf']),
    ];
    const [f] = expiredByProgramAnalyzer.finds(ctx(NS, seen, TASK));
    expect(f?.cause).not.toContain('timeout-enabled');
  });
});

describe('config-dir-override', () => {
  const NS = 'chat';
  const POD = 'relay-gm5289d2gh-5r96f';
  const pod = (o: { probe?: string; event?: string } = {}) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Containers:',
        '  relay:',
        '    Ready:          False',
        '    Args:           serve --config-dir=/etc/relay.d',
        `    Readiness:      ${o.probe ?? 'http-get http://:8080/healthz'} delay=0s timeout=1s period=15s #failure=3`,
        '    Mounts:',
        '      /etc/relay.d from conf.v2 (ro)',
        'Volumes:',
        '  conf.v2:',
        '    Type:     ConfigMap (a volume populated by a ConfigMap)',
        '    Name:     relay-conf',
        'Events:',
        `  Warning   Unhealthy   0s (x40 over 10m)   kubelet   ${o.event ?? 'Readiness probe failed: Get "http://10.244.0.9:8080/healthz": dial tcp 10.244.0.9:8080: connect: connection refused'}`,
      ].join('\n'),
    );
  const conf = (files: Record<string, string[]>) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'relay-conf', namespace: NS },
      [
        'data:',
        ...Object.entries(files).flatMap(([k, ls]) => [`  ${k}: |`, ...ls.map((l) => `    ${l}`)]),
      ].join('\n'),
    );
  const MAIN = ['servers:', '  - port: 8080'];
  const EXTRA = ['servers:', '  - port: 9100'];

  it('a mount path and a volume name with dots are read', () => {
    const [f] = configDirOverrideAnalyzer.finds(ctx(NS, [pod(), conf({ 'a.yaml': MAIN, 'b.yml': EXTRA })]));
    expect(f?.cause).toContain('the directory /etc/relay.d');
  });

  it('an alias bomb in a file is skipped without throwing or hanging', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 9 }, (_, i) => {
        const p = String.fromCharCode(97 + i);
        const n = String.fromCharCode(98 + i);
        return `${n}: &${n} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`;
      }),
      'servers: *j',
    ];
    const t = performance.now();
    expect(
      configDirOverrideAnalyzer.finds(ctx(NS, [pod(), conf({ 'a.yaml': MAIN, 'z.yaml': bomb })])),
    ).toEqual([]);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  // Found in review, fixed: a probe answered with an HTTP status ("statuscode: 503") shows something listens on the port, yet the finding says "nothing listens on 8080" and quotes the 503; the rule should hold back (or not claim nothing listens) when the probe got an answer.
  it('a probe that got an HTTP 503 is not told "nothing listens"', () => {
    const p = pod({ event: 'Readiness probe failed: HTTP probe failed with statuscode: 503' });
    const found = configDirOverrideAnalyzer.finds(ctx(NS, [p, conf({ 'a.yaml': MAIN, 'z.yaml': EXTRA })]));
    expect(found.map((f) => f.cause).join(' ')).not.toContain('nothing listens');
  });

  // Found in review, fixed: a readiness probe on a named port (kubectl prints `http-get http://:http/healthz`) is never read, so the same override is missed; the name should be resolved through the container's Ports.
  it('a probe on a named port is resolved to its number', () => {
    const p = pod({ probe: 'http-get http://:http/healthz' }).content.replace(
      '    Readiness:',
      '    Port:           8080/TCP (http)\n    Readiness:',
    );
    const described = observed('describe_pod', { namespace: NS, name: POD }, p);
    const found = configDirOverrideAnalyzer.finds(
      ctx(NS, [described, conf({ 'a.yaml': MAIN, 'z.yaml': EXTRA })]),
    );
    expect(found).toHaveLength(1);
  });

  // Found in review, fixed: a mapping (not a list) set again by a later file is reported as replaced whole, though loaders that deep-merge maps keep server.port; the port's absence from a later mapping that sets other sub-keys proves nothing about the merge.
  it('a later file adding a sub-key to a mapping is not a whole replacement', () => {
    const found = configDirOverrideAnalyzer.finds(
      ctx(NS, [pod(), conf({ 'a.yaml': ['server:', '  port: 8080'], 'z.yaml': ['server:', '  tls: true'] })]),
    );
    expect(found).toEqual([]);
  });
});

describe('ranks-over-cpu', () => {
  const NS = 'ml';
  const TASK = 'The MPIJob train-0506 has been Running for three hours but has not finished a single epoch.';
  const job = (slots: number, cpu?: string, name = 'train-0506') =>
    observed(
      'describe_resource',
      { kind: 'MPIJob', name, namespace: NS },
      [
        `Name:         ${name}`,
        'Spec:',
        `  slotsPerWorker: ${slots}`,
        ...(cpu ? [`  mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits.cpu: ${cpu}`] : []),
      ].join('\n'),
    );
  const workerPod = (name: string, cpu: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name },
      [`Name: ${name}`, 'Containers:', '  worker:', '    Limits:', `      cpu:     ${cpu}`].join('\n'),
    );

  it('a limit written as 2000m equals two processes and finds nothing', () => {
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, [job(2, '2000m')], TASK))).toEqual([]);
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, [job(3, '"2000m"')], TASK))).toHaveLength(1);
  });

  it('zero slots or a zero limit find nothing', () => {
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, [job(0, '2')], TASK))).toEqual([]);
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, [job(4, '0')], TASK))).toEqual([]);
  });

  // Found in review, fixed: with a limit under one CPU (500m) and one process, the advice says "start at most 0 process(es) per worker", which cannot run; the floor should be at least 1 (and the advice raise the limit instead).
  it('a sub-core limit does not advise zero processes', () => {
    const [f] = ranksOverCpuAnalyzer.finds(ctx(NS, [job(1, '500m')], TASK));
    expect(f?.advice).not.toContain('at most 0 process');
  });

  // Found in review, fixed: "epoch" alone counts as a report of slowness, so a job that crashes with an out-of-memory error in epoch 1 is told it "runs but crawls"; a failure report is not a slowness report.
  it('a crash reported in an epoch is not a slowness report', () => {
    const task = 'The PyTorchJob train-0506 crashes with CUDA out of memory in epoch 1. Why?';
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, [job(4, '2')], task))).toEqual([]);
  });

  // Found in review, fixed: the slots of one job are compared with the CPU limit of another job's worker pod (any pod named …-worker-N), so a job without a described limit is blamed on a stranger's limit; the worker pod should belong to the job (its name starts with the job's).
  it("another job's worker pod does not lend its CPU limit", () => {
    const seen = [job(4, undefined, 'train-0506'), workerPod('etl-nightly-worker-0', '2')];
    expect(ranksOverCpuAnalyzer.finds(ctx(NS, seen, TASK))).toEqual([]);
  });
});

describe('app-errors: outcomeSuperseded and quote', () => {
  const failed = '{"level":"error","msg":"Update failed","name":"core-9qk4d"}';

  it('a later failure after the success keeps the failure current; an unrelated operation does not supersede', () => {
    expect(outcomeSuperseded([failed, 'INFO update done', 'ERROR update failed'].join('\n'), failed)).toBe(
      false,
    );
    expect(outcomeSuperseded([failed, 'INFO Sync succeeded'].join('\n'), failed)).toBe(false);
  });

  it('regex-hostile and very long lines neither throw nor hang', () => {
    const hostile = `(a+)+$[ failed ${'('.repeat(3000)}`;
    const text = [hostile, ...Array.from({ length: 6000 }, () => `x${'a'.repeat(5000)} failed`)].join('\n');
    expect(() => outcomeSuperseded(text, hostile)).not.toThrow();
    expect(outcomeSuperseded('line not in text failed', 'other failed')).toBe(false);
  });

  // Found in review, fixed: "update finished with 3 errors" counts as the operation succeeding, so the earlier "Update failed" is dismissed as history; a completion that reports errors or failures is no success.
  it('a completion with errors does not supersede the failure', () => {
    const text = [failed, '{"level":"info","msg":"update finished with 3 errors"}'].join('\n');
    expect(outcomeSuperseded(text, failed)).toBe(false);
  });

  // Found in review, fixed: the success of the operation on another object (core-r2m8w) supersedes the failure of core-9qk4d, which never ran again, so app-errors is silent while core-9qk4d stays broken; the success should be of the same object when the failure names one.
  it("another object's success does not supersede this object's failure", () => {
    // Adapted when fixed: a rerun under a generated name of the same stem (core-9qk4d, then core-r2m8w) is the
    // same operation run again and does supersede; a success of another object (billing-api) does not.
    const text = [failed, '{"level":"info","msg":"Update succeeded","name":"billing-api-r2m8w"}'].join('\n');
    expect(outcomeSuperseded(text, failed)).toBe(false);
    const rerun = [failed, '{"level":"info","msg":"Update succeeded","name":"core-r2m8w"}'].join('\n');
    expect(outcomeSuperseded(rerun, failed)).toBe(true);
  });

  it('a structured line with emoji is quoted without a lone surrogate', () => {
    const NS = 'web';
    const line = `{"level":"error","msg":"Reconcile error","note":"${'😀'.repeat(150)}","error":"widget store rejected the write"}`;
    const [f] = appErrorsAnalyzer.finds(
      ctx(NS, [
        pods(NS, [['ctl-87bzkrgz6q-6zct8', '1/1', 'Running', '0', '2d']]),
        log(NS, 'ctl-87bzkrgz6q-6zct8', [line]),
      ]),
    );
    expect(f?.cause).toContain('widget store rejected the write');
    expect(loneSurrogate.test(f?.cause ?? '')).toBe(false);
  });

  // Found in review, fixed: in controller-runtime's own format the error field is followed by a long "stacktrace" field, so keeping the line's end quotes the stack trace and still drops the error; the quote should keep the error field's value.
  it('a zap line with a stacktrace after the error keeps the error', () => {
    const NS = 'web';
    const line = `{"level":"error","ts":"2026-06-02T10:05:07.815Z","logger":"controller","msg":"Reconcile error","controller":"widget","padding":"${'x'.repeat(200)}","error":"widget quota store rejected the write","stacktrace":"sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).reconcileHandler\\n\\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.17.2/pkg/internal/controller/controller.go:329\\nsigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).processNextWorkItem\\n\\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.17.2/pkg/internal/controller/controller.go:266"}`;
    const [f] = appErrorsAnalyzer.finds(
      ctx(NS, [
        pods(NS, [['ctl-87bzkrgz6q-6zct8', '1/1', 'Running', '0', '2d']]),
        log(NS, 'ctl-87bzkrgz6q-6zct8', [line]),
      ]),
    );
    expect(f?.cause).toContain('widget quota store rejected the write');
  });
});

describe('product-namespace: one-word products', () => {
  const NS = 'builds-ledger';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['builds-ledger', 'Active', '30d'],
      ['ingress', 'Active', '900d'],
      ['kpack', 'Active', '300d'],
      ['monitoring', 'Active', '900d'],
    ]),
  );
  const here = pods(NS, [['api-87bzkrgz6q-6zct8', '1/1', 'Running', '0', '3d']]);

  it('a task naming no namespace word reads nothing', () => {
    expect(
      productNamespaceAnalyzer.reads(ctx(NS, [namespaces, here], 'Nothing of theirs has built. Why?')),
    ).toEqual([]);
  });

  // Found in review, fixed: every word of four letters or more is a candidate and the first listed namespace that matches wins, so the everyday word "ingress" earlier in the list shadows the product the person names ("onboarded to kpack"); the product named should win over a common word (or all matches be read).
  it('a common word naming an earlier namespace does not shadow the named product', () => {
    const task =
      'Since the ledger team onboarded to kpack yesterday, nothing of theirs has built and nothing is served behind the ingress. Why?';
    // Adapted when fixed: a single word names a product only for a namespace without pods of its own.
    const podless = observed('list_pods', { namespace: NS }, `No resources found in ${NS} namespace.`);
    expect(productNamespaceAnalyzer.reads(ctx(NS, [namespaces, podless], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kpack' } },
    ]);
  });
});

describe('log glosses written for set 82', () => {
  it("go-git's message for a repository and Go SSH's key error are glossed", () => {
    expect(
      glossOf('unable to fetch references for repository https://github.com/x/y.git: authentication required')
        ?.means,
    ).toContain('personal access token');
    expect(glossOf('failed to parse key: ssh: no key found')?.means).toContain('private key');
  });

  // Found in review, fixed: go-containerregistry's registry refusal ("UNAUTHORIZED: authentication required; [map[… Type:repository]]"), which kpack and kaniko print for an image push or pull, is glossed as a git server refusing HTTPS credentials and told to use a personal access token; a registry's answer (a /v2/ URL, "Type:repository") should not take the git gloss.
  it("a container registry's UNAUTHORIZED for a repository is not a git credential error", () => {
    const line =
      'POST https://registry.example.com/v2/ledger/api/blobs/uploads/: UNAUTHORIZED: authentication required; [map[Action:pull Class: Name:ledger/api Type:repository] map[Action:push Class: Name:ledger/api Type:repository]]';
    expect(glossOf(line)?.means ?? '').not.toContain('git server');
  });
});

describe('baseline-model: a one-word name placed in a namespace opens the task', () => {
  it('a capitalised product name is searched in lower case', async () => {
    expect(
      await firstSearch('Keycloak in namespace sso rejects every login since the realm-import job ran.'),
    ).toBe('keycloak');
  });

  it('a very long opening word does not hang the search', async () => {
    const t = performance.now();
    await firstSearch(`${'a'.repeat(5000)} in namespace ${'b'.repeat(5000)} is broken.`);
    expect(performance.now() - t).toBeLessThan(2000);
  });

  // Found in review, fixed: GENERIC_SUBJECT lists "logins" and "builds" but not other plural nouns of what users do ("payments", "orders", "backups", "emails", "alerts"), so "Payments in namespace shop fail since the ledger-writer rollout" searches for "payments" instead of the pasted ledger-writer; a plural everyday noun should not be taken as a workload's name.
  it('a plural everyday noun opening the task leaves the pasted name first', async () => {
    expect(await firstSearch('Payments in namespace shop fail since the ledger-writer rollout.')).toBe(
      'ledger-writer',
    );
    expect(
      await firstSearch('Backups in the db namespace have failed since the pgbackrest-repo change.'),
    ).toBe('pgbackrest-repo');
  });
});
