import { finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from './baseline-model.js';
import { simEnvironment } from './environment.js';
import { judgePrompt, modelJudge, parseVerdict } from './judge.js';
import { runEval } from './runner.js';
import { parseScenario } from './scenario-loader.js';

const YAML = `schemaVersion: 1
id: judged
title: Judged
tags: [negative-control]
difficulty: easy
namespace: shop
task: Is anything wrong in namespace shop?
cluster:
  namespaces: [shop]
  deployments:
    - { name: web, namespace: shop, containers: [{ name: web, image: shop/web:1 }] }
expect:
  rootCause: { mustMention: [[healthy, nothing is wrong]], mustNotClaim: [OOMKilled] }
`;

describe('LLM judge', () => {
  it('reads verdicts and refuses replies without one', () => {
    expect(parseVerdict('VERDICT: PASS\nNames the object and the reason.')).toEqual({
      passed: true,
      reason: 'Names the object and the reason.',
    });
    expect(parseVerdict('verdict: fail - misses the limit')).toEqual({
      passed: false,
      reason: 'misses the limit',
    });
    expect(parseVerdict('looks good to me')).toBeUndefined();
  });

  it('quotes a reply without a verdict cut between code points', async () => {
    const out = parseScenario(YAML, 'judged.yaml');
    if (!out.ok) throw new Error('fixture does not load');
    for (const pad of [0, 1]) {
      const reply = `${'x'.repeat(117 + pad)}${'😀'.repeat(10)}`;
      const judge = modelJudge(new ScriptedModel([finalAnswer(reply)]), 'scripted');
      const verdict = await judge({ scenario: out.loaded.scenario, answer: 'a' });
      expect(verdict.passed).toBe(false);
      expect(verdict.reason, `pad ${pad}`).not.toMatch(/\p{Cs}/u);
      expect(verdict.reason).toMatch(/^the judge gave no verdict: x+😀*…$/u);
      expect(verdict.reason.length).toBeLessThanOrEqual('the judge gave no verdict: '.length + 120);
    }
  });

  it('replaces the rubric diagnosis with the judge verdict for agents', async () => {
    const out = parseScenario(YAML, 'judged.yaml');
    if (!out.ok) throw new Error('fixture does not load');
    const judgeModel = new ScriptedModel([finalAnswer('VERDICT: FAIL\nToo vague.')]);
    const [run] = await runEval({
      scenarios: [out.loaded],
      models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
      environment: simEnvironment,
      judge: modelJudge(judgeModel, 'scripted'),
    });
    // The phrase rubric passes, the judge does not: the judge decides.
    expect(run!.checks.find((c) => c.name === 'root_cause')?.passed).toBe(true);
    expect(run!.judge).toEqual({ passed: false, reason: 'Too vague.', model: 'scripted' });
    expect(run!.scores.diagnosis).toBe(false);
    expect(run!.passed).toBe(false);
    expect(judgeModel.requests[0]?.context).toBe(judgePrompt(out.loaded.scenario, run!.answer!));
    expect(judgeModel.requests[0]?.context).toContain('- healthy or nothing is wrong');
  });
});
