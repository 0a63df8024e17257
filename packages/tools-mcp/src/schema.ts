import type { JsonSchema } from '@sre-harness/core';
import { z } from 'zod';

const PRIMITIVES: Record<string, z.ZodType> = {
  string: z.string(),
  number: z.number(),
  integer: z.number().int(),
  boolean: z.boolean(),
  array: z.array(z.unknown()),
  object: z.record(z.string(), z.unknown()),
  null: z.null(),
};

function propertyType(schema: unknown): z.ZodType {
  if (typeof schema !== 'object' || schema === null) return z.unknown();
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string') return PRIMITIVES[type] ?? z.unknown();
  if (Array.isArray(type)) {
    const members = type
      .map((t) => (typeof t === 'string' ? PRIMITIVES[t] : undefined))
      .filter((m) => m !== undefined);
    if (members.length === type.length && members.length >= 2) {
      return z.union(members as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    }
    if (members.length === 1 && members[0]) return members[0];
  }
  return z.unknown();
}

/**
 * A permissive object schema that still checks required keys and the primitive type of each declared
 * property; unknown keys are refused when the schema says `additionalProperties: false`, and pass
 * through to the server otherwise, which validates the rest.
 */
export function permissiveSchema(json: JsonSchema): z.ZodType {
  const properties =
    typeof json.properties === 'object' && json.properties !== null
      ? (json.properties as Record<string, unknown>)
      : {};
  const required = new Set(
    Array.isArray(json.required) ? json.required.filter((k): k is string => typeof k === 'string') : [],
  );
  const shape: Record<string, z.ZodType> = {};
  for (const [key, prop] of Object.entries(properties)) {
    const type = propertyType(prop);
    shape[key] = required.has(key) ? type : type.optional();
  }
  for (const key of required) shape[key] ??= z.unknown().refine((v) => v !== undefined, 'Required');
  return json.additionalProperties === false ? z.strictObject(shape) : z.looseObject(shape);
}

/**
 * Turns an MCP tool's JSON Schema into zod: zod's own converter when it understands the schema,
 * otherwise `permissiveSchema`. Either way the result is an object schema.
 */
export function toZod(json: JsonSchema): { schema: z.ZodType; exact: boolean } {
  try {
    const schema = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]);
    const back = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    if (back.type === 'object') return { schema, exact: true };
  } catch {
    // fall through: zod's converter is partial (some $ref forms, exotic keywords)
  }
  return { schema: permissiveSchema(json), exact: false };
}
