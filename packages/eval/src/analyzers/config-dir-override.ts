import { parse as parseYaml } from 'yaml';
import { escapeRe } from '../baseline/reading.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  configMapVolumeList,
  containerSections,
  type Finding,
  outputs,
  type Read,
  unreadConfigMaps,
} from './types.js';

/** Files of a ConfigMap larger than this are not parsed (characters). */
const MAX_FILE = 100_000;

interface Unready {
  readonly pod: string;
  readonly container: string;
  readonly port: string;
  /** The mount path the container's arguments name as a directory. */
  readonly dir: string;
  /** The argument that names it (`--config-path=/config`). */
  readonly arg: string;
  readonly configMap: string;
  /** The kubelet's probe failure, when the description shows one. */
  readonly event?: string;
}

/**
 * Pods of the namespace with a container not Ready whose readiness probe checks a port, and whose
 * arguments name a ConfigMap's mount path as a whole (a configuration directory: `--config-path=/config`,
 * `-c /etc/app/conf.d`), not a file under it.
 */
function unready(ctx: AnalyzerContext): Unready[] {
  const out: Unready[] = [];
  for (const o of outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns)) {
    const text = o.content.slice(0, 200_000);
    const volumes = new Map<string, string>();
    for (const v of configMapVolumeList(text)) if (v.volume) volumes.set(v.volume, v.configMap);
    if (volumes.size === 0) continue;
    for (const c of containerSections(text)) {
      if (c.init || !/^\s+Ready:\s+False\s*$/m.test(c.body)) continue;
      const probed = /^\s+Readiness:\s+(?:http-get \S*?:|tcp-socket :)([\w-]{1,63})\b/m.exec(c.body)?.[1];
      // A named port (`http-get http://:http/healthz`) is the number the container's Ports give it.
      const port =
        probed && /^\d{1,5}$/.test(probed)
          ? probed
          : probed
            ? new RegExp(`\\b(\\d{1,5})/(?:TCP|UDP|SCTP) \\(${escapeRe(probed)}\\)`).exec(c.body)?.[1]
            : undefined;
      if (!port) continue;
      const args = [
        /^\s+Command:\s+(.{1,2000})$/m.exec(c.body)?.[1] ?? '',
        /^\s+Args:\s+(.{1,2000})$/m.exec(c.body)?.[1] ?? '',
      ].join(' ');
      for (const m of c.body.matchAll(
        /^\s+(\/[\w./-]{0,250}) from ([a-z0-9][a-z0-9.-]{0,62}) \(r[ow]\)$/gm,
      )) {
        const configMap = volumes.get(m[2]!);
        if (!configMap) continue;
        const dir = m[1]!.replace(/\/+$/, '');
        // The directory itself (followed by a space, the end, or a trailing slash), after `=` or a space.
        const at = new RegExp(`(?:^|[ =])(${escapeRe(dir)})/?(?= |$)`).exec(args);
        if (!at) continue;
        const arg =
          args
            .slice(0, at.index + at[0].length)
            .split(' ')
            .pop() || at[1]!;
        const event = /Readiness probe failed: [^\n]{0,300}/.exec(text)?.[0];
        // A probe answered with an HTTP status shows something listens on the port: not this case.
        if (event && /status ?code|HTTP probe failed with/i.test(event)) continue;
        out.push({
          pod: String(o.args['name']),
          container: c.name,
          port,
          dir,
          arg,
          configMap,
          ...(event ? { event } : {}),
        });
      }
    }
  }
  return out.slice(0, 2);
}

/** The YAML files of a ConfigMap's `get_resource` text, in name order, each with its parsed top level. */
function yamlFiles(text: string): { name: string; top: Record<string, unknown> }[] {
  if (text.length > 400_000) return [];
  let data: Record<string, unknown> | undefined;
  try {
    data = (parseYaml(text) as { data?: Record<string, unknown> } | null)?.data;
  } catch {
    return [];
  }
  const out: { name: string; top: Record<string, unknown> }[] = [];
  for (const name of Object.keys(data ?? {}).sort()) {
    const body = data?.[name];
    if (!/\.ya?ml$/i.test(name) || typeof body !== 'string' || body.length > MAX_FILE) continue;
    try {
      const top = parseYaml(body) as unknown;
      if (top && typeof top === 'object' && !Array.isArray(top))
        out.push({ name, top: top as Record<string, unknown> });
    } catch {
      // Not YAML the program could read either; another rule speaks of it.
    }
  }
  return out;
}

/** Whether a parsed value holds `port` as a number or a whole string anywhere inside. */
function holdsPort(value: unknown, port: string): boolean {
  return new RegExp(`(?<![\\d.])${port}(?![\\d.])`).test(JSON.stringify(value) ?? '');
}

/**
 * A readiness probe refused on a port that the configuration sets, in a program reading its configuration
 * as a directory of YAML files (a ConfigMap mounted there): two files set the same top-level key, and the
 * later one (in name order, the order a directory is read) has no entry for the probe's port. A program
 * that merges such files by top-level key (Synapse's `--config-path`) keeps the later file's value whole,
 * so the earlier file's entry for the port is gone and nothing listens there. Not said when the earlier
 * file does not hold the port either.
 */
export const configDirOverrideAnalyzer: Analyzer = {
  name: 'config-dir-override',
  first: true,
  reads(ctx): Read[] {
    return unreadConfigMaps(
      ctx.seen,
      ctx.ns,
      unready(ctx).map((u) => u.configMap),
      1,
    );
  },
  finds(ctx): Finding[] {
    for (const u of unready(ctx)) {
      const text = configMapText(ctx.seen, u.configMap, ctx.ns);
      if (!text) continue;
      const files = yamlFiles(text);
      for (let i = files.length - 1; i > 0; i--) {
        const last = files[i]!;
        for (const key of Object.keys(last.top)) {
          // Only a list: a list set again is replaced under any merge; a mapping may be merged key by key.
          if (!Array.isArray(last.top[key]) || holdsPort(last.top[key], u.port)) continue;
          const earlier = files
            .slice(0, i)
            .find((f) => Array.isArray(f.top[key]) && holdsPort(f.top[key], u.port));
          if (!earlier) continue;
          return [
            {
              weight: 90,
              object: `pod ${u.pod}`,
              cause: `the container ${u.container} reads its configuration as the directory ${u.dir} (${u.arg}), where ConfigMap ${u.configMap} is mounted, and two of its files set the top-level key ${key}: ${earlier.name} (with port ${u.port}) and ${last.name} (without it). A program that merges such files by top-level key keeps the later file's value whole (Synapse's --config-path does), so ${last.name}'s ${key} replaces ${earlier.name}'s and nothing listens on ${u.port}, the port the readiness probe checks${u.event ? ` ("${clip(u.event, 160)}")` : ''}`,
              evidence: [
                `describe_pod ${u.pod}: container ${u.container} not Ready, readiness probe on port ${u.port}, arguments ${u.arg}`,
                `get_resource ConfigMap ${u.configMap}: ${key} set in ${earlier.name} and again in ${last.name}`,
              ],
              advice: `put the entries of ${last.name}'s ${key} into ${earlier.name}'s ${key} (one list) and drop the key from ${last.name}, then restart the pod`,
              revisionSound: true,
            },
          ];
        }
      }
    }
    return [];
  },
};
