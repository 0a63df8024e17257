import { parseQuantity } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { clip, describedField, outputs } from './types.js';

// A program sizing its workers or threads from the CPUs it sees: inside a container these report the
// node's CPUs, not the container's CPU limit (a CFS quota), so the same image starts more workers,
// and needs more memory, on a bigger node (kubernetes.io, "Resource Management for Pods and
// Containers": how limits are enforced; benoitc/gunicorn#2028).
const CPU_COUNT = /\$\(nproc\)|\bnproc\b|cpu_count\(\)|os\.cpus\(\)|NumCPU\(\)|availableProcessors\(\)/;

/** What an OOMKilled container's command and logs say about sizing from the node's CPUs, if anything. */
export interface CpuSizing {
  /** The expression in the command that counts CPUs (`$(nproc)`). */
  readonly counter: string;
  readonly node?: string;
  /** The node's allocatable CPUs as `list_nodes` shows them (`31900m`). */
  readonly nodeCpu?: string;
  /** The container's CPU limit (else request), as described. */
  readonly cpuLimit?: string;
  /** How many workers the last run booted, from Gunicorn-style `Booting worker` log lines. */
  readonly workers?: number;
  /** The command with the CPU count replaced by the container's CPU limit, when it is a shell script. */
  readonly command?: string[];
}

/** Evaluates `$(( … ))` shell arithmetic of whole numbers, `+`, `-` and `*` only; else leaves it. */
function arithmetic(script: string): string {
  return script.replace(/\$\(\(([0-9+*\- ]{1,60})\)\)/g, (whole, expr: string) => {
    const terms = expr.replace(/\s+/g, '').split(/(?=[+-])/);
    let sum = 0;
    for (const term of terms) {
      const sign = term.startsWith('-') ? -1 : 1;
      const factors = term.replace(/^[+-]/, '').split('*');
      if (factors.some((f) => !/^[0-9]{1,6}$/.test(f))) return whole;
      sum += sign * factors.reduce((p, f) => p * Number(f), 1);
    }
    return String(sum);
  });
}

/** A container section's CPU limit, else its CPU request (`cpu: 2` under Limits/Requests). */
function cpuOf(body: string): string | undefined {
  for (const header of ['Limits', 'Requests']) {
    const m = new RegExp(`^[ \\t]+${header}:[ \\t]*\\n((?:[ \\t]{6,}\\S+:[^\\n]*(?:\\n|$)){1,8})`, 'm').exec(
      body,
    );
    const cpu = m ? /^[ \t]+cpu:[ \t]*(\S+)/m.exec(m[1]!)?.[1] : undefined;
    if (cpu) return cpu;
  }
  return undefined;
}

/**
 * Whether an OOMKilled container sizes itself from the CPU count (its command uses `nproc`,
 * `cpu_count()` or the like), with what the observations show about it.
 */
export function cpuSizing(
  seen: readonly SeenObservation[],
  describe: string,
  body: string,
  previousLogs: string | undefined,
): CpuSizing | undefined {
  const command = describedField(body, 'Command') ?? '';
  const counter = CPU_COUNT.exec(command)?.[0];
  if (!counter) return undefined;
  const node = describedField(describe, 'Node')?.split('/')[0];
  const nodes = outputs(seen, 'list_nodes').pop();
  const nodeCpu =
    node && nodes ? parseTable(nodes.content).find((r) => r['NAME'] === node)?.['CPU'] : undefined;
  const cpuLimit = cpuOf(body);
  const booted = (previousLogs ?? '').split('\n').filter((l) => /Booting worker/.test(l)).length;
  // `$(nproc)` is expanded only by a shell: `sh -c '<script>'` is shown as `sh -c <script>`.
  const shell = /^(\S{0,64}sh) -c (.+)$/s.exec(command);
  const cores = cpuLimit ? Math.max(1, Math.ceil(parseQuantity(cpuLimit) ?? Number.NaN)) : Number.NaN;
  const script =
    shell && counter === '$(nproc)' && Number.isFinite(cores)
      ? arithmetic(shell[2]!.split('$(nproc)').join(String(cores)))
      : undefined;
  return {
    counter,
    ...(node ? { node } : {}),
    ...(nodeCpu ? { nodeCpu } : {}),
    ...(cpuLimit ? { cpuLimit } : {}),
    ...(booted > 1 ? { workers: booted } : {}),
    ...(script ? { command: [shell![1]!, '-c', script] } : {}),
  };
}

/** The cause sentence for a container sized from the node's CPUs. */
export function cpuSizingCause(kind: string, name: string, limit: string | undefined, s: CpuSizing): string {
  return (
    `the ${kind} ${name} is OOMKilled (exit code 137) because it sizes its worker count from ${s.counter}, which counts the node's CPUs, not the container's CPU limit` +
    `${s.cpuLimit ? ` (${s.cpuLimit})` : ''}: on node ${s.node ?? '(unknown)'}${s.nodeCpu ? ` (${s.nodeCpu} CPU allocatable)` : ''} it starts ${s.workers ? `${s.workers} workers` : 'more workers'}, each with its own copy of the program, ` +
    `and together they pass the ${limit ?? ''} memory limit; the same image on nodes with fewer CPUs starts fewer workers and fits. Not a memory leak: the memory grows with the node's CPU count`
  );
}

/** Evidence lines for a container sized from the node's CPUs. */
export function cpuSizingEvidence(pod: string, s: CpuSizing, command: string): string[] {
  return [
    `describe_pod ${pod}: Command: ${clip(command, 160)}`,
    ...(s.workers ? [`previous logs: ${s.workers} "Booting worker" lines`] : []),
    ...(s.nodeCpu ? [`list_nodes: ${s.node} has ${s.nodeCpu} CPU allocatable`] : []),
  ];
}

/** A container's CPU use against its limit, from one line of a `get_pod_metrics` output. */
export interface CpuAtLimit {
  /** The namespace the metrics were read in. */
  where: string;
  pod: string;
  container: string;
  /** As printed: `2`, `1900m`. */
  used: string;
  limit: string;
  /** Use as a percentage of the limit. */
  percent: number;
  line: string;
}

/**
 * The containers whose CPU use is at 90 % of their limit or more, from every `get_pod_metrics` output read
 * (`  worker: cpu 2 / request 1 / limit 2 (100%); …`), oldest output first, `ns` where a call named none.
 */
export function cpuAtLimit(seen: readonly SeenObservation[], ns: string): CpuAtLimit[] {
  const out: CpuAtLimit[] = [];
  for (const m of outputs(seen, 'get_pod_metrics')) {
    const where = String(m.args['namespace'] ?? ns);
    let pod = '';
    for (const line of m.content.slice(0, 200_000).split('\n')) {
      if (/^\S/.test(line)) pod = line.split(/\s+/)[0] ?? '';
      const cpu =
        /^\s*([a-z0-9][a-z0-9.-]*):\s*cpu\s+(\S+)\s*\/(?:\s*request\s+\S+\s*\/)?\s*limit\s+(\S+)\s*\((\d+)%\)/i.exec(
          line,
        );
      if (!cpu || Number(cpu[4]) < 90) continue;
      out.push({
        where,
        pod,
        container: cpu[1]!,
        used: cpu[2]!,
        limit: cpu[3]!,
        percent: Number(cpu[4]),
        line,
      });
    }
  }
  return out;
}
