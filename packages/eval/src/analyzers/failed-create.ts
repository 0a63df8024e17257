import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, bonus, clip, type Finding, outputs } from './types.js';

/** The kubelet-side refusal the API server gives when a pod names a ServiceAccount that does not exist. */
const NO_SERVICE_ACCOUNT =
  /error looking up service account ([a-z0-9-]{1,63})\/([a-z0-9.-]{1,253}): serviceaccount "([a-z0-9.-]{1,253})" not found/;

/**
 * The API server's refusals of a pod: a policy or a missing object (`is forbidden`, `not found`), a quota,
 * an admission webhook that denied it or could not be called, a pod its LimitRange's defaults make
 * invalid (`Pod "…" is invalid: … must be less than or equal to cpu limit`).
 */
const REFUSED = /\bforbidden\b|\bnot found\b|exceeded quota|denied|failed calling webhook|\bis invalid\b/i;

/** A release or rollout that gave up waiting: Helm's and Flux's words, and kubectl's. */
const GAVE_UP =
  /context deadline exceeded|timed out waiting for the condition|\btimeout\b[^\n]{0,40}\bexceeded\b|progress deadline/i;

/**
 * A controller that cannot create its pods, as its FailedCreate Warning events say (the API server refused
 * the pod: a ServiceAccount not found, a quota exceeded, an admission webhook or policy that denies it),
 * read from the namespace's events, when what waits on those pods (a Helm or Flux release, a rollout) gave
 * up with a timeout ("context deadline exceeded"), which is the symptom: a longer timeout changes nothing. A
 * ServiceAccount the pod names that does not exist is created with an `apply_manifest` fix (a bare
 * ServiceAccount: its permissions, if any, are the chart's to bind).
 */
export const failedCreateAnalyzer: Analyzer = {
  name: 'failed-create',
  reads: () => [],
  finds({ ns, seen, hints, task }): Finding[] {
    const events = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).pop();
    if (!events) return [];
    const rows = parseTable(events.content);
    // What waited on the pods and gave up, when the events or the person say so: a release, a rollout, a
    // Job; never a pod's own probe that timed out (`Readiness probe failed: … context deadline exceeded`).
    const waited = rows.find(
      (r) =>
        r['TYPE'] === 'Warning' &&
        r['REASON'] !== 'FailedCreate' &&
        r['REASON'] !== 'Unhealthy' &&
        !/^pods?\//.test(r['OBJECT'] ?? '') &&
        GAVE_UP.test(r['MESSAGE'] ?? ''),
    );
    const timedOut = waited !== undefined || GAVE_UP.test(task.slice(0, 4000));
    // Without something that gave up waiting, the scan's and the warnings' findings say it (with their fixes).
    if (!timedOut) return [];
    // Each controller's newest refusal, unless a pod of it was created since (the refusal is history).
    const refused = new Map<string, Record<string, string>>();
    for (const r of rows) {
      if (r['TYPE'] !== 'Warning' || r['REASON'] !== 'FailedCreate' || !REFUSED.test(r['MESSAGE'] ?? ''))
        continue;
      const object = r['OBJECT'] ?? '';
      if (!refused.has(object) && !createdSince(rows, object, r['LAST SEEN'] ?? '')) refused.set(object, r);
      if (refused.size >= 4) break;
    }
    const out: Finding[] = [];
    for (const [objectRef, failed] of refused) {
      const object = objectRef.replace('/', ' ');
      const message = failed['MESSAGE'] ?? '';
      const sa = NO_SERVICE_ACCOUNT.exec(message);
      const account = sa && sa[1] === ns ? sa[3]! : undefined;
      const waitedText = waited
        ? `; ${waited['OBJECT']} waited for those pods and gave up ("${clip(waited['MESSAGE'] ?? '', 160)}"): the timeout is the symptom, a longer one would change nothing`
        : '; what waits for those pods times out because of it: a longer timeout would change nothing';
      out.push({
        // A missing ServiceAccount, which this rule can create, comes before a refusal it can only name.
        weight: 90 + (account ? 1 : 0) + bonus(object.split(' ')[1] ?? '', hints),
        object,
        cause: `${object} cannot create its pods: the API server refuses them (FailedCreate: "${clip(message, 240)}")${
          account ? `: the pods name the ServiceAccount ${account}, which does not exist in ${ns}` : ''
        }${waitedText}`,
        evidence: [
          `get_events ${ns}: Warning FailedCreate ${failed['OBJECT']}: "${clip(message, 200)}"`,
          ...(waited
            ? [
                `get_events ${ns}: Warning ${waited['REASON']} ${waited['OBJECT']}: "${clip(waited['MESSAGE'] ?? '', 160)}"`,
              ]
            : []),
        ],
        advice: account
          ? `create the ServiceAccount ${account} in ${ns} (or set the chart's value that creates it), then let the release run again`
          : `remove what refuses the pods (the message names it), then let the controller create them again`,
        revisionSound: true,
        ...(account
          ? {
              fix: {
                tool: 'apply_manifest',
                args: {
                  namespace: ns,
                  manifest: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${account}\n  namespace: ${ns}\n`,
                },
                text: `create the ServiceAccount ${account} in ${ns}, which the pods of ${object} name`,
              },
            }
          : {}),
      });
    }
    return out;
  },
};

/**
 * Whether the events show a pod of `object` created more recently than a refusal last seen `lastSeen` ago
 * (kubectl's ages: a SuccessfulCreate seen less long ago); false when either age cannot be read.
 */
function createdSince(rows: readonly Record<string, string>[], object: string, lastSeen: string): boolean {
  const refusedAgo = ageSeconds(lastSeen.split(' ')[0] ?? '');
  if (refusedAgo === undefined) return false;
  return rows.some((r) => {
    if (r['REASON'] !== 'SuccessfulCreate' || r['OBJECT'] !== object) return false;
    const ago = ageSeconds((r['LAST SEEN'] ?? '').split(' ')[0] ?? '');
    return ago !== undefined && ago < refusedAgo;
  });
}
