import {
  type Analyzer,
  clip,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  textOf,
} from './types.js';

// A program that fell back to a default address because its setting was empty.
const DEFAULT_HOST = ['localhost', '127.0.0.1', '[::1]', '0.0.0.0'];

/** Environment variables a pod description says come from an optional ConfigMap key. */
function optionalRefs(describe: string): { variable: string; key: string; map: string }[] {
  const out: { variable: string; key: string; map: string }[] = [];
  for (const line of describe.split('\n')) {
    const m =
      /^\s+([A-Za-z_][A-Za-z0-9_]{0,127}):\s+<set to the key '([^']{1,253})' of config map '([^']{1,253})'> Optional: true/.exec(
        line,
      );
    if (m) out.push({ variable: m[1]!, key: m[2]!, map: m[3]! });
  }
  return out;
}

/** The keys of a described ConfigMap (`KEY:` lines above a `----` line, as kubectl prints `Data`). */
function configMapKeys(text: string): string[] {
  const lines = text.split('\n');
  const keys: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^([-._a-zA-Z0-9]{1,253}):$/.exec(lines[i]!);
    if (m && lines[i + 1] === '----') keys.push(m[1]!);
  }
  return keys;
}

/**
 * A variable taken from a ConfigMap key marked `optional: true` is left unset when the key is
 * missing (kubernetes.io, "Configure a Pod to Use a ConfigMap": optional references), so a program
 * quietly uses its default, often localhost. Read when the program's log shows it dialing a default
 * address.
 */
export const optionalKeysAnalyzer: Analyzer = {
  name: 'optional-keys',
  reads({ ns, seen }) {
    const logs = textOf(seen, 'get_pod_logs');
    if (!DEFAULT_HOST.some((h) => logs.includes(h))) return [];
    const maps = new Set(
      outputs(seen, 'describe_pod').flatMap((d) => optionalRefs(d.content).map((r) => r.map)),
    );
    return [...maps]
      .slice(0, 2)
      .map((name): Read => ({ tool: 'describe_resource', args: { kind: 'ConfigMap', name, namespace: ns } }));
  },
  finds({ seen }) {
    const logs = textOf(seen, 'get_pod_logs');
    const line = logs
      .split('\n')
      .find((l) => DEFAULT_HOST.some((h) => l.includes(h)) && /error|fail|refused|dial|connect/i.test(l));
    if (!line) return [];
    for (const d of outputs(seen, 'describe_pod')) {
      for (const r of optionalRefs(d.content)) {
        const cm = outputs(
          seen,
          'describe_resource',
          (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === r.map,
        ).pop();
        if (!cm) continue;
        const keys = configMapKeys(cm.content);
        if (keys.includes(r.key)) continue;
        const pod = String(d.args['name'] ?? '');
        const owner = ownerDeployment(d.content);
        const finding: Finding = {
          weight: 90,
          object: podObject(owner, pod),
          cause: `${r.variable} comes from key '${r.key}' of ConfigMap ${r.map} with optional: true, and ConfigMap ${r.map} has no key '${r.key}' (its keys: ${keys.slice(0, 6).join(', ') || 'none'}), so Kubernetes leaves ${r.variable} unset instead of failing, and the program falls back to its default: "${clip(line, 140)}"`,
          evidence: [
            `describe_pod ${pod}: ${r.variable}: <set to the key '${r.key}' of config map '${r.map}'> Optional: true`,
            `describe_resource ConfigMap ${r.map}: keys ${keys.join(', ') || 'none'}`,
          ],
          advice: `point ${r.variable} at the key the ConfigMap has now (or add the key '${r.key}' back), then restart the pods; drop optional: true so a missing key fails loudly`,
        };
        return [finding];
      }
    }
    return [];
  },
};
