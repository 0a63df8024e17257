import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createHarness, MemorySink } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpsServer, type OpsState } from './__fixtures__/ops-server.js';
import { importMcpTools, type McpToolSet } from './import-mcp-tools.js';

/** The ops fixture served over streamable HTTP, in this process, so the test sees its state. */
async function serve(state: OpsState): Promise<{ url: string; close(): Promise<void> }> {
  const server = createOpsServer(state);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  await server.connect(transport);
  const http: Server = createServer((req, res) => {
    transport.handleRequest(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the harness limit, not the SDK default, bounds an MCP call', () => {
  let state: OpsState;
  let served: Awaited<ReturnType<typeof serve>>;
  let set: McpToolSet;
  beforeEach(async () => {
    state = { replicas: {}, executed: [] };
    served = await serve(state);
    set = await importMcpTools({ url: served.url }, { trustReadOnlyHints: true });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await set?.close();
    await served?.close();
  });

  it('a 65-second tool finishes under toolTimeoutMs 90000 (the SDK would cut it at 60 s)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const sink = new MemorySink();
    const run = createHarness({
      model: new ScriptedModel([callTool('wait', { ms: 65_000 }), finalAnswer('done')]),
      tools: set.tools,
      guardrails: { maxSteps: 3, allow: ['wait'] },
      toolTimeoutMs: 90_000,
      trace: sink,
    }).run('wait');
    for (let i = 0; i < 200 && !state.executed.includes('wait'); i++) await turn();
    expect(state.executed).toEqual(['wait']);
    for (let t = 0; t < 66; t++) {
      await vi.advanceTimersByTimeAsync(1000);
      await turn();
    }
    vi.useRealTimers();
    const result = await run;
    expect(sink.ofKind('tool_error')).toEqual([]);
    expect(sink.ofKind('tool_result').map((e) => e.output)).toEqual(['waited 65000 ms']);
    expect(result.stoppedReason).toBe('completed');
  });

  it('a harness timeout cancels the request on the server', async () => {
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([callTool('wait', { ms: 20_000 }), finalAnswer('gave up')]),
      tools: set.tools,
      guardrails: { maxSteps: 3, allow: ['wait'] },
      toolTimeoutMs: 300,
      trace: sink,
    }).run('wait');
    expect(sink.ofKind('tool_error').map((e) => e.reason)).toEqual(['timeout']);
    await expect.poll(() => state.cancelled ?? 0, { timeout: 5000 }).toBe(1);
  });
});
