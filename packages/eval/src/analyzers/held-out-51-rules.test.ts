// Table tests of what was written after held-out set 51's first contact: the log lines that bear on
// what the person describes, quoted in an answer that found no fault (with how a recurring figure
// moved). Each is attacked with near misses that must stay silent.
import { describe, expect, it } from 'vitest';
import { askedLines } from './asked-lines.js';
import { ctx, observed } from './observed.fixture.js';

const logOf = (name: string, lines: string[]) =>
  observed('get_pod_logs', { namespace: 'ops', name }, lines.join('\n'));

describe('askedLines: the lines of the logs read that bear on what the task describes', () => {
  const registry = logOf('registry-7d9f-abcde', [
    '2026-03-24 09:02:11 INFO Started RegistryApplication in 11.8 seconds',
    '2026-03-24 09:02:11 INFO Renew threshold is: 11',
    '2026-03-24 09:02:11 INFO self-preservation is disabled (server.enable-self-preservation=false); expired leases are evicted every 15000 ms',
    '2026-03-28 08:41:07 INFO Registered instance CATALOG with status UP',
  ]);
  const task =
    'The registry dashboard shows a red warning that self preservation mode is turned off. Is something broken? Please fix it.';

  it('quotes the line that shares the most of the task words', () => {
    const out = askedLines(ctx('ops', [registry], task));
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('self-preservation is disabled');
    expect(out[0]).toContain('(registry-7d9f-abcde)');
  });

  it('says how a recurring figure moved: the same in every repeat is steady, the rest a range', () => {
    const gpu = logOf('embedder-5c4f-xyz12', [
      '2026-03-20 02:11:40 INFO embedder starting on cuda:0',
      '2026-03-24 14:00:00 INFO cuda memory: allocated=3.10 GiB reserved=20.84 GiB (last hour: 412k requests)',
      '2026-03-26 14:00:00 INFO cuda memory: allocated=2.95 GiB reserved=20.84 GiB (last hour: 398k requests)',
      '2026-03-28 14:00:00 WARN request truncated 3 inputs longer than 512 tokens',
      '2026-03-29 02:00:00 INFO cuda memory: allocated=0.71 GiB reserved=20.84 GiB (last hour: 1.9k requests)',
    ]);
    const out = askedLines(
      ctx(
        'ops',
        [gpu],
        'The embedder holds 21 GB of GPU memory even at night. That looks like a leak to me.',
      ),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('a line logged 3 times from 2026-03-24 14:00:00 to 2026-03-29 02:00:00');
    expect(out[0]).toContain('reserved=20.84 GiB the same in every one (steady, not growing)');
    expect(out[0]).toContain('allocated from 0.71 GiB to 3.1 GiB');
  });

  it('an id or a port that repeats is not a steady figure', () => {
    const resets = logOf('gateway-1', [
      'INFO listening on :8443 (h2)',
      'INFO upstream pool ready',
      'DEBUG h2 conn=998 stream=17 GET /api/items: stream reset by peer (RST_STREAM CANCEL), client navigated away',
      'DEBUG h2 conn=1204 stream=17 GET /api/items: stream reset by peer (RST_STREAM CANCEL), client navigated away',
      'DEBUG h2 conn=9150 stream=17 GET /api/items: stream reset by peer (RST_STREAM CANCEL), client navigated away',
    ]);
    const out = askedLines(
      ctx('ops', [resets], 'The gateway logs stream resets by peer all day. Is the gateway broken?'),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('a line logged 3 times');
    expect(out[0]).not.toMatch(/steady|conn from/);
  });

  it.each([
    // One shared word, and no series of figures.
    ['The registry looks slow today, please check.', [registry]],
    // Only the words of any request for help.
    ['Something is broken, please find the cause and fix it.', [registry]],
    // An empty task.
    ['', [registry]],
    // The tool's own note, and a previous instance's log, are not read.
    [
      'self preservation mode turned off',
      [
        observed(
          'get_pod_logs',
          { namespace: 'ops', name: 'a' },
          '(no log lines: self preservation mode turned off)',
        ),
        observed(
          'get_pod_logs',
          { namespace: 'ops', name: 'a', previous: true },
          'INFO self preservation mode turned off',
        ),
      ],
    ],
  ])('silent: %s', (t, seen) => {
    expect(askedLines(ctx('ops', seen as never, t))).toEqual([]);
  });

  it('a word in most lines of a log counts a quarter (the program name, a level)', () => {
    const noisy = logOf('billing-1', [
      'billing INFO worker billing started',
      'billing INFO billing batch 1 done',
      'billing INFO billing batch 2 done',
      'billing WARN billing retry',
    ]);
    expect(askedLines(ctx('ops', [noisy], 'billing is late, the billing team says'))).toEqual([]);
  });

  it('bounds what it reads: a line of 5,000 characters is passed over', () => {
    const long = logOf('x', [`self preservation mode turned off ${'x'.repeat(5000)}`]);
    expect(askedLines(ctx('ops', [long], 'self preservation mode turned off'))).toEqual([]);
  });
});
