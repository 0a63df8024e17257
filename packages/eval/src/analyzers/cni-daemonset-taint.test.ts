import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { cniDaemonSetTaintAnalyzer } from './cni-daemonset-taint.js';
import { observed as o } from './observed.fixture.js';

const events = o(
  'get_events',
  { namespace: 'ml' },
  'LAST SEEN   TYPE      REASON                   OBJECT           MESSAGE\n2m   Warning   FailedCreatePodSandBox   pod/trainer-a   Failed to create pod sandbox: plugin type="net-agent" failed (add): failed to find plugin "net-agent" in path [/opt/cni/bin]',
);
const pods = o(
  'list_pods',
  { namespace: 'ml' },
  'NAME        READY   STATUS              RESTARTS   AGE   IP            NODE\ntrainer-a   0/1     ContainerCreating   0          62m   10.244.0.17   gpu-4',
);
const sets = o(
  'list_resources',
  { kind: 'DaemonSet', namespace: 'kube-system' },
  'NAME         AGE\nkube-proxy   30d\nnet-agent    30d',
);
const ds = (toleration: string) =>
  o(
    'describe_resource',
    { kind: 'DaemonSet', namespace: 'kube-system', name: 'net-agent' },
    `Name: net-agent\nSpec:\n${toleration}  template.spec.containers[0].name: agent\n`,
  );
const node = o(
  'describe_node',
  { name: 'gpu-4' },
  'Name: gpu-4\nTaints:             dedicated=ml:NoSchedule\nUnschedulable:      false\n',
);
const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'ml', hints: [], seen });

describe('cni-daemonset-taint: the network plugin DaemonSet missing from a tainted node', () => {
  it('reads the DaemonSet and the node, and names the taint it does not tolerate', () => {
    expect(cniDaemonSetTaintAnalyzer.reads(ctx([events, pods, sets]))).toEqual([
      { tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } },
      { tool: 'describe_resource', args: { kind: 'DaemonSet', namespace: 'kube-system', name: 'net-agent' } },
      { tool: 'describe_node', args: { name: 'gpu-4' } },
    ]);
    const notReady =
      '  template.spec.tolerations[0].key: node.kubernetes.io/not-ready\n  template.spec.tolerations[0].operator: Exists\n';
    const [f] = cniDaemonSetTaintAnalyzer.finds(ctx([events, pods, ds(notReady), node]));
    expect(f?.cause).toMatch(
      /DaemonSet net-agent has no pod on node gpu-4, because gpu-4 carries the taint dedicated=ml:NoSchedule/,
    );
  });
  it('nothing when the DaemonSet tolerates every taint', () => {
    const all = '  template.spec.tolerations[0].operator: Exists\n';
    expect(cniDaemonSetTaintAnalyzer.finds(ctx([events, pods, ds(all), node]))).toEqual([]);
  });
});

describe('cni-daemonset-taint: a seccomp profile installer missing from a tainted node', () => {
  const events = o(
    'get_events',
    { namespace: 'video' },
    'LAST SEEN   TYPE      REASON   OBJECT           MESSAGE\n16s   Warning   Failed   pod/transcoder-w5rvkwnvw-6ff2k   Error: failed to create containerd container: cannot load seccomp profile "/var/lib/kubelet/seccomp/profiles/t.json": open …: no such file or directory',
  );
  const pods = o(
    'list_pods',
    { namespace: 'video' },
    'NAME                         READY   STATUS                 RESTARTS   AGE   IP            NODE\ntranscoder-w5rvkwnvw-6ff2k   0/1     CreateContainerError   0          35m   10.244.0.17   media-2',
  );
  const nss = o(
    'list_resources',
    { kind: 'Namespace' },
    'NAME          STATUS   AGE\nkube-system   Active   30d\nsecurity      Active   30d\nvideo         Active   30d',
  );
  const sets = o(
    'list_resources',
    { kind: 'DaemonSet', namespace: 'security' },
    'NAME                        AGE\nseccomp-profile-installer   1h',
  );
  const installer = o(
    'describe_resource',
    { kind: 'DaemonSet', namespace: 'security', name: 'seccomp-profile-installer' },
    'Name: seccomp-profile-installer\nSpec:\n  template.spec.containers[0].name: install\n',
  );
  const media = o(
    'describe_node',
    { name: 'media-2' },
    'Name: media-2\nTaints:             dedicated=media:NoSchedule\n',
  );
  const history = o(
    'get_rollout_history',
    { namespace: 'video', name: 'transcoder' },
    'REVISION      CHANGE-CAUSE\n1             release 4.1\n2 (current)   SEC-2291 seccomp profile',
  );
  const c = (seen: SeenObservation[]) => ({ task: 't', ns: 'video', hints: [], seen });
  it('looks for the installer in the security namespaces, and names the taint and the rollback', () => {
    expect(cniDaemonSetTaintAnalyzer.reads(c([events, pods, nss, sets]))).toEqual([
      { tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } },
      { tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'security' } },
      {
        tool: 'describe_resource',
        args: { kind: 'DaemonSet', namespace: 'security', name: 'seccomp-profile-installer' },
      },
      { tool: 'describe_node', args: { name: 'media-2' } },
    ]);
    const [f] = cniDaemonSetTaintAnalyzer.finds(c([events, pods, nss, sets, installer, media, history]));
    expect(f?.cause).toMatch(
      /seccomp profile is not installed on that node.* seccomp-profile-installer has no pod on node media-2.* dedicated=media:NoSchedule/,
    );
    expect(f?.fix).toMatchObject({
      tool: 'rollback_deployment',
      args: { namespace: 'video', name: 'transcoder' },
    });
    const [bare] = cniDaemonSetTaintAnalyzer.finds(c([events, pods, nss, sets, installer, media]));
    expect(bare?.fix).toBeUndefined();
  });
});
