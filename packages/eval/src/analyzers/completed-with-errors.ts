import { parseTable } from '../k8s-text.js';
import { type Analyzer, boundedLogLines, clip, type Finding, outputs, podListOf } from './types.js';

/** A file the program could not read because the user it runs as may not: EACCES in its words. */
const UNREADABLE =
  /\b(?:cannot|could not|couldn't|failed to|unable to) (?:open|read|access|stat|backup|back up)\b[^\n]{0,300}\b(?:permission denied|EACCES|operation not permitted)/i;

/**
 * A run that exits 0 (its pod Completed) while its own log says it could not read what it was meant to
 * (`error cannot open on file /data/.env … permission denied`): a backup or a copy that "succeeds"
 * without those files, which a restore or a later reader finds missing. The user the pod runs as
 * (`runAsUser` in its manifest, when read) is named, since a user without read access is the usual cause.
 */
export const completedWithErrorsAnalyzer: Analyzer = {
  name: 'completed-with-errors',
  reads: () => [],
  finds({ ns, seen }): Finding[] {
    const listed = podListOf(seen, ns);
    if (!listed) return [];
    const completed = new Set(
      parseTable(listed.content)
        .filter((r) => r['STATUS'] === 'Completed')
        .map((r) => r['NAME'] ?? ''),
    );
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const pod = String(o.args['name'] ?? '');
      if (!completed.has(pod)) continue;
      const lines = boundedLogLines(o.content).filter((l) => l.length <= 4000 && UNREADABLE.test(l));
      if (lines.length === 0) continue;
      const manifest = outputs(
        seen,
        'get_resource',
        (x) => x.args['kind'] === 'Pod' && x.args['name'] === pod && x.args['namespace'] === ns,
      ).pop()?.content;
      const user = manifest ? /^\s*runAsUser:\s*(\d{1,10})\s*$/m.exec(manifest)?.[1] : undefined;
      const nonRoot = manifest ? /^\s*runAsNonRoot:\s*true\s*$/m.test(manifest) : false;
      const runsAs = user
        ? `the pod runs as user ${user} (securityContext runAsUser${nonRoot ? ', runAsNonRoot' : ''}), which may not read them`
        : 'the user the pod runs as may not read them';
      return [
        {
          weight: 84,
          object: `pod ${pod}`,
          cause: `the run in pod ${pod} exited 0 (Completed) but could not read ${lines.length === 1 ? 'a file' : `${lines.length} files or directories`} it was meant to: "${clip(lines[0]!.trim(), 200)}"; ${runsAs}, so the run reports success without them and what it produced (a backup, a copy) lacks them`,
          evidence: [
            ...lines.slice(0, 2).map((l) => `get_pod_logs ${pod}: "${clip(l.trim(), 160)}"`),
            ...(user ? [`get_resource Pod ${pod}: securityContext runAsUser ${user}`] : []),
          ],
          advice: `run it as a user that may read the files (the files' owner or group: runAsUser / fsGroup / supplementalGroups in the pod's securityContext), or make the files readable to it; then check the next run logs no permission denied`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
