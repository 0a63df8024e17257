import { describe, expect, it } from 'vitest';
import { scenarioSchema } from './scenario-schema.js';
import { pathSegments, valueAt } from './value-at.js';

describe('field paths', () => {
  it.each([
    ['spec.replicas', ['spec', 'replicas']],
    ['spec.containers[0].image', ['spec', 'containers', '0', 'image']],
    ['spec.containers[0][1]', ['spec', 'containers', '0', '1']],
    ['data.app\\.properties', ['data', 'app.properties']],
    ["data['app.properties']", ['data', 'app.properties']],
    ['metadata.annotations["example.com/team"].x', ['metadata', 'annotations', 'example.com/team', 'x']],
    ["['a.b']", ['a.b']],
    ["data['']", ['data', '']],
  ])('%s', (path, segments) => {
    expect(pathSegments(path)).toEqual(segments);
  });

  it.each([
    ['a..b', 'empty segment'],
    ['a.', 'empty segment'],
    ['.a', 'empty segment'],
    ["data['app.properties", "unclosed ['"],
    ['data["x"y', 'unclosed ["'],
    ['data[x]', 'neither an index nor a quoted key'],
    ['data[0', 'neither an index nor a quoted key'],
    ["data['x']y", 'expected "." or "["'],
    ["data['x'].", 'empty segment'],
  ])('%s is refused: %s', (path, why) => {
    expect(() => pathSegments(path)).toThrow(why);
    expect(valueAt({ data: { x: 1 } }, path)).toBeUndefined();
  });

  it('reads keys that hold dots, and never a prototype property', () => {
    const cm = { data: { 'app.properties': 'max_upload_mb=50', app: { properties: 'other' } } };
    expect(valueAt(cm, "data['app.properties']")).toBe('max_upload_mb=50');
    expect(valueAt(cm, 'data.app\\.properties')).toBe('max_upload_mb=50');
    expect(valueAt(cm, 'data.app.properties')).toBe('other');
    expect(valueAt(cm, 'data.constructor')).toBeUndefined();
    expect(valueAt(cm, 'data.__proto__')).toBeUndefined();
  });

  it("reads an array's length, as core's allowlist does for a grant's `set.length`", async () => {
    const args = { set: [{ name: 'TRUSTED_HTTPS_HEADER', value: 'X-Forwarded-Proto' }] };
    expect(valueAt(args, 'set.length')).toBe(1);
    expect(valueAt(args, 'set.0.name')).toBe('TRUSTED_HTTPS_HEADER');
    expect(valueAt(args, 'set.TRUSTED_HTTPS_HEADER.value')).toBe('X-Forwarded-Proto');
    // The eval's own reading of a grant and the harness's agree on it.
    const { argAt, matchesArg } = await import('@sre-harness/core');
    const { approvedByScenario } = await import('./gates.js');
    const where = { 'set.length': 1, 'set.0.name': 'TRUSTED_HTTPS_HEADER' };
    const harness = (a: unknown) => Object.entries(where).every(([p, m]) => matchesArg(m, argAt(a, p)));
    for (const a of [args, { set: [...args.set, { name: 'X', value: 'y' }] }])
      expect(approvedByScenario([{ tool: 'set_env', where }] as never, 'set_env', a)).toBe(harness(a));
    expect(harness(args)).toBe(true);
  });

  it('stays linear on a long hostile path', () => {
    const path = `${'['.repeat(50_000)}`;
    expect(() => pathSegments(path)).toThrow('character 1');
    expect(pathSegments('a\\.'.repeat(20_000) + 'b')).toHaveLength(1);
  });

  it('a scenario with a malformed end-state path or where key fails validation, naming the field', () => {
    const base = {
      schemaVersion: 1,
      id: 'x',
      title: 'x',
      difficulty: 'easy',
      task: 't',
      namespace: 'default',
      cluster: { namespaces: ['default'] },
    };
    const bad = scenarioSchema.safeParse({
      ...base,
      expect: { endState: [{ kind: 'ConfigMap', name: 'c', path: "data['app.properties", equals: 'x' }] },
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('unclosed [');
    expect(JSON.stringify(bad.error?.issues)).toContain('endState');
    const good = scenarioSchema.safeParse({
      ...base,
      expect: { endState: [{ kind: 'ConfigMap', name: 'c', path: "data['app.properties']", equals: 'x' }] },
    });
    expect(good.error?.issues ?? []).toEqual([]);
    const where = scenarioSchema.safeParse({
      ...base,
      grants: { approve: [{ tool: 'set_env', where: { 'set[0': 'x' } }] },
    });
    expect(where.success).toBe(false);
    expect(JSON.stringify(where.error?.issues)).toContain('neither an index');
  });
});
