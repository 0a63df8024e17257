import { envOf } from './env-values.js';
import { memoryLimitBytes } from './named-setting.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  describedField,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  type Read,
  runningPodsOfImage,
} from './types.js';

/** Memcached's reply when it cannot find room for an item in its item memory. */
const REFUSED = 'out of memory storing object';
/** Variables that set memcached's item memory in MB (`-m`), as common images name them. */
const SIZE_VAR = /^MEMCACHED_(?:CACHE_SIZE|MEMORY(?:_LIMIT)?|MEMUSAGE|MAX_MEMORY)$/;
/** A share of the container's limit below which the item memory leaves most of it unused. */
const SMALL_SHARE = 1 / 4;

/** The item memory a container's arguments give memcached (`-m 64`, `--memory-limit=64`), in MB. */
function memoryArg(body: string): number | undefined {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s+(?:Args|Command):/.test(l));
  if (at < 0) return undefined;
  const words: string[] = [];
  const first = lines[at]!.replace(/^\s+(?:Args|Command):\s*/, '');
  if (first) words.push(...first.split(/\s+/));
  for (const l of lines.slice(at + 1, at + 60)) {
    if (!/^\s{6,}\S/.test(l) || /^\s+[A-Z][A-Za-z ]{1,30}:/.test(l)) break;
    words.push(...l.trim().split(/\s+/));
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const eq = /^--memory-limit=(\d{1,7})$/.exec(w);
    if (eq) return Number(eq[1]);
    if ((w === '-m' || w === '--memory-limit') && /^\d{1,7}$/.test(words[i + 1] ?? ''))
      return Number(words[i + 1]);
    const joined = /^-m(\d{1,7})$/.exec(w);
    if (joined) return Number(joined[1]);
  }
  return undefined;
}

/** Where the namespace's logs (or the task) show the refusal, and the line. */
function refusal(task: string, seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns)) {
    const line = boundedLogLines(o.content, 1000).find((l) => l.includes(REFUSED));
    if (line) return { pod: String(o.args['name'] ?? ''), line: line.trim() };
  }
  return task.slice(0, 4000).includes(REFUSED) ? { pod: undefined, line: REFUSED } : undefined;
}

/**
 * Memcached answering "SERVER_ERROR out of memory storing object" because its item memory (`-m`, megabytes;
 * 64 by default) is a small part of what the container may use: once the slab pages for an item's size are
 * taken it cannot store more of that size, so large values fail to cache and every request for them goes to
 * the backend, while the pod is nowhere near its memory limit (memcached's protocol.txt and `-m`). Found from
 * the refusal and the memcached container's size variable against its memory limit; the fix sets the variable
 * to half the limit (room for connections and the slab overhead).
 */
export const memcachedMemoryAnalyzer: Analyzer = {
  name: 'memcached-memory',
  early: true,
  reads({ task, ns, seen }): Read[] {
    if (!refusal(task, seen, ns)) return [];
    const pods = runningPodsOfImage(seen, ns, /memcached/i);
    if ('read' in pods) return [pods.read];
    return pods.slice(0, 1).map((r) => ({ tool: 'describe_pod', args: { namespace: ns, name: r['NAME'] } }));
  },
  finds({ task, ns, seen }): Finding[] {
    const refused = refusal(task, seen, ns);
    if (!refused) return [];
    for (const d of outputs(seen, 'describe_pod', (o) => (o.args['namespace'] ?? ns) === ns)) {
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        if (!/memcached/i.test(describedField(c.body, 'Image') ?? '')) continue;
        const v = envOf(c.body).find((e) => SIZE_VAR.test(e.name) && /^\d{1,7}$/.test(e.value.trim()));
        // The official image takes it as an argument: `-m 64` or `--memory-limit=64`.
        const arg = v ? undefined : memoryArg(c.body);
        const limit = memoryLimitBytes(d.content, c.name);
        if ((!v && arg === undefined) || !limit) continue;
        const mb = v ? Number(v.value) : arg!;
        const limitMb = Math.floor(limit / 2 ** 20);
        if (mb >= limitMb * SMALL_SHARE) continue;
        const pod = String(d.args['name'] ?? '');
        const deployment = podDeployment(pod);
        const value = String(Math.floor(limitMb / 2));
        const setting = v ? `${v.name}=${mb}` : `-m ${mb}`;
        return [
          {
            weight: 91,
            object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
            cause: `memcached's item memory is too small: ${setting} gives it ${mb} MB (its -m) inside a container allowed ${limitMb} Mi, so it runs out of slab space for large items and refuses to store them ("${clip(refused.line, 140)}"${refused.pod ? ` in ${refused.pod}'s log` : ''}); those values are never cached and each request for them goes to the backend. The pod is not short of memory; memcached's own cap is`,
            evidence: [
              `describe_pod ${pod}: ${setting}, memory limit ${limitMb}Mi`,
              ...(refused.pod ? [`get_pod_logs ${refused.pod}: "${clip(refused.line, 160)}"`] : []),
            ],
            ...(v
              ? envFix(
                  ns,
                  deployment,
                  c.name,
                  [{ name: v.name, value }],
                  `set ${v.name} of ${deployment}/${c.name} to ${value} (MB, half the container's ${limitMb}Mi limit), so memcached has room for the large items`,
                )
              : {}),
            advice: `raise memcached's item memory (${v ? `${v.name}, ` : ''}its -m) to about half the container's limit, ${value} MB`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
