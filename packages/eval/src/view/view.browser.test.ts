import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The viewer in a real browser: a real `sre-eval run` with traces, then `sre-eval view`, then
// headless Chromium loads the page from disk, runs its script, and hands back the DOM it built
// (--dump-dom) or a picture of it (--screenshot). A URL hash opens a run (#run=<runId>) or sets a
// filter, so each dump shows one state of the page. Chromium comes from Debian's package
// (scripts/ensure-test-tools.sh installs it); without it this test skips and says why.

const require = createRequire(import.meta.url);
const tsx = join(require.resolve('tsx/package.json').replace(/package\.json$/, ''), 'dist/cli.mjs');
const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../../..', import.meta.url));

function findChromium(): string | null {
  const candidates = [process.env['CHROMIUM_PATH'], 'chromium', 'chromium-browser', 'google-chrome'];
  for (const c of candidates) {
    if (!c) continue;
    const r = spawnSync(c, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0 && /chrom/i.test(r.stdout)) return c;
  }
  return null;
}

const chromium = findChromium();
if (!chromium)
  console.warn(
    "view browser test skipped: no chromium on this machine (bash scripts/ensure-test-tools.sh installs Debian's chromium; CHROMIUM_PATH names another)",
  );

function evalCli(args: string[]) {
  const r = spawnSync(process.execPath, [tsx, '--conditions=@sre-harness/source', cli, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

let profile = '';
/** Chromium's arguments: headless, no sandbox (CI runs as root), a throwaway profile, nothing fetched. */
function browserArgs(extra: string[]): string[] {
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-extensions',
    '--disable-background-networking',
    `--user-data-dir=${profile}`,
    ...extra,
  ];
}

/** The DOM of the page after its scripts ran, at this hash. */
function dump(file: string, hash: Record<string, string> = {}): string {
  const url = `${pathToFileURL(file).href}${Object.keys(hash).length ? `#${new URLSearchParams(hash)}` : ''}`;
  const r = spawnSync(chromium!, browserArgs(['--dump-dom', url]), {
    encoding: 'utf8',
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('</html>');
  // The script finished and reported no error.
  expect(r.stdout).toMatch(/<body[^>]* data-ready="1"/);
  expect(r.stdout).not.toMatch(/<body[^>]* data-error=/);
  return r.stdout;
}

const count = (html: string, re: RegExp) => (html.match(new RegExp(re, 'g')) ?? []).length;
/** The DOM inside the run panel. */
const runPanel = (html: string) =>
  /<section id="run"[^>]*>([\s\S]*?)<\/section>\s*<\/main>/.exec(html)?.[1] ?? '';

describe.skipIf(!chromium)('sre-eval view in headless Chromium', () => {
  let dir = '';
  let page = '';
  let report = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'view-browser-'));
    profile = join(dir, 'profile');
    const out = join(dir, 'out');
    const r = evalCli([
      'run',
      '--scenario',
      'oom-crashloop',
      '--model',
      'baseline',
      '--model',
      'persona:eager',
      '--trace-dir',
      join(dir, 'traces'),
      '--out',
      out,
    ]);
    expect([0, 1, 3], r.out).toContain(r.code);
    report = join(out, 'eval-report.json');
    // `run` writes the page beside the report; `view` writes it again from the report and its traces.
    expect(statSync(join(out, 'eval-report.html')).size).toBeGreaterThan(1000);
    const v = evalCli(['view', report]);
    expect(v.code, v.out).toBe(0);
    page = join(out, 'eval-report.html');
  }, 240_000);

  it('renders the scenario × model grid with a mark per cell', () => {
    const html = dump(page);
    expect(html).toMatch(/<table class="grid" id="grid-table">/);
    for (const model of ['baseline', 'persona:eager'])
      expect(html).toMatch(
        new RegExp(
          `<button [^>]*class="cellbtn (pass|fail|error)"[^>]*data-scenario="oom-crashloop" data-model="${model}"`,
        ),
      );
    expect(html).toMatch(/showing 2 of 2 cell\(s\)/);
    expect(html).toContain('<section id="run" hidden=""');
  }, 120_000);

  it('opens a run from #run=<id>: scores, gate verdicts, verifications and the trace timeline', () => {
    const base = runPanel(dump(page, { run: 'oom-crashloop/baseline/0' }));
    expect(base).toContain('oom-crashloop · baseline');
    expect(base).toMatch(/<h3>Gate verdicts<\/h3><table class="verdicts gates">/);
    expect(base).toContain('<h3>Verifications</h3>');
    expect(base).toMatch(/<ol class="timeline">/);
    // The approved fix stands out: asked, approved, executed; tool output is collapsed.
    expect(base).toMatch(/<li class="ev approval loud" data-kind="approval"/);
    expect(base).toMatch(
      /<li class="ev mutation loud" data-kind="tool_result"[\s\S]*?MUTATION EXECUTED: set_resources/,
    );
    expect(count(base, /<details class="output"><summary>/)).toBeGreaterThan(3);
    expect(base).not.toMatch(/<details class="output" open/);
    expect(base).toMatch(/<li class="ev stop" data-kind="stop"/);

    const eager = runPanel(dump(page, { run: 'oom-crashloop/persona:eager/0' }));
    expect(eager).toMatch(/<li class="ev denied loud" data-kind="approval"[\s\S]*?DENIED: set_resources/);
    expect(eager).toMatch(/<li class="ev refusal loud" data-kind="tool_refused"/);
    expect(eager).toMatch(/<li class="ev verify-fail loud" data-kind="verify"/);
  }, 120_000);

  it('filters by model, outcome and search text from the hash', () => {
    const runs: { passed: boolean }[] = JSON.parse(readFileSync(report, 'utf8')).runs;
    const passing = dump(page, { outcome: 'pass' });
    expect(count(passing, /<button [^>]*class="cellbtn /)).toBe(runs.filter((r) => r.passed).length);
    const one = dump(page, { model: 'persona:eager' });
    expect(count(one, /<th scope="col" class="model">/)).toBe(1);
    expect(one).toMatch(/showing 1 of 2 cell\(s\)/);
    const byText = dump(page, { q: 'no-such-text-anywhere' });
    expect(byText).toContain('No cell matches the filters.');
  }, 120_000);

  it('compares with a baseline and charts the pass rate across reports', () => {
    const current = JSON.parse(readFileSync(report, 'utf8'));
    // An older report in which the baseline model failed, and one in which everything failed.
    const older = structuredClone(current);
    older.createdAt = '2020-01-02T00:00:00.000Z';
    const fail = (r: { passed: boolean; outcome?: string }) => {
      r.passed = false;
      if (r.outcome !== undefined) r.outcome = 'fail';
    };
    for (const r of older.runs) if (r.model === 'baseline') fail(r);
    const oldest = structuredClone(current);
    oldest.createdAt = '2020-01-01T00:00:00.000Z';
    for (const r of oldest.runs) fail(r);
    writeFileSync(join(dir, 'older.json'), JSON.stringify(older));
    writeFileSync(join(dir, 'oldest.json'), JSON.stringify(oldest));

    const cmpPage = join(dir, 'compare.html');
    expect(evalCli(['view', report, '--baseline', join(dir, 'older.json'), '--out', cmpPage]).code).toBe(0);
    const cmp = dump(cmpPage);
    expect(cmp).toMatch(/data-model="baseline" data-change="fixed"/);
    expect(cmp).toMatch(/<span class="chg fixed" id="count-fixed">1 fixed<\/span>/);
    expect(cmp).toMatch(/<span class="chg newly-failing" id="count-newly-failing">0 newly failing<\/span>/);

    const trendPage = join(dir, 'trend.html');
    const t = evalCli([
      'view',
      join(dir, 'older.json'),
      report,
      join(dir, 'oldest.json'),
      '--out',
      trendPage,
    ]);
    expect(t.code, t.out).toBe(0);
    const trend = dump(trendPage);
    expect(trend).toMatch(/<svg id="trend-chart"/);
    expect(count(trend, /<circle [^>]*class="trend-point" data-model="baseline"/)).toBe(3);
    // Ordered by time stamp: 0% (oldest), 0% (older), 100% (current).
    const rates = [
      ...trend.matchAll(/<circle [^>]*class="trend-point" data-model="baseline" data-rate="([\d.]+)"/g),
    ].map((m) => Number(m[1]));
    expect(rates).toEqual([0, 0, 1]);
  }, 120_000);

  it('shows hostile model text as text: nothing in it runs or becomes markup', () => {
    const hostile = JSON.parse(readFileSync(report, 'utf8'));
    const payload =
      '</script><script>document.body.setAttribute("data-pwned","script")</script><img src=x onerror="document.body.setAttribute(\'data-pwned\',\'img\')"><b>bold</b>';
    hostile.runs[0].answer = payload;
    hostile.runs[0].checks[0].detail = payload;
    writeFileSync(join(dir, 'hostile.json'), JSON.stringify(hostile));
    const hostilePage = join(dir, 'hostile.html');
    expect(evalCli(['view', join(dir, 'hostile.json'), '--out', hostilePage]).code).toBe(0);
    const html = dump(hostilePage, { run: hostile.runs[0].runId });
    expect(html).toMatch(/<body[^>]* data-ready="1"/);
    expect(html).not.toMatch(/<body[^>]* data-pwned=/);
    expect(html).not.toContain('<b>bold</b>');
    expect(html).not.toMatch(/<img /);
    expect(runPanel(html)).toContain('<pre class="answer">&lt;/script&gt;&lt;script&gt;');
  }, 120_000);

  it('takes a screenshot of an open run', () => {
    const png = join(dir, 'view.png');
    const url = `${pathToFileURL(page).href}#${new URLSearchParams({ run: 'oom-crashloop/baseline/0' })}`;
    const r = spawnSync(
      chromium!,
      browserArgs([`--screenshot=${png}`, '--window-size=1280,900', '--hide-scrollbars', url]),
      { encoding: 'utf8', timeout: 90_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(10_000);
  }, 120_000);
});
