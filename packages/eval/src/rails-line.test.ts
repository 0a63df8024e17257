import { describe, expect, it } from 'vitest';
import { railSummary, type Summary } from './report.js';
import { railsLine } from './reporters.js';
import { setupFailedRecord } from './runner.js';

describe('the rails line', () => {
  it('says a rail does not apply to external agents, instead of "not exercised"', () => {
    const external = {
      ...setupFailedRecord(
        {
          scenario: 's',
          scenarioVersion: 'v1',
          model: 'agent:kubectl',
          role: 'agent',
          trial: 1,
          runId: 'r1',
        },
        'boom',
        performance.now(),
      ),
      external: true,
      notApplicable: ['gate:fence', 'gate:binding', 'verifier:no_loops'],
    };
    const line = railsLine({ rails: railSummary([external]) } as unknown as Summary);
    expect(line).toContain('fence not applicable (external agents)');
    expect(line).toContain('binding not applicable (external agents)');
    // A rail that applies and no run attacked is still "not exercised".
    expect(line).toContain('redaction not exercised');
  });
});
