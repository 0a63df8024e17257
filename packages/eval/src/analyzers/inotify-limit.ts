import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapText,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

/**
 * A program that could not set up its inotify watches: its own words (`failed to setup inotify`,
 * `increase inotify limits`), or inotify_add_watch's ENOSPC, which is how the kernel says the user's
 * watch limit (fs.inotify.max_user_watches) is used up (inotify(7)). Linear: fixed words, bounded gaps.
 */
const INOTIFY_FAILED =
  /\b(?:fail\w{0,4}|unable|cannot|could not|error:)\s.{0,80}inotify|inotify.{0,80}(?:\bfail|no space left|ENOSPC|too many open|limit reached|increase)/i;
/** A failure that names the watch limit: inotify_add_watch's ENOSPC (inotify(7)), Node's "file watchers". */
const WATCHES = /ENOSPC|no space left|max_user_watches|file watchers|\bwatch(?:es)? limit/i;
/** The node's inotify limits where a setting file or a command sets them (`fs.inotify.max_user_watches = 8192`). */
const LIMIT_SET = /fs\.inotify\.(max_user_watches|max_user_instances)\s{0,4}[=:]\s{0,4}["']?(\d{1,10})/g;
/** A failure that names the instance limit: inotify_init1's EMFILE (inotify(7)). */
const INSTANCES = /instance|EMFILE|too many open files|max_user_instances/i;
/** A count of directories the program scans (`141 322 directories`, `141,322 dirs`): one watch each. */
const DIRECTORIES = /(\d{1,3}(?:[ ,.\u202f\u00a0]\d{3}){0,4}|\d{1,12}) (?:directories|dirs|folders)\b/i;
/** What the program does instead of watching: a periodic rescan or polling. */
const FALLBACK = /\b(?:rescan|full scan|periodic(?:al)? scan|polling|poll every|scan every)\b/i;
/** Names of the objects that carry node kernel settings (a tuning DaemonSet, a sysctl ConfigMap). */
const NODE_SETTINGS = /sysctl|tun(?:er|ing)|kernel|node-(?:init|setup|config|settings)/i;

/** The first log line of the namespace that says inotify could not be set up, with its pod. */
function failedWatch({ ns, seen }: AnalyzerContext) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const lines = boundedLogLines(o.content);
    const at = lines.findIndex((l) => INOTIFY_FAILED.test(l));
    if (at >= 0) return { pod: String(o.args['name'] ?? ''), lines, at };
  }
  return undefined;
}

/** The limit a read node-settings ConfigMap or DaemonSet sets for `setting`, with where. */
function nodeLimit(seen: AnalyzerContext['seen'], setting: string) {
  const texts = [
    ...outputs(seen, 'get_resource', (o) => o.args['kind'] === 'ConfigMap').map((o) => ({
      where: `ConfigMap ${String(o.args['namespace'] ?? '')}/${String(o.args['name'] ?? '')}`,
      text: o.content,
    })),
    ...outputs(seen, 'describe_resource', (o) => /^(daemonsets?|ds)$/i.test(String(o.args['kind']))).map(
      (o) => ({
        where: `DaemonSet ${String(o.args['namespace'] ?? '')}/${String(o.args['name'] ?? '')}`,
        text: o.content,
      }),
    ),
  ];
  for (const t of texts)
    for (const m of t.text.slice(0, 100_000).matchAll(LIMIT_SET))
      if (m[1] === setting) return { where: t.where, value: Number(m[2]), line: m[0] };
  return undefined;
}

/**
 * A file watcher that cannot watch: inotify needs one watch per watched directory, and the node's
 * `fs.inotify.max_user_watches` (a kernel setting of the node, not of the pod: no pod securityContext may
 * set it) caps the watches of a user across the whole node, 8192 on older kernels' defaults. A program
 * that watches a tree of more directories than the limit fails to set up its watcher, and a sync or
 * reload program then falls back to periodic rescans, so changes wait for the next rescan. Found from the
 * program's log (the failure, the directories it scanned, its fallback) and the node settings it reads
 * from kube-system (a sysctl ConfigMap or a tuning DaemonSet).
 */
export const inotifyLimitAnalyzer: Analyzer = {
  name: 'inotify-limit',
  // The node settings follow from the program's own log line at once.
  first: true,
  reads(ctx) {
    const f = failedWatch(ctx);
    if (!f || nodeLimit(ctx.seen, settingOf(f.lines[f.at]!))) return [];
    const reads: Read[] = [];
    for (const kind of ['ConfigMap', 'DaemonSet']) {
      const listed = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['kind'] === kind && o.args['namespace'] === 'kube-system',
      ).pop();
      if (!listed) {
        reads.push({ tool: 'list_resources', args: { kind, namespace: 'kube-system' } });
        continue;
      }
      for (const r of parseTable(listed.content)
        .filter((x) => NODE_SETTINGS.test(x['NAME'] ?? ''))
        .slice(0, 2)) {
        const name = r['NAME']!;
        if (kind === 'ConfigMap' && configMapText(ctx.seen, name, 'kube-system') === undefined)
          reads.push({ tool: 'get_resource', args: { kind, name, namespace: 'kube-system' } });
        if (kind === 'DaemonSet')
          reads.push({ tool: 'describe_resource', args: { kind, name, namespace: 'kube-system' } });
      }
    }
    return reads;
  },
  finds(ctx) {
    const f = failedWatch(ctx);
    if (!f) return [];
    const line = f.lines[f.at]!;
    const setting = settingOf(line);
    const instances = setting === 'max_user_instances';
    const dirs = instances
      ? undefined
      : f.lines
          .map((l) => DIRECTORIES.exec(l))
          .filter((m) => m !== null)
          .map((m) => ({ n: Number(m[1]!.replace(/\D/g, '')), text: m[0] }))
          .sort((a, b) => b.n - a.n)[0];
    const fallback = f.lines.slice(f.at + 1).find((l) => FALLBACK.test(l) && l.length <= 4000);
    const limit = nodeLimit(ctx.seen, setting);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.pod).pop()?.content;
    const owner = described ? ownerDeployment(described) : undefined;
    const over = limit && dirs && dirs.n > limit.value;
    const what = instances
      ? 'each inotify watcher the program opens is one inotify instance, and the node caps the instances of a user at fs.inotify.max_user_instances'
      : 'inotify needs one watch per directory it watches, and the node caps the watches of a user at fs.inotify.max_user_watches';
    const out: Finding = {
      weight: 90,
      object: podObject(owner, f.pod),
      cause: `pod ${f.pod} cannot watch its files with inotify ("${clip(line.trim(), 200)}"): ${what}${limit ? ` (${limit.value} in ${limit.where}: "${clip(limit.line, 80)}")` : ''}${dirs ? `, while the program watches ${dirs.text}` : ''}${over ? ', far more than the limit' : ''}, so the limit is too low for it${fallback ? `; without its watcher it relies on periodic rescans ("${clip(fallback.trim(), 160)}"), so a change waits for the next rescan` : ''}`,
      evidence: [
        `get_pod_logs ${f.pod}: "${clip(line.trim(), 200)}"`,
        ...(dirs ? [`get_pod_logs ${f.pod}: ${dirs.text}`] : []),
        ...(fallback ? [`get_pod_logs ${f.pod}: "${clip(fallback.trim(), 160)}"`] : []),
        ...(limit ? [`get_resource ${limit.where}: ${limit.line}`] : []),
      ],
      advice: `raise fs.inotify.${setting} on the nodes${dirs ? ` above the ${dirs.n} directories watched, with headroom (${watchesFor(dirs.n)})` : instances ? ' (8192 is a common setting), or have the program share one watcher' : ' (524288 is a common setting)'}${limit ? ` where ${limit.where} sets it` : ' in the node image or a privileged node-tuning DaemonSet'}; it is a node kernel setting, so a pod cannot set it for itself`,
    };
    return [out];
  },
};

/** The limit a failure line points at: the instances (EMFILE) or, by default, the watches (ENOSPC). */
function settingOf(line: string): 'max_user_watches' | 'max_user_instances' {
  return !WATCHES.test(line) && INSTANCES.test(line) ? 'max_user_instances' : 'max_user_watches';
}

/** A watch limit above `n` directories with a quarter to spare: the next power of two (524288 at least). */
function watchesFor(n: number): number {
  let v = 524288;
  while (v < n * 1.25) v *= 2;
  return v;
}
