import { type Analyzer, clip, type Finding, outputs } from './types.js';

// How a program logs the time its name lookups took: a timing field (`dns=5.004s`, `dns_ms=5012`) or
// a sentence (`DNS lookup took 5.01s`, `resolving api.example.com took 5003ms`).
const FIELD = /\bdns(?:[_-]?(?:lookup|time|resolve|ms))?[=:]\s?(\d{1,6}(?:\.\d{1,4})?)(ms|s)?\b/i;
const SENTENCE =
  /\b(?:DNS lookup|name lookup|lookup of [\w.-]{1,253}|resolving [\w.-]{1,253}) (?:took|in) (\d{1,5}(?:\.\d{1,4})?) ?(ms|s)\b/i;

/** The lookup time a line reports, in seconds, or undefined. */
export function lookupSeconds(line: string): number | undefined {
  if (line.length > 2000) return undefined;
  const m = FIELD.exec(line) ?? SENTENCE.exec(line);
  if (!m) return undefined;
  const v = Number(m[1]);
  // A bare number in a `_ms` field is milliseconds.
  const ms = m[2]?.toLowerCase() === 'ms' || (!m[2] && /ms[=:]/i.test(m[0]));
  return ms ? v / 1000 : v;
}

/**
 * Name lookups that now and then take just over 5 s (or 10 s) while the rest take milliseconds: the
 * stub resolver's timeout (`timeout:5` in resolv.conf, glibc's and musl's default) expiring on a
 * query that was lost, then a retry that succeeds. In Kubernetes the classic cause is glibc sending
 * the A and AAAA queries in parallel from one UDP socket: the kernel's conntrack insertion race drops
 * one of the pair, so the lookup waits the whole timeout (kubernetes/kubernetes#56903; the
 * `single-request-reopen` resolver option, set through the pod's dnsConfig, sends them apart; NodeLocal
 * DNSCache avoids the race). The remote service is not slow: its connect and response times are.
 */
export const dnsFiveSecondAnalyzer: Analyzer = {
  name: 'dns-five-second',
  reads() {
    return [];
  },
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const timed = log.content
        .slice(-200_000)
        .split('\n')
        .map((line) => ({ line, s: lookupSeconds(line) }))
        .filter((x): x is { line: string; s: number } => x.s !== undefined);
      const slow = timed.filter((x) => (x.s >= 5 && x.s < 5.5) || (x.s >= 10 && x.s < 10.5));
      const fast = timed.filter((x) => x.s < 0.5);
      // Most lookups fast, a few at the timeout: a lost query, not a slow server.
      if (slow.length === 0 || fast.length < slow.length * 3) continue;
      const pod = String(log.args['name']);
      const example = (slow.find((x) => x.s < 6) ?? slow[slow.length - 1]!).line.trim();
      const out: Finding = {
        weight: 89,
        object: `pod ${pod}`,
        cause: `name lookups in ${pod} now and then take just over 5 seconds (${slow.length} of ${timed.length} timed lookups in its log, the rest a few milliseconds: "${clip(example, 160)}"): 5 s is the resolver's timeout (timeout:5 in resolv.conf), so a DNS query was lost and retried, not a slow remote service. The usual cause is glibc sending the A and AAAA queries in parallel from one UDP socket, where the kernel's conntrack race drops one of them`,
        evidence: [`get_pod_logs ${pod}: "${clip(example, 160)}"`],
        advice:
          "set the pod's dnsConfig options single-request-reopen (glibc; musl-based images ignore it), or run NodeLocal DNSCache so queries do not race in conntrack; lowering ndots also cuts the number of queries",
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
