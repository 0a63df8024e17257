import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { allocatableAnalyzer } from './allocatable.js';

const pod = (request: string): SeenObservation => ({
  step: 1,
  tool: 'describe_pod',
  args: { namespace: 'r', name: 'cache-5d9f7c8b6-x2x9z' },
  status: 'ok',
  content: `Name:             cache-5d9f7c8b6-x2x9z
Status:           Pending
Controlled By:    ReplicaSet/cache-5d9f7c8b6
Containers:
  router:
    Image:          r/cache:3
    Requests:
      cpu: 2
      memory: ${request}
Events:
  Warning   FailedScheduling   18s   default-scheduler   0/2 nodes are available: 2 Insufficient memory.
`,
});
const nodes: SeenObservation = {
  step: 2,
  tool: 'list_nodes',
  args: {},
  status: 'ok',
  content:
    'NAME   STATUS   ROLES    AGE   VERSION   CPU     MEMORY\nn1     Ready    <none>   1d    v1.32.0   7900m   66584576Ki\nn2     Ready    <none>   1d    v1.32.0   7900m   33030144Ki',
};
const finds = (request: string) =>
  allocatableAnalyzer.finds({ task: 't', ns: 'r', hints: [], seen: [pod(request), nodes] });

describe('allocatable', () => {
  it("finds a request above every node's allocatable memory, and lowers it to fit", () => {
    const [f] = finds('64Gi');
    expect(f?.cause).toMatch(/allocatable, which is the node's capacity minus kube-reserved/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'cache',
      container: 'router',
      requests: { memory: '57Gi' },
    });
  });
  it('leaves a request that fits a node alone', () => {
    expect(finds('48Gi')).toEqual([]);
  });
  it('names a request far beyond any node as written, with no fix sized to the node', () => {
    const [f] = finds('256Gi');
    expect(f?.cause).toMatch(
      /requests 256Gi of memory \(container router, resources\.requests\.memory\), more than any node has/,
    );
    expect(f?.cause).toMatch(/fits on no node even an empty one/);
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toMatch(/from 256Gi to what the program needs/);
  });
  it('reads a container without a memory request in linear time, whatever its colons', () => {
    const colons = Array.from({ length: 10 }, (_, i) => `      K${i}:A:B:C:D:E:F:  x`).join('\n');
    const p = pod('1Gi');
    const content = p.content.replace(/ {6}memory: 1Gi\n/, `${colons}\n`);
    const start = Date.now();
    allocatableAnalyzer.finds({ task: 't', ns: 'r', hints: [], seen: [{ ...p, content }, nodes] });
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
