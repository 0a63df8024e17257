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

/** PostgreSQL starting or initializing its data directory (initdb's bootstrap, the postmaster). */
const POSTGRES = /running bootstrap script|\binitdb\b|\bpostgres(?:ql)?\b|\bpostmaster\b/i;

/** The node a described pod runs on (`Node: edge-w1` or `Node: edge-w1/10.0.0.4`). */
function nodeOf(describe: string): string | undefined {
  return /^Node:\s+([a-z0-9][a-z0-9.-]{0,252})(?:\/\S{0,64})?\s*$/m.exec(describe.slice(0, 20_000))?.[1];
}

/** The huge page sizes a described node has allocatable (`hugepages-2Mi: 4Gi`), with amounts above zero. */
function nodeHugePages(describe: string): string[] {
  const at = describe.indexOf('\nAllocatable:');
  if (at < 0) return [];
  const out: string[] = [];
  for (const line of describe
    .slice(at + 1, at + 2000)
    .split('\n')
    .slice(1)) {
    if (!/^\s/.test(line)) break;
    const m = /^\s+(hugepages-[0-9]{1,4}[KMG]i):\s+([0-9]{1,9}[KMGT]?i?)\s*$/.exec(line);
    if (m && m[2] !== '0') out.push(`${m[1]}: ${m[2]}`);
  }
  return out;
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
      // A bus error logged by PostgreSQL: does its node have huge pages (initdb maps them when it can)?
      const node = nodeOf(d.content);
      const busLogged = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod).some((o) =>
        boundedLogLines(o.content).some((l) => BUS.test(l) && POSTGRES.test(l)),
      );
      if (busLogged && node && !outputs(seen, 'describe_node', (o) => o.args['name'] === node).length)
        reads.push({ tool: 'describe_node', args: { name: node } });
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
        // PostgreSQL on a node with huge pages: with huge_pages = try (the default) initdb and the server
        // map huge pages when the node has them, but a container without a hugepages-<size> limit may use
        // none (the hugetlb cgroup), so the first touch of a huge page raises SIGBUS
        // (postgresql.org/docs/current/runtime-config-resource.html#GUC-HUGE-PAGES; Kubernetes "Manage
        // HugePages").
        const node = nodeOf(d.content);
        const nodeText = node
          ? outputs(seen, 'describe_node', (o) => o.args['name'] === node).pop()?.content
          : undefined;
        const huge = nodeText ? nodeHugePages(nodeText) : [];
        const pg = lines.some((l) => POSTGRES.test(l)) || /^\s+Image:\s+\S*postgres/im.test(c.body);
        if (busLine && huge.length > 0 && pg && !/\bhugepages-/i.test(c.body)) {
          const owner = ownerDeployment(d.content);
          out.push({
            weight: 95 + (hints.some((h) => pod.startsWith(h)) ? 4 : 0),
            object: podObject(owner, pod),
            cause: `the container ${c.name} (PostgreSQL) dies with a bus error ("${clip(busLine.trim(), 100)}") because of huge pages: its node ${node} has huge pages preallocated (${huge.join(', ')}), so PostgreSQL, with huge_pages = try by default, maps its shared memory in huge pages, but the container requests and limits no hugepages-<size>, so its cgroup may use none and the first touch of a huge page raises SIGBUS. It is not /dev/shm, the memory limit or the disk`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(busLine.trim(), 160)}"`,
              `describe_node ${node}: Allocatable ${huge.join(', ')}`,
              `describe_pod ${pod}: container ${c.name} has no hugepages request or limit`,
            ],
            advice: `set huge_pages = off for this PostgreSQL (its postgresql.conf, or POSTGRES_INITDB_ARGS / the chart's setting, so initdb runs without them too), or give the container a hugepages-2Mi request and limit (equal) that its shared memory fits in; or schedule it on nodes without preallocated huge pages`,
          });
          continue;
        }
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
