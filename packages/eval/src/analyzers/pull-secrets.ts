import { parseTable } from '../k8s-text.js';
import { type Analyzer, listed, outputs, type Read, tableOf, textOf } from './types.js';

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
    if (missing.length === 0) return [];
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
