import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { volumePermissionsAnalyzer } from './volume-permissions.js';

const pod = (volumeType: string): string => `Name:             wiki-abc12-x9z8y
Namespace:        app
Controlled By:    ReplicaSet/wiki-abc12
Containers:
  php:
    Image:          wiki:5.2.0
    Mounts:
      /var/www/storage from storage (rw)
Volumes:
  storage:
    Type:      ${volumeType}
    ClaimName: wiki-storage
`;
const obs = (volumeType: string, spec: string): SeenObservation[] => [
  {
    step: 1,
    tool: 'get_pod_logs',
    args: { namespace: 'app', name: 'wiki-abc12-x9z8y', previous: true },
    status: 'ok',
    content:
      'PHP Fatal error:  Uncaught UnexpectedValueException: The stream or file "/var/www/storage/logs/app.log" could not be opened in append mode: Failed to open stream: Permission denied',
  },
  {
    step: 2,
    tool: 'describe_pod',
    args: { namespace: 'app', name: 'wiki-abc12-x9z8y' },
    status: 'ok',
    content: pod(volumeType),
  },
  {
    step: 3,
    tool: 'get_resource',
    args: { kind: 'Deployment', namespace: 'app', name: 'wiki' },
    status: 'ok',
    content: spec,
  },
];
const finds = (volumeType: string, spec: string) =>
  volumePermissionsAnalyzer.finds({ task: 't', ns: 'app', hints: [], seen: obs(volumeType, spec) });

describe('volume-permissions: a non-root user refused its volume', () => {
  it.each([
    // [volume type, deployment spec, finds it, what the cause names]
    [
      'PersistentVolumeClaim (a reference to …)',
      'spec:\n  template:\n    spec:\n      securityContext: {}\n',
      true,
      /image's USER/,
    ],
    [
      'PersistentVolumeClaim (a reference to …)',
      '      securityContext:\n        runAsUser: 82\n',
      true,
      /runAsUser 82/,
    ],
    [
      'PersistentVolumeClaim (a reference to …)',
      '      securityContext:\n        fsGroup: 82\n',
      false,
      undefined,
    ],
    [
      'PersistentVolumeClaim (a reference to …)',
      '      securityContext:\n        runAsUser: 0\n',
      false,
      undefined,
    ],
    // NFS squashes root too: a refusal there does not say the user is not root.
    ['NFS (an NFS mount that lasts the lifetime of a pod)', 'spec: {}\n', false, undefined],
    ['HostPath (bare host directory volume)', 'spec: {}\n', false, undefined],
    // fsGroup set, and the volume is NFS: the kubelet never chowns NFS, so fsGroup did not help.
    [
      'NFS (an NFS mount that lasts the lifetime of a pod)\n    Server:    nas01\n    Path:      /export/wiki',
      '      securityContext:\n        runAsUser: 82\n        fsGroup: 82\n',
      true,
      /NFS share nas01:\/export\/wiki[\s\S]*does not apply fsGroup to NFS volumes/,
    ],
  ])('%s with %j: %s', (type, spec, found, cause) => {
    const [f] = finds(type, spec);
    expect(f !== undefined).toBe(found);
    if (cause) {
      expect(f?.cause).toMatch(cause);
      expect(f?.advice).toMatch(/fsGroup/);
    }
  });
  it('asks for the Deployment spec right after the pod reads', () => {
    expect(volumePermissionsAnalyzer.first).toBe(true);
    expect(
      volumePermissionsAnalyzer.reads({
        task: 't',
        ns: 'app',
        hints: [],
        seen: obs('PersistentVolumeClaim', '').slice(0, 2),
      }),
    ).toEqual([{ tool: 'get_resource', args: { kind: 'Deployment', name: 'wiki', namespace: 'app' } }]);
  });
});

describe('volume-permissions: a StatefulSet pod on a claim of an NFS class', () => {
  const sts = (claimRead: string): SeenObservation[] => {
    const [logs, described, , ...rest] = obs('PersistentVolumeClaim (a reference to …)', '');
    return [
      ...rest,
      logs!,
      {
        ...described!,
        content: described!.content.replace(
          'Controlled By:    ReplicaSet/wiki-abc12',
          'Controlled By:    StatefulSet/wiki',
        ),
      },
      {
        step: 3,
        tool: 'get_resource',
        args: { kind: 'StatefulSet', namespace: 'app', name: 'wiki' },
        status: 'ok',
        content: '      securityContext:\n        fsGroup: 101\n',
      },
      {
        step: 4,
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', namespace: 'app', name: 'wiki-storage' },
        status: 'ok',
        content: claimRead,
      },
    ];
  };
  it.each([
    [
      'the class is named for NFS',
      'Spec:\n  storageClassName: nfs-standard\n  volumeName: pv-01\n',
      /NFS share StorageClass nfs-standard \(claim wiki-storage\)/,
    ],
    [
      'the volume is',
      'Spec:\n  storageClassName: shared\n  volumeName: nfs-docs-01\n',
      /NFS share PersistentVolume nfs-docs-01/,
    ],
    ['neither: fsGroup set, so nothing', 'Spec:\n  storageClassName: gp3\n  volumeName: pv-01\n', undefined],
  ])('%s', (_name, claim, want) => {
    const [f] = volumePermissionsAnalyzer.finds({ task: 't', ns: 'app', hints: [], seen: sts(claim) });
    if (want) {
      expect(f?.object).toBe('statefulset wiki');
      expect(f?.cause).toMatch(want);
    } else expect(f).toBeUndefined();
  });

  it('asks for the StatefulSet spec, then, with fsGroup set, the claim', () => {
    const seen = sts('').slice(0, 3);
    expect(volumePermissionsAnalyzer.reads({ task: 't', ns: 'app', hints: [], seen })).toEqual([
      { tool: 'get_resource', args: { kind: 'StatefulSet', name: 'wiki', namespace: 'app' } },
      {
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: 'wiki-storage', namespace: 'app' },
      },
    ]);
  });
});
