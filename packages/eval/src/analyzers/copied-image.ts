import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  describedField,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/** Where a program says it listens (`Local: http://localhost:3000`, `Listening on :8080`): the port. */
const LISTENS =
  /\b(?:listening|listen(?:ing)? on|local|network|started on|serving on|server running on|bound to)\b[^\n]{0,60}?(?::|\bport )(\d{2,5})\b/i;
/** A probe line of a container section (`Liveness: http-get :3030/api/health …`): its kind and port. */
const PROBE =
  /^\s{0,12}(Liveness|Readiness|Startup):\s{1,20}(?:http-get|tcp-socket)\s(?:https?:\/\/)?[^\s:]{0,253}:(\d{1,5})\b/m;

interface Pair {
  /** The Deployment whose pods fail, and the healthy one that runs the same image. */
  readonly failing: string;
  readonly healthy: string;
  readonly image: string;
}

/**
 * Pairs of the namespace's Deployments (its newest list) that run the very same images, one with no pod
 * ready and one with every pod ready, whose names share their first word (`langfuse-worker` and
 * `langfuse-web`): one may be a copy of the other that kept its image.
 */
function pairs(ctx: AnalyzerContext): Pair[] {
  const list = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).pop();
  const rows = parseTable(list?.content ?? '');
  const ready = (r: Record<string, string>) => /^(\d{1,5})\/(\d{1,5})$/.exec(r['READY'] ?? '');
  const out: Pair[] = [];
  for (const a of rows) {
    const ra = ready(a);
    if (ra?.[1] !== '0' || ra[2] === '0' || !a['IMAGES']) continue;
    for (const b of rows) {
      const rb = ready(b);
      if (b === a || !rb || rb[1] !== rb[2] || rb[2] === '0' || b['IMAGES'] !== a['IMAGES']) continue;
      if (a['NAME']!.split('-')[0] !== b['NAME']!.split('-')[0]) continue;
      out.push({ failing: a['NAME']!, healthy: b['NAME']!, image: a['IMAGES']! });
    }
  }
  return out.slice(0, 1);
}

/** The command and arguments a pod's or a Deployment's description prints first (empty when it sets none). */
function commandOf(described: string): string {
  return [describedField(described, 'Command'), describedField(described, 'Args')].filter(Boolean).join(' ');
}

/**
 * A Deployment copied from another that kept the other's image: it runs the very image the healthy
 * Deployment beside it runs, with the same command (none of its own), so it starts the other program (a web
 * server where a worker was meant) and fails its own probes, which check the port its own program would
 * serve. Found from the namespace's Deployment list (the same images, one failing, one ready), the failing
 * pod's description (its command and probe port) and log (the port the program it started listens on), and
 * the healthy Deployment's description (its command). The read: that description.
 */
export const copiedImageAnalyzer: Analyzer = {
  name: 'copied-image',
  first: true,
  reads(ctx): Read[] {
    for (const p of pairs(ctx))
      if (
        !outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === p.healthy && o.args['namespace'] === ctx.ns,
        ).length
      )
        return [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name: p.healthy } }];
    return [];
  },
  finds(ctx): Finding[] {
    for (const p of pairs(ctx)) {
      const healthy = outputs(
        ctx.seen,
        'describe_deployment',
        (o) => o.args['name'] === p.healthy && o.args['namespace'] === ctx.ns,
      ).pop()?.content;
      const pod = namespacePods(ctx).find((r) => ownerName(r['NAME'] ?? '') === p.failing)?.['NAME'];
      const described = pod
        ? outputs(
            ctx.seen,
            'describe_pod',
            (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
          ).pop()?.content
        : undefined;
      if (!healthy || !pod || !described) continue;
      // Its own command would make the same image run another program: then sharing the image is by design.
      if (commandOf(described) !== commandOf(healthy)) continue;
      const probe = PROBE.exec(described);
      const listen = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod)
        .flatMap((o) => o.content.slice(-50_000).split('\n'))
        .find((l) => l.length <= 2000 && LISTENS.test(l) && (!probe || LISTENS.exec(l)![1] !== probe[2]));
      if (!probe || !listen) continue;
      const cause = outputs(ctx.seen, 'get_rollout_history', (o) => o.args['name'] === p.failing)
        .flatMap((o) => parseTable(o.content))
        .map((r) => r['CHANGE-CAUSE'])
        .filter((c): c is string => !!c && c !== '<none>')
        .pop();
      return [
        {
          weight: 86 + bonus(p.failing, ctx.hints),
          object: `deployment ${p.failing}`,
          cause: `deployment ${p.failing} runs ${p.image}, the very image deployment ${p.healthy} runs, with no command of its own${cause ? ` (its change cause: "${clip(cause, 120)}")` : ''}: it starts ${p.healthy}'s program, which listens on port ${LISTENS.exec(listen)![1]} ("${clip(listen.trim(), 120)}"), not on port ${probe[2]} its ${(probe[1] ?? '').toLowerCase()} probe checks, so the probe is refused and the kubelet ${probe[1] === 'Liveness' ? 'restarts it' : 'keeps it unready'}. The probe's timing is not the fault: ${p.failing} needs its own image (the wrong image was copied from ${p.healthy})`,
          evidence: [
            `list_deployments ${ctx.ns}: ${p.failing} and ${p.healthy} both run ${p.image}`,
            `describe_pod ${pod}: ${probe[1]} probe on port ${probe[2]}`,
            `get_pod_logs ${pod}: "${clip(listen.trim(), 120)}"`,
          ],
          advice: `set the image of ${p.failing} to its own program's image (the release of ${p.failing} that matches ${p.image}'s version), not ${p.healthy}'s`,
        },
      ];
    }
    return [];
  },
};
