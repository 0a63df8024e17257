// Table tests of quota-below-eviction: a tenant's quota full while the pool's eviction waits for its watermark.
import { describe, expect, it } from 'vitest';
import { ctx, log, pods } from './observed.fixture.js';
import { quotaBelowEvictionAnalyzer, quotaFullIn } from './quota-below-eviction.js';

const NS = 'cache';
const POD = 'store-master-7d9c8b6f5-q2w8e';
const running = pods(NS, [[POD, '1/1', 'Running', '0', '3d']]);
const start = 'starting: pool 4096 GiB, eviction_high_watermark_ratio=0.80 (3276.8 GiB), tenants=2';
const idle =
  'stats: pool used 2500.0 GiB / 4096 GiB (61.0%); eviction idle (pool below high watermark); evicted: 0';
const tenants = (a: string, rejected: number) =>
  `stats: web used ${a} / 1638.4 GiB (${((Number(a) / 1638.4) * 100).toFixed(1)}%), put rejected last 60s: ${rejected} (QUOTA_EXCEEDED); jobs used 861.6 / 1638.4 GiB (52.6%), put rejected last 60s: 0`;

describe('quota-below-eviction: a tenant full while eviction is idle', () => {
  it('names the tenant, its refused writes, the watermark and the idle eviction', () => {
    const [f] = quotaBelowEvictionAnalyzer.finds(
      ctx(NS, [running, log(NS, POD, [start, idle, tenants('1638.4', 912)])]),
    );
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/tenant web has filled its quota \(1638\.4 of 1638\.4 GiB\).*912 rejected/);
    expect(f?.cause).toMatch(
      /high watermark \(eviction_high_watermark_ratio=0\.80 \(3276\.8 GiB\)\), and the pool is at 61\.0 %/,
    );
    expect(f?.cause).not.toMatch(/out of memory|pool is full/);
  });

  it.each([
    ['a tenant under its quota', [start, idle, tenants('1200.0', 5)]],
    ['a full tenant that refuses nothing', [start, idle, tenants('1638.4', 0)]],
    [
      'a full tenant while eviction runs',
      [start, 'stats: pool used 3300 GiB / 4096 GiB (80.6%); evicted: 4211', tenants('1638.4', 912)],
    ],
  ])('says nothing for %s', (_, lines) => {
    expect(quotaBelowEvictionAnalyzer.finds(ctx(NS, [running, log(NS, POD, lines)]))).toEqual([]);
  });

  it('reads only Running pods', () => {
    const pending = pods(NS, [[POD, '0/1', 'Pending', '0', '3d']]);
    expect(
      quotaBelowEvictionAnalyzer.finds(ctx(NS, [pending, log(NS, POD, [idle, tenants('1638.4', 9)])])),
    ).toEqual([]);
  });

  it('does bounded work on long lines', () => {
    const long = `${'a used 1 / 1 (100%) '.repeat(190)}`;
    expect(quotaFullIn(`${idle}\n${long}`)).toBeUndefined();
    expect(quotaFullIn(`${'watermark'.repeat(400)}\n${idle}`)).toBeUndefined();
  });
});
