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
 * The titles of the interstitial pages bot protection serves instead of the page asked for: Cloudflare's
 * managed challenge ("Just a moment..."), its block page ("Attention Required! | Cloudflare"), the older
 * browser check ("Checking your browser before accessing") and DDoS-Guard's. A saved or logged page title.
 */
const CHALLENGE_TITLE =
  /(?:\btitle"?\s{0,3}[=:]\s{0,3}["']?|<title>)(?:Just a moment\.{3}|Attention Required! \| Cloudflare|Checking your browser before accessing|DDoS-Guard)/i;
/** A page title in a log line: `title="…"`, `"title":"…"`, `<title>…`. */
const ANY_TITLE = /\btitle"?\s{0,3}[=:]|<title>/i;
/** Cloudflare's response header on a challenged request (`cf-mitigated: challenge`). */
const CF_MITIGATED = /\bcf-mitigated\s{0,3}[=:]\s{0,3}challenge\b/i;

/**
 * A program that fetches web pages (a crawler, a link archiver, a monitor) and keeps bot protection's
 * challenge page in their place: the saved titles are "Just a moment..." (Cloudflare's managed challenge)
 * while other sites' pages come through, and a `cf-mitigated: challenge` header may be logged too. The
 * challenge is served to clients the protection scores as bots: a headless browser, and requests from a
 * hosting provider's IP range (a cluster's egress address) rather than a home connection, so it starts
 * when the fetcher moves to rented infrastructure, not when it crashes. Found from two or more such titles
 * (or one with the header) in the logs read. Reads nothing of its own.
 */
export const botChallengeAnalyzer: Analyzer = {
  name: 'bot-challenge',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    const header = outputs(ctx.seen, 'get_pod_logs')
      .flatMap((o) => boundedLogLines(o.content).filter((l) => l.length <= 2000 && CF_MITIGATED.test(l)))
      .pop();
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content).filter((l) => l.length <= 2000);
      const challenged = lines.filter((l) => CHALLENGE_TITLE.test(l));
      if (challenged.length < (header ? 1 : 2)) continue;
      // Other pages whose titles came through: the fetcher works, only protected sites answer so.
      const fine = lines.filter((l) => ANY_TITLE.test(l) && !CHALLENGE_TITLE.test(l)).length;
      // Whose protection it is: DDoS-Guard names itself in its title; the others are Cloudflare's.
      const vendor = challenged.every((l) => /DDoS-Guard/i.test(l)) ? 'DDoS-Guard' : 'Cloudflare';
      const pod = String(o.args['name'] ?? '');
      const owner = podDeployment(pod);
      const last = `"${clip(challenged[challenged.length - 1]!.trim(), 200)}"`;
      return [
        {
          weight: 88 + bonus(pod, ctx.hints),
          object: owner ? `deployment ${owner}` : `pod ${pod}`,
          cause: `${pod} saves bot protection's challenge page instead of the pages it fetches: ${challenged.length} page${challenged.length === 1 ? '' : 's'} came back titled "Just a moment..." or the like (the last ${last})${header ? `, and a request to such a site was answered with Cloudflare's challenge header ("${clip(header.trim(), 160)}")` : ''}${fine > 0 ? `, while ${fine} other page${fine === 1 ? '' : 's'} came through with their own titles` : ''}. ${vendor}'s bot protection challenges clients it scores as bots, a headless browser and above all requests from a hosting provider's or datacenter's IP range, which the cluster's egress IP is, so sites behind it send the challenge where a home connection got the page; the fetcher does not crash, it stores what it is served`,
          evidence: [
            `get_pod_logs ${pod}: ${last}`,
            ...(header ? [`logs: "${clip(header.trim(), 160)}"`] : []),
          ],
          advice:
            'send the fetches for those sites through an egress with a residential or otherwise trusted IP (a proxy), or have the site owners allow the crawler; more memory or restarts of the browser change nothing',
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
