import { envOf } from './env-values.js';
import { oomKilledContainers } from './oom-containers.js';
import { type Analyzer, bonus, clip, envFix, type Finding } from './types.js';

/**
 * The JVM's maximum heap as a program or the JVM logs it: `maxMemory=14.22 GB` (Runtime.maxMemory()),
 * `max heap: 14g`, `MaxHeapSize = 15271460864`. Bounded: a number of at most twelve digits and a unit.
 */
const MAX_HEAP =
  /\b(?:maxMemory|max[ _-]?heap(?:[ _-]?size)?|MaxHeapSize)\b["']?\s{0,3}[:=]\s{0,3}(\d{1,12}(?:\.\d{1,3})?)\s{0,2}(bytes|b|k|kb|kib|m|mb|mib|g|gb|gib)?\b/i;
/** The Java version a line states: `Java 1.8.0_171`, `java.version=1.8.0_151`, `openjdk version "1.8.0_162"`. */
const JAVA_8 = /\b(?:java|jdk|jre|openjdk)(?:\.version)?[ =:]{1,3}(?:version )?"?1\.8\.0_(\d{1,3})\b/i;
/** JVM options variables, in the order the JVM and common images read them. */
const OPTION_VARS = ['JAVA_OPTS', 'JAVA_TOOL_OPTIONS', 'JDK_JAVA_OPTIONS', '_JAVA_OPTIONS'];

const UNIT: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

interface Oversized {
  pod: string;
  container: string;
  deployment: string | undefined;
  limitText: string;
  limit: number;
  heapLine: string;
  heap: number;
  java8Update: number | undefined;
  options: { name: string; value: string } | undefined;
}

function oversized(ctx: Parameters<Analyzer['finds']>[0]): Oversized | undefined {
  for (const c of oomKilledContainers(ctx)) {
    for (const line of c.lines) {
      const m = MAX_HEAP.exec(line);
      if (!m) continue;
      const heap = Number(m[1]) * (UNIT[(m[2] ?? 'b').toLowerCase()] ?? 1);
      // A heap larger than the whole container can hold: it was not sized from the container.
      if (!(heap > c.limit)) continue;
      const version = c.lines.map((l) => JAVA_8.exec(l)?.[1]).find((v) => v !== undefined);
      const env = envOf(c.body);
      return {
        pod: c.pod,
        container: c.container,
        deployment: c.deployment,
        limitText: c.limitText,
        limit: c.limit,
        heapLine: line.trim(),
        heap,
        java8Update: version === undefined ? undefined : Number(version),
        options: OPTION_VARS.map((n) => env.find((v) => v.name === n)).find((v) => v !== undefined),
      };
    }
  }
  return undefined;
}

/** Bytes as the JVM's -Xmx takes them, in whole mebibytes. */
const xmx = (bytes: number) => `-Xmx${Math.floor(bytes / 1024 ** 2)}m`;

/**
 * An OOM-killed JVM whose maximum heap, as its own log states it, is larger than the container's memory
 * limit: the JVM sized its heap from the node's memory, not the container's (a default heap is a quarter
 * of the memory the JVM sees). Java 8 before update 191 does not read the container's cgroup limit at
 * all (UseContainerSupport arrived in JDK 10 and was backported to 8u191, per the JDK's release notes), so
 * on a large node its heap may grow far past the limit and the kernel kills the container before any
 * garbage collection would have freed memory. The fix bounds the heap with -Xmx at three quarters of the
 * limit (room for metaspace, threads and buffers), in the JVM options variable the container sets (an
 * approved `set_env`).
 */
export const jvmHeapLimitAnalyzer: Analyzer = {
  name: 'jvm-heap-limit',
  reads: () => [],
  finds(ctx): Finding[] {
    const o = oversized(ctx);
    if (!o) return [];
    const bound = xmx(o.limit * 0.75);
    const gib = (n: number) => `${(n / 1024 ** 3).toFixed(2)} GiB`;
    const why =
      o.java8Update !== undefined && o.java8Update < 191
        ? `it runs Java 8 (1.8.0_${o.java8Update}), which predates container support (UseContainerSupport, from 8u191): the JVM does not read the container's cgroup memory limit and sizes its default heap (a quarter of memory) from the node's memory`
        : `the JVM sized its heap from the node's memory, not the container's (container support off, or a MaxRAM or heap percentage set for a larger machine)`;
    const name = o.options?.name ?? 'JAVA_TOOL_OPTIONS';
    // An -Xmx already there (set too high) is replaced; otherwise the bound is added to the options.
    const value = o.options
      ? /-Xmx\S+/.test(o.options.value)
        ? o.options.value.replace(/-Xmx\S+/, bound)
        : `${o.options.value} ${bound}`.trim()
      : bound;
    return [
      {
        weight: 97 + bonus(o.pod, ctx.hints),
        object: o.deployment ? `deployment ${o.deployment} (pod ${o.pod})` : `pod ${o.pod}`,
        cause: `the JVM in container ${o.container} is OOMKilled because its maximum heap is larger than the container itself: its log gives the heap limit as ${gib(o.heap)} ("${clip(o.heapLine, 160)}") against a ${o.limitText} memory limit; ${why}, so the heap grows past the limit before a full garbage collection and the kernel kills the container. The memory limit is not too small for the work; the heap is unbounded for this container`,
        evidence: [
          `get_pod_logs ${o.pod}: "${clip(o.heapLine, 160)}"`,
          `describe_pod ${o.pod}: memory limit ${o.limitText}, OOMKilled`,
        ],
        advice: `bound the heap below the limit: add ${bound} (three quarters of ${o.limitText}) to ${name}${o.java8Update !== undefined && o.java8Update < 191 ? ', or move to Java 8u191 or later, where the JVM sizes its heap from the container' : ''}`,
        revisionSound: true,
        ...envFix(
          ctx.ns,
          o.deployment,
          o.container,
          [{ name, value }],
          `set ${name} of ${o.deployment}/${o.container} to "${value}", bounding the heap at three quarters of the ${o.limitText} limit`,
        ),
      },
    ];
  },
};
