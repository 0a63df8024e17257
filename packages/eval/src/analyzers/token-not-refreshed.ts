import { type Analyzer, clip, type Finding, outputs } from './types.js';

/** A token the server refuses as expired (OAuth 2.0 bearer tokens, Microsoft Graph, JWT libraries). */
const EXPIRED =
  /\b(?:access token (?:has )?expired|token (?:has |is )?expired|expired[_ ]token|InvalidAuthenticationToken|jwt expired|TokenExpiredError)\b/i;
/** The client saying it got a token: `client credentials grant ok`, `token acquired`. */
const ACQUIRED =
  /\b(?:token|grant)\b[^\n]{0,120}\b(?:ok|acquired|obtained|issued|granted|succeeded|received|fetched)\b|\b(?:acquired|obtained|fetched|got) (?:an? |the )?(?:access )?token\b/i;
/** For how long (`expires_in=3599`, `lifetime 3600s`), when the line still says it (a redactor may hide it). */
const LIFETIME = /\b(?:expires_in|expires in|lifetime|ttl)[=: ]\s{0,2}(\d{2,6})\s?s?\b/i;

/**
 * A program that acquires its access token once and never refreshes it: OAuth 2.0 access tokens
 * expire (`expires_in`, RFC 6749 section 5.1; an hour for Microsoft's identity platform), so about
 * that long after each start every call fails with 401, and a restart "fixes" it by fetching a new
 * token. Found from the program's own log: one token grant with its lifetime, then calls refused as
 * expired. The credentials are fine (the grant succeeded); the client must refresh before expiry.
 */
export const tokenNotRefreshedAnalyzer: Analyzer = {
  name: 'token-not-refreshed',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 2000);
      const grants = lines.filter((l) => ACQUIRED.test(l));
      const at = lines.findIndex((l) => EXPIRED.test(l));
      if (grants.length !== 1 || at < 0 || lines.indexOf(grants[0]!) > at) continue;
      const lifetime = Number(LIFETIME.exec(grants[0]!)?.[1] ?? Number.NaN);
      const pod = String(o.args['name'] ?? '');
      const out: Finding = {
        weight: 86,
        object: `pod ${pod}`,
        cause: `the program acquires its access token once and never refreshes it: it got a token at start ("${clip(grants[0]!.trim(), 140)}", ${Number.isFinite(lifetime) ? `valid ${Math.round(lifetime / 60)} minutes` : 'access tokens typically last an hour'}) and keeps sending it after it expired, so every call since is refused ("${clip(lines[at]!.trim(), 150)}"); a restart only helps because it fetches a new token. The credentials are fine (the grant succeeded)`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(grants[0]!.trim(), 140)}"`,
          `get_pod_logs ${pod}: "${clip(lines[at]!.trim(), 150)}"`,
        ],
        advice:
          "make the client refresh its token before it expires (acquire a new one when expires_in nears, or use the SDK's token cache/credential, which renews it); restarting on a schedule only hides it",
      };
      return [out];
    }
    return [];
  },
};
