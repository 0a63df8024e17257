import { quietLogs } from './app-errors.js';
import { type Analyzer, clip } from './types.js';

/** A 401 answer in an access or request log (`GET /account/orders 401 3ms`, `" 401 `, `status=401`). */
const ANSWERED_401 = /(?:\s|")401\s|\bstatus[=:]\s?"?401\b/;
/** Why the program refused: a session or token past its lifetime. */
const EXPIRED = /\b(?:session_expired|token_expired|expired|ttl)\b/i;
/** A refusal for another reason (a bad signature, an unknown key), which is not routine. */
const OTHER =
  /\b(?:bad_signature|invalid_signature|signature (?:is )?invalid|unknown kid|kid not found|malformed)\b/i;

/** The same reasons as a count (`verify_bad_signature=212`): the count right after the name. */
const OTHER_COUNT =
  /(?:bad_signature|invalid_signature|unknown_kid|kid_not_found|malformed)\w{0,20}=(\d{1,12})\b/i;

/**
 * A healthy namespace whose 401s the program itself gives as expired sessions or tokens: a session
 * ends at its lifetime and the client is sent to log in again, so after a quiet spell (a weekend, a
 * night) many users meet it at once and the 401 rate spikes, then falls as they log in. A note, only
 * where nothing fails and no 401 is logged for another reason (a bad signature would be a fault).
 */
export const expiredSessionsAnalyzer: Analyzer = {
  name: 'expired-sessions',
  reads: () => [],
  finds: () => [],
  notes({ ns, seen }): string[] {
    const logs = quietLogs(seen, ns);
    if (!logs) return [];
    const lines = logs.flatMap((o) =>
      o.content
        .slice(-200_000)
        .split('\n')
        .slice(-5000)
        .filter((l) => l.length <= 4000),
    );
    const refused = lines.filter((l) => ANSWERED_401.test(l) || /\b401=\d/.test(l));
    if (refused.length === 0 || !refused.every((l) => EXPIRED.test(l))) return [];
    // Another reason logged, unless as a count of zero right after its name (`bad_signature=0`).
    const otherReason = lines.find((l) => {
      const m = OTHER_COUNT.exec(l);
      return m ? Number(m[1] ?? 1) > 0 : OTHER.test(l);
    });
    if (otherReason) return [];
    return [
      `The 401s are expired sessions, as the program itself says ("${clip(refused[0]!.trim(), 180)}"${refused.length > 1 ? `; ${refused.length} such lines read` : ''}): a session or token that reached its lifetime (its ttl) is refused with 401 and the user is sent to log in again, so after a quiet spell, such as a weekend, many users meet it at once and the 401 rate spikes, then falls as they log in. No 401 was logged for another reason, such as a bad signature. That is expected: nothing is broken and no action is needed (alert on 401s other than expiry, or on failed logins, instead)`,
    ];
  },
};
