import { fileURLToPath } from 'node:url';
import { type ApprovalRequest, MemorySink } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { simEnvironment } from './environment.js';
import { resolveModels } from './models.js';
import { runEval } from './runner.js';
import { loadScenarios } from './scenario-loader.js';
import { selectScenarios } from './selection.js';

const dir = fileURLToPath(new URL('../../../scenarios', import.meta.url));
const all = loadScenarios([dir], dir);

describe('runEval hooks for UIs', () => {
  it('a person can take over approvals, and each run announces itself and streams its trace', async () => {
    const scenarios = selectScenarios(all, ['oom-crashloop'], []);
    const started: string[] = [];
    const asked: ApprovalRequest[] = [];
    const sinks = new Map<string, MemorySink>();
    const [record] = await runEval({
      scenarios,
      models: await resolveModels(['baseline']),
      environment: simEnvironment,
      onRunStart: (_, runId) => started.push(runId),
      trace: (_, runId) => {
        const sink = new MemorySink();
        sinks.set(runId, sink);
        return sink;
      },
      approver: ({ grants, scenario }) => {
        expect(scenario.id).toBe('oom-crashloop');
        expect(typeof grants).toBe('function');
        return async (req) => {
          asked.push(req);
          return { granted: false, by: 'alice', reason: 'not during the freeze' };
        };
      },
    });
    expect(started).toEqual(['oom-crashloop/baseline/0']);
    // The baseline proposes the fix; the person said no, so nothing changed and the scenario is not resolved.
    expect(asked.length).toBeGreaterThan(0);
    expect(record!.mutationsExecuted).toBe(0);
    expect(record!.scores.resolution).toBe(false);
    const approvals = sinks.get('oom-crashloop/baseline/0')!.ofKind('approval');
    expect(approvals.map((a) => [a.granted, a.by])).toEqual(asked.map(() => [false, 'alice']));
  });

  it('selectScenarios names an id that matches nothing', () => {
    expect(() => selectScenarios(all, ['no-such-*'], [])).toThrow(
      /--scenario: no scenario matches "no-such-\*"/,
    );
    expect(selectScenarios(all, ['oom-*'], []).map((s) => s.scenario.id)).toEqual(['oom-crashloop']);
  });
});
