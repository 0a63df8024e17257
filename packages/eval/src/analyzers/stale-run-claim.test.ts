import { describe, expect, it } from 'vitest';
import { ctx, log, observed, table } from './observed.fixture.js';
import { staleRunClaimAnalyzer } from './stale-run-claim.js';

const RUN = 'nightly-29552279-gv856';
const SKIP = 'Skipping task syncAgents (AgentSync): state is Running since 2026-03-07 02:05:01, not finished';
const events = (rows: string[][]) =>
  observed(
    'get_events',
    { namespace: 'ops' },
    table([['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...rows]),
  );
const KILLED = [
  '3d',
  'Warning',
  'DeadlineExceeded',
  'job/nightly-29549165',
  'Job was active longer than specified deadline',
];

describe('stale-run-claim, a task state left running by a killed CronJob run', () => {
  it('names the task and the run the Job controller ended', () => {
    const [f] = staleRunClaimAnalyzer.finds(ctx('ops', [log('ops', RUN, ['start', SKIP]), events([KILLED])]));
    expect(f?.object).toBe('syncAgents (state left running by job nightly-29549165)');
    expect(f?.cause).toContain('syncAgents is stuck');
    expect(f?.cause).toContain('since 2026-03-07 02:05:01');
    expect(f?.cause).toContain('DeadlineExceeded on job nightly-29549165 3d ago');
  });

  it.each([
    {
      what: 'a killed run of another CronJob',
      pod: RUN,
      rows: [[...KILLED.slice(0, 3), 'job/other-29549165', KILLED[4]!]],
    },
    {
      what: 'a Normal event',
      pod: RUN,
      rows: [[KILLED[0]!, 'Normal', 'Completed', KILLED[3]!, 'Job completed']],
    },
    { what: 'no event at all', pod: RUN, rows: [] },
    { what: 'a pod that is no CronJob run', pod: 'nightly-6d9f7c8b4-x2k9p', rows: [KILLED] },
  ])('finds nothing for $what', ({ pod, rows }) => {
    expect(staleRunClaimAnalyzer.finds(ctx('ops', [log('ops', pod, [SKIP]), events(rows)]))).toEqual([]);
  });

  it('finds nothing when the state line does not skip the task', () => {
    const line = 'task syncAgents: state is Running since 2026-03-10 10:00:01';
    expect(staleRunClaimAnalyzer.finds(ctx('ops', [log('ops', RUN, [line]), events([KILLED])]))).toEqual([]);
  });
});
