import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  searchedLines,
  tableOf,
} from './types.js';

// client-go's words when a request waited on the client's own rate limiter.
const THROTTLED = /Waited for (\d{1,4}(?:\.\d{1,3})?)s due to client-side throttling/;
// A program saying which environment variable sets its client's QPS and that it is unset.
const UNSET_QPS = /\b([A-Z][A-Z0-9_]{1,60}QPS[A-Z0-9_]{0,20})\b[^\n]{0,30}\bnot set\b/;
// The QPS a raised limit gets: ten times client-go's default of 5.
const RAISED_QPS = '50';

/**
 * A controller or operator slowed by its own Kubernetes client's rate limiter: client-go logs
 * "Waited for 9.41s due to client-side throttling, not priority and fairness" when a request queued
 * behind the client's QPS (5 by default) and burst (10), while the API server is idle
 * (https://kubernetes.io/docs/concepts/cluster-administration/flow-control/). When the program's log
 * names the environment variable that sets the QPS and says it is unset, the fix is to set it
 * (an approved `set_env` on its deployment).
 */
export const clientThrottlingAnalyzer: Analyzer = {
  name: 'client-throttling',
  reads({ ns, seen }) {
    // The start of a throttled program's log says how its client was configured: searched for.
    return outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && !o.args['previous'])
      .filter((o) => THROTTLED.test(o.content.slice(-200_000)) && !UNSET_QPS.test(o.content.slice(-200_000)))
      .slice(0, 1)
      .map((o) => ({
        tool: 'search_pod_logs',
        args: {
          namespace: ns,
          name: o.args['name'],
          ...(o.args['container'] ? { container: o.args['container'] } : {}),
          pattern: 'qps',
          context: 0,
          maxMatches: 5,
        },
      }));
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const running = new Set(
      tableOf(seen, 'list_pods')
        .filter((r) => r['STATUS'] === 'Running')
        .map((r) => r['NAME'] ?? ''),
    );
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const pod = String(log.args['name']);
      if (!running.has(pod)) continue;
      const text = log.content.slice(-200_000);
      const waits = text.split('\n').filter((l) => THROTTLED.test(l));
      if (waits.length === 0) continue;
      const longest = Math.max(...waits.map((l) => Number(THROTTLED.exec(l)![1])));
      const searched = searchedLines(seen, (o) => o.args['name'] === pod && o.args['pattern'] === 'qps');
      const unset = [...text.split('\n'), ...searched].find((l) => UNSET_QPS.test(l));
      const variable = unset ? UNSET_QPS.exec(unset)![1]! : undefined;
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
      const deployment = ownerDeployment(d);
      const container = String(
        log.args['container'] ?? containerSections(d).find((c) => !c.init)?.name ?? '',
      );
      out.push({
        weight: 85,
        object: `pod ${pod}`,
        cause: `the program in ${pod} is slowed by its own Kubernetes client's rate limiter, not by the API server: ${waits.length} request(s) in its log waited up to ${longest}s "due to client-side throttling, not priority and fairness" ("${clip(waits[waits.length - 1]!.trim(), 140)}"); client-go allows 5 requests per second (QPS) with a burst of 10 unless the program raises them${unset ? `, and its log says it runs at those defaults: "${clip(unset.trim(), 140)}"` : ''}`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(waits[waits.length - 1]!.trim(), 160)}"`,
          ...(unset ? [`get_pod_logs ${pod}: "${clip(unset.trim(), 160)}"`] : []),
        ],
        advice: variable
          ? `set ${variable} on the program (for example ${RAISED_QPS}, ten times the default) so its client may send more requests per second`
          : "raise the program's client QPS and burst (its flag or environment variable for them)",
        ...(variable && deployment && container
          ? envFix(
              ns,
              deployment,
              container,
              [{ name: variable, value: RAISED_QPS }],
              `set ${variable}=${RAISED_QPS} on ${deployment}/${container}: its client may send ${RAISED_QPS} requests per second instead of 5`,
            )
          : {}),
        revisionSound: true,
      });
    }
    return out;
  },
};
