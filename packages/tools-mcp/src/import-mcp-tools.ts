import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type AnyTool, defineTool, type JsonSchema, type Tool, ToolRegistry } from '@sre-harness/core';
import { z } from 'zod';
import { resultText } from './content.js';
import { McpToolsError } from './errors.js';
import { toZod } from './schema.js';

/** Spawn a server as a child process and talk to it over stdio. */
export interface McpStdioSource {
  readonly command: string;
  readonly args?: readonly string[];
  /** The child's environment; the SDK's default passes only a safe subset of the parent's. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The child's stderr: 'inherit' (the SDK's default), 'pipe' or 'ignore'. */
  readonly stderr?: 'inherit' | 'pipe' | 'ignore';
}

/** Connect to a server over streamable HTTP. */
export interface McpHttpSource {
  readonly url: string | URL;
  /** Extra request headers, e.g. an Authorization header. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where the tools come from: a connected SDK client, a command to spawn, or a URL. */
export type McpSource = Client | McpStdioSource | McpHttpSource;

/** What an MCP tool looks like to the importer (a subset of the `tools/list` entry). */
export interface McpToolInfo {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: JsonSchema;
  readonly annotations?: {
    readonly readOnlyHint?: boolean;
    readonly destructiveHint?: boolean;
    readonly idempotentHint?: boolean;
    readonly openWorldHint?: boolean;
    readonly title?: string;
  };
}

/** Options of `importMcpTools`. */
export interface ImportMcpToolsOptions {
  /** Prepended to every tool name as is (e.g. `"ops_"`), to keep several servers apart. */
  readonly prefix?: string;
  /**
   * Turn names the harness rejects (dots, slashes, a leading digit, more than 64 characters) into valid
   * ones instead of throwing. Default false: an invalid name is an error that says what to do.
   */
  readonly sanitize?: boolean;
  /** Import only the tools this returns true for. */
  readonly filter?: (tool: McpToolInfo) => boolean;
  /** Names already taken (a registry or a list); a clash is an error naming the option that avoids it. */
  readonly existing?: ToolRegistry | Iterable<string>;
  /**
   * Per-call time limit for the imported tools, given to the harness and to the MCP SDK alike. Left
   * out, the harness's `toolTimeoutMs` applies and reaches the server through the call's signal; the
   * SDK's own 60 s default is switched off so it cannot cut a call the harness still allows.
   */
  readonly timeoutMs?: number;
  /** How this client introduces itself to the server. */
  readonly clientInfo?: { readonly name: string; readonly version: string };
  /**
   * Trust the server's `readOnlyHint` (MCP annotations are hints from a server you may not control):
   * `true` for every tool, or the server's names of the tools whose hint you trust. Default false:
   * every imported tool is mutating and passes the approval gate. Even when trusted, a tool that also
   * says `destructiveHint: true` is mutating.
   */
  readonly trustReadOnlyHints?: boolean | readonly string[];
  /** Cap on the text a call returns (result or error), in UTF-16 code units, cut between code points. Default 16,000. */
  readonly maxOutputChars?: number;
}

/** The imported tools and the connection behind them. */
export interface McpToolSet {
  readonly tools: readonly AnyTool[];
  /** The server's tools as listed, keyed by the harness name they were imported under. */
  readonly imported: ReadonlyMap<string, McpToolInfo>;
  readonly client: Client;
  /** Closes the connection if `importMcpTools` opened it (a client you passed in stays open). */
  close(): Promise<void>;
}

const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** The longest timer Node keeps (about 24.8 days): with no `timeoutMs`, only the harness's signal ends a call. */
const NO_SDK_TIMEOUT = 2 ** 31 - 1;
const DEFAULT_MAX_OUTPUT = 16_000;

const listedTool = z.looseObject({
  name: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.looseObject({ type: z.literal('object') }),
  annotations: z
    .looseObject({
      readOnlyHint: z.boolean().optional(),
      destructiveHint: z.boolean().optional(),
      idempotentHint: z.boolean().optional(),
      openWorldHint: z.boolean().optional(),
      title: z.string().optional(),
    })
    .optional(),
});

const listResult = z.looseObject({
  tools: z.array(z.unknown()),
  nextCursor: z.string().optional(),
});

/** Makes a name the harness accepts: invalid characters become `_`, a leading non-letter gets `t_`. */
export function sanitizeToolName(name: string): string {
  let out = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (!/^[A-Za-z]/.test(out)) out = `t_${out}`;
  return out.slice(0, 64);
}

/**
 * True when an MCP tool is treated as read-only: you trust its server's hints (`trust`: true, or a
 * list holding the tool's name) and they say `readOnlyHint: true` without `destructiveHint: true`.
 * Anything else (no hints, untrusted hints, destructive or contradictory hints) mutates.
 */
export function isReadOnly(
  tool: Pick<McpToolInfo, 'annotations'> & { readonly name?: string },
  trust: boolean | readonly string[] = false,
): boolean {
  const trusted =
    trust === true || (Array.isArray(trust) && tool.name !== undefined && trust.includes(tool.name));
  if (!trusted) return false;
  return tool.annotations?.readOnlyHint === true && tool.annotations.destructiveHint !== true;
}

function isClient(source: unknown): source is Client {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as Client).listTools === 'function' &&
    typeof (source as Client).callTool === 'function'
  );
}

async function connect(
  source: McpSource,
  clientInfo: { name: string; version: string },
): Promise<{ client: Client; owned: boolean }> {
  if (isClient(source)) return { client: source, owned: false };
  let transport: Transport;
  let where: string;
  if (typeof source === 'object' && source !== null && 'command' in source) {
    if (typeof source.command !== 'string' || source.command === '') {
      throw new McpToolsError('invalid_source', 'a stdio source needs a non-empty command');
    }
    transport = new StdioClientTransport({
      command: source.command,
      args: [...(source.args ?? [])],
      ...(source.env ? { env: { ...source.env } } : {}),
      ...(source.cwd ? { cwd: source.cwd } : {}),
      ...(source.stderr ? { stderr: source.stderr } : {}),
    });
    where = `command ${JSON.stringify([source.command, ...(source.args ?? [])].join(' '))}`;
  } else if (typeof source === 'object' && source !== null && 'url' in source) {
    let url: URL;
    try {
      url = new URL(source.url);
    } catch (cause) {
      throw new McpToolsError('invalid_source', `not a URL: ${String(source.url)}`, { cause });
    }
    transport = new StreamableHTTPClientTransport(url, {
      ...(source.headers ? { requestInit: { headers: { ...source.headers } } } : {}),
    });
    where = url.href;
  } else {
    throw new McpToolsError(
      'invalid_source',
      'importMcpTools expects an MCP Client, { command, args } for stdio, or { url } for streamable HTTP',
    );
  }
  const client = new Client(clientInfo);
  try {
    await client.connect(transport);
  } catch (cause) {
    await client.close().catch(() => {});
    throw new McpToolsError(
      'connect_failed',
      `could not connect to the MCP server at ${where}: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
  return { client, owned: true };
}

async function listAll(client: Client): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    let raw: unknown;
    try {
      raw = await client.listTools(cursor === undefined ? undefined : { cursor });
    } catch (cause) {
      throw new McpToolsError('list_failed', `tools/list failed: ${(cause as Error)?.message}`, { cause });
    }
    const parsed = listResult.safeParse(raw);
    if (!parsed.success) {
      throw new McpToolsError('list_failed', 'tools/list returned something that is not a tool list', {
        cause: parsed.error,
      });
    }
    for (const [i, entry] of parsed.data.tools.entries()) {
      const tool = listedTool.safeParse(entry);
      if (!tool.success) {
        throw new McpToolsError(
          'invalid_schema',
          `tools/list entry ${i} is not a usable tool: ${tool.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`,
          { cause: tool.error },
        );
      }
      tools.push(tool.data as McpToolInfo);
    }
    cursor = parsed.data.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

function harnessName(tool: McpToolInfo, options: ImportMcpToolsOptions): string {
  const name = `${options.prefix ?? ''}${tool.name}`;
  if (TOOL_NAME.test(name)) return name;
  if (options.sanitize) return sanitizeToolName(name);
  throw new McpToolsError(
    'invalid_tool_name',
    `MCP tool "${tool.name}" would be named ${JSON.stringify(name)}, which is not a valid harness tool name (a letter, then letters, digits, "_" or "-", at most 64 characters); pass { sanitize: true } or a prefix that starts with a letter`,
  );
}

function toTool(client: Client, info: McpToolInfo, name: string, options: ImportMcpToolsOptions): AnyTool {
  const { $schema: _drop, ...original } = info.inputSchema;
  // Argument keys the schema does not declare are refused before the allowlist and approver see the
  // call, unless the schema itself admits extra keys: nothing reaches the server that was not judged.
  const { schema } = toZod(
    original.additionalProperties === undefined ? { ...original, additionalProperties: false } : original,
  );
  const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT;
  const description =
    info.description?.trim() ||
    info.title?.trim() ||
    info.annotations?.title?.trim() ||
    `MCP tool ${info.name}`;
  let tool: Tool;
  try {
    tool = defineTool({
      name,
      description,
      input: schema,
      mutating: !isReadOnly(info, options.trustReadOnlyHints ?? false),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      execute: async (args, ctx) => {
        // The harness's limit reaches the server through the signal (aborted on timeout or cancel, which
        // the SDK turns into notifications/cancelled); the SDK's own 60 s default must not cut it first.
        const raw = await client.callTool(
          { name: info.name, arguments: (args ?? {}) as Record<string, unknown> },
          undefined,
          { signal: ctx.signal, timeout: options.timeoutMs ?? NO_SDK_TIMEOUT },
        );
        return resultText(info.name, raw, max);
      },
    });
  } catch (cause) {
    throw new McpToolsError(
      'invalid_schema',
      `MCP tool "${info.name}" cannot be imported: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
  // Models see the server's own JSON Schema, not a round trip through zod.
  return Object.freeze({ ...tool, jsonSchema: Object.freeze(original) });
}

/**
 * Connects to an MCP server (or uses a connected client) and turns its tools into harness tools. Every
 * tool is mutating, and so passes the approval gate, unless you trust the server's read-only hints
 * (`trustReadOnlyHints`) and it annotates the tool `readOnlyHint: true` and not `destructiveHint: true`.
 * A result flagged `isError` is thrown, so the loop records a tool_error.
 */
export async function importMcpTools(
  source: McpSource,
  options: ImportMcpToolsOptions = {},
): Promise<McpToolSet> {
  if (options.prefix !== undefined && typeof options.prefix !== 'string') {
    throw new McpToolsError('invalid_source', 'prefix must be a string');
  }
  if (
    options.maxOutputChars !== undefined &&
    !(Number.isInteger(options.maxOutputChars) && options.maxOutputChars > 0)
  ) {
    throw new McpToolsError('invalid_source', 'maxOutputChars must be a positive integer');
  }
  const taken = new Set(
    options.existing instanceof ToolRegistry ? options.existing.names() : [...(options.existing ?? [])],
  );
  const { client, owned } = await connect(
    source,
    options.clientInfo ? { ...options.clientInfo } : { name: 'sre-harness', version: '0.1.0' },
  );
  try {
    const listed = await listAll(client);
    const imported = new Map<string, McpToolInfo>();
    const tools: AnyTool[] = [];
    for (const info of listed) {
      if (options.filter && !options.filter(info)) continue;
      const name = harnessName(info, options);
      const clash = imported.get(name);
      if (clash) {
        throw new McpToolsError(
          'duplicate_tool',
          `MCP tools "${clash.name}" and "${info.name}" both map to the harness name "${name}"; rename one on the server or filter one out`,
        );
      }
      if (taken.has(name)) {
        throw new McpToolsError(
          'duplicate_tool',
          `MCP tool "${info.name}" would be named "${name}", which is already taken; pass a prefix such as { prefix: "mcp_" }`,
        );
      }
      imported.set(name, info);
      tools.push(toTool(client, info, name, options));
    }
    return {
      tools,
      imported,
      client,
      close: async () => {
        if (owned) await client.close();
      },
    };
  } catch (error) {
    if (owned) await client.close().catch(() => {});
    throw error;
  }
}
