// Feeds 10 to 10,000 realistic observations through the summarizing memory and prints the rendered
// size (it must stay at or under the budget) and how many planted key facts survive in the context.
// Run: pnpm --filter @sre-harness/memory-summarizer bench   (or `pnpm bench` at the root)
import {
  type Memory,
  type MemoryContext,
  type Observation,
  type TranscriptEntry,
  toTranscript,
  transcriptText,
  WindowMemory,
} from '@sre-harness/core';

/** What the model reads of a render, as text (tool calls' arguments appear in the result headers). */
function shown(rendered: readonly TranscriptEntry[] | string): string {
  return transcriptText(toTranscript(rendered, 1, 1));
}

import { o200kTokenCounter, SummarizingMemory } from '../src/index.js';

const BUDGET = 8_000;
const SIZES = [10, 100, 1_000, 10_000];
const counter = o200kTokenCounter();

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Fact {
  readonly step: number;
  /** Every needle must appear on one line of the rendered context for the fact to count as kept. */
  readonly needles: readonly (string | RegExp)[];
}

const SERVICES = [
  'checkout',
  'cart',
  'payments',
  'search',
  'catalog',
  'ledger',
  'auth',
  'gateway',
  'orders',
  'email',
];

function makeWorld(n: number, seed = 42): { observations: Observation[]; facts: Fact[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hash = (len: number) => {
    const chars = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < len; i++) s += chars[Math.floor(r() * chars.length)];
    return s;
  };
  const podName = () => `${pick(SERVICES)}-${hash(9)}-${hash(5)}`;
  const healthy = Array.from({ length: 30 }, podName);
  const ts = (i: number) =>
    `2026-11-24T0${Math.floor(i / 3600) % 10}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`;
  const observations: Observation[] = [];
  const facts: Fact[] = [];
  const push = (step: number, tool: string, args: unknown, content: string) =>
    observations.push({
      kind: 'tool',
      step,
      callId: `c${step}`,
      tool,
      args,
      mutating: false,
      status: 'ok',
      content,
    });

  for (let step = 1; step <= n; step++) {
    const planted = step % 20 === 7;
    const kind = planted ? Math.floor(step / 20) % 4 : Math.floor(r() * 5);
    if (planted) {
      const name = podName();
      if (kind === 0) {
        const [reason, code] = pick([
          ['OOMKilled', 137],
          ['Error', 1],
          ['Error', 143],
          ['OOMKilled', 137],
        ] as const);
        const restarts = 3 + Math.floor(r() * 40);
        push(
          step,
          'describe_pod',
          { namespace: 'shop', name },
          [
            `Name:         ${name}`,
            'Namespace:    shop',
            `Node:         node-${hash(4)}`,
            'Containers:',
            '  app:',
            `    Image:          registry.local/${name.split('-')[0]}:2.${Math.floor(r() * 20)}.1`,
            '    State:          Waiting',
            '      Reason:       CrashLoopBackOff',
            '    Last State:     Terminated',
            `      Reason:       ${reason}`,
            `      Exit Code:    ${code}`,
            `    Restart Count:  ${restarts}`,
            '    Limits:',
            `      memory:  ${pick([256, 512, 768])}Mi`,
            'Conditions:',
            '  Ready   False',
          ].join('\n'),
        );
        facts.push({ step, needles: [name, reason, new RegExp(`\\b${code}\\b`)] });
      } else if (kind === 1) {
        const err = `connection to db-${hash(4)}:5432 refused after ${2 + Math.floor(r() * 9)} retries`;
        const lines = Array.from(
          { length: 25 },
          (_, i) =>
            `${ts(step * 30 + i)} INFO  GET /api/v1/items/${Math.floor(r() * 9999)} 200 ${Math.floor(r() * 80)}ms`,
        );
        lines.splice(17, 0, `${ts(step * 30 + 17)} ERROR ${err}`);
        push(step, 'get_pod_logs', { namespace: 'shop', name }, lines.join('\n'));
        facts.push({ step, needles: [name, err] });
      } else if (kind === 2) {
        const lines = Array.from({ length: 12 }, () => {
          const p = pick(healthy);
          return `${Math.floor(r() * 50) + 1}m   Normal    ${pick(['Pulled', 'Started', 'Scheduled', 'Created'])}   pod/${p}   ${pick(['Successfully pulled image', 'Started container app', 'Successfully assigned shop/' + p, 'Created container app'])}`;
        });
        lines.splice(
          6,
          0,
          `2m    Warning   BackOff   pod/${name}   Back-off restarting failed container app`,
        );
        push(
          step,
          'get_events',
          { namespace: 'shop' },
          ['LAST SEEN   TYPE      REASON    OBJECT    MESSAGE', ...lines].join('\n'),
        );
        facts.push({ step, needles: [name, 'BackOff'] });
      } else {
        const restarts = 5 + Math.floor(r() * 30);
        const rows = healthy
          .slice(0, 15)
          .map((p) => `${p}   1/1     Running   0          ${Math.floor(r() * 9) + 1}d`);
        rows.splice(
          9,
          0,
          `${name}   0/1     CrashLoopBackOff   ${restarts}          ${Math.floor(r() * 50) + 5}m`,
        );
        push(
          step,
          'list_pods',
          { namespace: 'shop' },
          ['NAME   READY   STATUS    RESTARTS   AGE', ...rows].join('\n'),
        );
        facts.push({ step, needles: [name, 'CrashLoopBackOff', new RegExp(`\\b${restarts}\\b`)] });
      }
      continue;
    }
    // Noise: what a busy namespace looks like when nothing relevant is in it.
    const p = pick(healthy);
    if (kind === 0) {
      const lines = Array.from({ length: 20 + Math.floor(r() * 20) }, (_, i) =>
        r() < 0.05
          ? `${ts(step * 40 + i)} WARN  slow request GET /api/v1/search took ${300 + Math.floor(r() * 900)}ms`
          : `${ts(step * 40 + i)} INFO  GET /api/v1/items/${Math.floor(r() * 9999)} 200 ${Math.floor(r() * 80)}ms`,
      );
      push(step, 'get_pod_logs', { namespace: 'shop', name: p }, lines.join('\n'));
    } else if (kind === 1) {
      push(
        step,
        'describe_pod',
        { namespace: 'shop', name: p },
        [
          `Name:         ${p}`,
          'Namespace:    shop',
          '    State:          Running',
          `      Started:      ${ts(step)}`,
          '    Ready:          True',
          '    Restart Count:  0',
          '    Limits:',
          '      memory:  512Mi',
        ].join('\n'),
      );
    } else if (kind === 2) {
      push(
        step,
        'get_pod_metrics',
        { namespace: 'shop' },
        healthy
          .slice(0, 12)
          .map((x) => `${x}   cpu ${Math.floor(r() * 200)}m   memory ${100 + Math.floor(r() * 300)}Mi`)
          .join('\n'),
      );
    } else if (kind === 3) {
      push(
        step,
        'list_pods',
        { namespace: 'shop' },
        [
          'NAME   READY   STATUS    RESTARTS   AGE',
          ...healthy.slice(0, 15).map((x) => `${x}   1/1     Running   0          3d`),
        ].join('\n'),
      );
    } else {
      push(
        step,
        'describe_deployment',
        { namespace: 'shop', name: p.split('-')[0] },
        `Name: ${p.split('-')[0]}\nReplicas: 3 desired | 3 updated | 3 total | 3 available | 0 unavailable\nStrategy: RollingUpdate`,
      );
    }
  }
  return { observations, facts };
}

function survived(rendered: string, facts: readonly Fact[]): number {
  if (facts.length === 0) return 0;
  // A verbatim observation is one unit (its facts sit on separate lines); in the summary each line is one.
  const units = rendered
    .split('\n\n')
    .flatMap((block) => (block.startsWith('Summary of ') ? block.split('\n') : [block]));
  let kept = 0;
  for (const f of facts) {
    if (units.some((u) => f.needles.every((n) => (typeof n === 'string' ? u.includes(n) : n.test(u)))))
      kept++;
  }
  return kept;
}

async function measure(make: () => Memory, n: number) {
  const { observations, facts } = makeWorld(n);
  const events: unknown[] = [];
  const ctx: MemoryContext = { emit: (e) => events.push(e), signal: new AbortController().signal };
  const memory = make();
  const started = performance.now();
  await memory.add(
    { kind: 'task', content: 'Several pods in namespace shop keep restarting. What is wrong?' },
    ctx,
  );
  let peak = 0;
  const every = Math.max(1, Math.floor(n / 200));
  for (const [i, o] of observations.entries()) {
    await memory.add(o, ctx);
    if (i % every === 0) peak = Math.max(peak, counter.count(shown(await memory.render())));
  }
  const rendered = shown(await memory.render());
  const ms = performance.now() - started;
  const tokens = counter.count(rendered);
  peak = Math.max(peak, tokens);
  const last = facts.slice(-50);
  return {
    n,
    facts: facts.length,
    kept: survived(rendered, facts),
    lastKept: `${survived(rendered, last)}/${last.length}`,
    tokens,
    peak,
    events: events.length,
    ms,
  };
}

function pct(a: number, b: number): string {
  return b === 0 ? '   n/a' : `${((100 * a) / b).toFixed(1).padStart(5)}%`;
}

async function main(): Promise<void> {
  // Calibration: how many characters a token is on this kind of text, and how fast the tokenizer is.
  const sample = makeWorld(2_000)
    .observations.map((o) => (o.kind === 'tool' ? o.content : ''))
    .join('\n');
  const t0 = performance.now();
  const sampleTokens = counter.count(sample);
  const tokMs = performance.now() - t0;
  console.log(
    `tokenizer ${counter.name}: ${(sample.length / 1e6).toFixed(2)} MB in ${tokMs.toFixed(0)} ms (${(sample.length / 1e6 / (tokMs / 1000)).toFixed(1)} MB/s); ` +
      `${(sample.length / sampleTokens).toFixed(2)} characters per token on this corpus`,
  );
  console.log(
    `\nbudget ${BUDGET} tokens; facts planted in every 20th observation; a fact is kept when one line holds all its parts\n`,
  );
  const header =
    'memory                    observations   facts   kept    share   last 50   render tokens   peak tokens   compactions   time ms   ms/obs';
  console.log(header);
  console.log('-'.repeat(header.length));
  const rows: [string, () => Memory][] = [
    ['summarizing (extractive)', () => new SummarizingMemory({ maxTokens: BUDGET })],
    ['window keep=20 (core)', () => new WindowMemory({ keep: 20 })],
  ];
  for (const [label, make] of rows) {
    for (const n of SIZES) {
      const m = await measure(make, n);
      console.log(
        `${label.padEnd(25)} ${String(n).padStart(12)} ${String(m.facts).padStart(7)} ${String(m.kept).padStart(6)}   ${pct(m.kept, m.facts)} ${m.lastKept.padStart(9)} ${String(m.tokens).padStart(15)} ${String(m.peak).padStart(13)} ${String(m.events).padStart(13)} ${m.ms.toFixed(0).padStart(9)} ${(m.ms / n).toFixed(2).padStart(8)}`,
      );
    }
  }
}

await main();
