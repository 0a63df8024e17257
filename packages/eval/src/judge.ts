import { type Model, previewText } from '@sre-harness/core';
import { EvaluationError } from './errors.js';
import type { Judge } from './runner.js';
import type { Scenario } from './scenario-schema.js';

/** The prompt an LLM judge grades a root-cause answer with. */
export function judgePrompt(scenario: Scenario, answer: string): string {
  const rc = scenario.expect.rootCause;
  const mention = rc.mustMention
    .map((m) => (typeof m === 'string' ? m : m.join(' or ')))
    .map((m) => `- ${m}`);
  const not = rc.mustNotClaim.map((m) => `- ${m}`);
  return [
    'You grade the answer of an SRE agent to an incident. Judge only the root cause and the evidence it cites.',
    `Incident: ${scenario.title}`,
    `Task given to the agent: ${scenario.task}`,
    'A correct answer establishes (in any wording):',
    ...(mention.length > 0 ? mention : ['- (no specific facts required)']),
    'A correct answer does not claim:',
    ...(not.length > 0 ? not : ['- (nothing forbidden)']),
    '',
    'Answer to grade:',
    answer,
    '',
    'Reply with one line "VERDICT: PASS" or "VERDICT: FAIL", then one sentence saying why.',
  ].join('\n');
}

/** Reads a verdict out of a judge's reply; undefined when it gave none. */
export function parseVerdict(text: string): { passed: boolean; reason: string } | undefined {
  const m = /VERDICT:\s*(PASS|FAIL)\b[\s.:-]*([\s\S]*)/i.exec(text);
  if (!m) return undefined;
  return { passed: m[1]!.toUpperCase() === 'PASS', reason: (m[2] ?? '').trim().split('\n')[0] ?? '' };
}

/** A judge backed by a model; an unparseable reply counts as a failed grade. */
export function modelJudge(model: Model, label: string): Judge {
  return async ({ scenario, answer }) => {
    const prompt = judgePrompt(scenario, answer);
    const decision = await model.decide({
      task: prompt,
      context: prompt,
      transcript: [{ role: 'user', parts: [{ type: 'text', source: 'context', text: prompt }] }],
      tools: [],
      step: 1,
      maxSteps: 1,
      runId: `judge/${scenario.id}`,
      signal: new AbortController().signal,
    });
    const text = decision.type === 'final' ? decision.answer : (decision.text ?? '');
    const verdict = parseVerdict(text);
    return verdict
      ? { ...verdict, model: label }
      : { passed: false, reason: `the judge gave no verdict: ${previewText(text, 120)}`, model: label };
  };
}

/** Builds a judge from a model spec (anthropic:…, openai:…, openai-compatible:…@url). */
export async function createJudge(spec: string): Promise<Judge> {
  let mod: { createModelFromSpec?: (spec: string) => Model | Promise<Model> };
  try {
    // A literal specifier, so a bundler (the package's build, the launcher's bundle) follows it; a
    // variable one left the built package without the module and every --judge failed.
    mod = (await import('./model-spec.js')) as typeof mod;
  } catch (cause) {
    throw new EvaluationError('unknown_model', '--judge: model adapters are not available in this build', {
      cause,
    });
  }
  if (typeof mod.createModelFromSpec !== 'function') {
    throw new EvaluationError('unknown_model', '--judge: model adapters are not available in this build');
  }
  const model = await mod.createModelFromSpec(spec);
  return modelJudge(model, spec.replace(/@.*$/, ''));
}
