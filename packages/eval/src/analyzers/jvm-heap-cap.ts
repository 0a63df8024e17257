import { parseQuantity } from '@sre-harness/tools-k8s';
import { loggedContainerEnv } from './env-values.js';
import { type Analyzer, clip, type Finding, loggedLines, outputs, setEnvFix } from './types.js';

// The JVM's own words when its heap is full (not the container's memory limit: that is an OOMKilled):
// "Java heap space", or "GC overhead limit exceeded" (HotSpot: over 98 % of the time in GC recovering
// under 2 % of the heap).
const HEAP_FULL = /java\.lang\.OutOfMemoryError: (?:Java heap space|GC overhead limit exceeded)/;
// -Xmx as the JVM reads it: a number with an optional k, m or g unit (bytes without one).
const XMX = /(?<![\w-])-Xmx(\d{1,9})([kKmMgG]?)(?![\w.])/;

/**
 * A JVM that runs out of heap ("OutOfMemoryError: Java heap space") under a -Xmx, set in the
 * container's environment (JAVA_OPTS, JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS), that is at most half the
 * container's memory limit: the flag, not the limit, bounds the heap, so a larger memory limit gives the
 * heap nothing. The fix drops the fixed -Xmx for a share of the limit (-XX:MaxRAMPercentage, which the
 * JVM applies to the container's memory limit since JDK 10).
 * https://docs.oracle.com/en/java/javase/21/docs/specs/man/java.html (-Xmx, -XX:MaxRAMPercentage)
 */
export const jvmHeapCapAnalyzer: Analyzer = {
  name: 'jvm-heap-cap',
  reads: () => [],
  finds({ ns, seen }) {
    for (const { log, line } of loggedLines(seen, ns, (l) => HEAP_FULL.test(l))) {
      const env = loggedContainerEnv(seen, ns, log, (e) => XMX.test(e.value));
      if (!env) continue;
      const m = XMX.exec(env.value)!;
      const unit = { k: 'Ki', m: 'Mi', g: 'Gi' }[m[2]!.toLowerCase()] ?? '';
      const heap = parseQuantity(`${m[1]}${unit}`);
      const describe = outputs(seen, 'describe_pod', (o) => o.args['name'] === env.pod).pop()?.content ?? '';
      const limitText = new RegExp(
        `^  ${env.container}:[\\s\\S]{0,3000}?Limits:\\s*\\n(?:\\s+\\S+:.*\\n){0,4}?\\s+memory:\\s*(\\S+)`,
        'm',
      ).exec(describe)?.[1];
      const limit = limitText ? parseQuantity(limitText) : undefined;
      if (heap === undefined || limit === undefined || heap * 2 > limit) continue;
      const value = env.value.replace(XMX, '-XX:MaxRAMPercentage=75.0').trim();
      const out: Finding = {
        weight: 92,
        object: env.owner ? `deployment ${env.owner} (pod ${env.pod})` : `pod ${env.pod}`,
        cause: `the JVM of container ${env.container} runs out of heap ("${clip(line.trim(), 120)}") at the heap size its JVM option sets: ${env.variable} holds -Xmx${m[1]}${m[2]} (the heap setting), far below the container's ${limitText} memory limit, so the heap, not the container, is full; raising the memory limit gives the heap nothing while -Xmx stays, and the program exits on the error`,
        evidence: [
          `get_pod_logs ${env.pod}: "${clip(line.trim(), 140)}"`,
          `describe_pod ${env.pod}: ${env.variable}=${clip(env.value, 120)}; memory limit ${limitText}`,
        ],
        advice: `drop the fixed -Xmx from ${env.variable} and size the heap from the limit (-XX:MaxRAMPercentage=75.0), or raise -Xmx to fit the ${limitText} limit`,
        ...(env.owner
          ? {
              fix: setEnvFix(
                ns,
                env.owner,
                env.container,
                [{ name: env.variable, value }],
                `set ${env.variable} of ${env.owner}/${env.container} to "${value}": the heap follows the ${limitText} limit instead of -Xmx${m[1]}${m[2]}`,
              ),
            }
          : {}),
      };
      return [out];
    }
    return [];
  },
};
