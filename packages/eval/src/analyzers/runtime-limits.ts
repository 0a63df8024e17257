import { parseQuantity } from '@sre-harness/tools-k8s';
import { resourceLimit } from '../baseline/reading.js';
import { envOf, loggedContainers } from './env-values.js';
import { type Analyzer, clip, cpuUse, envFix, type Finding, loggedLines, ownerDeployment } from './types.js';

const MI = 1024 ** 2;

// V8's words when the JavaScript heap is full (the process aborts, exit code 134).
const HEAP_FULL = ['JavaScript heap out of memory', 'Reached heap limit'];
// A --max-old-space-size flag in NODE_OPTIONS (megabytes).
const OLD_SPACE = /--max-old-space-size=\d{1,7}/;

/**
 * Node.js aborting with "JavaScript heap out of memory" inside a container whose memory limit is
 * well above the heap it reached: V8's old-space limit (`--max-old-space-size`, a default set by the
 * Node.js version and the machine, or a value in NODE_OPTIONS) bounds the heap, not the container, so
 * the process dies at the heap limit (exit code 134) while the container has room, and raising the
 * memory limit changes nothing. The fix sets `--max-old-space-size` in NODE_OPTIONS to about 80 % of
 * the container's limit (https://nodejs.org/api/cli.html#--max-old-space-sizesize-in-mib).
 */
export const nodeHeapAnalyzer: Analyzer = {
  name: 'node-heap',
  reads: () => [],
  finds({ ns, seen }) {
    for (const { log, line } of loggedLines(seen, ns, (l) => HEAP_FULL.some((w) => l.includes(w)))) {
      const logged = loggedContainers(seen, ns, log);
      const c = logged?.containers.find((x) => !x.init) ?? logged?.containers[0];
      if (!logged || !c) continue;
      if (/Reason:\s+OOMKilled/.test(c.body)) continue;
      const limitText = resourceLimit(c.body, 'memory');
      const limit = parseQuantity(limitText);
      if (!limitText || limit === undefined || limit < 512 * MI) continue;
      const current = envOf(c.body).find((e) => e.name === 'NODE_OPTIONS');
      const size = Math.floor((limit * 0.8) / MI);
      const set = OLD_SPACE.exec(current?.value ?? '')?.[0];
      const value = current
        ? set
          ? current.value.replace(OLD_SPACE, `--max-old-space-size=${size}`)
          : `${current.value} --max-old-space-size=${size}`.trim()
        : `--max-old-space-size=${size}`;
      const deployment = ownerDeployment(logged.described.content);
      const out: Finding = {
        weight: 93,
        object: deployment ? `deployment ${deployment} (pod ${logged.pod})` : `pod ${logged.pod}`,
        cause: `Node.js in container ${c.name} aborts because the V8 JavaScript heap is full ("${clip(line.trim(), 120)}"), not because the container ran out of memory: the heap limit is V8's own old-space limit (${set ? `NODE_OPTIONS sets ${set}` : 'no --max-old-space-size in NODE_OPTIONS, so the default heap size applies'}), far below the container's ${limitText} memory limit, so the process dies at the heap limit (exit code 134, not OOMKilled) while the container still has room; raising the memory limit alone changes nothing`,
        evidence: [
          `get_pod_logs ${logged.pod}: "${clip(line.trim(), 140)}"`,
          `describe_pod ${logged.pod}: container ${c.name} memory limit ${limitText}${current ? `; NODE_OPTIONS=${clip(current.value, 100)}` : '; no NODE_OPTIONS'}`,
        ],
        advice: `set --max-old-space-size in NODE_OPTIONS to about 80 % of the ${limitText} limit (${size} MiB), leaving room for the rest of the process`,
        ...envFix(
          ns,
          deployment,
          c.name,
          [{ name: 'NODE_OPTIONS', value }],
          `set NODE_OPTIONS of ${deployment}/${c.name} to "${value}": the V8 heap may use ${size} MiB of the ${limitText} limit`,
        ),
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};

// What a Go program says about its GOMAXPROCS (the Go runtime's own variable, or a log line quoting it).
const GOMAXPROCS = /GOMAXPROCS[=:\s"]{1,4}(\d{1,4})/i;

/**
 * A Go program throttled at its CPU limit whose GOMAXPROCS is far above that limit: Go sizes its
 * scheduler to the node's CPU count, not the container's CFS quota (before Go 1.25), so on a large
 * node it runs that many threads against a quota of a few CPUs and spends each period's quota in a
 * burst, then waits: throttling and tail latency, while a higher limit only moves the cliff. The fix
 * sets GOMAXPROCS to the CPU limit (https://pkg.go.dev/runtime, GOMAXPROCS; go.dev/doc/go1.25).
 */
export const goMaxProcsAnalyzer: Analyzer = {
  name: 'go-maxprocs',
  reads: () => [],
  finds({ ns, seen }) {
    for (const { log, line } of loggedLines(seen, ns, (l) => GOMAXPROCS.test(l))) {
      const procs = Number(GOMAXPROCS.exec(line)![1]);
      const logged = loggedContainers(seen, ns, log);
      const c = logged?.containers.find((x) => !x.init);
      if (!logged || !c) continue;
      if (envOf(c.body).some((e) => e.name === 'GOMAXPROCS')) continue;
      const limitText = resourceLimit(c.body, 'cpu');
      const limit = parseQuantity(limitText);
      if (!limitText || limit === undefined || !(procs >= limit * 2)) continue;
      const use = cpuUse(seen, (o) => o.args['namespace'] === ns).find(
        (u) => u.pod === logged.pod && u.container === c.name,
      );
      const want = String(Math.max(1, Math.floor(limit)));
      const deployment = ownerDeployment(logged.described.content);
      const out: Finding = {
        weight: 93,
        object: deployment ? `deployment ${deployment} (pod ${logged.pod})` : `pod ${logged.pod}`,
        cause: `the Go program in container ${c.name} runs with GOMAXPROCS ${procs} ("${clip(line.trim(), 120)}"): Go sizes its scheduler to the node's CPU count (${procs} cores), not to the container's CPU limit of ${limitText}, so ${procs} threads burn the CFS quota early in each period and the container is throttled (${use ? `CPU ${use.usage} of its ${use.limit} limit, ${use.pct}%` : 'CPU pinned at the limit'}), which shows as tail latency; a higher limit only moves the cliff. Set GOMAXPROCS to the limit (${want})`,
        evidence: [
          `get_pod_logs ${logged.pod}: "${clip(line.trim(), 140)}"`,
          `describe_pod ${logged.pod}: container ${c.name} cpu limit ${limitText}, no GOMAXPROCS in its environment`,
        ],
        advice: `set GOMAXPROCS=${want} (the CPU limit) on ${c.name}, or use automaxprocs / Go 1.25, which read the quota`,
        ...envFix(
          ns,
          deployment,
          c.name,
          [{ name: 'GOMAXPROCS', value: want }],
          `set GOMAXPROCS=${want} on ${deployment}/${c.name}: as many scheduler threads as the ${limitText} CPU limit`,
        ),
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
