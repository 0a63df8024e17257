/*
 * Prompt-cache benchmark (issue #15, item 4). Runs a scripted ~20-step investigation of the
 * oom-crashloop scenario through the real harness and each real adapter (Anthropic Messages, OpenAI
 * Chat Completions), against local HTTP servers on 127.0.0.1 that speak each wire format, record every
 * request body and play the script. From the recorded bodies it computes, per request and for the run,
 * the input tokens, the tokens a provider's prompt cache could serve, and the run's cost at list
 * prices with and without caching. It measures whatever layout the adapters send (one rebuilt user
 * message, or a native tool-use transcript): see bench/cache-share.ts for the cache models.
 *
 * Run: pnpm --filter @sre-harness/eval exec tsx --conditions=@sre-harness/source bench/prompt-cache.ts --help
 *
 * Prices and multipliers (list prices, USD per million tokens), read from the packages' tables:
 * - packages/model-anthropic/src/prices.ts, claude-sonnet-4-5: input 3, output 15, cache write 3.75
 *   (1.25x input, the 5-minute ephemeral rate), cache read 0.30 (0.1x input).
 * - packages/model-openai/src/prices.ts, gpt-4.1: input 2, output 8, cached input 0.50 (0.25x input);
 *   OpenAI bills no cache writes.
 * - packages/core/src/model-kit/prices.ts `costOf`: uncached input = input - cache reads - cache writes,
 *   each part at its rate. The servers report the modelled cache use in `usage`, so the adapters' own
 *   cost (`RunResult.usage.costUsd`) is printed beside ours as a cross-check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as core from '@sre-harness/core';
import { createHarness, type Memory, type MemoryOption, type Usage } from '@sre-harness/core';
import { o200kTokenCounter, summarizingMemory } from '@sre-harness/memory-summarizer';
import {
  anthropicModel,
  costOf,
  DEFAULT_ANTHROPIC_PRICES,
  type ModelPrice,
} from '@sre-harness/model-anthropic';
import { DEFAULT_OPENAI_PRICES, openaiModel } from '@sre-harness/model-openai';
import { readOnlyK8sTools } from '@sre-harness/tools-k8s';
import { createSimCluster } from '@sre-harness/tools-k8s/sim';
import { memoryFromSpec } from '../src/memory-option.js';
import { taskFor } from '../src/runner.js';
import { loadScenarioFile } from '../src/scenario-loader.js';
import {
  AnthropicCache,
  anthropicUnits,
  type CacheOutcome,
  OpenAICache,
  openaiUnits,
  runShare,
  UNIT_OVERHEAD,
  type Unit,
} from './cache-share.js';

const HELP = `prompt-cache benchmark: how much of each request a provider's prompt cache could serve

usage: tsx --conditions=@sre-harness/source bench/prompt-cache.ts [options]

  --steps N              requests per run, the last one the final answer (default 20, at least 2)
  --memory SPEC          window[:keep] or summarizer[:maxTokens]; repeatable (default: window and
                         summarizer:3000, a budget a 20-step run outgrows, so the summary is exercised;
                         the summarizer's own default budget is 8000)
  --adapter NAME         anthropic or openai; repeatable (default both)
  --units                also list the units (tools, system, message blocks) of each run's last request
  --json                 print one JSON document instead of tables
  --check                exit 1 when a target is missed (otherwise always exit 0)
  -h, --help             this text

Targets: at least 80% of input tokens cacheable after the first request with window memory, for each
adapter; the summarizing memory within 10 points of the same adapter's window figure while its
rendered context stays within its token budget.
Tokens are counted with the o200k_base tokenizer (gpt-tokenizer, as the summarizing memory counts)
over each unit's text plus ${UNIT_OVERHEAD} per unit; Claude's tokenizer differs, so Anthropic token counts are
approximate, the shares much less so.`;

const DEFAULT_MEMORIES = ['window', 'summarizer:3000'];
const ANTHROPIC_MODEL = 'claude-sonnet-4-5';
const OPENAI_MODEL = 'gpt-4.1';
const TARGET = 0.8;
const SUMMARIZER_SLACK = 0.1;

type AdapterName = 'anthropic' | 'openai';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '20' },
    memory: { type: 'string', multiple: true },
    adapter: { type: 'string', multiple: true },
    units: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

function fail(message: string): never {
  process.stderr.write(`prompt-cache: ${message}\n`);
  process.exit(2);
}

const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 2 || steps > 200)
  fail(`--steps must be a whole number from 2 to 200`);
const memorySpecs = values.memory?.length ? values.memory : DEFAULT_MEMORIES;
for (const spec of memorySpecs) {
  try {
    memoryFromSpec(spec);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}
const adapters = (values.adapter?.length ? values.adapter : ['anthropic', 'openai']) as AdapterName[];
for (const a of adapters) if (a !== 'anthropic' && a !== 'openai') fail(`unknown adapter ${a}`);

const counter = o200kTokenCounter();
const count = (text: string) => counter.count(text);

// ------------------------------------------------------------------ the scenario and its script

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const loaded = loadScenarioFile(join(repo, 'scenarios', 'oom-crashloop.yaml'), repo);
const scenario = loaded.scenario;
const NS = scenario.namespace ?? 'shop';

interface Call {
  readonly tool: string;
  readonly input: Record<string, unknown>;
}
interface ScriptStep {
  readonly text: string;
  readonly calls: readonly Call[];
}

/** The names a model would have read off list_pods: the sim names pods deterministically. */
async function clusterNames() {
  const twin = createSimCluster(scenario.cluster);
  const pods = (await twin.list({ kind: 'Pod', namespace: NS })) as {
    metadata: { name: string };
    spec?: { nodeName?: string };
  }[];
  const named = (prefix: string) =>
    pods.filter((p) => p.metadata.name.startsWith(`${prefix}-`)).map((p) => p.metadata.name);
  const checkout = named('checkout');
  const cart = named('cart');
  if (checkout.length < 2 || cart.length < 1)
    throw new Error('oom-crashloop no longer has the expected pods');
  const node = pods.find((p) => p.metadata.name === checkout[0])?.spec?.nodeName ?? 'ip-10-0-1-17';
  return { checkout: checkout as [string, string], cart: cart[0]!, node };
}

function investigation(n: Awaited<ReturnType<typeof clusterNames>>): ScriptStep[] {
  const [c1, c2] = n.checkout;
  const call = (tool: string, input: Record<string, unknown>): Call => ({ tool, input });
  const one = (text: string, tool: string, input: Record<string, unknown>): ScriptStep => ({
    text,
    calls: [call(tool, input)],
  });
  return [
    one('Starting with the pods in shop to see which ones restart.', 'list_pods', { namespace: NS }),
    one('Both checkout pods show restarts. Checking recent events in the namespace.', 'get_events', {
      namespace: NS,
    }),
    one(
      'The events show back-off restarts; describing the first checkout pod for its last state.',
      'describe_pod',
      {
        namespace: NS,
        name: c1,
      },
    ),
    one('The pod restarts; checking its previous logs.', 'get_pod_logs', {
      namespace: NS,
      name: c1,
      previous: true,
    }),
    one('GC pressure before the restart. Comparing memory use with the limit.', 'get_pod_metrics', {
      namespace: NS,
    }),
    {
      text: 'Checking whether the second replica fails the same way.',
      calls: [
        call('describe_pod', { namespace: NS, name: c2 }),
        call('get_pod_logs', { namespace: NS, name: c2, previous: true }),
      ],
    },
    one(
      'Both replicas fail alike. Looking at the deployment: resources and JAVA_OPTS.',
      'describe_deployment',
      {
        namespace: NS,
        name: 'checkout',
      },
    ),
    one('The change cause mentions a base image bump; checking the rollout history.', 'get_rollout_history', {
      namespace: NS,
      name: 'checkout',
    }),
    one('Listing the replica sets to see when the current template rolled out.', 'list_resources', {
      kind: 'ReplicaSet',
      namespace: NS,
    }),
    one('Looking for a ConfigMap that could set JVM flags.', 'list_resources', {
      kind: 'ConfigMap',
      namespace: NS,
    }),
    one('No JVM ConfigMap. Checking the events about the checkout deployment itself.', 'get_events', {
      namespace: NS,
      kind: 'Deployment',
      name: 'checkout',
    }),
    one('Reading the current instance of the first pod, to see how far it gets.', 'get_pod_logs', {
      namespace: NS,
      name: c1,
      tail: 50,
    }),
    one('Ruling out node memory pressure.', 'list_nodes', {}),
    one(`Describing ${n.node}, which runs ${c1}.`, 'describe_node', { name: n.node }),
    one('The node has room. Checking the other deployments in shop.', 'list_deployments', { namespace: NS }),
    one('cart is a dependency of checkout; checking its logs for errors.', 'get_pod_logs', {
      namespace: NS,
      name: n.cart,
    }),
    one('cart is healthy. Checking the checkout service and its endpoints.', 'describe_service', {
      namespace: NS,
      name: 'checkout',
    }),
    one('Confirming nothing else routes to these pods.', 'list_services', { namespace: NS }),
    one(`Re-reading the metrics of ${c1} to confirm memory climbs to the limit.`, 'get_pod_metrics', {
      namespace: NS,
      name: c1,
    }),
    one('Checking the restart counts once more before concluding.', 'list_pods', {
      namespace: NS,
      labelSelector: 'app=checkout',
    }),
    one('Reading the deployment as YAML to quote the exact limits.', 'get_resource', {
      kind: 'Deployment',
      name: 'checkout',
      namespace: NS,
    }),
    one(`Checking the events of ${c2} for the kill reason.`, 'get_events', {
      namespace: NS,
      kind: 'Pod',
      name: c2,
    }),
    one('Describing the replica set behind checkout.', 'describe_resource', {
      kind: 'Deployment',
      name: 'checkout',
      namespace: NS,
    }),
    one('Comparing with cart, which stays within its limit.', 'get_pod_metrics', {
      namespace: NS,
      name: n.cart,
    }),
  ];
}

const FINAL_ANSWER = `Root cause: the checkout containers in shop are OOMKilled. The JVM is started with -XX:MaxRAMPercentage=90 and needs about 700Mi, but the container memory limit is 512Mi, so each pod is killed by the kernel (last state OOMKilled, exit code 137) a few minutes after start and the pods loop in CrashLoopBackOff.

Evidence: describe_pod shows Last State: Terminated, Reason: OOMKilled for both replicas; the previous logs end with GC overhead warnings; get_pod_metrics shows memory at the limit; the node has room, and cart is healthy.

Fix: raise the checkout memory limit to at least 768Mi (set_resources on deployment checkout), or lower MaxRAMPercentage so the heap fits the limit. The recent base-image bump (Java 21.0.4) is the likely trigger of the larger footprint.`;

/** Plays the script, one step per request, keeping to the tools the request offers. */
class ScriptPlayer {
  #cursor = 0;
  #request = 0;
  constructor(
    readonly script: readonly ScriptStep[],
    readonly steps: number,
  ) {}

  next(offered: ReadonlySet<string>): ScriptStep | undefined {
    this.#request++;
    if (this.#request >= this.steps) return undefined;
    // Past the end of the script, go round again: a long investigation re-reads things.
    for (let tries = 0; tries < this.script.length; tries++) {
      const step = this.script[this.#cursor % this.script.length]!;
      const lap = Math.floor(this.#cursor / this.script.length);
      this.#cursor++;
      const calls = step.calls.filter((c) => offered.has(c.tool));
      if (calls.length === 0) continue;
      const text = lap === 0 ? step.text : `Re-checking (pass ${lap + 1}): ${step.text}`;
      return { text, calls };
    }
    return undefined;
  }
}

// ------------------------------------------------------------------ the servers

interface Exchange {
  readonly body: unknown;
  readonly outcome: CacheOutcome;
  readonly units: readonly Unit[];
  readonly outputTokens: number;
  readonly final: boolean;
}

interface Session {
  readonly player: ScriptPlayer;
  readonly cache: AnthropicCache | OpenAICache;
  readonly exchanges: Exchange[];
}

function outputTokensOf(step: ScriptStep | undefined): number {
  if (!step) return count(FINAL_ANSWER) + UNIT_OVERHEAD;
  let n = count(step.text) + UNIT_OVERHEAD;
  for (const c of step.calls) n += count(`${c.tool} ${JSON.stringify(c.input)}`) + UNIT_OVERHEAD;
  return n;
}

function idFrom(prefix: string, ...parts: (string | number)[]): string {
  // Deterministic ids shaped like the providers' (toolu_01..., call_...), stable across runs.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let h = 2166136261;
  let out = '';
  const seed = parts.join('/');
  for (let i = 0; i < 24; i++) {
    for (const ch of `${seed}#${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += alphabet[h % alphabet.length];
  }
  return `${prefix}${out}`;
}

class ScriptedServer {
  #server: Server | undefined;
  #session: Session | undefined;
  #run = 0;
  url = '';

  constructor(readonly kind: AdapterName) {}

  async start(): Promise<void> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  begin(script: readonly ScriptStep[], steps: number): Exchange[] {
    this.#run++;
    const exchanges: Exchange[] = [];
    this.#session = {
      player: new ScriptPlayer(script, steps),
      cache: this.kind === 'anthropic' ? new AnthropicCache() : new OpenAICache(count),
      exchanges,
    };
    return exchanges;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').split('?')[0];
    const wanted = this.kind === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || path !== wanted || !this.#session) {
      send(404, {
        type: 'error',
        error: { type: 'not_found_error', message: `no route ${req.method} ${path}` },
      });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      send(400, { type: 'error', error: { type: 'invalid_request_error', message: 'body is not JSON' } });
      return;
    }
    const s = this.#session;
    const units = this.kind === 'anthropic' ? anthropicUnits(body, count) : openaiUnits(body, count);
    const outcome = s.cache.observe(units);
    const tools = Array.isArray(body['tools']) ? (body['tools'] as Record<string, unknown>[]) : [];
    const offered = new Set(
      tools.map((t) =>
        String(
          this.kind === 'anthropic' ? t['name'] : (t['function'] as { name?: unknown } | undefined)?.name,
        ),
      ),
    );
    const step = s.player.next(offered);
    const outputTokens = outputTokensOf(step);
    const n = s.exchanges.length + 1;
    s.exchanges.push({ body, outcome, units, outputTokens, final: step === undefined });
    send(
      200,
      this.kind === 'anthropic'
        ? this.#anthropic(body, step, outcome, outputTokens, n)
        : this.#openai(body, step, outcome, outputTokens, n),
    );
  }

  #anthropic(
    body: Record<string, unknown>,
    step: ScriptStep | undefined,
    o: CacheOutcome,
    out: number,
    n: number,
  ) {
    const content = step
      ? [
          { type: 'text', text: step.text },
          ...step.calls.map((c, i) => ({
            type: 'tool_use',
            id: idFrom('toolu_01', this.#run, n, i),
            name: c.tool,
            input: c.input,
          })),
        ]
      : [{ type: 'text', text: FINAL_ANSWER }];
    return {
      id: idFrom('msg_01', this.#run, n),
      type: 'message',
      role: 'assistant',
      model: String(body['model'] ?? ANTHROPIC_MODEL),
      content,
      stop_reason: step ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: o.inputTokens - o.cachedTokens - o.writeTokens,
        output_tokens: out,
        cache_read_input_tokens: o.cachedTokens,
        cache_creation_input_tokens: o.writeTokens,
      },
    };
  }

  #openai(
    body: Record<string, unknown>,
    step: ScriptStep | undefined,
    o: CacheOutcome,
    out: number,
    n: number,
  ) {
    const message = step
      ? {
          role: 'assistant',
          content: step.text,
          refusal: null,
          tool_calls: step.calls.map((c, i) => ({
            id: idFrom('call_', this.#run, n, i),
            type: 'function',
            function: { name: c.tool, arguments: JSON.stringify(c.input) },
          })),
        }
      : { role: 'assistant', content: FINAL_ANSWER, refusal: null };
    return {
      id: idFrom('chatcmpl-', this.#run, n),
      object: 'chat.completion',
      created: 1_767_225_600 + n,
      model: String(body['model'] ?? OPENAI_MODEL),
      choices: [{ index: 0, message, logprobs: null, finish_reason: step ? 'tool_calls' : 'stop' }],
      usage: {
        prompt_tokens: o.inputTokens,
        completion_tokens: out,
        total_tokens: o.inputTokens + out,
        prompt_tokens_details: { cached_tokens: o.cachedTokens, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
    };
  }
}

// ------------------------------------------------------------------ one run

interface MemoryProbe {
  readonly option: MemoryOption;
  readonly budget: number | undefined;
  /** Tokens of every rendered context, in order. */
  readonly renders: number[];
}

/**
 * Tokens of what a memory rendered: a string as it is; a list of entries (the transcript layout) as
 * the core's own `transcriptText` shows it when this core has one, else as JSON (an over-count).
 */
function renderTokens(rendered: unknown): number {
  if (typeof rendered === 'string') return count(rendered);
  const kit = core as unknown as Record<string, unknown>;
  const toTranscript = kit['toTranscript'];
  const transcriptText = kit['transcriptText'];
  if (typeof toTranscript === 'function' && typeof transcriptText === 'function') {
    try {
      return count(String(transcriptText(toTranscript(rendered, 1, 1))));
    } catch {
      // a core whose transcript functions take something else: fall back to the JSON
    }
  }
  return count(JSON.stringify(rendered) ?? '');
}

/** The memory a spec names, wrapped so every render is measured (the harness sees no difference). */
function probeMemory(spec: string): MemoryProbe {
  const m = /^summarizer(?::(\d+))?$/.exec(spec.trim());
  const budget = m ? Number(m[1] ?? 8000) : undefined;
  const make = m ? summarizingMemory(m[1] ? { maxTokens: budget } : {}) : memoryFromSpec(spec);
  const renders: number[] = [];
  const option = (): Memory => {
    const inner = make();
    type Rendered = ReturnType<Memory['render']>;
    const measure = <T>(v: T): T => {
      renders.push(renderTokens(v));
      return v;
    };
    return {
      add: (observation, ctx) => inner.add(observation, ctx),
      render: (): Rendered => {
        const r: unknown = inner.render();
        if (r instanceof Promise) return r.then(measure) as Rendered;
        return measure(r) as Rendered;
      },
    };
  };
  return { option, budget, renders };
}

interface RunReport {
  readonly adapter: AdapterName;
  readonly model: string;
  readonly memory: string;
  readonly budget: number | undefined;
  readonly requests: readonly {
    readonly n: number;
    readonly units: number;
    readonly breakpoints: readonly string[];
    readonly inputTokens: number;
    readonly cachedTokens: number;
    readonly writeTokens: number;
    readonly altCachedTokens: number;
    readonly share: number;
    readonly contextTokens: number | undefined;
    readonly outputTokens: number;
  }[];
  readonly run: ReturnType<typeof runShare>;
  /** What `altCachedTokens` and `run.altShareAfterFirst` measure for this adapter. */
  readonly altFigure: string;
  readonly cost: {
    readonly uncachedUsd: number;
    readonly cachedUsd: number;
    readonly adapterUsd: number | undefined;
  };
  readonly harness: { readonly stoppedReason: string; readonly steps: number; readonly compactions: number };
  readonly maxContextTokens: number;
  readonly layout: string;
  readonly lastUnits: readonly { label: string; tokens: number; breakpoint: boolean }[];
  target?: { readonly wanted: string; readonly met: boolean };
}

function layoutOf(units: readonly Unit[]): string {
  const groups: { label: string; n: number; bp: number }[] = [];
  for (const u of units) {
    const label = u.label.replace(/\[\d+\]/, '');
    const last = groups.at(-1);
    if (last && last.label === label) {
      last.n++;
      if (u.breakpoint) last.bp++;
    } else groups.push({ label, n: 1, bp: u.breakpoint ? 1 : 0 });
  }
  return groups.map((g) => `${g.n > 1 ? `${g.n}x ` : ''}${g.label}${g.bp ? ` [${g.bp} bp]` : ''}`).join(', ');
}

async function runOne(
  server: ScriptedServer,
  script: readonly ScriptStep[],
  memorySpec: string,
): Promise<RunReport> {
  const cluster = createSimCluster(scenario.cluster);
  const tools = readOnlyK8sTools(cluster);
  const probe = probeMemory(memorySpec);
  const model =
    server.kind === 'anthropic'
      ? anthropicModel({ model: ANTHROPIC_MODEL, apiKey: 'test', baseURL: server.url, timeoutMs: 20_000 })
      : openaiModel({ model: OPENAI_MODEL, apiKey: 'test', baseURL: `${server.url}/v1`, timeoutMs: 20_000 });
  const exchanges = server.begin(script, steps);
  const harness = createHarness({
    model,
    tools,
    guardrails: { maxSteps: steps + 2, allow: tools.map((t) => t.name) },
    memory: probe.option,
  });
  const result = await harness.run(taskFor(scenario));
  const price: ModelPrice =
    server.kind === 'anthropic'
      ? DEFAULT_ANTHROPIC_PRICES[ANTHROPIC_MODEL]!
      : DEFAULT_OPENAI_PRICES[OPENAI_MODEL]!;
  let uncachedUsd = 0;
  let cachedUsd = 0;
  for (const e of exchanges) {
    const o = e.outcome;
    const plain: Usage = { inputTokens: o.inputTokens, outputTokens: e.outputTokens };
    uncachedUsd += costOf(price, plain);
    cachedUsd += costOf(price, {
      ...plain,
      cacheReadTokens: o.cachedTokens,
      cacheWriteTokens: o.writeTokens,
    });
  }
  const outcomes = exchanges.map((e) => e.outcome);
  const last = exchanges.at(-1);
  return {
    adapter: server.kind,
    model: server.kind === 'anthropic' ? ANTHROPIC_MODEL : OPENAI_MODEL,
    memory: memorySpec,
    budget: probe.budget,
    requests: exchanges.map((e, i) => ({
      n: i + 1,
      units: e.units.length,
      breakpoints: e.outcome.breakpoints.map((b) => e.units[b]!.label),
      inputTokens: e.outcome.inputTokens,
      cachedTokens: e.outcome.cachedTokens,
      writeTokens: e.outcome.writeTokens,
      altCachedTokens: e.outcome.altCachedTokens,
      share: e.outcome.inputTokens ? e.outcome.cachedTokens / e.outcome.inputTokens : 0,
      contextTokens: probe.renders[i],
      outputTokens: e.outputTokens,
    })),
    run: runShare(outcomes),
    altFigure:
      server.kind === 'anthropic'
        ? 'cached tokens without the 20-block look-back limit'
        : 'cached tokens when the prefix is matched by characters, not whole messages',
    cost: { uncachedUsd, cachedUsd, adapterUsd: result.usage.costUsd },
    harness: {
      stoppedReason: result.stoppedReason,
      steps: result.steps,
      compactions: result.trace.filter((e) => e.kind === 'memory_compacted').length,
    },
    maxContextTokens: Math.max(0, ...probe.renders),
    layout: last ? layoutOf(last.units) : '(no requests)',
    lastUnits: last
      ? last.units.map((u) => ({ label: u.label, tokens: u.tokens, breakpoint: u.breakpoint }))
      : [],
  };
}

// ------------------------------------------------------------------ main

// The Anthropic SDK warns on every request that claude-sonnet-4-5 is deprecated; the model is kept
// for its list price, and the warning is counted once instead of printed twenty times a run.
let deprecationWarnings = 0;
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('is deprecated and will reach end-of-life')) {
    deprecationWarnings++;
    return;
  }
  warn(...args);
};

const names = await clusterNames();
const script = investigation(names);
const reports: RunReport[] = [];
for (const adapter of adapters) {
  const server = new ScriptedServer(adapter);
  await server.start();
  try {
    for (const spec of memorySpecs) reports.push(await runOne(server, script, spec));
  } finally {
    await server.stop();
  }
}

// Targets: window memory >= 80% after the first request; the summarizer within 10 points of the same
// adapter's window figure (80% when no window run is measured) and within its budget.
for (const r of reports) {
  if (r.budget === undefined) {
    r.target = { wanted: `>= ${pct(TARGET)} after the first request`, met: r.run.shareAfterFirst >= TARGET };
  } else {
    const window = reports.find((w) => w.adapter === r.adapter && w.budget === undefined);
    const reference = window?.run.shareAfterFirst ?? TARGET;
    const floor = reference - SUMMARIZER_SLACK;
    const within = r.maxContextTokens <= r.budget;
    r.target = {
      wanted: `>= ${pct(floor)} (${window ? 'window' : 'target'} ${pct(reference)} - 10 points), context <= ${r.budget} tokens (max ${r.maxContextTokens})`,
      met: r.run.shareAfterFirst >= floor - 1e-9 && within,
    };
  }
}
console.warn = warn;
const missed = reports.filter((r) => !r.target!.met);

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
function usd(x: number): string {
  return `$${x.toFixed(4)}`;
}
function int(x: number): string {
  return x.toLocaleString('en-US');
}

if (values.json) {
  const doc = {
    scenario: scenario.id,
    steps,
    tokenizer: `${counter.name} + ${UNIT_OVERHEAD} per unit`,
    targets: { window: TARGET, summarizerSlack: SUMMARIZER_SLACK },
    runs: reports.map(({ lastUnits, ...r }) => (values.units ? { ...r, lastUnits } : r)),
    missed: missed.length,
  };
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
} else {
  const out: string[] = [];
  out.push(
    `prompt-cache: scenario ${scenario.id}, ${steps} requests per run; tokens: ${counter.name} over each unit's text + ${UNIT_OVERHEAD} per unit`,
  );
  for (const r of reports) {
    const anth = r.adapter === 'anthropic';
    out.push('');
    out.push(
      `${r.adapter}:${r.model}, memory ${r.memory}${r.budget ? ` (budget ${r.budget} tokens)` : ''}: ${r.harness.stoppedReason} after ${r.harness.steps} steps${r.harness.compactions ? `, ${r.harness.compactions} compaction(s)` : ''}`,
    );
    out.push(`  layout of the last request: ${r.layout}`);
    const alt = anth ? 'no-limit' : 'tok-level';
    const head = [
      'req',
      'units',
      'context',
      'input',
      'cacheable',
      'share',
      ...(anth ? ['written'] : []),
      alt,
    ];
    const rows = r.requests.map((q) => [
      String(q.n),
      String(q.units),
      q.contextTokens === undefined ? '-' : int(q.contextTokens),
      int(q.inputTokens),
      int(q.cachedTokens),
      pct(q.share),
      ...(anth ? [int(q.writeTokens)] : []),
      pct(q.inputTokens ? q.altCachedTokens / q.inputTokens : 0),
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => c.padStart(widths[i]!)).join('  ')}`;
    out.push(line(head));
    for (const row of rows) out.push(line(row));
    const s = r.run;
    out.push(
      `  run: input ${int(s.inputTokens)} tokens over ${s.requests} requests; cacheable ${pct(s.share)} of all, ${pct(s.shareAfterFirst)} after the first request (${anth ? 'without the 20-block look-back limit' : 'matching tokens, not whole messages'}: ${pct(s.altShareAfterFirst)})`,
    );
    out.push(
      `  cost at list prices: ${usd(r.cost.uncachedUsd)} without caching, ${usd(r.cost.cachedUsd)} with (${pct(1 - r.cost.cachedUsd / (r.cost.uncachedUsd || 1))} saved; the adapter's own sum: ${r.cost.adapterUsd === undefined ? 'none' : usd(r.cost.adapterUsd)})`,
    );
    out.push(`  target ${r.target!.wanted}: ${r.target!.met ? 'met' : 'MISSED'}`);
    if (values.units) {
      out.push('  units of the last request:');
      for (const u of r.lastUnits)
        out.push(`    ${u.label}${u.breakpoint ? ' [breakpoint]' : ''}: ${u.tokens}`);
    }
  }
  out.push('');
  if (deprecationWarnings > 0)
    out.push(
      `(the Anthropic SDK warned ${deprecationWarnings} times that ${ANTHROPIC_MODEL} is deprecated; not shown)`,
    );
  out.push(
    missed.length === 0
      ? 'targets: all met'
      : `targets: ${missed.length} missed (${missed.map((r) => `${r.adapter}/${r.memory}`).join(', ')})${values.check ? '' : '; exit 0 anyway (a benchmark; --check makes this fail)'}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
process.exitCode = values.check && missed.length > 0 ? 1 : 0;
