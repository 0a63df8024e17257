import { packageProject } from '../../vitest.shared.js';

export default packageProject('tools-k8s');
