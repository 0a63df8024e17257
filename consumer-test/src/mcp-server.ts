// A tiny MCP server the consumer agent spawns over stdio: one read-only tool, one destructive tool.
import { writeFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const journal = process.argv[2];
const server = new McpServer({ name: 'consumer-ops', version: '1.0.0' });
server.registerTool(
  'pod_logs',
  {
    description: 'The last log lines of a pod.',
    inputSchema: { pod: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ pod }) => ({
    content: [{ type: 'text', text: `${pod}: java.lang.OutOfMemoryError: Java heap space (limit 512Mi)` }],
  }),
);
server.registerTool(
  'restart_pod',
  {
    description: 'Deletes a pod so it restarts.',
    inputSchema: { pod: z.string() },
    annotations: { destructiveHint: true },
  },
  async ({ pod }) => {
    if (journal) writeFileSync(journal, `restarted ${pod}\n`, { flag: 'a' });
    return { content: [{ type: 'text', text: `deleted ${pod}` }] };
  },
);
await server.connect(new StdioServerTransport());
