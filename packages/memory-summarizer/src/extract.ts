// What an SRE needs from an observation, found with plain patterns so the summary is deterministic.

const REASONS =
  /\b(?:OOMKilled|CrashLoopBackOff|ImagePullBackOff|ErrImagePull|CreateContainerConfigError|CreateContainerError|RunContainerError|ContainerCannotRun|InvalidImageName|DeadlineExceeded|Evicted|NodeNotReady|FailedScheduling|FailedMount|FailedAttachVolume|ProgressDeadlineExceeded|Unhealthy|BackOff|MemoryPressure|DiskPressure|PIDPressure|Failed[A-Z][A-Za-z]+|Err[A-Z][A-Za-z]+|[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:BackOff|Killed|Exceeded|NotReady|Pressure))\b/;
const NONZERO_EXIT =
  /\bexit(?:ed)?[\s_-]*(?:code|status)?["'\s:=]*(?:[1-9]\d{0,2})\b|"exitCode"\s*:\s*[1-9]/i;
const ERRORISH =
  /\b(?:error|errors|fatal|panic|exception|oom|out of memory|killed|crash\w*|fail(?:ed|ure|ing)?|refused|denied|forbidden|unauthori[sz]ed|time[ds]? ?out|unhealthy|evict\w*|not ?ready|insufficient|unable|cannot|can't|invalid|exceeded|back-?off|unreachable|no such|not found|[45]\d\d\s+[A-Z])/i;
const WARNISH = /\b(?:warn(?:ing)?|degraded|throttl\w*|slow|retry(?:ing)?|pending|terminat\w*)\b/i;
const STATUSISH =
  /\b(?:status|state|reason|restart(?:s| count)?|ready|replicas|available|image|limits?|requests?|memory|cpu|phase|conditions?|message|exit code)\b/i;
const HEALTHY_ONLY = /^\s*(?:\S+\s+)?(?:INFO|DEBUG|TRACE)\b/;
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\s*/g;
// Field names worth keeping from describe-style `Key: value` output.
const FIELD =
  /^\s*(State|Reason|Last State|Exit Code|Restart Count|Status|Ready|Phase|Message|Image|Replicas|Limits|Requests|memory|cpu|Signal|Started|Finished|Conditions|Events)\s*:\s*(.*)$/i;

/** How much an SRE would miss a line: 0 for noise, higher for reasons, non-zero exits and errors. */
export function lineScore(line: string): number {
  let score = 0;
  if (REASONS.test(line)) score += 4;
  if (NONZERO_EXIT.test(line)) score += 4;
  if (ERRORISH.test(line)) score += 3;
  else if (WARNISH.test(line)) score += 2;
  if (score === 0 && HEALTHY_ONLY.test(line)) return 0;
  if (score === 0 && STATUSISH.test(line)) score = 1;
  return score;
}

/** The line without timestamps and with runs of whitespace collapsed, cut to `max` characters. */
export function cleanLine(line: string, max = 220): string {
  const text = line.replace(TIMESTAMP, '').replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A line with numbers masked, so repeats that differ only in counts, latencies or ids collapse into one. */
export function lineShape(line: string): string {
  return line.replace(/\b\d+(?:\.\d+)?(?:ms|s|m|h|Mi|Gi|Ki|%)?\b/g, '#').toLowerCase();
}

/** The object an observation is about, from its arguments: `namespace/name`, or compact JSON. */
export function targetOf(args: unknown): string {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return args === undefined ? '' : compactJson(args);
  }
  const r = args as Record<string, unknown>;
  const name = [r['name'], r['deployment'], r['pod'], r['statefulset']].find((v) => typeof v === 'string');
  const ns = typeof r['namespace'] === 'string' ? r['namespace'] : undefined;
  const kind = typeof r['kind'] === 'string' ? `${r['kind']} ` : '';
  if (typeof name === 'string') return `${kind}${ns ? `${ns}/` : ''}${name}`;
  if (ns) return `${kind}${ns}`;
  return compactJson(args);
}

function compactJson(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? '';
  } catch {
    text = '[unserializable]';
  }
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** Describe-style fields that carry state (Reason, Exit Code, Restart Count…), as `Key value` pairs in order. */
export function stateFields(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const m = FIELD.exec(line);
    if (!m) continue;
    const value = cleanLine(m[2] ?? '', 80);
    if (value.length === 0) continue;
    out.push(`${m[1]} ${value}`);
    if (out.length >= 16) break;
  }
  return out;
}

/** True for a describe-style line that `stateFields` would keep. */
export function isStateField(line: string): boolean {
  return FIELD.test(line);
}
