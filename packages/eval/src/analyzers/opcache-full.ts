import { type Analyzer, clip, type Finding, outputs, ownerName } from './types.js';

/** PHP's opcache status as a status line prints it: `cache_full=true`, the hit rate. */
const FULL = /\bopcache\b[^\n]{0,300}?\bcache_full[=:]\s*(?:true|1)\b/i;
const HIT_RATE = /hit_rate[=:]\s*([\d.]{1,6})%?/i;

/**
 * PHP's opcode cache full: with `opcache.validate_timestamps=0` and each release deployed into a new
 * directory, every release's scripts are cached again under new paths and the old ones are never
 * evicted until opcache.memory_consumption is used up; from then on new scripts are compiled on every
 * request (the hit rate falls, CPU climbs) until PHP-FPM restarts (PHP manual, OPcache runtime
 * configuration). A restart of the pods empties the cache at once; the lasting fix is resetting the
 * cache on each release (opcache_reset) or more opcache memory.
 */
export const opcacheFullAnalyzer: Analyzer = {
  name: 'opcache-full',
  reads() {
    return [];
  },
  finds({ ns, seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const line = o.content
        .slice(-100_000)
        .split('\n')
        .reverse()
        .find((l) => l.length <= 4000 && FULL.test(l));
      if (!line) continue;
      const pod = String(o.args['name']);
      const owner = ownerName(pod);
      const rate = HIT_RATE.exec(line)?.[1];
      return [
        {
          weight: 86,
          object: `deployment ${owner}`,
          cause: `the PHP opcache of ${owner} is full ("${clip(line, 170)}")${rate ? `, its hit rate down to ${rate}%` : ''}: each release deployed into a new directory is cached again under new paths and, with timestamps not validated, the old releases' scripts are never evicted, so once opcache memory is used up every new script is compiled on every request. That is the CPU at the limit and the slowness growing release by release, with flat traffic`,
          evidence: [`get_pod_logs ${pod}: "${clip(line, 160)}"`],
          advice: `restart deployment ${owner} to empty the opcache now; reset the cache on each release (opcache_reset in the deploy) or raise opcache.memory_consumption so it does not fill again`,
          fix: {
            tool: 'restart_deployment',
            args: { namespace: ns, name: owner },
            text: `restart deployment ${owner} so its PHP-FPM pods start with an empty opcache`,
          },
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
