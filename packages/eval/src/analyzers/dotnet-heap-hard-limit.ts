import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  describeLoggedPod,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/** .NET's out-of-memory exception in a log line. */
const DOTNET_OOM = /System\.OutOfMemoryException/;
/** The variables that cap the .NET GC heap: hexadecimal bytes, or a hexadecimal percentage. */
const HARD_LIMIT = /^(?:DOTNET|COMPlus)_GCHeapHardLimit$/i;

/** A byte count in MiB or GiB, as people write it. */
function sized(bytes: number): string {
  return bytes >= 2 ** 30 && bytes % 2 ** 30 === 0
    ? `${bytes / 2 ** 30} GiB`
    : `${Math.round(bytes / 2 ** 20)} MiB`;
}

/**
 * A .NET program that throws OutOfMemoryException while its container is far from its memory limit,
 * because `DOTNET_GCHeapHardLimit` (hexadecimal bytes) caps the GC heap below what the work needs: the
 * runtime refuses to grow the heap past it whatever the container's limit (Microsoft's "Runtime
 * configuration options for garbage collection", Heap hard limit). A raised container limit does not
 * help while the variable stays.
 */
export const dotnetHeapHardLimitAnalyzer: Analyzer = {
  name: 'dotnet-heap-hard-limit',
  reads({ ns, seen }): Read[] {
    return describeLoggedPod(seen, ns, DOTNET_OOM);
  },
  finds({ ns, seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const line = o.content
        .slice(-100_000)
        .split('\n')
        .find((l) => DOTNET_OOM.test(l) && l.length <= 4000);
      if (!line) continue;
      const pod = String(o.args['name']);
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        const v = envOf(c.body).find((e) => HARD_LIMIT.test(e.name));
        if (!v) continue;
        const bytes = Number.parseInt(v.value.replace(/^0x/i, ''), 16);
        if (!Number.isFinite(bytes) || bytes <= 0) continue;
        const limit = /^\s*Limits:\s*\n\s+(?:cpu:[^\n]*\n\s+)?memory:\s+(\S{1,20})/m.exec(c.body)?.[1];
        const deploy = ownerDeployment(d.content) ?? pod;
        return [
          {
            weight: 86,
            object: `deployment ${deploy}`,
            cause: `${deploy} throws System.OutOfMemoryException ("${clip(line, 150)}") because ${v.name}=${v.value} caps the .NET GC heap at ${bytes} bytes (${sized(bytes)}): the runtime will not grow the heap past the heap hard limit${limit ? `, whatever the container's memory limit (${limit})` : ''}, so raising the container limit did not help while the variable stays. the kernel killed nothing: the exception comes from the runtime, not from an out-of-memory kill`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line, 160)}"`,
              `describe_pod ${pod}: ${v.name}=${v.value}${limit ? `, memory limit ${limit}` : ''}`,
            ],
            advice: `remove ${v.name} (the GC then uses 75 % of the container's memory limit) or raise it to fit the work, then roll the deployment`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
