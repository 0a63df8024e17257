import { missingEnvLine, missingVariableSaid } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, outputs, type Read } from './types.js';

/*
 * Where a configuration value a program lacks can be found: the keys of the namespace's Secrets and
 * ConfigMaps (names only, as `describe` prints them; values are never read), the variables a
 * container sets (as `describe_pod` prints them) and the ports a Service exposes. The baseline's
 * `config-values` signature proposes `set_env` from these only when they determine the value.
 */

/** A name with case and the separators `-`, `_`, `.` dropped: STRIPE_API_KEY and stripe-api-key agree. */
export function normalizedName(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '');
}

/**
 * The keys of a described Secret (`key:  31 bytes` under `Data`) or ConfigMap (`key:` above a `----`
 * line), as kubectl prints them.
 */
export function describedKeys(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l, i) => /^Data\s*$/.test(l) && /^=+\s*$/.test(lines[i + 1] ?? ''));
  if (at < 0) return [];
  const keys: string[] = [];
  for (let i = at + 2; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^Events:/.test(l) || /^BinaryData\s*$/.test(l)) break;
    const secret = /^([-._a-zA-Z0-9]{1,253}):\s+\d{1,12} bytes\s*$/.exec(l);
    const map = /^([-._a-zA-Z0-9]{1,253}):\s*$/.exec(l);
    if (secret) keys.push(secret[1]!);
    else if (map && lines[i + 1] === '----') keys.push(map[1]!);
  }
  return keys;
}

/** One entry of a container's `Environment:` block in `describe_pod`. */
export interface EnvEntry {
  readonly name: string;
  /** The literal value, when the entry sets one. */
  readonly value?: string;
  /** The Secret or ConfigMap key it reads, when it reads one. */
  readonly ref?: { kind: 'Secret' | 'ConfigMap'; name: string; key: string };
}

/** The `Environment:` entries of one container section of `describe_pod`. */
export function envEntries(body: string): EnvEntry[] {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s+Environment:\s*$/.test(l));
  if (at < 0) return [];
  const indent = /^(\s*)/.exec(lines[at]!)![1]!.length;
  const out: EnvEntry[] = [];
  for (const l of lines.slice(at + 1)) {
    const depth = /^(\s*)/.exec(l)![1]!.length;
    if (depth <= indent || !l.trim()) break;
    const m = /^\s+([A-Za-z_][A-Za-z0-9_.-]{0,252}):\s+(.{0,4096})$/.exec(l);
    if (!m) continue;
    const v = m[2]!.trim();
    const ref = /^<set to the key '([^']{1,253})' (in secret|of config map) '([^']{1,253})'>/.exec(v);
    out.push(
      ref
        ? {
            name: m[1]!,
            ref: { kind: ref[2] === 'in secret' ? 'Secret' : 'ConfigMap', name: ref[3]!, key: ref[1]! },
          }
        : { name: m[1]!, value: v },
    );
  }
  return out;
}

/** A Secret or ConfigMap of the namespace, with the keys its description lists. */
export interface ConfigSource {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly keys: readonly string[];
}

/** The Secrets and ConfigMaps of a namespace described so far, with their keys. */
export function describedSources(seen: readonly SeenObservation[], ns: string): ConfigSource[] {
  const out: ConfigSource[] = [];
  for (const o of outputs(seen, 'describe_resource', (x) => x.args['namespace'] === ns)) {
    const kind = String(o.args['kind'] ?? '').toLowerCase();
    const k =
      kind === 'secret' || kind === 'secrets'
        ? 'Secret'
        : /^(configmaps?|cm)$/.test(kind)
          ? 'ConfigMap'
          : undefined;
    if (!k) continue;
    out.push({ kind: k, name: String(o.args['name'] ?? ''), keys: describedKeys(o.content) });
  }
  return out;
}

/**
 * The one key of the namespace's described Secrets and ConfigMaps that holds a variable under another
 * spelling (STRIPE_API_KEY as `stripe-api-key`, or as key `api-key` of Secret `stripe`), else the one
 * key that is the variable's name behind a prefix (`RAILS_SECRET_KEY_BASE`). Undefined
 * when none does, or more than one could (the evidence then does not say which).
 */
export function sourceFor(
  variable: string,
  sources: readonly ConfigSource[],
): { kind: 'Secret' | 'ConfigMap'; name: string; key: string } | undefined {
  const want = normalizedName(variable);
  const hits = sources.flatMap((s) =>
    s.keys
      .filter((k) => normalizedName(k) === want || normalizedName(`${s.name}${k}`) === want)
      .map((key) => ({ kind: s.kind, name: s.name, key })),
  );
  if (hits.length > 0) return hits.length === 1 ? hits[0] : undefined;
  // A key renamed with a prefix (SECRET_KEY_BASE kept as RAILS_SECRET_KEY_BASE by a new naming
  // scheme): the variable's whole name after a separator, and only one such key.
  const prefixed = sources.flatMap((s) =>
    s.keys
      .filter((k) => k.length > variable.length + 1 && /[-_.]/.test(k[k.length - variable.length - 1] ?? ''))
      .filter((k) => normalizedName(k.slice(k.length - variable.length)) === want)
      .map((key) => ({ kind: s.kind, name: s.name, key })),
  );
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

const LOG_LEVELS = /^(ERROR|WARN|WARNING|INFO|DEBUG|FATAL|CRITICAL|PANIC|TRACE|ERR)$/;

/** The variable a crash log says is missing, as the crash signature reads it (undefined when none). */
export function missingVariable(log: string): string | undefined {
  const runtime = missingEnvLine(log);
  if (runtime?.name) return runtime.name;
  const said = missingVariableSaid(log);
  if (!said) return undefined;
  return [...said.matchAll(/\b([A-Z][A-Z0-9_]{2,})\b/g)].map((m) => m[1]!).find((w) => !LOG_LEVELS.test(w));
}

/** The key a CreateContainerConfigError names as missing: `couldn't find key K in Secret ns/S`. */
export function missingKeyRef(
  text: string,
): { kind: 'Secret' | 'ConfigMap'; namespace: string; name: string; key: string } | undefined {
  const line = text.split('\n').find((l) => l.includes("couldn't find key "));
  const m = line
    ? /couldn't find key (\S{1,253}) in (Secret|ConfigMap) ([a-z0-9][a-z0-9-]{0,62})\/([a-z0-9][a-z0-9.-]{0,252})/.exec(
        line,
      )
    : undefined;
  return m ? { kind: m[2] as 'Secret' | 'ConfigMap', namespace: m[3]!, name: m[4]!, key: m[1]! } : undefined;
}

/** Names that hold no application configuration: the cluster's CA bundle, Helm's release records, tokens. */
const NOT_CONFIG = /^(kube-root-ca\.crt|istio-ca-root-cert)$|^sh\.helm\.release\.|-token-[a-z0-9]{5}$/;

/**
 * Reads a missing configuration value needs: for a variable a crash log says is unset, the
 * namespace's Secrets and ConfigMaps and their keys (at most four of each); for a key a Secret or
 * ConfigMap lacks (CreateContainerConfigError), that object's keys.
 */
export const configSourcesAnalyzer: Analyzer = {
  name: 'config-sources',
  reads({ ns, seen }) {
    const reads: Read[] = [];
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).map((o) => o.content);
    if (logs.some((l) => missingVariable(l) !== undefined)) {
      for (const kind of ['Secret', 'ConfigMap']) {
        reads.push({ tool: 'list_resources', args: { kind, namespace: ns } });
        const listed = outputs(
          seen,
          'list_resources',
          (o) => o.args['kind'] === kind && o.args['namespace'] === ns,
        ).pop();
        const names = listed ? parseTable(listed.content).map((r) => r['NAME'] ?? '') : [];
        for (const name of names.filter((n) => n && !NOT_CONFIG.test(n)).slice(0, 4))
          reads.push({ tool: 'describe_resource', args: { kind, name, namespace: ns } });
      }
    }
    const said = [...outputs(seen, 'describe_pod'), ...outputs(seen, 'get_events')].map((o) => o.content);
    for (const text of said) {
      const ref = missingKeyRef(text);
      if (ref && ref.namespace === ns)
        reads.push({ tool: 'describe_resource', args: { kind: ref.kind, name: ref.name, namespace: ns } });
    }
    return reads;
  },
  finds() {
    return [];
  },
};
