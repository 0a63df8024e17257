import { parseDuration } from '@sre-harness/tools-k8s';
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

/** The described pods of the workload the task names that mount a ConfigMap, with its name. */
function mounting(ctx: AnalyzerContext) {
  return outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns).flatMap((d) => {
    const owner = ownerDeployment(d.content);
    if (!owner || !ctx.hints.some((h) => owner === h || owner.startsWith(`${h}-`))) return [];
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
    if (!CHANGED.test(ctx.task.slice(0, 4000))) return [];
    return mounting(ctx)
      .slice(0, 1)
      .flatMap((m) => [
        { tool: 'get_pod_logs', args: { namespace: ctx.ns, name: m.pod } },
        { tool: 'describe_resource', args: { kind: 'ConfigMap', name: m.configMap, namespace: ctx.ns } },
      ]);
  },
  finds(ctx) {
    const task = ctx.task.slice(0, 4000);
    if (!CHANGED.test(task)) return [];
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
