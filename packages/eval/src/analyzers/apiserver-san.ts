import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/**
 * Go's refusal of a certificate that does not name the address dialled (crypto/x509's HostnameError:
 * `x509: certificate is valid for a, b, not c`), with the names it lists and the address. Bounded.
 */
const GO_MISMATCH = /x509: certificate is valid for ([^\n"]{1,1000}?), not ([a-z0-9][a-z0-9.:-]{0,252})/i;

/**
 * Names only the API server's own certificate carries: the `kubernetes` Service's names, and the first
 * address of the common service ranges (the `kubernetes` Service's cluster IP: kubeadm's 10.96.0.0/12, k3s'
 * 10.43.0.0/16, EKS' 10.100.0.0/16 and 172.20.0.0/16, GKE's and AKS' 10.0.0.0/16).
 */
const API_SERVER_NAMES =
  /^(?:kubernetes(?:\.default(?:\.svc(?:\.cluster\.local)?)?)?|10\.96\.0\.1|10\.43\.0\.1|10\.100\.0\.1|172\.20\.0\.1|10\.233\.0\.1|10\.152\.183\.1)$/;
/** The `kubernetes` Service's names, which only the API server's certificate carries. */
const KUBERNETES_NAME = /^kubernetes(?:\.default(?:\.svc(?:\.cluster\.local)?)?)?$/;

interface Refusal {
  readonly line: string;
  readonly names: string[];
  readonly address: string;
  readonly where: string;
}

/** The refusal, in the task (the person's quote) or a log of the namespace, when it is the API server's. */
function refusal(ctx: AnalyzerContext): Refusal | undefined {
  const texts: { text: string; where: string }[] = [
    { text: ctx.task.slice(0, 4000), where: 'the task' },
    ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).map((o) => ({
      text: o.content.slice(-200_000),
      where: `logs of ${String(o.args['name'] ?? '')}`,
    })),
  ];
  for (const { text, where } of texts)
    for (const line of text.split('\n')) {
      if (line.length > 4000) continue;
      const m = GO_MISMATCH.exec(line);
      if (!m) continue;
      const names = m[1]!.split(/,\s*/).map((n) => n.trim());
      // GKE's and AKS' 10.0.0.1 is a common host address too: it counts beside a `kubernetes` name only.
      const apiServer =
        names.some((n) => API_SERVER_NAMES.test(n)) ||
        (names.includes('10.0.0.1') && names.some((n) => KUBERNETES_NAME.test(n)));
      if (!apiServer) continue;
      // The address as dialled: a sentence's full stop or a colon after it is not part of it.
      const address = m[2]!.replace(/[.:-]+$/, '');
      return { line: m[0].replace(/[.:-]+$/, ''), names, address, where };
    }
  return undefined;
}

/** Where a read object points a client at the address: a kubeconfig's `server: https://<address>:<port>`. */
function pointedAt(ctx: AnalyzerContext, address: string): { object: string; server: string } | undefined {
  for (const o of outputs(ctx.seen, 'describe_resource').concat(outputs(ctx.seen, 'get_resource')))
    for (const m of o.content
      .slice(0, 100_000)
      .matchAll(/^\s{0,40}server:\s{0,4}(https:\/\/[^\s:/]{1,253}(?::\d{1,5})?)\s*$/gm)) {
      const server = m[1]!;
      if (server.slice('https://'.length).split(':')[0] === address)
        return {
          object: `${String(o.args['kind'] ?? '').toLowerCase()} ${String(o.args['name'] ?? '')}`,
          server,
        };
    }
  return undefined;
}

/** kubeadm's `certSANs` in the read kubeadm-config ConfigMap, block or flow style. */
function certSans(ctx: AnalyzerContext): string[] | undefined {
  const d = outputs(ctx.seen, 'describe_resource', (o) => o.args['name'] === 'kubeadm-config').pop()?.content;
  if (!d) return undefined;
  const lines = d.slice(0, 100_000).split('\n');
  const at = lines.findIndex((l) => /^\s{0,8}certSANs:/.test(l));
  if (at < 0) return [];
  // Flow style: `certSANs: ["127.0.0.1", 10.40.0.11]`.
  const flow = /^\s{0,8}certSANs:\s{0,4}\[([^\]]{0,4000})\]\s*$/.exec(lines[at]!)?.[1];
  if (flow !== undefined)
    return flow
      .split(',')
      .map((x) => x.trim().replace(/^["']|["']$/g, ''))
      .filter(Boolean);
  const out: string[] = [];
  for (const l of lines.slice(at + 1, at + 50)) {
    const m = /^\s{0,10}- ["']?([^\s"']{1,253})["']?\s*$/.exec(l);
    if (!m) break;
    out.push(m[1]!);
  }
  return out;
}

/**
 * A client of the API server that dials an address the API server's certificate does not name (a
 * virtual IP or a load balancer put in front of it, a new DNS name) and gets Go's "x509: certificate is
 * valid for …, not <address>": the certificate's subject alternative names lack the address, because it
 * was not reissued with it (kubeadm's `apiServer.certSANs`). A client on the in-cluster address
 * (`10.96.0.1`, which the certificate lists) is not refused for the name. Reads kube-system's pods and kubeadm-config.
 */
export const apiserverSanAnalyzer: Analyzer = {
  name: 'apiserver-san',
  // Before the namespace's other leads: the refusal names the address, and three reads tell the rest.
  early: true,
  reads(ctx): Read[] {
    const r = refusal(ctx);
    if (!r) return [];
    const out: Read[] = [];
    // The kubeconfig that points at the address: a ConfigMap or Secret of the namespace named for one.
    if (!pointedAt(ctx, r.address)) {
      for (const kind of ['ConfigMap', 'Secret']) {
        const listed = outputs(
          ctx.seen,
          'list_resources',
          (o) => o.args['kind'] === kind && o.args['namespace'] === ctx.ns,
        ).pop();
        if (!listed) {
          out.push({ tool: 'list_resources', args: { kind, namespace: ctx.ns } });
          continue;
        }
        for (const row of parseTable(listed.content.slice(0, 200_000)).slice(0, 200)) {
          const name = row['NAME'] ?? '';
          const read = outputs(
            ctx.seen,
            'describe_resource',
            (o) => o.args['name'] === name && o.args['kind'] === kind,
          );
          if (/kube-?config/i.test(name) && read.length === 0)
            out.push({ tool: 'describe_resource', args: { kind, namespace: ctx.ns, name } });
        }
      }
    }
    if (!podListOf(ctx.seen, 'kube-system'))
      out.push({ tool: 'list_pods', args: { namespace: 'kube-system' } });
    if (outputs(ctx.seen, 'describe_resource', (o) => o.args['name'] === 'kubeadm-config').length === 0)
      out.push({
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' },
      });
    return out;
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const pointed = pointedAt(ctx, r.address);
    const sans = certSans(ctx);
    const listed = sans?.includes(r.address) ?? false;
    // What fronts the API server at that address: keepalived's virtual IP, an haproxy in kube-system.
    const front = parseTable(podListOf(ctx.seen, 'kube-system')?.content.slice(0, 200_000) ?? '')
      .map((x) => x['NAME'] ?? '')
      .filter((n) => /^(?:haproxy|keepalived|kube-vip)(?:-|$)/.test(n) && !/ingress|gateway/.test(n));
    return [
      {
        weight: 95,
        object: pointed?.object ?? `the API server's certificate`,
        cause: `the API server's certificate does not include ${r.address} among its subject alternative names (SANs): it is only valid for ${r.names.slice(0, 6).join(', ')} ("${clip(r.line, 200)}")${pointed ? `, while ${pointed.object} points its clients at ${pointed.server}` : ''}${front.length ? `, an address in front of the API server (a virtual IP: ${front.join(', ')} in kube-system)` : ''}; ${listed ? `kubeadm-config's certSANs list ${r.address}, but the certificate was not regenerated since they were changed` : `the certificate was not reissued with that address${sans ? ` (kubeadm-config's certSANs list ${sans.join(', ') || 'nothing'})` : ''}`}, so every TLS handshake to ${r.address} fails on the name. Clients that dial an address the certificate lists (${r.names.find((n) => API_SERVER_NAMES.test(n) || KUBERNETES_NAME.test(n)) ?? r.names[0]}, the in-cluster address) are not refused for it`,
        evidence: [
          `${r.where}: "${clip(r.line, 200)}"`,
          ...(pointed ? [`${pointed.object}: server ${pointed.server}`] : []),
          ...(sans
            ? [`describe_resource ConfigMap kube-system/kubeadm-config: certSANs ${sans.join(', ')}`]
            : []),
        ],
        advice: listed
          ? `regenerate the apiserver certificate from the certSANs that already list ${r.address} (move the old apiserver.crt and apiserver.key aside, then kubeadm init phase certs apiserver) and restart the API server`
          : `add ${r.address} to the API server's certSANs (kubeadm-config ClusterConfiguration apiServer.certSANs), regenerate the apiserver certificate (kubeadm init phase certs apiserver) and restart the API server; until then point the clients at an address the certificate lists`,
      },
    ];
  },
};
