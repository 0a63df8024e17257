import { createHarness, MemorySink, policyApprover } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../sim/sim-cluster.js';
import { k8sTools } from './k8s-tools.js';

// Secrets in the arguments and in the answers of the write tools, as a careless model or a world
// would put them there: none may reach the trace or the model's next request in the clear.
const GH = `ghp_${'A1b2C3d4E5'.repeat(3)}123456`;
const OLD = `glpat-${'x9Y8z7W6v5'.repeat(2)}`;
const PASSWORD = 'Tr0ub4dor-and-3-horses';

function run(decisions: Parameters<typeof callTool>[]) {
  const cluster = createSimCluster({
    namespaces: ['shop'],
    nodes: [{ name: 'n1' }],
    deployments: [
      {
        name: 'worker',
        namespace: 'shop',
        replicas: 1,
        containers: [
          {
            name: 'worker',
            image: 'shop/worker:1',
            command: ['/app/run'],
            args: ['--token', OLD],
            behavior: { executables: ['/app/run'] },
          },
        ],
      },
    ],
  });
  const model = new ScriptedModel([...decisions.map((d) => callTool(...d)), finalAnswer('done')]);
  const sink = new MemorySink();
  const harness = createHarness({
    model,
    tools: k8sTools(cluster),
    guardrails: {
      maxSteps: decisions.length + 2,
      allow: ['set_command', 'apply_manifest', 'set_env'],
      approver: policyApprover({
        rules: [
          { tool: 'set_command', action: 'allow' },
          { tool: 'apply_manifest', action: 'allow' },
          { tool: 'set_env', action: 'allow' },
        ],
        fallback: 'deny',
      }),
    },
    trace: sink,
  });
  return { harness, model, sink, cluster };
}

describe('the write tools through the harness: secrets redacted in the trace and for the model', () => {
  it('set_command with a token in args, replacing a token (before -> after), and a manifest with a password', async () => {
    const { harness, model, sink, cluster } = run([
      [
        'set_command',
        { namespace: 'shop', deployment: 'worker', container: 'worker', args: ['--token', GH] },
      ],
      [
        'apply_manifest',
        {
          namespace: 'shop',
          manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\ndata:\n  DB_PASSWORD: "${PASSWORD}"\n  url: "postgres://app:${PASSWORD}@db:5432/app"\n`,
        },
      ],
    ]);
    const result = await harness.run('fix it');
    expect(result.error).toBeUndefined();
    // The changes ran (the tool got the real values: redaction is for what is shown and kept).
    expect(cluster.auditLog().map((m) => m.verb)).toEqual(['patch', 'create']);
    const trace = JSON.stringify(sink.events);
    const seen = JSON.stringify(model.requests);
    for (const secret of [GH, OLD, PASSWORD]) {
      expect(trace).not.toContain(secret);
      expect(seen).not.toContain(secret);
    }
    // The before -> after line still tells what changed.
    const results = sink.ofKind('tool_result') as { tool: string; output: string }[];
    expect(results.find((r) => r.tool === 'set_command')?.output).toMatch(
      /args \["--token","<hidden: \d+ characters[^\]]*\] -> \["--token","<hidden/,
    );
  });

  it('set_env with a password, a token and a URL with credentials as values', async () => {
    const { harness, model, sink, cluster } = run([
      [
        'set_env',
        {
          namespace: 'shop',
          deployment: 'worker',
          container: 'worker',
          set: [
            { name: 'DB_PASSWORD', value: PASSWORD },
            { name: 'GITHUB_TOKEN', value: GH },
            { name: 'DATABASE_URL', value: `postgres://app:${PASSWORD}@db:5432/app` },
          ],
        },
      ],
    ]);
    const result = await harness.run('fix it');
    expect(result.error).toBeUndefined();
    expect(cluster.auditLog().map((m) => m.verb)).toEqual(['patch']);
    const trace = JSON.stringify(sink.events);
    const seen = JSON.stringify(model.requests);
    for (const secret of [GH, PASSWORD]) {
      expect(trace).not.toContain(secret);
      expect(seen).not.toContain(secret);
    }
    const results = sink.events.filter((e) => e.kind === 'tool_result') as unknown as { output: string }[];
    expect(results[0]?.output).toMatch(/DB_PASSWORD <unset> -> <hidden: 22 characters/);
  });

  it('a long secret-laden answer is capped and stays redacted after the cut', async () => {
    const args = Array.from({ length: 60 }, (_, i) => `--k${i}=${i % 2 ? GH : 'x'.repeat(60)}`);
    const { harness, sink } = run([
      ['set_command', { namespace: 'shop', deployment: 'worker', container: 'worker', args }],
    ]);
    await harness.run('fix it');
    const out = (sink.ofKind('tool_result')[0] as { output: string }).output;
    expect(out).not.toContain(GH);
    expect(out).not.toContain('ghp_');
    expect(out.length).toBeLessThan(20_000);
  });
});

describe('cap and show do not keep the start of a token they cut', () => {
  it('cap drops a token cut at the limit whole; other cuts stay where they were', async () => {
    const { cap } = await import('./format.js');
    const text = `${'line\n'.repeat(10)}token=${GH} tail`;
    const out = cap(text, 60);
    expect(out).not.toContain('ghp_');
    expect(out.startsWith('line\n'.repeat(10))).toBe(true);
    expect(cap(`${'a '.repeat(40)}`, 11)).toMatch(/^a a a a a a\n\[output cut/);
  });
});

describe('values under a secret name are hidden in before -> after lines (the redactor knows them only next to their name)', () => {
  it('apply_manifest over a ConfigMap and a Deployment env, set_command with --password <value>', async () => {
    const cluster = createSimCluster({
      namespaces: ['shop'],
      nodes: [{ name: 'n1' }],
      deployments: [
        {
          name: 'worker',
          namespace: 'shop',
          replicas: 1,
          containers: [
            { name: 'worker', image: 'shop/worker:1', args: ['--password', 'OldHorse-battery-1'] },
          ],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'db', namespace: 'shop' },
          data: { DB_PASSWORD: 'OldHorse-battery-1', mode: 'a' },
        },
      ],
    });
    const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
    const ctx = { signal: new AbortController().signal, runId: 't', callId: 'c' };
    const call = async (name: string, args: Record<string, unknown>) => {
      const tool = tools.get(name)!;
      return String(await tool.execute(tool.input.parse(args), ctx));
    };
    const cm = await call('apply_manifest', {
      namespace: 'shop',
      manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db}\ndata:\n  DB_PASSWORD: ${PASSWORD}\n  mode: b\n`,
    });
    expect(cm).toMatch(
      /data\.DB_PASSWORD <hidden: 18 characters under a secret's name> -> <hidden: 22 characters/,
    );
    expect(cm).toMatch(/data\.mode "a" -> "b"/);
    const cmd = await call('set_command', {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      args: ['--password', PASSWORD, '--queue', 'orders'],
    });
    expect(cmd).toMatch(
      /args \["--password","<hidden: 18 characters.*"\] -> \["--password","<hidden: 22 .*","--queue","orders"\]/,
    );
    const env = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker' },
      spec: {
        template: {
          spec: { containers: [{ name: 'worker', env: [{ name: 'API_TOKEN', value: PASSWORD }] }] },
        },
      },
    });
    const dep = await call('apply_manifest', { namespace: 'shop', manifest: env, dryRun: true });
    for (const out of [cm, cmd, dep]) {
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain('OldHorse');
    }
  });
});
