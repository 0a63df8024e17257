import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { errorLines, warningLines } from './app-errors.js';
import { type Analyzer, clip, outputs } from './types.js';

/**
 * A connection the peer opened and closed without speaking the protocol, as servers log it: Go's
 * `http: TLS handshake error from <addr>: EOF`, a reset (`Connection reset by peer`, ECONNRESET), an
 * EOF before the first request. What a load balancer's TCP health check leaves in a TLS or binary
 * protocol server's log: it connects, sees the port open, and closes (AWS NLB, Alibaba SLB and other
 * clouds' TCP checks do so every few seconds from each of their addresses).
 */
const CUT =
  /TLS handshake error from [^\s]{1,60}: EOF\b|Connection reset by peer|ECONNRESET|unexpected EOF|: EOF$/i;
/** The peer's IPv4 address and port in such a line or the line before it (`from 10.0.12.207:41862`, `remote=/100.122.64.147:26012`). */
const PEER = /(?:\bfrom|\bremote=\/?|\bclient[= ]|\bpeer[= ])\s?(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}\b/i;
/** At most this many addresses send them: a load balancer's health checkers, not a population of clients. */
const MAX_SOURCES = 6;

export interface HealthCheckNoise {
  /** The connection-level failure lines, and the addresses that caused them, most frequent first. */
  lines: string[];
  sources: string[];
  /** The few failure lines of the log that are not such cuts (a scanner's, an unrelated error). */
  others: string[];
}

/**
 * The failure lines of a log when every one of them is a connection cut by its peer without a word of
 * the protocol (see `CUT`), from a few addresses that each come back again and again: at least four
 * lines, at most `MAX_SOURCES` addresses, each at least twice, and at most two other failure lines (or a
 * fifth of the cuts). Undefined otherwise (failures of another kind, or cuts from many clients, are not
 * this).
 */
export function healthCheckNoise(text: string, failures: readonly string[]): HealthCheckNoise | undefined {
  if (failures.length < 4) return undefined;
  const lines = text.slice(-200_000).split('\n');
  const counts = new Map<string, number>();
  const cut: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.length > 4000 || !CUT.test(l)) continue;
    const peer = PEER.exec(l)?.[1] ?? (i > 0 ? PEER.exec(lines[i - 1]!.slice(0, 4000))?.[1] : undefined);
    if (!peer) return undefined;
    counts.set(peer, (counts.get(peer) ?? 0) + 1);
    cut.push(l.trim());
  }
  // The failure lines that are neither a cut nor the line that carries the peer right before one.
  const cutSet = new Set(cut);
  const others = failures.filter((f) => {
    if (cutSet.has(f.trim())) return false;
    const at = lines.indexOf(f);
    return !(at >= 0 && at + 1 < lines.length && CUT.test(lines[at + 1]!.slice(0, 4000)) && PEER.test(f));
  });
  if (cut.length < 4 || counts.size > MAX_SOURCES || others.length > Math.max(2, cut.length / 5))
    return undefined;
  if ([...counts.values()].some((n) => n < 2)) return undefined;
  return { lines: cut, sources: [...counts].sort((a, b) => b[1] - a[1]).map(([a]) => a), others };
}

/** The Services of the namespace of type LoadBalancer (or NodePort), by name, from `list_services`. */
export function exposedServices(seen: readonly SeenObservation[], ns: string): string[] {
  return outputs(seen, 'list_services', (o) => o.args['namespace'] === ns)
    .flatMap((o) => parseTable(o.content))
    .filter((r) => /^(?:LoadBalancer|NodePort)$/.test(r['TYPE'] ?? ''))
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
}

/**
 * A server that logs a connection error for every TCP health check of the load balancer in front of
 * it. The lines look like failures (a TLS handshake error, a reset), but they come from a handful of
 * addresses at a steady pace, every one of the server's failure lines is one of them, and a Service of
 * type LoadBalancer exposes the pods: the checker opens a TCP connection to see the port open and
 * closes it without a TLS hello or a protocol packet, and the server reports the cut. Expected noise,
 * not a fault; the app-errors finding stands down for such a log (see app-errors), and this note says
 * why. Reads nothing of its own.
 */
export const healthCheckNoiseAnalyzer: Analyzer = {
  name: 'health-check-noise',
  reads: () => [],
  finds: () => [],
  notes({ seen, ns }): string[] {
    const lb = exposedServices(seen, ns);
    if (lb.length === 0) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const noise = noiseOf(o.content);
      if (!noise) continue;
      const shown = noise.sources.slice(0, 4).join(', ');
      return [
        `The ${noise.lines.length} connection errors in the log of ${String(o.args['name'])} ("${clip(noise.lines[0]!, 140)}") all come from ${noise.sources.length} address${noise.sources.length === 1 ? '' : 'es'} (${shown}) that connect again every few seconds: that is the TCP health check of the load balancer in front of Service ${lb.join(', ')}, which opens a connection to see the port open and closes it without a TLS handshake or a protocol packet, so the server logs each check as a failed connection. It is expected and harmless: nothing is broken, clients are served and no action is needed (to quiet the log, point the load balancer at an HTTP health check on the health port, or filter these lines from the alert).`,
      ];
    }
    return [];
  },
};

/** The health-check noise of a log, judged against its own failure and warning lines. */
export function noiseOf(text: string): HealthCheckNoise | undefined {
  const tail = text.slice(-200_000);
  const flagged = new Set([...errorLines(tail), ...warningLines(tail)]);
  const failures = tail
    .split('\n')
    .filter(
      (l) =>
        l.length <= 4000 &&
        (CUT.test(l) || flagged.has(l) || /\b(?:ERROR|WARN|error|warn)\b/.test(l)) &&
        !/\bstats\b/i.test(l),
    );
  return healthCheckNoise(text, failures);
}
