import { type Analyzer, clip, describedField, type Finding, outputs, type Read } from './types.js';

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
