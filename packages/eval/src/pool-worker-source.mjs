// The pool's worker when the eval runs from its TypeScript sources (tests, `tsx src/cli.ts`): loader
// hooks given to a worker by --import do not reach it on Node 20, so tsx is registered here.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./pool-worker.ts');
export default worker.default;
