import type { Finding } from '../../analyzers/types.js';
import { HUNCH } from '../reading.js';

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
