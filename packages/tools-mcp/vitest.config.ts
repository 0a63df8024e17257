import { packageProject } from '../../vitest.shared.js';

export default packageProject('tools-mcp');
