import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.js';
import type { DecideRequest } from '../model.js';
import { callTool, finalAnswer, ScriptedModel } from './index.js';

const req = {
  task: 't',
  context: '',
  transcript: [],
  tools: [],
  step: 1,
  maxSteps: 5,
  runId: 'r',
  signal: new AbortController().signal,
};

describe('ScriptedModel', () => {
  it('plays its script in order and records requests', async () => {
    const m = new ScriptedModel([callTool('a'), (r: DecideRequest) => finalAnswer(`step ${r.step}`)]);
    expect(await m.decide(req)).toEqual({ type: 'tool_calls', calls: [{ tool: 'a', args: {} }] });
    expect(await m.decide({ ...req, step: 2 })).toEqual({ type: 'final', answer: 'step 2' });
    expect(m.requests).toHaveLength(2);
    m.assertComplete();
  });

  it('assertComplete fails when scripted steps were not played', async () => {
    const m = new ScriptedModel([finalAnswer('a'), finalAnswer('b')]);
    await m.decide(req);
    expect(() => m.assertComplete()).toThrow(/played 1 steps; more were scripted/);
  });

  it('throws a typed error when the script runs out', async () => {
    const m = new ScriptedModel([]);
    await expect(m.decide(req)).rejects.toSatisfy(
      (e) => HarnessError.isInstance(e) && e.code === 'script_exhausted',
    );
  });
});
