import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { sharedEgressLimitAnalyzer } from './shared-egress-limit.js';

const logs = (namespace: string, name: string, content: string): SeenObservation => ({
  step: 1,
  tool: 'get_pod_logs',
  args: { namespace, name },
  status: 'ok',
  content,
});
const LIMITED =
  'WARN geocoder 429 Too Many Requests: {"error":"rate_limited","scope":"ip","client_ip":"203.0.113.40","limit":"600/min"}';
const run = (seen: SeenObservation[]) =>
  sharedEgressLimitAnalyzer.finds({ task: 'address-validator gets 429s', ns: 'checkout', hints: [], seen });

describe('shared-egress-limit: a per-IP quota used up by another workload behind the same NAT IP', () => {
  it('names the other workload (a Job) whose log calls the same API, and the shared IP', () => {
    const [f] = run([
      logs('checkout', 'address-validator-lddn97v52-6bm5g', LIMITED),
      logs(
        'marketing',
        'crm-geo-backfill-zcjld',
        'backfill: geocoding 412,907 contacts via https://api.geo.example/v2',
      ),
    ]);
    expect(f?.object).toBe('crm-geo-backfill in marketing');
    expect(f?.cause).toMatch(/same NAT \(egress\) IP 203\.0\.113\.40/);
    expect(f?.cause).toMatch(/so address-validator gets 429/);
  });
  it('nothing when the 429 is not per IP, or no other workload calls that API', () => {
    expect(
      run([
        logs(
          'checkout',
          'address-validator-lddn97v52-6bm5g',
          'WARN geocoder 429 Too Many Requests: quota exceeded for key',
        ),
        logs('marketing', 'crm-geo-backfill-zcjld', 'geocoding contacts'),
      ]),
    ).toEqual([]);
    expect(
      run([
        logs('checkout', 'address-validator-lddn97v52-6bm5g', LIMITED),
        logs('marketing', 'mail-x2x2x', 'sent'),
      ]),
    ).toEqual([]);
  });
});
