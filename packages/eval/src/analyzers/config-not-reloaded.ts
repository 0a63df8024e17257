import { parseDuration } from '@sre-harness/tools-k8s';
import { dependencyHosts, escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  describedVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
  unmadeReads,
} from './types.js';

/** The person changed configuration and the program still behaves as before. */
const CHANGED =
  /\b(?:config(?:uration)?|configmap|values?|helm upgrade|settings?)\b[^.?!]{0,200}\b(?:still|not (?:picked|showing|shown|reflected|applied)|old (?:value|setting|config)|unchanged|missing)\b|\b(?:added|changed|updated|edited|set)\b[^.?!]{0,200}\b(?:still|but)\b|\b(?:edit|chang|updat|rais|lower|increas|decreas|bump)(?:ed|ing)\b[^?!]{0,80}\bconfig ?maps?\b[^?!]{0,200}\b(?:still|no effect|not (?:picked|applied|reflected)|unchanged)\b/i;
/** How long ago the person says the change was made: "about 40 minutes ago", "2 hours ago". */
const AGO = /\b(\d{1,3}) ?(minutes?|mins?|hours?|hrs?|h|m)\b (?:ago|earlier)/i;
/** A program saying, at start, that it read its configuration. */
const LOADED =
  /\b(?:using config(?:uration)? file|loaded? (?:config|configuration|settings)|loaded \d{1,6} \w{1,30}|reading config|config(?:uration)? loaded|parsed config|loaded \/\S{1,200}\.(?:ya?ml|json|toml|conf|ini|properties)\b)/i;
/** A program saying it watches its configuration file for changes (hot reload). */
const WATCHES = /\b(?:watching|watch(?:es|er)? (?:on|for)|inotify|fsnotify|hot[- ]reload\w{0,3})\b/i;

function changedAgo(task: string): number | undefined {
  const m = AGO.exec(task);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase().startsWith('h') ? 'h' : 'm';
  return parseDuration(`${m[1]}${unit}`);
}

/** A line saying a name did not resolve or a connection to it failed. */
const UNREACHED =
  /domain name not found|no such host|nxdomain|enotfound|eai_again|could not resolve|name or service not known|connection refused|econnrefused|no upstream connections? available|unknownhostexception|server misbehaving/i;

/**
 * The hosts a log's failure lines name (first DNS label, lower case): `getaddrinfo(host='es-old.ns.svc', …)`,
 * `dial tcp es-old:9200: connect: connection refused`, `lookup es-old on …: no such host` (or `server
 * misbehaving`), `UnknownHostException: es-old`. Not nginx's `host: "…"`, the client's Host header. At most the
 * last 200,000 characters and 2,000 characters of a line are read.
 */
export function unreachedHosts(log: string): string[] {
  const out = new Set<string>();
  for (const raw of log.slice(-200_000).split('\n')) {
    const line = raw.slice(0, 2000);
    if (!UNREACHED.test(line)) continue;
    for (const h of dependencyHosts(line)) out.add(h.toLowerCase());
    const named =
      /\bhost=['"]([a-z][a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63}){0,6}['"]/i.exec(line)?.[1] ??
      /UnknownHostException:?\s{1,3}([a-z][a-z0-9-]{0,62})/i.exec(line)?.[1] ??
      /\blookup ([a-z][a-z0-9-]{0,62})(?:\.[a-z0-9-]{1,63}){0,6}(?: on [^:\s]{1,100}(?::\d{1,5})?)?: (?:no such host|server misbehaving|i\/o timeout)/i.exec(
        line,
      )?.[1] ??
      /\b(?:ENOTFOUND|EAI_AGAIN)\s{1,3}([a-z][a-z0-9-]{0,62})/i.exec(line)?.[1];
    if (named) out.add(named.toLowerCase());
  }
  return [...out];
}

/**
 * A host-like name of `data` that stands where `host` stood: the same stem with another suffix of the same
 * kind, a version for a version (`es-logs-v8` for `es-logs-v7`), a colour for a colour (`orders-db-blue` for
 * `orders-db-green`), new for old.
 */
function replacement(host: string, data: string): string | undefined {
  const m = /^([a-z0-9][a-z0-9-]{1,60}?)(-?)(v?\d{1,4}|blue|green|old|new)$/.exec(host);
  if (!m || m[1]!.length < 3) return undefined;
  const kind = /\d/.test(m[3]!) ? 'v?\\d{1,4}' : /blue|green/.test(m[3]!) ? '(?:blue|green)' : '(?:old|new)';
  const re = new RegExp(`(?<![a-z0-9-])${escapeRe(m[1]!)}${m[2]}${kind}(?![a-z0-9-])`, 'gi');
  for (const x of data.slice(0, 100_000).matchAll(re))
    if (x[0].toLowerCase() !== host) return x[0].toLowerCase();
  return undefined;
}

/** The described pods of the workload the task names (any, when `anyOwner`) that mount a ConfigMap, with its name. */
function mounting(ctx: AnalyzerContext, anyOwner = false) {
  return outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns).flatMap((d) => {
    const owner = ownerDeployment(d.content);
    if (!owner || (!anyOwner && !ctx.hints.some((h) => owner === h || owner.startsWith(`${h}-`)))) return [];
    return describedVolumes(d.content)
      .filter((v) => v.type === 'ConfigMap' && v.source)
      .map((v) => ({ pod: String(d.args['name'] ?? ''), owner, configMap: v.source }));
  });
}

/**
 * A configuration change the running program never read: the pods started before the change and
 * the program reads its ConfigMap only at start. Changing a ConfigMap does not change the pod template,
 * so no rollout follows; a mounted file is refreshed in place (environment variables and subPath
 * mounts never are), but a program that does not watch it keeps what it loaded. The fix is a rollout
 * restart (or a checksum annotation of the config in the template, so each change rolls the pods).
 * https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically ;
 * https://helm.sh/docs/howto/charts_tips_and_tricks/#automatically-roll-deployments
 */
export const configNotReloadedAnalyzer: Analyzer = {
  name: 'config-not-reloaded',
  reads(ctx): Read[] {
    if (!CHANGED.test(ctx.task.slice(0, 4000))) {
      // A running pod whose log fails to reach a host: the ConfigMap it mounts may name another one now.
      // Its description says which ConfigMap (at most one pod described for it).
      const described = new Set(
        outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns).map((o) =>
          String(o.args['name']),
        ),
      );
      if (mounting(ctx, true).length === 0)
        for (const o of outputs(
          ctx.seen,
          'get_pod_logs',
          (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
        )) {
          const pod = String(o.args['name'] ?? '');
          if (described.has(pod) || unreachedHosts(o.content).length === 0) continue;
          return unmadeReads(ctx.seen, [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } }]);
        }
      for (const m of mounting(ctx, true)) {
        const log = outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['name'] === m.pod && !o.args['previous'],
        ).pop();
        if (log && unreachedHosts(log.content).length > 0)
          return unmadeReads(ctx.seen, [
            { tool: 'describe_resource', args: { kind: 'ConfigMap', name: m.configMap, namespace: ctx.ns } },
          ]);
      }
      return [];
    }
    return mounting(ctx)
      .slice(0, 1)
      .flatMap((m) => [
        { tool: 'get_pod_logs', args: { namespace: ctx.ns, name: m.pod } },
        { tool: 'describe_resource', args: { kind: 'ConfigMap', name: m.configMap, namespace: ctx.ns } },
      ]);
  },
  finds(ctx) {
    const task = ctx.task.slice(0, 4000);
    if (!CHANGED.test(task)) return staleHost(ctx);
    const ago = changedAgo(task);
    const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).pop();
    for (const m of mounting(ctx)) {
      const row = parseTable(listed?.content ?? '').find((r) => r['NAME'] === m.pod);
      const age = parseDuration(row?.['AGE'] ?? '');
      // The pods must be older than the change (when the person says when it was), and running as they
      // started: Running, every container ready, never restarted (a restart would have read it).
      if (age === undefined || (ago !== undefined && age <= ago)) continue;
      const [ready, total] = (row?.['READY'] ?? '').split('/');
      if (row?.['STATUS'] !== 'Running' || ready !== total || !/^0\b/.test(row?.['RESTARTS'] ?? '')) continue;
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === m.pod).pop()?.content ?? '';
      const loaded = log.split('\n').filter((l) => LOADED.test(l));
      if (loaded.length === 0) continue;
      // What the ConfigMap now holds that the program never logged (the new entry the person added).
      const cm = outputs(
        ctx.seen,
        'describe_resource',
        (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === m.configMap,
      ).pop()?.content;
      // Names only (with a hyphen or digit, as the names of clusters, hosts and queues have), in its data.
      const data = cm ? cm.slice(Math.max(0, cm.indexOf('\nData'))) : '';
      const fresh = ctx.hints.filter((h) => /[-\d]/.test(h) && data.includes(h) && !log.includes(h));
      // It says it watches the file: the kubelet updates a ConfigMap volume by swapping the ..data
      // symlink to a new directory (its atomic writer), never by writing the file, so a watch on the
      // file (inotify IN_MODIFY on it) never fires.
      const watch = log.split('\n').find((l) => l.length <= 2000 && WATCHES.test(l) && !LOADED.test(l));
      const out: Finding = {
        weight: 91,
        object: `deployment ${m.owner}`,
        cause: `the pods of ${m.owner} still run with the old configuration: they started ${row?.['AGE']} ago${ago !== undefined ? `, before the change ${Math.round(ago / 60)} minutes ago` : ''}, and the program reads its configuration only when it starts (its log: ${loaded
          .slice(0, 2)
          .map((l) => `"${clip(l.trim(), 100)}"`)
          .join(
            ', ',
          )})${fresh.length ? `; ConfigMap ${m.configMap} now holds ${fresh.join(', ')}, which the running program never loaded` : ''}. Changing a ConfigMap does not change the pod template, so no rollout happened: the mounted file is updated in place, but the process does not reload it (environment variables and subPath mounts are never updated at all)${watch ? `. Its log says it watches the file ("${clip(watch.trim(), 110)}"), but the kubelet refreshes a ConfigMap volume by swapping the ..data symlink to a new directory, not by writing the file, so a watch on the file itself never fires; watch the directory (or the symlink) instead` : ''}. The change itself was made`,
        evidence: [
          `list_pods ${ctx.ns}: ${m.pod} AGE ${row?.['AGE']}`,
          `get_pod_logs ${m.pod}: ${clip(loaded[0]!.trim(), 140)}`,
          ...(cm
            ? [
                `describe_resource ConfigMap ${m.configMap}${fresh.length ? `: holds ${fresh.join(', ')}` : ''}`,
              ]
            : []),
        ],
        advice: `restart deployment ${m.owner} (kubectl rollout restart) so new pods load the current ConfigMap, and add a checksum of the config as a pod-template annotation so every config change rolls the pods`,
        fix: {
          tool: 'restart_deployment',
          args: { namespace: ctx.ns, name: m.owner },
          text: `restart deployment ${m.owner} so its pods load the current ConfigMap ${m.configMap}`,
        },
      };
      return [out];
    }
    return [];
  },
};

/**
 * The same finding read from the evidence alone: a Running pod, never restarted, logs that it cannot reach
 * a host (it does not resolve, or refuses) that the ConfigMap it mounts no longer names, while that
 * ConfigMap names another of the same stem in its place (`es-logs-v8` for `es-logs-v7`): the process runs
 * the configuration it loaded at start, from before the ConfigMap changed.
 */
function staleHost(ctx: AnalyzerContext): Finding[] {
  const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).pop();
  const mounts = mounting(ctx, true);
  for (const m of mounts) {
    const row = parseTable(listed?.content ?? '').find((r) => r['NAME'] === m.pod);
    const [ready, total] = (row?.['READY'] ?? '').split('/');
    if (row?.['STATUS'] !== 'Running' || ready !== total || !/^0\b/.test(row?.['RESTARTS'] ?? '')) continue;
    const log = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['name'] === m.pod && !o.args['previous'],
    ).pop();
    const cm = outputs(
      ctx.seen,
      'describe_resource',
      (o) =>
        o.args['kind'] === 'ConfigMap' && o.args['name'] === m.configMap && o.args['namespace'] === ctx.ns,
    ).pop()?.content;
    if (!log || !cm) continue;
    const data = cm.slice(Math.max(0, cm.indexOf('\nData'))).toLowerCase();
    // Every other ConfigMap the pod mounts that was read: one that still names the host keeps it configured.
    const others = mounts
      .filter((x) => x.pod === m.pod && x.configMap !== m.configMap)
      .map(
        (x) =>
          outputs(
            ctx.seen,
            'describe_resource',
            (o) =>
              o.args['kind'] === 'ConfigMap' &&
              o.args['name'] === x.configMap &&
              o.args['namespace'] === ctx.ns,
          )
            .pop()
            ?.content.toLowerCase() ?? '',
      );
    for (const host of unreachedHosts(log.content)) {
      if (data.includes(host) || others.some((o) => o.includes(host))) continue;
      const now = replacement(host, data);
      if (!now) continue;
      const failed = log.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 2000 && UNREACHED.test(l) && l.toLowerCase().includes(host))
        .pop();
      const cmAge = /^Age:\s+(\S{1,20})$/m.exec(cm)?.[1];
      const podAge = parseDuration(row['AGE'] ?? '');
      const younger =
        cmAge !== undefined && podAge !== undefined && (parseDuration(cmAge) ?? podAge) < podAge;
      return [
        {
          weight: 91,
          object: `deployment ${m.owner}`,
          cause: `the pods of ${m.owner} still run with the old configuration: ${m.pod} (started ${row['AGE']} ago, never restarted) still sends to ${host}, which fails ("${clip((failed ?? '').trim(), 160)}"), while ConfigMap ${m.configMap}, which it mounts, no longer names ${host} and names ${now} in its place${younger ? ` (the ConfigMap is ${cmAge} old, younger than the pod)` : ''}. The program reads its configuration only when it starts: changing a ConfigMap does not change the pod template, so no rollout happened, and the mounted file is updated in place but the running process never reloads it. The change itself is right; the pods have not picked it up`,
          evidence: [
            `get_pod_logs ${m.pod}: ${clip((failed ?? '').trim(), 160)}`,
            `describe_resource ConfigMap ${m.configMap}: names ${now}, not ${host}`,
            `list_pods ${ctx.ns}: ${m.pod} AGE ${row['AGE']}, 0 restarts`,
          ],
          advice: `restart deployment ${m.owner} (kubectl rollout restart) so new pods load the current ConfigMap, and add a checksum of the config as a pod-template annotation so every config change rolls the pods`,
          fix: {
            tool: 'restart_deployment',
            args: { namespace: ctx.ns, name: m.owner },
            text: `restart deployment ${m.owner} so its pods load the current ConfigMap ${m.configMap} (${now})`,
          },
        },
      ];
    }
  }
  return [];
}
