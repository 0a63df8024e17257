import type { KubeMetadata } from './cluster.js';

// Loose views of the kinds the tools format and the simulator reacts to: only the fields used here,
// all optional, because a real cluster may leave any of them out.

/** A container's resource requests and limits. */
export interface Resources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** An environment variable, literal or from a ConfigMap, Secret or field. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

/** A liveness, readiness or startup probe. */
export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
}

/** A container in a pod spec. */
export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number; hostPort?: number; hostIP?: string; protocol?: string }[];
  env?: EnvVar[];
  envFrom?: {
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
    /** Prepended to every key's name (EnvFromSource.prefix). */
    prefix?: string;
  }[];
  resources?: Resources;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
}

/** A container's security context (the fields the simulator reads; the container's win over the pod's). */
export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  [key: string]: unknown;
}

/** A pod's security context: defaults for its containers, and `fsGroup` for the volumes it owns. */
export interface PodSecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  fsGroup?: number;
  supplementalGroups?: number[];
  /** Namespaced kernel parameters set for the pod (`net.ipv4.ip_unprivileged_port_start` is read). */
  sysctls?: { name: string; value: string }[];
  [key: string]: unknown;
}

/** A volume in a pod spec. */
export interface Volume {
  name: string;
  configMap?: { name: string; optional?: boolean };
  secret?: { secretName: string; optional?: boolean };
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A pod spec. */
export interface PodSpec {
  containers: Container[];
  /** ClusterFirst (the default), Default (the node's resolv.conf), ClusterFirstWithHostNet or None. */
  dnsPolicy?: string;
  hostNetwork?: boolean;
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  /** Set by the Priority admission plugin from the PriorityClass (sim/priority.ts). */
  priority?: number;
  priorityClassName?: string;
  /** The RuntimeClass whose handler runs the pod's containers (a sandboxed runtime such as Kata or gVisor). */
  runtimeClassName?: string;
  /** PreemptLowerPriority (the default) or Never. */
  preemptionPolicy?: string;
  tolerations?: unknown[];
  /** Spread rules over topology domains (zones, nodes); `DoNotSchedule` ones filter nodes. */
  topologySpreadConstraints?: TopologySpreadConstraint[];
  volumes?: Volume[];
  imagePullSecrets?: { name: string }[];
  restartPolicy?: string;
  serviceAccountName?: string;
  securityContext?: PodSecurityContext;
}

/** A pod's topology spread constraint (`spec.topologySpreadConstraints[]`). */
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway' | string;
  labelSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  minDomains?: number;
}

/** The state of a container: waiting, running or terminated. */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    reason?: string;
    exitCode: number;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
  };
}

/** The status of one container. */
export interface ContainerStatus {
  name: string;
  image?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

/** A condition on any object. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** A pod. */
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec: PodSpec;
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    /** The node a preempting pod waits for (its victims are terminating there). */
    nominatedNodeName?: string;
    podIP?: string;
    hostIP?: string;
    startTime?: string;
    qosClass?: string;
  };
}

/** A pod template. */
export interface PodTemplate {
  metadata?: KubeMetadata;
  spec: PodSpec;
}

/** A deployment. */
export interface Deployment {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec: {
    replicas?: number;
    selector: { matchLabels?: Record<string, string> };
    template: PodTemplate;
    strategy?: {
      type?: string;
      rollingUpdate?: { maxSurge?: string | number; maxUnavailable?: string | number };
    };
    revisionHistoryLimit?: number;
    paused?: boolean;
    /** Seconds a new pod must be Ready before it counts as available; default 0. */
    minReadySeconds?: number;
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    observedGeneration?: number;
    conditions?: Condition[];
  };
}

/** A replica set. */
export interface ReplicaSet {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector: { matchLabels?: Record<string, string> };
    template: PodTemplate;
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    fullyLabeledReplicas?: number;
  };
}

/** A service port. */
export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  nodePort?: number;
}

/** A service. */
export interface Service {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    /** The DNS name an ExternalName Service answers with (a CNAME). */
    externalName?: string;
    /** `Cluster` (default) or `Local`: whether in-cluster clients reach endpoints on every node or only their own. */
    internalTrafficPolicy?: string;
    externalTrafficPolicy?: string;
    /** `None` (default) or `ClientIP`: kube-proxy sends every connection from one client IP to one endpoint. */
    sessionAffinity?: string;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** An endpoints object. */
export interface Endpoints {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  subsets?: {
    addresses?: { ip: string; targetRef?: { kind: string; name: string; namespace?: string } }[];
    notReadyAddresses?: { ip: string; targetRef?: { kind: string; name: string; namespace?: string } }[];
    ports?: { name?: string; port: number; protocol?: string }[];
  }[];
}

/** A node. */
export interface Node {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  spec?: { taints?: { key: string; value?: string; effect: string }[]; unschedulable?: boolean };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: Condition[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; containerRuntimeVersion?: string };
    addresses?: { type: string; address: string }[];
    /** Images the node holds (the kubelet's list): their names and size in bytes. */
    images?: { names: string[]; sizeBytes?: number }[];
  };
}

/** An event. */
export interface KubeEvent {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMetadata;
  involvedObject: {
    kind?: string;
    name?: string;
    namespace?: string;
    uid?: string;
    apiVersion?: string;
    fieldPath?: string;
  };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  /** An events.k8s.io series: how often it recurred, and when last (the newest time of a recurring event). */
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string; host?: string };
  reportingComponent?: string;
}
