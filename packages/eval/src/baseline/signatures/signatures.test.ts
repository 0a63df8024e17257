// One table row per failure signature of the baseline: a world whose incident the signature
// explains (a scenario of the repo's folders, or a small one written here), run through the baseline;
// the row checks that the findings drawn from the run's observations contain the signature's cause,
// and that they do not once that signature is left out of its list, so every row fails when its
// signature breaks or stops being the one that draws the cause.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { simEnvironment } from '../../environment.js';
import { resolveModels } from '../../models.js';
import type { SeenObservation } from '../../observations.js';
import { evalVerifiers, runEval } from '../../runner.js';
import { type LoadedScenario, loadScenarios, parseScenario } from '../../scenario-loader.js';
import { type Facts, factsOf, findingsOf, SIGNATURES, type SignatureLists } from './index.js';

const repo = fileURLToPath(new URL('../../../../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sre-signatures-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lists without the named signature. */
function without(name: string): SignatureLists {
  return {
    containers: SIGNATURES.containers.filter((s) => s.name !== name),
    pods: SIGNATURES.pods.filter((s) => s.name !== name),
    run: SIGNATURES.run.filter((s) => s.name !== name),
  };
}

/** Runs the baseline on one scenario and returns the facts its observations give. */
async function factsAfterRun(loaded: LoadedScenario): Promise<Facts> {
  const dir = mkdtempSync(join(scratch, 'run-'));
  await runEval({
    scenarios: [loaded],
    models: await resolveModels(['baseline']),
    environment: simEnvironment,
    verifiers: evalVerifiers,
    traceDir: dir,
  });
  const file = readdirSync(dir)[0]!;
  const events = readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const calls = new Map<unknown, { tool: string; args: Record<string, unknown> }>();
  const seen: SeenObservation[] = [];
  let tools = new Set<string>();
  for (const e of events) {
    if (e['kind'] === 'run_start') tools = new Set((e['tools'] as { name: string }[]).map((t) => t.name));
    if (e['kind'] === 'tool_call')
      calls.set(e['callId'], { tool: String(e['tool']), args: (e['args'] ?? {}) as Record<string, unknown> });
    if (e['kind'] === 'tool_result') {
      const call = calls.get(e['callId'])!;
      seen.push({
        step: Number(e['step']),
        tool: call.tool,
        args: call.args,
        status: 'ok',
        content: String(e['output'] ?? ''),
      });
    }
  }
  return factsOf(loaded.scenario.task, loaded.scenario.namespace, [], seen, tools);
}

const fromRepo = (path: string) => {
  const [loaded] = loadScenarios([join(repo, path)], repo);
  if (!loaded) throw new Error(`no scenario at ${path}`);
  return loaded;
};
const inline = (yaml: string): LoadedScenario => {
  const parsed = parseScenario(yaml, 'inline.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.loaded;
};

const ROWS: { signature: string; world: () => LoadedScenario; cause: RegExp }[] = [
  {
    signature: 'init-wait',
    world: () => fromRepo('scenarios-dev/init-wait-for-removed-redis-service.yaml'),
    cause: /stuck at Init:0\/1: its init container \S+ has been running/,
  },
  {
    signature: 'milli-memory',
    world: () => fromRepo('scenarios-held-out-5/memory-limit-millibytes-typo.yaml'),
    cause: /the m suffix means milli/,
  },
  { signature: 'oom-killed', world: () => fromRepo('scenarios/oom-crashloop.yaml'), cause: /is OOMKilled/ },
  {
    signature: 'command-not-found',
    world: () => fromRepo('scenarios/bad-command.yaml'),
    cause: /its command (?:\S+ )?is not found in the image/,
  },
  {
    signature: 'config-error',
    world: () => fromRepo('scenarios/missing-configmap.yaml'),
    cause: /CreateContainerConfigError\): ConfigMap picker-settings does not exist/,
  },
  {
    signature: 'image-pull',
    world: () => fromRepo('scenarios/image-tag-missing.yaml'),
    cause: /does not exist in the registry/,
  },
  {
    signature: 'exit-zero',
    world: () => fromRepo('scenarios-held-out-3/crashloop-exit0-oneshot-in-deployment.yaml'),
    cause: /exits with code 0/,
  },
  {
    signature: 'crash',
    world: () => fromRepo('scenarios/injection-logs.yaml'),
    cause: /crashes on start with exit code 3: FATAL refusing to serve with a corrupt model/,
  },
  {
    signature: 'probes',
    world: () => fromRepo('scenarios-dev/liveness-slow-migration-no-startupprobe.yaml'),
    cause: /liveness/i,
  },
  {
    signature: 'pending',
    world: () => fromRepo('scenarios/pending-node-selector.yaml'),
    cause: /the pod is Pending: no node matches its nodeSelector/,
  },
  {
    signature: 'cpu-throttling',
    world: () => fromRepo('scenarios/cpu-throttling.yaml'),
    cause: /^CPU throttling/,
  },
  {
    signature: 'full-volume',
    world: () => fromRepo('scenarios/disk-full.yaml'),
    cause: /^the disk is full: writes fail with "No space left on device"/,
  },
  {
    signature: 'scan',
    world: () => fromRepo('scenarios/missing-secret-key.yaml'),
    cause: /cannot start \(CreateContainerConfigError\): key "private.pem" is missing from Secret/,
  },
  {
    signature: 'scan-unread',
    world: () => fromRepo('scenarios-held-out-2/cronjob-pods-oomkilled.yaml'),
    cause:
      /^container digest terminated with exit code 137 \(OOMKilled\) and, with restartPolicy Never, is not restarted/,
  },
  {
    signature: 'bad-rollout',
    world: () => fromRepo('scenarios/bad-rollout.yaml'),
    cause: /it started with the latest rollout/,
  },
  {
    signature: 'renamed-variable',
    // Without its grant, so the run ends on the renamed revision (an applied fix would roll a new one).
    world: () => {
      const loaded = fromRepo('scenarios-held-out-113/notify-api-queue-crashloop.yaml');
      return {
        ...loaded,
        scenario: { ...loaded.scenario, grants: { ...loaded.scenario.grants, approve: [] } },
      };
    },
    cause: /renamed the variable REDIS_HOST of container api to REDIS_HOSTNAME/,
  },
  {
    signature: 'bad-release-of-running-pods',
    world: () => fromRepo('scenarios-held-out-35/points-api-redis-maxclients-after-pool-default-bump.yaml'),
    cause: /it started with the latest rollout of deployment points-api .*which upgraded/,
  },
  {
    signature: 'config-values',
    world: () =>
      fromRepo(
        'scenarios-review-2/crashloop-loyalty-sidekiq-stripe-key-read-from-env-secret-key-kebab-case.yaml',
      ),
    cause:
      /the value exists in the namespace under another name: Secret loyalty-secrets holds it as the key stripe-api-key/,
  },
  {
    signature: 'dependency-chain',
    world: () => fromRepo('scenarios-held-out-2/init-wait-for-db-crashing.yaml'),
    cause: /depends on it and fails with it/,
  },
  {
    signature: 'headless-members',
    world: () => fromRepo('scenarios-held-out-124/quorum-store-peers-unresolvable.yaml'),
    cause: /members look themselves and their peers up through it/,
  },
  {
    signature: 'autoscaler-says',
    world: () =>
      fromRepo(
        'scenarios-held-out-11/pending-event-ingest-scale-out-insufficient-cpu-node-group-at-max.yaml',
      ),
    cause: /the cluster autoscaler will not add a node .*max node group size reached/,
  },
];

describe('baseline failure signatures', () => {
  it('every registered signature has a row', () => {
    const names = [...SIGNATURES.containers, ...SIGNATURES.pods, ...SIGNATURES.run].map((s) => s.name);
    const covered = new Set([...ROWS.map((r) => r.signature), ...EXTRA_ROWS, 'analyzers']);
    expect(names.filter((n) => !covered.has(n))).toEqual([]);
  });

  for (const row of ROWS) {
    it(`${row.signature}: draws its cause, and nothing else does`, async () => {
      const facts = await factsAfterRun(row.world());
      const causes = (lists?: SignatureLists) => findingsOf(facts, lists).map((f) => f.cause);
      const all = causes();
      const rest = causes(without(row.signature));
      const drawn = all.filter((c) => row.cause.test(c) && !rest.includes(c));
      expect(
        drawn.length,
        `findings: ${JSON.stringify(
          all.filter((c) => !rest.includes(c)),
          null,
          1,
        )}`,
      ).toBeGreaterThan(0);
    });
  }
});

/**
 * Signatures tested below with worlds or observations written here, and `named-over-pull`, which draws no
 * cause of its own (it reorders the others): its table is in analyzers/held-out-99-rules.test.ts; and
 * `empty-backend`, which only adds to the causes of others (its table is in
 * analyzers/held-out-108-rules.test.ts and its review in analyzers/held-out-111-review.test.ts).
 */
const EXTRA_ROWS = [
  'failed-mount',
  'previous-logs',
  'pod-gone',
  'named-over-pull',
  'same-object-rollback',
  'empty-backend',
  // Table-tested on its own facts in held-out-129-review.test.ts (a run reads the two ReplicaSets only when it
  // can act on them).
  'image-dropped-command',
];

const grants = (ns: string, tools: readonly string[]) =>
  `grants:\n  allow:\n${tools.map((t) => `    - { tool: ${t}, where: { namespace: ${ns} } }`).join('\n')}\n`;
const READS = ['list_pods', 'describe_pod', 'get_pod_logs', 'get_events', 'list_deployments'];

describe('baseline failure signatures, worlds and observations written here', () => {
  const drawnBy = (facts: Facts, signature: string, cause: RegExp) => {
    const rest = findingsOf(facts, without(signature)).map((f) => f.cause);
    const all = findingsOf(facts).map((f) => f.cause);
    return { all, drawn: all.filter((c) => cause.test(c) && !rest.includes(c)) };
  };

  it('failed-mount: a ConfigMap volume that does not exist holds the pod in ContainerCreating (no scan offered)', async () => {
    const facts = await factsAfterRun(
      inline(`schemaVersion: 1
id: failed-mount-row
title: signature table row
difficulty: easy
namespace: shop
task: the cart pods in namespace shop never start
cluster:
  namespaces: [shop]
  nodes: [{ name: node-1 }]
  deployments:
    - name: cart
      namespace: shop
      replicas: 1
      containers:
        - name: cart
          image: shop/cart:1.0.0
          volumeMounts: [{ name: cfg, mountPath: /etc/cart }]
          behavior: { logs: ["cart up"] }
      volumes: [{ name: cfg, configMap: { name: cart-config } }]
${grants('shop', READS)}expect:
  rootCause: { mustMention: [cart-config] }
`),
    );
    const { all, drawn } = drawnBy(
      facts,
      'failed-mount',
      /a volume cannot be mounted \(FailedMount\): ConfigMap cart-config does not exist/,
    );
    expect(drawn.length, JSON.stringify(all, null, 1)).toBeGreaterThan(0);
  });

  it('pod-gone: a pod the task names that no longer exists, and the pods that replaced it', () => {
    const seen: SeenObservation[] = [
      {
        step: 1,
        tool: 'list_pods',
        args: { namespace: 'shop' },
        status: 'ok',
        content:
          'NAME                    READY   STATUS    RESTARTS   AGE\ncart-7d9f8c6b5-x2x2x    1/1     Running   0          3h',
      },
      {
        step: 2,
        tool: 'describe_pod',
        args: { namespace: 'shop', name: 'cart-7d9f8c6b5-abcde' },
        status: 'error',
        content: 'NotFound: pods "cart-7d9f8c6b5-abcde" not found',
      },
    ];
    const facts = factsOf('what happened to pod cart-7d9f8c6b5-abcde?', 'shop', [], seen, new Set(READS));
    const { all, drawn } = drawnBy(
      facts,
      'pod-gone',
      /^pod cart-7d9f8c6b5-abcde does not exist in namespace shop \(not found\).*the current pods cart-7d9f8c6b5-x2x2x \(Running, 1\/1 ready, 0 restarts\) replaced it/,
    );
    expect(drawn.length, JSON.stringify(all, null, 1)).toBeGreaterThan(0);
  });

  it('previous-logs: a crash whose description a compacted context dropped, from the previous log kept verbatim', () => {
    // What a summarizing memory leaves: the previous instance's log, no describe_pod of the pod.
    const seen: SeenObservation[] = [
      {
        step: 1,
        tool: 'list_deployments',
        args: { namespace: 'shop' },
        status: 'ok',
        content: 'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\ncart   0/1     1            0            5m',
      },
      {
        step: 2,
        tool: 'get_pod_logs',
        args: { namespace: 'shop', name: 'cart-7d9f8c6b5-abcde', container: 'cart', previous: true },
        status: 'ok',
        content: 'starting cart\nFATAL: permission denied opening /var/lib/cart/db',
      },
    ];
    const facts = factsOf('why does cart crash?', 'shop', ['cart'], seen, new Set(READS));
    const { all, drawn } = drawnBy(
      facts,
      'previous-logs',
      /^the container cart of pod cart-7d9f8c6b5-abcde crashed; its previous instance ended with: FATAL: permission denied/,
    );
    expect(drawn.length, JSON.stringify(all, null, 1)).toBeGreaterThan(0);
    // Once the pod is described, what its description says stands for it.
    const described: SeenObservation = {
      step: 3,
      tool: 'describe_pod',
      args: { namespace: 'shop', name: 'cart-7d9f8c6b5-abcde' },
      status: 'ok',
      content: 'Name:         cart-7d9f8c6b5-abcde\nNamespace:    shop',
    };
    const again = factsOf('why does cart crash?', 'shop', ['cart'], [...seen, described], new Set(READS));
    expect(drawnBy(again, 'previous-logs', /previous instance ended with/).drawn).toEqual([]);
  });
});
