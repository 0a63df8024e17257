import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';
import { configText } from './websocket-upgrade.js';

/**
 * An S3 server refusing a request signed for another region: the credential scope of Signature V4
 * (`<date>/<region>/s3/aws4_request`) names the region the client signed for. AWS's own wording names the
 * one it expects (`the region 'us-east-1' is wrong; expecting 'eu-west-1'`); S3-compatible servers (Garage,
 * Ceph, MinIO) answer `AuthorizationHeaderMalformed … unexpected scope: <date>/<region>/s3/aws4_request`.
 */
const WRONG_SCOPE =
  /\bAuthorizationHeaderMalformed\b[^\n]{0,200}?(?:unexpected scope: \d{8}\/([a-z0-9-]{1,40})\/s3\/aws4_request|the region '([a-z0-9-]{1,40})' is wrong; expecting '([a-z0-9-]{1,40})')/i;
/** An S3 server's own region setting in its configuration (`s3_region = "garage"`, `region: garage`). */
const REGION_SETTING = /^\s{0,8}(s3_region|region)\s{0,4}[=:]\s{0,4}["']?([a-z0-9-]{1,40})["']?\s*$/;

/**
 * The S3 API's region in a configuration: an `s3_region` anywhere, else a `region` outside any section or
 * in a section named for S3 (`[s3_api]`), not another section's (`[backup] region = …`).
 */
function s3Region(text: string): { line: string; region: string } | undefined {
  let section = '';
  let plain: { line: string; region: string } | undefined;
  for (const l of text.slice(0, 200_000).split('\n')) {
    const head = /^\s{0,8}\[([^\]\n]{1,80})\]\s*$/.exec(l);
    if (head) {
      section = head[1]!.toLowerCase();
      continue;
    }
    const m = l.length <= 400 ? REGION_SETTING.exec(l) : null;
    if (!m) continue;
    if (m[1] === 's3_region') return { line: l.trim(), region: m[2]! };
    if (!plain && (section === '' || section.includes('s3'))) plain = { line: l.trim(), region: m[2]! };
  }
  return plain;
}
/** A cluster URL of the S3 endpoint: `http://garage.storage.svc.cluster.local:3900`. */
const ENDPOINT = /^https?:\/\/([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})\.svc\b/;

/** The refused request of the namespace's logs, with the pod and the region it was signed for. */
function refused(ctx: AnalyzerContext) {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns))
    for (const l of boundedLogLines(o.content)) {
      const m = l.length <= 4000 ? WRONG_SCOPE.exec(l) : null;
      if (m)
        return { pod: String(o.args['name'] ?? ''), line: l.trim(), sent: (m[1] ?? m[2])!, expected: m[3] };
    }
  return undefined;
}

/** The client's variables: the one holding the region it signs for, and the S3 endpoint's Service. */
function clientSettings(ctx: AnalyzerContext, pod: string, sent: string) {
  const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  for (const c of containerSections(described?.content ?? '')) {
    const env = envOf(c.body);
    const region = env.find((v) => /REGION/.test(v.name) && v.value === sent);
    const endpoint = env.map((v) => ENDPOINT.exec(v.value)).find((m) => m);
    if (region)
      return { container: c.name, region: region.name, service: endpoint?.[1], namespace: endpoint?.[2] };
  }
  return undefined;
}

/**
 * An S3 client that signs its requests for another region than its S3 server's (the region of the old
 * server, AWS's default us-east-1): every signed request (uploads, signed URLs) is refused while the keys are
 * right. The server's region comes from its own words, or from its configuration (a ConfigMap of the
 * server's namespace named for its Service), and the fix sets the client's region variable to it
 * (`set_env`). The reads: the client's description, the server namespace's ConfigMaps.
 */
export const s3RegionScopeAnalyzer: Analyzer = {
  name: 's3-region-scope',
  first: true,
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r || r.expected) return [];
    if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).length)
      return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }];
    const s = clientSettings(ctx, r.pod, r.sent);
    if (!s?.service || !s.namespace) return [];
    const listed = outputs(
      ctx.seen,
      'list_resources',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === s.namespace,
    ).pop();
    if (!listed) return [{ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: s.namespace } }];
    return parseTable(listed.content)
      .map((row) => row['NAME'] ?? '')
      .filter((n) => n.includes(s.service!) && !configText(ctx, s.namespace!, n))
      .slice(0, 2)
      .map((name) => ({
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', namespace: s.namespace, name },
      }));
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    if (!r) return [];
    const s = clientSettings(ctx, r.pod, r.sent);
    let expected = r.expected;
    let source = expected ? 'as the server says' : '';
    if (!expected && s?.service && s.namespace) {
      const maps = outputs(
        ctx.seen,
        'describe_resource',
        (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === s.namespace,
      ).filter((o) => String(o.args['name'] ?? '').includes(s.service!));
      for (const m of maps) {
        const setting = s3Region(m.content);
        if (setting) {
          expected = setting.region;
          source = `its configuration, ConfigMap ${m.args['name']} in namespace ${s.namespace}: "${clip(setting.line, 80)}"`;
          break;
        }
      }
    }
    if (!expected || expected === r.sent) return [];
    const deployment = podDeployment(r.pod);
    return [
      {
        weight: 88 + bonus(deployment ?? r.pod, ctx.hints),
        object: deployment ? `deployment ${deployment} (pod ${r.pod})` : `pod ${r.pod}`,
        cause: `the S3 server refuses every signed request of ${deployment ?? r.pod} because the client signs for region ${r.sent} (the credential scope of its SigV4 signature: "${clip(r.line, 200)}"), while the server's region is ${expected} (${source}): the signature scope names the region, so uploads and signed URLs fail whatever the keys${s ? `; the client's ${s.region} is ${r.sent}` : ''}`,
        evidence: [
          `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
          ...(s ? [`describe_pod ${r.pod}: ${s.region}=${r.sent}`] : []),
        ],
        advice: `set the client's region to ${expected}${s ? ` (${s.region}=${expected})` : ''}; the access key and its permissions are not the cause`,
        ...(s
          ? envFix(
              ctx.ns,
              deployment,
              s.container,
              [{ name: s.region, value: expected }],
              `set ${s.region} of ${deployment}/${s.container} to ${expected}, the S3 server's region`,
            )
          : {}),
      },
    ];
  },
};
