import { parseTable } from '../k8s-text.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/**
 * Where the kubelet mounts a pod's service account credentials (kubernetes.io, "Accessing the Kubernetes
 * API from a Pod"): the token, the cluster's CA bundle and the namespace. In-cluster clients read them.
 */
const SA_FILE = /\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/(token|ca\.crt|namespace)\b/;
/** The missing words said of the service-account file itself (`…/ca.crt: no such file or directory`). */
const NOT_THERE =
  /\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/(?:token|ca\.crt|namespace)["'`]?(?::\s{0,3}|,\s{0,3}|\s{1,3})(?:no such file or directory|ENOENT|not found|does not exist)|\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/(?:token|ca\.crt|namespace)\b[^\n]{0,40}?\bcould not be read\b/i;

interface Tokenless {
  pod: string;
  owner?: string;
  file: string;
  line: string;
  /** The rollout whose change cause names the setting, when the history was read. */
  change?: string;
}

function tokenless(ctx: AnalyzerContext): { found?: Tokenless; read?: Read } {
  return perSeen(ctx.seen, ['saTokenMissing', ctx.ns], () => {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(log.args['name'] ?? '');
      // A message may span lines (`…could not be read: open …/ca.crt: no such file or directory`).
      const lines = boundedLogLines(log.content).filter((l) => l.length <= 4000);
      const at = lines.findIndex((l) => NOT_THERE.test(l));
      if (at < 0) continue;
      const line = lines[at]!;
      const d = outputs(
        ctx.seen,
        'describe_pod',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
      ).pop();
      // The description shows the token mounted after all (the projected kube-api-access volume): the
      // program reads another path than it thinks, not this.
      if (
        d &&
        /^\s{4,12}\/var\/run\/secrets\/kubernetes\.io\/serviceaccount from /m.test(
          d.content.slice(0, 100_000),
        )
      )
        continue;
      const owner = d ? ownerDeployment(d.content) : undefined;
      let change: string | undefined;
      if (owner) {
        const history = outputs(
          ctx.seen,
          'get_rollout_history',
          (o) => o.args['namespace'] === ctx.ns && o.args['name'] === owner,
        ).pop();
        if (!history)
          return { read: { tool: 'get_rollout_history', args: { namespace: ctx.ns, name: owner } } };
        change = parseTable(history.content.slice(0, 100_000))
          .map((r) => r['CHANGE-CAUSE'] ?? '')
          .filter((c) => /automount|service ?account ?token/i.test(c))
          .pop();
      }
      return {
        found: {
          pod,
          ...(owner ? { owner } : {}),
          file: SA_FILE.exec(line)![0],
          line: line.trim(),
          ...(change ? { change } : {}),
        },
      };
    }
    return {};
  });
}

/**
 * A program that talks to the Kubernetes API from inside the cluster (an in-cluster client: Teleport's
 * Kubernetes service, an operator, a CI agent) and cannot read its service account's token or CA bundle:
 * the kubelet mounts them in every pod unless `automountServiceAccountToken` is false on the pod or its
 * ServiceAccount, as hardening waves set it. The program needs it back on (or a projected token volume).
 */
export const saTokenMissingAnalyzer: Analyzer = {
  name: 'sa-token-missing',
  reads(ctx): Read[] {
    const r = tokenless(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const t = tokenless(ctx).found;
    if (!t) return [];
    return [
      {
        weight: 90,
        object: t.owner ? `deployment ${t.owner} (pod ${t.pod})` : `pod ${t.pod}`,
        cause: `the program in ${t.pod} uses the Kubernetes API from inside the cluster (in-cluster credentials) and cannot read ${t.file} ("${clip(t.line, 220)}"): the pod has no service account token mounted, which the kubelet does for every pod unless automountServiceAccountToken is false on the pod or its ServiceAccount${t.change ? `; the current revision set it ("${clip(t.change, 160)}")` : ''}`,
        evidence: [
          `logs of ${t.pod}: "${clip(t.line, 200)}"`,
          ...(t.change ? [`get_rollout_history ${t.owner}: "${clip(t.change, 160)}"`] : []),
        ],
        advice: `turn automountServiceAccountToken back on for ${t.owner ?? t.pod} (true in its pod spec, an exception to the hardening for a workload that uses the API), or mount a projected service account token volume at /var/run/secrets/kubernetes.io/serviceaccount`,
      },
    ];
  },
};
