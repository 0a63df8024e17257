import { deniedPath } from './app-errors.js';
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

/** A pod that ran to its end: a probe, a debug pod or a Job's run that someone started to look. */
const FINISHED = /^(?:Completed|Succeeded|Error)$/;

interface Denied {
  readonly pod: string;
  readonly path: string;
  readonly line: string;
}

/** The newest refused path in the current log of each Running pod of the namespace, at most three pods. */
function runningDenials(ctx: AnalyzerContext): Denied[] {
  const running = new Set(
    namespacePods(ctx)
      .filter((r) => r['STATUS'] === 'Running')
      .map((r) => r['NAME'] ?? ''),
  );
  const out: Denied[] = [];
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const pod = String(o.args['name'] ?? '');
    if (!running.has(pod) || out.some((d) => d.pod === pod)) continue;
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000 && deniedPath(l) !== undefined)
      .pop();
    const path = line && deniedPath(line)?.replace(/\/+$/, '');
    if (line && path) out.push({ pod, path, line: line.trim() });
  }
  return out.slice(0, 3);
}

/** Finished pods of the namespace (not the denied pod's own workload), at most two. */
function finishedPods(ctx: AnalyzerContext, not: readonly string[]): string[] {
  const owners = new Set(not.map(ownerName));
  return namespacePods(ctx)
    .filter((r) => FINISHED.test(r['STATUS'] ?? '') && !owners.has(ownerName(r['NAME'] ?? '')))
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean)
    .slice(0, 2);
}

/**
 * One entry under a directory that a program is refused: a Running pod's log says an operation on a
 * directory was denied (`fstatat /srv/d: permission denied`, a file browser answering 403 for the whole
 * folder), and a finished pod of the namespace that listed the same directory (a probe someone ran as the
 * program's user) shows which entry under it cannot be read (`ls: /srv/d/pagefile.sys: Permission
 * denied`) while the other entries list. A program that stats every entry to list a directory fails on
 * that one entry for the whole directory; the directory's own mode and the program's rules are not what
 * refuses. The reads: the logs of at most two finished pods of the namespace, once a Running pod's log
 * shows a refused path.
 */
export const entryDeniedAnalyzer: Analyzer = {
  name: 'entry-denied',
  first: true,
  reads(ctx): Read[] {
    const denied = runningDenials(ctx);
    if (denied.length === 0) return [];
    return finishedPods(
      ctx,
      denied.map((d) => d.pod),
    )
      .filter(
        (p) =>
          !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === p && o.args['namespace'] === ctx.ns)
            .length,
      )
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    for (const d of runningDenials(ctx)) {
      for (const other of finishedPods(ctx, [d.pod])) {
        const log = outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['name'] === other && o.args['namespace'] === ctx.ns,
        )
          .pop()
          ?.content.slice(-100_000);
        if (!log) continue;
        const lines = log.split('\n').filter((l) => l.length <= 4000);
        // An entry under the refused directory, refused to the finished pod too.
        const entry = lines
          .map((l) => ({ l: l.trim(), path: deniedPath(l) }))
          // An entry of the directory itself: listing it stats its own entries, not deeper ones.
          .find((x) => x.path?.startsWith(`${d.path}/`) && !x.path.slice(d.path.length + 1).includes('/'));
        if (!entry?.path) continue;
        const uid = lines.map((l) => /\buid=(\d{1,10})\b/.exec(l)?.[1]).find(Boolean);
        const name = entry.path.slice(d.path.length + 1);
        return [
          {
            weight: 88 + bonus(d.pod, ctx.hints),
            object: `pod ${d.pod}`,
            cause: `${d.pod} is refused on the directory ${d.path} ("${clip(d.line, 200)}"), and ${other}, a pod that listed the same directory${uid ? ` as uid ${uid}` : ''}, shows what is refused there: "${clip(entry.l, 200)}". One entry, ${name}, cannot be read${uid ? ` by uid ${uid}` : " by the container's user"} while the other entries list, and a program that stats every entry to list a directory fails on that one for the whole directory, so the listing of ${d.path} is refused as a whole; the directory's own mode and the program's own users and rules are not what refuses`,
            evidence: [
              `get_pod_logs ${d.pod}: "${clip(d.line, 200)}"`,
              `get_pod_logs ${other}: "${clip(entry.l, 200)}"`,
            ],
            advice: `make ${name} readable for the program's user, or keep it out of what the program lists (mount a subdirectory instead of the root, or a share option that hides system files); the rest of ${d.path} needs no change`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
