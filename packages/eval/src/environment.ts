import type { EnvironmentFactory } from './runner.js';

/** Builds each run's world on the simulated cluster (placeholder until @sre-harness/tools-k8s/sim lands). */
export const simEnvironment: EnvironmentFactory = async () => {
  throw new Error('the simulated cluster is not available yet');
};
