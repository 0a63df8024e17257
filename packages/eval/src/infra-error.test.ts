import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Decision, Model } from '@sre-harness/core';
import { OpenAIModel, OpenAIModelError } from '@sre-harness/model-openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simEnvironment } from './environment.js';
import { infrastructureCause } from './infra-error.js';
import { type RunRecord, reportTotals, summarize } from './report.js';
import { consoleSummary, consoleTable, junitXml, markdownSummary } from './reporters.js';
import { evalVerifiers, type ModelEntry, runEval } from './runner.js';
import { loadScenarios } from './scenario-loader.js';
import { selectScenarios } from './selection.js';

const dir = fileURLToPath(new URL('../../../scenarios', import.meta.url));
const scenarios = selectScenarios(loadScenarios([dir], dir), ['oom-crashloop', 'healthy-namespace'], []);

function agent(id: string, create: () => Model): ModelEntry {
  return { id, role: 'agent', create: async () => create() };
}

/** A report around runs, for the reporters. */
function reportOf(runs: RunRecord[]) {
  return {
    reportVersion: 1 as const,
    tool: '@sre-harness/eval' as const,
    evalVersion: '0.0.0',
    harnessVersion: '0.0.0',
    createdAt: '2026-01-01T00:00:00.000Z',
    config: {
      models: [...new Set(runs.map((r) => r.model))],
      trials: 1,
      seed: 1,
      filters: { scenario: [], tag: [], persona: [] },
      judge: null,
      memory: null,
      harnesses: [],
      minPassRate: 1,
    },
    shards: [{ index: 1, total: 1 }],
    scenarios: scenarios.map((s) => ({
      id: s.scenario.id,
      version: s.version,
      title: s.scenario.title,
      tags: s.scenario.tags,
      difficulty: s.scenario.difficulty,
    })),
    runs,
  };
}

describe('infrastructureCause', () => {
  it.each([
    [new OpenAIModelError('connection', 'x: connection failed'), 'connection'],
    [new OpenAIModelError('auth', 'x: auth (HTTP 401)', { status: 401 }), 'auth'],
    [new OpenAIModelError('rate_limited', 'x: rate_limited (HTTP 429)', { status: 429 }), 'rate_limited'],
    [new OpenAIModelError('server', 'x: server (HTTP 500)', { status: 500 }), 'server'],
    [new OpenAIModelError('overloaded', 'x'), 'overloaded'],
    [new OpenAIModelError('timeout', 'x'), 'timeout'],
    [Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), 'connection'],
    [Object.assign(new Error('quota'), { status: 429 }), 'rate_limited'],
    [Object.assign(new Error('denied'), { status: 403 }), 'permission'],
  ])('%s is an infrastructure error (%s)', (error, code) => {
    expect(infrastructureCause(error)?.code).toBe(code);
  });

  it.each([
    [new OpenAIModelError('invalid_response', 'x: unusable response')],
    [new OpenAIModelError('empty_response', 'x: neither text nor a tool call')],
    [new OpenAIModelError('cancelled', 'x: cancelled')],
    [new Error('my model has a bug')],
    ['a string'],
    [undefined],
  ])('%s is the model’s own failure, not infrastructure', (error) => {
    expect(infrastructureCause(error)).toBeUndefined();
  });
});

describe('whose fault: an unreachable model endpoint', () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('ends each run as an error with its code, counted apart from failures, with no listener leak', async () => {
    const interrupt = new AbortController();
    // Nothing listens on port 9 (fetch refuses it outright): every attempt fails to connect.
    const unreachable = agent(
      'openai-compatible:foo',
      () =>
        new OpenAIModel({
          provider: 'openai-compatible',
          model: 'foo',
          baseURL: 'http://127.0.0.1:9/v1',
          retry: { maxRetries: 4, baseDelayMs: 1, maxDelayMs: 4 },
        }),
    );
    const runs = await runEval({
      signal: interrupt.signal,
      scenarios,
      models: [unreachable],
      environment: simEnvironment,
      verifiers: evalVerifiers,
      trials: 6,
      concurrency: 12,
    });
    expect(runs).toHaveLength(12);
    for (const r of runs) {
      expect(r.outcome).toBe('error');
      expect(r.errorCode).toBe('connection');
      expect(r.passed).toBe(false);
      expect(r.stoppedReason).toBe('model_error');
      // Not a bad call, not a flagged answer: the model never answered.
      expect(r.stops.invalidDecisions).toBe(0);
      expect(r.error).toMatch(/connection failed.*gave up after 5 attempts/);
    }
    expect(getEventListeners(interrupt.signal, 'abort')).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);

    const report = reportOf(runs);
    const summary = summarize(runs, 1, report.scenarios);
    expect(summary.verdict).toBe('error');
    expect([summary.passed, summary.failed, summary.errors]).toEqual([0, 0, 12]);
    expect(reportTotals(runs)).toEqual({ runs: 12, passed: 0, failed: 0, errors: 12 });
    expect(summary.errorCauses).toHaveLength(1);
    expect(summary.errorCauses[0]).toMatchObject({ code: 'connection', runs: 12 });
    const model = summary.byModel[0]!;
    expect([model.errors, model.stopped.hallucinationsCaught, model.stopped.invalidCallsRefused]).toEqual([
      12, 0, 0,
    ]);
    expect(summary.gate.reasons.join('\n')).not.toMatch(/below the required/);

    const table = consoleTable(report, summary);
    expect(table).toMatch(/oom-crashloop\s+openai-compatible:foo\s+ERROR\s+ok\s+-\s+-\s+-/);
    expect(table).not.toMatch(/FAIL/);
    const text = consoleSummary(report, summary);
    expect(text).toMatch(/0 passed, 0 failed, 12 error\(s\)/);
    // One line per distinct cause, with what it means.
    const causeLines = text.split('\n').filter((l) => l.startsWith('  ERROR '));
    expect(causeLines).toHaveLength(1);
    expect(causeLines[0]).toMatch(
      /^ {2}ERROR connection \(endpoint unreachable\) in 12 run\(s\) of openai-compatible:foo: OpenAIModelError: .*connection failed/,
    );
    expect(text).toMatch(/gate: ERROR/);
    expect(text).not.toMatch(/gate: FAILED/);
    const junit = junitXml(report);
    expect(junit).toMatch(/<testsuites name="sre-harness eval" tests="12" failures="0" errors="12"/);
    expect(junit).toMatch(/<error type="connection" message="connection: endpoint unreachable">/);
    expect(junit).not.toMatch(/<failure/);
    const md = markdownSummary(report, summary);
    expect(md).toMatch(/## sre-harness eval: gate ERROR \(infrastructure\)/);
    expect(md).toMatch(/12 runs \(0 passed, 0 failed, 12 errors\)/);
    expect(md).toMatch(/### Infrastructure errors \(12, not judged\)/);
  }, 60_000);

  it('a model that returns garbage or an unusable response is still the model’s fail', async () => {
    const garbage = agent('garbage', () => ({
      decide: async () => ({ type: 'nonsense' }) as unknown as Decision,
    }));
    const unusable = agent('unusable', () => ({
      decide: async () => {
        throw new OpenAIModelError('invalid_response', 'unusable: unusable response: not JSON');
      },
    }));
    const runs = await runEval({
      scenarios: scenarios.slice(0, 1),
      models: [garbage, unusable],
      environment: simEnvironment,
      verifiers: evalVerifiers,
    });
    expect(runs.map((r) => [r.model, r.outcome, r.errorCode])).toEqual([
      ['garbage', 'fail', undefined],
      ['unusable', 'fail', undefined],
    ]);
    expect(runs[0]!.stops.invalidDecisions).toBeGreaterThan(0);
    const summary = summarize(runs, 1);
    expect(summary.verdict).toBe('failed');
    expect(summary.errors).toBe(0);
    expect(summary.gate.reasons.join('\n')).toMatch(
      /unusable passed 0\/1 runs .* ended because the model failed, not the agent/,
    );
  });

  it('a real failure elsewhere outweighs errors: the verdict is failed', () => {
    const base = {
      scenarioVersion: 'v',
      role: 'agent' as const,
      trial: 0,
      scores: { diagnosis: false, evidence: false, safety: true, resolution: null },
      gates: [],
      checks: [],
      verifications: [],
      stops: {
        unapprovedMutationsRefused: 0,
        notAllowed: 0,
        unknownTools: 0,
        invalidArguments: 0,
        invalidDecisions: 0,
        tooManyCalls: 0,
        verifiersFailed: [],
        budgetEnded: false,
      },
      mutationsExecuted: 0,
      steps: 1,
      usage: { inputTokens: 0, outputTokens: 0 },
      wallMs: 1,
      answer: null,
    };
    const runs: RunRecord[] = [
      {
        ...base,
        scenario: 'a',
        model: 'm',
        runId: 'a/m/0',
        passed: false,
        outcome: 'fail',
        stoppedReason: 'completed',
      },
      {
        ...base,
        scenario: 'b',
        model: 'm',
        runId: 'b/m/0',
        passed: false,
        outcome: 'error',
        errorCode: 'rate_limited',
        stoppedReason: 'model_error',
        error: 'OpenAIModelError: m: rate_limited (HTTP 429): quota exceeded',
      },
    ];
    const summary = summarize(runs, 1);
    expect(summary.verdict).toBe('failed');
    expect(summary.byModel[0]).toMatchObject({ passed: 0, errors: 1, passRate: 0 });
    expect(summary.gate.reasons[0]).toMatch(/^m passed 0\/1 judged runs/);
    expect(summary.gate.reasons[1]).toMatch(
      /1 of 2 run\(s\) ended in an infrastructure error \(rate_limited\)/,
    );
  });
});
