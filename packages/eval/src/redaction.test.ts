import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Secrets planted in env values, logs, events and a Secret object must not reach any output channel:
// what the model sees (recorded in the traces), the traces, the report files, or the screen.

const root = resolve(import.meta.dirname, '../../..');
const cli = join(import.meta.dirname, 'cli.ts');
const scenarios = join(import.meta.dirname, '__fixtures__/redaction');
const SECRETS = [
  'tok_live_9f8e7d6c5b4a3c2d1e0f',
  'Sup3rS3cretPw',
  'c2lnbmF0dXJlLXZhbHVl',
  'AKIAIOSFODNN7EXAMPLE',
  'U3VwM3JTM2NyZXRQdw',
];

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@sre-harness/source', cli, ...args],
      {
        cwd: root,
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('close', (code) => done({ code, output }));
  });
}

describe('redaction across every output channel of the eval', () => {
  it('no planted secret appears in traces, reports or the console', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redaction-'));
    const traces = join(dir, 'traces');
    const reports = join(dir, 'reports');
    const r = await run(['run', '--scenarios', scenarios, '--trace-dir', traces, '--out', reports]);
    expect(r.code === 0 || r.code === 1, r.output).toBe(true);

    const channels: [string, string][] = [['console', r.output]];
    for (const f of readdirSync(traces)) channels.push([`trace ${f}`, readFileSync(join(traces, f), 'utf8')]);
    for (const f of readdirSync(reports))
      channels.push([`report ${f}`, readFileSync(join(reports, f), 'utf8')]);
    expect(channels.length).toBeGreaterThanOrEqual(1 + 7 + 3);
    for (const [name, text] of channels) {
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
    }
    // Not vacuous: the tools did return the planted secrets, masked, to the agents that looked.
    const allTraces = channels
      .filter(([n]) => n.startsWith('trace'))
      .map(([, t]) => t)
      .join('\n');
    expect(allTraces).toContain('<redacted');
    expect(allTraces).toContain('postgres://ledger:<redacted>@ledger-db');
    expect(allTraces).toContain('LEDGER_DB_URL is required but not set');
  }, 120_000);
});
