import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { jobDuplicateWorkAnalyzer } from './job-duplicate-work.js';

const describeJob = (spec: string, owner = 'CronJob/digest'): SeenObservation => ({
  step: 1,
  tool: 'describe_resource',
  args: { kind: 'Job', name: 'digest-29293560', namespace: 'mk' },
  status: 'ok',
  content: `Name:         digest-29293560
Namespace:    mk
Kind:         Job (batch/v1)
Controlled By: ${owner}
Spec:
${spec}  backoffLimit: 1
Status:
  succeeded: 2
Events:  <none>`,
});
const log = (pod: string, lines: string[], step = 2): SeenObservation => ({
  step,
  tool: 'get_pod_logs',
  args: { namespace: 'mk', name: pod },
  status: 'ok',
  content: lines.join('\n'),
});
const TWO = '  completions: 2\n  parallelism: 2\n';
const finds = (seen: SeenObservation[]) =>
  jobDuplicateWorkAnalyzer.finds({ task: 't', ns: 'mk', hints: [], seen });

describe('job-duplicate-work', () => {
  it('finds two pods of one NonIndexed Job that report the same finished work', () => {
    const [f] = finds([
      describeJob(TWO),
      log('digest-29293560-9mhq5', [
        'loaded list: 48211 recipients',
        'done: 48211 messages accepted, 0 rejected',
      ]),
      log(
        'digest-29293560-k8tbb',
        ['loaded list: 48211 recipients', 'done: 48211 messages accepted, 0 rejected'],
        3,
      ),
    ]);
    expect(f?.object).toBe('cronjob digest');
    expect(f?.cause).toMatch(/completions 2, parallelism 2, completion mode NonIndexed/);
    expect(f?.cause).toMatch(/both pods .* logged "done: 48211 messages accepted, 0 rejected"/);
    expect(f?.advice).toMatch(/CronJob digest's jobTemplate/);
  });
  it('compares lines without their timestamps and levels', () => {
    const [f] = finds([
      describeJob('  parallelism: 3\n', 'CronJob/x'),
      log('digest-29293560-aaaaa', ['2026-09-14T06:24:01.120Z INFO exported 1,204 rows to s3']),
      log('digest-29293560-bbbbb', ['2026-09-14T06:23:57.880Z INFO exported 1,204 rows to s3']),
    ]);
    expect(f?.cause).toMatch(/logged "exported 1,204 rows to s3"/);
  });
  it('stays quiet for an Indexed Job, a single completion, shares of a queue, one log read, other Jobs', () => {
    const same = (pod: string) => log(pod, ['done: 48211 messages accepted']);
    expect(
      finds([
        describeJob(`${TWO}  completionMode: Indexed\n`),
        same('digest-29293560-aaaaa'),
        same('digest-29293560-bbbbb'),
      ]),
    ).toEqual([]);
    expect(
      finds([
        describeJob('  completions: 1\n'),
        same('digest-29293560-aaaaa'),
        same('digest-29293560-bbbbb'),
      ]),
    ).toEqual([]);
    // A work queue: each pod reports its own share.
    expect(
      finds([
        describeJob(TWO),
        log('digest-29293560-aaaaa', ['done: 24105 messages accepted']),
        log('digest-29293560-bbbbb', ['done: 24106 messages accepted']),
      ]),
    ).toEqual([]);
    expect(finds([describeJob(TWO), same('digest-29293560-aaaaa')])).toEqual([]);
    // Another Job's pod, whose name the Job's prefixes.
    expect(
      finds([describeJob(TWO), same('digest-29293560-aaaaa'), same('digest-29293560-retry-bbbbb')]),
    ).toEqual([]);
    // A line without a count, or a count without finished work, says nothing of the work done twice.
    expect(
      finds([
        describeJob(TWO),
        log('digest-29293560-aaaaa', ['done', 'retrying batch 12']),
        log('digest-29293560-bbbbb', ['done', 'retrying batch 12']),
      ]),
    ).toEqual([]);
  });
});
