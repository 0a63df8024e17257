import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { warningsAnalyzer } from './warnings.js';

const events = (reason: string, object: string, message: string): SeenObservation => ({
  step: 1,
  tool: 'get_events',
  args: { namespace: 'invoicing' },
  status: 'ok',
  content: `LAST SEEN    TYPE      REASON         OBJECT                     MESSAGE\n2m34s (x9)   Warning   ${reason}   ${object}   ${message}\n`,
});
const run = (seen: SeenObservation[]) =>
  warningsAnalyzer.finds({ task: 'the Job has no pods', ns: 'invoicing', hints: [], seen });

describe('warnings: a controller that cannot create its pods is failing though it lists none', () => {
  it("a Job's FailedCreate from an admission webhook with an expired certificate", () => {
    const [f] = run([
      events(
        'FailedCreate',
        'job/invoice-run-20261221',
        'Error creating: Internal error occurred: failed calling webhook "inject.t.svc": failed to call webhook: tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
      ),
    ]);
    expect(f?.object).toBe('job invoice-run-20261221');
    expect(f?.cause).toMatch(/serving certificate \(its TLS certificate\) has expired/);
  });
  it('a Normal event or another reason on a Job is not a failure to create', () => {
    expect(run([events('Completed', 'job/invoice-run-20261221', 'Job completed')])).toEqual([]);
  });
});
