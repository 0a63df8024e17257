import { errorLines } from './app-errors.js';
import { latestRolloutChanges, VALUE_FROM } from './rollout-diff.js';
import { type Analyzer, clip, type Finding, outputs } from './types.js';

/** A variable that holds a credential, by its name. */
const CREDENTIAL = /TOKEN|SECRET|PASSWORD|PASSWD|PASS$|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH/i;
/** A failure a server gives for a credential it does not accept. Linear: fixed words. */
const REJECTED =
  /\b401\b|\bunauthori[sz]ed\b|\bforbidden\b|\b403\b|authentication failed|invalid (?:api[ _-]?key|token|credentials?)|access denied|signature (?:does not match|mismatch)/i;
/** A Secret's name that says it belongs to another environment. */
const OTHER_ENV =
  /(?:^|[-_.])(staging|stage|stg|dev|develop|test|testing|qa|sandbox|uat|preprod)(?:$|[-_.])/i;

/**
 * A rollout that points a credential variable at another Secret (or another key of one), after which
 * the program's calls are refused as unauthorized: the credential the new reference holds is not one
 * the server accepts (a staging token in production, a key not yet registered). Found from the latest
 * rollout's template changes (`latestRolloutChanges`: a `valueFrom` Secret reference changed for a
 * variable named as a credential) and a failure line in that Deployment's logs that a refused
 * credential gives (401, 403, Unauthorized, invalid token). Rolling back, or pointing the variable back
 * at the Secret it read before, restores the accepted credential.
 */
export const credentialRefChangedAnalyzer: Analyzer = {
  name: 'credential-ref-changed',
  reads: () => [],
  finds(ctx) {
    const latest = latestRolloutChanges(ctx);
    if (!latest) return [];
    const c = latest.list.find(
      (x) =>
        x.env !== undefined &&
        CREDENTIAL.test(x.env) &&
        x.after?.startsWith(`${VALUE_FROM}secret `) === true &&
        x.before !== x.after,
    );
    if (!c) return [];
    const failure = outputs(
      ctx.seen,
      'get_pod_logs',
      // A pod of the new revision's ReplicaSet: the old one's pods still read the old reference.
      (o) =>
        o.args['namespace'] === ctx.ns && String(o.args['name'] ?? '').startsWith(`${latest.sets.current}-`),
    )
      .flatMap((o) =>
        errorLines(o.content.slice(-200_000)).map((line) => ({ pod: String(o.args['name']), line })),
      )
      .find((x) => x.line.length <= 4000 && REJECTED.test(x.line));
    if (!failure) return [];
    // The Secret by name; its entry only when the entry is what changed (an entry name reads as a secret
    // to the redactor, and the Secret's name is what tells where the credential came from).
    const shown = (v: string) => {
      const ref = v.slice(VALUE_FROM.length);
      return c.before?.split(', entry ')[0] === c.after!.split(', entry ')[0]
        ? ref
        : ref.split(', entry ')[0]!;
    };
    const now = shown(c.after!);
    // A literal the template held before is a credential itself: never quoted.
    const was =
      c.before === undefined
        ? undefined
        : c.before.startsWith(VALUE_FROM)
          ? shown(c.before)
          : 'a literal value';
    const secret = /^secret ([^\s,]{1,253})/.exec(now)?.[1] ?? '';
    const env = OTHER_ENV.exec(secret)?.[1];
    const d = latest.deployment;
    return [
      {
        weight: 88,
        object: `deployment ${d}`,
        cause: `revision ${latest.rev.n} of deployment ${d} points ${c.env} of container ${c.container} at ${now}${was !== undefined ? ` (it read ${was} before)` : ''}${env ? `, a ${env.toLowerCase()} credential` : ''}, and since then the server its calls go to refuses them as unauthorized ("${clip(failure.line.trim(), 200)}", ${failure.pod}); the token the new Secret holds is not one that server accepts, so the calls that need it fail while the rest of the program works`,
        evidence: [
          `template change of ${d} (revision ${latest.rev.n}): env ${c.env} ${was ?? 'unset'} -> ${now}`,
          `get_pod_logs ${failure.pod}: "${clip(failure.line.trim(), 200)}"`,
        ],
        advice: `point ${c.env} back at ${was ?? 'the Secret it read before'} (or roll ${d} back), and give the release the production credential before it is rolled out again`,
      } satisfies Finding,
    ];
  },
};
