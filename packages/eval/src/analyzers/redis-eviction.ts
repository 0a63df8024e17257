import { envOf } from './env-values.js';
import { sizeBytes } from './logged-limit.js';
import { memoryLimitBytes } from './named-setting.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  runningPodsOfImage,
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
  // The refusal the person quotes, or a client's log shows: the Redis pods' settings come before routine reads.
  early: true,
  reads({ task, ns, seen }): Read[] {
    const refused =
      task.slice(0, 4000).includes(REFUSED) ||
      outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
        o.content.includes(REFUSED),
      );
    if (!refused) return [];
    const pods = runningPodsOfImage(seen, ns, /(?:^|[/,=])[\w.-]{0,60}redis[\w.-]{0,60}(?::|$|,)/i);
    if ('read' in pods) return [pods.read];
    return pods.slice(0, 2).map((r) => ({ tool: 'describe_pod', args: { namespace: ns, name: r['NAME'] } }));
  },
  finds({ task, ns, seen }) {
    const log = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).find((o) =>
      o.content.includes(REFUSED),
    );
    // The person may quote the refusal without a client's log read: their words stand in for it.
    const quoted = task.slice(0, 4000).includes(REFUSED);
    if (!log && !quoted) return [];
    const line = log
      ? (log.content.split('\n').find((l) => l.includes(REFUSED)) ?? REFUSED)
      : `${REFUSED} (as the task quotes it)`;
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const c of containerSections(d.content)) {
        if (c.init || !/^\s+Image:\s+\S*redis/im.test(c.body)) continue;
        const flags = envOf(c.body).find((e) => e.value.includes('--maxmemory'));
        if (!flags) continue;
        const policy = POLICY.exec(flags.value)?.[1];
        if (policy?.startsWith('allkeys-')) {
          const small = smallCap(
            ns,
            d.content,
            c.name,
            flags,
            line,
            log ? String(log.args['name']) : undefined,
          );
          if (small) return [small];
          continue;
        }
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
            log ? `get_pod_logs ${log.args['name']}: "${clip(line.trim(), 140)}"` : `the task: "${REFUSED}"`,
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

/** A cap below this share of the container's memory limit leaves most of the memory the pod pays for unused. */
const SMALL_CAP_SHARE = 1 / 8;
const CAP = /--maxmemory[ =](\S{1,16})/;

/**
 * A Redis that evicts (an `allkeys-*` policy) and still refuses writes: its `--maxmemory` is a small fraction
 * of the container's memory limit (24mb under 1Gi), too small for the working set (Redis cannot free enough by
 * evicting to fit a write, and refuses it with "OOM command not allowed"). The container is not short of
 * memory; the cap is. The fix raises the cap to half the container's limit in the variable that holds the
 * flags, keeping the policy (half leaves room for the copy-on-write of a background save and the
 * allocator's overhead: redis.io, "Key eviction" and "Diagnosing latency / memory").
 */
function smallCap(
  ns: string,
  described: string,
  container: string,
  flags: { name: string; value: string },
  line: string,
  client: string | undefined,
): Finding | undefined {
  const cap = CAP.exec(flags.value)?.[1];
  const capBytes = cap ? sizeBytes(cap) : undefined;
  const limit = memoryLimitBytes(described, container);
  if (!cap || !capBytes || !limit || capBytes >= limit * SMALL_CAP_SHARE) return undefined;
  const half = `${Math.floor(limit / 2 / 2 ** 20)}mb`;
  const value = flags.value.replace(CAP, `--maxmemory ${half}`);
  const pod = /^Name:\s+(\S{1,253})/m.exec(described)?.[1] ?? 'the pod';
  const owner = ownerDeployment(described);
  const limitText = limit % 2 ** 30 === 0 ? `${limit / 2 ** 30}Gi` : `${Math.round(limit / 2 ** 20)}Mi`;
  return {
    weight: 93,
    object: podObject(owner, pod),
    cause: `Redis in ${owner ?? pod} refuses writes at its maxmemory of ${cap} (${flags.name}), a small fraction of its container's ${limitText} memory limit: the cap is too small for what the cache holds, so evicting cannot make room and each write that needs it is answered "${REFUSED}" (the client logs it: "${clip(line.trim(), 140)}"). The pod is not short of memory (its limit is ${limitText}); raising the container's limit changes nothing while maxmemory stays at ${cap}`,
    evidence: [
      client ? `get_pod_logs ${client}: "${clip(line.trim(), 140)}"` : `the task: "${REFUSED}"`,
      `describe_pod ${pod}: ${flags.name}=${clip(flags.value, 100)}, memory limit ${limitText}`,
    ],
    advice: `raise --maxmemory in ${flags.name} to about half the container's limit (${half}), keeping the eviction policy`,
    ...envFix(
      ns,
      owner,
      container,
      [{ name: flags.name, value }],
      `set ${flags.name} of ${owner}/${container} to "${value}": Redis may use half of its ${limitText} limit for the cache and keeps evicting the least recently used keys at that cap`,
    ),
    revisionSound: true,
  };
}
