import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTrace } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { printReport, printTrace } from './headless.js';
import { reportViewSchema } from './outcome.js';

const killed = parseTrace(
  readFileSync(fileURLToPath(new URL('./__fixtures__/killed.jsonl', import.meta.url)), 'utf8'),
  { source: 'killed.jsonl' },
);

function buffer() {
  let text = '';
  return {
    write: (s: string) => (text += s),
    get text() {
      return text;
    },
  };
}

describe('headless output', () => {
  it('prints a trace as one plain line per event, then one summary per run', () => {
    const out = buffer();
    const err = buffer();
    printTrace(killed, out, err, false);
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(killed.events.length + 4);
    expect(lines[0]).toMatch(/^\[demo-read × scripted #0\] #0 run_start +run /);
    expect(lines.at(-1)).toBe('demo-restart × scripted #1: completed, steps 3/6, 1.4k tok, $0.0063');
    expect(err.text).toMatch(/^warning: killed.jsonl:39: skipped a broken last line/);
    expect(out.text).not.toContain('\u001b');
  });

  it('prints a trace as JSON with the warnings inside', () => {
    const out = buffer();
    printTrace(killed, out, buffer(), true);
    const json = JSON.parse(out.text) as {
      runs: { label: string; refusedMutations: number }[];
      warnings: string[];
    };
    expect(json.runs.map((r) => [r.label, r.refusedMutations])).toEqual([
      ['demo-read × scripted #0', 0],
      ['demo-restart × scripted #0', 0],
      ['demo-read × scripted #1', 0],
      ['demo-restart × scripted #1', 1],
    ]);
    expect(json.warnings).toHaveLength(1);
  });

  it('prints a report as run lines and a scoreboard, or JSON', () => {
    const report = reportViewSchema.parse({
      runs: [
        {
          scenario: 's',
          model: 'm',
          trial: 0,
          runId: 'a',
          passed: true,
          stoppedReason: 'completed',
          steps: 2,
          usage: { inputTokens: 10, outputTokens: 5 },
          answer: 'x',
        },
        {
          scenario: 's',
          model: 'm',
          trial: 1,
          runId: 'b',
          passed: false,
          stoppedReason: 'budget_exhausted',
          steps: 9,
          usage: { inputTokens: 10, outputTokens: 5 },
          answer: null,
        },
      ],
    });
    const out = buffer();
    printReport(report, out, false);
    expect(out.text.trimEnd().split('\n')).toEqual([
      '✓ s × m #0 passed (completed, 2 steps, 15 tok)',
      '✗ s × m #1 failed (budget_exhausted, 9 steps, 15 tok)',
      'm: 1/2 passed, 0 refused mutation, avg 5.5 steps, 30 tok, $-',
    ]);
    const json = buffer();
    printReport(report, json, true);
    expect(JSON.parse(json.text)).toMatchObject({
      runs: 2,
      scoreboard: [{ model: 'm', done: 2, passed: 1 }],
    });
  });
});
