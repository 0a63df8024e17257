import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedField,
  type Finding,
  outputs,
  podOwnerObject,
} from './types.js';

/** A bind refused because the address is taken: Node's EADDRINUSE, Go's, Python's and glibc's wording. */
const IN_USE = /EADDRINUSE|address already in use|Address in use|bind\(\) to \S{1,100} failed \(98/i;
/** The port in such a line (`0.0.0.0:6001`, `:::6001`, `[::]:6001`, `port 6001`). */
const PORT =
  /(?:(?:\d{1,3}\.){3}\d{1,3}|\]|::):(\d{1,5})\b|\bport (\d{1,5})\b|\blisten (?:tcp|udp)[46]? [^\s:]{0,253}:(\d{1,5})\b/i;

interface Twin {
  readonly pod: string;
  readonly crashed: string;
  readonly twin: string;
  readonly image: string;
  readonly line: string;
  readonly port?: string;
  readonly described: string;
  /** Whether the crashing container sets a command of its own (then it is clear which one is the helper). */
  readonly ownCommand: boolean;
}

/**
 * A container that cannot bind its port because another container of the same pod, started from the same
 * image without a command or arguments of its own, runs the image's default command: a second copy of the
 * same server, which binds the port first.
 */
function twin(ctx: AnalyzerContext): Twin | undefined {
  return perSeen(ctx.seen, ['defaultCommandSidecar', ctx.ns], () => {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      const line = o.content
        .slice(-100_000)
        .split('\n')
        .find((l) => l.length <= 2000 && IN_USE.test(l));
      if (!line) continue;
      const pod = String(o.args['name'] ?? '');
      const d = outputs(
        ctx.seen,
        'describe_pod',
        (x) => x.args['name'] === pod && x.args['namespace'] === ctx.ns,
      ).pop();
      if (!d) continue;
      const sections = containerSections(d.content.slice(0, 100_000)).filter((c) => !c.init);
      if (sections.length < 2) continue;
      const crashed =
        (typeof o.args['container'] === 'string'
          ? sections.find((c) => c.name === o.args['container'])
          : undefined) ?? sections[0]!;
      const image = describedField(crashed.body, 'Image');
      if (!image) continue;
      const other = sections.find(
        (c) =>
          c.name !== crashed.name &&
          describedField(c.body, 'Image') === image &&
          !/^\s{2,8}(?:Command|Args):/m.test(c.body),
      );
      if (!other) continue;
      const m = PORT.exec(line);
      return {
        pod,
        crashed: crashed.name,
        twin: other.name,
        image,
        line: line.trim(),
        ...(m ? { port: m[1] ?? m[2] ?? m[3]! } : {}),
        described: d.content,
        ownCommand: /^\s{2,8}(?:Command|Args):/m.test(crashed.body),
      };
    }
    return undefined;
  });
}

/**
 * Two containers of one pod started from the same image, one of them (a helper, a watcher, a sidecar meant
 * to run another of the image's programs) without a command or arguments of its own: it runs the image's
 * default command, the same server as the main container, and the first to bind the port wins; the other
 * crashes with EADDRINUSE and restarts for ever. Kubernetes runs the image's ENTRYPOINT and CMD when a
 * container sets neither `command` nor `args` (kubernetes.io, "Define a Command and Arguments for a
 * Container"). The fix is the helper's own command.
 */
export const defaultCommandSidecarAnalyzer: Analyzer = {
  name: 'default-command-sidecar',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    const t = twin(ctx);
    if (!t) return [];
    const port = t.port ? ` ${t.port}` : '';
    return [
      {
        weight: 93,
        object: podOwnerObject(t.described, t.pod),
        cause: `container ${t.twin} of pod ${t.pod} runs the same image as ${t.crashed} (${t.image}) without a command of its own (no command, no args), so it starts the image's default command: a second server, which binds port${port} first; both listen on the same port of the pod, so ${t.crashed} fails with "address already in use" ("${clip(t.line, 160)}") and restarts for ever while ${t.twin} keeps running. The port is not taken by the node or a load balancer`,
        evidence: [
          `describe_pod ${t.pod}: containers ${t.crashed} and ${t.twin} both ${t.image}; ${t.twin} sets no Command or Args`,
          `logs of ${t.pod} (${t.crashed}): "${clip(t.line, 140)}"`,
        ],
        advice: `give ${t.twin} its own start command (the helper program it is meant to run, as the image's documentation gives it), or remove it${t.ownCommand ? `; ${t.crashed} needs no change` : `; ${t.crashed} runs the image's default command too, so check that it is the one meant to serve the port`}`,
        revisionSound: true,
      },
    ];
  },
};
