// Table tests of failing-node's reads: the same workload's pod on another node is read before any node.
import { describe, expect, it } from 'vitest';
import { failingNodeAnalyzer } from './failing-node.js';
import { ctx, log, observed, table } from './observed.fixture.js';

const ns = 'web';
const podList = (rows: string[][]) =>
  observed(
    'list_pods',
    { namespace: ns },
    table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'], ...rows]),
  );
const row = (name: string, node: string) => [name, '1/1', 'Running', '0', '2d', '10.244.0.9', node];
const list = podList([row('api-7d9f8c6b5d-aaaaa', 'n1'), row('api-7d9f8c6b5d-bbbbb', 'n2')]);
const failing = log(ns, 'api-7d9f8c6b5d-bbbbb', ['GET /pay 200', 'ERROR upstream payments: i/o timeout']);
/** The reads still to make (the planner passes over those already made), once each. */
const readsOf = (seen: Parameters<typeof ctx>[1]) => {
  const done = new Set(seen.map((o) => `${o.tool} ${String(o.args['name'])}`));
  const wanted = failingNodeAnalyzer.reads(ctx(ns, seen)).map((r) => `${r.tool} ${String(r.args['name'])}`);
  return [...new Set(wanted)].filter((r) => !done.has(r));
};

describe('failingNodeAnalyzer.reads', () => {
  it('reads the same workload on another node before the node of the pod that fails', () => {
    expect(readsOf([list, failing])).toEqual(['get_pod_logs api-7d9f8c6b5d-aaaaa']);
  });

  it('describes the node once the other node’s pod is read and logs no failures', () => {
    const quiet = log(ns, 'api-7d9f8c6b5d-aaaaa', ['GET /pay 200', 'GET /pay 200']);
    expect(readsOf([list, failing, quiet])).toEqual(['describe_node n2']);
  });

  it('leaves the nodes alone when the pod on the other node fails too (the fault is not one node’s)', () => {
    const alsoFailing = log(ns, 'api-7d9f8c6b5d-aaaaa', ['ERROR upstream payments: i/o timeout']);
    expect(readsOf([list, failing, alsoFailing])).toEqual([]);
  });

  it('describes the node at once when no pod of the workload runs on another node', () => {
    const one = podList([row('api-7d9f8c6b5d-bbbbb', 'n2')]);
    expect(readsOf([one, failing])).toEqual(['describe_node n2']);
  });
});
