import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { allowExactCalls, createHarness, denyAll, MemorySink, ToolRegistry } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpsServer, type OpsState } from './__fixtures__/ops-server.js';
import { McpToolsError } from './errors.js';
import { importMcpTools, type McpToolSet } from './import-mcp-tools.js';

const stdioServer = fileURLToPath(new URL('./__fixtures__/ops-server-stdio.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function harnessFor(set: McpToolSet, script: unknown[], approver = denyAll()) {
  const sink = new MemorySink();
  const model = new ScriptedModel(script);
  const harness = createHarness({
    model,
    tools: set.tools,
    guardrails: {
      maxSteps: 10,
      allow: [{ tool: 'get_replicas' }, { tool: 'scale_deployment' }, { tool: 'restart_deployment' }],
      approver,
    },
    trace: sink,
  });
  return { harness, sink, model };
}

async function replicasOnServer(set: McpToolSet): Promise<string> {
  const out = await set.client.callTool({ name: 'get_replicas', arguments: { deployment: 'checkout' } });
  return (out.content as { text: string }[])[0]?.text ?? '';
}

describe('a real MCP server over stdio', () => {
  let set: McpToolSet;
  beforeAll(async () => {
    set = await importMcpTools(
      {
        command: process.execPath,
        args: ['--import', 'tsx', stdioServer],
        cwd: packageDir,
      },
      { trustReadOnlyHints: true },
    );
  }, 60_000);
  afterAll(async () => {
    await set?.close();
  });

  it('imports every tool, read-only only where the trusted server says readOnlyHint: true', () => {
    const byName = Object.fromEntries(set.tools.map((t) => [t.name, t.mutating]));
    expect(byName).toEqual({
      get_replicas: false,
      scale_deployment: true,
      restart_deployment: true,
      wait: false,
    });
  });

  it('hands models the server own JSON Schema', async () => {
    const listed = await set.client.listTools();
    const scale = listed.tools.find((t) => t.name === 'scale_deployment');
    const { $schema: _drop, ...expected } = (scale?.inputSchema ?? {}) as Record<string, unknown>;
    const descriptor = new ToolRegistry(set.tools).descriptors().find((d) => d.name === 'scale_deployment');
    expect(descriptor?.inputSchema).toEqual(expected);
    expect(descriptor?.inputSchema).toMatchObject({ required: ['deployment', 'replicas'] });
  });

  it('runs the read-only tool and sends the destructive one through the approval gate (denied: never executed)', async () => {
    const { harness, sink, model } = harnessFor(set, [
      callTool('get_replicas', { deployment: 'checkout' }),
      callTool('scale_deployment', { deployment: 'checkout', replicas: 0 }),
      finalAnswer('checkout has 3 replicas; scaling was not approved'),
    ]);
    const result = await harness.run('how many replicas does checkout have?');
    model.assertComplete();
    expect(result.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_result').map((e) => [e.tool, e.output])).toEqual([
      ['get_replicas', 'checkout: 3 replicas'],
    ]);
    expect(sink.ofKind('approval').map((e) => [e.tool, e.granted])).toEqual([['scale_deployment', false]]);
    expect(sink.ofKind('tool_refused').map((e) => [e.tool, e.reason])).toEqual([
      ['scale_deployment', 'approval_denied'],
    ]);
    expect(await replicasOnServer(set)).toBe('checkout: 3 replicas');
  });

  it('an approved mutation reaches the server', async () => {
    const { harness, sink } = harnessFor(
      set,
      [callTool('scale_deployment', { deployment: 'checkout', replicas: 5 }), finalAnswer('scaled')],
      allowExactCalls([{ tool: 'scale_deployment', args: { deployment: 'checkout', replicas: 5 } }]),
    );
    await harness.run('scale checkout to 5');
    expect(sink.ofKind('tool_result').map((e) => e.output)).toEqual(['scaled checkout to 5']);
    expect(await replicasOnServer(set)).toBe('checkout: 5 replicas');
  });

  it('a result flagged isError is a tool_error, and bad arguments never reach the server', async () => {
    const { harness, sink } = harnessFor(set, [
      callTool('get_replicas', { deployment: 'payments' }),
      callTool('get_replicas', { deployment: 42 }),
      finalAnswer('done'),
    ]);
    await harness.run('look around');
    const errors = sink.ofKind('tool_error');
    expect(errors.map((e) => [e.tool, e.reason])).toEqual([['get_replicas', 'threw']]);
    expect(errors[0]?.error).toContain('no deployment payments');
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(['invalid_arguments']);
  });
});

describe('a real MCP server over streamable HTTP', () => {
  const state: OpsState = { replicas: { checkout: 3 }, executed: [] };
  let http: Server;
  let set: McpToolSet;
  beforeAll(async () => {
    const server = createOpsServer(state);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
    await server.connect(transport);
    http = createServer((req, res) => {
      transport.handleRequest(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    set = await importMcpTools({ url: `http://127.0.0.1:${port}/mcp` }, { trustReadOnlyHints: true });
  }, 60_000);
  afterAll(async () => {
    await set?.close();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
  });

  it('runs the read-only tool; the unapproved destructive and unannotated tools never execute', async () => {
    const { harness, sink } = harnessFor(set, [
      callTool('get_replicas', { deployment: 'checkout' }),
      callTool('scale_deployment', { deployment: 'checkout', replicas: 0 }),
      callTool('restart_deployment', { deployment: 'checkout' }),
      finalAnswer('looked only'),
    ]);
    await harness.run('check checkout');
    expect(sink.ofKind('approval_requested').map((e) => e.tool)).toEqual([
      'scale_deployment',
      'restart_deployment',
    ]);
    expect(state.executed).toEqual(['get_replicas']);
    expect(state.replicas.checkout).toBe(3);
  });
});

async function linkedClient(register: (server: McpServer) => void): Promise<Client> {
  const server = new McpServer({ name: 'names', version: '1.0.0' });
  register(server);
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(b);
  return client;
}

const noop = async () => ({ content: [{ type: 'text' as const, text: 'ok' }] });

describe('names and annotations', () => {
  it('rejects a name the harness cannot use, saying how to fix it', async () => {
    const client = await linkedClient((s) => s.registerTool('ops.status', { description: 'x' }, noop));
    const error = await importMcpTools(client).catch((e: unknown) => e);
    expect(McpToolsError.isInstance(error) && error.code).toBe('invalid_tool_name');
    expect((error as Error).message).toContain('sanitize: true');
    const set = await importMcpTools(client, { sanitize: true });
    expect(set.tools.map((t) => t.name)).toEqual(['ops_status']);
    expect(set.imported.get('ops_status')?.name).toBe('ops.status');
    await client.close();
  });

  it('reports collisions with taken names and between sanitized names; a prefix avoids them', async () => {
    const client = await linkedClient((s) => {
      s.registerTool('status', { description: 'x' }, noop);
    });
    const taken = await importMcpTools(client, { existing: ['status'] }).catch((e: unknown) => e);
    expect((taken as McpToolsError).code).toBe('duplicate_tool');
    expect((taken as Error).message).toContain('prefix');
    const set = await importMcpTools(client, { existing: ['status'], prefix: 'ops_' });
    expect(set.tools.map((t) => t.name)).toEqual(['ops_status']);
    await client.close();

    const clashing = await linkedClient((s) => {
      s.registerTool('a.b', { description: 'x' }, noop);
      s.registerTool('a_b', { description: 'x' }, noop);
    });
    const clash = await importMcpTools(clashing, { sanitize: true }).catch((e: unknown) => e);
    expect((clash as McpToolsError).code).toBe('duplicate_tool');
    expect((clash as Error).message).toMatch(/"a\.b" and "a_b"/);
    await clashing.close();
  });

  it('treats readOnlyHint false, destructiveHint alone and no annotations as mutating', async () => {
    const client = await linkedClient((s) => {
      s.registerTool('reads', { annotations: { readOnlyHint: true } }, noop);
      s.registerTool('says_not_read_only', { annotations: { readOnlyHint: false } }, noop);
      s.registerTool('not_destructive', { annotations: { destructiveHint: false } }, noop);
      s.registerTool('bare', {}, noop);
    });
    const set = await importMcpTools(client, { trustReadOnlyHints: true });
    expect(Object.fromEntries(set.tools.map((t) => [t.name, t.mutating]))).toEqual({
      reads: false,
      says_not_read_only: true,
      not_destructive: true,
      bare: true,
    });
    expect(set.tools.every((t) => t.description.length > 0)).toBe(true);
    await client.close();
  });

  it('validates required keys and primitive types before a call leaves the harness', async () => {
    const client = await linkedClient((s) =>
      s.registerTool(
        'logs',
        { inputSchema: { pod: z.string(), tail: z.number().int().optional() } },
        async ({ pod }) => ({ content: [{ type: 'text', text: `logs of ${pod}` }] }),
      ),
    );
    const [logs] = (await importMcpTools(client)).tools;
    expect(logs?.input.safeParse({ pod: 'a', tail: 5 }).success).toBe(true);
    expect(logs?.input.safeParse({ tail: 5 }).success).toBe(false);
    expect(logs?.input.safeParse({ pod: 1 }).success).toBe(false);
    await client.close();
  });

  it('refuses a source that is none of client, command or url', async () => {
    const error = await importMcpTools({} as never).catch((e: unknown) => e);
    expect((error as McpToolsError).code).toBe('invalid_source');
  });
});

describe('an untrusted server cannot make a tool skip approval or widen a call', () => {
  it('contradictory or destructive hints mean mutating, and read-only hints need the user to opt in', async () => {
    const ran: string[] = [];
    const client = await linkedClient((s) => {
      s.registerTool('wipe', { annotations: { readOnlyHint: true, destructiveHint: true } }, async () => {
        ran.push('wipe');
        return { content: [{ type: 'text', text: 'wiped' }] };
      });
      s.registerTool('peek', { annotations: { readOnlyHint: true } }, noop);
    });
    const mutating = async (trust?: boolean | string[]) =>
      Object.fromEntries(
        (await importMcpTools(client, trust === undefined ? {} : { trustReadOnlyHints: trust })).tools.map(
          (t) => [t.name, t.mutating],
        ),
      );
    expect(await mutating()).toEqual({ wipe: true, peek: true });
    expect(await mutating(true)).toEqual({ wipe: true, peek: false });
    expect(await mutating(['wipe'])).toEqual({ wipe: true, peek: true });
    expect(await mutating(['peek'])).toEqual({ wipe: true, peek: false });

    const set = await importMcpTools(client, { trustReadOnlyHints: true });
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([callTool('wipe', {}), finalAnswer('done')]),
      tools: set.tools,
      guardrails: { maxSteps: 3, allow: ['wipe'], approver: denyAll() },
      trace: sink,
    }).run('clean up');
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(['approval_denied']);
    expect(ran).toEqual([]);
    await client.close();
  });

  it('refuses argument keys the schema does not declare; they never reach the server', async () => {
    const received: unknown[] = [];
    const server = new McpServer({ name: 'raw', version: '1.0.0' });
    // A low-level handler, so the server's listed schema is exactly what it declares (no additionalProperties).
    server.server.registerCapabilities({ tools: {} });
    const { ListToolsRequestSchema, CallToolRequestSchema } = await import(
      '@modelcontextprotocol/sdk/types.js'
    );
    server.server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        {
          name: 'get_replicas',
          inputSchema: {
            type: 'object',
            properties: { deployment: { type: 'string' } },
            required: ['deployment'],
          },
          annotations: { readOnlyHint: true },
        },
        {
          name: 'open_ended',
          inputSchema: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
          annotations: { readOnlyHint: true },
        },
      ],
    }));
    server.server.setRequestHandler(CallToolRequestSchema, async (req) => {
      received.push(req.params.arguments);
      return { content: [{ type: 'text', text: 'ok' }] };
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(b);
    const set = await importMcpTools(client, { trustReadOnlyHints: true });
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([
        callTool('get_replicas', { deployment: 'checkout', namespace: 'prod', force: true }),
        callTool('get_replicas', { deployment: 'checkout' }),
        callTool('open_ended', { anything: 'x' }),
        finalAnswer('done'),
      ]),
      tools: set.tools,
      guardrails: { maxSteps: 5, allow: ['get_replicas', 'open_ended'] },
      trace: sink,
    }).run('look');
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(['invalid_arguments']);
    expect(sink.ofKind('tool_refused')[0]?.detail).toMatch(/namespace|force|nrecognized/);
    expect(received).toEqual([{ deployment: 'checkout' }, { anything: 'x' }]);
    await client.close();
  });

  it('caps a huge isError answer where the adapter builds the output, never inside a surrogate pair', async () => {
    const huge = `${'x'.repeat(15_999)}😀${'y'.repeat(2_000_000)}`;
    const client = await linkedClient((s) =>
      s.registerTool('explode', { annotations: { readOnlyHint: true } }, async () => ({
        content: [{ type: 'text', text: huge }],
        isError: true,
      })),
    );
    const [explode] = (await importMcpTools(client, { trustReadOnlyHints: true })).tools;
    const error = await Promise.resolve(
      explode?.execute({}, { signal: new AbortController().signal, runId: 'r', callId: 'c' }),
    ).catch((e: unknown) => e);
    expect(McpToolsError.isInstance(error) && error.code).toBe('tool_failed');
    const message = (error as Error).message;
    expect(message.length).toBeLessThan(16_100);
    expect(message).toMatch(/^x{15999}\n\[output cut: showing the first 15999 of 2016001 characters\]$/);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(message)).toBe(
      false,
    );
    await client.close();
  });
});
