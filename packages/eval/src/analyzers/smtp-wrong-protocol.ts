import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  describeFirstLogging,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** An SMTP client's error carrying another protocol's greeting: IMAP's `* OK [CAPABILITY IMAP4rev1 …`, POP3's `+OK`. */
const OTHER_GREETING =
  /(?:\bSMTP\w{0,30}|\binvalid greeting)\b.{0,200}?(\[CAPABILITY IMAP4|\* OK\b.{0,60}\bIMAP|\+OK\b)/i;
/** Words of a failure: the greeting must be the reply the SMTP client failed on, not a fetch's. */
const FAILED = /error|fail|unknown|invalid|exception|refused|unexpected/i;
/** Ports of the mail-reading protocols (IANA): IMAP 143, IMAPS 993, POP3 110, POP3S 995. */
const READING_PORTS: Readonly<Record<string, string>> = {
  '143': 'IMAP',
  '993': 'IMAPS',
  '110': 'POP3',
  '995': 'POP3S',
};
/** The message submission port (RFC 6409), where an authenticated client sends mail with STARTTLS. */
const SUBMISSION = '587';

/**
 * An SMTP client pointed at a mail server's IMAP or POP3 port: the server greets it in the other
 * protocol (`* OK [CAPABILITY IMAP4rev1 …] Dovecot ready.` instead of SMTP's `220`), and the client gives
 * up with an unknown reply, so no mail is sent though the server is up. Found from the client's log (the
 * other protocol's greeting in an SMTP error) and its port variable, whose value is a mail-reading port;
 * the fix sets it to the submission port, 587.
 */
export const smtpWrongProtocolAnalyzer: Analyzer = {
  name: 'smtp-wrong-protocol',
  first: true,
  reads({ ns, seen }) {
    return describeFirstLogging(
      seen,
      ns,
      (l) => l.length <= 4000 && OTHER_GREETING.test(l) && FAILED.test(l),
    );
  },
  finds({ ns, seen }) {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const line = boundedLogLines(o.content).find(
        (l) => l.length <= 4000 && OTHER_GREETING.test(l) && FAILED.test(l),
      );
      if (!line) continue;
      const greeting = OTHER_GREETING.exec(line)![1]!;
      const protocol = /IMAP/i.test(greeting) ? 'IMAP' : 'POP3';
      const pod = String(o.args['name'] ?? '');
      const described = outputs(
        seen,
        'describe_pod',
        (d) => d.args['name'] === pod && (d.args['namespace'] ?? ns) === ns,
      ).pop()?.content;
      const owner = described ? ownerDeployment(described) : undefined;
      const port = described
        ? containerSections(described)
            .filter((c) => !c.init)
            .map((c) => ({
              c,
              v: envOf(c.body).find(
                (e) =>
                  /SMTP\w{0,20}PORT|MAIL\w{0,10}PORT/i.test(e.name) &&
                  !/IMAP|POP/i.test(e.name) &&
                  e.value.trim() in READING_PORTS,
              ),
            }))
            .find((x) => x.v !== undefined)
        : undefined;
      const out: Finding = {
        weight: 91,
        object: podObject(owner, pod),
        cause: `the SMTP client of pod ${pod} is talking to the mail server's ${protocol} port: the server answers with ${protocol}'s greeting ("${clip(greeting, 60)}…"), not SMTP's 220, so every send fails with an unknown reply ("${clip(line.trim(), 160)}")${port ? `; ${port.v!.name} is ${port.v!.value}, the ${READING_PORTS[port.v!.value.trim()]} port, an ${protocol} listener and not an SMTP one` : ''}. The server is up and the credentials are not what fails`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(line.trim(), 200)}"`,
          ...(port ? [`describe_pod ${pod}: ${port.v!.name}: ${port.v!.value}`] : []),
        ],
        advice: `point the SMTP port at the mail server's submission port (${port ? `${port.v!.name}=` : ''}${SUBMISSION}, with STARTTLS), or port 25 where the server relays for the cluster`,
        ...(port
          ? envFix(
              ns,
              owner,
              port.c.name,
              [{ name: port.v!.name, value: SUBMISSION }],
              `set ${port.v!.name}=${SUBMISSION} on ${owner}/${port.c.name}, the submission port instead of ${READING_PORTS[port.v!.value.trim()]}`,
            )
          : {}),
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
