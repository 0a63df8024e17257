import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, clip, flat, loggedLines, outputs, type Read } from './types.js';

/** A full filesystem as programs report it: bytes or inodes (ENOSPC is both). */
const FULL = /No space left on device|ENOSPC|Disk quota exceeded|\bdisk (?:is )?full\b/i;
/** What a cleanup job's name or command says it does. */
const CLEANS =
  /\b(?:clean\w{0,4}|prun\w{1,3}|purg\w{1,3}|janitor|reaper|delete\w{0,2}|remov\w{1,3}|expir\w{1,3}|rotat\w{1,3}|vacuum|gc|retention|compact\w{0,4}|trim)\b/i;
const MAX_DESCRIBED = 3;

function fullIn({ seen, ns }: AnalyzerContext): boolean {
  return loggedLines(seen, ns, (l) => l.length <= 2000 && FULL.test(l)).length > 0;
}

function cronJobs(seen: AnalyzerContext['seen'], ns: string): string[] {
  return outputs(
    seen,
    'list_resources',
    (o) => /^(cronjobs?|cj)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
  )
    .flatMap((o) => parseTable(o.content).map((r) => r['NAME'] ?? ''))
    .filter(Boolean);
}

/**
 * A cleanup CronJob that is suspended while its volume fills: a job that deletes, prunes or rotates
 * files (by its name or its command) with `spec.suspend: true` creates no Jobs
 * (kubernetes.io, "CronJob": suspend), so what it removed piles up until the volume runs out of space
 * or inodes. When a program in the namespace logs a full filesystem, the namespace's CronJobs are
 * listed and described (at most three); the note names the suspended cleaner, its command, its last
 * successful run and any annotation saying why it was suspended.
 */
export const suspendedCleanupAnalyzer: Analyzer = {
  name: 'suspended-cleanup',
  reads(ctx) {
    if (!fullIn(ctx)) return [];
    const { seen, ns } = ctx;
    const listed = outputs(
      seen,
      'list_resources',
      (o) => /^(cronjobs?|cj)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    );
    if (listed.length === 0) return [{ tool: 'list_resources', args: { kind: 'CronJob', namespace: ns } }];
    const described = new Set(
      outputs(seen, 'describe_resource', (o) => /^(cronjobs?|cj)$/i.test(String(o.args['kind']))).map((o) =>
        String(o.args['name']),
      ),
    );
    return cronJobs(seen, ns)
      .slice(0, MAX_DESCRIBED)
      .filter((n) => !described.has(n))
      .map((name): Read => ({ tool: 'describe_resource', args: { kind: 'CronJob', name, namespace: ns } }));
  },
  finds() {
    return [];
  },
  notes(ctx) {
    if (!fullIn(ctx)) return [];
    const out: string[] = [];
    for (const o of outputs(
      ctx.seen,
      'describe_resource',
      (x) => /^(cronjobs?|cj)$/i.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
    )) {
      if (flat(o.content, 'suspend') !== 'true') continue;
      const name = String(o.args['name'] ?? '');
      const command = [
        ...o.content.matchAll(
          /^\s*jobTemplate\.spec\.template\.spec\.containers\[0\]\.(?:command|args)\[\d{1,3}\]: (.{1,200})$/gm,
        ),
      ]
        .map((m) => m[1]!.trim())
        .join(' ');
      if (!CLEANS.test(name) && !CLEANS.test(command)) continue;
      const lastOk = flat(o.content, 'lastSuccessfulTime');
      const why = /^Annotations:\s+(.{1,300})$/m.exec(o.content)?.[1]?.trim();
      out.push(
        `The cleanup that keeps that volume in check is off: CronJob ${name}${command ? ` (${clip(command, 100)})` : ''} is suspended (suspend: true), so it creates no Jobs${lastOk ? `; its last successful run was ${lastOk}` : ''}${why && why !== '<none>' ? `; its annotation: ${clip(why, 140)}` : ''}. What it deletes has piled up since: resume it (suspend: false) once the reason it was suspended is settled, or clean up by hand; a bigger volume only postpones the next fill.`,
      );
    }
    return out;
  },
};
