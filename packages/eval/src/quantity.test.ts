import { parseQuantity } from '@sre-harness/tools-k8s';
import { describe, expect, it } from 'vitest';
import { valueMatches } from './gates.js';
import { toArgMatcher } from './runner.js';
import { quantitySchema } from './scenario-schema.js';

// The eval reads quantities with tools-k8s' parser (the one the simulated cluster uses), so a
// scenario, a grant and an end-state check accept every suffix Kubernetes defines.
describe('quantities in the eval', () => {
  it.each(['2Pi', '1Ei', '250n', '100u', '12e6', '1E3', '.5', '+1', '1.5Gi'])(
    'the scenario schema accepts %s, as the cluster does',
    (q) => {
      expect(quantitySchema.safeParse(q).success).toBe(true);
      expect(parseQuantity(q)).toBeDefined();
    },
  );

  it.each(['1K', '1 Mi', '1e3Mi', 'lots'])('the scenario schema refuses %s', (q) => {
    expect(quantitySchema.safeParse(q).success).toBe(false);
  });

  it('grants and gates compare across suffixes and exponents', () => {
    expect(valueMatches({ atLeast: '1Gi' }, '1.5e9')).toBe(true);
    expect(valueMatches({ atLeast: '1Gi' }, '1e9')).toBe(false);
    expect(valueMatches({ above: '100u' }, '1m')).toBe(true);
    expect(valueMatches({ atMost: '1Ei' }, '1Pi')).toBe(true);
    expect(valueMatches({ atLeast: '1' }, 'not a quantity')).toBe(false);
    const grant = toArgMatcher({ atLeast: '512Mi' }) as (v: unknown) => boolean;
    expect(grant('0.5Gi')).toBe(true);
    expect(grant('536870912')).toBe(true);
    expect(grant('1e3')).toBe(false);
    expect(grant('garbage')).toBe(false);
  });
});
