import { describe, expect, it } from 'vitest';
import { mallocArenaGrowth } from './malloc-arenas.js';

describe('mallocArenaGrowth: freed memory held in glibc arenas, from the allocator statistics a program logs', () => {
  it('finds held memory growing with the arena count while the live data stays flat', () => {
    const logs = [
      'INFO heapstats: live=1004MiB mapped=1610MiB arenas=19 idle_free=38%',
      'WARN job retried',
      'INFO heapstats: live=1006MiB mapped=3020MiB arenas=63 idle_free=67%',
    ].join('\n');
    expect(mallocArenaGrowth(logs)).toMatchObject({ arenas: [19, 63], held: ['1.6 GiB', '2.9 GiB'] });
  });
  it('says nothing for a growing live heap (a leak or a bigger input), few arenas, or one sample', () => {
    expect(
      mallocArenaGrowth('stats: live=500MiB rss=900MiB arenas=12\nstats: live=1900MiB rss=2900MiB arenas=40'),
    ).toBeUndefined();
    expect(
      mallocArenaGrowth('stats: live=1000MiB rss=1200MiB arenas=2\nstats: live=1000MiB rss=2900MiB arenas=4'),
    ).toBeUndefined();
    expect(mallocArenaGrowth('stats: live=1000MiB rss=2900MiB arenas=40')).toBeUndefined();
    expect(mallocArenaGrowth('x'.repeat(3000))).toBeUndefined();
  });
});
