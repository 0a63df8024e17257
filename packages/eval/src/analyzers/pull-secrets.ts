import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, type Finding, listed, outputs, type Read, tableOf, textOf } from './types.js';

const DENIED =
  /pull access denied|unauthorized|authentication required|authorization failed|401 Unauthorized|403 Forbidden/i;

/** The imagePullSecrets a pod's YAML names (`imagePullSecrets: [{ name }]`). */
function pullSecrets(yaml: string): string[] {
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => /^\s*imagePullSecrets:/.test(l));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1, at + 12)) {
    const m = /^\s*-?\s*name:\s*["']?([a-z0-9.-]{1,253})/.exec(l);
    if (m) out.push(m[1]!);
    else if (!/^\s*-\s*$/.test(l)) break;
  }
  return out;
}

/** At most this many characters of a Secret's YAML are read for its metadata. */
const MAX_SECRET_YAML = 20_000;

/**
 * The expiry a Secret's annotations record (`<prefix>/token-expires-at: 2026-09-08T17:42:10Z`, any key naming
 * an expiry, `valid-until` or `not-after`), with the Secret's `creationTimestamp`; from `get_resource` YAML, read
 * line by line (the first 20,000 characters).
 */
export function secretExpiry(yaml: string): { key: string; at: number; created?: number } | undefined {
  let expiry: { key: string; at: number } | undefined;
  let created: number | undefined;
  let inAnnotations = false;
  for (const line of yaml.slice(0, MAX_SECRET_YAML).split('\n')) {
    if (/^ {2}annotations:\s*$/.test(line)) {
      inAnnotations = true;
      continue;
    }
    if (!line.startsWith('    ')) inAnnotations = false;
    const ts = /^ {2}creationTimestamp:\s*["']?(\d{4}-\d\d-\d\dT[\d:.]{8,15}Z)/.exec(line);
    if (ts) created = Date.parse(ts[1]!);
    if (!inAnnotations || expiry) continue;
    const m =
      /^ {4}["']?([\w./-]{1,120})["']?:\s*["']?(\d{4}-\d\d-\d\dT[\d:.]{8,15}(?:Z|[+-]\d\d:\d\d))/.exec(line);
    if (!m || !/expir|valid-?until|not-?after/i.test(m[1]!)) continue;
    const at = Date.parse(m[2]!);
    if (Number.isFinite(at)) expiry = { key: m[1]!, at };
  }
  return expiry
    ? { ...expiry, ...(created !== undefined && Number.isFinite(created) ? { created } : {}) }
    : undefined;
}

/**
 * A denied pull whose imagePullSecret exists but whose annotations say its registry token expired: the
 * Secret's age in the list (`5d16h`) added to its `creationTimestamp` places now, and the expiry lies
 * before it by more than the age's rounding (an hour, or a twentieth of the age). Short-lived registry
 * tokens (ECR's 12 hours, ACR's 3) are written into pull secrets by helpers that must refresh them; a node
 * that already has the image cached runs it, a new node must pull and is refused.
 */
/** A lower bound of now from the pod: its `creationTimestamp` (its YAML) plus its AGE in the pod list. */
function podNow(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string, pod: string): number | undefined {
  const yaml = outputs(
    seen,
    'get_resource',
    (o) => String(o.args['kind']) === 'Pod' && o.args['name'] === pod,
  ).pop();
  const created = yaml
    ? /^ {2}creationTimestamp:\s*["']?(\d{4}-\d\d-\d\dT[\d:.]{8,15}Z)/m.exec(
        yaml.content.slice(0, 20_000),
      )?.[1]
    : undefined;
  const row = tableOf(
    outputs(seen, 'list_pods', (o) => (o.args['namespace'] ?? ns) === ns),
    'list_pods',
  ).find((r) => r['NAME'] === pod);
  const age = ageSeconds(row?.['AGE'] ?? '');
  if (!created || age === undefined) return undefined;
  const t = Date.parse(created);
  return Number.isFinite(t) ? t + age * 1000 : undefined;
}

function expiredPullSecrets(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
  names: readonly string[],
  pod: string,
): Finding[] {
  const ages = new Map(
    tableOf(
      outputs(
        seen,
        'list_resources',
        (o) => String(o.args['kind']) === 'Secret' && o.args['namespace'] === ns,
      ),
      'list_resources',
    ).map((r) => [r['NAME'] ?? '', r['AGE'] ?? '']),
  );
  for (const n of names) {
    const y = outputs(
      seen,
      'get_resource',
      (o) => String(o.args['kind']) === 'Secret' && o.args['name'] === n && o.args['namespace'] === ns,
    ).pop();
    const e = y ? secretExpiry(y.content) : undefined;
    const age = ageSeconds(ages.get(n) ?? '');
    if (!e || e.created === undefined || age === undefined) continue;
    // kubectl cuts an age down to its last unit (`120d`, `3h`), so an object's creation plus its age is a lower
    // bound of now; the pod's, younger and finer, is usually the closer one.
    const now = Math.max(e.created + age * 1000, podNow(seen, ns, pod) ?? 0);
    if (e.at >= now) continue;
    const ago = Math.round((now - e.at) / 3600_000);
    const when = new Date(e.at).toISOString().replace('.000Z', 'Z');
    return [
      {
        weight: 98,
        object: `secret ${n}`,
        cause: `the registry token in the pod's imagePullSecret "${n}" expired at ${when} (annotation ${e.key}; about ${ago >= 48 ? `${Math.round(ago / 24)} days` : `${ago} hours`} ago), so the registry refuses the kubelet's pull (pull access denied / 401 Unauthorized): nodes that already hold the image run it, a pod on a node without it cannot start`,
        evidence: [
          `get_resource Pod ${pod}: imagePullSecrets ${names.join(', ')}`,
          `get_resource Secret ${n} (created ${new Date(e.created).toISOString().replace('.000Z', 'Z')}, age ${ages.get(n)}): annotation ${e.key}: ${when}`,
        ],
        advice: `refresh the pull secret ${n} with a new registry token (and fix whatever should renew it before it expires), then delete the pods stuck in ImagePullBackOff`,
      },
    ];
  }
  return [];
}

/** A denied image pull whose imagePullSecret does not exist in the pod's namespace (it lives in another one). */
export const pullSecretsAnalyzer: Analyzer = {
  name: 'pull-secrets',
  reads({ ns, seen }) {
    if (!DENIED.test(textOf(seen, 'get_events'))) return [];
    const pod = tableOf(seen, 'list_pods').find((r) => /ImagePull|ErrImage/.test(r['STATUS'] ?? ''));
    if (!pod) return [];
    const reads: Read[] = [{ tool: 'get_resource', args: { kind: 'Pod', name: pod['NAME'], namespace: ns } }];
    // A failed run of a Job in the namespace may be what refreshes the registry credentials: its log.
    // This namespace's pods: a failed run listed in another namespace is not read here by its name.
    const failedRun = tableOf(
      outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns),
      'list_pods',
    ).find((r) => r['STATUS'] === 'Error' && /-\d{6,12}-[a-z0-9]{5}$/.test(r['NAME'] ?? ''));
    if (failedRun) reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: failedRun['NAME'] } });
    const yaml = outputs(seen, 'get_resource', (o) => o.args['name'] === pod['NAME']).pop()?.content ?? '';
    const names = pullSecrets(yaml);
    if (names.length > 0) reads.push({ tool: 'list_resources', args: { kind: 'Secret', namespace: ns } });
    const have = listed(seen, 'Secret').map((s) => s.name);
    for (const n of names.filter((n) => !have.includes(n)).slice(0, 1))
      reads.push({ tool: 'find_objects', args: { name: n, kinds: ['Secret'] } });
    // A pull secret that exists: its metadata, where a credential helper may note when its token expires.
    for (const n of names.filter((n) => have.includes(n)).slice(0, 2))
      reads.push({ tool: 'get_resource', args: { kind: 'Secret', name: n, namespace: ns } });
    return reads;
  },
  finds({ ns, seen }) {
    const yaml = outputs(seen, 'get_resource', (o) => String(o.args['kind']) === 'Pod').pop();
    if (!yaml) return [];
    const names = pullSecrets(yaml.content);
    const secretsRead =
      outputs(seen, 'list_resources', (o) => String(o.args['kind']) === 'Secret').length > 0;
    if (names.length === 0 || !secretsRead) return [];
    const have = listed(seen, 'Secret').map((s) => s.name);
    const missing = names.filter((n) => !have.includes(n));
    if (missing.length === 0) return expiredPullSecrets(seen, ns, names, String(yaml.args['name']));
    const n = missing[0]!;
    const found = outputs(seen, 'find_objects', (o) => o.args['name'] === n).pop();
    const elsewhere = found
      ? parseTable(found.content)
          .filter((r) => r['KIND'] === 'Secret' && r['NAME'] === n && r['NAMESPACE'] !== ns)
          .map((r) => r['NAMESPACE'])
      : [];
    return [
      {
        weight: 99,
        object: `secret ${n}`,
        cause: `the pod's imagePullSecret "${n}" does not exist in namespace ${ns}${elsewhere.length ? ` (it exists only in ${elsewhere.join(', ')}: secrets are per namespace)` : ''}, so the kubelet pulls without credentials and the registry answers pull access denied`,
        evidence: [
          `get_resource Pod ${String(yaml.args['name'])}: imagePullSecrets ${names.join(', ')}`,
          `list_resources Secret in ${ns}: no ${n}`,
        ],
        advice: `create the pull secret ${n} in ${ns} (copy it from ${elsewhere[0] ?? 'where it is kept'})`,
      },
    ];
  },
};
