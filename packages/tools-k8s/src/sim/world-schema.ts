import { z } from 'zod';
import { parseDuration } from '../duration.js';
import { K8sError, type WorldIssue } from '../errors.js';
import { isQuantity } from '../quantity.js';
import { MAX_REPLICAS, MAX_TOTAL_REPLICAS } from './admission.js';
import { logLength, type NeedleLines, type RepeatLines } from './log-lines.js';
import { objectShapeIssues } from './pod-shape.js';

/** A Kubernetes quantity: `512Mi`, `1Gi`, `250m`, `2`. */
export const quantity = z
  .union([z.string(), z.number()])
  .refine(isQuantity, { message: 'expected a quantity such as 512Mi, 1Gi, 250m or 2' });

/** A duration: `90s`, `5m`, `3h20m`, `2d`, or a number of seconds. */
export const duration = z.union([z.string(), z.number()]).refine((v) => parseDuration(v) !== undefined, {
  message: 'expected a duration such as 90s, 5m, 3h or 2d',
});

const name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'expected a lowercase DNS name (letters, digits, "-" and ".")')
  .max(253);
const labels = z.record(z.string(), z.string());
/** Most lines one log may stand for, so a few lines of YAML cannot ask for unbounded work. */
export const MAX_LOG_LINES = 200_000;

const lineText = z.string().max(10_000);
const lineCount = z.number().int().min(1).max(MAX_LOG_LINES);
/**
 * Log entries that stand for many lines, generated only when read (see `log-lines.ts`). `{i}` in a
 * line becomes its 1-based number within the generator, so repeated lines can differ.
 * - `repeat`: the line `times` times, or once per `every` over `for` (`every: 5s, for: 2h` is 1,440 lines);
 * - `needle`: one line hidden among `in` lines of `filler` (cycled), at line `at` (default 40 % in).
 */
const generatorSchema = z.union([
  z
    .strictObject({
      repeat: lineText,
      times: lineCount.optional(),
      every: duration.optional(),
      for: duration.optional(),
    })
    .refine(
      (g) =>
        (g.times !== undefined) !== (g.every !== undefined || g.for !== undefined) &&
        (g.every === undefined) === (g.for === undefined),
      { message: 'give times, or every and for (not both)' },
    )
    .refine((g) => g.every === undefined || (parseDuration(g.every) ?? 0) > 0, {
      message: 'every must be longer than 0s',
      path: ['every'],
    })
    .transform((g, ctx): RepeatLines => {
      const times = g.times ?? Math.floor((parseDuration(g.for) ?? 0) / (parseDuration(g.every) ?? 1));
      if (times < 1 || times > MAX_LOG_LINES)
        ctx.addIssue({
          code: 'custom',
          message: `every/for must give 1 to ${MAX_LOG_LINES} lines, not ${times}`,
        });
      return { repeat: g.repeat, times };
    }),
  z
    .strictObject({
      needle: lineText,
      in: lineCount,
      filler: z.union([lineText, z.array(lineText).min(1).max(100)]),
      at: z.number().int().min(1).optional(),
    })
    .refine((g) => g.at === undefined || g.at <= g.in, { message: 'at must be at most in', path: ['at'] })
    .transform(
      (g): NeedleLines => ({
        needle: g.needle,
        in: g.in,
        filler: typeof g.filler === 'string' ? [g.filler] : g.filler,
        at: g.at ?? Math.max(1, Math.floor(g.in * 0.4)),
      }),
    ),
]);

/** Log lines: each entry a line, or a generator that stands for many (generated when read). */
const lines = z
  .array(z.union([z.string(), generatorSchema]))
  .max(10_000)
  .refine((l) => logLength(l) <= MAX_LOG_LINES, { message: `a log may have at most ${MAX_LOG_LINES} lines` });
const resourceList = z.record(z.string(), quantity);
const resources = z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() });

/**
 * How the program in a container behaves: the facts the simulator derives container states, logs,
 * metrics and events from, so a changed spec (more memory, another image, a fixed env) changes the outcome.
 */
export const behaviorSchema = z.strictObject({
  memory: z
    .strictObject({
      need: quantity
        .optional()
        .describe('Peak working set; above the memory limit the container is OOMKilled'),
      usage: quantity
        .optional()
        .describe('Usage shown by metrics while running (default: need, or 97% of a limit it exceeds)'),
    })
    .optional(),
  cpu: z
    .strictObject({
      need: quantity.optional().describe('CPU the program wants; usage is capped at the limit (throttling)'),
    })
    .optional(),
  failAfter: duration
    .optional()
    .describe('How long an instance runs before it fails (default 45s for OOM, 3s for a crash)'),
  completeAfter: duration
    .optional()
    .describe(
      'The program finishes on its own (exit 0, reason Completed) after this long: a batch program; a Job pod then Succeeds',
    ),
  logs: lines.optional().describe('What a healthy instance prints'),
  oomLogs: lines.optional().describe('What an instance prints before it is OOM-killed'),
  crash: z
    .strictObject({
      exitCode: z.number().int().min(0).max(255),
      logs: lines.default([]),
      reason: z.string().optional(),
    })
    .optional()
    .describe('The program exits on its own with this code after printing these lines'),
  requiredEnv: z
    .array(
      z.union([
        z.string(),
        z.strictObject({ name: z.string(), logs: lines.optional(), exitCode: z.number().int().optional() }),
      ]),
    )
    .optional()
    .describe('Variables the program needs; when one is missing it exits (1 by default) with these lines'),
  listenPorts: z
    .array(z.number().int().min(1).max(65535))
    .optional()
    .describe('Ports the program listens on'),
  bindError: z
    .strictObject({
      logs: z
        .array(z.string().max(10_000))
        .max(100)
        .optional()
        .describe(
          "What it prints when a port of `listenPorts` or `http` cannot be bound: {port}; {error} Go's text (permission denied); {strerror} C's (Permission denied); {errno} EACCES. Default: listen tcp :{port}: bind: {error}",
        ),
      exitCode: z.number().int().min(0).max(255).optional().describe('Default 1'),
    })
    .optional()
    .describe(
      "How the program fails when the kernel refuses a port below the unprivileged start (1024, or the pod's net.ipv4.ip_unprivileged_port_start sysctl, or 0 on a containerd 2 node) to a process without CAP_NET_BIND_SERVICE (any non-root user; root with the capability dropped)",
    ),
  executables: z
    .array(z.string())
    .optional()
    .describe(
      'Commands that exist in the image; a container command outside this list exits 127, an exec probe naming one errors',
    ),
  http: z
    .array(
      z.strictObject({
        port: z.number().int().min(1).max(65535),
        path: z.string().max(2000).optional().describe('Default /'),
        status: z
          .number()
          .int()
          .min(100)
          .max(599)
          .optional()
          .describe('Status code it answers (default 200)'),
        latency: duration
          .optional()
          .describe(
            'How long it takes to answer (seconds, e.g. 1.8, or a duration); at or past a probe timeout the probe fails',
          ),
      }),
    )
    .max(100)
    .optional()
    .describe('HTTP paths the program serves (their ports listen); another path on such a port answers 404'),
  warmUp: duration
    .optional()
    .describe('How long after start before its ports accept connections (probes before then are refused)'),
  ready: z.boolean().optional().describe('false: the program never becomes ready'),
  stopExitCode: z
    .number()
    .int()
    .min(0)
    .max(255)
    .optional()
    .describe(
      "The code it exits with when the kubelet stops it with SIGTERM after a failed liveness or startup probe (a JVM's shutdown: 143; a handler that exits cleanly: 0). Default: it does not handle SIGTERM (a process running as PID 1 without a handler ignores it), so it is killed with SIGKILL: 137",
    ),
  dependencies: z
    .array(
      z.strictObject({
        service: name.describe('Service the program connects to'),
        namespace: name.optional().describe("Default: the pod's namespace"),
        port: z.number().int().min(1).max(65535).describe('Service port'),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
        logs: z
          .array(z.string().max(10_000))
          .max(100)
          .optional()
          .describe('What it prints when the connection fails; {error} is the error (default one line)'),
        exitCode: z.number().int().min(0).max(255).optional().describe('Exits with this code when it fails'),
      }),
    )
    .max(50)
    .optional()
    .describe(
      'Connections the program makes: NetworkPolicy (egress of this pod, ingress of the backends, DNS) decides whether they work; a dropped one logs an i/o timeout, and one to a Service whose ready backends do not listen on its target port is refused',
    ),
  user: z
    .union([z.number().int().min(0).max(2147483647), z.string().min(1).max(256)])
    .optional()
    .describe(
      "The user the image runs as (its Dockerfile USER: a uid, 'uid:gid' or a name); default root. runAsUser in the spec wins; runAsNonRoot refuses root and cannot verify a name",
    ),
  writes: z
    .array(
      z.strictObject({
        path: z
          .string()
          .min(1)
          .max(4096)
          .startsWith('/')
          .describe('Absolute path the program writes at start'),
        owner: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe(
            "uid owning the path when it is on the image's own filesystem (default: the image's user)",
          ),
        logs: z
          .array(z.string().max(10_000))
          .max(100)
          .optional()
          .describe(
            "What it prints when the write fails: {path}; {error} Go's text (permission denied, read-only file system); {strerror} C's (Permission denied, Read-only file system); {errno} EACCES or EROFS. Default: open {path}: {error}",
          ),
        exitCode: z.number().int().min(0).max(255).optional().describe('Exits with this code when it fails'),
      }),
    )
    .max(50)
    .optional()
    .describe(
      'Paths the program writes: the mounts and security context decide (a read-only root filesystem or ConfigMap/Secret volume refuses with EROFS; a volume the user does not own, without fsGroup, with EACCES; emptyDir and root always write)',
    ),
  apiCalls: z
    .array(
      z.strictObject({
        verb: z.string().min(1).max(64),
        resource: z.string().min(1).max(253).describe('Plural resource, e.g. configmaps'),
        group: z.string().max(253).optional().describe('API group; default the core group ""'),
        namespace: z
          .string()
          .max(253)
          .optional()
          .describe('Default: the pod\'s namespace; "" for cluster scope'),
        name: z.string().max(253).optional(),
        logs: z
          .array(z.string().max(10_000))
          .max(100)
          .optional()
          .describe("What it prints when refused; {error} is the API server's Forbidden message"),
        exitCode: z.number().int().min(0).max(255).optional().describe('Exits with this code when refused'),
      }),
    )
    .max(50)
    .optional()
    .describe(
      'Kubernetes API calls the program makes with its ServiceAccount: RBAC in the world decides them',
    ),
});

/** The longest value a configuration condition compares with. */
const configText = z.string().max(10_000);

/**
 * A behaviour that holds while one configuration value reads a certain way: an environment variable of
 * the container, or a key of a ConfigMap or Secret in the pod's namespace (a mounted config file). The
 * value is read as the kubelet resolves it when the container starts, so a fixed value (`set_env`, an
 * applied ConfigMap) changes what the next instance does.
 */
export const configOverrideSchema = z
  .strictObject({
    env: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe(
        'An environment variable of the container, resolved as the kubelet does at start: env (value with $(VAR) references expanded, configMapKeyRef, secretKeyRef) over envFrom (with its prefix); the last entry of a name wins, and a reference to a missing key or object is passed over',
      ),
    configMap: z
      .strictObject({ name, key: z.string().min(1).max(253) })
      .optional()
      .describe("A key of a ConfigMap in the pod's namespace"),
    secret: z
      .strictObject({ name, key: z.string().min(1).max(253) })
      .optional()
      .describe("A key of a Secret in the pod's namespace (data is base64-decoded)"),
    equals: configText.optional().describe('Holds when the value is exactly this'),
    contains: configText.min(1).optional().describe('Holds when the value holds this text (case-sensitive)'),
    notContains: configText
      .min(1)
      .optional()
      .describe('Holds when the value is set and does not hold this text (case-sensitive)'),
    missing: z
      .literal(true)
      .optional()
      .describe('Holds when the variable is not set, or the object or key does not exist'),
    behavior: behaviorSchema.describe(
      'What the program does while the condition holds (its fields override)',
    ),
  })
  .superRefine((o, ctx) => {
    const sources = (['env', 'configMap', 'secret'] as const).filter((k) => o[k] !== undefined);
    if (sources.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of env, configMap or secret (got ${sources.length ? sources.join(', ') : 'none'})`,
      });
    const tests = (['equals', 'contains', 'notContains', 'missing'] as const).filter(
      (k) => o[k] !== undefined,
    );
    if (tests.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `give exactly one of equals, contains, notContains or missing (got ${tests.length ? tests.join(', ') : 'none'})`,
      });
  });

/** How the program behaves, with overrides per image (a bad release, a fixed tag) and per configuration value. */
export const imageBehaviorSchema = behaviorSchema.extend({
  byImage: z.record(z.string(), behaviorSchema).optional().describe('Overrides for specific images'),
  byConfig: z
    .array(configOverrideSchema)
    .max(50)
    .optional()
    .describe(
      'Overrides that hold while a configuration value reads a certain way, applied after byImage in order (a later one wins field by field). A running program reads its configuration when its container starts: a change reaches it at its next (re)start unless reloadsConfig',
    ),
  reloadsConfig: z
    .boolean()
    .optional()
    .describe(
      'true: the running program follows changes to its mounted ConfigMaps and Secrets (it watches its files); default false: it reads its configuration only when its container starts',
    ),
});

const envValue = z.union([
  z.string(),
  z.strictObject({
    configMapKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }),
  }),
  z.strictObject({
    secretKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }),
  }),
  z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string() }) }),
]);

const probe = z.looseObject({
  httpGet: z
    .looseObject({ path: z.string().optional(), port: z.union([z.number().int(), z.string()]) })
    .optional(),
  tcpSocket: z.looseObject({ port: z.union([z.number().int(), z.string()]) }).optional(),
  exec: z.looseObject({ command: z.array(z.string()) }).optional(),
  initialDelaySeconds: z.number().int().optional(),
  periodSeconds: z.number().int().optional(),
  failureThreshold: z.number().int().optional(),
  timeoutSeconds: z.number().int().optional(),
});

/** A container: Kubernetes fields, with `env` as a plain map allowed, plus its behaviour. */
export const containerSchema = z.strictObject({
  name: name,
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  ports: z
    .array(
      z.union([
        z.number().int(),
        z.strictObject({
          name: z.string().optional(),
          containerPort: z.number().int(),
          protocol: z.string().optional(),
        }),
      ]),
    )
    .optional(),
  env: z
    .union([
      z.record(z.string(), envValue),
      z.array(
        z.looseObject({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() }),
      ),
    ])
    .optional(),
  envFrom: z.array(z.looseObject({})).optional(),
  resources: resources.optional(),
  volumeMounts: z.array(z.looseObject({ name: z.string(), mountPath: z.string() })).optional(),
  livenessProbe: probe.optional(),
  readinessProbe: probe.optional(),
  startupProbe: probe.optional(),
  securityContext: z
    .looseObject({
      runAsUser: z.number().int().min(0).optional(),
      runAsGroup: z.number().int().min(0).optional(),
      runAsNonRoot: z.boolean().optional(),
      readOnlyRootFilesystem: z.boolean().optional(),
      allowPrivilegeEscalation: z.boolean().optional(),
      privileged: z.boolean().optional(),
      capabilities: z
        .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
        .optional(),
    })
    .optional()
    .describe("Kubernetes SecurityContext; its fields win over the pod's"),
  behavior: imageBehaviorSchema.optional(),
});

const containerState = z.union([
  z.strictObject({ waiting: z.strictObject({ reason: z.string(), message: z.string().optional() }) }),
  z.strictObject({ running: z.strictObject({ startedAt: z.string().optional() }).default({}) }),
  z.strictObject({
    terminated: z.strictObject({
      reason: z.string(),
      exitCode: z.number().int(),
      message: z.string().optional(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      ago: duration.optional().describe('When it finished, relative to the world time'),
    }),
  }),
]);

/** Runtime facts of one container that a manifest cannot hold; declared facts win over derived ones. */
export const containerFactsSchema = z.strictObject({
  restarts: z.number().int().min(0).optional(),
  state: containerState.optional(),
  lastState: containerState.optional(),
  ready: z.boolean().optional(),
  logs: lines.optional().describe('Current instance'),
  previousLogs: lines.optional().describe('The last terminated instance (kubectl logs --previous)'),
  usage: z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() }).optional(),
  oomKills: z.number().int().min(0).optional(),
});

const eventShape = {
  type: z.enum(['Normal', 'Warning']).default('Normal'),
  reason: z.string().min(1),
  message: z.string().default(''),
  count: z.number().int().min(1).default(1),
  age: duration.optional().describe('How long ago it was last seen (default: now)'),
  firstSeen: duration.optional().describe('How long ago it was first seen (default: age)'),
  source: z.string().optional(),
};

/** An event attached to the object it is declared on. */
export const attachedEventSchema = z.strictObject(eventShape);

/** Facts of one pod: where it runs, its age, and its containers' runtime facts. */
export const podFactsSchema = containerFactsSchema.extend({
  name: name.optional().describe('Pod name; generated from the owner and seed when left out'),
  node: z.string().optional(),
  age: duration.optional(),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
  reason: z
    .string()
    .max(256)
    .optional()
    .describe("The pod's status.reason, e.g. Evicted (with phase: Failed)"),
  message: z
    .string()
    .max(10_000)
    .optional()
    .describe("The pod's status.message, e.g. 'The node was low on resource: ephemeral-storage. ...'"),
  containerFacts: z
    .record(z.string(), containerFactsSchema)
    .optional()
    .describe('Facts per container name (top-level facts apply to the first container)'),
  initContainerFacts: z.record(z.string(), containerFactsSchema).optional(),
  events: z.array(attachedEventSchema).optional(),
  ip: z.string().optional(),
});

const podSpecShape = {
  containers: z.array(containerSchema).min(1),
  initContainers: z.array(containerSchema).optional(),
  nodeSelector: labels.optional(),
  volumes: z.array(z.looseObject({ name: z.string() })).optional(),
  imagePullSecrets: z.array(z.strictObject({ name: z.string() })).optional(),
  serviceAccountName: z.string().optional(),
  securityContext: z
    .looseObject({
      runAsUser: z.number().int().min(0).optional(),
      runAsGroup: z.number().int().min(0).optional(),
      runAsNonRoot: z.boolean().optional(),
      fsGroup: z.number().int().min(0).optional(),
      supplementalGroups: z.array(z.number().int().min(0)).optional(),
      sysctls: z
        .array(z.strictObject({ name: z.string().min(1).max(253), value: z.string().max(4096) }))
        .max(100)
        .optional()
        .describe(
          'Namespaced kernel parameters (net.ipv4.ip_unprivileged_port_start decides which ports need privilege)',
        ),
    })
    .optional()
    .describe(
      "Kubernetes PodSecurityContext: defaults for the containers' user, and fsGroup, which owns the volumes that support ownership management",
    ),
  tolerations: z.array(z.unknown()).optional(),
  terminationGracePeriodSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .optional()
    .describe(
      'Seconds between SIGTERM and SIGKILL when a pod is deleted, evicted or preempted (Kubernetes default 30)',
    ),
  priorityClassName: z
    .string()
    .optional()
    .describe("The PriorityClass whose value is the pods' scheduling priority (preemption)"),
  hostNetwork: z.boolean().optional().describe("The pods use the node's network namespace"),
  dnsPolicy: z
    .enum(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'])
    .optional()
    .describe('How the pods resolve names (Kubernetes default ClusterFirst)'),
  dnsConfig: z
    .looseObject({
      nameservers: z.array(z.string()).optional(),
      searches: z.array(z.string()).optional(),
      options: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional(),
    })
    .optional()
    .describe('Kubernetes PodDNSConfig: extra nameservers, search domains and resolver options (ndots)'),
  topologySpreadConstraints: z
    .array(z.looseObject({}))
    .optional()
    .describe('Kubernetes topologySpreadConstraints; DoNotSchedule ones filter nodes by maxSkew'),
  automountServiceAccountToken: z
    .boolean()
    .optional()
    .describe('false: no service account token is mounted in the pods'),
  affinity: z
    .looseObject({
      nodeAffinity: z.looseObject({}).optional(),
      podAffinity: z.looseObject({}).optional(),
      podAntiAffinity: z.looseObject({}).optional(),
    })
    .optional()
    .describe(
      'Kubernetes affinity; the required (requiredDuringScheduling…) node, pod and anti-affinity terms filter nodes, preferred ones are ignored',
    ),
};

/** An earlier revision of a deployment: what differed from the current template. */
export const revisionSchema = z.strictObject({
  changeCause: z.string().optional(),
  image: z.string().optional().describe('Image of the first container in that revision'),
  containers: z.array(containerSchema).optional().describe('The whole container list of that revision'),
  age: duration.optional(),
});

/** A deployment shorthand: generates its ReplicaSet(s) and pods with deterministic names. */
export const deploymentSchema = z.strictObject({
  name,
  namespace: name.optional(),
  replicas: z.number().int().min(0).max(MAX_REPLICAS).default(1),
  labels: labels.optional().describe('Pod labels and selector (default app: <name>)'),
  age: duration.optional(),
  ...podSpecShape,
  strategy: z.looseObject({}).optional(),
  minReadySeconds: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Seconds a new pod must be Ready before it counts as available (Deployment spec.minReadySeconds)',
    ),
  changeCause: z.string().optional().describe('Change cause of the current revision'),
  revisionAge: duration
    .optional()
    .describe(
      "When the current revision was rolled out: its ReplicaSet's age (default the deployment's age, or 1d)",
    ),
  history: z.array(revisionSchema).optional().describe('Earlier revisions, oldest first'),
  rollout: z
    .strictObject({
      startedAgo: duration
        .optional()
        .describe(
          'When the rollout of the current revision began (default 10m; past 10m it has timed out progressing)',
        ),
    })
    .optional()
    .describe(
      "The current revision is still rolling out when the world starts: the previous revision's ReplicaSet (the last history entry) still runs every replica, the current one its first pods (the surge, 25% of replicas rounded up; `pods` facts are theirs), and the controller rolls on from there (a release whose pods never become available stalls, the old pods serving)",
    ),
  paused: z
    .boolean()
    .optional()
    .describe(
      'The Deployment is paused (spec.paused, kubectl rollout pause): a template change makes no new ReplicaSet and rolls nothing until it is resumed, and its Progressing condition is Unknown/DeploymentPaused. With `rollout`, the current template was set while paused: it has no ReplicaSet, the previous revision runs every replica (`pods` facts are theirs) and the Deployment still names that revision',
    ),
  podTemplateHash: z
    .string()
    .regex(/^[a-z0-9]{1,10}$/)
    .optional(),
  pods: z.array(podFactsSchema).optional().describe('Facts of the generated pods, in order'),
  events: z.array(attachedEventSchema).optional(),
  annotations: labels.optional(),
});

/** A standalone pod (or one owned by something not simulated). */
export const podSchema = podFactsSchema.extend({
  name,
  restartPolicy: z
    .enum(['Always', 'OnFailure', 'Never'])
    .optional()
    .describe('Always (default) restarts every exit; OnFailure only failures; Never none (the pod ends)'),
  namespace: name.optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
  ...podSpecShape,
});

/** A service shorthand. */
export const serviceSchema = z.strictObject({
  name,
  namespace: name.optional(),
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).default('ClusterIP'),
  selector: labels.optional(),
  ports: z.array(
    z.union([
      z.number().int(),
      z.strictObject({
        name: z.string().optional(),
        port: z.number().int(),
        targetPort: z.union([z.number().int(), z.string()]).optional(),
        protocol: z.string().optional(),
        nodePort: z.number().int().optional(),
      }),
    ]),
  ),
  clusterIP: z.string().optional(),
  age: duration.optional(),
  events: z.array(attachedEventSchema).optional(),
});

/** A node shorthand. */
export const nodeSchema = z.strictObject({
  name,
  cpu: quantity.default('4'),
  memory: quantity.default('16Gi'),
  pods: z.number().int().default(110),
  extended: z
    .record(z.string().max(253), quantity)
    .optional()
    .describe('Extended resources the node has, e.g. { nvidia.com/gpu: 4 } (capacity and allocatable)'),
  labels: labels.optional(),
  images: z
    .array(z.string().max(512))
    .max(500)
    .optional()
    .describe('Images the node already holds (status.images): a pod of one starts without pulling it'),
  containerRuntime: z
    .string()
    .regex(
      /^[a-z0-9-]{1,32}:\/\/v?[0-9A-Za-z.+-]{1,64}$/,
      'expected <runtime>://<version>, e.g. containerd://2.0.4',
    )
    .optional()
    .describe(
      'status.nodeInfo.containerRuntimeVersion (default containerd://1.7.24); from containerd 2.0 unprivileged pods may bind ports below 1024',
    ),
  taints: z
    .array(z.strictObject({ key: z.string(), value: z.string().optional(), effect: z.string() }))
    .optional(),
  ready: z.boolean().default(true),
  notReadyFor: duration
    .optional()
    .describe(
      "With ready: false, how long ago the node's conditions went Unknown (default: as the world starts); its pods are marked not ready then and evicted after their toleration (300 s by default)",
    ),
  pressure: z.array(z.enum(['MemoryPressure', 'DiskPressure', 'PIDPressure'])).optional(),
  unschedulable: z.boolean().optional(),
  age: duration.optional(),
  events: z.array(attachedEventSchema).optional(),
});

/** A free-standing event about any object. */
export const eventSchema = z.strictObject({
  ...eventShape,
  namespace: name.optional(),
  object: z
    .union([
      z.string().regex(/^[A-Za-z]+\/[a-z0-9.-]+$/, 'expected Kind/name, e.g. Pod/checkout-7f9c8d6b5-x2k4p'),
      z.strictObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() }),
    ])
    .describe('What the event is about: Kind/name or { kind, name }'),
});

/** Any Kubernetes object as `kubectl get -o yaml` prints it. */
export const manifestSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'expected a Kind in PascalCase, e.g. ConfigMap'),
  metadata: z.looseObject({
    name,
    namespace: name.optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
  }),
});

/** The whole simulated world. */
export const worldSchema = z
  .strictObject({
    now: z.iso
      .datetime({ offset: true })
      .default('2026-01-15T10:00:00Z')
      .describe('Wall-clock time the world starts at'),
    seed: z.string().default('sre-harness').describe('Seed for generated names'),
    clock: z
      .strictObject({
        perRequest: duration.default('2s').describe('Logical time each API request takes'),
        perMutation: duration.default('60s').describe('Logical time a mutation takes to settle'),
      })
      .default({ perRequest: '2s', perMutation: '60s' }),
    namespaces: z
      .array(
        z.union([name, z.strictObject({ name, labels: labels.optional(), annotations: labels.optional() })]),
      )
      .default([])
      .describe(
        'Namespaces: a name, or { name, labels, annotations } for one whose labels matter (istio-injection, pod-security.kubernetes.io/enforce, a NetworkPolicy namespaceSelector); every namespace also carries kubernetes.io/metadata.name',
      ),
    registry: z
      .strictObject({
        images: z
          .array(z.string())
          .optional()
          .describe(
            'Images that exist (`repo:tag` or `repo@digest`; an entry without a tag is `repo:latest`, as an image without one is); any other image fails to pull. Default: all exist',
          ),
        denied: z
          .array(z.string())
          .optional()
          .describe('Image prefixes whose pulls are denied (private, no credentials)'),
        platforms: z
          .record(z.string().max(512), z.array(z.string().regex(/^[a-z0-9]{1,20}\/[a-z0-9]{1,20}$/)).max(20))
          .optional()
          .describe(
            'The platforms an image is built for (`os/arch`, e.g. { "shop/api:2": [linux/amd64] }); on a node of another architecture (its kubernetes.io/arch label, amd64 by default) the pull fails with "no match for platform in manifest". Default: every platform',
          ),
        pulls: z
          .record(
            z.string().max(512),
            z.strictObject({
              time: duration.describe('How long a pull of it takes on a node that does not hold it'),
              size: z
                .number()
                .int()
                .min(0)
                .optional()
                .describe('Its size in bytes (the Pulled event says it)'),
            }),
          )
          .optional()
          .describe(
            'Images whose pulls take time: a container of one on a node that does not hold it waits in ContainerCreating (Pulling) until the pull ends, then starts (Pulled "Successfully pulled image … in 2m5s"); once pulled the node holds it ("already present on machine"). Other images pull at once and say nothing',
          ),
      })
      .optional(),
    metrics: z.boolean().default(true).describe('Whether the metrics API is available'),
    provisioners: z
      .record(
        z.string().max(253),
        z.strictObject({
          error: z
            .string()
            .max(2000)
            .optional()
            .describe('Each provisioning attempt fails with this error (ProvisioningFailed on the claim)'),
          running: z
            .boolean()
            .optional()
            .describe(
              'false: no such provisioner runs, so claims of its classes wait (ExternalProvisioning)',
            ),
        }),
      )
      .default({})
      .describe('Volume provisioners by the name StorageClasses give them; any other provisioner works'),
    nodes: z.array(nodeSchema).default([]),
    deployments: z.array(deploymentSchema).default([]),
    pods: z.array(podSchema).default([]),
    services: z.array(serviceSchema).default([]),
    behaviors: z
      .record(z.string(), imageBehaviorSchema)
      .default({})
      .describe(
        'Behaviour of containers by name, or "<deployment>/<container>", for workloads declared as manifests',
      ),
    objects: z.array(manifestSchema).default([]).describe('Any other objects, as manifests'),
    events: z.array(eventSchema).default([]),
  })
  .superRefine((w, ctx) => {
    // The simulation creates every pod a count asks for, so a world is held to the limits the API
    // server holds writes to (admission.ts): a count beyond them would stall it, not model anything.
    let total = 0;
    for (const [i, d] of w.deployments.entries()) {
      total += d.replicas;
      if (d.rollout && !d.history?.length)
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'rollout'],
          message: 'a rollout in progress rolls from the previous revision: declare it in history',
        });
      const revisionAge = parseDuration(d.revisionAge);
      const age = parseDuration(d.age);
      if (revisionAge !== undefined && age !== undefined && revisionAge > age)
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'revisionAge'],
          message: `the current revision (${d.revisionAge} ago) cannot be older than the deployment (${d.age} ago)`,
        });
      if (d.rollout && d.replicas === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['deployments', i, 'rollout'],
          message: 'a rollout in progress needs replicas above 0',
        });
    }
    for (const [i, o] of w.objects.entries()) {
      for (const path of POD_COUNTS[o.kind] ?? []) {
        let v: unknown = o;
        for (const part of path)
          v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined;
        if (v === undefined || v === null) continue;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_REPLICAS)
          ctx.addIssue({
            code: 'custom',
            path: ['objects', i, ...path],
            message: `expected a whole number from 0 to ${MAX_REPLICAS} (the simulated cluster creates every pod it asks for)`,
          });
        else if (o.kind === 'Deployment') total += v;
      }
    }
    // Pod specs in manifests as the API server types them: `env`, `ports`, `containers`… are lists.
    for (const [i, o] of w.objects.entries())
      for (const issue of objectShapeIssues(o))
        ctx.addIssue({ code: 'custom', path: ['objects', i, ...issue.path], message: issue.message });
    // ConfigMap and Secret data as the API server takes it: a map of keys to strings (`port: 8080`
    // unquoted is a number in YAML, which the API server refuses). Base64 is not checked: worlds hold
    // shortened placeholders for certificates, which no program reads.
    for (const [i, o] of w.objects.entries()) {
      if (o.kind !== 'ConfigMap' && o.kind !== 'Secret') continue;
      for (const field of o.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData']) {
        const map = (o as Record<string, unknown>)[field];
        if (map === undefined || map === null) continue;
        if (typeof map !== 'object' || Array.isArray(map)) {
          ctx.addIssue({
            code: 'custom',
            path: ['objects', i, field],
            message: 'expected a map of keys to strings',
          });
          continue;
        }
        for (const [k, v] of Object.entries(map as Record<string, unknown>))
          if (typeof v !== 'string')
            ctx.addIssue({
              code: 'custom',
              path: ['objects', i, field, k],
              message: `expected a string (quote it: ${JSON.stringify(String(v))})`,
            });
      }
    }
    if (total > MAX_TOTAL_REPLICAS)
      ctx.addIssue({
        code: 'custom',
        path: ['deployments'],
        message: `the simulated cluster holds at most ${MAX_TOTAL_REPLICAS} replicas across all deployments (${total} declared)`,
      });
  });

/** Where a manifest asks the simulation for a number of pods (or lets a controller ask for it). */
const POD_COUNTS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Deployment: [['spec', 'replicas']],
  ReplicaSet: [['spec', 'replicas']],
  StatefulSet: [['spec', 'replicas']],
  Job: [
    ['spec', 'parallelism'],
    ['spec', 'completions'],
  ],
  CronJob: [
    ['spec', 'jobTemplate', 'spec', 'parallelism'],
    ['spec', 'jobTemplate', 'spec', 'completions'],
  ],
  HorizontalPodAutoscaler: [
    ['spec', 'maxReplicas'],
    ['spec', 'minReplicas'],
  ],
};

/** A validated world. */
export type World = z.output<typeof worldSchema>;
/** A world as written, before defaults. */
export type WorldInput = z.input<typeof worldSchema>;
/** An override that holds while a configuration value reads a certain way. */
export type ConfigOverride = z.output<typeof configOverrideSchema>;
/** A container's behaviour, with the overrides that depend on its configuration. */
export type Behavior = z.output<typeof behaviorSchema> & {
  readonly byConfig?: readonly ConfigOverride[];
  readonly reloadsConfig?: boolean | undefined;
};
/** A behaviour with per-image overrides. */
export type ImageBehavior = z.output<typeof imageBehaviorSchema>;
/** A container shorthand. */
export type ContainerInput = z.output<typeof containerSchema>;
/** Runtime facts of a container. */
export type ContainerFacts = z.output<typeof containerFactsSchema>;
/** Facts of a pod. */
export type PodFacts = z.output<typeof podFactsSchema>;
/** An attached event. */
export type AttachedEvent = z.output<typeof attachedEventSchema>;

/** Dotted path like `deployments[0].containers[1].resources.limits.memory`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(world)';
}

/**
 * One issue as the author should read it. A value that matched no branch of a union is reported by
 * the branch it came closest to (one whose type matched, with the fewest problems), so a log
 * generator with a bad field says which field, not just "Invalid input".
 */
function explain(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): WorldIssue[] {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const typed = issue.errors.filter(
      (branch) => !branch.some((b) => b.code === 'invalid_type' && b.path.length === 0),
    );
    const best = [...(typed.length ? typed : issue.errors)].sort((a, b) => a.length - b.length)[0]!;
    if (best.length > 0) return best.flatMap((b) => explain(b, [...base, ...b.path]));
  }
  return [{ path: issuePath(base), message: issue.message }];
}

/** Validates a world; throws a `K8sError` (code `invalid_world`) listing each offending field's path. */
export function parseWorld(input: unknown): World {
  const parsed = worldSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues: WorldIssue[] = parsed.error.issues.flatMap((i) => explain(i, i.path));
  throw new K8sError(
    'invalid_world',
    `invalid cluster world: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { cause: parsed.error, issues },
  );
}
