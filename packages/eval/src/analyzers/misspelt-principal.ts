import { editDistance } from '../did-you-mean.js';
import { latestRolloutChanges } from './rollout-diff.js';
import { type Analyzer, clip, envFix, type Finding, loggedLines } from './types.js';

/** A refusal of the credentials a client presented, as brokers, databases and their clients word it. */
const AUTH_FAILED =
  /SaslAuthenticationException|Authentication failed|authentication failed|invalid credentials|password authentication failed|Access denied for user|NOAUTH|WRONGPASS|ACCESS_REFUSED/;
/** A variable that holds the user a client logs in as. */
const USER_VAR = /(?:^|_)(?:USER|USERNAME|LOGIN|PRINCIPAL)$/;

/**
 * A rollout that set the user a client logs in as to a name one or two letters off the workload's own
 * name (`settlement-consumr` for settlement-consumer), while the client's credentials are refused: the
 * per-service user is the workload's name, misspelt. The fix sets the variable to the workload's name
 * (an approved `set_env`); a rollback would bring back whatever user the previous revision used.
 */
export const misspeltPrincipalAnalyzer: Analyzer = {
  name: 'misspelt-principal',
  reads: () => [],
  finds(ctx): Finding[] {
    const changes = latestRolloutChanges(ctx);
    if (!changes) return [];
    const refused = loggedLines(ctx.seen, ctx.ns, (l) => l.length <= 4000 && AUTH_FAILED.test(l))[0];
    if (!refused) return [];
    const workload = changes.deployment;
    for (const c of changes.list) {
      if (!c.env || !USER_VAR.test(c.env) || !c.after) continue;
      const value = c.after.trim();
      const distance = editDistance(value, workload, 2);
      if (value === workload || value.length < 6 || distance > 2) continue;
      const pod = String(refused.log.args['name'] ?? '');
      return [
        {
          weight: 90,
          object: `deployment ${workload} (pod ${pod})`,
          cause: `the client's credentials are refused ("${clip(refused.line.trim(), 200)}") because the user it logs in as is misspelt: revision ${changes.rev.n} of deployment ${workload}${changes.rev.cause ? ` ("${clip(changes.rev.cause, 120)}")` : ''} set ${c.env} to "${value}" (it was "${c.before ?? ''}"), ${distance} letter(s) off the workload's own name "${workload}", the per-service user it was meant to get; no such user exists, so authentication fails at every start`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(refused.line.trim(), 200)}"`,
            `describe_resource ReplicaSet ${changes.sets.current} against ${changes.sets.previous}: ${c.env} "${c.before ?? ''}" -> "${value}"`,
          ],
          advice: `set ${c.env}=${workload} on ${workload}/${c.container} (check the user's name with the broker's or database's team); a rollback would bring back the previous user`,
          ...envFix(
            ctx.ns,
            workload,
            c.container,
            [{ name: c.env, value: workload }],
            `set ${c.env}=${workload} on ${workload}/${c.container}, the user's name without the typo`,
          ),
        },
      ];
    }
    return [];
  },
};
