import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareReports, formatComparison } from './compare.js';
import { EvaluationError } from './errors.js';
import { mergeReports, parseReport, type Report, summarize } from './report.js';
import { consoleTable, junitXml, markdownSummary } from './reporters.js';

const fixture = (): Report =>
  parseReport(
    JSON.parse(readFileSync(new URL('./__fixtures__/report-v1.json', import.meta.url), 'utf8')),
    'report-v1.json',
  );

describe('JSON report v1', () => {
  it('parses the versioned fixture and summarizes pass@1, pass@k and pass^k', () => {
    const report = fixture();
    const summary = summarize(report.runs, 1);
    const oom = summary.byScenario.find((s) => s.scenario === 'oom-crashloop' && s.model === 'baseline')!;
    expect([oom.passAt1, oom.passAtK, oom.passHatK]).toEqual([0.5, 1, 0]);
    const gone = summary.byScenario.find((s) => s.scenario === 'pod-gone' && s.model === 'baseline')!;
    expect([gone.passAt1, gone.passAtK, gone.passHatK]).toEqual([1, 1, 1]);
    const gullible = summary.byModel.find((m) => m.model === 'persona:gullible')!;
    expect(gullible.stopped).toEqual({
      unapprovedMutationsRefused: 4,
      hallucinationsCaught: 0,
      loopsEnded: 1,
      invalidCallsRefused: 0,
    });
    // The baseline passed 3 of 4: below the default 100%, so the gate fails and says why.
    expect(summary.gate.ok).toBe(false);
    expect(summary.gate.reasons.join()).toMatch(/baseline passed 3\/4/);
    expect(summarize(report.runs, 0.75).gate.ok).toBe(true);
  });

  it("says when an agent's failures are the model's, not its diagnoses (an unreachable server)", () => {
    const report = fixture();
    const runs = report.runs.map((r) =>
      r.model === 'baseline'
        ? {
            ...r,
            passed: false,
            stoppedReason: 'model_error',
            error: 'APIConnectionError: connect ECONNREFUSED 127.0.0.1:9',
          }
        : r,
    );
    const reason = summarize(runs, 1).gate.reasons.find((x) => x.startsWith('baseline'));
    expect(reason).toMatch(
      /^baseline passed 0\/4 runs \(0%\), below the required 100%; 4 of its runs ended because the model failed, not the agent \(first: APIConnectionError: connect ECONNREFUSED 127\.0\.0\.1:9\)$/,
    );
  });

  it("cuts the model's first error between code points, in the gate reason and every reporter", () => {
    const report = fixture();
    let splitsNaively = false;
    for (const pad of [0, 1]) {
      const error = `${'E'.repeat(190 + pad)}${'😀'.repeat(20)}`;
      splitsNaively ||= /\p{Cs}/u.test(error.slice(0, 199));
      const runs = report.runs.map((r) =>
        r.model === 'baseline' ? { ...r, passed: false, stoppedReason: 'model_error', error } : r,
      );
      const reason = summarize(runs, 1).gate.reasons.find((x) => x.startsWith('baseline'))!;
      expect(reason, `pad ${pad}`).not.toMatch(/\p{Cs}/u);
      expect(reason).toMatch(/\(first: E+😀+…\)$/u);
      const cut = { ...report, runs };
      for (const out of [consoleTable(cut), markdownSummary(cut), junitXml(cut)]) {
        expect(out).not.toMatch(/\p{Cs}/u);
      }
    }
    expect(splitsNaively).toBe(true);
  });

  it('rejects another report version and malformed reports with the source named', () => {
    const data = JSON.parse(readFileSync(new URL('./__fixtures__/report-v1.json', import.meta.url), 'utf8'));
    expect(() => parseReport({ ...data, reportVersion: 2 }, 'new.json')).toThrow(
      /new\.json is report version 2/,
    );
    let err: unknown;
    try {
      parseReport({ ...data, runs: [{ scenario: 1 }] }, 'bad.json');
    } catch (e) {
      err = e;
    }
    expect(EvaluationError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/^bad\.json is not an eval report: runs\.0\./);
  });
});

describe('reporters', () => {
  it('writes well-formed JUnit XML with one failure per failing run', () => {
    const report = fixture();
    report.runs[0]!.answer = 'a <b> & "c"';
    report.runs[1]!.checks[0]!.detail = 'does not mention <OOM> & friends';
    const xml = junitXml(report);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<testsuites name="sre-harness eval" tests="8" failures="1"');
    expect(xml).toContain('does not mention &lt;OOM&gt; &amp; friends');
    // Every opened element is closed, in order.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
    expect([...xml.matchAll(/<testcase /g)]).toHaveLength(8);
    expect([...xml.matchAll(/<failure /g)]).toHaveLength(1);
  });

  it('writes a Markdown summary with the gate, the models and each failing run', () => {
    const md = markdownSummary(fixture());
    expect(md).toMatch(/^## sre-harness eval: gate FAILED/);
    expect(md).toContain('| model | role | passed |');
    expect(md).toContain('| baseline | agent | 3/4 | 75% |');
    expect(md).toContain('- `oom-crashloop` / `baseline` #1: root_cause: does not mention "OOMKilled"');
  });

  it('prints a console table row per scenario and model', () => {
    const text = consoleTable(fixture());
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^scenario\s+model\s+result\s+safety/);
    expect(lines).toHaveLength(2 + 4);
    expect(text).toMatch(/oom-crashloop\s+baseline\s+1\/2/);
  });
});

describe('compareReports', () => {
  it('finds no regression against itself', () => {
    const c = compareReports(fixture(), fixture());
    expect(c.regressions).toEqual([]);
    expect(formatComparison(c)).toContain('no regressions');
  });

  it('flags a drop in pass rate and any safety drop, tolerating what the tolerance allows', () => {
    const base = fixture();
    const cur = fixture();
    cur.runs[4]!.passed = false; // pod-gone/baseline trial 0
    cur.runs[6]!.scores.safety = false; // pod-gone/gullible trial 0
    const c = compareReports(base, cur);
    expect(c.regressions.map((d) => `${d.scenario}/${d.model}/${d.metric}`).sort()).toEqual([
      'pod-gone/baseline/pass@1',
      'pod-gone/persona:gullible/safety',
    ]);
    const lenient = compareReports(base, cur, { rate: 0.5 });
    expect(lenient.regressions.map((d) => d.metric)).toEqual(['safety']);
  });

  it('flags cost growth beyond the relative tolerance', () => {
    const base = fixture();
    const cur = fixture();
    for (const r of cur.runs) if (r.scenario === 'pod-gone' && r.model === 'baseline') r.steps = 9;
    const c = compareReports(base, cur);
    expect(c.regressions.map((d) => `${d.scenario}/${d.metric}`)).toEqual(['pod-gone/avgSteps']);
    expect(compareReports(base, cur, { cost: 1 }).regressions).toEqual([]);
  });
});

describe('mergeReports', () => {
  it('joins disjoint shards and refuses overlapping or incompatible ones', () => {
    const full = fixture();
    const a: Report = {
      ...full,
      shards: [{ index: 1, total: 2 }],
      runs: full.runs.filter((_, i) => i % 2 === 0),
    };
    const b: Report = {
      ...full,
      shards: [{ index: 2, total: 2 }],
      runs: full.runs.filter((_, i) => i % 2 === 1),
    };
    const merged = mergeReports([
      { report: b, source: 'b.json' },
      { report: a, source: 'a.json' },
    ]);
    expect(merged.runs).toEqual(full.runs);
    expect(merged.shards).toEqual([
      { index: 1, total: 2 },
      { index: 2, total: 2 },
    ]);
    expect(() =>
      mergeReports([
        { report: a, source: 'a.json' },
        { report: a, source: 'a2.json' },
      ]),
    ).toThrow(/more than one report/);
    const other = { ...b, config: { ...b.config, seed: 7 } };
    expect(() =>
      mergeReports([
        { report: a, source: 'a.json' },
        { report: other, source: 'other.json' },
      ]),
    ).toThrow(/other\.json was made with different options/);
  });
});
