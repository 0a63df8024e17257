import type { KubeMetadata } from '../cluster.js';
import type { Condition, PodTemplate } from '../types.js';

// Loose views of the kinds the analyzers read beyond ../types.ts: only the fields used, all optional,
// because a real cluster may leave any of them out.

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface ConfigMapLike {
  metadata?: KubeMetadata;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  stringData?: Record<string, string>;
}

export type SecretLike = ConfigMapLike;

export interface PersistentVolumeClaim {
  metadata: KubeMetadata;
  spec?: {
    storageClassName?: string | null;
    volumeName?: string;
    resources?: { requests?: Record<string, string> };
  };
  status?: { phase?: string; conditions?: Condition[] };
}

export interface StorageClass {
  metadata: KubeMetadata;
  provisioner?: string;
}

export interface Ingress {
  metadata: KubeMetadata;
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: { hosts?: string[]; secretName?: string }[];
    rules?: {
      host?: string;
      http?: { paths?: { path?: string; pathType?: string; backend?: IngressBackend }[] };
    }[];
  };
}

export interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } };
  resource?: { kind?: string; name?: string };
}

export interface IngressClass {
  metadata: KubeMetadata;
  spec?: { controller?: string };
}

export interface StatefulSet {
  metadata: KubeMetadata;
  spec?: {
    replicas?: number;
    serviceName?: string;
    selector?: LabelSelector;
    template?: PodTemplate;
    volumeClaimTemplates?: PersistentVolumeClaim[];
  };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

export interface Job {
  metadata: KubeMetadata;
  spec?: {
    backoffLimit?: number;
    completions?: number;
    parallelism?: number;
    suspend?: boolean;
    activeDeadlineSeconds?: number;
    template?: PodTemplate;
  };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: Condition[];
    startTime?: string;
    completionTime?: string;
  };
}

export interface CronJob {
  metadata: KubeMetadata;
  spec?: {
    schedule?: string;
    timeZone?: string;
    suspend?: boolean;
    concurrencyPolicy?: string;
    jobTemplate?: { spec?: Job['spec'] };
  };
  status?: { lastScheduleTime?: string; lastSuccessfulTime?: string; active?: { name?: string }[] };
}

export interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: { type?: string; averageUtilization?: number } };
  containerResource?: { name?: string; container?: string };
  pods?: { metric?: { name?: string } };
  object?: { metric?: { name?: string } };
  external?: { metric?: { name?: string } };
}

export interface HorizontalPodAutoscaler {
  metadata: KubeMetadata;
  spec?: {
    scaleTargetRef?: { apiVersion?: string; kind?: string; name?: string };
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: MetricSpec[];
    targetCPUUtilizationPercentage?: number;
  };
  status?: { currentReplicas?: number; desiredReplicas?: number; conditions?: Condition[] };
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string };
}

export interface NetworkPolicy {
  metadata: KubeMetadata;
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: unknown[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: unknown[] }[];
  };
}

export interface WebhookConfiguration {
  kind?: string;
  metadata: KubeMetadata;
  webhooks?: {
    name?: string;
    failurePolicy?: string;
    clientConfig?: { service?: { name?: string; namespace?: string; port?: number }; url?: string };
    namespaceSelector?: LabelSelector;
  }[];
}
