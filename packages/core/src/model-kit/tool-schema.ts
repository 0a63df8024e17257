import type { JsonSchema, ToolDescriptor } from '../tool.js';

/** A tool's input schema as a provider accepts it, or why the tool cannot be offered to it. */
export type AdaptedToolSchema =
  | { readonly ok: true; readonly schema: JsonSchema; readonly note?: string }
  | { readonly ok: false; readonly reason: string };

const COMBINATORS = ['anyOf', 'oneOf', 'allOf'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Adapts a tool's JSON Schema to what the Anthropic Messages API (`input_schema`) and OpenAI
 * function calling (`parameters`) accept at the top level: an object schema, without `anyOf`,
 * `oneOf` or `allOf` there (both APIs reject the whole request otherwise, MCP servers send such
 * schemas). Alternatives of object shape are merged into one object schema: every property of any
 * alternative, required only when every alternative (for `allOf`, any part) requires it, and the
 * description says the exact shapes are checked by the harness, which still validates each call
 * against the tool's real schema. A schema that cannot be made an object (a `$ref` at the top, a
 * non-object alternative, a non-object type) is refused with the reason, so the adapter skips that
 * one tool instead of failing every request.
 */
export function adaptToolSchema(schema: unknown): AdaptedToolSchema {
  if (!isObject(schema)) return { ok: false, reason: 'its input schema is not a JSON object' };
  if (typeof schema.$ref === 'string')
    return { ok: false, reason: 'its input schema is a $ref at the top level' };
  const combinator = COMBINATORS.find((k) => Array.isArray(schema[k]));
  const type = schema.type;
  if (type !== undefined && type !== 'object')
    return { ok: false, reason: `its input schema has type ${JSON.stringify(type)}, not "object"` };
  if (!combinator) {
    if (type === 'object') return { ok: true, schema: schema as JsonSchema };
    return { ok: true, schema: { ...schema, type: 'object' } as JsonSchema, note: 'type "object" added' };
  }
  const properties: Record<string, unknown> = isObject(schema.properties) ? { ...schema.properties } : {};
  const baseRequired = stringList(schema.required);
  let shared: Set<string> | undefined;
  const all = new Set<string>();
  const branches = schema[combinator] as unknown[];
  for (const [i, branch] of branches.entries()) {
    if (!isObject(branch))
      return { ok: false, reason: `${combinator}[${i}] of its input schema is not an object schema` };
    if (typeof branch.$ref === 'string')
      return { ok: false, reason: `${combinator}[${i}] of its input schema is a $ref` };
    if (branch.type !== undefined && branch.type !== 'object')
      return {
        ok: false,
        reason: `${combinator}[${i}] of its input schema has type ${JSON.stringify(branch.type)}, not "object"`,
      };
    if (isObject(branch.properties)) {
      for (const [k, v] of Object.entries(branch.properties)) if (!(k in properties)) properties[k] = v;
    }
    const req = stringList(branch.required);
    for (const r of req) all.add(r);
    shared = shared === undefined ? new Set(req) : new Set(req.filter((r) => shared!.has(r)));
  }
  const required = new Set(baseRequired);
  for (const r of combinator === 'allOf' ? all : (shared ?? [])) required.add(r);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === combinator || k === 'required' || k === 'properties' || k === 'additionalProperties') continue;
    out[k] = v;
  }
  out.type = 'object';
  out.properties = properties;
  if (required.size > 0) out.required = [...required];
  const shapes = combinator === 'allOf' ? 'all of' : 'one of';
  const hint = `Arguments must match ${shapes} ${branches.length} shapes; the harness checks the exact shape.`;
  out.description = typeof schema.description === 'string' ? `${schema.description} ${hint}` : hint;
  return {
    ok: true,
    schema: out as JsonSchema,
    note: `top-level ${combinator} of ${branches.length} merged into one object schema`,
  };
}

/** The tools a provider can be offered, with adapted schemas, and the ones skipped with why. */
export interface ProviderTools {
  readonly tools: readonly { readonly tool: ToolDescriptor; readonly schema: JsonSchema }[];
  /** `name: reason` for every tool left out; adapters put it in the decision's meta (`toolsSkipped`). */
  readonly skipped: readonly string[];
}

const cache = new WeakMap<ToolDescriptor, AdaptedToolSchema>();

/** Adapts every tool's schema (once per descriptor object); see `adaptToolSchema`. */
export function providerTools(tools: readonly ToolDescriptor[]): ProviderTools {
  const kept: { tool: ToolDescriptor; schema: JsonSchema }[] = [];
  const skipped: string[] = [];
  for (const tool of tools) {
    let adapted = cache.get(tool);
    if (!adapted) {
      adapted = adaptToolSchema(tool.inputSchema);
      cache.set(tool, adapted);
    }
    if (adapted.ok) kept.push({ tool, schema: adapted.schema });
    else skipped.push(`${tool.name}: not offered to the model, ${adapted.reason}`);
  }
  return { tools: kept, skipped };
}
