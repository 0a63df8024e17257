import { describe, expect, it } from 'vitest';
import { clip, clipAround, pastPods } from './types.js';

const PROM =
  'ts=2027-01-12T14:03:51.210Z caller=query_logger.go:93 level=error component=activeQueryTracker msg="Error opening query log file" file=/prometheus/queries.active err="open /prometheus/queries.active: permission denied"';

describe('clipAround: a quote that keeps the decisive words', () => {
  it.each([
    // The words past the cut: the quote starts shortly before them.
    [PROM, 'permission denied', /^… .*open \/prometheus\/queries\.active: permission denied"$/],
    // Within the first characters: the same as clip.
    ['mkdir /data/x: permission denied', 'permission denied', /^mkdir \/data\/x: permission denied$/],
    // Not in the line: the same as clip.
    [PROM, 'EACCES', new RegExp(`^${clip(PROM, 140).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)],
  ])('%s', (line, words, said) => {
    const q = clipAround(line, words, 140);
    expect(q).toMatch(said);
    expect(q.length).toBeLessThanOrEqual(142);
  });
});

describe('pastPods: records of the past in a pod list', () => {
  const row = (NAME: string, READY: string, STATUS: string) => ({ NAME, READY, STATUS });
  it.each([
    [
      'evicted pods of an older ReplicaSet while the Deployment serves',
      [
        row('media-api-5c7d9f8b4-2kq9x', '0/1', 'ContainerStatusUnknown'),
        row('media-api-6f9b7c5d8-6qs9d', '1/1', 'Running'),
      ],
      { 'media-api-5c7d9f8b4-2kq9x': 'evicted' },
    ],
    [
      'an evicted pod of the same ReplicaSet',
      [row('web-6f9b7c5d8-aaaaa', '0/1', 'Evicted'), row('web-6f9b7c5d8-bbbbb', '1/1', 'Running')],
      { 'web-6f9b7c5d8-aaaaa': 'evicted' },
    ],
    [
      'an evicted pod whose Deployment serves nothing',
      [row('web-6f9b7c5d8-aaaaa', '0/1', 'Evicted'), row('web-7d9c6b5f4-bbbbb', '0/1', 'CrashLoopBackOff')],
      {},
    ],
    [
      'an evicted pod of another Deployment',
      [row('web-6f9b7c5d8-aaaaa', '0/1', 'Evicted'), row('webhook-6f9b7c5d8-bbbbb', '1/1', 'Running')],
      {},
    ],
  ])('%s', (_, rows, want) => {
    expect(Object.fromEntries(pastPods(rows))).toEqual(want);
  });
});
