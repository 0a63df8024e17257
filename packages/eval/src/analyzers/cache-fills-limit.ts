import { parseQuantity } from '@sre-harness/tools-k8s';
import { memoryLimit } from '../baseline/reading.js';
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
  stateBlock,
} from './types.js';

/**
 * A variable that sizes a program's in-memory cache, with its unit in the name: `ALPHA_CACHE_MB`,
 * `CACHE_SIZE_MB`, `QUERY_CACHE_MIB`, `BLOCK_CACHE_GB`.
 */
const CACHE_VAR = /^[A-Z0-9_]{0,60}CACHE[A-Z0-9_]{0,30}?_(MB|MIB|GB|GIB)$/;

/**
 * A cache sized to the whole memory limit. A program whose cache may grow to its container's memory
 * limit (a cache budget of 4096 MB under a 4Gi limit) fills the limit with the cache alone, and the
 * process, which needs memory beside it (its working set, a load being applied), is OOM-killed once the
 * cache fills up under load. Found from a pod's description: a container last OOMKilled whose variable
 * sizes its cache (the unit in the name) at three quarters of the memory limit or more. The fix keeps
 * the limit and gives the cache a third of it (a common rule for a database's caches, Dgraph's among
 * them), through `set_env`; raising the limit only moves the point where it fills.
 */
export const cacheFillsLimitAnalyzer: Analyzer = {
  name: 'cache-fills-limit',
  reads: () => [],
  finds({ seen, ns }): Finding[] {
    for (const d of outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns)) {
      for (const c of containerSections(d.content)) {
        if (c.init || stateBlock(c.body, 'Last State').reason !== 'OOMKilled') continue;
        const limit = memoryLimit(c.body);
        const bytes = limit ? parseQuantity(limit) : undefined;
        if (!limit || bytes === undefined || bytes <= 0) continue;
        const limitMb = bytes / 1024 ** 2;
        for (const e of envOf(c.body)) {
          const m = CACHE_VAR.exec(e.name);
          if (!m || !/^\d{1,7}$/.test(e.value)) continue;
          const mb = Number(e.value) * (m[1]!.startsWith('G') ? 1024 : 1);
          if (mb < limitMb * 0.75) continue;
          const third = Math.floor(limitMb / 3 / (m[1]!.startsWith('G') ? 1024 : 1));
          if (third < 1) continue;
          const pod = String(d.args['name'] ?? '');
          const owner = ownerDeployment(d.content);
          return [
            {
              weight: 97,
              object: podObject(owner, pod),
              cause: `the container ${c.name} is OOMKilled because its cache is sized to its whole memory limit: ${e.name}=${e.value} lets the cache alone grow to ${Math.round(mb)} MB under a ${limit} limit, so once the cache fills under load (a large load applied), the process, which needs memory beside it, goes past the limit and the kernel kills it; the data it loads is not at fault`,
              evidence: [
                `describe_pod ${pod}: container ${c.name} Last State Terminated, Reason OOMKilled; memory limit ${limit}; ${e.name}: ${clip(e.value, 20)}`,
              ],
              advice: `size the cache well under the limit: ${e.name}=${third} (a third of the ${limit} limit), keeping the limit; raising the limit only moves the point where the cache fills it`,
              ...envFix(
                ns,
                owner,
                c.name,
                [{ name: e.name, value: String(third) }],
                `set ${e.name} of ${owner}/${c.name} to ${third}, a third of its ${limit} memory limit`,
              ),
            },
          ];
        }
      }
    }
    return [];
  },
};
