// Table tests of the general rules written for earlier held-out sets' misses, sessions after their first
// contact (set 50's worker memory cap, set 48's compression the brokers refuse and uWSGI's buffer).
import { describe, expect, it } from 'vitest';
import { retriedWarnings } from './app-errors.js';
import { glossOf } from './log-glosses.js';
import { memoryCapSettingAnalyzer } from './memory-cap-setting.js';
import { ctx, describedPodText, log, observed } from './observed.fixture.js';
import { uwsgiBufferSizeAnalyzer } from './uwsgi-buffer-size.js';

const NS = 'billing';
const POD = 'invoice-worker-hbzg4jfh9-twl4z';

/** A crashed worker's description: its last exit, its command and variables, its limits. */
function described(env: Record<string, string>, exit = 12, reason = 'Error', limit = '768Mi') {
  return observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      `Namespace:        ${NS}`,
      'Controlled By:    ReplicaSet/invoice-worker-hbzg4jfh9',
      'Containers:',
      '  worker:',
      '    Image:          registry.example.com/invoice-worker:5.3.0',
      '    Command:',
      '      php',
      '      artisan',
      '      queue:work',
      '      --memory=$(WORKER_MEMORY_MB)',
      '    State:          Waiting',
      '      Reason:       CrashLoopBackOff',
      '    Last State:     Terminated',
      `      Reason:       ${reason}`,
      `      Exit Code:    ${exit}`,
      '    Restart Count:  9',
      '    Limits:',
      `      memory:  ${limit}`,
      '    Environment:',
      ...Object.entries(env).map(([k, v]) => `      ${k}:  ${v}`),
      'Conditions:',
    ].join('\n'),
  );
}
const crashed = log(
  NS,
  POD,
  [
    '[INFO] worker memory after job: 171.4MB, limit (--memory) 128MB',
    '[INFO] Memory limit exceeded. Stopping the worker (exit status 12).',
  ],
  { previous: true },
);

describe("memory-cap-setting: a worker that stops itself at its own memory cap, below the container's", () => {
  it('names the variable the log gives as the cap and doubles it, above the measured use', () => {
    const [f] = memoryCapSettingAnalyzer.finds(
      ctx(NS, [described({ WORKER_MEMORY_MB: '128', PHP_MEMORY_LIMIT: '1024M' }), crashed]),
    );
    expect(f?.cause).toMatch(/WORKER_MEMORY_MB=128 is the cap the program is given/);
    expect(f?.cause).toMatch(
      /exits with code 12 \(reason Error, no OOM kill\), far from the container's 768Mi limit/,
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'WORKER_MEMORY_MB', value: '256' }]);
  });

  it("reads PHP's byte count and keeps the variable's unit", () => {
    const php = log(
      NS,
      POD,
      ['PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)'],
      {
        previous: true,
      },
    );
    const [f] = memoryCapSettingAnalyzer.finds(
      ctx(NS, [described({ PHP_MEMORY_LIMIT: '128M', APP_ENV: 'prod' }), php]),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'PHP_MEMORY_LIMIT', value: '256M' }]);
  });

  it('proposes no change above the container limit, and nothing for an OOM kill', () => {
    const [tight] = memoryCapSettingAnalyzer.finds(
      ctx(NS, [described({ WORKER_MEMORY_MB: '128' }, 12, 'Error', '200Mi'), crashed]),
    );
    expect(tight?.fix).toBeUndefined();
    expect(tight?.advice).toMatch(/and the container's memory limit above it/);
    expect(
      memoryCapSettingAnalyzer.finds(
        ctx(NS, [described({ WORKER_MEMORY_MB: '128' }, 137, 'OOMKilled'), crashed]),
      ),
    ).toEqual([]);
  });
});

describe('glosses: a compression type the Kafka brokers do not support', () => {
  it("reads the Java client's exception and the protocol's error name", () => {
    for (const line of [
      'org.apache.kafka.common.errors.UnsupportedCompressionTypeException: produce request with compression.type=zstd',
      'produce failed: UNSUPPORTED_COMPRESSION_TYPE (76)',
    ])
      expect(glossOf(line)?.means).toMatch(/zstd needs brokers of Kafka 2\.1 or later/);
  });
});

describe("uwsgi-buffer-size: requests dropped because their headers outgrew uWSGI's buffer", () => {
  const WIKI = 'wiki-app-wvrs4mgzh-cx284';
  const dropped = log('knowledge', WIKI, [
    'invalid request block size: 6244 (max 4096)...skip',
    'invalid request block size: 6139 (max 4096)...skip',
  ]);
  const pod = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: 'knowledge', name: WIKI },
      `${describedPodText({ ns: 'knowledge', name: WIKI, container: 'app', env })}\nControlled By:  ReplicaSet/wiki-app-wvrs4mgzh`,
    );

  it('adds UWSGI_BUFFER_SIZE to a container configured through UWSGI_ variables, above twice the largest block', () => {
    const [f] = uwsgiBufferSizeAnalyzer.finds(ctx('knowledge', [dropped, pod({ UWSGI_SOCKET: ':3031' })]));
    expect(f?.cause).toMatch(/the largest 6244 bytes against a buffer-size of 4096/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'UWSGI_BUFFER_SIZE', value: '16384' }]);
  });

  it('never above 65535, and no fix for a container not configured by variables', () => {
    const big = log('knowledge', WIKI, ['invalid request block size: 60000 (max 32768)...skip']);
    const [f] = uwsgiBufferSizeAnalyzer.finds(ctx('knowledge', [big, pod({ UWSGI_BUFFER_SIZE: '32768' })]));
    expect(f?.fix?.args['set']).toEqual([{ name: 'UWSGI_BUFFER_SIZE', value: '65535' }]);
    const [g] = uwsgiBufferSizeAnalyzer.finds(ctx('knowledge', [dropped, pod({ APP_ENV: 'prod' })]));
    expect(g?.fix).toBeUndefined();
  });
});

describe('retriedWarnings: a warning that reports each time the retry that went through (set 48)', () => {
  const W = (i: number) =>
    `WARN update products/_doc/SKU-11${i} status=409 version_conflict_engine_exception; retry 1/5 -> updated`;
  const warn = (lines: string[]) => lines.filter((l) => l.startsWith('WARN'));
  it.each([
    // [log lines, resolved by retrying]
    [[W(1), W(2), W(3), 'INFO stats conflicts=3 retried_ok=3 gave_up=0'], true],
    // The retry's outcome on the next line.
    [
      [
        'WARN update SKU-1 failed: status=409',
        'INFO retry 1/5 SKU-1 -> updated',
        'WARN update SKU-2 failed: status=409',
        'INFO retry 1/5 SKU-2 => ok',
      ],
      true,
    ],
    // The program gave up on some.
    [[W(1), W(2), 'INFO stats conflicts=2 retried_ok=1 gave_up=1'], false],
    [[W(1), W(2), 'WARN update z failed: giving up after 5 retries'], false],
    // One repeat with no outcome.
    [
      [
        W(1),
        W(2),
        'WARN update products/_doc/SKU-113 status=409 version_conflict_engine_exception; retry 1/5',
      ],
      false,
    ],
    // A retry that failed again is no success.
    [['WARN fetch failed; retry 1/3 -> 503', 'WARN fetch failed; retry 1/3 -> 503'], false],
    // A single warning is no flood.
    [[W(1), 'INFO ok'], false],
  ] as const)('%j', (lines, resolved) => {
    const text = lines.join('\n');
    expect(retriedWarnings(text, warn([...lines])) !== undefined).toBe(resolved);
  });

  it('stays bounded on a long line without an arrow', () => {
    const long = `WARN retry ${'x'.repeat(3900)}`;
    expect(retriedWarnings(`${long}\n${long}`, [long, long])).toBeUndefined();
  });
});
