import { errorLines, quickFailuresBehindClientGone } from './app-errors.js';
import { type Analyzer, outputs, ownerName, type Read } from './types.js';

/**
 * The failures that explain a server's errors, as literal alternatives for `search_pod_logs`: a schema
 * older than the code, a file or object that is not there, a permission, a format the program cannot read.
 */
export const DECISIVE_PATTERN =
  "no such table|no such column|does not exist|doesn't exist|Unknown column|permission denied|unsupported";

/**
 * A server whose log tail fails only with clients gone (broken pipes, cancelled requests) while it answers
 * 5xx within a second (see `quickFailuresBehindClientGone`); the broken pipes are what
 * the person sees first and often what they blame (a proxy's timeout): the failure that makes the
 * requests fail may be further up, crowded out by them. The whole log of one such pod is searched for
 * the failures that explain errors (see `DECISIVE_PATTERN`). Reads only; app-errors concludes from a
 * line the search found whose meaning is known.
 */
export const clientGoneSearchAnalyzer: Analyzer = {
  name: 'client-gone-search',
  // Its read follows from the pod's own log: before the reads of services and dependencies.
  first: true,
  reads({ ns, seen }): Read[] {
    const searched = new Set(
      outputs(seen, 'search_pod_logs', (o) => o.args['pattern'] === DECISIVE_PATTERN).map((o) =>
        String(o.args['name']),
      ),
    );
    const owners = new Set([...searched].map(ownerName));
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const pod = String(o.args['name']);
      if (searched.has(pod) || owners.has(ownerName(pod))) continue;
      if (!quickFailuresBehindClientGone(errorLines(o.content.slice(-100_000)))) continue;
      return [
        {
          tool: 'search_pod_logs',
          args: {
            namespace: ns,
            name: pod,
            ...(o.args['container'] ? { container: o.args['container'] } : {}),
            pattern: DECISIVE_PATTERN,
            context: 0,
            maxMatches: 5,
          },
        },
      ];
    }
    return [];
  },
  finds() {
    return [];
  },
};
