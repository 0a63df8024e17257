/** The simulated cluster's world schema, embedded in scenario files under `cluster`. */
export { worldSchema } from '@sre-harness/tools-k8s/sim';
