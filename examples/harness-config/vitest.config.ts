import { packageProject } from '../../vitest.shared.js';

export default packageProject('example-harness-config', { testTimeout: 120_000 });
