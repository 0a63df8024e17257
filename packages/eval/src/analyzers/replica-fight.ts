import { type Analyzer, clip, type Finding, namespaceNames, outputs } from './types.js';

const UP =
  /deployment\/([a-z0-9][a-z0-9.-]{0,252})\s+Scaled up replica set \S{1,253} from (\d{1,5}) to (\d{1,5})/;
const DOWN =
  /deployment\/([a-z0-9][a-z0-9.-]{0,252})\s+Scaled down replica set \S{1,253} from (\d{1,5}) to (\d{1,5})/;
const RESCALE = /horizontalpodautoscaler\/([a-z0-9][a-z0-9.-]{0,252})\s+New size: (\d{1,5})/;
// An event's repeat count as `kubectl get events` prints it: "62s (x14)".
const COUNT = /\(x(\d{1,6})\)/;

/**
 * Two owners of one Deployment's replica count: the HorizontalPodAutoscaler scales it up ("New size:
 * 9") and something else puts it back (the Deployment scaled down to the count in its manifest), again
 * and again. Usually a GitOps tool with automated sync and self-heal (Argo CD, Flux) applying
 * `spec.replicas` from Git, or a pipeline that re-applies the manifest; Argo CD documents
 * ignoreDifferences on /spec/replicas (or leaving replicas out of the manifest) for HPA-managed
 * Deployments. https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/
 */
export const replicaFightAnalyzer: Analyzer = {
  name: 'replica-fight',
  reads: () => [],
  finds({ ns, seen }) {
    const lines = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).flatMap((o) =>
      o.content.split('\n'),
    );
    const times = (l: string) => Number(COUNT.exec(l)?.[1] ?? 1);
    for (const l of lines) {
      const r = RESCALE.exec(l);
      if (!r || times(l) < 2) continue;
      const want = r[2]!;
      const up = lines.find((x) => UP.exec(x)?.[3] === want);
      const down = lines.find((x) => DOWN.exec(x)?.[2] === want && times(x) >= 2);
      if (!up || !down) continue;
      const d = DOWN.exec(down)!;
      const name = d[1]!;
      const back = d[3]!;
      const gitops = namespaceNames(seen).find((n) => /^(argocd|argo-cd|flux-system)$/.test(n));
      const tool = gitops ? (gitops.startsWith('flux') ? 'Flux' : 'Argo CD') : undefined;
      const out: Finding = {
        weight: 93,
        object: `deployment ${name}`,
        cause: `two owners fight over the replica count of deployment ${name}: the HPA ${r[1]} scales it to ${want} ("${clip(l.replace(/\s{2,}/g, ' ').trim(), 140)}", x${times(l)}) and something puts it back to ${back} each time ("${clip(down.replace(/\s{2,}/g, ' ').trim(), 140)}", x${times(down)}), so it never keeps more than ${back} replicas. ${
          tool
            ? `${tool} runs in this cluster (namespace ${gitops}): with automated sync and self-heal it reverts spec.replicas to the ${back} in Git whenever the HPA changes it`
            : 'A GitOps tool with self-heal, or a pipeline that re-applies the manifest, reverts spec.replicas to the manifest value'
        }; it is not quota or node capacity`,
        evidence: [`get_events ${ns}: ${clip(l.trim(), 140)}`, `get_events ${ns}: ${clip(down.trim(), 140)}`],
        advice:
          tool === 'Flux'
            ? 'remove spec.replicas from the manifest Flux applies, so the HPA alone owns it'
            : 'tell Argo CD to ignore /spec/replicas for this Deployment (ignoreDifferences in the Application), or remove replicas from the manifest, so the HPA alone owns it',
      };
      return [out];
    }
    return [];
  },
};
