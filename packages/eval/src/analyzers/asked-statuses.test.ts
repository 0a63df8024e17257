// Table tests of the status-code breakdown an all-clear gives when the task asks about 4xx or 5xx answers
// (the two older negative controls it was written for: a 416 at the file's end, a single 502).
import { describe, expect, it } from 'vitest';
import { accessStatus, askedStatuses, askedStatusesAnalyzer } from './asked-statuses.js';
import { ctx, log, observed, pods } from './observed.fixture.js';

const NS = 'video';
const POD = 'media-origin-lbmh2kjrhl-4xgg9';
const line = (code: number, extra = '') =>
  `10.60.4.12 - - [14/Jul/2026:20:08:14 +0000] "GET /v/ep-1042/1080p.mp4 HTTP/1.1" ${code} 0${extra}`;

describe('accessStatus: the status of an access-log line', () => {
  it.each([
    [line(416), '416'],
    ['"GET /cart HTTP/2.0" 502 150 "-" "Mozilla/5.0" 38 0.001', '502'],
    ['ts=1 method=GET path=/x status=429 took=2ms', '429'],
    ['{"path":"/x","status":503}', '503'],
    ['"GET /x HTTP/1.1" 4160 0', undefined],
    ['status=4040', undefined],
    ['request: "GET /v/ep-0999/poster.jpg HTTP/1.1"', undefined],
    ['no request here 404', undefined],
    [`"GET /${'a'.repeat(5000)} HTTP/1.1" 404 0`, undefined],
  ])('%s', (text, code) => {
    expect(accessStatus(text)).toBe(code);
  });
});

describe('askedStatuses: the codes of the class the task asks about', () => {
  const say = (task: string, lines: string[]) =>
    askedStatuses(ctx(NS, [log(NS, POD, lines)], task)).join('\n');

  it.each([
    // [task, log lines, what the sentence says (undefined: no sentence)]
    [
      'The 4xx-ratio alert for media-origin is firing',
      [
        line(206),
        line(416, ' range="bytes=734003200-" size=734003200'),
        line(416, ' range="bytes=5-" size=5'),
      ],
      /416 Range Not Satisfiable ×2 \(every one asks for a range that starts at or after the end of the file/,
    ],
    // A 416 for a range inside the file is not glossed as the end-of-file probe.
    [
      'the 4xx alert',
      [line(416, ' range="bytes=0-10" size=734003200')],
      /416 Range Not Satisfiable ×1; 1 of 1 requests logged\./,
    ],
    [
      'The 5xx alert fired',
      [line(200), line(200), line(200), line(200), line(502), line(404)],
      /502 Bad Gateway ×1 \(a single one among the 6 requests logged, not a recurring failure\)/,
    ],
    ['why so many 404 answers?', [line(404), line(404), line(500)], /404 Not Found ×2; 2 of 3/],
    // No class or code asked: nothing.
    ['the pods restart', [line(500)], undefined],
    // Asked, but no line of the class.
    ['the 5xx alert', [line(200), line(404)], undefined],
  ] as const)('%s', (task, lines, says) => {
    const text = say(task, [...lines]);
    if (says) expect(text).toMatch(says);
    else expect(text).toBe('');
  });

  it('counts a line shown by both the log and a search once, and says nothing of a total then', () => {
    const search = observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: '" 502 ' },
      `1 line(s) match "\\" 502 " in pod ${POD}\n7:${line(502)}`,
    );
    const text = askedStatuses(ctx(NS, [log(NS, POD, [line(502)]), search], 'the 5xx alert')).join('');
    expect(text).toContain('502 Bad Gateway ×1 (a single one in the log lines searched');
    expect(text).not.toContain('requests logged');
    // A search for other words of the same pod leaves the log's own lines counted.
    const words = observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: 'ERROR|WARN' },
      `1 line(s) match "ERROR|WARN" in pod ${POD}\n3:WARN slow`,
    );
    expect(
      askedStatuses(ctx(NS, [log(NS, POD, [line(502), line(502)]), words], 'the 5xx alert')).join(''),
    ).toContain('502 Bad Gateway ×2; 2 of 2 requests logged');
  });
});

describe('askedStatusesAnalyzer: the reads', () => {
  const cut = (lines: string[]) =>
    observed(
      'get_pod_logs',
      { namespace: NS, name: POD },
      ['[output cut: the log was cut to its last 8000 characters]', ...lines].join('\n'),
    );

  it('searches a cut access log for the codes asked about, and nothing for a whole one', () => {
    const reads = askedStatusesAnalyzer.reads(ctx(NS, [cut([line(206), line(206)])], 'the 4xx alert'));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.tool).toBe('search_pod_logs');
    expect(String(reads[0]!.args['pattern'])).toContain('" 4|status=4|"status":4');
    expect(String(reads[0]!.args['pattern'])).not.toContain('" 5');
    expect(askedStatusesAnalyzer.reads(ctx(NS, [log(NS, POD, [line(206)])], 'the 4xx alert'))).toEqual([]);
    expect(askedStatusesAnalyzer.reads(ctx(NS, [cut(['plain text', 'more'])], 'the 4xx alert'))).toEqual([]);
    expect(askedStatusesAnalyzer.reads(ctx(NS, [cut([line(206)])], 'pods restart'))).toEqual([]);
  });

  it("reads the ingress controller's log when the task names the ingress", () => {
    const namespaces = observed(
      'list_resources',
      { kind: 'Namespace' },
      'NAME            STATUS   AGE\nweb             Active   1d\ningress-nginx   Active   1d',
    );
    const task = 'The 5xx alert fired and the ingress log has a warning';
    expect(askedStatusesAnalyzer.reads(ctx('web', [namespaces], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'ingress-nginx' } },
    ]);
    const listed = pods('ingress-nginx', [
      ['ingress-nginx-controller-6f7d8-2kq8v', '1/1', 'Running', '0', '3d'],
    ]);
    expect(askedStatusesAnalyzer.reads(ctx('web', [namespaces, listed], task))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'ingress-nginx', name: 'ingress-nginx-controller-6f7d8-2kq8v' },
      },
    ]);
  });
});
