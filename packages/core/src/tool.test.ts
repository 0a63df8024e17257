import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, HarnessError, ToolRegistry } from './index.js';

const ok = { description: 'd', input: z.object({ a: z.string() }), execute: () => 'x' };

describe('defineTool', () => {
  it('treats a tool that does not declare mutating as mutating', () => {
    expect(defineTool({ name: 'x', ...ok }).mutating).toBe(true);
    expect(defineTool({ name: 'x', ...ok, mutating: false }).mutating).toBe(false);
  });

  it('gives models JSON Schema generated from zod', () => {
    const t = defineTool({
      name: 'get_logs',
      description: 'logs',
      input: z.object({ pod: z.string().describe('pod name'), tail: z.number().int().optional() }),
      mutating: false,
      execute: () => '',
    });
    expect(t.jsonSchema).toMatchObject({
      type: 'object',
      properties: { pod: { type: 'string', description: 'pod name' }, tail: { type: 'integer' } },
      required: ['pod'],
    });
    expect(t.jsonSchema).not.toHaveProperty('$schema');
  });

  it.each([
    ['', 'invalid_tool_name'],
    ['1abc', 'invalid_tool_name'],
    ['has space', 'invalid_tool_name'],
    ['a'.repeat(65), 'invalid_tool_name'],
  ])('rejects the name %j with a typed error naming it', (name, code) => {
    const err = (() => {
      try {
        defineTool({ name, ...ok });
      } catch (e) {
        return e;
      }
    })();
    expect(HarnessError.isInstance(err)).toBe(true);
    expect((err as HarnessError).code).toBe(code);
    expect((err as HarnessError).message).toContain(JSON.stringify(name));
  });

  it('rejects a schema that is not zod, naming the tool', () => {
    expect(() => defineTool({ name: 'bad', ...ok, input: { type: 'object' } as never })).toThrow(
      /tool "bad": input must be a zod schema/,
    );
  });

  it('rejects a non-object schema because models pass named arguments', () => {
    expect(() => defineTool({ name: 'bad', ...ok, input: z.string() })).toThrow(
      /tool "bad": input must be an object/,
    );
  });

  it('makes the JSON Schema once, when first read, the same frozen object for the tool and its descriptor', () => {
    const t = defineTool({
      name: 'lazy',
      ...ok,
      input: z.object({ a: z.string(), n: z.number().optional() }),
    });
    const first = t.jsonSchema;
    expect(t.jsonSchema).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const [d] = new ToolRegistry([t]).descriptors();
    expect(d!.inputSchema).toBe(first);
    // Serialized descriptors and spread tools carry the schema like any other field.
    expect(JSON.parse(JSON.stringify(d))).toEqual({
      name: 'lazy',
      description: 'd',
      inputSchema: JSON.parse(JSON.stringify(first)),
      mutating: true,
    });
    expect({ ...t }.jsonSchema).toBe(first);
  });

  it('hands a tool built again from a converted schema the same JSON Schema as a plain field', () => {
    const input = z.object({ a: z.string() });
    const first = defineTool({ name: 'again', ...ok, input });
    const schema = first.jsonSchema;
    const second = defineTool({ name: 'again', ...ok, input });
    const own = Object.getOwnPropertyDescriptor(second, 'jsonSchema');
    expect(own).toMatchObject({ value: schema, enumerable: true });
    expect(Object.isFrozen(second)).toBe(true);
    expect(Object.keys(second)).toEqual(Object.keys(first));
    expect({ ...second }.jsonSchema).toBe(schema);
    const [d1] = new ToolRegistry([first]).descriptors();
    const [d2] = new ToolRegistry([second]).descriptors();
    expect(d2!.inputSchema).toBe(schema);
    expect(JSON.stringify(d2)).toBe(JSON.stringify(d1));
    expect(Object.isFrozen(d2)).toBe(true);
  });
  it('still converts a schema that is not a plain z.object at once, accepting an object pipe', () => {
    const piped = defineTool({
      name: 'piped',
      ...ok,
      input: z.object({ a: z.string() }).transform((v) => v),
    });
    expect(piped.jsonSchema).toMatchObject({ type: 'object', required: ['a'] });
  });

  it('rejects a bad timeout and a missing execute', () => {
    expect(() => defineTool({ name: 't', ...ok, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => defineTool({ name: 't', ...ok, execute: undefined as never })).toThrow(
      /execute must be a function/,
    );
  });
});

describe('ToolRegistry', () => {
  it('refuses a tool registered twice, naming it', () => {
    const t = defineTool({ name: 'dup', ...ok });
    const reg = new ToolRegistry([t]);
    try {
      reg.register(t);
      expect.unreachable();
    } catch (e) {
      expect(HarnessError.isInstance(e) && e.code).toBe('duplicate_tool');
      expect(String(e)).toContain('"dup"');
    }
  });

  it('lists descriptors with mutating flags', () => {
    const reg = new ToolRegistry([
      defineTool({ name: 'a', ...ok, mutating: false }),
      defineTool({ name: 'b', ...ok }),
    ]);
    expect(reg.descriptors().map((d) => [d.name, d.mutating])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('matches errors from another copy of the package by marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@sre-harness/core.error')]: true });
    expect(HarnessError.isInstance(foreign)).toBe(true);
    expect(HarnessError.isInstance(new Error('x'))).toBe(false);
  });
});
