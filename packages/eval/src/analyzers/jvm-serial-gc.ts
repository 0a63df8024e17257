import { parseQuantity } from '@sre-harness/tools-k8s';
import { type Analyzer, bonus, clip, cpuUse, outputs, podDeployment } from './types.js';

// The unified GC log's line naming the collector the JVM chose (`-Xlog:gc`, JDK 9 and later).
const SERIAL = /\[gc(?:,init)?\s*\]\s+Using Serial\b|Using Serial(?: GC)?\s*$/m;
const PAUSES = /JVM paused|GC pause|Pause (?:Young|Full)|stop-the-world/i;

/**
 * A JVM that picked the Serial collector because its container has fewer than two CPUs: the JVM's
 * ergonomics treat a machine with fewer than 2 processors (or less than 1792 MB) as not server-class
 * and choose SerialGC, a single-threaded stop-the-world collector, unless a collector is named
 * (Oracle's "HotSpot Virtual Machine Garbage Collection Tuning Guide", Ergonomics; JDK-8216488). Every
 * collection then stops the application for its whole length: the "JVM paused" warnings and the latency.
 * Found from the GC log's "Using Serial" line and a CPU limit below 2.
 */
export const jvmSerialGcAnalyzer: Analyzer = {
  name: 'jvm-serial-gc',
  reads: () => [],
  finds({ seen, hints }) {
    for (const logs of outputs(seen, 'get_pod_logs')) {
      const serial = logs.content.split('\n').find((l) => SERIAL.test(l));
      if (!serial) continue;
      const pod = String(logs.args['name'] ?? '');
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
      const limitText =
        cpuUse(seen).find((c) => c.pod === pod)?.limit ??
        /Limits:\s*\n\s+cpu:\s+(\S{1,12})/.exec(described)?.[1];
      const limit = parseQuantity(limitText);
      if (limit === undefined || limit >= 2) continue;
      const paused = logs.content.split('\n').find((l) => PAUSES.test(l));
      const deployment = podDeployment(pod) ?? pod;
      return [
        {
          weight: 94 + bonus(deployment, hints),
          object: `deployment ${deployment}`,
          cause: `the JVM runs the Serial garbage collector ("${clip(serial.trim(), 80)}"): its CPU limit is ${limitText}, and with fewer than 2 CPUs the JVM does not count the machine as server-class, so its ergonomics choose SerialGC, a single-threaded stop-the-world collector; every collection stops the whole application for its length${paused ? ` ("${clip(paused.trim(), 120)}")` : ''}, which is the latency; the CPU limit cut (one CPU) made the JVM switch collectors, not a memory leak`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(serial.trim(), 120)}"`,
            ...(paused ? [`get_pod_logs ${pod}: "${clip(paused.trim(), 140)}"`] : []),
            `CPU limit ${limitText}`,
          ],
          advice: `name the collector (-XX:+UseG1GC, or -XX:ActiveProcessorCount=2) in JAVA_TOOL_OPTIONS, or give the container a CPU limit of 2 or more, so the JVM does not fall back to SerialGC`,
        },
      ];
    }
    return [];
  },
};
