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
 * A host and port as a client names it (`imap.example.net:993`, `10.0.0.5:993`, `[::1]:993`, `port 993`,
 * `"port":993`, `mail.smtp.port=465`), not a clock time (`08:25:01`, `2026-03-09T10:25`): a host name starts
 * after a character that cannot be part of it, so each run of name characters is read once.
 */
const HOST_PORT =
  /(?:(?<![\w.-])[a-z][a-z0-9.-]{0,252}|\.\d{1,3}|\]):(\d{2,5})(?![\d:])|\bport"?\s{0,3}[ =:]\s{0,3}(\d{2,5})(?!\d)/gi;
/** The keys that hold a connection's TLS mode, bare or quoted (`encryption: tls`, `"security":"ssl"`). */
const MODE_KEY = String.raw`\b(?:encryption|security|secure|tls_mode|smtp_secure|mail_encryption)"?\s{0,3}[:=]\s{0,3}["']?`;
/** A client set to upgrade a plain connection: STARTTLS, or the `tls` value mail programs use for it. */
const STARTTLS_MODE = new RegExp(String.raw`\bstart_?tls\b|${MODE_KEY}tls\b(?!-)`, 'gi');
/** STARTTLS turned off where the line names it (`starttls=false`, `mail.smtp.starttls.enable=false`). */
const TURNED_OFF =
  /^(?:[._-]?(?:enable|enabled|required))?"?\s{0,3}[:=]\s{0,3}["']?(?:false|0|no|off|disabled|never)\b/i;
/** A client set to speak TLS from the first byte (`ssl`, `imaps://`, Nodemailer's `secure=true`). */
const IMPLICIT_MODE = new RegExp(
  String.raw`\b(?:imaps|smtps|pop3s|ldaps):\/\/|${MODE_KEY}(?:ssl|implicit)\b|\bsecure"?\s{0,3}[:=]\s{0,3}["']?true\b`,
  'gi',
);
/**
 * What a STARTTLS client on an implicit-TLS port meets, in words that name it: the server waits for a
 * handshake and sends no greeting, so the client times out waiting for one.
 */
const NO_GREETING =
  /\b(?:timed? ?out|timeout)\b.{0,120}\b(?:greeting|banner)\b|\b(?:greeting|banner)\b.{0,120}\b(?:timed? ?out|timeout)\b/i;
/**
 * A connection that failed without saying why (a timeout, the server hanging up): the missing greeting
 * when it names the same port or follows the setting within a few lines (Go's "i/o timeout", Python's
 * "Connection unexpectedly closed", JavaMail's "Read timed out").
 */
const CONNECTION_FAILED =
  /\b(?:timed? ?out|timeout)\b|unexpected (?:EOF|end of stream)|\bEOF\b|connection (?:reset|closed) by|unexpectedly closed|server disconnected|exception reading response/i;
/** What a TLS client says when a plain-text server answers its handshake (OpenSSL, Go, Java, Python). */
const PLAIN_ANSWER =
  /wrong version number|first record does not look like a TLS handshake|unrecognized SSL message|plaintext connection\?|unknown protocol|packet length too long|record layer failure|WRONG_VERSION_NUMBER/i;
/** A line's leading time stamp, left out of what names a connection. */
const STAMP = /^[\s[]{0,2}[\d\-T:.,+Z/ ]{6,40}\]?\s{0,4}/;

/** A connection setting a line states: its mode, its port, and what the line names it by. */
interface Setting {
  readonly kind: 'starttls' | 'implicit';
  readonly port: string;
  /** The words before the port (the mailbox, the host), time stamp aside: the same connection on a later line. */
  readonly key: string;
}

/**
 * The settings a line states: each mode it names with the port nearest to it (a summary line names
 * several connections: "IMAP host:993 (SSL), SMTP host:587 (STARTTLS)").
 */
function settingsOf(line: string): Setting[] {
  const ports = [...line.matchAll(HOST_PORT)].map((m) => ({ port: (m[1] ?? m[2])!, at: m.index }));
  if (ports.length === 0) return [];
  const modes: { kind: Setting['kind']; at: number }[] = [];
  for (const m of line.matchAll(STARTTLS_MODE))
    if (!TURNED_OFF.test(line.slice(m.index + m[0].length, m.index + m[0].length + 40)))
      modes.push({ kind: 'starttls', at: m.index });
  for (const m of line.matchAll(IMPLICIT_MODE)) modes.push({ kind: 'implicit', at: m.index });
  const stamp = STAMP.exec(line)?.[0].length ?? 0;
  return modes.map((mode) => {
    const near = [...ports].sort((a, b) => Math.abs(a.at - mode.at) - Math.abs(b.at - mode.at))[0]!;
    return {
      kind: mode.kind,
      port: near.port,
      key: `${line.slice(stamp, near.at).trim().slice(-60)}:${near.port}`,
    };
  });
}

/** Whether a setting's mode does not fit its port (STARTTLS on an implicit-TLS port, or the reverse). */
const mismatched = (s: Setting) => (s.kind === 'starttls' ? IMPLICIT.has(s.port) : PLAIN.has(s.port));
/** Whether a setting's mode is the one its port speaks. */
const fitting = (s: Setting) => (s.kind === 'starttls' ? PLAIN.has(s.port) : IMPLICIT.has(s.port));

/**
 * A client whose TLS mode does not match the port it dials: STARTTLS (or a mail program's `tls`
 * setting) on a port that speaks TLS from the first byte, so it waits for a plain greeting that never
 * comes and times out; or implicit TLS (`ssl`, `imaps://`, `secure=true`) on a port that greets in plain
 * text, so the TLS library rejects the greeting ("wrong version number"). Read from one log: the latest
 * line that names the port with the mode (each mode read with the port nearest to it, and passed over
 * when a later line sets the same connection right) and a failure of the matching kind after it: a missing
 * greeting, or a failed connection that names the port or comes within three lines; a rejected greeting
 * anywhere after it. Reads nothing of its own.
 */
export const implicitTlsPortAnalyzer: Analyzer = {
  name: 'implicit-tls-port',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content);
      // One pass from the end: the latest mismatched setting with a failure of its kind after it. What
      // follows a line is kept as it is passed (the nearest failure of each kind), so the pass is linear.
      let greeting: string | undefined;
      let plainAnswer: string | undefined;
      const byPort = new Map<string, string>();
      // Connections a later line sets right: their earlier settings were changed since.
      const setRight = new Set<string>();
      let found: { setting: Setting; line: string; failure: string } | undefined;
      for (let i = lines.length - 1; i >= 0 && !found; i--) {
        const line = lines[i]!;
        if (line.length > 2000) continue;
        for (const setting of settingsOf(line)) {
          if (fitting(setting)) setRight.add(setting.key);
          if (!mismatched(setting) || setRight.has(setting.key)) continue;
          const soon = lines
            .slice(i + 1, i + 4)
            .find(
              (l) =>
                l.length <= 2000 && (setting.kind === 'starttls' ? CONNECTION_FAILED : PLAIN_ANSWER).test(l),
            );
          const failure =
            setting.kind === 'starttls'
              ? (greeting ?? byPort.get(setting.port) ?? soon)
              : (plainAnswer ?? soon);
          if (failure) {
            found = { setting, line, failure };
            break;
          }
        }
        if (NO_GREETING.test(line)) greeting = line;
        if (PLAIN_ANSWER.test(line)) plainAnswer = line;
        if (CONNECTION_FAILED.test(line))
          for (const m of line.matchAll(HOST_PORT)) byPort.set((m[1] ?? m[2])!, line);
      }
      if (!found) continue;
      const { line, failure } = found;
      const { port } = found.setting;
      const starttls = found.setting.kind === 'starttls';
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
    return [];
  },
};
