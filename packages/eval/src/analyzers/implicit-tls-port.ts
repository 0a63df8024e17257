import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
} from './types.js';

/**
 * Ports whose protocol speaks TLS from the first byte (implicit TLS): RFC 8314 section 7 registers
 * `submissions` 465, `imaps` 993 and `pop3s` 995; `ldaps` 636 is LDAP over TLS by the same convention.
 */
const IMPLICIT: ReadonlyMap<string, { name: string; plain: string }> = new Map([
  ['465', { name: 'SMTP submission over implicit TLS (submissions)', plain: '587' }],
  ['993', { name: 'IMAP over implicit TLS (imaps)', plain: '143' }],
  ['995', { name: 'POP3 over implicit TLS (pop3s)', plain: '110' }],
  ['636', { name: 'LDAP over TLS (ldaps)', plain: '389' }],
]);

/**
 * Ports whose protocol starts in plain text and upgrades with STARTTLS (RFC 3207 for SMTP, RFC 2595 for
 * IMAP and POP3, RFC 4511's StartTLS for LDAP): a TLS handshake sent first meets a plain greeting.
 */
const PLAIN: ReadonlyMap<string, { name: string; tls: string }> = new Map([
  ['25', { name: 'SMTP, plain text upgraded with STARTTLS', tls: '465' }],
  ['587', { name: 'SMTP submission, plain text upgraded with STARTTLS', tls: '465' }],
  ['143', { name: 'IMAP, plain text upgraded with STARTTLS', tls: '993' }],
  ['110', { name: 'POP3, plain text upgraded with STARTTLS', tls: '995' }],
  ['389', { name: 'LDAP, plain text upgraded with StartTLS', tls: '636' }],
]);

/**
 * A host and port as a client names it (`imap.example.net:993`, `10.0.0.5:993`, `[::1]:993`, `port 993`),
 * not a clock time (`08:25:01`).
 */
const HOST_PORT =
  /(?:[a-z][a-z0-9-]{0,62}|\.\d{1,3}|\]):(\d{2,5})(?![\d:])|\bport[ =:]{1,3}(\d{2,5})(?!\d)/gi;
/** A client set to upgrade a plain connection: STARTTLS, or the `tls` value mail programs use for it. */
const STARTTLS_MODE =
  /\bstart_?tls\b|\b(?:encryption|security|secure|tls_mode|smtp_secure|mail_encryption)\s{0,3}[:=]\s{0,3}["']?tls\b(?!-)/i;
/** A client set to speak TLS from the first byte. */
const IMPLICIT_MODE =
  /\b(?:imaps|smtps|pop3s|ldaps):\/\/|\b(?:encryption|security|secure|tls_mode|smtp_secure|mail_encryption)\s{0,3}[:=]\s{0,3}["']?(?:ssl|implicit)\b/i;
/**
 * What a STARTTLS client on an implicit-TLS port meets: the server waits for a handshake and sends no
 * greeting, so the client times out waiting for one (or the server drops it).
 */
const NO_GREETING =
  /\b(?:timed? ?out|timeout)\b.{0,120}\b(?:greeting|banner|response)\b|\b(?:greeting|banner)\b.{0,120}\b(?:timed? ?out|timeout)\b|connection (?:setup )?failed.{0,80}\btimed? ?out\b|unexpected (?:EOF|end of stream)|connection (?:reset|closed) by (?:peer|server|remote)/i;
/** What a TLS client says when a plain-text server answers its handshake (OpenSSL, Go, Java, Python). */
const PLAIN_ANSWER =
  /wrong version number|first record does not look like a TLS handshake|unrecognized SSL message|plaintext connection\?|unknown protocol|packet length too long|record layer failure|WRONG_VERSION_NUMBER/i;

/** The ports a line names as a client's destination, in order. */
function portsOf(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(HOST_PORT)) out.push((m[1] ?? m[2])!);
  return out;
}

/**
 * A client whose TLS mode does not match the port it dials: STARTTLS (or a mail program's `tls`
 * setting) on a port that speaks TLS from the first byte, so it waits for a plain greeting that never
 * comes and times out; or implicit TLS (`ssl`, `imaps://`) on a port that greets in plain text, so the
 * TLS library rejects the greeting ("wrong version number"). Read from one log: the latest line that names
 * the port with the mode and has a failure line of the matching kind after it. Reads nothing of its own.
 */
export const implicitTlsPortAnalyzer: Analyzer = {
  name: 'implicit-tls-port',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content);
      // The latest setting line with a failure after it: an earlier one may predate the change.
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!;
        if (line.length > 2000) continue;
        const starttls = STARTTLS_MODE.test(line);
        const implicit = !starttls && IMPLICIT_MODE.test(line);
        if (!starttls && !implicit) continue;
        const port = portsOf(line).find((p) => (starttls ? IMPLICIT.has(p) : PLAIN.has(p)));
        if (!port) continue;
        const failure = lines
          .slice(i + 1)
          .find((l) => l.length <= 2000 && (starttls ? NO_GREETING : PLAIN_ANSWER).test(l));
        if (!failure) continue;
        const pod = String(o.args['name'] ?? '');
        const owner = podDeployment(pod);
        const setting = `"${clip(line.trim(), 220)}"`;
        const failed = `"${clip(failure.trim(), 220)}"`;
        const cause = starttls
          ? `${pod} connects to port ${port} in STARTTLS mode (${setting}), but ${port} is ${IMPLICIT.get(port)!.name}: the server expects a TLS handshake from the first byte and sends no plain greeting, so the client waits for a greeting that never comes and gives up (${failed}). STARTTLS belongs on port ${IMPLICIT.get(port)!.plain}; on ${port} the setting must be SSL/TLS (implicit TLS). Credentials are not what fails: the connection never gets as far as logging in`
          : `${pod} speaks TLS from the first byte to port ${port} (${setting}), but ${port} is ${PLAIN.get(port)!.name}: the server greets in plain text and the client's TLS library rejects the greeting (${failed}). Implicit TLS belongs on port ${PLAIN.get(port)!.tls}; on ${port} the setting must be STARTTLS`;
        return [
          {
            weight: 88 + bonus(pod, ctx.hints),
            object: owner ? `deployment ${owner}` : `pod ${pod}`,
            cause,
            evidence: [`get_pod_logs ${pod}: ${setting}`, `get_pod_logs ${pod}: ${failed}`],
            advice: starttls
              ? `set the connection's encryption to SSL/TLS (implicit TLS) for port ${port}, or keep STARTTLS and use port ${IMPLICIT.get(port)!.plain}; the next run then gets the server's greeting`
              : `set the connection's encryption to STARTTLS for port ${port}, or keep implicit TLS and use port ${PLAIN.get(port)!.tls}`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
