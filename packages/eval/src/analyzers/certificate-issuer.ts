import { parseTable } from '../k8s-text.js';
import { failing } from './certificate-not-issued.js';
import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  configMapVolumes,
  type Finding,
  flat,
  outputs,
  podEventLines,
  podListOf,
  type Read,
  serviceHost,
  unreadConfigMaps,
} from './types.js';

const CERT = /^certificates?$/i;
/** The kubelet's FailedMount for a Secret volume whose Secret does not exist. */
const SECRET_NOT_FOUND =
  /MountVolume\.SetUp failed for volume "[^"]{1,253}" : secret "([a-z0-9][a-z0-9.-]{0,252})" not found/;
/** A JSON key whose value is an encrypted private key (step-ca's JWK provisioner: `"encryptedKey": "…"`). */
const ENCRYPTED_KEY = /"encryptedKey"\s{0,4}:\s{0,4}"([^"\s]{1,20000})"/;

/**
 * Secrets the namespace's pods cannot mount because they do not exist (FailedMount), from descriptions and
 * events: at most three names, first seen first.
 */
export function missingMounts({ seen, ns }: Pick<AnalyzerContext, 'seen' | 'ns'>): string[] {
  const out = new Set<string>();
  for (const { line } of podEventLines(seen, ns)) {
    const m = SECRET_NOT_FOUND.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out].slice(0, 3);
}

/** The described Certificates of the namespace, each with the Secret it writes. */
function certificates(ctx: AnalyzerContext): { name: string; secret: string; text: string }[] {
  return outputs(
    ctx.seen,
    'describe_resource',
    (x) => CERT.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
  ).flatMap((o) => {
    const secret = flat(o.content, 'secretName');
    return secret ? [{ name: String(o.args['name'] ?? ''), secret, text: o.content }] : [];
  });
}

/** A Certificate's issuer (`issuerRef.kind`, `issuerRef.name`), namespaced unless it is a ClusterIssuer. */
function issuerOf(text: string, ns: string): { kind: string; name: string; namespace?: string } | undefined {
  const name = flat(text, 'issuerRef.name');
  if (!name || !/^[a-z0-9][a-z0-9.-]{0,252}$/.test(name)) return undefined;
  const kind = flat(text, 'issuerRef.kind') ?? 'Issuer';
  if (!/^[A-Z][A-Za-z0-9]{0,62}$/.test(kind)) return undefined;
  // Cluster-scoped issuers: cert-manager's ClusterIssuer, and external ones named so (StepClusterIssuer,
  // AWSPCAClusterIssuer).
  return kind.startsWith('Cluster') || kind.endsWith('ClusterIssuer')
    ? { kind, name }
    : { kind, name, namespace: ns };
}

/** The issuer's description, when read. */
function issuerText(ctx: AnalyzerContext, i: { kind: string; name: string; namespace?: string }) {
  return outputs(
    ctx.seen,
    'describe_resource',
    (o) =>
      o.args['kind'] === i.kind &&
      o.args['name'] === i.name &&
      (i.namespace === undefined || o.args['namespace'] === i.namespace),
  ).pop()?.content;
}

/**
 * The pod that serves the issuer's URL (`spec.url: https://step-ca.internal-pki.svc.cluster.local`):
 * its Service's namespace and the first pod there named after the Service.
 */
function issuerServer(ctx: AnalyzerContext, issuer: string): { namespace: string; pod?: string } | undefined {
  const url = flat(issuer, 'url') ?? flat(issuer, 'server');
  const host = url ? /^[a-z][a-z0-9+.-]{0,20}:\/\/([^/:?#\s]{1,253})/i.exec(url)?.[1] : undefined;
  const svc = host ? serviceHost(host) : undefined;
  if (!svc) return undefined;
  const listed = podListOf(ctx.seen, svc.namespace);
  const pod = listed
    ? parseTable(listed.content)
        .map((r) => r['NAME'] ?? '')
        .find((n) => n.startsWith(`${svc.service}-`))
    : undefined;
  return { namespace: svc.namespace, ...(pod ? { pod } : {}) };
}

/** The server pod's ConfigMaps, from its description, when read. */
function serverMaps(ctx: AnalyzerContext, server: { namespace: string; pod?: string }): string[] | undefined {
  if (!server.pod) return undefined;
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['name'] === server.pod && o.args['namespace'] === server.namespace,
  ).pop();
  return d ? configMapVolumes(d.content).slice(0, 3) : undefined;
}

/**
 * A pod that cannot start because the Secret it mounts was never written: cert-manager writes it from a
 * Certificate (its spec.secretName), and that Certificate waits on an issuer that is not Ready
 * (cert-manager.io, "Issuer", "Certificate": a request is signed only once its issuer's Ready condition
 * is True). The issuer's own condition says why; for an issuer with a URL inside the cluster, the
 * server's ConfigMaps are read when the condition is about a key that cannot be parsed, to show the key.
 */
export const certificateIssuerAnalyzer: Analyzer = {
  name: 'certificate-issuer',
  reads(ctx): Read[] {
    const missing = missingMounts(ctx);
    if (missing.length === 0) return [];
    const listed = outputs(
      ctx.seen,
      'list_resources',
      (o) => CERT.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
    ).pop();
    if (!listed) return [{ tool: 'list_resources', args: { kind: 'Certificate', namespace: ctx.ns } }];
    const certs = certificates(ctx);
    const unread = parseTable(listed.content)
      .map((r) => r['NAME'] ?? '')
      .filter((n) => n && !certs.some((c) => c.name === n))
      .slice(0, 3)
      .map(
        (name): Read => ({
          tool: 'describe_resource',
          args: { kind: 'Certificate', name, namespace: ctx.ns },
        }),
      );
    const cert = certs.find((c) => missing.includes(c.secret));
    if (!cert) return unread;
    const issuer = issuerOf(cert.text, ctx.ns);
    if (!issuer) return [];
    const text = issuerText(ctx, issuer);
    if (!text) return [{ tool: 'describe_resource', args: { ...issuer } }];
    const why = failing(text)[0];
    // A key the issuer cannot parse: the key as its server holds it.
    if (!why || !/\bkey\b/i.test(why) || !glossOf(why)) return [];
    const server = issuerServer(ctx, text);
    if (!server) return [];
    if (!podListOf(ctx.seen, server.namespace))
      return [{ tool: 'list_pods', args: { namespace: server.namespace } }];
    if (!server.pod) return [];
    const maps = serverMaps(ctx, server);
    if (!maps) return [{ tool: 'describe_pod', args: { namespace: server.namespace, name: server.pod } }];
    return unreadConfigMaps(ctx.seen, server.namespace, maps, 2);
  },
  finds(ctx): Finding[] {
    const missing = missingMounts(ctx);
    const cert = certificates(ctx).find((c) => missing.includes(c.secret));
    const issuer = cert ? issuerOf(cert.text, ctx.ns) : undefined;
    const text = issuer ? issuerText(ctx, issuer) : undefined;
    const why = text ? failing(text)[0] : undefined;
    if (!cert || !issuer || !text || !why) return [];
    const gloss = glossOf(why)?.means;
    // The key as the issuer's server holds it, when its ConfigMaps were read.
    const server = issuerServer(ctx, text);
    let held: { map: string; key: string; shape: string; encoded: boolean } | undefined;
    for (const map of server ? (serverMaps(ctx, server) ?? []) : []) {
      const m = ENCRYPTED_KEY.exec(configMapText(ctx.seen, map, server!.namespace)?.slice(0, 500_000) ?? '');
      if (!m) continue;
      const dots = m[1]!.split('.').length - 1;
      const shape =
        dots === 4
          ? 'a compact JWE (five parts)'
          : m[1]!.startsWith('ZXlK')
            ? `one string with ${dots} dots that starts "ZXlK": the JWE base64-encoded once more (base64 of "eyJ…"), where the JWE itself belongs`
            : `a value with ${dots} dots, not the five parts of a compact JWE`;
      held = { map, key: clip(m[1]!, 24), shape, encoded: dots !== 4 && m[1]!.startsWith('ZXlK') };
      break;
    }
    const where = `${issuer.kind} ${issuer.name}${issuer.namespace ? ` (namespace ${issuer.namespace})` : ''}`;
    return [
      {
        // Why the Secret a FailedMount names does not exist: above that mount failure, its symptom,
        // even when the task names the pod (88, and 6 for the name).
        weight: 96,
        object: `certificate ${cert.name}`,
        cause:
          `the Secret ${cert.secret} the pod mounts does not exist because cert-manager has not issued it: Certificate ${cert.name} writes it (spec.secretName) and is signed by ${where}, which is not Ready: "${clip(why, 240)}"` +
          `${gloss ? ` (${gloss})` : ''}` +
          `${held ? `. The key as the CA's configuration holds it (ConfigMap ${held.map}, "encryptedKey": "${held.key}"): ${held.shape}` : ''}` +
          '; until the issuer is Ready no certificate request is signed, so the pod waits in ContainerCreating',
        evidence: [
          `describe_resource Certificate ${cert.name}: secretName ${cert.secret}, issuerRef ${issuer.kind}/${issuer.name}`,
          `describe_resource ${issuer.kind} ${issuer.name}: Ready False, "${clip(why, 200)}"`,
          ...(held
            ? [
                `get_resource ConfigMap ${held.map}: "encryptedKey": "${held.key}" (${held.shape.split(':')[0]})`,
              ]
            : []),
        ],
        advice: held?.encoded
          ? `put the provisioner's encrypted key back as the JWE itself in ConfigMap ${held.map} (decode the extra base64 layer), restart the CA, and the issuer becomes Ready and signs the pending request`
          : `fix what ${where}'s Ready condition says; cert-manager then signs the pending request and writes ${cert.secret}`,
        revisionSound: true,
      },
    ];
  },
};
