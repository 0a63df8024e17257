import { defineProject } from 'vitest/config';

// Like the shared package project, minus the "module" condition: @opentelemetry packages map it to an
// ESM build with extensionless imports that only bundlers understand, while Node reads their CJS build.
const conditions = ['@sre-harness/source', 'node', 'development|production'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'otel',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
