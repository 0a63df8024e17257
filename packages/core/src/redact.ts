import {
  SECRET_NAME_DURATION_SUFFIXES,
  SECRET_NAME_KEYWORDS,
  SECRET_NAME_SUFFIXES_KEPT,
  SECRET_NAME_TIME_SUFFIXES,
  SECRET_NAMES_KEPT,
  SECRET_STATUS_WORDS,
  TOKEN_RULES,
  type TokenRule,
} from './redact-rules.js';

/** Replaces secrets in text; the harness runs one over every tool output before anyone sees it. */
export type Redactor = (text: string) => string;

// Every rule here runs in time linear in the text, whatever the text: literal prefixes are found
// with indexOf, and what follows is read by hand as runs of one character class. No rule uses a
// regular expression that could backtrack, because one hostile log line ('auth.' repeated) used to
// stall the whole process for minutes. Where several attempts could read the same run (a prefix
// repeated inside one run), the run's end is remembered, so each character is read a bounded
// number of times per rule.

/** A character class over ASCII, as a lookup table; nothing outside ASCII is ever a member. */
type CharClass = Uint8Array;

function charClass(spec: string): CharClass {
  const table = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    const from = spec.charCodeAt(i);
    if (spec[i + 1] === '-' && i + 2 < spec.length) {
      const to = spec.charCodeAt(i + 2);
      for (let c = from; c <= to; c++) table[c] = 1;
      i += 2;
    } else {
      table[from] = 1;
    }
  }
  return table;
}

const ALNUM = charClass('A-Za-z0-9');
const WORD = charClass('A-Za-z0-9_');
const B64URL = charClass('A-Za-z0-9_-');
const NAME = charClass('A-Za-z0-9_.-');
const AUTH_VALUE = charClass('A-Za-z0-9._~+/=-');
const SCHEME = charClass('A-Za-z0-9+.-');

function isIn(cls: CharClass, text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && cls[c] === 1;
}

/**
 * The end of the run of `cls` starting at `from`. Remembers the last run it read, so a later start
 * inside that run costs nothing: the way repeated prefixes inside one long run stay linear.
 */
class RunReader {
  #start = -1;
  #end = -1;
  constructor(
    private readonly text: string,
    private readonly cls: CharClass,
  ) {}
  end(from: number): number {
    if (from >= this.#start && from < this.#end) return this.#end;
    let i = from;
    const { text, cls } = this;
    while (i < text.length && isIn(cls, text, i)) i++;
    if (i > from) {
      this.#start = from;
      this.#end = i;
    }
    return i;
  }
}

/** A stretch of the text to replace. */
interface Span {
  start: number;
  end: number;
  replacement: string;
}

/** Writes the text with the spans (sorted by start, any overlap merged into the earlier) replaced. */
function applySpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) {
      // Overlaps a span already written: extend the masked stretch instead of writing twice.
      if (s.end > at) at = s.end;
      continue;
    }
    parts.push(text.slice(at, s.start), s.replacement);
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The text with ASCII letters lowered and every index unchanged, for case-insensitive search. */
function lowerAscii(text: string): string {
  const lower = text.toLowerCase();
  // A few non-ASCII letters lower to two code units; then lower only A-Z so indexes still line up.
  return lower.length === text.length ? lower : text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Rule 1: private key blocks, from BEGIN to END, or to the end of the text when the END is missing.

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

/** True when the armor label between BEGIN/END and the dashes names a private key. */
function isPrivateKeyLabel(label: string): boolean {
  if (label.length > 64) return false;
  const core = label.endsWith(' BLOCK') ? label.slice(0, -6) : label;
  if (!core.endsWith('PRIVATE KEY')) return false;
  for (let i = 0; i < core.length; i++) {
    const c = core.charCodeAt(i);
    const ok = c === 32 || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

function privateKeySpans(text: string, spans: Span[]): void {
  let from = 0;
  while (from < text.length) {
    const begin = text.indexOf(BEGIN, from);
    if (begin === -1) return;
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    if (labelEnd === -1) return;
    if (!isPrivateKeyLabel(text.slice(labelStart, Math.min(labelEnd, labelStart + 65)))) {
      from = labelStart;
      continue;
    }
    let end = text.length;
    let search = labelEnd + DASHES.length;
    while (search < text.length) {
      const e = text.indexOf(END, search);
      if (e === -1) break;
      const eLabelStart = e + END.length;
      const eLabelEnd = text.indexOf(DASHES, eLabelStart);
      if (eLabelEnd === -1) break;
      if (isPrivateKeyLabel(text.slice(eLabelStart, Math.min(eLabelEnd, eLabelStart + 65)))) {
        end = eLabelEnd + DASHES.length;
        break;
      }
      search = eLabelStart;
    }
    spans.push({ start: begin, end, replacement: '<redacted:private-key>' });
    from = end;
  }
}

// ---------------------------------------------------------------------------------------------
// Rule 2: JWTs, three base64url parts joined by dots; the signature may be empty when both the
// header and the payload are JSON (unsigned tokens, as gitleaks' jwt rule allows).

function jwtSpans(text: string, spans: Span[]): void {
  const parts = [new RunReader(text, B64URL), new RunReader(text, B64URL), new RunReader(text, B64URL)];
  let from = 0;
  while (from < text.length) {
    const p = text.indexOf('eyJ', from);
    if (p === -1) return;
    from = p + 1;
    if (p > 0 && isIn(WORD, text, p - 1)) continue;
    const e1 = parts[0]!.end(p);
    if (e1 - p < 9 || text.charCodeAt(e1) !== 46) continue;
    const e2 = parts[1]!.end(e1 + 1);
    if (e2 - (e1 + 1) < 6 || text.charCodeAt(e2) !== 46) continue;
    const e3 = parts[2]!.end(e2 + 1);
    const unsigned = text.startsWith('eyJ', e1 + 1);
    if (e3 - (e2 + 1) < (unsigned ? 0 : 6)) continue;
    spans.push({ start: p, end: e3, replacement: '<redacted:jwt>' });
    from = e3;
  }
}

// ---------------------------------------------------------------------------------------------
// Rule 3: prefixed tokens from the rule table.

interface CompiledTokenRule {
  readonly rule: TokenRule;
  readonly body: CharClass;
}

const COMPILED: readonly CompiledTokenRule[] = TOKEN_RULES.map((rule) => ({
  rule,
  body: charClass(rule.body),
}));

/**
 * Whether the text holds any rule's prefix: for a short text (arguments, most tool output) one scan
 * that lets the common case (no prefix at all) skip the per-prefix searches; a long text goes
 * straight to them. The rules' own scan below decides what is masked.
 */
const ANY_PREFIX = new RegExp(
  [...new Set(TOKEN_RULES.flatMap((r) => r.prefixes))]
    .map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('|'),
);

const SHORT_TEXT = 4096;

function tokenSpans(text: string, spans: Span[]): void {
  if (text.length <= SHORT_TEXT && !ANY_PREFIX.test(text)) return;
  for (const { rule, body } of COMPILED) {
    let reader: RunReader | undefined;
    for (const prefix of rule.prefixes) {
      let from = 0;
      while (from < text.length) {
        const p = text.indexOf(prefix, from);
        if (p === -1) break;
        from = p + 1;
        if (p > 0 && isIn(ALNUM, text, p - 1)) continue;
        const bodyStart = p + prefix.length;
        reader ??= new RunReader(text, body);
        const end = reader.end(bodyStart);
        const length = end - bodyStart;
        if (length < rule.min || (rule.max !== undefined && length > rule.max)) continue;
        if (end < text.length && isIn(ALNUM, text, end)) continue;
        spans.push({ start: p, end, replacement: `<redacted:${rule.label}>` });
        from = end;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rule 4: HTTP auth schemes (Bearer, Basic, Token) followed by a credential.

const AUTH_SCHEMES = ['bearer', 'basic', 'token'];

/** A credential has a digit, mixed case or a base64 symbol; plain words ("basic authentication") do not. */
function looksLikeCredential(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
    if (c === 43 || c === 47 || c === 61 || c === 95 || c === 126) return true; // + / = _ ~
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    if (upper && lower) return true;
  }
  return false;
}

function authSchemeSpans(text: string, lower: string, spans: Span[]): void {
  const reader = new RunReader(text, AUTH_VALUE);
  for (const scheme of AUTH_SCHEMES) {
    let from = 0;
    while (from < text.length) {
      const p = lower.indexOf(scheme, from);
      if (p === -1) break;
      from = p + 1;
      if (p > 0 && isIn(WORD, text, p - 1)) continue;
      let v = p + scheme.length;
      const afterScheme = v;
      while (v < text.length && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9)) v++;
      if (v === afterScheme) continue;
      const end = reader.end(v);
      if (end - v < 8 || !looksLikeCredential(text, v, end)) continue;
      spans.push({ start: v, end, replacement: '<redacted>' });
      from = end;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rule 5: the password in a URL's userinfo (scheme://user:password@host).

/** Characters that end a URL's userinfo when reading it from a log line. */
function endsUserinfo(c: number): boolean {
  return (
    c <= 32 || // whitespace and controls
    c === 47 || // /
    c === 63 || // ?
    c === 35 || // #
    c === 34 || // "
    c === 39 || // '
    c === 60 || // <
    c === 62 || // >
    c === 92 || // backslash
    c === 96 // `
  );
}

function urlPasswordSpans(text: string, spans: Span[]): void {
  let from = 0;
  while (from < text.length) {
    const p = text.indexOf('://', from);
    if (p === -1) return;
    from = p + 3;
    if (p === 0 || !isIn(SCHEME, text, p - 1)) continue;
    // The user: up to the first ':' (it may be empty, as in redis://:password@host).
    let i = p + 3;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 58 || c === 64 || endsUserinfo(c)) break;
      i++;
    }
    if (text.charCodeAt(i) !== 58) continue;
    const passStart = i + 1;
    // The password runs to the last '@' before the host, so an '@' inside it is masked too.
    let at = -1;
    let j = passStart;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (endsUserinfo(c)) break;
      if (c === 64) at = j;
      j++;
    }
    if (at <= passStart) continue;
    if (!isPlaceholder(text, passStart, at))
      spans.push({ start: passStart, end: at, replacement: '<redacted>' });
    from = at + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Rule 6: variables whose names say they are secret: KEY=value, KEY: value, "key": "value",
// 'key': 'value', JSON-escaped \"key\": \"value\", and quoted values with spaces in them.

/** Already masked, a reference to a variable or a template, or a literal that is not a secret. */
function isPlaceholder(text: string, start: number, end: number): boolean {
  if (end <= start) return true;
  const c = text.charCodeAt(start);
  if (c === 60) return true; // <redacted>, <set to the key ...>, <none>
  if (text.startsWith('${', start) || text.startsWith('$(', start) || text.startsWith('{{', start))
    return true;
  // The whole-value checks only look at short values, so they cost nothing on long ones.
  if (end - start > 64) return false;
  const value = text.slice(start, end);
  if (c === 36 && /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return true; // $VAR
  return /^(?:\*+|x{3,}|X{3,}|\.{3,}|true|false|null|none|nil|undefined|redacted|\[redacted\]|enabled|disabled|required)$/i.test(
    value,
  );
}

/**
 * Finds the quote that closes a value. Remembers its last answer: every start between that query
 * and the quote it found has the same answer, so a run of unclosed quotes is read once, not once
 * per secret-looking name inside it.
 */
class QuoteFinder {
  #from = Number.POSITIVE_INFINITY;
  #at = -1;
  constructor(
    private readonly text: string,
    private readonly quote: string,
    private readonly skipEscaped: boolean,
  ) {}
  /** The index of the next closing quote at or after `from`, or -1. */
  next(from: number): number {
    if (from >= this.#from && (this.#at === -1 || from <= this.#at)) return this.#at;
    const { text, quote } = this;
    let q = text.indexOf(quote, from);
    while (q !== -1 && this.skipEscaped && isEscaped(text, q)) q = text.indexOf(quote, q + 1);
    this.#from = from;
    this.#at = q;
    return q;
  }
}

/** True when an odd number of backslashes stands before `i`. */
function isEscaped(text: string, i: number): boolean {
  let n = 0;
  while (i - n - 1 >= 0 && text.charCodeAt(i - n - 1) === 92) n++;
  return n % 2 === 1;
}

/** Values that are an auth scheme followed by a credential are left to rule 4, which keeps the scheme. */
function startsWithAuthScheme(lower: string, at: number): boolean {
  for (const s of AUTH_SCHEMES) {
    if (lower.startsWith(s, at)) {
      const c = lower.charCodeAt(at + s.length);
      if (c === 32 || c === 9) return true;
    }
  }
  return false;
}

/** Whether a name ends in a word that says how long something lives (`…_expire_time`, `…_max_age`). */
function endsInDuration(lowerName: string): boolean {
  for (const s of SECRET_NAME_DURATION_SUFFIXES) if (lowerName.endsWith(s)) return true;
  return false;
}

/** Whether a name ends in a word that says when something ends or began (`…-expires-at`, `…_not_after`). */
function endsInTimePoint(lowerName: string): boolean {
  for (const s of SECRET_NAME_TIME_SUFFIXES) if (lowerName.endsWith(s)) return true;
  return false;
}

/** Whether `lower` holds `n` ASCII digits from `at`. */
function digitsAt(lower: string, at: number, n: number): boolean {
  for (let i = at; i < at + n; i++) {
    const c = lower.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return false;
  }
  return true;
}

/**
 * Whether the value at `at` is a point in time, lower-cased: an RFC 3339 date (`2026-09-08`), optionally
 * `t` or a space and `hh:mm`, `:ss`, a fraction, and `z` or `±hh:mm`, then the value's end; or epoch seconds
 * (a number, as `isDurationAt` reads it). Linear: one pass, at most 40 characters.
 */
function isTimePointAt(lower: string, at: number): boolean {
  if (
    !(digitsAt(lower, at, 4) && lower[at + 4] === '-' && digitsAt(lower, at + 5, 2) && lower[at + 7] === '-')
  )
    return isDurationAt(lower, at);
  if (!digitsAt(lower, at + 8, 2)) return false;
  let i = at + 10;
  const sep = lower[i];
  if (
    (sep === 't' || sep === ' ') &&
    digitsAt(lower, i + 1, 2) &&
    lower[i + 3] === ':' &&
    digitsAt(lower, i + 4, 2)
  ) {
    i += 6;
    if (lower[i] === ':' && digitsAt(lower, i + 1, 2)) i += 3;
    if (lower[i] === '.') {
      i++;
      while (i - at < 40 && digitsAt(lower, i, 1)) i++;
    }
    if (lower[i] === 'z') i++;
    else if (
      (lower[i] === '+' || lower[i] === '-') &&
      digitsAt(lower, i + 1, 2) &&
      lower[i + 3] === ':' &&
      digitsAt(lower, i + 4, 2)
    )
      i += 6;
  }
  return isValueEnd(lower.charCodeAt(i));
}

/**
 * Whether the value at `at` is a duration: digits (a fraction allowed), an optional unit of at most
 * seven letters (`3600`, `120`, `30s`, `1.5h`, `15minutes`), then the value's end. Linear: one pass.
 */
function isDurationAt(lower: string, at: number): boolean {
  let i = at;
  while (i < lower.length && i - at < 12 && lower.charCodeAt(i) >= 48 && lower.charCodeAt(i) <= 57) i++;
  if (i === at) return false;
  if (lower.charCodeAt(i) === 46) {
    i++;
    while (i < lower.length && lower.charCodeAt(i) >= 48 && lower.charCodeAt(i) <= 57) i++;
  }
  const unit = i;
  while (i < lower.length && i - unit < 8 && lower.charCodeAt(i) >= 97 && lower.charCodeAt(i) <= 122) i++;
  if (i - unit > 7) return false;
  return isValueEnd(lower.charCodeAt(i));
}

/** Whether a character code ends a value: the text's end, white space, a quote, `,`, `;`, `}` or `)`. */
function isValueEnd(end: number): boolean {
  return (
    Number.isNaN(end) ||
    end === 32 ||
    end === 9 ||
    end === 10 ||
    end === 13 ||
    end === 34 ||
    end === 39 ||
    end === 44 ||
    end === 59 ||
    end === 125 ||
    end === 41
  );
}

function isKeptName(lowerName: string): boolean {
  if (SECRET_NAMES_KEPT.includes(lowerName)) return true;
  for (const s of SECRET_NAME_SUFFIXES_KEPT) if (lowerName.endsWith(s)) return true;
  // A pod's generated name (`auth-6c8d7f5b9-m59lz`: its ReplicaSet's template hash, then five
  // characters, both from Kubernetes' SafeEncodeString alphabet) names an object, never a key.
  return GENERATED_POD_NAME.test(lowerName);
}

const GENERATED_POD_NAME = /-[bcdfghjklmnpqrstvwxz2-9]{6,10}-[bcdfghjklmnpqrstvwxz2-9]{5}$/;

/**
 * Whether a word or a `/` comes just before `at` on its line (spaces and tabs between): the bare name
 * `auth` there is an object's name in prose (`namespace auth: …`, `Service auth: …`, `ns/auth: …`),
 * which Kubernetes output is full of, not a key. A key sits at the start of a line, after
 * indentation, a quote, `{` or `,`.
 */
function afterAWord(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < 0) return false;
  const c = text.charCodeAt(i);
  return (
    c === 47 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95
  );
}

/**
 * Kinds of Kubernetes objects whose names prose puts after the kind (`namespace passwords`,
 * `deployment token-service`). `secret` is not one of them: `secret password: …` is a key.
 */
const KIND_WORDS: ReadonlySet<string> = new Set([
  'namespace',
  'namespaces',
  'ns',
  'service',
  'svc',
  'pod',
  'deployment',
  'statefulset',
  'daemonset',
  'replicaset',
  'job',
  'cronjob',
  'configmap',
  'ingress',
  'volume',
  'persistentvolumeclaim',
  'pvc',
  'serviceaccount',
  'node',
]);

/**
 * The start of an error a program prints, not a value: Go's os.PathError, an operation on a file then its
 * path, absolute or relative (`open /vault/secrets/db`, `open config/token.txt`); Go's net.OpError, an
 * operation on a network then its address (`dial tcp 10.96.0.1:443`, `read udp …`); Go's url.Error, a
 * request's method and its quoted URL (`Post "https://…/token": dial tcp …`). Reads at most 80 characters
 * of the value.
 */
const PROGRAM_ERROR =
  /^(?:(?:open|stat|lstat|read|write|mkdir|remove|rename|chmod|chown|readlink|openat) (?:\.{0,2}\/|[a-z0-9_.-]{1,64}\/)|(?:dial|read|write|listen|accept|lookup) (?:tcp|udp|unix|ip)[46]? |(?:get|post|put|patch|delete|head) "https?:\/\/)/;
/** Node's system error: its errno code in capitals, then its text (`ENOENT: no such file or directory`). */
const NODE_ERRNO = /^E[A-Z]{3,14}: [a-z]/;

/**
 * A source file's name as a log line's location gives it: klog's header (`authentication.go:73]`, the
 * format `Lmmdd hh:mm:ss.uuuuuu threadid file:line]` of k8s.io/klog), a Go or Python stack frame
 * (`auth.go:41 +0x1f`, `token.py:12`). Anchored at the end; no backtracking.
 */
const SOURCE_FILE = /\.(?:go|py|java|kt|scala|js|mjs|cjs|ts|rb|rs|c|cc|cpp|h|hpp|cs|php|ex|exs|erl|swift)$/;

/**
 * Whether a line number (1-7 digits) starts at `at`, ended as a location ends: the text's end, a space or
 * tab, `]` (klog), `)`, `:` (a column), `,`, a quote or `;`. Digits that run on into a dash, a dot or a
 * letter (`4021-8f3a…`) are a value, not a line.
 */
function lineNumberAt(lower: string, at: number): boolean {
  let i = at;
  while (i < lower.length && i - at < 8 && lower.charCodeAt(i) >= 48 && lower.charCodeAt(i) <= 57) i++;
  if (i === at || i - at > 7) return false;
  const c = lower.charCodeAt(i);
  return (
    Number.isNaN(c) ||
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 93 ||
    c === 41 ||
    c === 58 ||
    c === 44 ||
    c === 34 ||
    c === 39 ||
    c === 59
  );
}

/**
 * The error an operation on a file or a socket got, as its message starts (strerror's texts, Go's
 * syscall and TLS prefixes): what follows a path's last part when the path is the error's subject.
 */
const FILE_ERROR =
  /^(?:permission denied|no such file or directory|is a directory|not a directory|read-only file system|operation not permitted|file exists|device or resource busy|too many open files|no space left on device|input\/output error|connection refused|connection reset by peer|broken pipe|i\/o timeout|(?:bind|connect|listen|accept|read|write|dial|tls|x509|open|stat|unmarshal|eof)\b)/;

/**
 * A Kubernetes kind, singular or plural, or a custom resource's `<plural>.<group>`
 * (`secretstores.external-secrets.io`), then a quoted name: how the API server's errors name an object.
 */
const KIND_THEN_NAME =
  /^(?:serviceaccounts?|secrets?|configmaps?|pods?|persistentvolumeclaims?|services?|namespaces?|nodes?|deployments?|roles?|rolebindings?|clusterroles?|clusterrolebindings?|[a-z]{2,40}(?:\.[a-z0-9-]{1,40}){1,5}\.[a-z]{2,10}) "/;

/**
 * Whether the name between `start` and `end` is a Go type as client-go and controllers print it in
 * their errors (`Failed to watch *v1.Secret: …`, `failed to list *v1.KongCredential: the server …`,
 * `v1beta1.SecretProviderClass: …`): a package, a dot, then an exported (capitalised) type name,
 * either after Go's `*` or with a Kubernetes API version as its package (`v1`, `v2beta1`). The words
 * after its colon are the error, not a value. Reads at most 64 characters.
 */
function isGoTypeName(text: string, start: number, end: number): boolean {
  if (end - start > 64) return false;
  const dot = text.lastIndexOf('.', end - 1);
  if (dot <= start || dot + 1 >= end) return false;
  const first = text.charCodeAt(dot + 1);
  if (first < 65 || first > 90) return false;
  const type = text.slice(dot + 1, end);
  if (!/^[A-Za-z0-9]+$/.test(type)) return false;
  if (start > 0 && text.charCodeAt(start - 1) === 42) return /^[A-Za-z0-9_.]+$/.test(text.slice(start, dot));
  return /^v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/.test(text.slice(start, dot));
}

/**
 * Whether the word just before `at` (a space or tab, or one `/`, between) is a kind of Kubernetes object
 * (see `KIND_WORDS`): the name at `at` is then an object's name, not a key. Reads back at most 16
 * characters.
 */
function afterKindWord(lower: string, at: number): boolean {
  let i = at - 1;
  if (lower.charCodeAt(i) === 47) i--;
  else {
    if (lower.charCodeAt(i) !== 32 && lower.charCodeAt(i) !== 9) return false;
    while (i >= 0 && at - i < 4 && (lower.charCodeAt(i) === 32 || lower.charCodeAt(i) === 9)) i--;
  }
  const end = i + 1;
  while (i >= 0 && end - i <= 16 && lower.charCodeAt(i) >= 97 && lower.charCodeAt(i) <= 122) i--;
  // The kind is a word of its own at the start of the text, after a space, a tab or an opening bracket:
  // not a field's value (`kind=Job`), not a path's last part (`/usr/bin/job`), not part of a longer word.
  const before = i >= 0 ? lower.charCodeAt(i) : 32;
  if (before !== 32 && before !== 9 && before !== 10 && before !== 40 && before !== 91) return false;
  return KIND_WORDS.has(lower.slice(i + 1, end));
}

/** Whether a port (one to five digits) starts at `at`, ended by `/`, a quote, a space or the text's end. */
function isPort(text: string, at: number): boolean {
  let j = at;
  while (j < text.length && j - at < 6 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
  if (j === at || j - at > 5) return false;
  const c = text.charCodeAt(j);
  return j === text.length || c === 47 || c === 34 || c === 39 || c <= 32;
}

/** Characters that end an unquoted value. */
function endsBareValue(c: number): boolean {
  return c <= 32 || c === 34 || c === 39 || c === 44 || c === 59 || c === 125 || c === 92 || c === 96;
}

function secretNamedSpans(text: string, lower: string, spans: Span[]): void {
  // Where each keyword occurs next; the earliest wins, so names are visited left to right.
  const next = SECRET_NAME_KEYWORDS.map((k) => lower.indexOf(k));
  // No secret-like name anywhere (the common case): nothing to read.
  if (next.every((at) => at === -1)) return;
  const names = new RunReader(text, NAME);
  const quotes = [
    new QuoteFinder(text, '"', true),
    new QuoteFinder(text, '"', false),
    new QuoteFinder(text, "'", true),
    new QuoteFinder(text, "'", false),
  ];
  let cursor = 0; // nothing before this is looked at again
  let lastNameEnd = -1;
  let lineEnd = -1; // the end of the current line, found once per line
  for (;;) {
    let k = -1;
    for (let i = 0; i < next.length; i++) {
      const at = next[i]!;
      if (at !== -1 && (k === -1 || at < next[k]!)) k = i;
    }
    if (k === -1) return;
    const hit = next[k]!;
    next[k] = lower.indexOf(SECRET_NAME_KEYWORDS[k]!, hit + 1);
    if (hit < cursor) continue;
    // The name around the keyword. Its end is shared by every keyword inside it, so a name is
    // parsed once however many keywords it holds.
    const nameEnd = names.end(hit);
    if (nameEnd === lastNameEnd) continue;
    lastNameEnd = nameEnd;
    let nameStart = hit;
    while (nameStart > cursor && isIn(NAME, text, nameStart - 1)) nameStart--;
    const keptName = lower.slice(nameStart, nameEnd);
    if (isKeptName(keptName)) continue;
    // kube-apiserver's decoding error names the kind it could not decode the body into (`Secret in
    // version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4`): the words
    // after that `Secret:` are the error, not a value.
    if (
      nameEnd - nameStart === 6 &&
      text.startsWith('Secret', nameStart) &&
      lower.endsWith(' cannot be handled as a ', nameStart)
    )
      continue;
    // MySQL's access-denied error says whether a password was sent, not which: `(using password: YES)`.
    if (
      nameEnd - nameStart === 8 &&
      lower.endsWith('(using ', nameStart) &&
      (lower.startsWith('password: yes)', nameStart) || lower.startsWith('password: no)', nameStart))
    )
      continue;
    if (nameEnd - nameStart === 4 && lower.startsWith('auth', nameStart) && afterAWord(text, nameStart))
      continue;

    // The key's closing quote (plain or JSON-escaped), spaces, then = or :, spaces, then an
    // optional opening quote.
    let i = nameEnd;
    if (text.charCodeAt(i) === 92 && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 39)) i += 2;
    else if (text.charCodeAt(i) === 34 || text.charCodeAt(i) === 39) i++;
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
    const sep = text.charCodeAt(i);
    if (sep !== 61 && sep !== 58) continue; // = :
    // An object's name after its kind, as kubectl and answers print it (`namespace passwords: the
    // workloads are healthy`, `ns/secrets: Active`): a colon only, never an assignment (`=`, `:=`).
    // Such a name is kept with its value only when the value reads as prose, not as a credential (see
    // below): `Using service token: 3f8a…` names a token after the word `service`.
    let proseName = false;
    // A colon, not Go's `:=`: only after a colon may the words be prose; an assignment holds a value.
    const colon = sep === 58 && text.charCodeAt(i + 1) !== 61;
    if (colon) {
      // The same name quoted, as the kubelet prints it (`MountVolume.SetUp failed for volume
      // "db-credentials" : secret "db-credentials" not found`).
      const open = text.charCodeAt(nameStart - 1);
      proseName =
        afterKindWord(lower, nameStart) ||
        ((open === 34 || open === 39) &&
          text.charCodeAt(nameEnd) === open &&
          afterKindWord(lower, nameStart - 1)) ||
        isGoTypeName(text, nameStart, nameEnd) ||
        SECRET_STATUS_WORDS.includes(keptName);
      // A path's last part (`…/serviceaccount/token: permission denied`): a file's name, then the error an
      // operation on it got; the file's content after it (`/etc/app/password: hunter2`) is still masked.
      if (text.charCodeAt(nameStart - 1) === 47 && FILE_ERROR.test(lower.slice(i + 1, i + 60).trimStart()))
        continue;
      // A source location (`authentication.go:73]`): a file's name and a line number, not a key and its value.
      if (SOURCE_FILE.test(keptName) && lineNumberAt(lower, i + 1)) continue;
    }
    i++;
    if (sep === 58 && text.charCodeAt(i) === 61) i++; // :=
    if (sep === 61 && text.charCodeAt(i) === 62) i++; // =>
    while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;

    let quote = -1;
    let escaped = false;
    if (text.charCodeAt(i) === 92 && (text.charCodeAt(i + 1) === 34 || text.charCodeAt(i + 1) === 39)) {
      quote = text.charCodeAt(i + 1);
      escaped = true;
      i += 2;
    } else if (text.charCodeAt(i) === 34 || text.charCodeAt(i) === 39) {
      quote = text.charCodeAt(i);
      i++;
    }
    const valueStart = i;
    if (startsWithAuthScheme(lower, valueStart)) continue;
    // An API error's own words: a kind and a quoted name (`failed to fetch token: serviceaccounts
    // "default" not found`, `Couldn't get secret default/db: secret "db" not found`).
    if (colon && quote === -1 && KIND_THEN_NAME.test(lower.slice(valueStart, valueStart + 140))) continue;
    // A program's error after a name (`cannot read database credentials: open /vault/secrets/db: no such
    // file or directory`, `failed to refresh token: dial tcp …`): an operation and its object, not a value.
    if (
      colon &&
      quote === -1 &&
      (PROGRAM_ERROR.test(lower.slice(valueStart, valueStart + 80)) ||
        NODE_ERRNO.test(text.slice(valueStart, valueStart + 20)))
    )
      continue;
    // How long a token lives, when the value is a duration (not a one-time token's value).
    if (endsInDuration(keptName) && isDurationAt(lower, valueStart)) continue;
    // When a token expires or was issued, when the value is a point in time (not the token itself).
    if (endsInTimePoint(keptName) && isTimePointAt(lower, valueStart)) continue;
    // A URL's host and port (`http://auth-introspect.identity.svc:8081/…`): the host is not a key and
    // the port is not a secret. A password in a URL (`://user:pass@host`) has no port-only value.
    if (colon && quote === -1 && lower.endsWith('://', nameStart) && isPort(text, valueStart)) continue;

    let valueEnd: number;
    if (quote !== -1) {
      if (lineEnd < valueStart) {
        lineEnd = text.indexOf('\n', valueStart);
        if (lineEnd === -1) lineEnd = text.length;
      }
      const finder = quotes[(quote === 34 ? 0 : 2) + (escaped ? 1 : 0)]!;
      const q = finder.next(valueStart);
      if (q !== -1 && q <= lineEnd) {
        // Inside a JSON-escaped string the value ends at \" (or at a bare ", the string's own end).
        valueEnd = escaped && text.charCodeAt(q - 1) === 92 ? q - 1 : q;
        if (valueEnd <= valueStart) continue;
      } else {
        // An unclosed quote (a cut-off line): the rest of the line is the value.
        valueEnd = lineEnd;
        if (valueEnd <= valueStart) continue;
      }
    } else {
      let j = valueStart;
      while (j < text.length && !endsBareValue(text.charCodeAt(j))) j++;
      valueEnd = j;
      if (valueEnd - valueStart < 3) {
        cursor = valueEnd;
        continue;
      }
    }
    if (isPlaceholder(text, valueStart, valueEnd)) {
      // Skip what was read, so a long placeholder is not read again for each name inside it. An
      // unclosed quoted placeholder skips only its first word, to keep looking along the line.
      let j = valueStart;
      while (j < valueEnd && !endsBareValue(text.charCodeAt(j))) j++;
      cursor = Math.max(j, nameEnd);
      continue;
    }
    // An object's name in prose keeps a value that reads as words (`namespace passwords: the workloads
    // are healthy`); a long value with digits or mixed case is a credential whatever stands before it.
    if (proseName && (valueEnd - valueStart < 8 || !looksLikeCredential(text, valueStart, valueEnd))) {
      cursor = valueEnd;
      continue;
    }
    spans.push({ start: valueStart, end: valueEnd, replacement: '<redacted>' });
    cursor = valueEnd;
  }
}

// ---------------------------------------------------------------------------------------------

/** The rules in order; each pass reads the previous one's output, so masked text is not masked again. */
/** `lowerAscii`, remembered for the text it was last asked for within one redaction. */
type Lower = (text: string) => string;

const PASSES: readonly {
  readonly names: readonly string[];
  readonly run: (text: string, lower: Lower) => string;
}[] = [
  {
    names: ['private key', 'jwt', ...new Set(TOKEN_RULES.map((r) => r.name))],
    run: (text) => {
      const spans: Span[] = [];
      privateKeySpans(text, spans);
      jwtSpans(text, spans);
      tokenSpans(text, spans);
      return applySpans(text, spans);
    },
  },
  {
    names: ['bearer token', 'password in a URL'],
    run: (text, lower) => {
      const spans: Span[] = [];
      authSchemeSpans(text, lower(text), spans);
      urlPasswordSpans(text, spans);
      return applySpans(text, spans);
    },
  },
  {
    names: ['secret-named variable'],
    run: (text, lower) => {
      const spans: Span[] = [];
      secretNamedSpans(text, lower(text), spans);
      return applySpans(text, spans);
    },
  },
];

/**
 * The built-in redactor: private keys, JWTs, bearer tokens, cloud and provider keys (formats from
 * secretlint's recommended preset and gitleaks' rules, see `redact-rules.ts`), URL passwords and
 * secret-named variables. Runs in time linear in the length of the text, on any text.
 */
export const redactSecrets: Redactor = (text) => {
  if (typeof text !== 'string' || text.length > MEMO_MAX_CHARS) return redactText(text);
  let known = recent.get(text);
  if (known !== undefined) return known;
  known = older.get(text);
  if (known === undefined) known = redactText(text);
  // A text seen again (or new) joins the recent generation, so what a run keeps asking for stays.
  if (recent.size >= MEMO_GENERATION) {
    older = recent;
    recent = new Map();
  }
  recent.set(text, known);
  return known;
};

/**
 * Short texts recur in a run (tool names, namespaces, arguments, a status polled again, the answer
 * redacted for the model and again for the trace), and redaction is a pure function of the text, so
 * recent ones are remembered, in two generations of at most MEMO_GENERATION texts of at most
 * MEMO_MAX_CHARS characters each (4 to 8 MB at worst, by how V8 stores the characters): a text is
 * found in either, and one found in the older generation is moved to the recent one, so a text asked
 * for again and again is never forgotten however many one-off texts pass between (a first-in,
 * first-out memory forgot them). When the recent generation is full it becomes the older one.
 */
const MEMO_MAX_CHARS = 2048;
const MEMO_GENERATION = 512;
let recent = new Map<string, string>();
let older = new Map<string, string>();

function redactText(text: string): string {
  // The passes after the first read the same text when the one before masked nothing: lowered once.
  let lowered: string | undefined;
  let loweredFrom: string | undefined;
  const lower: Lower = (t) => {
    if (loweredFrom !== t || lowered === undefined) {
      lowered = lowerAscii(t);
      loweredFrom = t;
    }
    return lowered;
  };
  let out = text;
  for (const pass of PASSES) out = pass.run(out, lower);
  return out;
}

/** The names of the built-in rules, for documentation and tests. */
export const REDACTION_RULES: readonly string[] = PASSES.flatMap((p) => p.names);
