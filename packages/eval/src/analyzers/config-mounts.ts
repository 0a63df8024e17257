import {
  type Analyzer,
  describedMounts,
  describedVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

// A task about a configuration change that did not take effect.
const CONFIG_CHANGE =
  /\b(?:config ?maps?|configuration|config|flags?|settings?|reload|hot-reload|still (?:serving|using|running)|not (?:picked|applied|updated)|didn'?t (?:pick|take|apply))\b/i;

/**
 * A ConfigMap edit that never reaches running pods because they mount it with subPath: kubelet
 * refreshes projected ConfigMap volumes, but "a container using a ConfigMap as a subPath volume
 * mount will not receive ConfigMap updates" (kubernetes.io, Configure a Pod to Use a ConfigMap).
 * `describe_pod` shows a subPath mount as `(ro,path="file")`, as kubectl does.
 */
export const configMountsAnalyzer: Analyzer = {
  name: 'config-mounts',
  reads: () => [],
  finds({ task, seen, hints }) {
    if (!CONFIG_CHANGE.test(task)) return [];
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod')) {
      const maps = new Map(
        describedVolumes(d.content)
          .filter((v) => v.type === 'ConfigMap' && v.source)
          .map((v) => [v.name, v.source] as const),
      );
      for (const m of describedMounts(d.content)) {
        const cm = m.subPath !== undefined ? maps.get(m.volume) : undefined;
        if (!cm) continue;
        const pod = String(d.args['name'] ?? '');
        const owner = ownerDeployment(d.content);
        out.push({
          weight: 84 + (hints.some((h) => cm.includes(h) || pod.startsWith(h)) ? 4 : 0),
          object: podObject(owner, pod),
          cause: `the pods mount ConfigMap ${cm} with subPath (${m.path} from volume ${m.volume}, path="${m.subPath}"): a subPath mount is a copy made when the container starts and never receives ConfigMap updates, so the edit to ${cm} is not updated in the running pods' file; the app's file watcher has nothing to see, it is not broken`,
          evidence: [
            `describe_pod ${pod}: Mounts: ${m.line}`,
            `describe_pod ${pod}: volume ${m.volume} is ConfigMap ${cm}`,
          ],
          advice: `restart the pods so they copy the new file (kubectl rollout restart deployment/${owner ?? '<name>'}), and mount the ConfigMap as a directory (no subPath) so later edits arrive by themselves`,
        });
        return out;
      }
    }
    return out;
  },
};
