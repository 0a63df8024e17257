import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../sim/sim-cluster.js';
import { checkoutOomWorld } from '../sim/worlds.js';
import {
  K8S_TOOL,
  k8sTools,
  MUTATING_TOOL_NAMES,
  READ_TOOL_NAMES,
  readOnlyK8sTools,
  TOOL_DEFS,
} from './k8s-tools.js';

/** A value exported by a module that has the shape of a tool definition. */
const isDef = (v: unknown): v is { name: string; mutating: boolean; build: unknown } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { name?: unknown }).name === 'string' &&
  typeof (v as { mutating?: unknown }).mutating === 'boolean' &&
  typeof (v as { build?: unknown }).build === 'function';

describe('the tool registry', () => {
  it('registers every definition exported from src/tools/, each once', async () => {
    const files = readdirSync(new URL('.', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'k8s-tools.ts',
    );
    const exported: { file: string; name: string; registered: number }[] = [];
    for (const file of files) {
      const mod = (await import(/* @vite-ignore */ new URL(file, import.meta.url).href)) as Record<
        string,
        unknown
      >;
      for (const v of Object.values(mod))
        if (isDef(v))
          exported.push({ file, name: v.name, registered: TOOL_DEFS.filter((d) => d === v).length });
    }
    // One file per tool: 32 definitions in 32 files.
    expect(new Set(exported.map((e) => e.file)).size).toBe(exported.length);
    expect(exported.length).toBe(32);
    expect(exported.filter((e) => e.registered !== 1)).toEqual([]);
    expect(TOOL_DEFS.length).toBe(exported.length);
    // The file is the tool's name in kebab case.
    for (const e of exported) expect(e.file).toBe(`${e.name.replaceAll('_', '-')}.ts`);
  });

  it('builds the tools in the order registered, with the name and mutating flag each definition gives', () => {
    const tools = k8sTools(createSimCluster(checkoutOomWorld()));
    expect(tools.map((t) => [t.name, t.mutating])).toEqual(TOOL_DEFS.map((d) => [d.name, d.mutating]));
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
  });

  it('derives the name lists from the tools built: the read-only ones, then the mutating ones, each in order', () => {
    const cluster = createSimCluster(checkoutOomWorld());
    const tools = k8sTools(cluster);
    expect(READ_TOOL_NAMES).toEqual(tools.filter((t) => !t.mutating).map((t) => t.name));
    expect(MUTATING_TOOL_NAMES).toEqual(tools.filter((t) => t.mutating).map((t) => t.name));
    expect(readOnlyK8sTools(cluster).map((t) => t.name)).toEqual(READ_TOOL_NAMES);
    expect(READ_TOOL_NAMES.length + MUTATING_TOOL_NAMES.length).toBe(tools.length);
  });

  it('keys every name once in K8S_TOOL by its camelCase form', () => {
    expect(Object.isFrozen(K8S_TOOL)).toBe(true);
    expect(Object.values(K8S_TOOL)).toEqual([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES]);
    for (const [key, name] of Object.entries(K8S_TOOL))
      expect(key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).toBe(name);
    expect(K8S_TOOL.getRolloutHistory).toBe('get_rollout_history');
    expect(K8S_TOOL.scan).toBe('scan');
  });
});
