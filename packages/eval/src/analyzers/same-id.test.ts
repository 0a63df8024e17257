// Table tests of same-id: another program's log lines that name an identifier of the quoted failure.
import { describe, expect, it } from 'vitest';
import { log } from './observed.fixture.js';
import { identifiers, sameIdElsewhere } from './same-id.js';

const ns = 'streaming';
const jm = 'stock-cdc-jobmanager-jxr96gdxvf-4c87h';
const tm = 'stock-cdc-taskmanager-kvwqthgp8c-65l2w';
const failure = 'Checkpoint 41 of job 5c1f9e2a7d0b4e8f9a61c3d2b7e40f18 expired before completing.';
const quote = `get_pod_logs ${jm}: "${failure}"`;
const other =
  '2026-03-18 10:07:13,240 INFO Source - Checkpoint 41 requested while the source is still in its snapshot phase';

describe('identifiers', () => {
  it.each([
    ['a numbered thing', 'Checkpoint 41 expired', ['checkpoint 41']],
    [
      'a hex id with digits and letters',
      'job 5c1f9e2a7d0b4e8f9a61c3d2b7e40f18 failed',
      ['5c1f9e2a7d0b4e8f9a61c3d2b7e40f18'],
    ],
    [
      'a UUID',
      'request 0b8e4f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b failed',
      ['0b8e4f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b'],
    ],
    ['a cursor id', 'cursor id 6620918835502147731 not found', ['6620918835502147731']],
    ['a size in bytes', 'could not resize segment to 134217728 bytes', []],
    ['a short number', 'limit exceeded: (1000000) dropped=2210', []],
    ['a path followed by a status', 'POST /v1/uploads 500 size=48.2MB', []],
    ['a port, a line, an attempt', 'port 8080 line 66 attempt 12', []],
    ['an all-letter hex word', 'deadbeefcafe accepted', []],
    ['a timestamp', '2026-03-18 10:07:13,240 INFO ok', []],
  ])('reads %s', (_, line, expected) => {
    expect(identifiers(line)).toEqual(expected);
  });

  it('reads nothing from a line past 2,000 characters, and at most eight ids', () => {
    expect(identifiers(`Checkpoint 41 ${'x'.repeat(2_000)}`)).toEqual([]);
    const many = Array.from({ length: 12 }, (_, i) => `Batch ${10 + i}`).join(' ');
    expect(identifiers(many)).toHaveLength(8);
  });
});

describe('sameIdElsewhere', () => {
  it("quotes another program's line that names the failure's identifier", () => {
    const seen = [log(ns, jm, [failure]), log(ns, tm, ['INFO started', other])];
    expect(sameIdElsewhere(seen, [quote])).toBe(`The same checkpoint 41 in the log of ${tm}: "${other}".`);
  });

  it('takes the identifiers of the lines quoted around the failure too', () => {
    const bare = 'FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold.';
    const seen = [log(ns, jm, [failure, bare]), log(ns, tm, [other])];
    const entry = `get_pod_logs ${jm}: "${bare}"`;
    expect(sameIdElsewhere(seen, [entry])).toBeUndefined();
    const around = `Around it in the log of ${jm}, just before the failure: "${failure}".`;
    expect(sameIdElsewhere(seen, [entry], around)).toContain('Checkpoint 41 requested');
  });

  it('does not read another replica of the same workload, nor quote a line the failing log holds', () => {
    const replica = 'stock-cdc-jobmanager-jxr96gdxvf-9zz2q';
    expect(sameIdElsewhere([log(ns, jm, [failure]), log(ns, replica, [other])], [quote])).toBeUndefined();
    const sts = [log(ns, 'kafka-0', ['Checkpoint 41 expired']), log(ns, 'kafka-1', ['Checkpoint 41 held'])];
    expect(sameIdElsewhere(sts, ['get_pod_logs kafka-0: "Checkpoint 41 expired"'])).toBeUndefined();
    const shared = [log(ns, jm, [failure, other]), log(ns, tm, [other])];
    expect(sameIdElsewhere(shared, [quote])).toBeUndefined();
  });

  it('matches an identifier as a whole token only, and quotes at most two lines, each once', () => {
    const seen = [
      log(ns, jm, [failure]),
      log(ns, tm, [
        'Checkpoint 412 done',
        'Checkpoint 41 held',
        'Checkpoint 41 held',
        'checkpoint 41 released',
      ]),
      log(ns, 'sink-7c9d2f6b8d-x2kq4', ['Checkpoint 41 acknowledged']),
    ];
    const said = sameIdElsewhere(seen, [quote]) ?? '';
    expect(said).not.toContain('412');
    expect(said.match(/Checkpoint 41 held/g)).toHaveLength(1);
    expect(said).toContain('checkpoint 41 released');
    expect(said).not.toContain('acknowledged');
  });

  it('says nothing without a quoted log line or without an identifier in it', () => {
    const seen = [log(ns, jm, [failure]), log(ns, tm, [other])];
    expect(sameIdElsewhere(seen, ['describe_pod x: Last State Terminated'])).toBeUndefined();
    expect(sameIdElsewhere(seen, [`get_pod_logs ${jm}: "connection refused"`])).toBeUndefined();
  });
});
