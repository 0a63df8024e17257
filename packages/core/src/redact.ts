/** Replaces secrets in text; the harness runs one over every tool output before anyone sees it. */
export type Redactor = (text: string) => string;

/** What the built-in redactor masks, in order. Each rule keeps enough context to read the line. */
const RULES: readonly { readonly name: string; readonly pattern: RegExp; readonly replace: string }[] = [
  {
    name: 'private key',
    pattern: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: '<redacted:private-key>',
  },
  {
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g,
    replace: '<redacted:jwt>',
  },
  {
    name: 'bearer token',
    pattern: /\b(Bearer|Basic|Token)(\s+)[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: '$1$2<redacted>',
  },
  {
    name: 'aws access key id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b/g,
    replace: '<redacted:aws-key-id>',
  },
  {
    name: 'provider api key',
    pattern:
      /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})/g,
    replace: '<redacted:api-key>',
  },
  {
    name: 'password in a URL',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi,
    replace: '$1<redacted>$3',
  },
  {
    // KEY=value, KEY: value, "key": "value" where the name says it is secret.
    name: 'secret-named variable',
    pattern:
      /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth)[A-Za-z0-9_.-]*)("?\s*[=:]\s*"?)(?!<|\*{3}|\$\(|\$\{|(?:true|false|null)\b)([^\s"',;}]{3,})/gi,
    replace: '$1$2<redacted>',
  },
];

// One cheap test first, so text with nothing secret-looking costs a single scan.
const QUICK =
  /PRIVATE KEY|eyJ|bearer|basic|token|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|sk-|gh[pousr]_|xox|AIza|:\/\/[^\s]*@|pass|pwd|secret|key|credential|auth/i;

/** The built-in redactor: private keys, JWTs, bearer tokens, cloud and provider keys, URL passwords, secret-named variables. */
export const redactSecrets: Redactor = (text) => {
  if (!QUICK.test(text)) return text;
  let out = text;
  for (const rule of RULES) out = out.replace(rule.pattern, rule.replace);
  return out;
};

/** The names of the built-in rules, for documentation and tests. */
export const REDACTION_RULES: readonly string[] = RULES.map((r) => r.name);
