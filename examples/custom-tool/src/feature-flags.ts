import { type AnyTool, defineTool } from '@sre-harness/core';
import { z } from 'zod';

/** Where flags live: a map in memory here; an HTTP client for your flag service in real life. */
export interface FlagStore {
  get(name: string): Promise<boolean | undefined>;
  set(name: string, enabled: boolean): Promise<void>;
}

/** A store backed by a Map, for the example and for tests. */
export function memoryFlagStore(initial: Record<string, boolean> = {}): FlagStore & {
  readonly flags: Map<string, boolean>;
} {
  const flags = new Map(Object.entries(initial));
  return {
    flags,
    get: async (name) => flags.get(name),
    set: async (name, enabled) => {
      flags.set(name, enabled);
    },
  };
}

const flagName = z
  .string()
  .regex(/^[a-z0-9-]{1,63}$/, 'lower-case letters, digits and dashes')
  .describe('the flag key, e.g. "new-checkout"');

/** A tool plugin: a function that takes its dependencies and returns tools ready for a registry. */
export function featureFlagTools(store: FlagStore): AnyTool[] {
  const getFlag = defineTool({
    name: 'get_flag',
    description: 'Reads whether a feature flag is on.',
    input: z.object({ flag: flagName }),
    // Reads only: the harness runs it without asking anyone.
    mutating: false,
    execute: async ({ flag }) => {
      const value = await store.get(flag);
      return value === undefined ? `flag ${flag} does not exist` : `flag ${flag} is ${value ? 'on' : 'off'}`;
    },
  });

  const setFlag = defineTool({
    name: 'set_flag',
    description: 'Turns a feature flag on or off. Changes production behaviour immediately.',
    input: z.object({ flag: flagName, enabled: z.boolean(), reason: z.string().min(10) }),
    // Changes the world: every call needs an approval for exactly these arguments.
    mutating: true,
    timeoutMs: 5_000,
    execute: async ({ flag, enabled }, ctx) => {
      if ((await store.get(flag)) === undefined) throw new Error(`flag ${flag} does not exist`);
      ctx.signal.throwIfAborted();
      await store.set(flag, enabled);
      return `flag ${flag} is now ${enabled ? 'on' : 'off'}`;
    },
  });

  return [getFlag, setFlag];
}
