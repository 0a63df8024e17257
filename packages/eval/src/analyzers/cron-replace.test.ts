import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { cronReplaceAnalyzer } from './cron-replace.js';

const describeCron = (policy: string, status: string, events: string): SeenObservation[] => [
  {
    step: 1,
    tool: 'find_objects',
    args: { name: 'sync' },
    status: 'ok',
    content: 'KIND      NAMESPACE   NAME   STATUS   AGE\nCronJob   data        sync   -        400d',
  },
  {
    step: 2,
    tool: 'describe_resource',
    args: { kind: 'CronJob', name: 'sync', namespace: 'data' },
    status: 'ok',
    content: `Name:         sync
Namespace:    data
Kind:         CronJob (batch/v1)
Spec:
  schedule: 0 * * * *
  concurrencyPolicy: ${policy}
Status:
  lastScheduleTime: 2026-11-27T10:00:00Z
${status}Events:
  Type     Reason             Age   From                 Message
${events}`,
  },
];
const replaced =
  '  Normal   SuccessfulCreate   35m   cronjob-controller   Created job sync-29929560\n  Normal   SuccessfulDelete   35m   cronjob-controller   Deleted job sync-29929500\n';
const finds = (seen: SeenObservation[]) =>
  cronReplaceAnalyzer.finds({ task: 't', ns: 'data', hints: [], seen });

describe('cron-replace', () => {
  it('finds a running Job deleted as the next was created, with no success since it was scheduled', () => {
    const [f] = finds(describeCron('Replace', '', replaced));
    expect(f?.cause).toMatch(/concurrencyPolicy Replace/);
    expect(f?.cause).toMatch(/deleted Job sync-29929500, scheduled 2026-11-27T09:00:00.000Z/);
    expect(
      finds(describeCron('Replace', '  lastSuccessfulTime: 2026-11-20T03:00:00Z\n', replaced)),
    ).toHaveLength(1);
  });
  it('stays quiet for history clean-up (the deleted Job had succeeded) and for other policies', () => {
    expect(finds(describeCron('Replace', '  lastSuccessfulTime: 2026-11-27T09:40:00Z\n', replaced))).toEqual(
      [],
    );
    expect(finds(describeCron('Forbid', '', replaced))).toEqual([]);
    // A failed Job deleted by failedJobsHistoryLimit as the next run starts: the controller saw it finish.
    expect(
      finds(
        describeCron(
          'Replace',
          '',
          `${replaced}  Normal   SawCompletedJob    35m   cronjob-controller   Saw completed job: sync-29929500, condition: Failed\n`,
        ),
      ),
    ).toEqual([]);
    expect(finds(describeCron('Replace', '', replaced.split('\n')[0]!))).toEqual([]);
  });
});
