import { defineProject } from 'vitest/config';

/** Tests of the repository's own scripts (packing checks), run with the packages' tests. */
export default defineProject({
  test: { name: 'scripts', include: ['lib/**/*.test.mjs'], environment: 'node' },
});
