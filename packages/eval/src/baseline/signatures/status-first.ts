import type { Finding } from '../../analyzers/types.js';
import { HUNCH, type PodRow } from '../reading.js';

/**
 * The client-error status a person reports (`413`, `Request Entity Too Large`), as its three digits, from the
 * task's sentences that voice no hunch (see `HUNCH`); at most the first 4,000 characters are read. Only 4xx: a crash or an exhausted dependency behind a
 * proxy also shows as 502, 503 or 504, so a 5xx says less about which cause it is.
 */
export function reportedClientStatus(task: string): string | undefined {
  // What the person saw, not what they guess ("I suspect it rejects our requests with 429").
  const t = task
    .slice(0, 4000)
    .split(/(?<=[.!?])\s+/)
    .filter((x) => !HUNCH.test(x))
    .join(' ');
  for (const m of t.matchAll(/(?<![\w./#-])(4\d\d)(?![\w:/%-]|\.\d)/g)) {
    const before = t.slice(Math.max(0, m.index - 12), m.index).toLowerCase();
    const after = t.slice(m.index + 3, m.index + 14);
    // After a colon only as a status field's value (`"status":403`, `code: 403`), not a port (`host:443`).
    if (before.endsWith(':') && !/(?:status|code)["']?:$/.test(before)) continue;
    // Not a port (`port 443`) nor a quantity (`400 ms`, `404 pods`, `400 seconds`).
    if (
      /ports? $/.test(before) ||
      /^\s?(?:ms|s|secs?|seconds?|mins?|minutes?|h|hours?|days?|mb|mib|kb|gb|bytes?|pods?|replicas?|lines?|times?|users?|requests?)\b/i.test(
        after,
      )
    )
      continue;
    return m[1];
  }
  // The 413's and 431's reason phrases (RFC 9110 §15.5.14, its older names; RFC 6585 §5).
  if (/request entity too large|payload too large|content too large/i.test(t)) return '413';
  if (/request header fields too large/i.test(t)) return '431';
  return undefined;
}

/** Whether a finding's cause (not its quoted evidence) names the status. */
function says(f: Finding, code: string): boolean {
  return new RegExp(`(?<![\\w.-])${code}(?![\\w-]|\\.\\d)`).test(f.cause);
}

/**
 * `findings` (in order) with the first one whose cause explains the client-error status the person
 * reports (it names the code) moved in front, when the one in front does not name it: an OOM kill or a
 * crash of another workload does not make a proxy answer 413 or 403. A finding moved must weigh at least
 * `minWeight`. Returns the same array when nothing moves.
 */
export function statusFirst(findings: Finding[], task: string, minWeight: number): Finding[] {
  const top = findings[0];
  if (!top) return findings;
  const code = reportedClientStatus(task);
  if (!code || says(top, code)) return findings;
  const at = findings.findIndex((f, i) => i > 0 && f.weight >= minWeight && says(f, code));
  if (at <= 0) return findings;
  return [findings[at]!, ...findings.slice(0, at), ...findings.slice(at + 1)];
}

/**
 * The pod statuses a person may report, as kubectl's STATUS column (and a container's Last State reason)
 * shows them, each group one symptom. CrashLoopBackOff and Error are left out: a crash loop is as often
 * caused by a dependency's failure as by the pod itself, so it does not say which finding answers.
 */
const POD_STATUS_GROUPS: readonly (readonly string[])[] = [
  ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName'],
  ['ContainerCreating'],
  ['CreateContainerConfigError'],
  ['OOMKilled'],
  ['Evicted'],
  ['Pending'],
];

/** Statuses a row shows that are a failure now (the ones a person would report as broken). */
const FAILING_STATUS =
  /ImagePullBackOff|ErrImagePull|InvalidImageName|CrashLoopBackOff|Error|OOMKilled|Evicted|Pending|ContainerCreating|CreateContainerConfigError|RunContainerError|Init:/;

/**
 * The pod status the person reports (`stuck in ImagePullBackOff`), as its group of kubectl STATUS values, from
 * the task's sentences that voice no hunch (see `HUNCH`); the first 4,000 characters are read. The names are
 * matched as kubectl spells them (case-sensitive, whole words); `Pending` only after a word that puts a pod in
 * that state (`stuck in Pending`, `are Pending`), since "pending" is common prose.
 */
export function reportedPodStatus(task: string): readonly string[] | undefined {
  const t = task
    .slice(0, 4000)
    .split(/(?<=[.!?])\s+/)
    .filter((x) => !HUNCH.test(x))
    .join(' ');
  for (const group of POD_STATUS_GROUPS) {
    for (const status of group) {
      const at = wordAt(t, status);
      if (at < 0) continue;
      if (status === 'Pending' && !podPending(t, at)) continue;
      return group;
    }
  }
  return undefined;
}

/**
 * Whether `Pending` at `at` is said of pods: a pod word shortly before it ("the worker pods stay Pending",
 * "pods are stuck in Pending"), or "stuck in Pending" / "Pending state"; an application's own status ("every new
 * order is Pending") is not.
 */
function podPending(t: string, at: number): boolean {
  const before = t.slice(Math.max(0, at - 40), at);
  const after = t.slice(at + 'Pending'.length, at + 'Pending'.length + 10);
  return (
    /\bpods?\b[^.!?]{0,30}$/i.test(before) ||
    /\bstuck in\s+$/i.test(before) ||
    /^\s(?:state|status|phase)\b/i.test(after)
  );
}

/** Where `word` first stands as a whole word in `text` (no letter, digit or `-` beside it), or -1. */
function wordAt(text: string, word: string): number {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    if (!/[\w-]/.test(text[at - 1] ?? '') && !/[\w-]/.test(text[at + word.length] ?? '')) return at;
  }
  return -1;
}

/** The pods a finding's object names (`deployment x (pod y)`, `pod y`, `job x (pod y)`). */
function podsOf(f: Finding): string[] {
  return [...f.object.matchAll(/\bpod ([a-z0-9][a-z0-9.-]{0,252})/g)].map((m) => m[1]!);
}

/**
 * `findings` (in order) with the first one about a pod that shows the status the person reports moved in
 * front, when the one in front is about a pod of this namespace's list that fails with another status: an OOM
 * kill of a side workload does not make the reported pods sit in ImagePullBackOff. "Shows" is the pod list's
 * STATUS column or the finding's cause naming the status. A finding moved must weigh at least `minWeight`.
 * Returns the same array when nothing moves.
 */
export function podStatusFirst(
  findings: Finding[],
  task: string,
  rows: readonly PodRow[],
  minWeight: number,
): Finding[] {
  const top = findings[0];
  if (!top || findings.length < 2) return findings;
  const group = reportedPodStatus(task);
  if (!group) return findings;
  const statusOf = new Map(rows.map((r) => [r.name, r.status]));
  const shows = (f: Finding): boolean =>
    group.some((s) => wordAt(f.cause, s) >= 0) ||
    podsOf(f).some((p) => group.some((s) => wordAt(statusOf.get(p) ?? '', s) >= 0));
  if (shows(top)) return findings;
  // The one in front must be another pod's failure as the list shows it; a node's, a claim's or a
  // Service's finding may be what puts the reported pods in their state.
  const topStatuses = podsOf(top).map((p) => statusOf.get(p));
  if (!topStatuses.length || !topStatuses.every((s) => s !== undefined && FAILING_STATUS.test(s)))
    return findings;
  const at = findings.findIndex((f, i) => i > 0 && f.weight >= minWeight && shows(f));
  if (at <= 0) return findings;
  return [findings[at]!, ...findings.slice(0, at), ...findings.slice(at + 1)];
}
