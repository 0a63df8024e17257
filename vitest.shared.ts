import { defineProject } from 'vitest/config';

const conditions = ['@sre-harness/source', 'module', 'node', 'development|production'];

/** The per-package vitest project: same resolution everywhere, tests colocated with the source. */
export function packageProject(name: string, extra: { testTimeout?: number; include?: string[] } = {}) {
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      name,
      include: extra.include ?? ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: extra.testTimeout ?? 20_000,
    },
  });
}
