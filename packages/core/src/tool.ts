import { z } from 'zod';
import { HarnessError } from './errors.js';

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** Aborted when the run is cancelled or the tool's timeout passes; long work must stop on it. */
  readonly signal: AbortSignal;
  readonly runId: string;
  readonly callId: string;
}

/** A JSON Schema object, as sent to models. */
export type JsonSchema = { readonly [key: string]: unknown };

/** What `defineTool` takes. */
export interface ToolSpec<Schema extends z.ZodType = z.ZodType, Output = unknown> {
  /** A model-facing identifier: letters, digits, `_` or `-`, starting with a letter, at most 64 characters. */
  name: string;
  description: string;
  /** A zod object schema for the arguments; the model sees it as JSON Schema. */
  input: Schema;
  /** Whether the tool changes the world. Leave it out and the harness treats the tool as mutating. */
  mutating?: boolean;
  /** Per-call time limit; the call is abandoned and observed as a timeout after it. */
  timeoutMs?: number;
  execute(args: z.output<Schema>, ctx: ToolContext): Promise<Output> | Output;
}

/** A validated tool, ready for a registry. */
export interface Tool<Schema extends z.ZodType = z.ZodType, Output = unknown> {
  readonly name: string;
  readonly description: string;
  readonly input: Schema;
  readonly mutating: boolean;
  readonly timeoutMs: number | undefined;
  readonly jsonSchema: JsonSchema;
  execute(args: z.output<Schema>, ctx: ToolContext): Promise<Output> | Output;
}

/** What a model is told about a tool. */
export interface ToolDescriptor {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly mutating: boolean;
}

// A tool type any concrete tool is assignable to, for registries and lists.
// biome-ignore lint/suspicious/noExplicitAny: erases each tool's own argument type.
export type AnyTool = Tool<any, unknown>;

const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}

/** Declares a tool; throws a `HarnessError` naming the tool when the definition is unusable. */
export function defineTool<Schema extends z.ZodType, Output = unknown>(
  spec: ToolSpec<Schema, Output>,
): Tool<Schema, Output> {
  const label = typeof spec?.name === 'string' ? `tool "${spec.name}"` : 'tool';
  if (typeof spec !== 'object' || spec === null) {
    throw new HarnessError(
      'invalid_tool',
      'defineTool expects an object with name, description, input and execute',
    );
  }
  if (typeof spec.name !== 'string' || !TOOL_NAME.test(spec.name)) {
    throw new HarnessError(
      'invalid_tool_name',
      `${label}: name must start with a letter and hold only letters, digits, "_" or "-" (at most 64 characters); got ${JSON.stringify(spec.name)}`,
    );
  }
  if (typeof spec.description !== 'string' || spec.description.trim() === '') {
    throw new HarnessError('invalid_tool', `${label}: description must be a non-empty string`);
  }
  if (!isZodSchema(spec.input)) {
    throw new HarnessError(
      'invalid_schema',
      `${label}: input must be a zod schema (for example z.object({...}))`,
    );
  }
  if (typeof spec.execute !== 'function') {
    throw new HarnessError('invalid_tool', `${label}: execute must be a function`);
  }
  if (spec.mutating !== undefined && typeof spec.mutating !== 'boolean') {
    throw new HarnessError('invalid_tool', `${label}: mutating must be true or false`);
  }
  if (spec.timeoutMs !== undefined && !(Number.isFinite(spec.timeoutMs) && spec.timeoutMs > 0)) {
    throw new HarnessError('invalid_option', `${label}: timeoutMs must be a positive number of milliseconds`);
  }
  const input = spec.input;
  // A plain z.object is an object schema whatever it holds, so its JSON Schema is made when first
  // read (a model's request, a null-argument check), not here: most tools of a fresh process are
  // defined and never described to a model. Anything else is converted now, to refuse what is not
  // an object schema at once.
  const isObject = (input as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type === 'object';
  if (!isObject) jsonSchemaOf(input, label);
  // A schema converted before (a tool set built again for another run from the same hoisted schema
  // objects) is a plain data property: a frozen object with an accessor stays in V8's slow dictionary
  // mode, which made building such a tool set several times slower.
  const known = JSON_SCHEMAS.get(input);
  if (known) {
    return Object.freeze({
      name: spec.name,
      description: spec.description,
      input,
      // Fail safe: a tool that does not say it is read-only is treated as one that changes the world.
      mutating: spec.mutating !== false,
      timeoutMs: spec.timeoutMs,
      execute: spec.execute,
      jsonSchema: known,
    }) as Tool<Schema, Output>;
  }
  const tool = {
    name: spec.name,
    description: spec.description,
    input,
    mutating: spec.mutating !== false,
    timeoutMs: spec.timeoutMs,
    execute: spec.execute,
  };
  Object.defineProperty(tool, 'jsonSchema', {
    enumerable: true,
    get: () => jsonSchemaOf(input, label),
  });
  return Object.freeze(tool) as Tool<Schema, Output>;
}

/**
 * A zod schema's JSON Schema for models (input side, `$schema` left out, frozen), made once per
 * schema object. Throws a `HarnessError` (`invalid_schema`, naming the tool) when the schema cannot
 * be expressed as JSON Schema or is not an object schema.
 */
function jsonSchemaOf(input: z.ZodType, label: string): JsonSchema {
  let schemaForModels = JSON_SCHEMAS.get(input);
  if (!schemaForModels) {
    let jsonSchema: JsonSchema;
    try {
      jsonSchema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch (cause) {
      throw new HarnessError('invalid_schema', `${label}: input schema cannot be expressed as JSON Schema`, {
        cause,
      });
    }
    if (jsonSchema.type !== 'object') {
      throw new HarnessError(
        'invalid_schema',
        `${label}: input must be an object schema (z.object), because models pass named arguments`,
      );
    }
    const { $schema: _drop, ...rest } = jsonSchema;
    schemaForModels = deepFreeze(rest);
    JSON_SCHEMAS.set(input, schemaForModels);
  }
  return schemaForModels;
}

/**
 * JSON Schemas already made, by zod schema: a tool set built for every run from the same schema
 * objects (hoisted out of its factory) converts each once per process, not once per run. Frozen all
 * the way down, since they are shared.
 */
const JSON_SCHEMAS = new WeakMap<z.ZodType, JsonSchema>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A set of tools by name; registering a name twice is a configuration error. */
export class ToolRegistry {
  readonly #tools = new Map<string, AnyTool>();
  #descriptors: ToolDescriptor[] | undefined;

  constructor(tools: Iterable<AnyTool> = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Adds a tool made by `defineTool`; a tool whose `mutating` is anything but `false` is registered as mutating. */
  register(tool: AnyTool): this {
    if (
      typeof tool !== 'object' ||
      tool === null ||
      typeof tool.name !== 'string' ||
      !('jsonSchema' in tool)
    ) {
      throw new HarnessError('invalid_tool', 'ToolRegistry.register expects a tool made by defineTool');
    }
    if (this.#tools.has(tool.name)) {
      throw new HarnessError('duplicate_tool', `tool "${tool.name}" is registered twice`);
    }
    // The one place a tool's side effects are decided: anything but an explicit `mutating: false`
    // (a missing field on a spread or hand-written tool object, a string, null) is mutating.
    const normalized: AnyTool =
      tool.mutating === false || tool.mutating === true ? tool : Object.freeze({ ...tool, mutating: true });
    this.#tools.set(tool.name, normalized);
    this.#descriptors = undefined;
    return this;
  }

  get(name: string): AnyTool | undefined {
    return this.#tools.get(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  names(): string[] {
    return [...this.#tools.keys()];
  }

  list(): AnyTool[] {
    return [...this.#tools.values()];
  }

  /** The model-facing descriptions, JSON Schema included. */
  descriptors(): readonly ToolDescriptor[] {
    // `inputSchema` is read from the tool when asked for, so describing the tools converts no schema
    // until a model reads it; a tool that already holds its schema as data hands it over as data.
    this.#descriptors ??= this.list().map((t) => {
      const own = Object.getOwnPropertyDescriptor(t, 'jsonSchema');
      if (own && 'value' in own) {
        return Object.freeze({
          name: t.name,
          description: t.description,
          inputSchema: own.value as JsonSchema,
          mutating: t.mutating,
        }) as ToolDescriptor;
      }
      return Object.freeze(
        Object.defineProperties(
          { name: t.name, description: t.description },
          {
            inputSchema: { enumerable: true, get: () => t.jsonSchema },
            mutating: { enumerable: true, value: t.mutating },
          },
        ),
      ) as ToolDescriptor;
    });
    return this.#descriptors;
  }
}
