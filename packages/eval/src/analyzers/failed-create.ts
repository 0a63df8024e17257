import { parseTable } from '../k8s-text.js';
import { type Analyzer, bonus, clip, type Finding, outputs } from './types.js';

/** The kubelet-side refusal the API server gives when a pod names a ServiceAccount that does not exist. */
const NO_SERVICE_ACCOUNT =
  /error looking up service account ([a-z0-9-]{1,63})\/([a-z0-9.-]{1,253}): serviceaccount "([a-z0-9.-]{1,253})" not found/;

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
    const failed = rows.find(
      (r) =>
        r['TYPE'] === 'Warning' &&
        r['REASON'] === 'FailedCreate' &&
        /\bforbidden\b|\bnot found\b|exceeded quota|denied/i.test(r['MESSAGE'] ?? ''),
    );
    if (!failed) return [];
    const object = (failed['OBJECT'] ?? '').replace('/', ' ');
    const message = failed['MESSAGE'] ?? '';
    // What waited on the pods and gave up, when the events or the person say so.
    const waited = rows.find(
      (r) => r['TYPE'] === 'Warning' && r !== failed && GAVE_UP.test(r['MESSAGE'] ?? ''),
    );
    const timedOut = waited !== undefined || GAVE_UP.test(task.slice(0, 4000));
    // Without something that gave up waiting, the scan's and the warnings' findings say it (with their fixes).
    if (!timedOut) return [];
    const sa = NO_SERVICE_ACCOUNT.exec(message);
    const account = sa && sa[1] === ns ? sa[3]! : undefined;
    const waitedText = waited
      ? `; ${waited['OBJECT']} waited for those pods and gave up ("${clip(waited['MESSAGE'] ?? '', 160)}"): the timeout is the symptom, a longer one would change nothing`
      : '; what waits for those pods times out because of it: a longer timeout would change nothing';
    return [
      {
        weight: 90 + bonus(object.split(' ')[1] ?? '', hints),
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
      },
    ];
  },
};
