import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createOpsServer } from './ops-server.js';

// Spawned by the tests as a real child process speaking MCP over stdio.
await createOpsServer().connect(new StdioServerTransport());
