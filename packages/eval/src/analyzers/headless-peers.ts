import {
  type Analyzer,
  clip,
  configMapVolumes,
  describedField,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** A headless Service with no ready endpoint and some not ready: its name, namespace and pods. */
function unreadyHeadless(seen: Parameters<Analyzer['finds']>[0]['seen']) {
  const out: { name: string; ns: string; pods: string[] }[] = [];
  for (const d of outputs(seen, 'describe_service')) {
    if (describedField(d.content, 'IP') !== 'None') continue;
    if ((describedField(d.content, 'Endpoints') ?? '<none>') !== '<none>') continue;
    const pods = [
      ...(describedField(d.content, 'NotReadyEndpoints') ?? '').matchAll(/\(([a-z0-9.-]{1,253})\)/g),
    ].map((m) => m[1]!);
    if (pods.length === 0) continue;
    out.push({ name: String(d.args['name'] ?? ''), ns: String(d.args['namespace'] ?? ''), pods });
  }
  return out;
}

const UNRESOLVED =
  /no such host|NXDOMAIN|could not resolve|Name or service not known|UnknownHostException|Failed to resolve/i;

/** A member's log looking up a peer as `<pod>.<namespace>.svc…`, without the headless Service in the name. */
function skippedService(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  s: { name: string; ns: string; pods: string[] },
): Finding | undefined {
  for (const log of outputs(seen, 'get_pod_logs', (o) => s.pods.includes(String(o.args['name'])))) {
    const line = log.content
      .split('\n')
      .find((l) => UNRESOLVED.test(l) && s.pods.some((p) => l.includes(`${p}.${s.ns}.svc`)));
    if (!line) continue;
    const pod = s.pods.find((p) => line.includes(`${p}.${s.ns}.svc`))!;
    const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === log.args['name']).pop()
      ?.content;
    const config = described ? configMapVolumes(described)[0] : undefined;
    return {
      weight: 116,
      object: `service ${s.name}`,
      cause: `the members address each other as ${pod}.${s.ns}.svc.cluster.local, a name DNS never publishes: a StatefulSet pod is named in DNS only under its governing headless Service (serviceName, the pod's subdomain), as ${pod}.${s.name}.${s.ns}.svc.cluster.local; so the peer lookups fail ("${clip(line.trim(), 120)}"), the quorum never forms and no member becomes Ready — CoreDNS answers correctly${config ? `; the peer list comes from the configuration in ConfigMap ${config} (its server lines, zoo.cfg)` : ''}`,
      evidence: [
        `get_pod_logs ${String(log.args['name'])}: "${clip(line.trim(), 160)}"`,
        `describe_service ${s.name}: IP None (headless), selecting ${s.pods.join(', ')}`,
        ...(config
          ? [`describe_pod ${String(log.args['name'])}: configuration from ConfigMap ${config}`]
          : []),
      ],
      advice: `write the peers as <pod>.${s.name}.${s.ns}.svc.cluster.local (e.g. ${pod}.${s.name}.${s.ns}.svc.cluster.local) in ${config ? `ConfigMap ${config}` : 'the configuration'}, and check that the StatefulSet's serviceName is ${s.name}; then restart the members`,
    };
  }
  return undefined;
}

/**
 * Members of a StatefulSet find each other by the per-pod names of its headless Service
 * (`nats-1.nats.<ns>.svc…`), and DNS publishes those only for Ready pods unless the Service sets
 * `publishNotReadyAddresses: true` (kubernetes.io, Service v1 reference; "StatefulSets": stable
 * network ID). A clustered program whose readiness waits for its peers then deadlocks after a full
 * restart: none is Ready, so no peer name resolves, so the cluster never forms (nats-io/k8s#441).
 */
export const headlessPeersAnalyzer: Analyzer = {
  name: 'headless-peers',
  reads({ seen }) {
    const reads: Read[] = [];
    for (const s of unreadyHeadless(seen).slice(0, 1)) {
      reads.push({ tool: 'describe_resource', args: { kind: 'Service', name: s.name, namespace: s.ns } });
      reads.push({ tool: 'get_pod_logs', args: { namespace: s.ns, name: s.pods[0]! } });
    }
    return reads;
  },
  finds({ seen }) {
    const out: Finding[] = [];
    for (const s of unreadyHeadless(seen)) {
      const spec = outputs(
        seen,
        'describe_resource',
        (o) => o.args['kind'] === 'Service' && o.args['name'] === s.name && o.args['namespace'] === s.ns,
      ).pop()?.content;
      // Peers addressed by a name that skips the headless Service (`zk-1.coord.svc…`): Kubernetes
      // publishes a StatefulSet pod only as `<pod>.<service>.<namespace>.svc…` (its subdomain), so
      // that name never resolves, Ready or not.
      const skipped = skippedService(seen, s);
      if (skipped) {
        out.push(skipped);
        continue;
      }
      if (!spec || /publishNotReadyAddresses: true/.test(spec)) continue;
      for (const log of outputs(seen, 'get_pod_logs', (o) => s.pods.includes(String(o.args['name'])))) {
        // A lookup of a member's own name under this Service that DNS does not answer.
        const line = log.content
          .split('\n')
          .find(
            (l) =>
              /no such host|NXDOMAIN|could not resolve|Name or service not known/i.test(l) &&
              s.pods.some((p) => l.includes(`${p}.${s.name}.`)),
          );
        if (!line) continue;
        out.push({
          // Above a member's own failing probe even after the dependency boost (+20) its peers' logs
          // give it: the members wait on each other, and this is why.
          weight: 115,
          object: `service ${s.name}`,
          cause:
            `the headless Service ${s.name} in ${s.ns} does not set publishNotReadyAddresses, so DNS publishes its members' names (${s.pods[0]}.${s.name}.${s.ns}.svc…) only for Ready pods; ` +
            `none of ${s.pods.join(', ')} is Ready, so the peers cannot resolve each other ("no such host"), the cluster never forms, and the readiness check that waits for it keeps every pod unready: a deadlock after a full restart`,
          evidence: [
            `describe_service ${s.name}: IP None (headless), Endpoints <none>, NotReadyEndpoints ${s.pods.join(', ')}`,
            `get_pod_logs ${String(log.args['name'])}: "${clip(line.trim(), 160)}"`,
            `describe_resource Service ${s.name}: no publishNotReadyAddresses: true`,
          ],
          advice: `set publishNotReadyAddresses: true on the headless Service ${s.name} (peer discovery must not wait for readiness); the members then resolve each other and become Ready`,
        });
        break;
      }
    }
    return out.slice(0, 1);
  },
};
