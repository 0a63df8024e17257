import type { Pod } from '../types.js';
import type { StatefulSet } from './objects.js';
import { podReady } from './services.js';
import { type Analyzer, type Found, quote, selects } from './types.js';

const REVISION = 'controller-revision-hash';

/** Whether a pod is a member of a StatefulSet: owned by it, or named `<set>-<ordinal>` and selected. */
function memberOf(p: Pod, s: StatefulSet): boolean {
  const name = s.metadata.name ?? '';
  if (p.metadata.namespace !== s.metadata.namespace) return false;
  if (p.metadata.ownerReferences?.some((o) => o.kind === 'StatefulSet' && o.name === name)) return true;
  const pod = p.metadata.name ?? '';
  return (
    pod.startsWith(`${name}-`) &&
    /^\d{1,5}$/.test(pod.slice(name.length + 1)) &&
    selects(s.spec?.selector, p.metadata.labels)
  );
}

/**
 * A StatefulSet member that is not Ready and still runs a revision other than the set's update
 * revision. Under the default RollingUpdate with OrderedReady, the controller waits for a broken pod
 * to become Ready before it replaces it, so reverting the template does not replace a pod that the
 * bad revision broke: the pod must be deleted by hand ("forced rollback").
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#forced-rollback
 */
export const stsRevisionsAnalyzer: Analyzer = {
  name: 'sts-revisions',
  kinds: ['StatefulSet', 'Pod'],
  priority: 86,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    for (const s of facts.list<StatefulSet>('StatefulSet')) {
      const target = s.status?.updateRevision;
      if (!target) continue;
      const name = s.metadata.name ?? '';
      for (const p of pods) {
        const rev = p.metadata.labels?.[REVISION];
        if (!rev || rev === target || podReady(p) || !memberOf(p, s)) continue;
        const pod = p.metadata.name ?? '';
        const ns = p.metadata.namespace;
        // What the stale pod runs against what the set now asks for: the image tells the release.
        const images = (cs: readonly { image?: string }[] | undefined) =>
          (cs ?? []).map((c) => quote(c.image ?? '', 120)).join(', ');
        const runs = images(p.spec.containers);
        const wants = images(s.spec?.template?.spec?.containers);
        const imageNote = runs && runs !== wants ? ` (it runs ${runs}; the template asks for ${wants})` : '';
        out.push({
          kind: 'Pod',
          name: pod,
          ...(ns ? { namespace: ns } : {}),
          owner: `StatefulSet/${name}`,
          reason: 'StaleRevisionNotReplaced',
          message: `pod ${pod} still runs revision ${quote(rev, 80)} of StatefulSet ${name}${imageNote}, not its update revision ${quote(target, 80)}: the pod is not Ready, and a rolling update waits for a broken pod to become Ready before replacing it, so reverting the template did not replace this pod (it needs a forced rollback: delete the pod so the controller recreates it from the current revision)`,
          evidence: [
            `pod label ${REVISION}=${quote(rev, 80)}; StatefulSet status.updateRevision ${quote(target, 80)}${
              s.status?.currentRevision ? `, currentRevision ${quote(s.status.currentRevision, 80)}` : ''
            }`,
            `pod Ready: false (phase ${quote(p.status?.phase ?? '?', 20)})`,
          ],
          next: `get_resource kind=StatefulSet namespace=${ns ?? ''} name=${name}`,
          fix: `delete pod ${pod}; the StatefulSet recreates it from revision ${quote(target, 80)}`,
        });
      }
    }
    return out;
  },
};
