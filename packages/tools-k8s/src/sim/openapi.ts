import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import { fnv1a } from './names.js';

/** A schema object of OpenAPI 3.0, the subset this document uses. */
export interface Schema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'boolean' | 'number';
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: Schema;
  readonly items?: Schema;
  readonly required?: readonly string[];
  readonly allOf?: readonly Schema[];
  readonly $ref?: string;
  readonly default?: unknown;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-group-version-kind'?: readonly { group: string; version: string; kind: string }[];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const APPS = 'io.k8s.api.apps.v1';

const s = (description: string): Schema => ({ type: 'string', description });
const i = (description: string): Schema => ({ type: 'integer', format: 'int32', description });
const b = (description: string): Schema => ({ type: 'boolean', description });
const map = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string', default: '' },
});
const ref = (name: string, description: string): Schema => ({
  description,
  allOf: [{ $ref: `#/components/schemas/${name}` }],
});
const list = (name: string, description: string): Schema => ({
  type: 'array',
  description,
  items: { allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} },
});
const free = (description: string): Schema => ({
  type: 'object',
  description,
  'x-kubernetes-preserve-unknown-fields': true,
});
const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const intOrString = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

const API_VERSION = s('The versioned schema of this representation of an object (group/version).');
const KIND = s('The REST resource this object represents, in CamelCase.');

/**
 * The schemas the served API describes in detail: the core kinds people create and explain (Pod,
 * Deployment, Service, ConfigMap) and the types they use. Written here as a small table in our own
 * words (shapes follow the Kubernetes API reference); status fields and rarely written fields are
 * left open (`x-kubernetes-preserve-unknown-fields`), so no valid object is refused.
 */
const DETAILED: Record<string, Schema> = {
  [`${META}.ObjectMeta`]: {
    type: 'object',
    description:
      'Metadata every persisted object has: name, namespace, labels, annotations and what the server sets.',
    properties: {
      name: s('Name of the object, unique within its namespace and kind.'),
      generateName: s('Prefix the server uses to make a unique name when no name is given.'),
      namespace: s('Namespace the object lives in; empty for cluster-scoped kinds.'),
      labels: map('Key/value pairs used to select objects.'),
      annotations: map('Key/value pairs for tools; not used to select objects.'),
      uid: s('Unique id the server assigns at creation.'),
      resourceVersion: s('Opaque version of the object, changed by every write; used by watches.'),
      generation: { type: 'integer', format: 'int64', description: 'Sequence number of spec changes.' },
      creationTimestamp: {
        type: 'string',
        format: 'date-time',
        description: 'When the object was created (RFC 3339).',
      },
      deletionTimestamp: {
        type: 'string',
        format: 'date-time',
        description: 'When the object will be deleted.',
      },
      ownerReferences: {
        type: 'array',
        description: 'Objects this one depends on (garbage collection).',
        items: free('An owner reference.'),
      },
      finalizers: {
        type: 'array',
        description: 'Must be empty before the object is deleted.',
        items: { type: 'string', default: '' },
      },
      managedFields: {
        type: 'array',
        description: 'Field ownership by manager (server-side apply).',
        items: free('A managed fields entry.'),
      },
      deletionGracePeriodSeconds: {
        type: 'integer',
        format: 'int64',
        description: 'Seconds allowed for graceful termination.',
      },
      selfLink: s('Deprecated; not set by the server.'),
    },
  },
  [`${META}.LabelSelector`]: {
    type: 'object',
    description: 'A label query over a set of objects; requirements are ANDed.',
    properties: {
      matchLabels: map('Labels an object must have, key and value.'),
      matchExpressions: {
        type: 'array',
        description: 'Set-based requirements.',
        items: free('A label selector requirement.'),
      },
    },
  },
  [quantity]: { type: 'string', description: 'A fixed-point number with a suffix: 100m, 1Gi, 0.5.' },
  [intOrString]: {
    type: 'string',
    format: 'int-or-string',
    description: 'An integer or a string.',
    'x-kubernetes-int-or-string': true,
  },
  [`${CORE}.Pod`]: {
    type: 'object',
    description: 'A Pod is a group of containers that run together on a host.',
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: ref(`${META}.ObjectMeta`, 'Standard object metadata.'),
      spec: ref(`${CORE}.PodSpec`, 'Desired behavior of the pod.'),
      status: free('Most recently observed status of the pod; written by the system.'),
    },
  },
  [`${CORE}.PodTemplateSpec`]: {
    type: 'object',
    description: 'Describes the pods a controller creates.',
    properties: {
      metadata: ref(`${META}.ObjectMeta`, 'Metadata of the pods created from this template.'),
      spec: ref(`${CORE}.PodSpec`, 'Specification of the pods.'),
    },
  },
  [`${CORE}.PodSpec`]: {
    type: 'object',
    description: 'Specification of a pod.',
    required: ['containers'],
    properties: {
      containers: list(`${CORE}.Container`, 'Containers of the pod; at least one.'),
      initContainers: list(
        `${CORE}.Container`,
        'Containers run to completion, in order, before the others start.',
      ),
      nodeName: s('Node the pod is bound to; set by the scheduler.'),
      nodeSelector: map('Labels a node must have for the pod to fit.'),
      restartPolicy: s('Always, OnFailure or Never.'),
      serviceAccountName: s('Service account the pod runs as.'),
      terminationGracePeriodSeconds: {
        type: 'integer',
        format: 'int64',
        description: 'Seconds given to stop gracefully.',
      },
      volumes: { type: 'array', description: 'Volumes the containers can mount.', items: free('A volume.') },
      tolerations: { type: 'array', description: 'Taints the pod tolerates.', items: free('A toleration.') },
      affinity: free('Scheduling constraints.'),
      securityContext: free('Pod-level security attributes.'),
      hostNetwork: b("Use the host's network namespace."),
      priorityClassName: s('Priority class of the pod.'),
      schedulerName: s('Scheduler that places the pod.'),
      imagePullSecrets: {
        type: 'array',
        description: 'Secrets used to pull images.',
        items: free('A local object reference.'),
      },
      dnsPolicy: s('How DNS is set up for the pod.'),
      dnsConfig: free('DNS parameters of the pod.'),
      hostname: s('Hostname of the pod.'),
      subdomain: s('Subdomain of the pod.'),
      hostAliases: {
        type: 'array',
        description: 'Entries added to /etc/hosts.',
        items: free('A host alias.'),
      },
      hostPID: b("Use the host's pid namespace."),
      hostIPC: b("Use the host's ipc namespace."),
      hostUsers: b("Use the host's user namespace."),
      shareProcessNamespace: b('Share a process namespace between the containers.'),
      serviceAccount: s('Deprecated alias of serviceAccountName.'),
      automountServiceAccountToken: b('Mount the service account token.'),
      enableServiceLinks: b('Inject service environment variables.'),
      activeDeadlineSeconds: { type: 'integer', format: 'int64', description: 'Seconds the pod may run.' },
      priority: i('Priority value of the pod.'),
      preemptionPolicy: s('Never or PreemptLowerPriority.'),
      runtimeClassName: s('Runtime class of the pod.'),
      topologySpreadConstraints: {
        type: 'array',
        description: 'How pods spread across topology domains.',
        items: free('A constraint.'),
      },
      readinessGates: {
        type: 'array',
        description: 'Extra conditions for pod readiness.',
        items: free('A readiness gate.'),
      },
      ephemeralContainers: {
        type: 'array',
        description: 'Debugging containers.',
        items: free('An ephemeral container.'),
      },
      overhead: map('Resource overhead of the runtime class.'),
      os: free('Operating system of the pod.'),
      schedulingGates: {
        type: 'array',
        description: 'Gates that block scheduling.',
        items: free('A scheduling gate.'),
      },
      resourceClaims: {
        type: 'array',
        description: 'Dynamic resource claims.',
        items: free('A pod resource claim.'),
      },
      resources: free('Pod-level resource requirements.'),
      setHostnameAsFQDN: b('Use the FQDN as hostname.'),
    },
  },
  [`${CORE}.Container`]: {
    type: 'object',
    description: 'A single application container in a pod.',
    required: ['name'],
    properties: {
      name: s('Name of the container, unique within the pod (DNS label).'),
      image: s('Container image name.'),
      imagePullPolicy: s('Always, Never or IfNotPresent.'),
      command: {
        type: 'array',
        description: 'Entrypoint array; not run in a shell.',
        items: { type: 'string', default: '' },
      },
      args: {
        type: 'array',
        description: 'Arguments to the entrypoint.',
        items: { type: 'string', default: '' },
      },
      env: list(`${CORE}.EnvVar`, 'Environment variables to set in the container.'),
      envFrom: {
        type: 'array',
        description: 'Sources of environment variables.',
        items: free('An env-from source.'),
      },
      ports: list(`${CORE}.ContainerPort`, 'Ports the container exposes (informational).'),
      resources: ref(`${CORE}.ResourceRequirements`, 'Compute resources the container needs and may use.'),
      livenessProbe: free('Probe of container liveness; failure restarts the container.'),
      readinessProbe: free('Probe of readiness; failure removes the pod from service endpoints.'),
      startupProbe: free('Probe that must succeed before the other probes start.'),
      volumeMounts: {
        type: 'array',
        description: 'Volumes mounted into the container.',
        items: free('A volume mount.'),
      },
      workingDir: s('Working directory of the container.'),
      securityContext: free('Container-level security attributes.'),
      lifecycle: free('Actions run on container start and stop.'),
      stdin: b('Keep stdin open.'),
      stdinOnce: b('Close stdin after the first attach.'),
      tty: b('Allocate a TTY.'),
      terminationMessagePath: s('File the termination message is read from.'),
      terminationMessagePolicy: s('File or FallbackToLogsOnError.'),
      resizePolicy: {
        type: 'array',
        description: 'How resources are resized in place.',
        items: free('A resize policy.'),
      },
      restartPolicy: s('Always, for sidecar init containers.'),
      volumeDevices: {
        type: 'array',
        description: 'Block devices of the container.',
        items: free('A volume device.'),
      },
    },
  },
  [`${CORE}.EnvVar`]: {
    type: 'object',
    description: 'An environment variable of a container.',
    required: ['name'],
    properties: {
      name: s('Name of the variable.'),
      value: s('Value of the variable.'),
      valueFrom: free('Source of the value (a ConfigMap key, a Secret key, a field).'),
    },
  },
  [`${CORE}.ContainerPort`]: {
    type: 'object',
    description: 'A network port of a container.',
    required: ['containerPort'],
    properties: {
      name: s('Name of the port, referred to by services.'),
      containerPort: i('Port number on the pod IP.'),
      protocol: s('TCP, UDP or SCTP.'),
      hostPort: i('Port number on the host.'),
      hostIP: s('Host IP to bind to.'),
    },
  },
  [`${CORE}.ResourceRequirements`]: {
    type: 'object',
    description: 'Compute resource requests and limits.',
    properties: {
      requests: {
        type: 'object',
        description: 'Minimum resources required (scheduling uses these).',
        additionalProperties: { $ref: `#/components/schemas/${quantity}` },
      },
      limits: {
        type: 'object',
        description: 'Maximum resources allowed (memory over the limit is an OOM kill).',
        additionalProperties: { $ref: `#/components/schemas/${quantity}` },
      },
      claims: {
        type: 'array',
        description: 'Dynamic resource claims used.',
        items: free('A resource claim.'),
      },
    },
  },
  [`${APPS}.Deployment`]: {
    type: 'object',
    description: 'A Deployment keeps a number of identical pods running and rolls out changes to them.',
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: ref(`${META}.ObjectMeta`, 'Standard object metadata.'),
      spec: ref(`${APPS}.DeploymentSpec`, 'Desired behavior of the Deployment.'),
      status: free('Most recently observed status; written by the controller.'),
    },
  },
  [`${APPS}.DeploymentSpec`]: {
    type: 'object',
    description: 'Desired behavior of a Deployment.',
    required: ['selector', 'template'],
    properties: {
      replicas: i('Number of desired pods; default 1.'),
      selector: ref(`${META}.LabelSelector`, 'Label selector of the pods; must match the template labels.'),
      template: ref(`${CORE}.PodTemplateSpec`, 'Template of the pods to create.'),
      strategy: free('How old pods are replaced by new ones (RollingUpdate or Recreate).'),
      minReadySeconds: i('Seconds a new pod must be ready to count as available.'),
      revisionHistoryLimit: i('Old ReplicaSets kept for rollback.'),
      progressDeadlineSeconds: i('Seconds before a stalled rollout is reported.'),
      paused: b('Whether the Deployment is paused.'),
    },
  },
  [`${CORE}.Service`]: {
    type: 'object',
    description: 'A Service is a named abstraction of a set of pods, reached through one address.',
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: ref(`${META}.ObjectMeta`, 'Standard object metadata.'),
      spec: ref(`${CORE}.ServiceSpec`, 'Desired behavior of the Service.'),
      status: free('Most recently observed status of the Service.'),
    },
  },
  [`${CORE}.ServiceSpec`]: {
    type: 'object',
    description: 'Desired behavior of a Service.',
    properties: {
      selector: map('Pods with these labels receive the traffic.'),
      ports: list(`${CORE}.ServicePort`, 'Ports the Service exposes.'),
      type: s('ClusterIP, NodePort, LoadBalancer or ExternalName.'),
      clusterIP: s('IP address of the Service; assigned by the system.'),
      clusterIPs: {
        type: 'array',
        description: 'IP addresses of the Service.',
        items: { type: 'string', default: '' },
      },
      externalName: s('DNS name returned for an ExternalName Service.'),
      sessionAffinity: s('ClientIP or None.'),
      externalTrafficPolicy: s('Cluster or Local.'),
      internalTrafficPolicy: s('Cluster or Local.'),
      ipFamilies: {
        type: 'array',
        description: 'IP families of the Service.',
        items: { type: 'string', default: '' },
      },
      ipFamilyPolicy: s('SingleStack, PreferDualStack or RequireDualStack.'),
      externalIPs: {
        type: 'array',
        description: 'Extra IPs the Service accepts traffic on.',
        items: { type: 'string', default: '' },
      },
      loadBalancerIP: s('Deprecated: requested load balancer IP.'),
      loadBalancerSourceRanges: {
        type: 'array',
        description: 'Client CIDRs allowed through the load balancer.',
        items: { type: 'string', default: '' },
      },
      loadBalancerClass: s('Class of the load balancer implementation.'),
      allocateLoadBalancerNodePorts: b('Allocate node ports for a LoadBalancer Service.'),
      healthCheckNodePort: i('Health check node port (externalTrafficPolicy Local).'),
      publishNotReadyAddresses: b('Publish addresses of pods that are not ready.'),
      sessionAffinityConfig: free('Session affinity settings.'),
      trafficDistribution: s('Preference for routing traffic.'),
    },
  },
  [`${CORE}.ServicePort`]: {
    type: 'object',
    description: 'A port a Service exposes.',
    required: ['port'],
    properties: {
      name: s('Name of the port; required when there are several.'),
      port: i('Port the Service exposes.'),
      targetPort: ref(intOrString, 'Port number or name on the pods.'),
      protocol: s('TCP, UDP or SCTP.'),
      nodePort: i('Port on every node (NodePort and LoadBalancer).'),
      appProtocol: s('Application protocol of the port.'),
    },
  },
  [`${CORE}.ConfigMap`]: {
    type: 'object',
    description: 'A ConfigMap holds configuration data for pods to consume.',
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: ref(`${META}.ObjectMeta`, 'Standard object metadata.'),
      data: map('UTF-8 configuration data by key.'),
      binaryData: map('Binary configuration data by key (base64).'),
      immutable: b('Whether the data can no longer be changed.'),
    },
  },
};

const GROUP_PREFIX: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  batch: 'io.k8s.api.batch',
  autoscaling: 'io.k8s.api.autoscaling',
  policy: 'io.k8s.api.policy',
  'networking.k8s.io': 'io.k8s.api.networking',
  'storage.k8s.io': 'io.k8s.api.storage',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  'discovery.k8s.io': 'io.k8s.api.discovery',
};

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const versionOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion);

/** The name of a kind's schema in `components.schemas`, as Kubernetes names its definitions. */
export function schemaName(info: Pick<KindInfo, 'kind' | 'apiVersion'>): string {
  const group = groupOf(info.apiVersion);
  const prefix = GROUP_PREFIX[group] ?? group.split('.').reverse().join('.');
  return `${prefix}.${versionOf(info.apiVersion)}.${info.kind}`;
}

/** The path of an API group-version in the OpenAPI v3 index: `api/v1`, `apis/apps/v1`. */
export function openApiPath(apiVersion: string): string {
  return groupOf(apiVersion) ? `apis/${apiVersion}` : `api/${apiVersion}`;
}

function kindSchema(info: KindInfo): Schema {
  const detailed = DETAILED[schemaName(info)];
  const gvk = [{ group: groupOf(info.apiVersion), version: versionOf(info.apiVersion), kind: info.kind }];
  if (detailed) return { ...detailed, 'x-kubernetes-group-version-kind': gvk };
  return {
    type: 'object',
    description: `${info.kind} (${info.apiVersion}); the simulated cluster does not describe its fields.`,
    properties: {
      apiVersion: API_VERSION,
      kind: KIND,
      metadata: ref(`${META}.ObjectMeta`, 'Standard object metadata.'),
    },
    'x-kubernetes-preserve-unknown-fields': true,
    'x-kubernetes-group-version-kind': gvk,
  };
}

/** Every schema `root` refers to, directly or not (names in `components.schemas`). */
function referenced(root: Schema, out: Set<string>): Set<string> {
  const stack: Schema[] = [root];
  while (stack.length) {
    const cur = stack.pop()!;
    if (cur.$ref) {
      const name = cur.$ref.slice('#/components/schemas/'.length);
      if (!out.has(name) && DETAILED[name]) {
        out.add(name);
        stack.push(DETAILED[name]!);
      }
    }
    for (const x of Object.values(cur.properties ?? {})) stack.push(x);
    for (const x of cur.allOf ?? []) stack.push(x);
    if (cur.items) stack.push(cur.items);
    if (cur.additionalProperties) stack.push(cur.additionalProperties);
  }
  return out;
}

const PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

/**
 * The OpenAPI v3 document of one group-version (`GET /openapi/v3/api/v1`, `/openapi/v3/apis/apps/v1`):
 * paths for each kind's collection and object, with `x-kubernetes-group-version-kind` and
 * `x-kubernetes-action` as Kubernetes marks them and the `dryRun`/`fieldValidation` parameters the
 * server honours (kubectl reads these to decide on server-side field validation), and
 * `components.schemas` for the kinds and the types they use. Undefined for an unknown group-version.
 */
export function groupVersionDocument(apiVersion: string, kinds: readonly KindInfo[]) {
  const mine = kinds.filter((k) => k.apiVersion === apiVersion);
  if (mine.length === 0) return undefined;
  const group = groupOf(apiVersion);
  const version = versionOf(apiVersion);
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, Schema> = {};
  const names = new Set<string>();
  for (const info of mine) {
    const name = schemaName(info);
    const schema = kindSchema(info);
    schemas[name] = schema;
    referenced(schema, names);
    const gvk = { group, version, kind: info.kind };
    const base = `/${openApiPath(apiVersion)}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.plural}`;
    const body = { content: { '*/*': { schema: { $ref: `#/components/schemas/${name}` } } } };
    const op = (action: string, extra: Record<string, unknown> = {}) => ({
      operationId: `${action}${info.kind}`,
      parameters: action === 'get' || action === 'list' ? [] : PARAMS,
      responses: { '200': { description: 'OK', ...body } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    paths[base] = { get: op('list'), post: op('post', { requestBody: body }) };
    paths[`${base}/{name}`] = {
      get: op('get'),
      patch: op('patch', {
        requestBody: { content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
      }),
      delete: op('delete'),
    };
  }
  for (const n of names) schemas[n] = DETAILED[n]!;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes (sre-harness simulated cluster)', version: 'v1.32.0-sim' },
    paths,
    components: { schemas },
  };
}

/**
 * The OpenAPI v3 index (`GET /openapi/v3`): each group-version's path and the URL of its document,
 * with a `hash` query that changes when the set of kinds does (clients cache by it).
 */
export function openApiIndex(kinds: readonly KindInfo[]) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const apiVersion of new Set(kinds.map((k) => k.apiVersion))) {
    const path = openApiPath(apiVersion);
    const hash = fnv1a(
      kinds
        .filter((k) => k.apiVersion === apiVersion)
        .map((k) => k.kind)
        .join(','),
    )
      .toString(16)
      .toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

/**
 * Unknown fields of an object by its kind's schema (dotted paths, `spec.foo`), for
 * `fieldValidation=Strict`; kinds without a detailed schema, and open parts of one, have none. Walks
 * iteratively with the body's depth already bounded by the server.
 */
export function unknownFields(info: KindInfo, obj: KubeObject): string[] {
  const root = DETAILED[schemaName(info)];
  if (!root) return [];
  const out: string[] = [];
  const resolve = (x: Schema | undefined): Schema | undefined => {
    let cur = x;
    for (let n = 0; cur && n < 4; n++) {
      const r = cur.$ref ?? cur.allOf?.[0]?.$ref;
      if (!r) return cur;
      cur = DETAILED[r.slice('#/components/schemas/'.length)];
    }
    return cur;
  };
  const stack: [Schema, unknown, string][] = [[root, obj, '']];
  while (stack.length) {
    const [schema, value, path] = stack.pop()!;
    if (schema['x-kubernetes-preserve-unknown-fields']) continue;
    if (schema.type === 'array' && Array.isArray(value)) {
      const item = resolve(schema.items);
      if (item) for (const [n, v] of value.entries()) stack.push([item, v, `${path}[${n}]`]);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    if (schema.additionalProperties) continue;
    if (!schema.properties) continue;
    for (const [k, v] of Object.entries(value)) {
      // Strategic merge patch directives ($patch, $setElementOrder/…, $retainKeys) are no fields.
      if (k.startsWith('$')) continue;
      const sub = resolve(schema.properties[k]);
      const at = path ? `${path}.${k}` : k;
      if (!sub) out.push(at);
      else stack.push([sub, v, at]);
    }
  }
  return out.sort();
}

/**
 * Applies `fieldValidation` (Strict, Warn or Ignore; absent is Warn, as in Kubernetes 1.27+) to a
 * request body: Strict makes unknown fields a 400 `strict decoding error: unknown field "x"`; Warn
 * returns them as warning texts for `Warning` headers; Ignore returns none.
 */
export function checkFields(info: KindInfo, obj: KubeObject, q: URLSearchParams): string[] {
  const mode = q.get('fieldValidation') ?? 'Warn';
  if (mode !== 'Strict' && mode !== 'Warn' && mode !== 'Ignore')
    throw new K8sError(
      'bad_request',
      `fieldValidation: Unsupported value: ${JSON.stringify(mode.slice(0, 64))}: supported values: "Ignore", "Strict", "Warn"`,
      { status: 400 },
    );
  if (mode === 'Ignore') return [];
  const unknown = unknownFields(info, obj);
  if (unknown.length === 0) return [];
  const texts = unknown.map((f) => `unknown field "${f}"`);
  if (mode === 'Strict')
    throw new K8sError(
      'bad_request',
      `${info.kind} in version "${versionOf(info.apiVersion)}" cannot be handled as a ${info.kind}: strict decoding error: ${texts.join(', ')}`,
      { status: 400 },
    );
  return texts;
}
