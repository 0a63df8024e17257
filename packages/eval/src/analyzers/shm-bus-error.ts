import { formatMemory, parseQuantity } from '@sre-harness/tools-k8s';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  describedVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  stateBlock,
} from './types.js';

/** A process killed by SIGBUS: the shell's and Python's words, glibc's `strsignal`, or the signal's name. */
const BUS = /\bBus error\b|\bSIGBUS\b/i;
/** 128 + 7: the exit code of a process killed by SIGBUS (signal 7 on x86 and arm Linux, signal(7)). */
const SIGBUS_EXIT = 135;
/** Lines in which a program says how it uses shared memory (its buffers in /dev/shm). */
const SHARED = /shared memory|\/dev\/shm|\bshm\b/i;
/**
 * The size of a container's /dev/shm when nothing is mounted there: the container runtime's default
 * shm size, 64 MiB (containerd's and Docker's default; Kubernetes sets no other).
 */
const RUNTIME_DEFAULT = '64Mi';

/** The largest size with a binary or decimal unit a line states (`192 MiB`, `64MB`, `1.5 GiB`), in bytes. */
function statedBytes(line: string): number | undefined {
  let most: number | undefined;
  for (const m of line.matchAll(/(\d{1,9}(?:\.\d{1,3})?)\s?(KiB|MiB|GiB|KB|MB|GB)\b/g)) {
    const scale = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m[2]!.charAt(0).toLowerCase() as 'k' | 'm' | 'g'];
    const n = Number(m[1]) * scale;
    if (most === undefined || n > most) most = n;
  }
  return most;
}

/** The volume mounted at /dev/shm in a container section (`/dev/shm from dshm (rw)`), if any. */
function shmMount(body: string): string | undefined {
  for (const line of body.split('\n')) {
    const m = /^\s+\/dev\/shm\/? from ([a-z0-9-]{1,63}) \(/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * A program killed by SIGBUS (exit code 135, `Bus error`) while its shared memory lives in /dev/shm: a
 * tmpfs that is full makes the kernel send SIGBUS when the program touches a page of a shared mapping it
 * cannot back (mmap(2): SIGBUS on access to a part of the mapping that has no backing), not ENOMEM, so a
 * /dev/shm too small for the buffers the program sets up kills it with a bus error, not an OOM kill. The
 * size is the `sizeLimit` of the memory-backed emptyDir mounted at /dev/shm, or the runtime's 64 MiB when
 * nothing is mounted there. Found from the pod's description (the container's last exit, its /dev/shm
 * mount and the volume's SizeLimit) and its logs (the bus error, and the line that sizes its shared memory).
 */
export const shmBusErrorAnalyzer: Analyzer = {
  name: 'shm-bus-error',
  first: true,
  reads({ ns, seen }) {
    const reads: Read[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      const bus = containerSections(d.content).some(
        (c) => stateBlock(c.body, 'Last State').exit === SIGBUS_EXIT,
      );
      const read = outputs(
        seen,
        'get_pod_logs',
        (o) => o.args['name'] === pod && o.args['previous'] === true,
      );
      if (bus && read.length === 0)
        reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod, previous: true } });
    }
    return reads.slice(0, 2);
  },
  finds({ ns, seen, hints }) {
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && o.args['name'] === pod);
      const sections = containerSections(d.content);
      const apps = sections.filter((x) => !x.init);
      for (const c of sections) {
        // This container's own logs: those that name it, or those without a name when it is the only one.
        const lines = logs
          .filter(
            (o) =>
              o.args['container'] === c.name ||
              (o.args['container'] === undefined && !c.init && apps.length === 1),
          )
          .flatMap((o) => boundedLogLines(o.content));
        const busLine = lines.find((l) => BUS.test(l));
        const last = stateBlock(c.body, 'Last State');
        if (last.reason === 'OOMKilled') continue;
        if (last.exit !== SIGBUS_EXIT && !(busLine && last.state === 'Terminated')) continue;
        const volume = shmMount(c.body);
        const sizing = lines.filter((l) => SHARED.test(l) && !BUS.test(l)).pop();
        // A bus error is shared memory running out only where the program keeps shared memory: it mounts
        // a volume at /dev/shm, or its log says it sets up shared memory.
        if (!volume && !sizing) continue;
        const v = volume ? describedVolumes(d.content).find((x) => x.name === volume) : undefined;
        if (volume && v?.type !== 'EmptyDir') continue;
        const limit = v ? v.sizeLimit : RUNTIME_DEFAULT;
        const bytes = limit ? parseQuantity(limit) : undefined;
        // What the program says it keeps there (`= 192 MiB`), when its sizing line gives a figure: the
        // suggestion covers it with a quarter to spare, and is never below twice the present size.
        const stated = sizing ? statedBytes(sizing) : undefined;
        const wanted = bytes
          ? Math.max(bytes * 2, stated ? Math.ceil((stated * 1.25) / 2 ** 20) * 2 ** 20 : 0)
          : undefined;
        const bigger = wanted ? formatMemory(wanted) : undefined;
        const owner = ownerDeployment(d.content);
        const where = v
          ? `its /dev/shm is the emptyDir ${v.name}${v.medium === 'Memory' ? ' (medium: Memory, a tmpfs)' : ''}${limit ? ` with sizeLimit ${limit}` : ' with no sizeLimit'}`
          : `nothing is mounted at /dev/shm, so it has the container runtime's default of ${RUNTIME_DEFAULT}`;
        out.push({
          weight: 93 + (hints.some((h) => pod.startsWith(h)) ? 4 : 0),
          object: podObject(owner, pod),
          cause: `the container ${c.name} dies with a bus error (SIGBUS, exit code ${last.exit ?? SIGBUS_EXIT}${busLine ? `: "${clip(busLine.trim(), 100)}"` : ''}) because its shared memory in /dev/shm is too small for what it now keeps there: ${where}${sizing ? `, and the program sizes its shared memory buffers by its workload ("${clip(sizing.trim(), 160)}")` : ''}. When a tmpfs is full, touching a shared memory page it cannot back raises SIGBUS rather than an out-of-memory kill, so /dev/shm runs out, not the container's memory limit`,
          evidence: [
            `describe_pod ${pod}: container ${c.name} Last State Terminated, Exit Code ${last.exit ?? '?'}`,
            v
              ? `describe_pod ${pod}: /dev/shm from ${v.name}: ${v.type}${v.medium ? `, Medium: ${v.medium}` : ''}, SizeLimit: ${limit || '<unset>'}`
              : `describe_pod ${pod}: no volume mounted at /dev/shm`,
            ...(busLine ? [`get_pod_logs ${pod}: "${clip(busLine.trim(), 160)}"`] : []),
            ...(sizing ? [`get_pod_logs ${pod}: "${clip(sizing.trim(), 200)}"`] : []),
          ],
          advice: v
            ? `raise the sizeLimit of the emptyDir ${v.name} mounted at /dev/shm${bigger ? ` (from ${limit} to at least ${bigger})` : ''} so it holds the shared memory buffers of the whole workload, and keep the container's memory limit above it (a memory-backed emptyDir counts against it); or shrink what the program keeps in shared memory`
            : `mount an emptyDir with medium: Memory and a sizeLimit that holds the shared memory buffers at /dev/shm (the default is ${RUNTIME_DEFAULT}), and keep the container's memory limit above it`,
        });
      }
    }
    return out.slice(0, 1);
  },
};
