import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { jvmHeapCapAnalyzer } from './jvm-heap-cap.js';

const o = (tool: string, args: Record<string, unknown>, content: string): SeenObservation => ({
  step: 1,
  tool,
  args: { namespace: 'merch', ...args },
  status: 'ok',
  content,
});
const pod = (opts: string, limit: string) =>
  o(
    'describe_pod',
    { name: 'catalog-import-frvpwdhgdr-pl9dt' },
    `Name: catalog-import-frvpwdhgdr-pl9dt\nControlled By:  ReplicaSet/catalog-import-frvpwdhgdr\nContainers:\n  importer:\n    Image:  acme/importer:2\n    Limits:\n      cpu:     2\n      memory:  ${limit}\n    Environment:\n      JAVA_OPTS:  ${opts}\n      FEED_DIR:   /feeds\n`,
  );
const log = o(
  'get_pod_logs',
  { name: 'catalog-import-frvpwdhgdr-pl9dt', previous: true },
  'INFO parsing feed\nException in thread "feed-parser-1" java.lang.OutOfMemoryError: Java heap space',
);
const ctx = (seen: SeenObservation[]) => ({ task: 't', ns: 'merch', hints: [], seen });

describe('jvm-heap-cap: a heap full under an -Xmx far below the container limit', () => {
  it('names the JVM option and sets a heap share of the limit instead', () => {
    const [found] = jvmHeapCapAnalyzer.finds(
      ctx([pod('-Xms256m -Xmx384m -XX:+ExitOnOutOfMemoryError', '3Gi'), log]),
    );
    expect(found?.cause).toMatch(
      /JAVA_OPTS holds -Xmx384m \(the heap setting\), far below the container's 3Gi memory limit/,
    );
    expect(found?.fix?.args).toEqual({
      namespace: 'merch',
      deployment: 'catalog-import',
      container: 'importer',
      set: [{ name: 'JAVA_OPTS', value: '-Xms256m -XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError' }],
    });
  });
  it('nothing when -Xmx is most of the limit, there is no -Xmx, or the heap did not run out', () => {
    expect(jvmHeapCapAnalyzer.finds(ctx([pod('-Xmx2g', '3Gi'), log]))).toEqual([]);
    expect(jvmHeapCapAnalyzer.finds(ctx([pod('-XX:MaxRAMPercentage=75', '3Gi'), log]))).toEqual([]);
    expect(
      jvmHeapCapAnalyzer.finds(
        ctx([
          pod('-Xmx384m', '3Gi'),
          o('get_pod_logs', { name: 'catalog-import-frvpwdhgdr-pl9dt' }, 'INFO ok'),
        ]),
      ),
    ).toEqual([]);
  });
});
