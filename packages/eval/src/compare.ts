import { type Report, runOutcome, type Summary, summarize } from './report.js';

/** How much worse a metric may get before it counts as a regression. */
export interface Tolerance {
  /** Absolute drop allowed in rates (pass@1, diagnosis, evidence, resolution). Default 0. */
  readonly rate: number;
  /** Relative increase allowed in average steps and tokens. Default 0.25 (25%). */
  readonly cost: number;
}

/** One metric of one scenario and model, before and after. */
export interface MetricDiff {
  readonly scenario: string;
  readonly model: string;
  readonly metric:
    | 'pass@1'
    | 'safety'
    | 'diagnosis'
    | 'evidence'
    | 'resolution'
    | 'verified'
    | 'avgSteps'
    | 'avgTokens';
  readonly baseline: number | null;
  readonly current: number | null;
  readonly delta: number | null;
  readonly regression: boolean;
}

/** The comparison of a report against a baseline report. */
export interface Comparison {
  readonly diffs: MetricDiff[];
  readonly regressions: MetricDiff[];
  readonly improvements: MetricDiff[];
  /** Scenario/model pairs only in one of the two reports. */
  readonly onlyInBaseline: string[];
  readonly onlyInCurrent: string[];
  /** Why pairs are in one report only: models and scenarios only one report ran, and any other pairs. */
  readonly setDifference: {
    readonly baseline: SetDifference;
    readonly current: SetDifference;
  };
}

/** The pairs of one report the other lacks, explained by what that report alone ran. */
export interface SetDifference {
  /** How many scenario/model pairs. */
  readonly pairs: number;
  /** Models only this report ran (each accounts for all its pairs). */
  readonly models: string[];
  /** Scenarios only this report ran (for models both ran). */
  readonly scenarios: string[];
  /** Pairs neither list explains, as `scenario/model`. */
  readonly other: string[];
}

function setDifference(mine: readonly string[], theirs: readonly string[]): SetDifference {
  const split = (k: string) => k.split('\u0000') as [string, string];
  const theirModels = new Set(theirs.map((k) => split(k)[1]));
  const theirScenarios = new Set(theirs.map((k) => split(k)[0]));
  const theirKeys = new Set(theirs);
  const only = mine.filter((k) => !theirKeys.has(k));
  const models = new Set<string>();
  const scenarios = new Set<string>();
  const other: string[] = [];
  for (const k of only) {
    const [scenario, model] = split(k);
    if (!theirModels.has(model)) models.add(model);
    else if (!theirScenarios.has(scenario)) scenarios.add(scenario);
    else other.push(`${scenario}/${model}`);
  }
  const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  return {
    pairs: only.length,
    models: [...models].sort(natural),
    scenarios: [...scenarios].sort(natural),
    other: other.sort(natural),
  };
}

function rates(report: Report) {
  const out = new Map<string, Record<string, number | null>>();
  const summary: Summary = summarize(report.runs, report.config.minPassRate, report.scenarios);
  for (const s of summary.byScenario) {
    // Runs an infrastructure error ended were not judged: they neither regress nor improve a metric.
    const runs = report.runs.filter(
      (r) => r.scenario === s.scenario && r.model === s.model && runOutcome(r) !== 'error',
    );
    const rate = (f: (r: (typeof runs)[number]) => boolean | null) => {
      const vals = runs.map(f).filter((v): v is boolean => v !== null);
      return vals.length === 0 ? null : vals.filter(Boolean).length / vals.length;
    };
    const judged = runs.length > 0;
    out.set(`${s.scenario}\u0000${s.model}`, {
      'pass@1': judged ? s.passAt1 : null,
      safety: rate((r) => r.scores.safety),
      diagnosis: rate((r) => r.scores.diagnosis),
      evidence: rate((r) => r.scores.evidence),
      resolution: rate((r) => r.scores.resolution),
      // Every verifier the harness ran passed an agent's answer (a config's extra verifiers count
      // too). Personas are there to be flagged, so for them this is not a score.
      verified: rate((r) => (r.role === 'agent' ? r.verifications.every((v) => v.passed) : null)),
      avgSteps: judged ? s.avgSteps : null,
      avgTokens: judged ? s.avgTokens : null,
    });
  }
  return out;
}

const HIGHER_IS_BETTER = new Set(['pass@1', 'safety', 'diagnosis', 'evidence', 'resolution', 'verified']);

/** Compares two reports per scenario, model and metric; safety never tolerates a drop. */
export function compareReports(
  baseline: Report,
  current: Report,
  tolerance: Partial<Tolerance> = {},
): Comparison {
  const tol: Tolerance = { rate: tolerance.rate ?? 0, cost: tolerance.cost ?? 0.25 };
  const before = rates(baseline);
  const after = rates(current);
  const diffs: MetricDiff[] = [];
  for (const [key, cur] of after) {
    const base = before.get(key);
    if (!base) continue;
    const [scenario, model] = key.split('\u0000') as [string, string];
    for (const metric of Object.keys(cur) as MetricDiff['metric'][]) {
      const b = base[metric] ?? null;
      const c = cur[metric] ?? null;
      const delta = b === null || c === null ? null : Math.round((c - b) * 10000) / 10000;
      let regression = false;
      if (delta !== null && b !== null && c !== null) {
        if (metric === 'safety') regression = delta < 0;
        else if (HIGHER_IS_BETTER.has(metric)) regression = delta < -tol.rate - 1e-9;
        else regression = b === 0 ? c > 0 && tol.cost === 0 : (c - b) / b > tol.cost + 1e-9;
      }
      diffs.push({ scenario, model, metric, baseline: b, current: c, delta, regression });
    }
  }
  const improved = (d: MetricDiff) =>
    d.delta !== null && d.delta !== 0 && (HIGHER_IS_BETTER.has(d.metric) ? d.delta > 0 : d.delta < 0);
  return {
    diffs,
    regressions: diffs.filter((d) => d.regression),
    improvements: diffs.filter((d) => !d.regression && improved(d)),
    onlyInBaseline: [...before.keys()].filter((k) => !after.has(k)).map((k) => k.replace('\u0000', '/')),
    onlyInCurrent: [...after.keys()].filter((k) => !before.has(k)).map((k) => k.replace('\u0000', '/')),
    setDifference: {
      baseline: setDifference([...before.keys()], [...after.keys()]),
      current: setDifference([...after.keys()], [...before.keys()]),
    },
  };
}

/** How many names each group of the set difference lists before "and K more". */
export const MAX_NAMES = 8;

/** Up to `max` names, then "and K more". */
export function someNames(names: readonly string[], max = MAX_NAMES): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** The set difference as a heading line and one line per group (models, scenarios, other pairs). */
function differenceLines(
  d: SetDifference,
  heading: string,
  where: string,
  bullet: string,
  indent: string,
): string[] {
  if (d.pairs === 0) return [];
  const lines = [`${bullet}${heading}: ${d.pairs} scenario/model pair(s)`];
  if (d.models.length > 0)
    lines.push(`${indent}${d.models.length} model(s) ${where}: ${someNames(d.models)}`);
  if (d.scenarios.length > 0)
    lines.push(`${indent}${d.scenarios.length} scenario(s) ${where}: ${someNames(d.scenarios)}`);
  if (d.other.length > 0) lines.push(`${indent}${d.other.length} other pair(s): ${someNames(d.other)}`);
  return lines;
}

const fmt = (v: number | null) => (v === null ? '-' : String(Math.round(v * 1000) / 1000));

/** The comparison as text lines (console) or a Markdown section. */
export function formatComparison(c: Comparison, markdown = false): string {
  const lines: string[] = [];
  const head = markdown ? '### Compared with the baseline' : 'Compared with the baseline:';
  lines.push(head);
  if (markdown) lines.push('');
  const show = (d: MetricDiff) =>
    `${d.scenario} / ${d.model} ${d.metric}: ${fmt(d.baseline)} → ${fmt(d.current)}${d.delta !== null && d.delta > 0 ? ` (+${fmt(d.delta)})` : d.delta !== null ? ` (${fmt(d.delta)})` : ''}`;
  const bullet = markdown ? '- ' : '  ';
  if (c.regressions.length === 0) lines.push(`${bullet}no regressions`);
  for (const d of c.regressions) lines.push(`${bullet}REGRESSION ${show(d)}`);
  for (const d of c.improvements.slice(0, 30)) lines.push(`${bullet}better ${show(d)}`);
  if (c.improvements.length > 30) lines.push(`${bullet}… ${c.improvements.length - 30} more improvements`);
  const indent = markdown ? '  - ' : '      ';
  lines.push(
    ...differenceLines(
      c.setDifference.baseline,
      'not run now (in the baseline only)',
      'only in the baseline',
      bullet,
      indent,
    ),
    ...differenceLines(c.setDifference.current, 'new (not in the baseline)', 'only now', bullet, indent),
  );
  return lines.join('\n');
}
