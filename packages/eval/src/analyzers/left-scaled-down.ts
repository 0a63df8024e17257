import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** What a program says when a part of it that should run does not: "The daemons are not running". */
const NOT_RUNNING = /\b([A-Za-z][\w-]{0,40}(?: [A-Za-z][\w-]{0,40}){0,2}) (?:are|is) not running\b/;
/** A note that the scale-down was for a while only: a migration, maintenance, an upgrade. */
const FOR_A_WHILE =
  /\bscaled? (?:down )?to (?:0|zero)\b[^\n]{0,160}?\b(?:for|during|until|while)\b|\b(?:for|during) (?:the )?(?:[\w.-]{1,40} ){0,3}(?:migration|maintenance|upgrade|backup|restore|cutover|change window)\b/i;
/** A note that the Deployment is at zero for good: retired, replaced. */
const FOR_GOOD =
  /\bfor good\b|\bpermanent(?:ly)?\b|\bretired?\b|\breplaced by\b|\bdecommission|\bdeprecated\b|\bno longer (?:used|needed)\b/i;
/** Words too common to tie a line to a workload. */
const COMMON = new Set([
  'this',
  'that',
  'the',
  'they',
  'some',
  'your',
  'their',
  'these',
  'those',
  'service',
  'server',
]);

/** Deployments of the namespace the lists show at zero desired replicas (READY 0/0). */
function atZero(ctx: AnalyzerContext): string[] {
  return outputs(ctx.seen, 'list_deployments', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)
    .flatMap((o) => parseTable(o.content))
    .filter((r) => r['READY'] === '0/0' && r['NAME'])
    .map((r) => r['NAME']!)
    .filter((n, i, all) => all.indexOf(n) === i)
    .slice(0, 3);
}

/**
 * A Deployment scaled to zero for a while (a database migration, maintenance) and never scaled back: its
 * part of the application (background daemons, a worker) does not run, and the rest says so ("The daemons
 * are not running") while every pod that exists is healthy and nothing fails. Found from a Deployment at
 * zero desired replicas whose description says it was scaled down for a change, or whose scale-down event
 * is there, and a log line of another pod of the namespace that says a part is not running, in words the
 * Deployment's description holds (its name, command or environment). The fix scales it back to the
 * replicas it had (the scale-down event's "from N"), else to one. The read: the description of each
 * Deployment the list shows at 0/0.
 */
export const leftScaledDownAnalyzer: Analyzer = {
  name: 'left-scaled-down',
  reads(ctx): Read[] {
    const described = new Set(
      outputs(ctx.seen, 'describe_deployment', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns).map((o) =>
        String(o.args['name']),
      ),
    );
    // Only once a log says something is not running: a Deployment at zero alone may be retired on purpose.
    if (!notRunning(ctx)) return [];
    return atZero(ctx)
      .filter((n) => !described.has(n))
      .map((name) => ({ tool: 'describe_deployment', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const said = notRunning(ctx);
    if (!said) return [];
    const events = outputs(ctx.seen, 'get_events', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns).flatMap(
      (o) => parseTable(o.content),
    );
    for (const name of atZero(ctx)) {
      const d = outputs(
        ctx.seen,
        'describe_deployment',
        (o) => o.args['name'] === name && (o.args['namespace'] ?? ctx.ns) === ctx.ns,
      ).pop()?.content;
      if (!d || !/^Replicas:\s+0 desired/m.exec(d)) continue;
      const text = d.slice(0, 20_000).toLowerCase();
      // The words of the subject ("Phabricator daemons") that this Deployment's description holds and
      // the logging pod's name does not: the part that is not running is this one.
      const tie = said.subject
        .toLowerCase()
        .split(' ')
        .filter((w) => w.length >= 4 && !COMMON.has(w) && !said.pod.includes(w))
        .find((w) => text.includes(w));
      if (!tie) continue;
      const note = d
        .slice(0, 20_000)
        .split('\n')
        .find((l) => FOR_A_WHILE.test(l));
      // This Deployment's own scale-down to zero: its event, of its ReplicaSet (the name and a template hash).
      const down = events.find(
        (r) =>
          (r['OBJECT'] ?? '').toLowerCase() === `deployment/${name}` &&
          new RegExp(
            `scaled down replica set ${name.replace(/\./g, '\\.')}-[a-z0-9]{6,10} to 0\\b`,
            'i',
          ).test(r['MESSAGE'] ?? ''),
      );
      if (!note && !down) continue;
      // Retired on purpose: the zero is the intended state, and a scale-up would bring it back.
      if (FOR_GOOD.test(d.slice(0, 20_000))) continue;
      // An autoscaler owns the count (KEDA scales to zero when idle): a scale-up would fight it.
      if (autoscaled(ctx, name)) continue;
      const from = Number(/\bfrom (\d{1,3})\b/.exec(down?.['MESSAGE'] ?? '')?.[1] ?? 0);
      const replicas = from > 0 ? from : 1;
      const line = `"${clip(said.line.trim(), 220)}"`;
      const why = note
        ? `its description says "${clip(note.trim().replace(/^Annotations:\s+/, ''), 160)}"`
        : '';
      const when = down ? `${down['LAST SEEN'] ?? ''} ago: "${clip(down['MESSAGE'] ?? '', 120)}"`.trim() : '';
      return [
        {
          weight: 93,
          object: `deployment ${name}`,
          cause: `deployment ${name} is scaled to 0 replicas and was never scaled back (${[why, when && `scaled down ${when}`].filter(Boolean).join('; ')}), so its part of the application does not run: ${said.pod} says so (${line}). Every pod that exists is healthy, which is why nothing else looks wrong; the work that part does (${said.subject}) has stopped since the scale-down`,
          evidence: [
            `describe_deployment ${name}: Replicas 0 desired${note ? `; ${clip(note.trim().replace(/^Annotations:\s+/, ''), 140)}` : ''}`,
            `get_pod_logs ${said.pod}: ${line}`,
            ...(down ? [`get_events: ${clip(down['MESSAGE'] ?? '', 140)}`] : []),
          ],
          fix: {
            tool: 'scale_deployment',
            args: { namespace: ctx.ns, name, replicas },
            text: `scale ${name} back to ${replicas} replica${replicas === 1 ? '' : 's'}`,
          },
          advice: `scale ${name} back to ${replicas} (the change it was stopped for is over); the queued work is picked up once it runs`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};

/**
 * Whether a HorizontalPodAutoscaler or a KEDA ScaledObject read so far names the Deployment (its scale target):
 * then the replica count is the autoscaler's, not a person's.
 */
function autoscaled(ctx: AnalyzerContext, name: string): boolean {
  const named = new RegExp(`(?<![\\w-])${name.replace(/\./g, '\\.')}(?![\\w-])`);
  return ['list_resources', 'describe_resource', 'get_resource'].some((tool) =>
    outputs(
      ctx.seen,
      tool,
      (o) =>
        (o.args['namespace'] ?? ctx.ns) === ctx.ns &&
        /^(?:hpa|horizontalpodautoscalers?|scaledobjects?)$/i.test(String(o.args['kind'] ?? '')),
    ).some((o) => named.test(o.content.slice(0, 50_000))),
  );
}

/** The newest line of a namespace's logs that says a part is not running, with its subject and pod. */
function notRunning(ctx: AnalyzerContext): { line: string; subject: string; pod: string } | undefined {
  let out: { line: string; subject: string; pod: string } | undefined;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns))
    for (const l of boundedLogLines(o.content)) {
      if (l.length > 2000) continue;
      const m = NOT_RUNNING.exec(l);
      if (m)
        out = {
          line: l,
          subject: m[1]!.replace(/^(?:the|our|its|their|your|all) /i, ''),
          pod: String(o.args['name'] ?? ''),
        };
    }
  return out;
}
