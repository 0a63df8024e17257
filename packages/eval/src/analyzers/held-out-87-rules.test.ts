// Table tests of the general rules written after held-out set 87's first contact.
import { describe, expect, it } from 'vitest';
import { cniAgentOnNodeAnalyzer } from './cni-agent-on-node.js';
import { completedWithErrorsAnalyzer } from './completed-with-errors.js';
import { csiDriverMissingAnalyzer } from './csidriver-missing.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';

describe('a run that exits 0 without the files it could not read', () => {
  const pod = 'backup-nightly-p2n9x-m6w4t';
  const listed = pods('handbook', [[pod, '0/1', 'Completed', '0', '1d']]);
  const denied = log('handbook', pod, [
    'ERROR\terror cannot open on file /data/storage/.env\t{"error": "open /data/storage/.env: permission denied"}',
    'INFO\tstats\t{"errors": 1}',
  ]);
  const manifest = observed(
    'get_resource',
    { kind: 'Pod', name: pod, namespace: 'handbook' },
    'spec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 65532',
  );

  it('names the unreadable file and the user the pod runs as', () => {
    const [f] = completedWithErrorsAnalyzer.finds(ctx('handbook', [listed, denied, manifest]));
    expect(f?.cause).toContain('exited 0 (Completed)');
    expect(f?.cause).toContain('/data/storage/.env');
    expect(f?.cause).toContain('runAsUser');
    expect(f?.cause).toContain('65532');
  });

  it('a running pod, or a completed one without such a line, is not this', () => {
    const running = pods('handbook', [[pod, '1/1', 'Running', '0', '1d']]);
    expect(completedWithErrorsAnalyzer.finds(ctx('handbook', [running, denied]))).toEqual([]);
    const clean = log('handbook', pod, ['INFO\tbackup finished\t{"errors": 0}']);
    expect(completedWithErrorsAnalyzer.finds(ctx('handbook', [listed, clean]))).toEqual([]);
  });
});

describe('a CSI driver without its CSIDriver object', () => {
  const wait =
    'Warning  FailedMount  2m  kubelet  AttachVolume.Attach failed for volume "pvc-6b1e" : timed out waiting for external-attacher of cephfs.csi.ceph.com CSI driver to attach volume 0001-0009';
  const described = observed(
    'describe_pod',
    { namespace: 'research', name: 'browser-1' },
    `Events:\n  ${wait}`,
  );
  const drivers = (...names: string[]) =>
    observed(
      'list_resources',
      { kind: 'CSIDriver' },
      table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, '-', '320d'])]),
    );

  it('lists the CSIDrivers, then names the missing one', () => {
    expect(csiDriverMissingAnalyzer.reads(ctx('research', [described]))).toEqual([
      { tool: 'list_resources', args: { kind: 'CSIDriver' } },
    ]);
    const [f] = csiDriverMissingAnalyzer.finds(ctx('research', [described, drivers('rbd.csi.ceph.com')]));
    expect(f?.object).toBe('csidriver cephfs.csi.ceph.com');
    expect(f?.cause).toContain('no CSIDriver object for cephfs.csi.ceph.com');
    expect(f?.cause).toContain('attachRequired defaults to true');
  });

  it('a driver that has its CSIDriver is not this', () => {
    expect(
      csiDriverMissingAnalyzer.finds(ctx('research', [described, drivers('cephfs.csi.ceph.com')])),
    ).toEqual([]);
  });
});

describe("a node's network agent that does not run", () => {
  const blocked = observed(
    'describe_pod',
    { namespace: 'ledger', name: 'renderer-xwmt54nwr-cj85s' },
    'Node:             worker-4\nEvents:\n  Warning  FailedCreatePodSandBox  1m  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "5a0c": dial tcp 127.0.0.1:6784: connect: connection refused',
  );
  const node = observed(
    'describe_node',
    { name: 'worker-4' },
    [
      'Name:               worker-4',
      'Non-terminated Pods:          (2 in total)',
      '  Namespace                   Name                 CPU Requests',
      '  ---------                   ----                 ------------',
      '  kube-system                 weave-net-2pw6k      100m (2%)',
      '  ledger                      renderer-xwmt54nwr-cj85s  0 (0%)',
      'Events:  <none>',
    ].join('\n'),
  );
  const agentLog = log('kube-system', 'weave-net-2pw6k', [
    'INFO: 2026/11/18 14:17:11.402288 weave  2.8.1',
    'FATA: 2026/11/18 14:17:11.406917 All system IDs are blank',
  ]);

  it('reads the node, then its agent pod', () => {
    expect(cniAgentOnNodeAnalyzer.reads(ctx('ledger', [blocked]))).toEqual([
      { tool: 'describe_node', args: { name: 'worker-4' } },
    ]);
    expect(cniAgentOnNodeAnalyzer.reads(ctx('ledger', [blocked, node]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'weave-net-2pw6k' } },
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'weave-net-2pw6k', previous: true } },
    ]);
  });

  it("names the node and the agent's failure", () => {
    const [f] = cniAgentOnNodeAnalyzer.finds(ctx('ledger', [blocked, node, agentLog]));
    expect(f?.cause).toContain('node worker-4');
    expect(f?.cause).toContain('weave-net-2pw6k');
    expect(f?.cause).toContain('All system IDs are blank');
  });

  it('a runtime failure (not the network setup) is not this', () => {
    const runtime = observed(
      'describe_pod',
      { namespace: 'ledger', name: 'renderer-xwmt54nwr-cj85s' },
      'Node:             worker-4\nEvents:\n  Warning  FailedCreatePodSandBox  1m  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "kata" is configured',
    );
    expect(cniAgentOnNodeAnalyzer.reads(ctx('ledger', [runtime]))).toEqual([]);
  });
});
