import { parseTable } from '../k8s-text.js';
import { missingMounts } from './certificate-issuer.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clipAround,
  containerSections,
  type Finding,
  outputs,
  podListOf,
  podOwnerObject,
  type Read,
} from './types.js';

/** A Secret named for certificates: a name part that is `ca`, `tls`, `cert(s)`, `certificate(s)`, `ssl` or `client`. */
const CERT_PART = /^(?:ca|tls|certs?|certificates?|ssl|client|node|root)$/;
/**
 * A server started with TLS off, as its own flags say it: CockroachDB's `--insecure`, and the `--tls=false`,
 * `--no-tls`, `--disable-tls`, `--ssl=false` of other servers. A word boundary on each side, bounded.
 */
const TLS_OFF =
  /(?:^|[\s'"=])(--insecure|--tls[=\s]false|--no-tls|--disable-tls|--ssl[=\s]false|--tls-enabled[=\s]false)(?=$|[\s'"])/;

interface TlsOff {
  /** The Secrets a pod mounts that do not exist, named for the server. */
  readonly secrets: string[];
  /** The server's name prefix (`crdb` of `crdb-ca-secret`) and the pod read for its flags. */
  readonly server: string;
  readonly pod: string;
  readonly flag: string;
  readonly command: string;
  /** A pod that waits on the Secrets. */
  readonly waiting?: string;
}

/** The pods of the namespace named after a prefix (`crdb-0`, `crdb-6d…-x`), from the latest pod list. */
function podsNamed(ctx: AnalyzerContext, prefix: string): string[] {
  const list = podListOf(ctx.seen, ctx.ns);
  if (!list) return [];
  return parseTable(list.content)
    .map((r) => r['NAME'] ?? '')
    .filter((n) => n.startsWith(`${prefix}-`));
}

function tlsOff(ctx: AnalyzerContext): { found?: TlsOff; read?: Read } {
  return perSeen(ctx.seen, ['tlsOffSecrets', ctx.ns], () => {
    const missing = missingMounts(ctx).filter((s) => s.split(/[-.]/).some((p) => CERT_PART.test(p)));
    const byServer = new Map<string, string[]>();
    for (const s of missing) {
      const prefix = s.split(/[-.]/)[0]!;
      if (prefix.length < 2 || CERT_PART.test(prefix)) continue;
      byServer.set(prefix, [...(byServer.get(prefix) ?? []), s]);
    }
    for (const [server, secrets] of byServer) {
      const pods = podsNamed(ctx, server);
      // The waiting pods themselves are not the server (`app-tls` mounted by `app-…`).
      const waitingOn = outputs(
        ctx.seen,
        'describe_pod',
        (o) => o.args['namespace'] === ctx.ns && secrets.some((s) => o.content.includes(`"${s}" not found`)),
      ).map((o) => String(o.args['name'] ?? ''));
      // The server's pods, at most three read (a helper pod of the same prefix, `crdb-init-…`, may come first).
      const candidates = pods.filter((p) => !waitingOn.includes(p)).slice(0, 3);
      for (const pod of candidates) {
        const d = outputs(
          ctx.seen,
          'describe_pod',
          (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
        ).pop();
        if (!d) return { read: { tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } } };
        // The server's own container, the pod's first: a sidecar's flags (an exporter's --no-tls) are its own.
        const server0 = containerSections(d.content.slice(0, 100_000)).find((c) => !c.init);
        for (const line of (server0?.body ?? '').split('\n')) {
          if (line.length > 8000 || (!/^\s{2,8}(?:Command|Args):/.test(line) && !/^\s{6,}--/.test(line)))
            continue;
          const m = TLS_OFF.exec(line);
          if (m)
            return {
              found: {
                secrets,
                server,
                pod,
                flag: m[1]!,
                command: line.trim(),
                ...(waitingOn[0] ? { waiting: waitingOn[0] } : {}),
              },
            };
        }
      }
    }
    return {};
  });
}

/**
 * Secrets a pod mounts that do not exist because the server they are named for runs without TLS: a
 * database installed in insecure mode (CockroachDB's `--insecure`, a chart's `tls.enabled: false`)
 * gets no CA and no client certificates, so nothing ever writes `<server>-ca-secret` or
 * `<server>-client-secret`, and a client configured for TLS (it mounts them, SSL mode verify-full) waits
 * in ContainerCreating for ever. The server itself is fine. Either give the server TLS (which creates the
 * certificate Secrets) or configure the client for a server without TLS (no certificate volumes, SSL off).
 * Reads a pod of the server named by the Secrets for its flags.
 */
export const tlsOffSecretsAnalyzer: Analyzer = {
  name: 'tls-off-secrets',
  first: true,
  reads(ctx): Read[] {
    const r = tlsOff(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const f = tlsOff(ctx).found;
    if (!f) return [];
    const names = f.secrets.join(' and ');
    const plural = f.secrets.length > 1;
    const client = f.waiting
      ? podOwnerObject(
          outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.waiting).pop()?.content,
          f.waiting,
        )
      : undefined;
    return [
      {
        // Above the FailedMount signature (88 and a bonus for a named pod), which it explains.
        weight: 95,
        object: client ?? `pod ${f.pod}`,
        cause: `the Secret${plural ? 's' : ''} ${names} ${plural ? 'do' : 'does'} not exist because ${f.server} runs without TLS: its pod ${f.pod} starts with ${f.flag} (insecure mode, TLS disabled: "${clipAround(f.command, f.flag, 200)}"), and an install without TLS creates no CA or client certificates, so nothing ever writes ${plural ? 'these Secrets' : 'this Secret'}. ${f.waiting ? `Pod ${f.waiting} mounts ${plural ? 'them' : 'it'} (FailedMount: secret not found) and` : 'The pods that mount them'} cannot start: the client expects TLS from a server that has none. ${f.server} itself is healthy and does not need a restart`,
        evidence: [
          `describe_pod ${f.waiting ?? '?'}: FailedMount: secret "${f.secrets[0]}" not found`,
          `describe_pod ${f.pod}: ${clipAround(f.command, f.flag, 160)}`,
        ],
        advice: `either install ${f.server} with TLS enabled (its chart's tls.enabled: true, which creates ${names}), or configure the client for a server without TLS: remove the certificate volumes that mount ${names} and set its database SSL mode to disable; do not restart ${f.server}`,
      },
    ];
  },
};
