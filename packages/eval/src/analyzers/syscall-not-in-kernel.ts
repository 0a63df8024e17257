import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/**
 * System calls and the Linux release that added each, from the man-pages project (section 2, each
 * page's VERSIONS or HISTORY: `renameat2() … Linux 3.15`). A program built against a newer kernel's
 * interface fails with ENOSYS ("Function not implemented") on an older one.
 */
const SYSCALL_SINCE: Readonly<Record<string, string>> = {
  renameat2: '3.15',
  memfd_create: '3.17',
  getrandom: '3.17',
  execveat: '3.19',
  copy_file_range: '4.5',
  preadv2: '4.6',
  pwritev2: '4.6',
  statx: '4.11',
  io_uring_setup: '5.1',
  pidfd_open: '5.3',
  clone3: '5.3',
  openat2: '5.6',
  faccessat2: '5.8',
  close_range: '5.9',
  epoll_pwait2: '5.11',
  landlock_create_ruleset: '5.13',
  memfd_secret: '5.14',
  futex_waitv: '5.16',
};

/** The kernel refusing a call it does not have: glibc's text for ENOSYS, or the name itself. */
// Go's syscall.Errno prints it in lower case ("function not implemented").
const NOT_IMPLEMENTED = /function not implemented|\bENOSYS\b/i;
const SYSCALL = new RegExp(`\\b(${Object.keys(SYSCALL_SINCE).join('|')})\\b`);

interface Refused {
  readonly pod: string;
  readonly node: string;
  readonly line: string;
  readonly syscall: string | undefined;
}

/** The namespace's pods whose read log has an ENOSYS line, with their node (from the pod list). At most two. */
function refused(ctx: AnalyzerContext): Refused[] {
  const rows = namespacePods(ctx);
  const out: Refused[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (out.some((r) => r.pod === pod)) continue;
    const node = rows.find((r) => r['NAME'] === pod)?.['NODE'];
    if (!node || node === '<none>') continue;
    const line = o.content
      .slice(-100_000)
      .split('\n')
      .find((l) => l.length <= 4000 && NOT_IMPLEMENTED.test(l));
    if (!line) continue;
    // The call named just before the refusal, when the line names one.
    const m = NOT_IMPLEMENTED.exec(line)!;
    const before = Math.max(0, m.index - 300);
    const named = SYSCALL.exec(line.slice(before, m.index));
    // What is quoted: from the call (or a little before the refusal) to the refusal's end.
    const from = named ? before + named.index : Math.max(0, m.index - 160);
    const quote = `${from > 0 ? '…' : ''}${line.slice(from, m.index + m[0].length).trim()}`;
    out.push({ pod, node, line: quote, syscall: named?.[1] });
    if (out.length >= 2) break;
  }
  return out;
}

/** A node's kernel release, from its description's System Info or Node Feature Discovery's label. */
function kernelOf(ctx: AnalyzerContext, node: string): string | undefined {
  const d = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop()?.content;
  if (!d) return undefined;
  return (
    /^\s{0,8}Kernel Version:\s{1,40}(\S{1,120})/m.exec(d)?.[1] ??
    /feature\.node\.kubernetes\.io\/kernel-version\.full=(\S{1,120})/.exec(d)?.[1]
  );
}

/** Major and minor of a kernel release (`3.10.0-1160.el7.x86_64` → [3, 10]). */
function majorMinor(release: string): [number, number] | undefined {
  const m = /^(\d{1,2})\.(\d{1,3})/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function older(release: string, than: string): boolean {
  const a = majorMinor(release);
  const b = majorMinor(than);
  return !!a && !!b && (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]));
}

/** The work a pod does: its owner's name without a last numbered or short part (`agent-01`, `agent-03`). */
const workOf = (pod: string) => ownerName(pod).replace(/-[a-z0-9]{1,5}$/, '');

/**
 * Running, ready pods of the namespace on other nodes than `nodes` that do the same work as `pod` (the
 * same owner, or members of one numbered set): where that work runs fine.
 */
function healthyElsewhere(ctx: AnalyzerContext, nodes: readonly string[], pod: string) {
  const work = workOf(pod);
  return namespacePods(ctx).filter((r) => {
    if (workOf(r['NAME'] ?? '') !== work && ownerName(r['NAME'] ?? '') !== ownerName(pod)) return false;
    const ready = /^(\d{1,3})\/(\d{1,3})$/.exec(r['READY'] ?? '');
    return (
      r['STATUS'] === 'Running' &&
      !!ready &&
      ready[1] === ready[2] &&
      !!r['NODE'] &&
      r['NODE'] !== '<none>' &&
      !nodes.includes(r['NODE'])
    );
  });
}

/**
 * A program that fails because the node's kernel lacks a system call it makes: its log says "Function not
 * implemented" (ENOSYS), most often naming the call (`renameat2 …: Function not implemented`), and the
 * node's kernel release (System Info, or Node Feature Discovery's kernel-version label) is older than the
 * release that added it. Where the same namespace runs a ready pod on another node, that node's kernel is
 * given beside it. The reads: the failing pod's node, and the node of one ready pod elsewhere.
 */
export const syscallNotInKernelAnalyzer: Analyzer = {
  name: 'syscall-not-in-kernel',
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (r.length === 0) return [];
    const nodes = [...new Set(r.map((x) => x.node))];
    const other = healthyElsewhere(ctx, nodes, r[0]!.pod)[0]?.['NODE'];
    return [...nodes.slice(0, 2), ...(other ? [other] : [])]
      .filter((n) => !outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === n).length)
      .map((n) => ({ tool: 'describe_node', args: { name: n } }));
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    const first = r[0];
    if (!first) return [];
    const kernel = kernelOf(ctx, first.node);
    if (!kernel) return [];
    const since = first.syscall ? SYSCALL_SINCE[first.syscall] : undefined;
    // A named call the node's kernel has: ENOSYS comes from somewhere else (a seccomp profile, an emulator).
    if (since && !older(kernel, since)) return [];
    const nodes = [...new Set(r.map((x) => x.node))];
    const otherRow = healthyElsewhere(ctx, nodes, first.pod)[0];
    const otherKernel = otherRow ? kernelOf(ctx, otherRow['NODE']!) : undefined;
    const newer = otherKernel && since && !older(otherKernel, since) ? otherKernel : undefined;
    if (!since && !(otherKernel && older(kernel, otherKernel))) return [];
    const pods = r.map((x) => `${x.pod} on ${x.node}`).join(', ');
    const call = first.syscall
      ? `the ${first.syscall} system call, which Linux added in ${since}`
      : 'a system call the node kernel does not implement';
    return [
      {
        weight: 88 + bonus(first.pod, ctx.hints),
        object: `node ${first.node} (pod ${first.pod})`,
        cause: `the node's kernel is too old for the program: ${pods} fail${r.length === 1 ? 's' : ''} with "${clip(first.line, 220)}": the kernel answered ENOSYS (Function not implemented) to ${call}. ${first.node} runs kernel ${kernel}${since ? `, older than ${since}` : ''}, so the call can never work there, whatever the pod's settings${newer && otherRow ? `; ${otherRow['NAME']} runs fine on ${otherRow['NODE']}, whose kernel is ${newer}` : otherKernel && otherRow ? `; ${otherRow['NAME']} runs fine on ${otherRow['NODE']} (kernel ${otherKernel})` : ''}`,
        evidence: [
          `get_pod_logs ${first.pod}: "${clip(first.line, 200)}"`,
          `describe_node ${first.node}: kernel ${kernel}`,
          ...(otherKernel && otherRow ? [`describe_node ${otherRow['NODE']}: kernel ${otherKernel}`] : []),
        ],
        advice: `keep this workload off nodes with an older kernel (a nodeSelector or node affinity on a node label such as feature.node.kubernetes.io/kernel-version.major, or taint the old nodes) and run it where the kernel is ${since ? `${since} or later` : 'newer'}${newer ? ` (as on ${otherRow?.['NODE']})` : ''}, or upgrade those nodes' OS and kernel; an older release of the program that does not make the call would also run there`,
        revisionSound: true,
      },
    ];
  },
};
