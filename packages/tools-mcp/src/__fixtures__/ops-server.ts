import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** What the fixture server knows; tests read it to see whether a mutation reached the server. */
export interface OpsState {
  replicas: Record<string, number>;
  executed: string[];
  /** Calls of `wait` whose request the client cancelled. */
  cancelled?: number;
}

/** A tiny MCP server for tests: one read-only tool, one destructive tool, one unannotated, one failing. */
export function createOpsServer(state: OpsState = { replicas: { checkout: 3 }, executed: [] }): McpServer {
  const server = new McpServer({ name: 'ops-fixture', version: '1.0.0' });
  server.registerTool(
    'get_replicas',
    {
      description: 'Replica count of a deployment.',
      inputSchema: { deployment: z.string() },
      annotations: { readOnlyHint: true },
    },
    async ({ deployment }) => {
      state.executed.push('get_replicas');
      const n = state.replicas[deployment];
      if (n === undefined)
        return { content: [{ type: 'text', text: `no deployment ${deployment}` }], isError: true };
      return { content: [{ type: 'text', text: `${deployment}: ${n} replicas` }] };
    },
  );
  server.registerTool(
    'scale_deployment',
    {
      description: 'Sets the replica count of a deployment.',
      inputSchema: { deployment: z.string(), replicas: z.number().int().min(0) },
      annotations: { readOnlyHint: false, destructiveHint: true },
    },
    async ({ deployment, replicas }) => {
      state.executed.push('scale_deployment');
      state.replicas[deployment] = replicas;
      return { content: [{ type: 'text', text: `scaled ${deployment} to ${replicas}` }] };
    },
  );
  server.registerTool(
    'restart_deployment',
    {
      description: 'Restarts a deployment (no annotations at all).',
      inputSchema: { deployment: z.string() },
    },
    async ({ deployment }) => {
      state.executed.push('restart_deployment');
      return { content: [{ type: 'text', text: `restarted ${deployment}` }] };
    },
  );
  server.registerTool(
    'wait',
    {
      description: 'Waits ms milliseconds, then answers (a slow read).',
      inputSchema: { ms: z.number().int().min(0) },
      annotations: { readOnlyHint: true },
    },
    async ({ ms }, extra) => {
      state.executed.push('wait');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          state.cancelled = (state.cancelled ?? 0) + 1;
          clearTimeout(timer);
          resolve();
        });
      });
      return { content: [{ type: 'text', text: `waited ${ms} ms` }] };
    },
  );
  return server;
}
