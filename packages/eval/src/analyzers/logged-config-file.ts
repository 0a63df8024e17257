import { errorLines, warningLines } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  describedVolumes,
  outputs,
  type Read,
} from './types.js';

/** An absolute file path in a log line (`file=/etc/prometheus/rules/x/y.yaml`, `"/etc/app/config.yml"`). Bounded. */
const PATH = /(?<![\w.-])(\/(?:[\w.@-]{1,100}\/){1,12}[\w.@-]{1,100})/g;
/** A snake_case or dotted name of six characters or more: a metric, a setting, a key the file may name. */
const NAME = /\b[a-z][a-z0-9]{1,40}(?:[_.][a-z0-9]{1,40}){1,6}\b/g;

interface Named {
  pod: string;
  path: string;
  mount: string;
  configMap: string;
  failures: string[];
}

/** The ConfigMap mounted where a failing or warning line of a read log names a file, if any. */
function named(ctx: AnalyzerContext): Named | undefined {
  for (const log of outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['namespace'] === ctx.ns && !o.args['previous'],
  )) {
    const tail = log.content.slice(-200_000);
    const failures = [...errorLines(tail), ...warningLines(tail)].filter((l) => l.length <= 8000);
    if (failures.length === 0) continue;
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content;
    if (!described) continue;
    const volumes = describedVolumes(described).filter((v) => v.type === 'ConfigMap' && v.source);
    const mounts = [...described.matchAll(/^\s+(\/\S{0,400}) from ([a-z0-9-]{1,63}) \(r[ow]/gm)];
    for (const f of failures)
      for (const m of f.slice(0, 8000).matchAll(PATH)) {
        const path = m[1]!;
        for (const mount of mounts) {
          const dir = mount[1]!.replace(/\/$/, '');
          const v = volumes.find((x) => x.name === mount[2]);
          if (v && (path === dir || path.startsWith(`${dir}/`)))
            return { pod, path, mount: dir, configMap: v.source, failures };
        }
      }
  }
  return undefined;
}

/**
 * A failing line that names a file the pod mounts from a ConfigMap (a rule file Prometheus cannot
 * evaluate, a configuration a program rejects): the ConfigMap is read, as an engineer opens the file the
 * error points at, and its lines that name what the failure names (a metric, a setting) are quoted in
 * the answer. Reads and notes only.
 */
export const loggedConfigFileAnalyzer: Analyzer = {
  name: 'logged-config-file',
  reads(ctx): Read[] {
    const n = named(ctx);
    if (!n) return [];
    return configMapText(ctx.seen, n.configMap, ctx.ns) !== undefined
      ? []
      : [{ tool: 'get_resource', args: { kind: 'ConfigMap', name: n.configMap, namespace: ctx.ns } }];
  },
  finds: () => [],
  notes(ctx): string[] {
    const n = named(ctx);
    if (!n) return [];
    const text = configMapText(ctx.seen, n.configMap, ctx.ns);
    if (!text) return [];
    // The file's own name (`x.yaml`) is in every line that names the file: not a shared name.
    const names = new Set(
      (n.failures.join('\n').slice(0, 50_000).match(NAME) ?? []).filter((w) => !n.path.endsWith(w)),
    );
    const lines = text
      .slice(0, 200_000)
      .split('\n')
      .map((l) => l.trim())
      .filter(
        (l) =>
          l.length <= 400 &&
          !/:\s*[|>][-+]?$/.test(l) &&
          [...(l.match(NAME) ?? [])].some((w) => names.has(w)),
      )
      .slice(0, 3);
    if (lines.length === 0) return [];
    return [
      `The file the failing lines of ${n.pod} name, ${n.path}, comes from ConfigMap ${n.configMap} (mounted at ${n.mount}); its lines that name the same things: ${lines.map((l) => `"${clip(l, 160)}"`).join('; ')}.`,
    ];
  },
};
