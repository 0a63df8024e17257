import { defineConfig } from 'vitest/config';

// One root config; each package (and app) is its own project, so `vitest --project core` runs one.
// Tests read workspace packages from source through the custom export condition.
export default defineConfig({
  resolve: { conditions: ['@sre-harness/source', 'module', 'node', 'development|production'] },
  ssr: { resolve: { conditions: ['@sre-harness/source', 'module', 'node', 'development|production'] } },
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'examples/*/vitest.config.ts',
      'scripts/vitest.config.ts',
    ],
  },
});
