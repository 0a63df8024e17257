import { parseTable } from '../k8s-text.js';
import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  describedField,
  type Finding,
  namespaceNames,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/** The kubelet's warning when the runtime could not create a pod's sandbox. */
const SANDBOX = /FailedCreatePodSandBox\s+[^\n]{0,80}?(Failed to create pod sandbox: [^\n]{1,1500})/;
/** An installer's line that replaced a component: `installing firecracker v0.18.0 to /usr/bin/firecracker (was v0.17.1)`. */
const REPLACED =
  /\binstall(?:ing|ed)\s+([a-z][\w.-]{1,40})\s+v?(\d[\w.+-]{0,30})\b[^\n]{0,120}?\(was v?(\d[\w.+-]{0,30})\)/i;
/** An installer's line that kept a component as it was: `kata-runtime 1.9.0-alpha0 already installed …, keeping it`. */
const KEPT =
  /\b([a-z][\w.-]{1,40})\s+v?(\d[\w.+-]{0,30})\s+already installed\b[^\n]{0,160}\bkeep(?:ing|s)? it\b/i;

/** A call between the runtime's parts refused for its shape: a 400, an unknown field, an unsupported request. */
const REFUSED_CALL =
  /\[?\b400\b|BadRequest|unknown field|unsupported|not supported|incompatib|invalid argument|unexpected (?:field|argument|version)|version mismatch/i;
/** A sandbox that failed in its network setup (a CNI plugin's error), not in the runtime. */
const NETWORK = /\bcni\b|network plugin|set ?up network|networkPlugin/i;

interface Stuck {
  readonly pod: string;
  readonly runtimeClass: string;
  readonly message: string;
}

/** A pod of the namespace that has no sandbox, with the RuntimeClass it names and the kubelet's message. */
function stuck({ seen, ns }: AnalyzerContext): Stuck | undefined {
  for (const o of outputs(seen, 'describe_pod', (x) => x.args['namespace'] === ns)) {
    const runtimeClass = describedField(o.content, 'Runtime Class Name');
    const m = SANDBOX.exec(o.content.slice(0, 200_000));
    if (runtimeClass && m && /^[a-z0-9][a-z0-9.-]{0,252}$/.test(runtimeClass))
      return { pod: String(o.args['name'] ?? ''), runtimeClass, message: m[1]!.trim() };
  }
  return undefined;
}

/** The RuntimeClass's handler, once described. */
function handlerOf(ctx: AnalyzerContext, runtimeClass: string): string | undefined {
  const d = outputs(
    ctx.seen,
    'describe_resource',
    (o) => o.args['kind'] === 'RuntimeClass' && o.args['name'] === runtimeClass,
  ).pop();
  return d ? (describedField(d.content, 'Handler') ?? runtimeClass) : undefined;
}

/**
 * The namespace that installs the runtime on the nodes: one named after the handler's or the
 * RuntimeClass's first word (`kata-fc` → `kata-system`, `gvisor` → `gvisor-system` for handler `runsc`),
 * one that says it installs or runs system parts (`-system`, `-deploy`, `-installer`, `-operator`) first.
 */
function installerNamespace(ctx: AnalyzerContext, handler: string, runtimeClass: string): string | undefined {
  const words = [handler, runtimeClass].map((w) => w.split(/[-.]/)[0] ?? '').filter((w) => w.length >= 3);
  const named = namespaceNames(ctx.seen).filter(
    (n) => n !== ctx.ns && words.some((w) => n.split('-').includes(w)),
  );
  return named.find((n) => /-(?:system|deploy|installer|install|operator|runtime)$/.test(n)) ?? named[0];
}

/** The hypervisor a Kata handler's last word stands for, where it is an abbreviation. */
const HYPERVISOR: Readonly<Record<string, string>> = { fc: 'firecracker', clh: 'cloud-hypervisor' };

/**
 * Of the components an installer replaced, the one the failing handler uses: named in the sandbox's
 * message, else the one the handler's name says it drives (`kata-fc` → firecracker, `runsc`), else one on a
 * log line that names the handler or its last word as a word of its own (`configuration-fc.toml:
 * [hypervisor.firecracker]`). Undefined when none is.
 */
function usedReplacement(
  lines: readonly string[],
  message: string,
  handler: string,
): RegExpExecArray | undefined {
  const all = lines.map((l) => REPLACED.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const lower = message.toLowerCase();
  const inMessage = all.find((m) => lower.includes(m[1]!.toLowerCase()));
  if (inMessage) return inMessage;
  const last = handler.split(/[-.]/).pop() ?? handler;
  // The part a handler's name says it drives: Kata's runtime classes name their hypervisor (kata-deploy's
  // kata-fc, kata-clh, kata-qemu), gVisor's handler is its runtime (runsc).
  const drives = HYPERVISOR[last] ?? last;
  const named = all.find((m) => {
    const c = m[1]!.toLowerCase();
    return c === handler.toLowerCase() || (drives.length >= 3 && c.startsWith(drives));
  });
  if (named) return named;
  const tokens = (l: string) => l.toLowerCase().split(/[^a-z0-9]+/);
  const handlerLines = lines.filter(
    (l) => l.includes(handler) || (last.length >= 2 && tokens(l).includes(last)),
  );
  return all.find((m) => handlerLines.some((l) => tokens(l).includes(m[1]!.toLowerCase())));
}

/**
 * Pods whose sandbox the node's runtime cannot create (FailedCreatePodSandBox) and that name a
 * RuntimeClass (a sandboxed runtime such as Kata Containers): the runtime's own installer on the nodes
 * (a DaemonSet in a namespace named after it) logs which components it replaced and which it kept, and a
 * component upgraded under another one that stayed behind is a version skew between them, which is what a
 * refused call between the two (a 400, an unknown field) says.
 */
export const sandboxRuntimeAnalyzer: Analyzer = {
  name: 'sandbox-runtime',
  reads(ctx): Read[] {
    const s = stuck(ctx);
    if (!s) return [];
    const handler = handlerOf(ctx, s.runtimeClass);
    if (!handler)
      return [{ tool: 'describe_resource', args: { kind: 'RuntimeClass', name: s.runtimeClass } }];
    if (namespaceNames(ctx.seen).length === 0)
      return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const at = installerNamespace(ctx, handler, s.runtimeClass);
    if (!at) return [];
    const listed = podListOf(ctx.seen, at);
    if (!listed) return [{ tool: 'list_pods', args: { namespace: at } }];
    const pod = parseTable(listed.content).find((r) => r['STATUS'] === 'Running')?.['NAME'];
    if (!pod || outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).length > 0) return [];
    return [{ tool: 'get_pod_logs', args: { namespace: at, name: pod } }];
  },
  finds(ctx): Finding[] {
    const s = stuck(ctx);
    const handler = s ? handlerOf(ctx, s.runtimeClass) : undefined;
    const at = handler && s ? installerNamespace(ctx, handler, s.runtimeClass) : undefined;
    // A network plugin's failure to set up the sandbox is the network's, whatever was installed.
    if (!s || !handler || !at || NETWORK.test(s.message) || !REFUSED_CALL.test(s.message)) return [];
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === at)) {
      const lines = boundedLogLines(log.content);
      const replaced = usedReplacement(lines, s.message, handler);
      if (!replaced) continue;
      const kept = lines.map((l) => KEPT.exec(l)).find((m) => m !== null && m[1] !== replaced[1]);
      const installer = String(log.args['name'] ?? '');
      const gloss = glossOf(s.message)?.means;
      return [
        {
          weight: 92,
          object: `runtimeclass ${s.runtimeClass}`,
          cause:
            `pods of RuntimeClass ${s.runtimeClass} (handler ${handler}) get no sandbox: "${clip(s.message, 260)}"${gloss ? ` (${gloss})` : ''}. ` +
            `The runtime's installer on the nodes (pod ${installer} in ${at}) replaced ${replaced[1]} ${replaced[3]} with ${replaced[2]}` +
            `${kept ? ` and kept ${kept[1]} ${kept[2]} as it was` : ''}: a version mismatch between the parts of the sandbox runtime, ` +
            `${kept ? `${kept[1]} still speaking to ${replaced[1]} as ${replaced[3]} did` : `the others still expecting ${replaced[1]} ${replaced[3]}`}; ` +
            'pods of other RuntimeClasses are not affected, and the network is not at fault',
          evidence: [
            `describe_pod ${s.pod}: Runtime Class Name ${s.runtimeClass}; FailedCreatePodSandBox "${clip(s.message, 160)}"`,
            `get_pod_logs ${installer} (${at}): "${clip(replaced[0], 160)}"`,
            ...(kept ? [`get_pod_logs ${installer} (${at}): "${clip(kept[0], 160)}"`] : []),
          ],
          advice: `install the ${replaced[1]} version that ${kept ? `${kept[1]} ${kept[2]}` : 'the runtime'} supports (${replaced[3]}), or upgrade ${kept ? kept[1] : 'the runtime'} to a release made for ${replaced[1]} ${replaced[2]}, then restart the stuck pods`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
