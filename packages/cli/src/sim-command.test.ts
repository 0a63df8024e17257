import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './program.js';
import { serveScenarioCommand, shellWord } from './sim-command.js';

const root = resolve(import.meta.dirname, '../../..');
const scenario = join(root, 'scenarios/oom-crashloop.yaml');
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

/** Resolves once `pred` holds for the text so far. */
async function until(read: () => string, pred: (s: string) => boolean, ms = 20_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const s = read();
    if (pred(s)) return s;
    if (Date.now() - started > ms) throw new Error(`timed out waiting; output so far:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A request as a Kubernetes client makes it, with the kubeconfig's token and CA. */
function apiRequest(kubeconfig: string, method: string, path: string, body?: unknown) {
  const text = readFileSync(kubeconfig, 'utf8');
  const server = /server: (\S+)/.exec(text)![1]!;
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(text)![1]!, 'base64');
  const token = /token: (\S+)/.exec(text)![1]!;
  return new Promise<{ status: number; body: string }>((ok, fail) => {
    const req = request(
      `${server}${path}`,
      {
        method,
        ca,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/merge-patch+json' } : {}),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (c) => {
          data += c;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', fail);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

describe('sre-harness sim serve', () => {
  it('has --help that says how it stops and what it writes', async () => {
    const { io, out } = capture();
    expect(await main(['sim', 'serve', '--help'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Usage: sre-harness sim serve \[options\] <scenario.yaml>/);
    for (const flag of [
      '--port <port>',
      '--kubeconfig <file>',
      '--audit <file.jsonl>',
      '--clock <wall|logical>',
    ])
      expect(text).toContain(flag);
    expect(text).toMatch(/SIGTERM/);
    const top = capture();
    expect(await main(['--help'], top.io)).toBe(0);
    expect(top.out.join('\n')).toMatch(/sim\s+Serve the eval's simulated Kubernetes worlds/);
  });

  it.each([
    [['sim', 'serve', 'no/such/scenario.yaml'], /cannot read scenario file .*no\/such\/scenario\.yaml/],
    [['sim', 'serve', scenario, '--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['sim', 'serve', scenario, '--clock', 'fast'], /--clock must be wall or logical/],
    [['sim', 'serve'], /missing required argument 'scenario.yaml'/],
  ])('exits 2 on %j', async (argv, message) => {
    const { io, err } = capture();
    expect(await main(argv, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('names every problem of an invalid scenario file and exits 2', async () => {
    const { io, err } = capture();
    const bad = join(mkdtempSync(join(tmpdir(), 'sim-serve-')), 'bad.yaml');
    await import('node:fs').then((fs) => fs.writeFileSync(bad, 'schemaVersion: 1\nid: Bad\n'));
    expect(await main(['sim', 'serve', bad], io)).toBe(2);
    expect(err[0]).toMatch(/problem\(s\) in .*bad\.yaml/);
    expect(err.length).toBeGreaterThan(1);
  });

  it('serves the world in-process until stopped: requests and mutations audited, the audit file written, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-serve-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const audit = join(dir, 'audit.jsonl');
    const { io, out } = capture();
    let stop = () => {};
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const done = serveScenarioCommand(scenario, { kubeconfig, audit }, io, stopped);
    const banner = await until(
      () => out.join('\n'),
      (s) => s.includes('Stop with Ctrl-C'),
    );
    expect(banner).toMatch(
      /^Serving scenario oom-crashloop \(JVM service in CrashLoopBackOff.*\) on https:\/\/127\.0\.0\.1:\d+/,
    );
    expect(banner).toContain(`KUBECONFIG=${kubeconfig} kubectl get pods -n shop`);
    expect(banner).toMatch(/Task:\n {2}Checkout requests in the shop namespace/);
    expect(banner).toMatch(/starts at 2026-01-15T10:00:00Z and follows wall time/);
    const pods = await apiRequest(kubeconfig, 'GET', '/api/v1/namespaces/shop/pods');
    expect(pods.status).toBe(200);
    expect(JSON.parse(pods.body).items.length).toBe(4);
    const scaled = await apiRequest(kubeconfig, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/cart', {
      spec: { replicas: 1 },
    });
    expect(scaled.status).toBe(200);
    // Written while serving, not only at the end.
    const lines = readFileSync(audit, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['request', 'read', 'request', 'mutation']);
    expect(lines[3]).toMatchObject({
      verb: 'patch',
      kind: 'Deployment',
      name: 'cart',
      calls: [
        { tool: 'scale_deployment', args: { namespace: 'shop', dryRun: false, name: 'cart', replicas: 1 } },
      ],
    });
    expect(out.join('\n')).toMatch(
      /\[2026-01-15T10:00:\d\dZ\] patch Deployment\/shop\/cart = scale_deployment \{"namespace":"shop","dryRun":false,"name":"cart","replicas":1\}/,
    );
    stop();
    expect(await done).toBe(0);
    expect(out.at(-1)).toBe(`Stopped: 2 request(s), 1 mutation(s) served; audit log written to ${audit}.`);
    await expect(apiRequest(kubeconfig, 'GET', '/api/v1/namespaces/shop/pods')).rejects.toThrow();
  });

  it.skipIf(!kubectl)(
    'as the real binary: kubectl reads the world, SIGINT and SIGTERM stop it cleanly with exit 0',
    async () => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const dir = mkdtempSync(join(tmpdir(), 'sim-serve-'));
        const kubeconfig = join(dir, 'kube config');
        const audit = join(dir, 'audit.jsonl');
        const child = spawn(
          process.execPath,
          [
            '--conditions=@sre-harness/source',
            '--import',
            'tsx',
            join(import.meta.dirname, 'cli.ts'),
            'sim',
            'serve',
            scenario,
            '--kubeconfig',
            kubeconfig,
            '--audit',
            audit,
          ],
          { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => {
          stdout += c;
        });
        child.stderr.on('data', (c) => {
          stderr += c;
        });
        const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
        try {
          await until(
            () => stdout + stderr,
            (s) => s.includes('Stop with Ctrl-C') || child.exitCode !== null,
            60_000,
          );
          expect(stdout).toContain(`KUBECONFIG=${shellWord(kubeconfig)} kubectl get pods -n shop`);
          const got = await new Promise<{ code: number; out: string }>((r) =>
            execFile(
              'kubectl',
              ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-n', 'shop'],
              { encoding: 'utf8' },
              (error, out, err) => r({ code: error ? 1 : 0, out: out + err }),
            ),
          );
          expect(got.code).toBe(0);
          expect(got.out).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
          expect(got.out).toMatch(/checkout-\S+\s+1\/1\s+Running\s+\d+ \(\S+ ago\)\s+4\dm/);
          expect(got.out).toMatch(/cart-\S+\s+1\/1\s+Running\s+0\s+60m/);
        } finally {
          child.kill(signal);
        }
        expect(await exited).toBe(0);
        expect(stdout).toMatch(/Stopped: \d+ request\(s\), 0 mutation\(s\) served; audit log written to/);
        const lines = readFileSync(audit, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines.filter((l) => l.type === 'request').map((l) => `${l.method} ${l.path}`)).toContain(
          'GET /api/v1/namespaces/shop/pods',
        );
        expect(lines.filter((l) => l.type === 'read')).toContainEqual(
          expect.objectContaining({ tool: 'list_pods', args: { namespace: 'shop' } }),
        );
        expect(existsSync(kubeconfig)).toBe(true);
      }
    },
    120_000,
  );
});
