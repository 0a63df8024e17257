import { describe, expect, it } from 'vitest';
import { clip, clipAround } from './types.js';

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
