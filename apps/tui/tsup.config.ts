import { defineConfig } from 'tsup';

// One ESM bundle for the bin (the Ink UI is split into a chunk loaded only in interactive mode),
// plus the library entry with types for `interactiveApprover` and the state helpers.
export default defineConfig([
  {
    entry: { cli: 'src/cli.tsx' },
    format: 'esm',
    target: 'node20',
    platform: 'node',
    clean: false,
    sourcemap: true,
    splitting: true,
    banner: { js: '#!/usr/bin/env node' },
    // Core is small and dependency-free but zod, so the bin carries it, and so are eval's flag
    // parsers; eval itself (heavy, optional at runtime: only the live eval view loads it) stays an
    // ordinary dependency.
    noExternal: ['@sre-harness/core', '@sre-harness/eval/flags'],
    esbuildOptions(options) {
      options.conditions = ['@sre-harness/source', 'module', 'node'];
    },
  },
  {
    entry: { index: 'src/index.ts' },
    format: 'esm',
    target: 'node20',
    platform: 'node',
    dts: true,
    clean: false,
    sourcemap: true,
  },
]);
