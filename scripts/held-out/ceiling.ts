// How far quoting alone can take an answer on the held-out worlds: for each world, whether its
// root-cause rubric (`expect.rootCause.mustMention`) would accept an answer made of
//   logs:    every log line and event message the world declares (log generators' templates, not their
//            expansions: a `repeat` line's words are in its template), and
//   strings: every string of the world's `cluster` (logs, events, environment values, ConfigMaps, specs).
// Neither is an answer anyone would give; each is the most that quoting what the tools show could
// reach, so a rubric this misses needs words the world never prints (an interpretation: "thread pool
// starvation"). Negative controls (tagged `negative-control` or `negative`, as the eval scores them, or with
// an id starting `negative-`) are left out: their answer, "nothing is
// broken", is never printed by a world. `mustNotClaim` is not applied. No agent runs here.
// Usage (from the repo root, after `pnpm build`):
//   node_modules/.bin/tsx scripts/held-out/ceiling.ts [folder ...]   (default: every scenarios-held-out-N)
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from '../../packages/eval/node_modules/yaml/dist/index.js';
import { answerExpectations } from '../../packages/verifiers/dist/index.js';

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  say('usage: tsx scripts/held-out/ceiling.ts [folder ...]');
  say('  For each held-out world (negative controls aside), whether its root-cause rubric accepts');
  say("  every log line and event message of the world (logs), and every string of the world's cluster");
  say('  (strings). Default: every scenarios-held-out-N folder, in order.');
  process.exit(0);
}

/** Keys whose string values (at any depth below them) are log text or event messages. */
const LOG_KEYS = new Set(['logs', 'previousLogs', 'repeat', 'needle', 'filler', 'message']);

function strings(v: unknown, out: { all: string[]; logs: string[] }, inLog: boolean): void {
  if (typeof v === 'string') {
    out.all.push(v);
    if (inLog) out.logs.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) strings(x, out, inLog);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) strings(x, out, inLog || LOG_KEYS.has(k));
  }
}

const heldOut = (d: string) => /^scenarios-held-out-\d+$/.test(d);
const folders = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const dirs = (
  folders.length > 0
    ? folders.map((f) => f.replace(/\/+$/, ''))
    : readdirSync('.')
        .filter(heldOut)
        .sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()))
).map((d) => `${d}/`);

let worlds = 0;
let byLogs = 0;
let byStrings = 0;
say('folder | worlds (negative controls aside) | logs | strings');
for (const dir of dirs) {
  let n = 0;
  let logs = 0;
  let all = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const s = parse(readFileSync(`${dir}${f}`, 'utf8')) as {
      id?: string;
      task?: string;
      tags?: unknown;
      cluster?: unknown;
      expect?: { rootCause?: { mustMention?: (string | string[])[] } };
    };
    const mustMention = s.expect?.rootCause?.mustMention ?? [];
    const tags = Array.isArray(s.tags) ? s.tags.map(String) : [];
    const negative =
      String(s.id).startsWith('negative-') || tags.includes('negative-control') || tags.includes('negative');
    if (mustMention.length === 0 || negative) continue;
    const v = answerExpectations({ mustMention, mustNotClaim: [] });
    const accepts = (answer: string) =>
      (v.verify({ answer, trace: [], task: s.task ?? '' } as never) as { passed: boolean }).passed;
    const text = { all: [] as string[], logs: [] as string[] };
    strings(s.cluster, text, false);
    n++;
    if (accepts(text.logs.join('\n'))) logs++;
    if (accepts(text.all.join('\n'))) all++;
  }
  worlds += n;
  byLogs += logs;
  byStrings += all;
  say(`${dir.slice(0, -1)} | ${n} | ${logs} | ${all}`);
}
const pct = (k: number) => (worlds === 0 ? '0' : ((100 * k) / worlds).toFixed(0));
say(
  `${worlds} worlds with a root-cause rubric, negative controls aside: ${byLogs} (${pct(byLogs)} %) accept every log line and event, ${byStrings} (${pct(byStrings)} %) every string of the world`,
);
