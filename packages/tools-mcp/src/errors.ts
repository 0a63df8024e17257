const MARKER = Symbol.for('@sre-harness/tools-mcp.error');

/** What went wrong while importing or calling MCP tools. */
export type McpToolsErrorCode =
  | 'invalid_source'
  | 'connect_failed'
  | 'list_failed'
  | 'invalid_tool_name'
  | 'duplicate_tool'
  | 'invalid_schema'
  | 'tool_failed'
  | 'invalid_result';

/** The one error class of @sre-harness/tools-mcp; `isInstance` works across duplicate copies of the package. */
export class McpToolsError extends Error {
  readonly [MARKER] = true;
  readonly code: McpToolsErrorCode;

  constructor(code: McpToolsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpToolsError';
    this.code = code;
  }

  /** True for any McpToolsError, even one created by another copy of this package. */
  static isInstance(value: unknown): value is McpToolsError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
