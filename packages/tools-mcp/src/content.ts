import { cutText } from '@sre-harness/core';
import { z } from 'zod';
import { McpToolsError } from './errors.js';

const block = z.looseObject({ type: z.string() });

const callResult = z.looseObject({
  content: z.array(block).optional(),
  structuredContent: z.unknown().optional(),
  isError: z.boolean().optional(),
  // servers on the 2024-10-07 protocol answer with `toolResult` instead of content
  toolResult: z.unknown().optional(),
});

function blockText(b: z.infer<typeof block>): string {
  const rec = b as Record<string, unknown>;
  switch (b.type) {
    case 'text':
      return typeof rec.text === 'string' ? rec.text : '';
    case 'image':
    case 'audio':
      return `[${b.type}: ${typeof rec.mimeType === 'string' ? rec.mimeType : 'unknown type'}]`;
    case 'resource': {
      const resource = (rec.resource ?? {}) as Record<string, unknown>;
      if (typeof resource.text === 'string') return resource.text;
      return `[resource: ${String(resource.uri ?? 'unknown')}]`;
    }
    case 'resource_link':
      return `[resource link: ${String(rec.uri ?? 'unknown')}${typeof rec.name === 'string' ? ` (${rec.name})` : ''}]`;
    default:
      return `[${b.type} content]`;
  }
}

/**
 * Keeps the first `max` UTF-16 code units of `text` (`cutText`: one fewer when the cut would split a
 * surrogate pair), and says how much was cut.
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = cutText(text, max);
  return `${kept}\n[output cut: showing the first ${kept.length} of ${text.length} characters]`;
}

/**
 * Flattens an MCP `tools/call` result to the text the harness observes, capped at `max` characters
 * (errors too); a result flagged `isError` becomes a thrown `McpToolsError`, which the loop records
 * as a tool_error.
 */
export function resultText(tool: string, raw: unknown, max = Number.POSITIVE_INFINITY): string {
  const parsed = callResult.safeParse(raw);
  if (!parsed.success) {
    throw new McpToolsError(
      'invalid_result',
      `MCP tool "${tool}" returned a result that is not a tool result`,
      {
        cause: parsed.error,
      },
    );
  }
  const { content, structuredContent, isError, toolResult } = parsed.data;
  let text = (content ?? []).map(blockText).join('\n');
  if (text === '' && structuredContent !== undefined) text = JSON.stringify(structuredContent);
  if (text === '' && toolResult !== undefined) {
    text = typeof toolResult === 'string' ? toolResult : JSON.stringify(toolResult);
  }
  text = capText(text, max);
  if (isError === true) {
    throw new McpToolsError('tool_failed', text === '' ? `MCP tool "${tool}" failed` : text);
  }
  return text;
}
