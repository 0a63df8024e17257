import { packageProject } from '../../vitest.shared.js';

// The tmux end-to-end test builds the bundle first, which is slow on a shared machine.
export default packageProject('tui', {
  testTimeout: 60_000,
  include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
});
