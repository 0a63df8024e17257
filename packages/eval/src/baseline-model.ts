import type { DecideRequest, Decision, Model } from '@sre-harness/core';
import { withUsage } from './observations.js';

/** The deterministic baseline SRE model (placeholder while the simulated cluster lands). */
export class BaselineSreModel implements Model {
  readonly name = 'baseline';
  async decide(request: DecideRequest): Promise<Decision> {
    return withUsage(request, { type: 'final', answer: 'not implemented yet' });
  }
}
