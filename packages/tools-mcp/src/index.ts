export { resultText } from './content.js';
export { McpToolsError, type McpToolsErrorCode } from './errors.js';
export {
  type ImportMcpToolsOptions,
  importMcpTools,
  isReadOnly,
  type McpHttpSource,
  type McpSource,
  type McpStdioSource,
  type McpToolInfo,
  type McpToolSet,
  sanitizeToolName,
} from './import-mcp-tools.js';
export { permissiveSchema, toZod } from './schema.js';
