import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import {
  check,
  configMap,
  event,
  node,
  owned,
  pod,
  pvc,
  type Row,
  replicaSet,
  running,
  secret,
} from './__fixtures__/build.js';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';
import { podsAnalyzer } from './pods.js';

const rs = replicaSet('web-5d9', { replicas: 2 }, {}, owned('Deployment', 'web'));
const crash = (last: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  pod(
    'web-5d9-abcde',
    spec,
    {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 7,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: last },
        },
      ],
    },
    owned('ReplicaSet', 'web-5d9'),
  );

const ROWS: Row[] = [
  {
    name: 'a healthy pod',
    objects: [pod('ok', {}, { phase: 'Running', containerStatuses: [running()] })],
    want: [],
  },
  {
    name: 'OOMKilled in a crash loop, with the limit and the owner',
    objects: [
      rs,
      crash(
        { reason: 'OOMKilled', exitCode: 137 },
        { containers: [{ name: 'app', resources: { limits: { memory: '256Mi' } } }] },
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'web-5d9-abcde',
        reason: 'OOMKilled',
        says: ['exit code 137', '256Mi', 'Exit Code 137'],
        fix: true,
      },
    ],
  },
  {
    name: 'exit 1 crash loop with its termination message',
    objects: [rs, crash({ reason: 'Error', exitCode: 1, message: 'panic: config missing' })],
    want: [
      {
        kind: 'Pod',
        name: 'web-5d9-abcde',
        reason: 'CrashLoopBackOff',
        says: ['exits with code 1', 'panic: config missing'],
      },
    ],
  },
  {
    name: 'exit 127: command not found',
    objects: [rs, crash({ reason: 'Error', exitCode: 127 })],
    want: [
      {
        kind: 'Pod',
        name: 'web-5d9-abcde',
        reason: 'CrashLoopBackOff',
        says: ['not found in the image'],
        fix: true,
      },
    ],
  },
  {
    name: 'exit 0 under restartPolicy Always',
    objects: [rs, crash({ reason: 'Completed', exitCode: 0 })],
    want: [{ kind: 'Pod', name: 'web-5d9-abcde', reason: 'CrashLoopBackOff', says: ['exits with code 0'] }],
  },
  {
    name: 'running again after an OOM kill',
    objects: [
      pod(
        'api',
        {},
        {
          phase: 'Running',
          containerStatuses: [
            running('app', {
              restartCount: 4,
              lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
            }),
          ],
        },
      ),
    ],
    want: [{ kind: 'Pod', name: 'api', reason: 'OOMKilled', says: ['restarted 4'] }],
  },
  {
    name: 'image pull with a missing pull secret',
    objects: [
      pod(
        'puller',
        { imagePullSecrets: [{ name: 'regcred' }] },
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
            },
          ],
        },
      ),
      event('Pod', 'puller', 'Failed', 'Failed to pull image "app:1": pull access denied'),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'puller',
        reason: 'ImagePullBackOff',
        says: ['"regcred" does not exist', 'pull access denied'],
        fix: true,
      },
    ],
  },
  {
    name: 'image pull refused for the registry rate limit (429)',
    objects: [
      pod(
        'limited',
        {},
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "cache:7"' } },
            },
          ],
        },
      ),
      event('Pod', 'limited', 'Failed', 'Error: ImagePullBackOff'),
      event(
        'Pod',
        'limited',
        'Failed',
        'Failed to pull image "cache:7": unexpected status code 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit',
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'limited',
        reason: 'ImagePullBackOff',
        says: ['rate-limits the pull', 'the image exists', 'toomanyrequests'],
        fix: true,
      },
    ],
  },
  {
    name: 'a tag that does not exist',
    objects: [
      pod(
        'tagless',
        {},
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ErrImagePull', message: 'manifest unknown' } },
            },
          ],
        },
      ),
    ],
    want: [{ kind: 'Pod', name: 'tagless', reason: 'ErrImagePull', says: ['does not exist'] }],
  },
  {
    name: 'CreateContainerConfigError: a missing ConfigMap and a missing Secret key',
    objects: [
      configMap('present', { a: '1' }),
      secret('creds', { user: 'eA==' }),
      pod(
        'cfg',
        {
          containers: [
            {
              name: 'app',
              env: [
                { name: 'A', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x' } } },
                { name: 'P', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
                { name: 'O', valueFrom: { configMapKeyRef: { name: 'other', key: 'x', optional: true } } },
              ],
            },
          ],
        },
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: {
                waiting: { reason: 'CreateContainerConfigError', message: 'configmap "absent" not found' },
              },
            },
          ],
        },
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'cfg',
        reason: 'CreateContainerConfigError',
        says: ['ConfigMap "absent" does not exist', 'key "password" is missing from Secret "creds"'],
        fix: true,
      },
    ],
  },
  {
    name: 'an init container that fails, named as one',
    objects: [
      pod(
        'init',
        { initContainers: [{ name: 'migrate' }] },
        {
          phase: 'Pending',
          initContainerStatuses: [
            {
              name: 'migrate',
              ready: false,
              restartCount: 5,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { reason: 'Error', exitCode: 1 } },
            },
          ],
          containerStatuses: [
            { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
      ),
    ],
    want: [{ kind: 'Pod', name: 'init', reason: 'CrashLoopBackOff', says: ['init container migrate'] }],
  },
  {
    name: 'Pending with FailedScheduling, the scheduler quoted',
    objects: [
      pod(
        'big',
        {},
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event('Pod', 'big', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.'),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'big',
        reason: 'FailedScheduling',
        says: ['Insufficient cpu', 'does not fit'],
        fix: true,
      },
    ],
  },
  {
    name: 'Pending on a claim that does not exist: named as missing, not as unbound',
    objects: [
      pod(
        'social-graphd-1',
        {},
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'social-graphd-1',
        'FailedScheduling',
        '0/3 nodes are available: persistentvolumeclaim "graphd-log" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'social-graphd-1',
        reason: 'FailedScheduling',
        says: ['PersistentVolumeClaim graphd-log does not exist', 'nothing has created it'],
        fix: true,
      },
    ],
  },
  {
    name: 'Pending on a GPU count no node has: the request and the most any node has',
    objects: [
      pod(
        'rerank',
        { containers: [{ name: 'app', resources: { limits: { 'nvidia.com/gpu': '2' } } }] },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      { ...node('gpu-1', {}, []), status: { allocatable: { 'nvidia.com/gpu': '1' } } } as KubeObject,
      event('Pod', 'rerank', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient nvidia.com/gpu.'),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'rerank',
        reason: 'FailedScheduling',
        says: ['asks for nvidia.com/gpu: 2', 'no node has more than 1'],
        fix: true,
      },
    ],
  },
  {
    name: 'Pending on a host port every allowed node already holds',
    objects: [
      pod(
        'relay-3',
        { containers: [{ name: 'turn', ports: [{ containerPort: 3478, hostPort: 3478, protocol: 'UDP' }] }] },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'relay-3',
        'FailedScheduling',
        "0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.",
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'relay-3',
        reason: 'FailedScheduling',
        says: ['host port UDP/3478 (hostPort)', 'one pod per node'],
        fix: true,
      },
    ],
  },
  {
    // Found in set 120: the old workload that still holds the port is what the person needs named.
    name: 'Pending on a host port: the pods holding it are named, another workload first',
    objects: [
      pod(
        'flow-3',
        { containers: [{ name: 'c', ports: [{ containerPort: 9033, hostPort: 9033, protocol: 'UDP' }] }] },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
        owned('ReplicaSet', 'flow-abc'),
      ),
      pod(
        'flow-1',
        {
          nodeName: 'n1',
          containers: [{ name: 'c', ports: [{ containerPort: 9033, hostPort: 9033, protocol: 'UDP' }] }],
        },
        { phase: 'Running' },
        owned('ReplicaSet', 'flow-abc'),
      ),
      pod(
        'old-receiver-1',
        {
          nodeName: 'n2',
          hostNetwork: true,
          containers: [{ name: 'r', ports: [{ containerPort: 9033, protocol: 'UDP' }] }],
        },
        { phase: 'Running' },
        owned('ReplicaSet', 'old-receiver-xyz'),
      ),
      pod(
        'done-1',
        {
          nodeName: 'n3',
          containers: [{ name: 'r', ports: [{ containerPort: 9033, hostPort: 9033, protocol: 'UDP' }] }],
        },
        { phase: 'Succeeded' },
      ),
      event(
        'Pod',
        'flow-3',
        'FailedScheduling',
        "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports.",
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'flow-3',
        reason: 'FailedScheduling',
        says: [
          '(old-receiver-1 on n2 holds UDP/9033 (ReplicaSet/old-receiver-xyz, another workload); flow-1 on n1 holds UDP/9033)',
        ],
        fix: true,
      },
    ],
  },
  {
    name: 'required pod affinity to pods that no longer run',
    objects: [
      pod(
        'gw',
        {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { app: 'redis' } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
        },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'gw',
        'FailedScheduling',
        "0/3 nodes are available: 3 node(s) didn't match pod affinity rules.",
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'gw',
        reason: 'FailedScheduling',
        says: ['required pod affinity', 'app=redis', 'no running pod'],
        fix: true,
      },
    ],
  },
  {
    name: 'Pending while the cluster autoscaler adds a node: expected, no fix',
    objects: [
      pod(
        'batch',
        {},
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event('Pod', 'batch', 'FailedScheduling', '0/2 nodes are available: 2 Insufficient cpu.'),
      event('Pod', 'batch', 'TriggeredScaleUp', 'pod triggered scale-up: [{workers 2->3 (max: 6)}]', {
        type: 'Normal',
      }),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'batch',
        reason: 'WaitingForScaleUp',
        says: ['cluster autoscaler adds a node', 'expected and temporary', 'Insufficient cpu'],
      },
    ],
  },
  {
    name: 'required node affinity whose expressions on one label are ANDed: no node has both values',
    objects: [
      pod(
        'zonal',
        {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-1a'] },
                      { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-1b'] },
                    ],
                  },
                ],
              },
            },
          },
        },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'zonal',
        'FailedScheduling',
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
      ),
      { ...node('n1', {}, []), metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'eu-1a' } } },
      { ...node('n2', {}, []), metadata: { name: 'n2', labels: { 'topology.kubernetes.io/zone': 'eu-1b' } } },
    ],
    want: [
      {
        kind: 'Pod',
        name: 'zonal',
        reason: 'FailedScheduling',
        says: [
          '[eu-1a] AND topology.kubernetes.io/zone In [eu-1b]',
          'ANDed together',
          'no node satisfies all of them',
        ],
      },
    ],
  },
  {
    name: 'Insufficient memory for a container that sets a limit and no request: the request is the limit',
    objects: [
      pod(
        'render',
        { containers: [{ name: 'r', image: 'r:1', resources: { limits: { memory: '20Gi' } } }] },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event('Pod', 'render', 'FailedScheduling', '0/2 nodes are available: 2 Insufficient memory.'),
      node('n1', {}, []),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'render',
        reason: 'FailedScheduling',
        says: ['Insufficient memory', 'memory limit of 20Gi and no memory request', 'copies the limit'],
      },
    ],
  },
  {
    name: 'required node affinity on a deprecated zone label: the current label named',
    objects: [
      pod(
        'zonal',
        {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      {
                        key: 'failure-domain.beta.kubernetes.io/zone',
                        operator: 'In',
                        values: ['eu-1a', 'eu-1b'],
                      },
                    ],
                  },
                ],
              },
            },
          },
        },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'zonal',
        'FailedScheduling',
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
      ),
      { ...node('n1', {}, []), metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'eu-1a' } } },
      { ...node('n2', {}, []), metadata: { name: 'n2', labels: { 'topology.kubernetes.io/zone': 'eu-1c' } } },
    ],
    want: [
      {
        kind: 'Pod',
        name: 'zonal',
        reason: 'FailedScheduling',
        says: [
          'required node affinity',
          'no node has the label failure-domain.beta.kubernetes.io/zone',
          'topology.kubernetes.io/zone with the values asked for',
        ],
        fix: true,
      },
    ],
  },
  {
    name: 'a node affinity that some nodes meet: the nodes it rules out and the label they lack',
    objects: [
      pod(
        'shard',
        {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'topology.kubernetes.io/region', operator: 'In', values: ['eu-central'] },
                    ],
                  },
                ],
              },
            },
          },
        },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'shard',
        'FailedScheduling',
        "0/3 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 1 node(s) didn't match pod anti-affinity rules.",
      ),
      {
        ...node('old', {}, []),
        metadata: { name: 'old', labels: { 'topology.kubernetes.io/region': 'eu-central' } },
      },
      { ...node('new-1', {}, []), metadata: { name: 'new-1', labels: { pool: 'general' } } },
      { ...node('new-2', {}, []), metadata: { name: 'new-2', labels: { pool: 'general' } } },
    ],
    want: [
      {
        kind: 'Pod',
        name: 'shard',
        reason: 'FailedScheduling',
        says: [
          'required node affinity rules out some nodes',
          'new-1, new-2 lack the label topology.kubernetes.io/region',
          'anti-affinity',
        ],
        fix: true,
      },
    ],
  },
  {
    name: 'a stale pool label no node carries: the label carrying the same pool now',
    objects: [
      pod(
        'embed',
        { nodeSelector: { 'eks.amazonaws.com/nodegroup': 'highmem-ng' } },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'embed',
        'FailedScheduling',
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
      ),
      { ...node('n1', {}, []), metadata: { name: 'n1', labels: { 'karpenter.sh/nodepool': 'general' } } },
      { ...node('n2', {}, []), metadata: { name: 'n2', labels: { 'karpenter.sh/nodepool': 'highmem' } } },
    ],
    want: [
      {
        kind: 'Pod',
        name: 'embed',
        reason: 'FailedScheduling',
        says: ['no node has the label eks.amazonaws.com/nodegroup', 'karpenter.sh/nodepool=highmem'],
        fix: true,
      },
    ],
  },
  {
    name: 'a nodeSelector value no node carries: the values nodes have',
    objects: [
      pod(
        'gpu',
        { nodeSelector: { pool: 'gpu-a100' } },
        {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
        },
      ),
      event(
        'Pod',
        'gpu',
        'FailedScheduling',
        "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
      ),
      { ...node('n1', {}, []), metadata: { name: 'n1', labels: { pool: 'general' } } },
    ],
    want: [
      {
        kind: 'Pod',
        name: 'gpu',
        reason: 'FailedScheduling',
        says: ['pool=gpu-a100: nodes carry pool = general'],
      },
    ],
  },
  {
    name: 'a liveness probe on a port the container does not declare',
    objects: [
      pod(
        'probe',
        {
          containers: [
            {
              name: 'app',
              ports: [{ containerPort: 8080 }],
              livenessProbe: { httpGet: { path: '/healthz', port: 9090 } },
            },
          ],
        },
        { phase: 'Running', containerStatuses: [running('app', { restartCount: 3 })] },
      ),
      event('Pod', 'probe', 'Unhealthy', 'Liveness probe failed: connect: connection refused'),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'probe',
        reason: 'LivenessProbeWrongPort',
        says: ['port 9090', 'listens on 8080', 'wrong port', 'connection refused'],
        fix: true,
      },
    ],
  },
  {
    name: 'a readiness probe that failed while the sidecar started, the container Ready now: not the wrong port',
    objects: [
      pod(
        'mesh',
        {
          containers: [
            {
              name: 'istio-proxy',
              ports: [{ containerPort: 15090 }],
              readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } },
            },
          ],
        },
        { phase: 'Running', containerStatuses: [running('istio-proxy')] },
      ),
      event('Pod', 'mesh', 'Unhealthy', 'Readiness probe failed: connect: connection refused'),
    ],
    want: [{ kind: 'Pod', name: 'mesh', reason: 'ReadinessProbeFailed', says: ['readiness probe'] }],
  },
  {
    name: 'a readiness probe that last failed an hour ago, the container Ready now: cleared, no finding',
    objects: [
      pod(
        'intranet',
        { containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } }] },
        { phase: 'Running', containerStatuses: [running('web')] },
      ),
      event('Pod', 'intranet', 'Unhealthy', 'Readiness probe failed: connect: connection refused', {
        lastTimestamp: '2025-12-31T23:00:00Z',
      }),
    ],
    want: [],
  },
  {
    name: 'a readiness probe that failed five minutes ago, the container Ready now: still a finding (it may flap)',
    objects: [
      pod(
        'intranet',
        { containers: [{ name: 'web', readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } }] },
        { phase: 'Running', containerStatuses: [running('web')] },
      ),
      event('Pod', 'intranet', 'Unhealthy', 'Readiness probe failed: connect: connection refused', {
        lastTimestamp: '2025-12-31T23:55:00Z',
      }),
    ],
    want: [{ kind: 'Pod', name: 'intranet', reason: 'ReadinessProbeFailed', says: ['readiness probe'] }],
  },
  {
    name: 'FailedMount: the event that says why, not the timeout that restates it',
    objects: [
      pod(
        'nfs',
        { nodeName: 'n1', volumes: [{ name: 'share', persistentVolumeClaim: { claimName: 'share' } }] },
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        },
      ),
      pvc('share', {}, { phase: 'Bound' }),
      event(
        'Pod',
        'nfs',
        'FailedMount',
        'Unable to attach or mount volumes: unmounted volumes=[share]: timed out waiting for the condition',
      ),
      event(
        'Pod',
        'nfs',
        'FailedMount',
        'MountVolume.SetUp failed for volume "share-pv" : mount failed: exit status 32 Mounting arguments: -t nfs 10.0.0.9:/export',
      ),
    ],
    want: [{ kind: 'Pod', name: 'nfs', reason: 'FailedMount', says: ['-t nfs 10.0.0.9', 'share-pv'] }],
  },
  {
    name: 'FailedMount keeps the pod in ContainerCreating',
    objects: [
      pod(
        'mnt',
        { nodeName: 'n1', volumes: [{ name: 'conf', configMap: { name: 'conf' } }] },
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        },
      ),
      event(
        'Pod',
        'mnt',
        'FailedMount',
        'MountVolume.SetUp failed for volume "conf" : configmap "conf" not found',
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'mnt',
        reason: 'FailedMount',
        says: ['ConfigMap conf does not exist', 'configmap "conf" not found'],
        fix: true,
      },
    ],
  },
  {
    name: 'a ReadWriteOnce volume attached for a pod on another node (Multi-Attach)',
    objects: [
      pod(
        'second',
        { nodeName: 'n2', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
        {
          phase: 'Pending',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
            },
          ],
        },
      ),
      pvc('data', { accessModes: ['ReadWriteOnce'] }, { phase: 'Bound' }),
      event(
        'Pod',
        'second',
        'FailedAttachVolume',
        'Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) first-abcde',
      ),
      event(
        'Pod',
        'second',
        'FailedMount',
        'Unable to attach or mount volumes: unmounted volumes=[data]: timed out waiting for the condition',
      ),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'second',
        reason: 'MultiAttach',
        says: ['claim data', 'pod first-abcde', 'ReadWriteOnce', 'Multi-Attach error'],
        fix: true,
      },
    ],
  },
  {
    name: 'evicted, with the kubelet’s message',
    objects: [
      pod(
        'ev',
        { nodeName: 'n1' },
        { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: ephemeral-storage.' },
      ),
    ],
    want: [
      { kind: 'Pod', name: 'ev', reason: 'Evicted', says: ['low on resource: ephemeral-storage', 'node n1'] },
    ],
  },
  {
    name: 'two pods of one owner failing alike are one finding',
    objects: [
      rs,
      crash({ reason: 'Error', exitCode: 2 }),
      {
        ...crash({ reason: 'Error', exitCode: 2 }),
        metadata: { name: 'web-5d9-fghij', namespace: 'shop', ...owned('ReplicaSet', 'web-5d9') },
      },
    ],
    want: [{ kind: 'Pod', name: 'web-5d9-abcde', reason: 'CrashLoopBackOff', says: ['also: web-5d9-fghij'] }],
  },
];

describe('pods analyzer', () => {
  it.each(ROWS)('$name', (row) => check(podsAnalyzer, row));
});

// Hostile placement: a pod asking for thousands of node labels, and nodes with hundreds each. At most
// four unmet requirements are said, so at most four are worked out (each reads every node's labels).
describe('pods analyzer on hostile placement', () => {
  const unscheduled = {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        message: "0/500 nodes are available: 500 node(s) didn't match Pod's node affinity/selector.",
      },
    ],
  };
  const labels = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`lab${i}`, `y${i}`]));
  const nodes = Array.from({ length: 500 }, (_, i) => ({
    ...node(`n${i}`, {}, [{ type: 'Ready', status: 'True' }]),
    metadata: { name: `n${i}`, labels },
  }));
  const timed = (objects: KubeObject[]) => {
    const t0 = performance.now();
    const found = analyze(factsFrom(objects, {}), [podsAnalyzer]);
    return { found, ms: performance.now() - t0 };
  };

  it.each([
    [
      'a nodeSelector of 5000 keys',
      { nodeSelector: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`sel${i}`, `x${i}-ng`])) },
    ],
    [
      'required node affinity of 2000 terms',
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: Array.from({ length: 2000 }, (_, i) => ({
                matchExpressions: [{ key: `k${i}`, operator: 'In', values: [`v${i}-pool`, 'w'] }],
              })),
            },
          },
        },
      },
    ],
  ])('%s: one finding naming at most four, in bounded time', (_what, spec) => {
    const { found, ms } = timed([pod('p', spec, unscheduled), ...nodes]);
    expect(found.map((f) => f.reason)).toEqual(['FailedScheduling']);
    expect(found[0]!.message).toContain('no node has the label');
    expect(ms).toBeLessThan(1500);
  });
});
