import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { dependencyLogsAnalyzer } from './dependency-logs.js';

const pods = `NAME                     READY   STATUS    RESTARTS   AGE
indexer-5d9f7c8b6-x2x9z   1/1     Running   0          8d
es-data-0                 1/1     Running   0          30d
redis-0                   1/1     Running   0          30d`;
const seen = (log: string): SeenObservation[] => [
  { step: 1, tool: 'list_pods', args: { namespace: 'search' }, status: 'ok', content: pods },
  {
    step: 2,
    tool: 'get_pod_logs',
    args: { namespace: 'search', name: 'indexer-5d9f7c8b6-x2x9z' },
    status: 'ok',
    content: log,
  },
];
const reads = (log: string) =>
  dependencyLogsAnalyzer.reads({ task: 't', ns: 'search', hints: [], seen: seen(log) });

describe('dependency-logs', () => {
  it("reads the server's own log when a client's glossed line names it", () => {
    expect(
      reads(
        'ERROR index [p] blocked by: [FORBIDDEN/12/index read-only / allow delete (api)]; read-only-allow-delete',
      ),
    ).toEqual([{ tool: 'get_pod_logs', args: { namespace: 'search', name: 'es-data-0' } }]);
    expect(reads("READONLY You can't write against a read only replica.")).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'search', name: 'redis-0' } },
    ]);
  });
  it('reads nothing for lines that name no server', () => {
    expect(reads('ERROR something broke')).toEqual([]);
  });
});
