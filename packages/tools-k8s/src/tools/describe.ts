import { cutText } from '@sre-harness/core';
import type { KubeObject } from '../cluster.js';
import { ageOf } from '../duration.js';
import { podRestartsColumn, podStatusColumn } from '../pod-status.js';
import { parseQuantity } from '../quantity.js';
import type {
  Container,
  ContainerState,
  ContainerStatus,
  Deployment,
  Endpoints,
  KubeEvent,
  Node,
  Pod,
  Probe,
  ReplicaSet,
  Service,
} from '../types.js';
import { indent, pairs, secretBytes, table } from './format.js';

/** When an event was last seen. */
export function eventTime(e: KubeEvent): string {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

/** Events newest first. */
export function newestFirst(events: readonly KubeEvent[]): KubeEvent[] {
  return [...events].sort((a, b) => {
    const d = Date.parse(eventTime(b)) - Date.parse(eventTime(a));
    return d !== 0 && !Number.isNaN(d) ? d : (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
}

/** The events table kubectl describe prints at the end. */
export function eventsSection(events: readonly KubeEvent[], now: Date, max = 15): string {
  if (events.length === 0) return 'Events:  <none>';
  const sorted = newestFirst(events);
  const rows = sorted.slice(0, max).map((e) => {
    const count = e.count ?? 1;
    const age =
      count > 1 && e.firstTimestamp
        ? `${ageOf(eventTime(e), now)} (x${count} over ${ageOf(e.firstTimestamp, now)})`
        : ageOf(eventTime(e), now);
    return [
      e.type ?? 'Normal',
      e.reason ?? '',
      age,
      e.source?.component ?? e.reportingComponent ?? '',
      e.message ?? '',
    ];
  });
  const more = sorted.length > max ? `\n  ... ${sorted.length - max} older events not shown` : '';
  return `Events:\n${indent(table(['Type', 'Reason', 'Age', 'From', 'Message'], rows))}${more}`;
}

/** The `get events` table: newest first. */
export function eventsTable(events: readonly KubeEvent[], now: Date, max = 60): string {
  const sorted = newestFirst(events);
  const rows = sorted.slice(0, max).map((e) => {
    const count = e.count ?? 1;
    const seen = count > 1 ? `${ageOf(eventTime(e), now)} (x${count})` : ageOf(eventTime(e), now);
    const obj = `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`;
    return [seen, e.type ?? 'Normal', e.reason ?? '', obj, e.message ?? ''];
  });
  const more = sorted.length > max ? `\n[${sorted.length - max} older events not shown]` : '';
  return table(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], rows) + more;
}

function readyCount(pod: Pod): string {
  const cs = pod.status?.containerStatuses ?? [];
  const total = pod.spec.containers.length;
  return `${cs.filter((c) => c.ready).length}/${total}`;
}

/** The `get pods -o wide`-like table. */
export function podsTable(pods: readonly Pod[], now: Date): string {
  const rows = pods.map((p) => [
    p.metadata.name ?? '',
    readyCount(p),
    podStatusColumn(p),
    podRestartsColumn(p, (t) => ageOf(t, now)),
    ageOf(p.metadata.creationTimestamp, now),
    p.status?.podIP ?? '<none>',
    p.spec.nodeName ?? '<none>',
  ]);
  return table(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'], rows);
}

function stateLines(label: string, s: ContainerState | undefined, now: Date): string[] {
  if (!s) return [];
  const pad = (k: string) => `${k}:`.padEnd(16);
  if (s.running)
    return [
      `${pad(label)}Running`,
      `  Started:      ${s.running.startedAt ?? '<unknown>'} (${ageOf(s.running.startedAt, now)} ago)`,
    ];
  if (s.waiting) {
    return [
      `${pad(label)}Waiting`,
      `  Reason:       ${s.waiting.reason ?? ''}`,
      ...(s.waiting.message ? [`  Message:      ${s.waiting.message}`] : []),
    ];
  }
  if (s.terminated) {
    const t = s.terminated;
    return [
      `${pad(label)}Terminated`,
      `  Reason:       ${t.reason ?? ''}`,
      ...(t.message ? [`  Message:      ${t.message}`] : []),
      `  Exit Code:    ${t.exitCode}`,
      ...(t.startedAt ? [`  Started:      ${t.startedAt}`] : []),
      ...(t.finishedAt ? [`  Finished:     ${t.finishedAt} (${ageOf(t.finishedAt, now)} ago)`] : []),
    ];
  }
  return [];
}

function probeText(p: Probe): string {
  const what = p.httpGet
    ? `http-get :${p.httpGet.port}${p.httpGet.path ?? '/'}`
    : p.tcpSocket
      ? `tcp-socket :${p.tcpSocket.port}`
      : p.exec
        ? `exec [${(p.exec.command ?? []).join(' ')}]`
        : 'unknown';
  return `${what} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #failure=${p.failureThreshold ?? 3}`;
}

/** Container spec lines: image, ports, command, resources, probes, env (names and sources, never Secret values). */
export function containerSpecLines(c: Container): string[] {
  const out: string[] = [`Image:          ${c.image ?? ''}`];
  if (c.ports?.length)
    out.push(
      `Ports:          ${c.ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}`).join(', ')}`,
    );
  // kubectl adds the host ports when any is set (0/TCP for a port without one).
  if (c.ports?.some((p) => p.hostPort))
    out.push(`Host Ports:     ${c.ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ')}`);
  if (c.command?.length) out.push(`Command:        ${c.command.join(' ')}`);
  if (c.args?.length) out.push(`Args:           ${c.args.join(' ')}`);
  const lim = c.resources?.limits;
  const req = c.resources?.requests;
  if (lim && Object.keys(lim).length)
    out.push('Limits:', ...Object.entries(lim).map(([k, v]) => `  ${k}: ${v}`));
  if (req && Object.keys(req).length)
    out.push('Requests:', ...Object.entries(req).map(([k, v]) => `  ${k}: ${v}`));
  if (c.livenessProbe) out.push(`Liveness:       ${probeText(c.livenessProbe)}`);
  if (c.readinessProbe) out.push(`Readiness:      ${probeText(c.readinessProbe)}`);
  if (c.startupProbe) out.push(`Startup:        ${probeText(c.startupProbe)}`);
  const env = c.env ?? [];
  if (env.length || c.envFrom?.length) {
    out.push('Environment:');
    for (const from of c.envFrom ?? []) {
      // kubectl writes the prefix beside the source ("ConfigMap with prefix 'APP_'").
      const prefix = from.prefix ? ` with prefix '${from.prefix}'` : '';
      if (from.configMapRef)
        out.push(
          `  <all keys from ConfigMap ${from.configMapRef.name}${prefix}>${from.configMapRef.optional ? ' (optional)' : ''}`,
        );
      if (from.secretRef)
        out.push(
          `  <all keys from Secret ${from.secretRef.name}${prefix}>${from.secretRef.optional ? ' (optional)' : ''}`,
        );
    }
    for (const e of env) {
      const vf = e.valueFrom;
      if (vf?.secretKeyRef)
        out.push(
          `  ${e.name}:  <set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name}'>${vf.secretKeyRef.optional ? ' Optional: true' : ''}`,
        );
      else if (vf?.configMapKeyRef)
        out.push(
          `  ${e.name}:  <set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name}'>${vf.configMapKeyRef.optional ? ' Optional: true' : ''}`,
        );
      else if (vf?.fieldRef) out.push(`  ${e.name}:  (${vf.fieldRef.fieldPath})`);
      else out.push(`  ${e.name}:  ${e.value ?? ''}`);
    }
  } else out.push('Environment:    <none>');
  if (c.volumeMounts?.length) {
    out.push(
      'Mounts:',
      // As kubectl prints them: `ro`/`rw`, then `path="…"` for a subPath mount.
      ...c.volumeMounts.map(
        (m) =>
          `  ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${m.subPath ? `,path=${JSON.stringify(m.subPath)}` : ''})`,
      ),
    );
  }
  return out;
}

function containerBlock(c: Container, status: ContainerStatus | undefined, now: Date): string {
  const lines = [`${c.name}:`];
  const body: string[] = [];
  const spec = containerSpecLines(c);
  body.push(spec[0]!);
  if (status) {
    body.push(...stateLines('State', status.state, now));
    body.push(...stateLines('Last State', status.lastState, now));
    body.push(`Ready:          ${status.ready ? 'True' : 'False'}`);
    body.push(`Restart Count:  ${status.restartCount ?? 0}`);
  }
  body.push(...spec.slice(1));
  lines.push(indent(body.join('\n')));
  return lines.join('\n');
}

/**
 * An object's annotations as kubectl describe prints them (`key: value` per line, `<none>` when there
 * are none), without kubectl's last-applied-configuration, which it skips too.
 */
function annotationLines(map: Record<string, string> | undefined, sep: string): string {
  const entries = Object.entries(map ?? {}).filter(
    ([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration',
  );
  return entries.length ? entries.map(([k, v]) => `${k}: ${v}`).join(sep) : '<none>';
}

/** kubectl-describe-like text for a pod, its recent events at the end. */
export function describePod(pod: Pod, events: readonly KubeEvent[], now: Date): string {
  const s = pod.status ?? {};
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  const lines = [
    `Name:             ${pod.metadata.name}`,
    `Namespace:        ${pod.metadata.namespace ?? 'default'}`,
    // kubectl prints the priority admission wrote (0 when none), and the class only when there is one.
    `Priority:         ${pod.spec.priority ?? 0}`,
    ...(pod.spec.priorityClassName ? [`Priority Class Name:  ${pod.spec.priorityClassName}`] : []),
    // kubectl prints the RuntimeClass after the priority class, when the pod names one.
    ...(pod.spec.runtimeClassName ? [`Runtime Class Name:  ${pod.spec.runtimeClassName}`] : []),
    `Node:             ${pod.spec.nodeName ?? '<none>'}`,
    `Start Time:       ${s.startTime ?? '<unknown>'}`,
    `Labels:           ${pairs(pod.metadata.labels, '\n                  ')}`,
    // As kubectl prints them: `key: value`, one per line, the last-applied configuration left out.
    `Annotations:      ${annotationLines(pod.metadata.annotations, '\n                  ')}`,
    `Status:           ${s.phase ?? 'Unknown'}${podStatusColumn(pod) !== s.phase ? ` (${podStatusColumn(pod)})` : ''}`,
    // kubectl prints the pod's own reason and message under its status (an evicted pod's why).
    ...(s.reason ? [`Reason:           ${s.reason}`] : []),
    ...(s.message ? [`Message:          ${s.message}`] : []),
    `IP:               ${s.podIP ?? '<none>'}`,
    `Controlled By:    ${owner ? `${owner.kind}/${owner.name}` : '<none>'}`,
    ...(s.nominatedNodeName ? [`NominatedNodeName:  ${s.nominatedNodeName}`] : []),
  ];
  if (pod.spec.initContainers?.length) {
    lines.push('Init Containers:');
    for (const c of pod.spec.initContainers) {
      lines.push(
        indent(
          containerBlock(
            c,
            s.initContainerStatuses?.find((x) => x.name === c.name),
            now,
          ),
        ),
      );
    }
  }
  lines.push('Containers:');
  for (const c of pod.spec.containers) {
    lines.push(
      indent(
        containerBlock(
          c,
          s.containerStatuses?.find((x) => x.name === c.name),
          now,
        ),
      ),
    );
  }
  if (s.conditions?.length) {
    lines.push('Conditions:');
    lines.push(
      indent(
        table(
          ['Type', 'Status', 'Reason'],
          s.conditions.map((c) => [c.type, c.status, c.reason ?? '']),
        ),
      ),
    );
    const unsched = s.conditions.find((c) => c.message);
    if (unsched?.message) lines.push(`  Message: ${unsched.message}`);
  }
  if (pod.spec.volumes?.length) {
    lines.push('Volumes:');
    for (const v of pod.spec.volumes) lines.push(`  ${v.name}:`, ...volumeLines(v));
  }
  lines.push(`QoS Class:        ${s.qosClass ?? 'BestEffort'}`);
  if (pod.spec.nodeSelector) lines.push(`Node-Selectors:   ${pairs(pod.spec.nodeSelector)}`);
  // kubectl's line per constraint: `<topologyKey>:<whenUnsatisfiable> when max skew <n> is exceeded for selector <labels>`.
  const spread = (pod.spec.topologySpreadConstraints ?? []).filter(
    (c) => c && typeof c.topologyKey === 'string',
  );
  spread.forEach((c, i) => {
    const sel = c.labelSelector?.matchLabels ? pairs(c.labelSelector.matchLabels) : '<none>';
    lines.push(
      `${i === 0 ? 'Topology Spread Constraints:  ' : '                              '}${c.topologyKey}:${c.whenUnsatisfiable} when max skew ${c.maxSkew} is exceeded for selector ${sel}`,
    );
  });
  lines.push(eventsSection(events, now));
  return lines.join('\n');
}

/**
 * A volume's lines under `Volumes:` in the layout `kubectl describe pod` uses (its describer's
 * `Type:` lines and the source's fields), indented by four spaces.
 */
function volumeLines(v: NonNullable<Pod['spec']['volumes']>[number]): string[] {
  const rows: [string, string][] = [];
  if (v.persistentVolumeClaim)
    rows.push(
      ['Type', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)'],
      ['ClaimName', v.persistentVolumeClaim.claimName],
      ['ReadOnly', String(v.persistentVolumeClaim.readOnly ?? false)],
    );
  else if (v.configMap)
    rows.push(
      ['Type', 'ConfigMap (a volume populated by a ConfigMap)'],
      ['Name', v.configMap.name],
      ['Optional', String(v.configMap.optional ?? false)],
    );
  else if (v.secret)
    rows.push(
      ['Type', 'Secret (a volume populated by a Secret)'],
      ['SecretName', v.secret.secretName],
      ['Optional', String(v.secret.optional ?? false)],
    );
  else if (v.emptyDir)
    rows.push(
      ['Type', "EmptyDir (a temporary directory that shares a pod's lifetime)"],
      ['Medium', String(v.emptyDir['medium'] ?? '')],
      ['SizeLimit', String(v.emptyDir['sizeLimit'] ?? '<unset>')],
    );
  else if (v['nfs'] && typeof v['nfs'] === 'object') {
    const nfs = v['nfs'] as { server?: string; path?: string; readOnly?: boolean };
    rows.push(
      ['Type', 'NFS (an NFS mount that lasts the lifetime of a pod)'],
      ['Server', String(nfs.server ?? '')],
      ['Path', String(nfs.path ?? '')],
      ['ReadOnly', String(nfs.readOnly ?? false)],
    );
  } else if (v['hostPath'] && typeof v['hostPath'] === 'object') {
    const hp = v['hostPath'] as { path?: string; type?: string };
    rows.push(
      ['Type', 'HostPath (bare host directory volume)'],
      ['Path', String(hp.path ?? '')],
      ['HostPathType', String(hp.type ?? '')],
    );
  } else rows.push(['Type', Object.keys(v).find((k) => k !== 'name') ?? 'unknown']);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, val]) => `    ${`${k}:`.padEnd(width)}${val}`.trimEnd());
}

/** The `get deployments` table. */
export function deploymentsTable(deps: readonly Deployment[], now: Date): string {
  return table(
    ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
    deps.map((d) => [
      d.metadata.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
      String(d.status?.updatedReplicas ?? 0),
      String(d.status?.availableReplicas ?? 0),
      ageOf(d.metadata.creationTimestamp, now),
      d.spec.template.spec.containers.map((c) => c.image ?? '').join(','),
    ]),
  );
}

/** Revision number of a ReplicaSet (or deployment). */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  return Number(obj.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

/** ReplicaSets controlled by a deployment. */
export function ownedReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  return rss
    .filter((rs) =>
      rs.metadata.ownerReferences?.some(
        (o) => o.kind === 'Deployment' && (o.uid ? o.uid === d.metadata.uid : o.name === d.metadata.name),
      ),
    )
    .sort((a, b) => revisionOf(a) - revisionOf(b));
}

/** The rollout history table: revision, change cause, images. */
export function historyTable(d: Deployment, rss: readonly ReplicaSet[]): string {
  const owned = ownedReplicaSets(d, rss);
  if (owned.length === 0) return `No rollout history found for deployment "${d.metadata.name}".`;
  const current = revisionOf(d);
  const rows = owned.map((rs) => [
    String(revisionOf(rs)) + (revisionOf(rs) === current ? ' (current)' : ''),
    rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>',
    rs.spec.template.spec.containers.map((c) => `${c.name}=${c.image ?? ''}`).join(','),
  ]);
  return `deployment.apps/${d.metadata.name}\n${table(['REVISION', 'CHANGE-CAUSE', 'IMAGES'], rows)}`;
}

/** kubectl-describe-like text for a deployment with its ReplicaSets, history and events. */
export function describeDeployment(
  d: Deployment,
  rss: readonly ReplicaSet[],
  events: readonly KubeEvent[],
  now: Date,
): string {
  const st = d.status ?? {};
  const owned = ownedReplicaSets(d, rss);
  const current = owned.find((rs) => revisionOf(rs) === revisionOf(d));
  const ru = d.spec.strategy?.rollingUpdate;
  const tpl = d.spec.template;
  const lines = [
    `Name:                   ${d.metadata.name}`,
    `Namespace:              ${d.metadata.namespace ?? 'default'}`,
    `CreationTimestamp:      ${d.metadata.creationTimestamp ?? '<unknown>'} (${ageOf(d.metadata.creationTimestamp, now)} ago)`,
    `Labels:                 ${pairs(d.metadata.labels)}`,
    `Annotations:            ${pairs(d.metadata.annotations, '\n                        ')}`,
    `Selector:               ${pairs(d.spec.selector.matchLabels)}`,
    `Replicas:               ${d.spec.replicas ?? 1} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
    `StrategyType:           ${d.spec.strategy?.type ?? 'RollingUpdate'}`,
    `MinReadySeconds:        ${d.spec.minReadySeconds ?? 0}`,
    ...(ru
      ? [
          `RollingUpdateStrategy:  ${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`,
        ]
      : []),
    'Pod Template:',
    `  Labels:  ${pairs(tpl.metadata?.labels)}`,
  ];
  if (tpl.spec.initContainers?.length) {
    lines.push('  Init Containers:');
    for (const c of tpl.spec.initContainers)
      lines.push(indent(`${c.name}:\n${indent(containerSpecLines(c).join('\n'))}`, 4));
  }
  lines.push('  Containers:');
  for (const c of tpl.spec.containers)
    lines.push(indent(`${c.name}:\n${indent(containerSpecLines(c).join('\n'))}`, 4));
  if (tpl.spec.nodeSelector) lines.push(`  Node-Selectors:  ${pairs(tpl.spec.nodeSelector)}`);
  if (st.conditions?.length) {
    lines.push('Conditions:');
    lines.push(
      indent(
        table(
          ['Type', 'Status', 'Reason', 'Message'],
          st.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']),
        ),
      ),
    );
  }
  const olds = owned.filter((rs) => rs !== current && (rs.spec.replicas ?? 0) > 0);
  lines.push(
    `OldReplicaSets:         ${olds.length ? olds.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas ?? 0} replicas created)`).join(', ') : '<none>'}`,
  );
  lines.push(
    `NewReplicaSet:          ${current ? `${current.metadata.name} (${current.status?.replicas ?? 0}/${current.spec.replicas ?? 0} replicas created)` : '<none>'}`,
  );
  lines.push('Rollout History:');
  lines.push(indent(historyTable(d, rss).split('\n').slice(1).join('\n') || 'none'));
  lines.push(eventsSection(events, now));
  return lines.join('\n');
}

function portsText(s: Service): string {
  return (
    (s.spec.ports ?? [])
      .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
      .join(',') || '<none>'
  );
}

/** Endpoint addresses as `ip:port` list, or `<none>`. */
export function endpointsText(ep: Endpoints | undefined): string {
  const out: string[] = [];
  for (const s of ep?.subsets ?? []) {
    for (const a of s.addresses ?? []) for (const p of s.ports ?? []) out.push(`${a.ip}:${p.port}`);
  }
  return out.length ? out.join(',') : '<none>';
}

/** The `get services` table with endpoints. */
export function servicesTable(
  services: readonly Service[],
  endpoints: readonly Endpoints[],
  now: Date,
): string {
  return table(
    ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
    services.map((s) => [
      s.metadata.name ?? '',
      s.spec.type ?? 'ClusterIP',
      s.spec.clusterIP ?? '<none>',
      portsText(s),
      pairs(s.spec.selector),
      endpointsText(endpoints.find((e) => e.metadata.name === s.metadata.name)),
      ageOf(s.metadata.creationTimestamp, now),
    ]),
  );
}

/** kubectl-describe-like text for a service with its endpoints. */
export function describeService(
  s: Service,
  ep: Endpoints | undefined,
  events: readonly KubeEvent[],
  now: Date,
): string {
  const notReady = (ep?.subsets ?? []).flatMap((x) =>
    (x.notReadyAddresses ?? []).map((a) => `${a.ip} (${a.targetRef?.name ?? '?'})`),
  );
  const lines = [
    `Name:              ${s.metadata.name}`,
    `Namespace:         ${s.metadata.namespace ?? 'default'}`,
    `Labels:            ${pairs(s.metadata.labels)}`,
    `Selector:          ${pairs(s.spec.selector)}`,
    `Type:              ${s.spec.type ?? 'ClusterIP'}`,
    `IP:                ${s.spec.clusterIP ?? '<none>'}`,
  ];
  // As kubectl describe prints them (k8s.io/kubectl/pkg/describe, describeService): the CNAME of an
  // ExternalName Service, a load balancer's address, the session affinity, and the traffic policies
  // when set.
  if (s.spec.externalName) lines.push(`External Name:     ${s.spec.externalName}`);
  const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter(Boolean);
  if (lb.length) lines.push(`LoadBalancer Ingress: ${lb.join(', ')}`);
  for (const p of s.spec.ports ?? []) {
    lines.push(`Port:              ${p.name ?? '<unset>'}  ${p.port}/${p.protocol ?? 'TCP'}`);
    lines.push(`TargetPort:        ${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`);
  }
  lines.push(`Endpoints:         ${endpointsText(ep)}`);
  if (notReady.length) lines.push(`NotReadyEndpoints: ${notReady.join(', ')}`);
  lines.push(`Session Affinity:  ${s.spec.sessionAffinity ?? 'None'}`);
  if (s.spec.externalTrafficPolicy) lines.push(`External Traffic Policy: ${s.spec.externalTrafficPolicy}`);
  if (s.spec.internalTrafficPolicy) lines.push(`Internal Traffic Policy: ${s.spec.internalTrafficPolicy}`);
  lines.push(eventsSection(events, now));
  return lines.join('\n');
}

function nodeStatus(n: Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return n.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

/** The `get nodes` table with allocatable cpu and memory. */
export function nodesTable(nodes: readonly Node[], now: Date): string {
  return table(
    ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'CPU', 'MEMORY'],
    nodes.map((n) => [
      n.metadata.name ?? '',
      nodeStatus(n),
      Object.keys(n.metadata.labels ?? {})
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.split('/')[1])
        .join(',') || '<none>',
      ageOf(n.metadata.creationTimestamp, now),
      n.status?.nodeInfo?.kubeletVersion ?? '',
      n.status?.allocatable?.cpu ?? '',
      n.status?.allocatable?.memory ?? '',
    ]),
  );
}

/**
 * A node's roles as kubectl prints them: the `<role>` of every `node-role.kubernetes.io/<role>` label,
 * plus the value of a `kubernetes.io/role` label, sorted and comma-joined, or `<none>`.
 */
function nodeRoles(labels: Readonly<Record<string, string>> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length)
      roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

/** kubectl-describe-like text for a node: conditions, capacity, allocated requests, taints, pods. */
export function describeNode(n: Node, pods: readonly Pod[], events: readonly KubeEvent[], now: Date): string {
  // kubectl lists (and sums) only non-terminated pods: phase neither Succeeded nor Failed.
  const onNode = pods.filter(
    (p) =>
      p.spec.nodeName === n.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  const sum = (side: 'requests' | 'limits', res: string) =>
    onNode.reduce(
      (a, p) =>
        a +
        p.spec.containers.reduce(
          (b, c) =>
            b +
            (parseQuantity(
              c.resources?.[side]?.[res] ?? (side === 'requests' ? c.resources?.limits?.[res] : undefined),
            ) ?? 0),
          0,
        ),
      0,
    );
  const alloc = n.status?.allocatable ?? {};
  const pct = (v: number, res: string) => {
    const a = parseQuantity(alloc[res]);
    return a ? `${Math.round((v / a) * 100)}%` : '?';
  };
  const cpuR = sum('requests', 'cpu');
  const cpuL = sum('limits', 'cpu');
  const memR = sum('requests', 'memory');
  const memL = sum('limits', 'memory');
  const fmtCpu = (v: number) => `${Math.round(v * 1000)}m`;
  const fmtMem = (v: number) => `${Math.round(v / 2 ** 20)}Mi`;
  const lines = [
    `Name:               ${n.metadata.name}`,
    `Roles:              ${nodeRoles(n.metadata.labels)}`,
    `Labels:             ${pairs(n.metadata.labels, '\n                    ')}`,
    `CreationTimestamp:  ${n.metadata.creationTimestamp ?? '<unknown>'}`,
    `Taints:             ${(n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(', ') || '<none>'}`,
    `Unschedulable:      ${n.spec?.unschedulable ? 'true' : 'false'}`,
    'Conditions:',
    indent(
      table(
        ['Type', 'Status', 'Reason', 'Message'],
        (n.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '']),
      ),
    ),
    'Capacity:',
    ...Object.entries(n.status?.capacity ?? {}).map(([k, v]) => `  ${k}: ${v}`),
    'Allocatable:',
    ...Object.entries(alloc).map(([k, v]) => `  ${k}: ${v}`),
    ...(n.status?.nodeInfo
      ? [
          'System Info:',
          `  OS Image:                   ${n.status.nodeInfo.osImage ?? ''}`,
          `  Container Runtime Version:  ${n.status.nodeInfo.containerRuntimeVersion ?? ''}`,
          `  Kubelet Version:            ${n.status.nodeInfo.kubeletVersion ?? ''}`,
        ]
      : []),
    `Non-terminated Pods: (${onNode.length} in total)`,
    indent(
      table(
        ['Namespace', 'Name', 'CPU Requests', 'Memory Requests', 'Memory Limits'],
        onNode.map((p) => [
          p.metadata.namespace ?? '',
          p.metadata.name ?? '',
          fmtCpu(
            p.spec.containers.reduce(
              (a, c) => a + (parseQuantity(c.resources?.requests?.cpu ?? c.resources?.limits?.cpu) ?? 0),
              0,
            ),
          ),
          fmtMem(
            p.spec.containers.reduce(
              (a, c) =>
                a + (parseQuantity(c.resources?.requests?.memory ?? c.resources?.limits?.memory) ?? 0),
              0,
            ),
          ),
          fmtMem(
            p.spec.containers.reduce((a, c) => a + (parseQuantity(c.resources?.limits?.memory) ?? 0), 0),
          ),
        ]),
      ),
    ),
    'Allocated resources:',
    indent(
      table(
        ['Resource', 'Requests', 'Limits'],
        [
          ['cpu', `${fmtCpu(cpuR)} (${pct(cpuR, 'cpu')})`, `${fmtCpu(cpuL)} (${pct(cpuL, 'cpu')})`],
          ['memory', `${fmtMem(memR)} (${pct(memR, 'memory')})`, `${fmtMem(memL)} (${pct(memL, 'memory')})`],
        ],
      ),
    ),
    eventsSection(events, now),
  ];
  return lines.join('\n');
}

/** A short status column for any kind, where one is meaningful. */
export function genericStatus(obj: KubeObject): string {
  // An object being deleted and held by a finalizer: kubectl shows STATUS Terminating.
  if (obj.metadata?.['deletionTimestamp']) return 'Terminating';
  const status = (obj.status ?? {}) as Record<string, unknown>;
  if (typeof status.phase === 'string') return status.phase;
  const conds = status.conditions as { type: string; status: string }[] | undefined;
  if (Array.isArray(conds) && conds.length) {
    const on = conds.filter((c) => c.status === 'True').map((c) => c.type);
    return on.length ? on.join(',') : `${conds[0]!.type}=${conds[0]!.status}`;
  }
  if (obj.kind === 'Secret' || obj.kind === 'ConfigMap') {
    const n = Object.keys({
      ...(obj.data as object | undefined),
      ...(obj.binaryData as object | undefined),
    }).length;
    return `${n} key(s)`;
  }
  if (obj.kind === 'ResourceQuota') {
    const hard = (status.hard ?? {}) as Record<string, string>;
    const used = (status.used ?? {}) as Record<string, string>;
    return Object.keys(hard)
      .map((k) => `${k}: ${used[k] ?? '0'}/${hard[k]}`)
      .join(', ');
  }
  if (typeof status.replicas === 'number') return `${status.readyReplicas ?? 0}/${status.replicas} ready`;
  // A DaemonSet: its ready pods of the nodes it should run on (kubectl's READY and DESIRED).
  if (typeof status.desiredNumberScheduled === 'number')
    return `${status.numberReady ?? 0}/${status.desiredNumberScheduled} ready`;
  return '';
}

/** Top-level fields the generic describe prints in sections of their own (or not at all). */
const OWN_SECTIONS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'status',
  'data',
  'stringData',
  'binaryData',
  'type',
  'subsets',
  'rules',
  'roleRef',
  'subjects',
]);

/** Generic describe: metadata, top-level fields, a summary of spec and status (Secret values as byte counts), events. */
export function describeGeneric(obj: KubeObject, events: readonly KubeEvent[], now: Date): string {
  const md = obj.metadata ?? {};
  const lines = [
    `Name:         ${md.name}`,
    ...(md.namespace ? [`Namespace:    ${md.namespace}`] : []),
    `Kind:         ${obj.kind} (${obj.apiVersion})`,
    `Labels:       ${pairs(md.labels)}`,
    `Annotations:  ${pairs(Object.fromEntries(Object.entries(md.annotations ?? {}).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration')))}`,
    `Age:          ${ageOf(md.creationTimestamp, now)}`,
  ];
  const owner = md.ownerReferences?.[0];
  if (owner) lines.push(`Controlled By: ${owner.kind}/${owner.name}`);
  // As kubectl describe prints them for an object being deleted: since when, and what holds it.
  const deleting = md['deletionTimestamp'];
  if (typeof deleting === 'string')
    lines.push(`Status:       Terminating (lasts ${ageOf(deleting, now)}, since ${deleting})`);
  const finalizers = md['finalizers'];
  if (Array.isArray(finalizers) && finalizers.length)
    lines.push(`Finalizers:   [${finalizers.map(String).slice(0, 10).join(' ')}]`);
  if (obj.kind === 'Secret') {
    lines.push(`Type:         ${String(obj.type ?? 'Opaque')}`, '', 'Data', '====');
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>))
      lines.push(`${k}:  ${secretBytes(v, true)} bytes`);
    for (const [k, v] of Object.entries((obj.stringData ?? {}) as Record<string, string>))
      lines.push(`${k}:  ${secretBytes(v, false)} bytes`);
  } else if (obj.kind === 'ConfigMap') {
    lines.push('', 'Data', '====');
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>))
      lines.push(`${k}:`, '----', String(v), '');
  } else {
    // Fields outside spec and status (a StorageClass's provisioner and parameters, a PriorityClass's
    // value), as kubectl prints them: `Provisioner:  ebs.csi.aws.com`, maps as `key=value` pairs.
    for (const [k, v] of Object.entries(obj)) {
      if (OWN_SECTIONS.has(k) || v === undefined || v === null) continue;
      const shown =
        typeof v === 'object'
          ? Array.isArray(v)
            ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') || '<none>'
            : Object.entries(v as Record<string, unknown>)
                .map(([a, b]) => `${a}=${typeof b === 'object' ? JSON.stringify(b) : String(b)}`)
                .join(',') || '<none>'
          : String(v);
      lines.push(`${k[0]!.toUpperCase()}${k.slice(1)}:  ${cutText(shown, 2000)}`);
    }
    for (const field of ['spec', 'status', 'data', 'subsets', 'rules', 'roleRef', 'subjects'] as const) {
      const v = obj[field];
      if (v === undefined) continue;
      lines.push(`${field[0]!.toUpperCase()}${field.slice(1)}:`);
      lines.push(indent(flatten(v).join('\n')));
    }
  }
  lines.push(eventsSection(events, now));
  return lines.join('\n');
}

function flatten(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [`${prefix || 'value'}: ${String(value)}`];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return [`${prefix}: ${Array.isArray(value) ? '[]' : '{}'}`];
  const out: string[] = [];
  for (const [k, v] of entries) {
    const path = prefix ? (Array.isArray(value) ? `${prefix}[${k}]` : `${prefix}.${k}`) : k;
    if (v !== null && typeof v === 'object') out.push(...flatten(v, path));
    else out.push(`${path}: ${String(v)}`);
  }
  return out;
}
