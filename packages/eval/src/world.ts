import { z } from 'zod';

/** Placeholder for the simulated cluster's world schema until @sre-harness/tools-k8s/sim lands. */
export const worldSchema = z.record(z.string(), z.unknown());
