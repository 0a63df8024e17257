import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

// Redis's reply to a write once used memory reached maxmemory and its policy cannot evict.
const REFUSED = 'OOM command not allowed';
const POLICY = /--maxmemory-policy[ =](\S{1,32})/;

/**
 * A Redis that refuses writes ("OOM command not allowed when used memory > 'maxmemory'") because it
 * reached its `--maxmemory` with the default policy `noeviction` (or a `volatile-*` one while keys have
 * no TTL): reads still work, writes fail, and a cache in front of slow pages stops caching. The pod is
 * not short of memory, so a larger memory limit does nothing. The fix keeps the cap and sets an
 * eviction policy a cache can use (allkeys-lru), in the variable that carries Redis's flags
 * (REDIS_EXTRA_FLAGS in the Bitnami image, REDIS_ARGS elsewhere). https://redis.io/docs/latest/
 * develop/reference/eviction/
 */
export const redisEvictionAnalyzer: Analyzer = {
  name: 'redis-eviction',
  reads: () => [],
  finds({ ns, seen }) {
    const log = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).find((o) =>
      o.content.includes(REFUSED),
    );
    if (!log) return [];
    const line = log.content.split('\n').find((l) => l.includes(REFUSED)) ?? REFUSED;
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const c of containerSections(d.content)) {
        if (c.init || !/^\s+Image:\s+\S*redis/im.test(c.body)) continue;
        const flags = envOf(c.body).find((e) => e.value.includes('--maxmemory'));
        if (!flags) continue;
        const policy = POLICY.exec(flags.value)?.[1];
        if (policy?.startsWith('allkeys-')) continue;
        const value = policy
          ? flags.value.replace(POLICY, '--maxmemory-policy allkeys-lru')
          : `${flags.value} --maxmemory-policy allkeys-lru`.trim();
        const pod = String(d.args['name'] ?? '');
        const owner = ownerDeployment(d.content);
        const cap = /--maxmemory[ =](\S{1,16})/.exec(flags.value)?.[1];
        const out: Finding = {
          weight: 93,
          object: podObject(owner, pod),
          cause: `Redis in ${owner ?? pod} refuses writes at its maxmemory (${cap ?? 'the cap'} set in ${flags.name}) because its eviction policy ${
            policy
              ? `is ${policy}, which evicts only keys with a TTL`
              : 'is the default noeviction (no --maxmemory-policy)'
          }: once full it answers every write with "${REFUSED}" (the client logs it: "${clip(line.trim(), 140)}") while reads still work. The pod is not short of memory, so a larger memory limit changes nothing; a cache needs a policy that can evict (allkeys-lru)`,
          evidence: [
            `get_pod_logs ${log.args['name']}: "${clip(line.trim(), 140)}"`,
            `describe_pod ${pod}: ${flags.name}=${clip(flags.value, 100)}`,
          ],
          advice: `keep the maxmemory cap and set --maxmemory-policy allkeys-lru (or allkeys-lfu) in ${flags.name}, or give the cached keys a TTL`,
          ...envFix(
            ns,
            owner,
            c.name,
            [{ name: flags.name, value }],
            `set ${flags.name} of ${owner}/${c.name} to "${value}": Redis evicts the least recently used keys at the cap instead of refusing writes`,
          ),
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
