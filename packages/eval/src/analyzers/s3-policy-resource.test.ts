// Table tests of s3-policy-resource: a denied bucket listing and a policy whose ListBucket names only
// the objects' ARN make the finding; a policy that names the bucket, or a denied object write, do not.
import { describe, expect, it } from 'vitest';
import { observed, table } from './observed.fixture.js';
import { s3PolicyResourceAnalyzer } from './s3-policy-resource.js';
import type { AnalyzerContext } from './types.js';

type Seen = ReturnType<typeof observed>;
const ctx = (seen: Seen[]): AnalyzerContext => ({ task: '', ns: 'billing', hints: [], seen });
const POD = 'archiver-7c9f5d8b6d-bcdfg';
const denied = (op: string) =>
  observed(
    'get_pod_logs',
    { namespace: 'billing', name: POD },
    `ERROR reconcile failed: ClientError: An error occurred (AccessDenied) when calling the ${op} operation: Access Denied.`,
  );
const maps = observed(
  'list_resources',
  { kind: 'ConfigMap', namespace: 'billing' },
  table([
    ['NAME', 'STATUS', 'AGE'],
    ['user-policies', '1 key(s)', '1d'],
    ['app-config', '2 key(s)', '1d'],
  ]),
);
const policy = (resources: string[]) =>
  observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'user-policies', namespace: 'billing' },
    `apiVersion: v1\ndata:\n  archiver.json: |\n    ${JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:ListBucket'], Resource: resources }],
    })}\nkind: ConfigMap\n`,
  );

describe('s3-policy-resource', () => {
  it('lists the ConfigMaps, then reads the ones named like policies', () => {
    expect(s3PolicyResourceAnalyzer.reads(ctx([denied('ListObjectsV2')]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'billing' } },
    ]);
    expect(s3PolicyResourceAnalyzer.reads(ctx([denied('ListObjectsV2'), maps]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'user-policies', namespace: 'billing' } },
    ]);
  });

  it('finds ListBucket granted on the objects only, and advises the bucket ARN', () => {
    const [f] = s3PolicyResourceAnalyzer.finds(
      ctx([denied('ListObjectsV2'), maps, policy(['arn:aws:s3:::invoices/*'])]),
    );
    expect(f?.cause).toContain('not on the bucket ARN arn:aws:s3:::invoices');
    expect(f?.advice).toContain('"arn:aws:s3:::invoices"');
  });

  it.each([
    [
      'the bucket is listed too',
      denied('ListObjectsV2'),
      ['arn:aws:s3:::invoices', 'arn:aws:s3:::invoices/*'],
    ],
    ['the refusal is an object write', denied('PutObject'), ['arn:aws:s3:::invoices/*']],
  ])('silent when %s', (_, log, resources) => {
    expect(s3PolicyResourceAnalyzer.finds(ctx([log, maps, policy(resources)]))).toEqual([]);
  });
});
