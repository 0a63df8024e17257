import { matchesHint } from '../baseline/reading.js';
import { deploymentTemplate } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * The person reports connections reset or refused (or 502s) around rollouts or restarts of a workload: the
 * two in one sentence, in either order. Bounded gaps: linear.
 */
const ROLLOUT_RESETS =
  /\b(?:rollouts?|rolling|roll(?:s|ed|ing)? out|redeploy\w{0,3}|deploy(?:s|ing|ments?)?|restart(?:s|ed|ing)?|publish(?:es|ed|ing)?)\b[^.?!]{0,240}(?:\b(?:reset|resets|refused|502s?|dropped connections?|broken pipe)\b|ECONNRESET|ECONNREFUSED)|(?:\b(?:reset|resets|refused|502s?)\b|ECONNRESET|ECONNREFUSED)[^.?!]{0,160}\b(?:rollouts?|roll(?:s|ed|ing)? out|redeploy\w{0,3}|deploy(?:s|ing|ments?)?|restart(?:s|ed|ing)?)\b/i;

/**
 * A container that runs nginx in the foreground, from a Deployment's description: its command (`nginx -g
 * daemon off;`). An image of nginx's own (`nginx:1.27`, `nginxinc/…`) stops with SIGQUIT by its STOPSIGNAL,
 * so it is left out.
 */
function nginxContainer(described: string): { container: string; image: string } | undefined {
  const lines = described.slice(0, 100_000).split('\n');
  for (let i = 0; i < lines.length; i++) {
    // nginx run as the command, or started by a shell that templates its configuration first (`/bin/sh -c
    // "envsubst … && exec nginx -g 'daemon off;'"`), on the Command line or the Args line after it.
    const direct = /^\s{4,12}Command:\s+(?:\S{0,100}\/)?nginx(?:\s|$)/.test(lines[i]!);
    const shell =
      /^\s{4,12}Command:\s+(?:\S{0,100}\/)?(?:ba|da)?sh\b/.test(lines[i]!) &&
      [lines[i]!, lines[i + 1] ?? ''].some(
        (l) => l.length <= 4000 && /(?:^|[\s;&|'"(])(?:exec\s{1,4})?nginx\s{1,4}-g\b/.test(l),
      );
    if (!direct && !shell) continue;
    // The container's name and image are above its command, within its block.
    let container = '';
    let image = '';
    for (let j = i - 1; j >= Math.max(0, i - 20); j--) {
      const l = lines[j]!;
      if (!image) image = /^\s{4,12}Image:\s+(\S{1,300})/.exec(l)?.[1] ?? '';
      const name = /^\s{2,8}([a-z0-9][a-z0-9-]{0,62}):\s*$/.exec(l)?.[1];
      if (name) {
        container = name;
        break;
      }
    }
    const repo = image.replace(/[:@].*$/, '');
    // nginx's own images, from Docker Hub or a mirror of it (`public.ecr.aws/nginx/nginx`,
    // `mirror.gcr.io/library/nginx`), stop with SIGQUIT by their STOPSIGNAL.
    if (
      /^(?:[a-z0-9.-]{1,100}(?::\d{1,5})?\/)?(?:library\/|nginx\/)?nginx$|(?:^|\/)nginxinc\/.{1,100}$/.test(
        repo,
      )
    )
      continue;
    return { container, image };
  }
  return undefined;
}

/** The Deployments the task names whose description shows a container running nginx. */
function candidates(ctx: AnalyzerContext) {
  return outputs(ctx.seen, 'describe_deployment', (o) => o.args['namespace'] === ctx.ns)
    .map((o) => ({ name: String(o.args['name'] ?? ''), nginx: nginxContainer(o.content) }))
    .filter((d) => d.nginx && d.name && matchesHint(d.name, ctx.hints));
}

/** A line of any log read that says a connection was cut mid-request (nginx's or a client's words). */
const CUT =
  /upstream prematurely closed connection|\(104: Connection reset by peer\)|connection reset by peer/i;

/**
 * nginx stopped with SIGTERM during rollouts: the kubelet stops a container with SIGTERM unless its image
 * sets another STOPSIGNAL, and nginx takes SIGTERM as a fast shutdown, closing the connections it is
 * serving at once, where SIGQUIT (`nginx -s quit`) is its graceful one that lets in-flight requests finish
 * (nginx.org, "Controlling nginx"). With no preStop hook the pod also stops while the endpoints still send
 * it traffic (Kubernetes docs, "Pod termination"), so every rollout or restart resets the requests the old
 * pods were serving. Found from the person's report of resets around rollouts, a Deployment the task names
 * whose container runs nginx (its command) and whose manifest has no preStop hook.
 */
export const nginxFastShutdownAnalyzer: Analyzer = {
  name: 'nginx-fast-shutdown',
  first: true,
  reads(ctx): Read[] {
    if (!ROLLOUT_RESETS.test(ctx.task.slice(0, 4000))) return [];
    const d = candidates(ctx)[0];
    if (!d || deploymentTemplate(ctx.seen, d.name, ctx.ns).read) return [];
    return [{ tool: 'get_resource', args: { kind: 'Deployment', name: d.name, namespace: ctx.ns } }];
  },
  finds(ctx): Finding[] {
    if (!ROLLOUT_RESETS.test(ctx.task.slice(0, 4000))) return [];
    for (const d of candidates(ctx)) {
      const { spec } = deploymentTemplate(ctx.seen, d.name, ctx.ns);
      if (!spec) continue;
      // The nginx container's own preStop hook (any container's when its name was not read).
      const hooked = (spec.containers ?? []).some(
        (c) => (!d.nginx!.container || c?.name === d.nginx!.container) && c?.lifecycle?.preStop,
      );
      if (hooked) continue;
      const grace = String(spec.terminationGracePeriodSeconds ?? 30);
      const cut = outputs(ctx.seen, 'get_pod_logs')
        .flatMap((o) => boundedLogLines(o.content).map((l) => ({ l, pod: String(o.args['name'] ?? '') })))
        .find(({ l }) => l.length <= 4000 && CUT.test(l));
      const { container } = d.nginx!;
      return [
        {
          weight: 90,
          object: `deployment ${d.name}`,
          cause: `deployment ${d.name} runs nginx in the foreground (container ${container || 'web'}: nginx -g "daemon off;") and its pods have no preStop hook, so at every rollout or restart the kubelet stops each old pod with SIGTERM, which nginx treats as a fast shutdown: it exits immediately and closes the connections it is serving, so in-flight requests are reset (its graceful shutdown is SIGQUIT, nginx -s quit, which lets them finish), and nothing makes the pod wait while the endpoints still send it new requests${cut ? `; "${clip(cut.l.trim(), 200)}" (${cut.pod})` : ''}. The new pods are fine and become Ready; the readiness probe is not what drops the requests`,
          evidence: [
            `describe_deployment ${d.name}: Command nginx -g daemon off;`,
            `get_resource Deployment ${d.name}: no lifecycle.preStop, terminationGracePeriodSeconds ${grace}`,
            ...(cut ? [`get_pod_logs ${cut.pod}: "${clip(cut.l.trim(), 200)}"`] : []),
          ],
          advice: `give container ${container || 'web'} of ${d.name} a preStop hook that waits a few seconds for the endpoints to drop the pod and then quits nginx gracefully (command: ["/bin/sh", "-c", "sleep 5 && nginx -s quit"]), with terminationGracePeriodSeconds above that wait plus the longest request; or build the image with STOPSIGNAL SIGQUIT`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
