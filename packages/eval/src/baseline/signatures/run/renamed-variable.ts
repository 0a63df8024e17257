import { type Change, latestRolloutChanges, VALUE_FROM } from '../../../analyzers/rollout-diff.js';
import type { AnalyzerContext, Finding } from '../../../analyzers/types.js';
import type { RunSignature } from '../types.js';

/** A variable the latest rollout renamed: removed under one name, added under another with the same value. */
export interface RenamedVariable {
  readonly container: string;
  readonly from: string;
  readonly to: string;
  readonly value: string;
}

/**
 * The variables a rollout's changes (`templateChanges`) renamed: in one container, a variable removed
 * (`REDIS_HOST`, was `redis-master`) and one added (`REDIS_HOSTNAME`, now `redis-master`) with the same
 * literal value, not empty and not read from a Secret or ConfigMap. Each removed variable pairs with at
 * most one added one; a value shared by several removed or added variables pairs none of them.
 */
export function renamedVariables(changes: readonly Change[]): RenamedVariable[] {
  const out: RenamedVariable[] = [];
  const literal = (v: string | undefined): v is string => !!v && !v.startsWith(VALUE_FROM);
  const removed = changes.filter((c) => c.env && c.after === undefined && literal(c.before));
  const added = changes.filter((c) => c.env && c.before === undefined && literal(c.after));
  for (const r of removed) {
    const same = added.filter((a) => a.container === r.container && a.after === r.before);
    const rivals = removed.filter((o) => o.container === r.container && o.before === r.before);
    if (same.length === 1 && rivals.length === 1)
      out.push({ container: r.container, from: r.env!, to: same[0]!.env!, value: r.before! });
  }
  return out;
}

/** A failure that connects to the pod's own loopback: what a program does when its host variable is unset. */
const LOOPBACK = /(?<![\w.-])(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?(?![\w.-])/i;

/** A value that names a host (`redis-master`, `db.shop.svc:5432`), not a path, a URL with a scheme or a number. */
const HOST_VALUE = /^[a-z][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,6}(?::\d{1,5})?$/i;

/**
 * A rollout that renamed a variable of a container whose program now fails as a program does without
 * it: the program reads the variable by the name it was written for, so under the new name the setting
 * is lost and it runs on its built-in default (often localhost). The failing finding of that Deployment
 * takes the rename as its cause, and setting the old name again (`set_env`, the value unchanged) as its
 * fix: the narrowest change that gives the program its setting back, which keeps the rest of the release
 * (a rollback would undo it all).
 */
export const renamedVariable: RunSignature = {
  name: 'renamed-variable',
  refine({ seen, ns, tools }, found) {
    const ctx: AnalyzerContext = { task: '', ns, hints: [], seen };
    const diff = latestRolloutChanges(ctx);
    if (!diff) return;
    const renamed = renamedVariables(diff.list);
    if (renamed.length === 0) return;
    const failing = found
      .filter(
        (f: Finding) =>
          (f.object === `deployment ${diff.deployment}` ||
            f.object.startsWith(`deployment ${diff.deployment} `)) &&
          !f.fix?.tool.startsWith('set_env'),
      )
      .sort((a, b) => b.weight - a.weight)[0];
    if (!failing) return;
    const said = [failing.cause, ...failing.evidence].join('\n');
    // The renamed variable the failure points at: its old name in what was said, or a program that connects
    // to its own loopback, as one does when the variable naming its host is unset.
    const r =
      renamed.find((x) => said.includes(x.from)) ??
      (LOOPBACK.test(failing.cause) && renamed.length === 1 && HOST_VALUE.test(renamed[0]!.value)
        ? renamed[0]
        : undefined);
    if (!r) return;
    failing.cause += `; the latest rollout of deployment ${diff.deployment} (revision ${diff.rev.n}${diff.rev.cause ? `: ${diff.rev.cause}` : ''}) renamed the variable ${r.from} of container ${r.container} to ${r.to}, with the same value ${r.value}: the program reads the name it was written for, so ${r.from} is now unset and it falls back to its built-in default`;
    failing.evidence.push(
      `describe_resource ReplicaSet ${diff.sets.current} against ${diff.sets.previous}: env ${r.from}=${r.value} removed, ${r.to}=${r.value} added`,
    );
    if (tools.has('set_env')) {
      const previous = failing.fix;
      failing.fix = {
        tool: 'set_env',
        args: {
          namespace: ns,
          deployment: diff.deployment,
          container: r.container,
          set: [{ name: r.from, value: r.value }],
        },
        text: `set ${r.from}=${r.value} on container ${r.container} of ${diff.deployment} again, the name the program reads (the rest of the release stays)`,
      };
      if (previous && !failing.fallback) failing.fallback = previous;
    }
    failing.advice = `give container ${r.container} of ${diff.deployment} the variable ${r.from}=${r.value} again (or change the program to read ${r.to}); keep the rest of the release`;
  },
};
