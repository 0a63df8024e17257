import { parse } from 'yaml';
import { parseTable } from '../k8s-text.js';
import { calledService } from './dependency-side.js';
import { type Analyzer, clip, type Finding, loggedLines, outputs, ownerName, type Read } from './types.js';

/** An S3 call refused for want of permission, as SDKs and S3-compatible servers log it. */
const DENIED = /AccessDenied|Access Denied|403 Forbidden/;
/** The S3 operations that list a bucket, which IAM authorizes against the bucket's ARN. */
const LISTING = /\b(ListObjects(?:V2)?|ListBucket|ListObjectVersions|GetBucketLocation|HeadBucket)\b/;
/** ConfigMaps that may hold an S3 (IAM-style) policy document. */
const POLICY_MAP = /polic/i;

interface Statement {
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
}

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

/**
 * The statements of the policy documents a ConfigMap's `get_resource` output holds: each data value
 * that parses as JSON with a `Statement` list, with its key. At most 200,000 characters are parsed.
 */
function policies(text: string): { key: string; statements: Statement[] }[] {
  if (text.length > 200_000) return [];
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const data = (doc as { data?: Record<string, unknown> } | null)?.data;
  if (!data || typeof data !== 'object') return [];
  const out: { key: string; statements: Statement[] }[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || value.length > 100_000) continue;
    try {
      const p = JSON.parse(value) as { Statement?: unknown };
      const st = Array.isArray(p.Statement) ? p.Statement : p.Statement ? [p.Statement] : [];
      if (st.length) out.push({ key, statements: st as Statement[] });
    } catch {
      // Not a JSON policy document.
    }
  }
  return out;
}

/**
 * A bucket listing refused by an S3 policy that grants `s3:ListBucket` only on the objects'
 * ARN (`arn:aws:s3:::bucket/*`): IAM evaluates ListBucket (ListObjectsV2, and GetBucketLocation) against
 * the bucket's own ARN (`arn:aws:s3:::bucket`), so listing is denied while object reads and writes pass
 * (AWS's "Amazon S3 resources" and "Actions, resources, and condition keys for Amazon S3"; MinIO follows
 * the same policy language and, in its later releases, the same rule). Found from a client log that
 * says a listing was denied, then the policy documents in ConfigMaps named like policies in the
 * namespace of the S3 server the client calls (or its own).
 */
export const s3PolicyResourceAnalyzer: Analyzer = {
  name: 's3-policy-resource',
  reads(ctx): Read[] {
    if (!denied(ctx)) return [];
    const reads: Read[] = [];
    for (const ns of places(ctx)) {
      const maps = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['namespace'] === ns && /^configmaps?$/i.test(String(o.args['kind'])),
      ).pop();
      if (!maps) {
        reads.push({ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ns } });
        continue;
      }
      for (const r of parseTable(maps.content)) {
        const name = r['NAME'] ?? '';
        if (POLICY_MAP.test(name))
          reads.push({ tool: 'get_resource', args: { kind: 'ConfigMap', name, namespace: ns } });
      }
    }
    return reads.slice(0, 3);
  },
  finds(ctx): Finding[] {
    const d = denied(ctx);
    if (!d) return [];
    const own = ownerName(d.pod);
    for (const ns of places(ctx)) {
      for (const o of outputs(
        ctx.seen,
        'get_resource',
        (x) => x.args['namespace'] === ns && /^configmaps?$/i.test(String(x.args['kind'])),
      )) {
        const docs = policies(o.content).sort(
          (a, b) => Number(b.key.includes(own)) - Number(a.key.includes(own)),
        );
        for (const doc of docs) {
          for (const s of doc.statements) {
            if (s.Effect !== 'Allow') continue;
            const actions = list(s.Action);
            if (!actions.some((a) => a === 's3:ListBucket')) continue;
            const resources = list(s.Resource);
            const objects = resources.filter((r) => /^arn:aws:s3:::[^/*]+\/.+$/.test(r));
            const buckets = resources.filter((r) => /^arn:aws:s3:::[^/]*$/.test(r) || r === '*');
            if (objects.length === 0 || buckets.length > 0) continue;
            const bucket = objects[0]!.replace(/^arn:aws:s3:::/, '').replace(/\/.*$/, '');
            const map = String(o.args['name']);
            return [
              {
                weight: 82,
                object: `ConfigMap ${map} in ${ns}`,
                cause: `the S3 policy ${doc.key} of ConfigMap ${map} (namespace ${ns}) allows s3:ListBucket only on ${objects.join(', ')}, the objects' resource, not on the bucket ARN arn:aws:s3:::${bucket}: a bucket listing (${d.op}) is authorized against the bucket's own ARN, so ${own}'s listing is denied (Access Denied, 403) while its object writes and reads, which match ${objects[0]}, still pass; the access keys are fine`,
                evidence: [
                  `get_pod_logs ${d.pod}: "${clip(d.line, 220)}"`,
                  `get_resource ConfigMap ${map}: ${doc.key} Resource ${JSON.stringify(resources)} for ${JSON.stringify(actions)}`,
                ],
                advice: `add the bucket resource "arn:aws:s3:::${bucket}" to that statement's Resource (keep "${objects[0]}" for the object actions) and reload the policy on the server`,
                revisionSound: true,
              },
            ];
          }
        }
      }
    }
    return [];
  },
};

/** The client's log line that says a bucket listing was denied, with its pod and the operation. */
function denied(ctx: Parameters<Analyzer['reads']>[0]) {
  const hit = loggedLines(
    ctx.seen,
    ctx.ns,
    (l) => l.length <= 4000 && DENIED.test(l) && LISTING.test(l),
  ).find((h) => !h.log.args['previous']);
  return hit && { pod: String(hit.log.args['name']), line: hit.line, op: LISTING.exec(hit.line)![1]! };
}

/** Where the policy may be kept: the namespace of the server the client calls, then the client's. */
function places(ctx: Parameters<Analyzer['reads']>[0]): string[] {
  const server = calledService(ctx)?.namespace;
  return [...new Set([server, ctx.ns].filter((n): n is string => Boolean(n)))];
}
