import { ageSeconds } from '../baseline/reading.js';
import { errorLines } from './app-errors.js';
import { envOf } from './env-values.js';
import { described, latestRevision, replicaSetAge, templateChanges, templateReads } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  namespacePods,
  outputs,
  podDeployment,
  type Read,
  setEnvFix,
} from './types.js';

/**
 * A change cause that says the change was meant for a while only: "revert afterwards", "temporarily",
 * "for debugging", "to be reverted". Bounded: fixed words only.
 */
const TEMPORARY =
  /\brevert(?:ed)? (?:it )?(?:afterwards|after|later|when done|once done)\b|\btemporar(?:y|ily)\b|\bfor (?:the )?debugging\b|\bto be (?:reverted|undone|rolled back)\b|\bundo (?:it )?(?:afterwards|later)\b/i;
/** A variable that picks a program's mode or verbosity (`APP_ENV`, `APP_DEBUG`, `NODE_ENV`, `LOG_LEVEL`). */
const MODE_VARIABLE =
  /DEBUG|(?:^|_)ENV$|^ENV(?:IRONMENT)?$|ENVIRONMENT$|_MODE$|^MODE$|LOG_?LEVEL|VERBOSE|PROFIL/i;
/** A value that puts a program in a development or debug mode. */
const DEBUG_VALUE = /^(?:dev|devel|development|debug|true|1|on|yes|trace|verbose|local)$/i;
/** A log line that shows a debug mode at work (`kernel.debug = true`, `DEBUG mode`, `debug error handler`). */
const DEBUG_LINE =
  /\bdebug(?:ging)? (?:mode|error handler|toolbar)\b|\bkernel\.debug\s?=\s?true\b|\bdev(?:elopment)? mode\b/i;
/** How long a temporary change may stay before it counts as left behind, in seconds: a day. */
const LEFT_AFTER = 24 * 3600;

interface Left {
  readonly deployment: string;
  readonly n: number;
  readonly cause: string;
}

/** Deployments of the namespace whose description was read and whose current change cause says temporary. */
function temporaryRevisions(ctx: AnalyzerContext): Left[] {
  const out: Left[] = [];
  for (const o of outputs(ctx.seen, 'describe_deployment', (x) => x.args['namespace'] === ctx.ns)) {
    const deployment = String(o.args['name'] ?? '');
    if (out.some((l) => l.deployment === deployment)) continue;
    const rev = latestRevision(ctx, deployment);
    if (!rev?.cause || rev.n < 2 || !TEMPORARY.test(rev.cause)) continue;
    out.push({ deployment, n: rev.n, cause: rev.cause });
  }
  return out.slice(0, 2);
}

type Mode = { container: string; env: string; before: string | undefined; after: string };

/** A value that names a development or debug mode itself (a switch's `on` or `1` says only "on"). */
const DEBUG_NAMED = /^(?:dev|devel|development|debug|trace|verbose|local)$/i;

/**
 * Whether a changed variable is a mode variable put to a development or debug value from another value: a
 * debug or verbosity switch turned on, or any other mode variable (`APP_ENV`, `RUN_MODE`) set to a value
 * that names a development mode (`MAINTENANCE_MODE=on` is another mode).
 */
const toDebug = (env: string | undefined, before: string | undefined, after: string | undefined) => {
  if (env === undefined || !MODE_VARIABLE.test(env) || after === undefined) return false;
  const debugging = (v: string) => (/DEBUG|VERBOSE/i.test(env) ? DEBUG_VALUE : DEBUG_NAMED).test(v.trim());
  return debugging(after) && (before === undefined || !debugging(before));
};

/** The mode variables the change set to debug values, from the two latest pod templates once both were read. */
function fromTemplates(
  ctx: AnalyzerContext,
  l: Left,
): { modes: Mode[]; age: number; sets: { current: string; previous: string } } | undefined {
  const { sets } = templateReads(ctx, l.deployment);
  if (!sets) return undefined;
  const before = described(ctx, sets.previous)?.content;
  const after = described(ctx, sets.current)?.content;
  const age = replicaSetAge(ctx, sets.current);
  if (!before || !after || age === undefined) return undefined;
  const modes = templateChanges(before, after)
    .filter((c) => toDebug(c.env, c.before, c.after) && c.before !== undefined)
    .map((c) => ({ container: c.container, env: c.env!, before: c.before, after: c.after! }));
  return age >= LEFT_AFTER ? { modes, age, sets } : { modes: [], age, sets };
}

/**
 * Without the templates: the variables the change cause itself sets (`APP_ENV=dev`) that the Deployment's
 * first container still has at that debug value, with its other debug switches (`APP_DEBUG: 1`), and the
 * age of the Deployment's youngest pod.
 */
function fromDescription(
  ctx: AnalyzerContext,
  l: Left,
): { modes: Mode[]; age: number; sets?: undefined } | undefined {
  const d = outputs(
    ctx.seen,
    'describe_deployment',
    (o) => o.args['name'] === l.deployment && o.args['namespace'] === ctx.ns,
  ).pop()?.content;
  if (!d) return undefined;
  const container = /^\s{2}Containers:\s*\n\s{3,4}([a-z0-9][a-z0-9.-]{0,62}):\s*$/m.exec(
    d.slice(0, 20_000),
  )?.[1];
  if (!container) return undefined;
  const ages = namespacePods(ctx)
    .filter((r) => podDeployment(r['NAME'] ?? '') === l.deployment)
    .map((r) => ageSeconds(r['AGE'] ?? ''))
    .filter((a): a is number => a !== undefined);
  if (ages.length === 0) return undefined;
  const age = Math.min(...ages);
  const env = envOf(d.slice(0, 20_000));
  const set = [...l.cause.matchAll(/\b([A-Z][A-Z0-9_]{1,63})=([\w.-]{1,40})/g)];
  const named = env.filter((e) =>
    set.some((m) => m[1] === e.name && m[2] === e.value && toDebug(e.name, undefined, e.value)),
  );
  if (named.length === 0 || age < LEFT_AFTER) return { modes: [], age };
  const switches = env.filter(
    (e) => !named.includes(e) && /DEBUG/i.test(e.name) && /^(?:1|true|on|yes)$/i.test(e.value),
  );
  return {
    modes: [...named, ...switches].map((e) => ({
      container,
      env: e.name,
      before: undefined,
      after: e.value,
    })),
    age,
  };
}

/**
 * A change meant for a while only that was never undone: the Deployment's current revision has a change
 * cause that calls it temporary ("debug thumbnail generation on test (APP_ENV=dev, revert afterwards)"),
 * it is more than a day old, and it put a mode variable to a development or debug value (`APP_ENV` prod →
 * dev, `APP_DEBUG` 0 → 1). A program in its development mode handles errors, logging and caches the
 * development way, so what the production mode did (recording errors, its error pages, its caches) stops
 * from that rollout on. Found from the Deployment's description (its revision and change cause), the
 * namespace's ReplicaSets and the two latest pod templates; the fix puts each changed mode variable back
 * to the value of the revision before.
 */
export const temporaryChangeAnalyzer: Analyzer = {
  name: 'temporary-change',
  first: true,
  reads(ctx): Read[] {
    return temporaryRevisions(ctx)
      .flatMap((l) => templateReads(ctx, l.deployment).reads)
      .slice(0, 3);
  },
  finds(ctx): Finding[] {
    for (const l of temporaryRevisions(ctx)) {
      const found = fromTemplates(ctx, l) ?? fromDescription(ctx, l);
      if (!found || found.modes.length === 0) continue;
      const { modes, age, sets } = found;
      const container = modes[0]!.container;
      const mine = modes.filter((c) => c.container === container);
      const said = mine
        .map((c) =>
          c.before === undefined
            ? `${c.env}=${clip(c.after, 40)}`
            : `${c.env} "${clip(c.before, 40)}" -> "${clip(c.after, 40)}"`,
        )
        .join(', ');
      const restore = mine.every((c) => c.before !== undefined);
      const shown = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ctx.ns && podDeployment(String(o.args['name'] ?? '')) === l.deployment,
      )
        .flatMap((o) => o.content.slice(-100_000).split('\n'))
        .find((x) => x.length <= 4000 && DEBUG_LINE.test(x));
      const days = Math.floor(age / 86_400);
      return [
        {
          weight: 86 + bonus(l.deployment, ctx.hints),
          object: `deployment ${l.deployment}`,
          cause: `deployment ${l.deployment} still runs revision ${l.n}, a change its own cause calls temporary ("${clip(l.cause, 200)}"), rolled out ${days} day${days === 1 ? '' : 's'} ago and never reverted: container ${container} ${said}. The program has run in its development or debug mode since then, which handles errors, logging and caches the development way, not as in production, so what the production mode did stopped with that rollout${shown ? `; its log shows the mode at work: "${clip(shown.trim(), 200)}"` : ''}`,
          evidence: [
            `describe_deployment ${l.deployment}: revision ${l.n}, change cause "${clip(l.cause, 160)}"`,
            ...mine.map((c) =>
              sets
                ? `describe_resource ReplicaSet ${sets.previous} (revision before): ${c.env}=${clip(c.before ?? '', 60)}; ReplicaSet ${sets.current} (current): ${c.env}=${clip(c.after ?? '', 60)}`
                : `describe_deployment ${l.deployment}: ${c.env}=${clip(c.after ?? '', 60)}`,
            ),
            ...(shown ? [`get_pod_logs ${l.deployment}: "${clip(shown.trim(), 160)}"`] : []),
          ],
          ...(restore
            ? {
                fix: setEnvFix(
                  ctx.ns,
                  l.deployment,
                  container,
                  mine.map((c) => ({ name: c.env!, value: c.before! })),
                  `set ${mine.map((c) => `${c.env}=${c.before}`).join(', ')} on ${l.deployment}/${container}, the production values of the revision before the temporary change`,
                ),
              }
            : {}),
          advice: restore
            ? `put ${mine.map((c) => `${c.env} back to "${c.before}"`).join(' and ')} (the revision before's production values), as the temporary change meant to`
            : `put ${mine.map((c) => c.env).join(' and ')} back to the production values the revision before had (its ReplicaSet's template shows them), as the temporary change meant to`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};

/**
 * The description of a Deployment of the namespace whose pod's current log shows failure lines, when
 * neither its description nor its rollout history was read: its change cause is what `temporary-change`
 * reads. Last in order, so it costs a step only when the budget has one to spare; at most one Deployment.
 */
export const changeCauseAnalyzer: Analyzer = {
  name: 'change-cause',
  reads(ctx): Read[] {
    const read = (tool: string, name: string) =>
      outputs(ctx.seen, tool, (o) => o.args['name'] === name && o.args['namespace'] === ctx.ns).length > 0;
    for (const o of outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
    )) {
      const deployment = podDeployment(String(o.args['name'] ?? ''));
      if (!deployment || read('describe_deployment', deployment) || read('get_rollout_history', deployment))
        continue;
      if (errorLines(o.content.slice(-100_000)).length === 0) continue;
      return [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name: deployment } }];
    }
    return [];
  },
  finds: () => [],
};
