import { parseTable } from '../k8s-text.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  describedLabels,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * The API server's answer when an object fails its kind's schema, as an operator's log quotes it:
 * `CassandraDatacenter.cassandra.datastax.com "dc1" is invalid: type: Required value` (the kind, its API
 * group, the object's name, what failed; k8s.io/apimachinery's `NewInvalid`). Groups of Kubernetes' own
 * kinds (`apps`, `networking.k8s.io`) are left to the analyzers of those kinds.
 */
const REFUSED =
  /\b([A-Z][A-Za-z0-9]{1,62})\.([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,6}) \\?"([a-z0-9][a-z0-9.-]{0,252})\\?" is invalid: ([^"\\\n]{1,200})/;

/**
 * API groups Kubernetes itself serves (kubectl api-resources on a current cluster): their kinds have no
 * CRD. Groups under k8s.io that CRDs define (gateway.networking.k8s.io, snapshot.storage.k8s.io) are not
 * among them.
 */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

interface Refusal {
  kind: string;
  group: string;
  object: string;
  reason: string;
  pod: string;
  line: string;
}

/** The newest refusal of a custom kind's object in a log read in the namespace (current or searched). */
function refusal(ctx: AnalyzerContext): Refusal | undefined {
  return perSeen(ctx.seen, ['staleCrd', ctx.ns], () => {
    let found: Refusal | undefined;
    for (const o of [
      ...outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns),
      ...outputs(ctx.seen, 'search_pod_logs', (x) => x.args['namespace'] === ctx.ns),
    ]) {
      for (const line of boundedLogLines(o.content, 2000).reverse()) {
        const m = REFUSED.exec(line.slice(0, 4000));
        if (!m || BUILT_IN_GROUPS.has(m[2]!)) continue;
        found = {
          kind: m[1]!,
          group: m[2]!,
          object: m[3]!,
          reason: m[4]!.trim(),
          pod: String(o.args['name'] ?? ''),
          line,
        };
        break;
      }
      if (found) break;
    }
    return found;
  });
}

/** The names of the cluster's CustomResourceDefinitions, from its latest list of them; undefined before one. */
export function listedCrds(seen: AnalyzerContext['seen']): string[] | undefined {
  const list = outputs(seen, 'list_resources', (o) => o.args['kind'] === 'CustomResourceDefinition').pop();
  return list ? parseTable(list.content.slice(0, 200_000)).map((x) => x['NAME'] ?? '') : undefined;
}

/** The CustomResourceDefinition of the refused kind, from the cluster's list of them (`<plural>.<group>`). */
function crdName(ctx: AnalyzerContext, r: Refusal): string | undefined {
  const names = listedCrds(ctx.seen);
  return names ? kindCrdName(names, r.kind, r.group) : undefined;
}

/**
 * The CRD of a kind among CRD names (`<plural>.<group>`): its English plural as CRDs spell it (policy →
 * policies, ingress → ingresses, route → routes) exactly first, else a name of the group that starts like the
 * kind.
 */
export function kindCrdName(names: readonly string[], kindName: string, group: string): string | undefined {
  const kind = kindName.toLowerCase();
  const plurals = [`${kind}s`, `${kind}es`, ...(kind.endsWith('y') ? [`${kind.slice(0, -1)}ies`] : [])];
  return (
    plurals.map((p) => `${p}.${group}`).find((n) => names.includes(n)) ??
    names.find((n) => n.endsWith(`.${group}`) && n.startsWith(kind.slice(0, Math.max(4, kind.length - 2))))
  );
}

/** Dotted release numbers compared part by part (`1.4.1` < `1.22.4`); undefined when either is not one. */
function older(a: string, b: string): boolean | undefined {
  const parse = (v: string) =>
    /^v?(\d{1,6}(?:\.\d{1,6}){0,3})(?:[-+][\w.-]{0,40})?$/.exec(v)?.[1]?.split('.').map(Number);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

/** Images running in the namespace, from its Deployments' IMAGES column: `repo/name:tag` parts. */
function runningImages(ctx: AnalyzerContext): { name: string; tag: string; image: string }[] {
  const out: { name: string; tag: string; image: string }[] = [];
  for (const o of outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns))
    for (const row of parseTable(o.content.slice(0, 200_000)))
      for (const image of (row['IMAGES'] ?? '').split(',')) {
        const m = /(?:^|\/)([a-z0-9][a-z0-9._-]{0,127}):([\w.-]{1,128})$/.exec(image.trim());
        if (m) out.push({ name: m[1]!, tag: m[2]!, image: image.trim() });
      }
  return out;
}

/**
 * An operator's sub-object refused by the API server (`CassandraDatacenter.cassandra.datastax.com "dc1" is
 * invalid: …`) because the kind's CustomResourceDefinition is an older release's: CRDs are cluster-wide, so
 * a second install of an operator (its Helm chart skips CRDs that exist) leaves the first install's schema
 * in force. The CRD's `app.kubernetes.io/version` label (Helm's and the recommended labels' convention) is
 * compared with the image tag of the same application running in the namespace; the Helm release that
 * installed it (`meta.helm.sh/release-namespace`) names the other install.
 */
export const staleCrdAnalyzer: Analyzer = {
  name: 'stale-crd',
  reads(ctx): Read[] {
    const r = refusal(ctx);
    if (!r) return [];
    const reads: Read[] = [];
    if (!outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns).length)
      reads.push({ tool: 'list_deployments', args: { namespace: ctx.ns } });
    if (!outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === 'CustomResourceDefinition').length)
      return [...reads, { tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } }];
    const crd = crdName(ctx, r);
    if (crd) reads.push({ tool: 'describe_resource', args: { kind: 'CustomResourceDefinition', name: crd } });
    return reads;
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const crd = crdName(ctx, r);
    if (!crd) return [];
    const text = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'CustomResourceDefinition' && o.args['name'] === crd,
    )
      .pop()
      ?.content.slice(0, 50_000);
    if (!text) return [];
    const labels = describedLabels(text);
    const app = labels['app.kubernetes.io/name'];
    const version = labels['app.kubernetes.io/version'];
    const releaseNs = /meta\.helm\.sh\/release-namespace=([a-z0-9-]{1,63})/.exec(text)?.[1];
    const age = /^Age:\s+(\S{1,20})\s*$/m.exec(text)?.[1];
    const running = app ? runningImages(ctx).find((i) => i.name === app) : undefined;
    const behind = running && version ? older(version, running.tag) : undefined;
    const elsewhere = releaseNs && releaseNs !== ctx.ns;
    // The same release as the one running (or a newer one) is not stale, wherever it was installed from.
    if (behind === false || (!behind && !elsewhere)) return [];
    const installed = [
      app && version ? `${app} ${version}` : app,
      releaseNs ? `Helm release in namespace ${releaseNs}` : undefined,
      age ? `${age} old` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const quoted = clip(`${r.kind}.${r.group} "${r.object}" is invalid: ${r.reason}`, 220);
    return [
      {
        weight: 88,
        object: `customresourcedefinition ${crd}`,
        cause: `the API server refuses ${r.kind} "${r.object}" ("${quoted}", in the log of ${r.pod}): it checks it against CustomResourceDefinition ${crd}, which an older install put there (${installed})${behind && running ? `, not the ${app} running here (image ${running.image})` : ''}; a CRD is cluster-wide and a second install keeps the CRD that exists, so the old schema is still in force and refuses what the newer operator writes`,
        evidence: [
          `${r.pod}: "${clip(r.line, 240)}"`,
          `describe_resource CustomResourceDefinition ${crd}: ${[
            app ? `app.kubernetes.io/name=${app}` : '',
            version ? `app.kubernetes.io/version=${version}` : '',
            releaseNs ? `meta.helm.sh/release-namespace=${releaseNs}` : '',
            age ? `age ${age}` : '',
          ]
            .filter(Boolean)
            .join(', ')}`,
          ...(running ? [`list_deployments ${ctx.ns}: ${running.image}`] : []),
        ],
        advice: `upgrade CustomResourceDefinition ${crd} to the one shipped with ${running ? `${app} ${running.tag}` : 'the running operator'} (apply its CRDs with server-side apply; Helm does not upgrade CRDs), after checking that the older install${releaseNs ? ` in ${releaseNs}` : ''} can run with the newer schema`,
      },
    ];
  },
};
