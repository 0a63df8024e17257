import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareReports, formatComparison, someNames } from './compare.js';
import { parseReport, type Report } from './report.js';

const fixture = (): Report =>
  parseReport(
    JSON.parse(readFileSync(new URL('./__fixtures__/report-v1.json', import.meta.url), 'utf8')),
    'report-v1.json',
  );

/** A report with one passing run per scenario and model. */
function reportOf(pairs: [string, string][]): Report {
  const base = fixture();
  const template = base.runs.find((r) => r.passed && r.role === 'agent')!;
  return {
    ...base,
    config: { ...base.config, trials: 1, models: [...new Set(pairs.map(([, m]) => m))] },
    runs: pairs.map(([scenario, model]) => ({
      ...template,
      scenario,
      model,
      trial: 0,
      runId: `${scenario}/${model}/0`,
    })),
  };
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const cross = (scenarios: string[], models: string[]) =>
  scenarios.flatMap((s) => models.map((m): [string, string] => [s, m]));

describe('compare when the two reports ran different sets', () => {
  // The baseline ran 14 scenarios × 10 models; now only m1 on 12 of them, m2 on one, and a new model.
  const baseline = reportOf(cross(range('scenario-', 14), range('model-', 10)));
  const current = reportOf([
    ...cross(range('scenario-', 12), ['model-1']),
    ['scenario-1', 'model-2'],
    ...cross(range('scenario-', 3), ['model-new']),
  ]);
  const cmp = compareReports(baseline, current);

  it('explains the pairs by the models and scenarios only one report ran', () => {
    expect(cmp.onlyInBaseline).toHaveLength(140 - 13);
    expect(cmp.setDifference.baseline).toEqual({
      pairs: 127,
      models: range('model-', 10).slice(2),
      scenarios: ['scenario-13', 'scenario-14'],
      other: range('scenario-', 12)
        .slice(1)
        .map((s) => `${s}/model-2`),
    });
    expect(cmp.setDifference.current).toEqual({ pairs: 3, models: ['model-new'], scenarios: [], other: [] });
  });

  it('prints counts and a few names per group, each group on its own line, not 127 pairs on one line', () => {
    const text = formatComparison(cmp);
    const lines = text.split('\n');
    expect(lines).toContain('  not run now (in the baseline only): 127 scenario/model pair(s)');
    expect(lines).toContain(
      '      8 model(s) only in the baseline: model-3, model-4, model-5, model-6, model-7, model-8, model-9, model-10',
    );
    expect(lines).toContain('      2 scenario(s) only in the baseline: scenario-13, scenario-14');
    expect(lines).toContain(
      '      11 other pair(s): scenario-2/model-2, scenario-3/model-2, scenario-4/model-2, scenario-5/model-2, scenario-6/model-2, scenario-7/model-2, scenario-8/model-2, scenario-9/model-2 and 3 more',
    );
    expect(lines).toContain('  new (not in the baseline): 3 scenario/model pair(s)');
    expect(lines).toContain('      1 model(s) only now: model-new');
    for (const line of lines) expect(line.length).toBeLessThan(220);
    const md = formatComparison(cmp, true);
    expect(md).toMatch(/^- not run now \(in the baseline only\): 127 scenario\/model pair\(s\)$/m);
    expect(md).toMatch(/^ {2}- 2 scenario\(s\) only in the baseline: scenario-13, scenario-14$/m);
  });

  it('says nothing of sets when both reports ran the same pairs', () => {
    const same = formatComparison(compareReports(current, current));
    expect(same).toBe('Compared with the baseline:\n  no regressions');
  });

  it('lists at most N names, then how many more', () => {
    expect(someNames(['a', 'b'], 3)).toBe('a, b');
    expect(someNames(['a', 'b', 'c'], 3)).toBe('a, b, c');
    expect(someNames(['a', 'b', 'c', 'd', 'e'], 3)).toBe('a, b, c and 2 more');
  });
});
