/** What kind of concrete fact a claim is. */
export type ClaimKind = 'name' | 'quantity' | 'restarts' | 'exit_code' | 'reason' | 'quote';

/** One concrete, checkable fact stated in an answer. */
export interface Claim {
  readonly kind: ClaimKind;
  /** The text as the answer wrote it. */
  readonly text: string;
  /** Where it starts in the answer. */
  readonly index: number;
}

// Reasons Kubernetes reports for containers, pods, nodes and events, plus the shapes such reasons take.
const KNOWN_REASONS = [
  'OOMKilled',
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ContainerCannotRun',
  'DeadlineExceeded',
  'Evicted',
  'Preempting',
  'NodeNotReady',
  'NodeLost',
  'FailedScheduling',
  'FailedMount',
  'FailedAttachVolume',
  'FailedCreatePodSandBox',
  'FailedKillPod',
  'ProgressDeadlineExceeded',
  'ReplicaFailure',
  'Unhealthy',
  'BackOff',
  'MemoryPressure',
  'DiskPressure',
  'PIDPressure',
  'NetworkUnavailable',
  'ContainersNotReady',
  'PodInitializing',
  'ContainerStatusUnknown',
];
const REASON_RE = new RegExp(
  [
    `\\b(?:${KNOWN_REASONS.join('|')})\\b`,
    // CamelCase words ending the way failure reasons do (FailedPostStartHook, ErrSomething, QuotaExceeded).
    '\\b(?:Failed|Err)[A-Z][A-Za-z]+\\b',
    '\\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:BackOff|Killed|Exceeded|NotReady|Pressure)\\b',
  ].join('|'),
  'g',
);

// kind/name as kubectl prints it: pod/checkout-7f9c4-xk2p9, deployment/checkout.
const KIND_NAME_RE =
  /\b(?:pods?|deployments?|deploy|replicasets?|rs|statefulsets?|sts|daemonsets?|ds|jobs?|cronjobs?|services?|svc|nodes?|configmaps?|cm|secrets?|pvc|persistentvolumeclaims?|ingress(?:es)?|hpa)\/([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)/gi;
// Generated-looking names: lower-case, hyphenated, with a segment that carries a digit (a hash or ordinal).
const NAME_RE = /(?<![\w./-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w/-]|\.[a-z0-9])/g;
const QUANTITY_RE =
  /(?<![\w.])(\d+(?:\.\d+)?)\s?(Ki|Mi|Gi|Ti|KiB|MiB|GiB|TiB|KB|MB|GB|TB|k|M|G|m|ms|s|min|h|%|cores?|millicores?)(?![\w%])/g;
const RESTARTS_RE =
  /\b(\d+)\s+(?:restarts|times)\b|\brestart(?:ed|s|\s*count)?\s*(?:count\s*)?(?:of|is|was|at|:|=)?\s*(\d+)\b/gi;
const EXIT_RE = /\bexit(?:ed)?(?:\s+(?:with))?(?:\s+(?:code|status))?\s*[:=]?\s*(\d{1,3})\b/gi;
const QUOTE_RE = /"([^"\n]{8,300})"|“([^”\n]{8,300})”|`([^`\n]{8,300})`/g;
const COMMAND_START = /^\s*(?:\$|kubectl|helm|oc|k9s|curl|docker|crictl|systemctl|journalctl)\b/;
// Negation cues in the spirit of NegEx (Chapman et al., 2001): a cue earlier in the same clause denies
// what follows it. "nothing has been OOMKilled" denies as "no container was OOMKilled" does. Modals
// ("cannot", "won't") are left out: "the pod cannot be scheduled: Insufficient memory" makes the claim.
const NEGATION =
  /\b(?:no|not|never|without|nor|neither|none|nothing|nobody|no one|rule[sd]? out|ruling out|isn't|wasn't|aren't|weren't|doesn't|didn't|hasn't|haven't|hadn't)\b/i;

const PROPOSAL =
  /\b(?:raise|raising|increase|increasing|bump|bumping|set|setting|scale|scaling|change|lower|reduce|decrease|adjust|allocate|give|try|consider|recommend\w*|suggest\w*|should|could|would|need(?:s|ed)? to|propose\w*)\b/i;

function clauseBefore(text: string, index: number): string {
  const before = text.slice(Math.max(0, index - 80), index);
  return before.split(/[.;:!?\n]|,\s(?:but|and|so)\s/).pop() ?? '';
}

/** True when a quantity sits in a proposal ("raise the limit to 1Gi"), which recommends a value rather than reporting one. */
export function isProposal(text: string, index: number): boolean {
  return PROPOSAL.test(clauseBefore(text, index));
}

/** True when the claim sits in a negated clause ("no sign of OOMKilled"), which states an absence, not a fact. */
export function isNegated(text: string, index: number): boolean {
  // Only look within the current clause: after the last sentence or clause break.
  return NEGATION.test(clauseBefore(text, index));
}

function hasDigitSegment(name: string): boolean {
  const segments = name.split('-').slice(1);
  return segments.some((s) => /\d/.test(s) && (s.length >= 4 || segments.length >= 2));
}

/**
 * Extracts the concrete facts an answer states, conservatively: names with generated suffixes or a
 * kind/ prefix, quantities with units, restart counts, exit codes, Kubernetes-style reasons and quoted
 * text (not commands). Claims in negated clauses are left out, and so are quantities in proposals
 * ("raise the limit to 1Gi"), which recommend a value rather than report one.
 */
export function extractClaims(answer: string): Claim[] {
  const claims: Claim[] = [];
  const seen = new Set<string>();
  const push = (kind: ClaimKind, text: string, index: number): void => {
    const key = `${kind}\u0000${text.toLowerCase()}`;
    if (seen.has(key) || isNegated(answer, index)) return;
    seen.add(key);
    claims.push({ kind, text, index });
  };
  const quoted: [number, number][] = [];
  for (const m of answer.matchAll(QUOTE_RE)) {
    const body = m[1] ?? m[2] ?? m[3] ?? '';
    const isBacktick = m[3] !== undefined;
    if (COMMAND_START.test(body)) continue;
    // A short back-ticked identifier is a name, not a quotation; the name patterns handle it.
    if (isBacktick && !/\s/.test(body.trim())) continue;
    quoted.push([m.index, m.index + m[0].length]);
    push('quote', body, m.index);
  }
  for (const m of answer.matchAll(KIND_NAME_RE)) {
    const name = m[1]!;
    push('name', name, m.index + m[0].length - name.length);
  }
  for (const m of answer.matchAll(NAME_RE)) if (hasDigitSegment(m[0])) push('name', m[0], m.index);
  for (const m of answer.matchAll(QUANTITY_RE)) {
    if (!isProposal(answer, m.index)) push('quantity', `${m[1]}${m[2]}`, m.index);
  }
  for (const m of answer.matchAll(RESTARTS_RE)) {
    if (
      m[0].toLowerCase().endsWith('times') &&
      !/restart/i.test(answer.slice(Math.max(0, m.index - 30), m.index))
    )
      continue;
    push('restarts', (m[1] ?? m[2])!, m.index);
  }
  for (const m of answer.matchAll(EXIT_RE)) push('exit_code', m[1]!, m.index);
  for (const m of answer.matchAll(REASON_RE)) {
    // Reasons that are also plain English words (Unhealthy, Evicted, Preempting) are capitalised at
    // the start of a line or sentence anyway ("Unhealthy pods:"), so only mid-sentence do they claim a reason.
    if (/^[A-Z][a-z]+$/.test(m[0]) && startsSentence(answer, m.index)) continue;
    push('reason', m[0], m.index);
  }
  return claims.sort((a, b) => a.index - b.index);
}

/** Whether `index` begins a line or a sentence (after `.`, `!` or `?`), a list marker or the text. */
function startsSentence(text: string, index: number): boolean {
  let i = index - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  while (i >= 0 && (text[i] === '-' || text[i] === '*' || text[i] === '•' || text[i] === '#')) i--;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i < 0 || text[i] === '\n' || text[i] === '.' || text[i] === '!' || text[i] === '?';
}

/** Whitespace collapsed and lower-cased, the form in which answers and tool output are compared. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

const UNIT_ALIASES: Record<string, string> = {
  KiB: 'Ki',
  MiB: 'Mi',
  GiB: 'Gi',
  TiB: 'Ti',
  core: 'cores',
  millicore: 'm',
  millicores: 'm',
};

/**
 * A quantity in one spelling: `512 MiB` and `512Mi` both become `512Mi`, `1.50%` becomes `1.5%`.
 * Case is kept because it carries meaning (`500m` CPU is not `500M` bytes).
 */
export function normalizeQuantity(value: string, unit: string): string {
  return `${Number(value)}${UNIT_ALIASES[unit] ?? unit}`;
}

/** Every quantity with a unit found in a text, normalized. */
export function quantitiesIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(QUANTITY_RE)) out.add(normalizeQuantity(m[1]!, m[2]!));
  return out;
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
