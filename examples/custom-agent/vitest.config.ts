import { packageProject } from '../../vitest.shared.js';

export default packageProject('example-custom-agent');
