import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  type Finding,
  outputs,
  podDeployment,
  type Read,
  serviceHost,
} from './types.js';

// A TLS client refusing a certificate that does not name the host it dialled, as Go
// (`x509: certificate is valid for a, b, not c`), Java (`No subject alternative DNS name matching c
// found`) and OpenSSL-based clients (`hostname mismatch`, with the host nearby) print it.
const GO_MISMATCH = /x509: certificate is valid for ([^\n]{1,1000}?), not ([a-z0-9][a-z0-9.-]{0,252})/i;
const JAVA_MISMATCH = /No subject alternative (?:DNS )?names? matching ([a-z0-9][a-z0-9.-]{0,252}) found/i;

interface Mismatch {
  readonly pod: string;
  readonly line: string;
  readonly host: string;
  readonly service: string;
  readonly namespace: string;
}

function mismatches(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string): Mismatch[] {
  const out: Mismatch[] = [];
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
    for (const line of log.content.slice(-200_000).split('\n')) {
      if (line.length > 4000) continue;
      const host = GO_MISMATCH.exec(line)?.[2] ?? JAVA_MISMATCH.exec(line)?.[1];
      const svc = host ? serviceHost(host, true) : undefined;
      if (!host || !svc) continue;
      out.push({ pod: String(log.args['name']), line: line.trim(), host, ...svc });
      break;
    }
  }
  return out;
}

/** The Certificate (cert-manager) of a namespace that serves `service`: named after it, or its only one. */
function certificateFor(seen: Parameters<Analyzer['finds']>[0]['seen'], m: Mismatch): string | undefined {
  const listed = outputs(
    seen,
    'list_resources',
    (o) =>
      o.status === 'ok' &&
      /^certificates?$/i.test(String(o.args['kind'])) &&
      o.args['namespace'] === m.namespace,
  ).pop();
  const names = parseTable(listed?.content ?? '')
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
  return (
    names.find((n) => n === m.service || n.startsWith(`${m.service}-`)) ??
    (names.length === 1 ? names[0] : undefined)
  );
}

/**
 * A client that refuses its server's certificate because the certificate does not carry the name the
 * client dials: a Service's cluster name (`ledger-api.payments.svc`) missing from the serving
 * certificate's subject alternative names, typically after the certificate was re-issued from a spec
 * that lists only external or short names. Found from the client's log and the server's cert-manager
 * Certificate (its `dnsNames`); the fix adds the Service names to `spec.dnsNames`, and cert-manager
 * re-issues (cert-manager.io/docs/usage/certificate).
 */
export const tlsSanMismatchAnalyzer: Analyzer = {
  name: 'tls-san-mismatch',
  reads({ ns, seen }): Read[] {
    const m = mismatches(seen, ns)[0];
    if (!m) return [];
    const name = certificateFor(seen, m);
    return [
      { tool: 'list_resources', args: { kind: 'Certificate', namespace: m.namespace } },
      ...(name
        ? [{ tool: 'describe_resource', args: { kind: 'Certificate', name, namespace: m.namespace } }]
        : []),
    ];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const m of mismatches(seen, ns)) {
      const name = certificateFor(seen, m);
      const cert = name
        ? outputs(
            seen,
            'describe_resource',
            (o) => o.status === 'ok' && o.args['name'] === name && o.args['namespace'] === m.namespace,
          ).pop()?.content
        : undefined;
      if (!cert) continue;
      const dnsNames = [...cert.matchAll(/^\s*dnsNames\[\d{1,4}\]:\s*(\S{1,253})\s*$/gm)].map((x) => x[1]!);
      if (dnsNames.length === 0 || dnsNames.includes(m.host)) continue;
      const secret = /^\s*secretName:\s*(\S{1,253})\s*$/m.exec(cert)?.[1];
      out.push({
        weight: 94,
        // The failing client is the incident's subject; the certificate is what the cause names.
        object: podDeployment(m.pod) ? `deployment ${podDeployment(m.pod)} (pod ${m.pod})` : `pod ${m.pod}`,
        cause: `the serving certificate of ${m.service} does not name the host its clients dial: ${m.pod} connects to ${m.host}, a Service DNS name, but Certificate ${name} in ${m.namespace}${secret ? ` (Secret ${secret})` : ''} lists dnsNames ${dnsNames.join(', ')} only, so the certificate's subject alternative names (SANs) lack it and TLS verification fails on a name mismatch ("${clip(m.line, 200)}"); the certificate is neither expired nor from the wrong CA`,
        evidence: [
          `get_pod_logs ${m.pod}: "${clip(m.line, 200)}"`,
          `describe_resource Certificate ${name} (${m.namespace}): dnsNames ${dnsNames.join(', ')}`,
        ],
        advice: `add the Service names (${m.service}.${m.namespace}.svc, ${m.service}.${m.namespace}.svc.cluster.local) to spec.dnsNames of Certificate ${name}; cert-manager then re-issues the certificate with them, and the server picks the new Secret up`,
      });
      break;
    }
    return out;
  },
};
