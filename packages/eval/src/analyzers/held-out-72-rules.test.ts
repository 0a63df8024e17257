// Table tests of the general rules written after held-out set 72's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer, errorLines } from './app-errors.js';
import { glossOf } from './log-glosses.js';
import { ctx, log, pods } from './observed.fixture.js';

describe('error lines: Django request errors, structured 5xx answers, console.trace failures', () => {
  it.each([
    ['Internal Server Error: /admin/pages/812/edit/'],
    [
      '{"level":"INFO","req":{"method":"POST","url":"/publish"},"res":{"status":500},"msg":"request completed"}',
    ],
    ["Trace: { message: 'Deployment Failed: Invalid cron expression' }"],
  ])('%s is a failure line', (line) => {
    expect(errorLines(line)).toEqual([line]);
  });

  it.each([
    ['{"res":{"status":200},"msg":"request completed"}'],
    ['Trace: { message: "cache warmed in 31 ms" }'],
    ['GET /internal-server-error-page 200'],
  ])('%s is not', (line) => {
    expect(errorLines(line)).toEqual([]);
  });

  it("keeps a Python exception's own line after Django's request error", () => {
    const lines = [
      'Internal Server Error: /admin/pages/812/edit/',
      "wagtail.search.backends.InvalidSearchBackendError: Could not find backend 'x.database': No module named 'x.database'",
    ];
    expect(errorLines(lines.join('\n'))).toEqual(lines);
  });

  it('quotes the console.trace failure, not the 500 it caused', () => {
    const NS = 'lowcode';
    const POD = 'app-service-r7dtjlntkb-pxvpc';
    const [f] = appErrorsAnalyzer.finds(
      ctx(NS, [
        pods(NS, [[POD, '1/1', 'Running', '0', '21d']]),
        log(NS, POD, [
          "Trace: { message: 'Deployment Failed: Invalid cron expression' }",
          '    at /app/dist/api/index.js:69:21',
          '{"req":{"method":"POST","url":"/publish"},"res":{"status":500},"msg":"request completed"}',
        ]),
      ]),
    );
    expect(f?.cause).toContain('"Trace: { message: \'Deployment Failed: Invalid cron expression\' }"');
    expect(f?.cause).toContain('five fields');
  });
});

describe('glosses: a backend module of another release, a helper binary not in the image, a cron expression', () => {
  it('reads a backend the installed version does not have', () => {
    const g = glossOf(
      "InvalidSearchBackendError: Could not find backend 'wagtail.search.backends.database': No module named 'wagtail.search.backends.database'",
    );
    expect(g?.means).toContain('the installed version of the package does not have');
    // A plain missing dependency keeps its own meaning.
    expect(glossOf("ModuleNotFoundError: No module named 'yaml'")?.means).toContain(
      'built without that dependency',
    );
  });

  it('reads spawn ENOENT as a helper the image does not ship', () => {
    expect(
      glossOf('Sandbox stderr: spawn sandbox/nacl/bin/sel_ldr ENOENT sandboxPid=88, flavor=pynbox')?.means,
    ).toContain('names a variant this image does not ship');
    expect(glossOf('open /data/cache.db: ENOENT')).toBeUndefined();
  });

  it('reads an invalid cron expression as a Quartz-style schedule', () => {
    expect(glossOf("Deployment Failed: Invalid cron expression '0 0 7 ? * * *'")?.means).toContain(
      "standard cron's five fields",
    );
  });
});
