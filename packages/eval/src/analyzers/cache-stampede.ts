import { type Analyzer, clip, type Finding, lineStamp, outputs, ownerName } from './types.js';

/** A cache miss for a key, as programs log it: `cache miss stats:global (expired)`, `cache miss for key=…`. */
const MISS = /\bcache miss(?:es)?\b(?: for)?(?: key[= ])?\s{0,3}([\w:./{}-]{1,120})/i;
/** The same key missed this many times within `WINDOW_MS` is many requests recomputing it at once. */
const MIN_MISSES = 3;
const WINDOW_MS = 2000;

/**
 * A cache stampede (a thundering herd, "dog-piling"): a hot key expires, and every request that comes
 * before one of them has put it back misses at the same moment and recomputes it from the database,
 * so the database gets the same expensive query many times at once, on the key's TTL. Found from a
 * client log that records several misses of one key within two seconds (misses after an expiry, with
 * line times); the fix is to let one request recompute while the others serve the old value (a lock or
 * single flight, early or jittered expiry, or refreshing the key before it expires).
 */
export const cacheStampedeAnalyzer: Analyzer = {
  name: 'cache-stampede',
  reads: () => [],
  finds({ seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs')) {
      const byKey = new Map<string, { at: number; line: string }[]>();
      for (const line of o.content.slice(-200_000).split('\n')) {
        if (line.length > 4000) continue;
        const m = MISS.exec(line);
        const at = m ? lineStamp(line) : undefined;
        if (!m || at === undefined) continue;
        const key = m[1]!;
        const fractional = /\d\d:\d\d:\d\d\.(\d{1,6})/.exec(line)?.[1];
        const ms = at + (fractional ? Number(`0.${fractional}`) * 1000 : 0);
        byKey.set(key, [...(byKey.get(key) ?? []), { at: ms, line }]);
      }
      for (const [key, misses] of byKey) {
        const burst = misses.filter((x) => x.at - misses[0]!.at <= WINDOW_MS);
        if (burst.length < MIN_MISSES) continue;
        const expired = burst.some((x) => /expire|ttl/i.test(x.line));
        const pod = String(o.args['name'] ?? '');
        const ns = String(o.args['namespace'] ?? '');
        const total = o.content
          .split('\n')
          .find((l) => l.length <= 2000 && /cache miss(?:es)?\b.{0,80}\bin the last/i.test(l));
        return [
          {
            weight: 92,
            object: `${ownerName(pod)} (namespace ${ns})`,
            cause: `a cache stampede: the cached key ${key} ${expired ? 'expired' : 'went missing'} and ${burst.length} requests of this pod alone missed it at once ("${clip(burst[0]!.line, 120)}")${total ? ` ("${clip(total, 100)}")` : ''}, so each of them recomputes it from the database at the same moment (a thundering herd on the key's TTL); the database spikes because it runs the same expensive query many times at once, every time the key expires`,
            evidence: burst.slice(0, 2).map((x) => `get_pod_logs ${pod}: "${clip(x.line, 150)}"`),
            advice:
              'let one request recompute the key while the others keep serving the old value (a lock or single flight around the recompute, serve-stale), refresh it before it expires or add jitter to its TTL; more database CPU would only shorten the spike',
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
