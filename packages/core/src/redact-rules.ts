// Token formats the built-in redactor masks, as data. Each family records where its facts (prefix,
// alphabet, length) come from, so a rule can be checked against, and updated from, its source:
//
//   secretlint  = @secretlint/secretlint-rule-preset-recommend 13.1.0 (the rule named beside it)
//   gitleaks    = gitleaks' default config, config/gitleaks.toml (v8 series, rule id beside it)
//   built-in    = kept from this package's earlier rule list, broader than either source
//
// Neither source is used as code: secretlint's rules run only inside its async engine (and 13.x
// needs Node 22), gitleaks is Go. Only the formats are carried over, and every one of them is
// matched the same way (see redact.ts): a literal prefix found with indexOf, then one run of a
// fixed character class scanned by hand, so no rule can backtrack.

/** One token format: a literal prefix followed by a run of one character class. */
export interface TokenRule {
  /** The rule family, as listed in `REDACTION_RULES`. */
  readonly name: string;
  /** Written in place of the token: `<redacted:label>`. */
  readonly label: string;
  /** Literal, case-sensitive prefixes; the character before one must not be a letter or digit. */
  readonly prefixes: readonly string[];
  /** The characters after the prefix, in character-class syntax without brackets (`A-Za-z0-9_`). */
  readonly body: string;
  /** The shortest body that counts; a longer run is masked whole. */
  readonly min: number;
  /** The longest body that counts, where the format is exact (AWS key ids). */
  readonly max?: number;
  /** Where the format comes from. */
  readonly source: string;
}

/** Prefixed token formats, in the order they are reported. */
export const TOKEN_RULES: readonly TokenRule[] = [
  {
    name: 'aws access key id',
    label: 'aws-key-id',
    // ABIA and ACCA from gitleaks aws-access-token; the rest from secretlint-rule-aws.
    prefixes: ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ABIA', 'ACCA'],
    body: 'A-Z0-9',
    min: 16,
    max: 16,
    source: 'secretlint-rule-aws; gitleaks aws-access-token',
  },
  {
    name: 'aws access key id',
    label: 'aws-key-id',
    prefixes: ['A3T'],
    body: 'A-Z0-9',
    min: 17,
    max: 17,
    source: 'secretlint-rule-aws (A3T[A-Z0-9] + 16)',
  },
  {
    name: 'github token',
    label: 'github-token',
    prefixes: ['ghp_', 'gho_', 'ghu_', 'ghr_'],
    body: 'A-Za-z0-9_',
    min: 36,
    source: 'secretlint-rule-github (classic tokens)',
  },
  {
    name: 'github token',
    label: 'github-token',
    // Also the app installation form ghs_<id>_<jwt>, whose parts are joined by dots.
    prefixes: ['ghs_'],
    body: 'A-Za-z0-9_.-',
    min: 36,
    source: 'secretlint-rule-github (ghs_, app installation tokens)',
  },
  {
    name: 'github token',
    label: 'github-token',
    prefixes: ['github_pat_'],
    body: 'A-Za-z0-9_',
    min: 82,
    source: 'secretlint-rule-github (fine-grained tokens)',
  },
  {
    name: 'gitlab token',
    label: 'gitlab-token',
    prefixes: ['glpat-'],
    body: 'A-Za-z0-9_-',
    min: 20,
    source: 'secretlint-rule-gitlab',
  },
  {
    name: 'slack token',
    label: 'slack-token',
    // xoxs- kept from the earlier built-in list.
    prefixes: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-', 'xoxs-'],
    body: 'A-Za-z0-9-',
    min: 10,
    source: 'secretlint-rule-slack',
  },
  {
    name: 'slack webhook url',
    label: 'slack-webhook',
    prefixes: ['hooks.slack.com/services/', 'hooks.slack.com/workflows/'],
    body: 'A-Za-z0-9_/',
    min: 8,
    source: 'secretlint-rule-slack (services); gitleaks slack-webhook-url (workflows)',
  },
  {
    name: 'stripe key',
    label: 'stripe-key',
    // The _prod_ forms from gitleaks stripe-access-token.
    prefixes: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'sk_prod_', 'rk_prod_'],
    body: 'a-zA-Z0-9',
    min: 24,
    source: 'secretlint-rule-stripe; gitleaks stripe-access-token',
  },
  {
    name: 'openai or anthropic api key',
    label: 'api-key',
    // One broad form covers sk-proj-, sk-svcacct-, sk-admin-, sk-ant-api03- and sk-ant-admin01-.
    prefixes: ['sk-'],
    body: 'A-Za-z0-9_-',
    min: 20,
    source: 'built-in; covers secretlint-rule-openai and secretlint-rule-anthropic',
  },
  {
    name: 'google api key',
    label: 'api-key',
    prefixes: ['AIza'],
    body: 'A-Za-z0-9_-',
    min: 35,
    source: 'gitleaks gcp-api-key',
  },
  {
    name: 'npm token',
    label: 'npm-token',
    // Real tokens are base62; leaving out '_' keeps npm_config_* and npm_package_* variables.
    prefixes: ['npm_'],
    body: 'A-Za-z0-9',
    min: 36,
    max: 36,
    source: 'secretlint-rule-npm',
  },
  {
    name: 'huggingface token',
    label: 'api-key',
    prefixes: ['hf_'],
    body: 'a-zA-Z',
    min: 34,
    source: 'secretlint-rule-huggingface',
  },
  {
    name: 'groq api key',
    label: 'api-key',
    prefixes: ['gsk_'],
    body: 'a-zA-Z0-9',
    min: 52,
    source: 'secretlint-rule-groq',
  },
  {
    name: 'linear api key',
    label: 'api-key',
    prefixes: ['lin_api_'],
    body: 'a-zA-Z0-9_',
    min: 32,
    source: 'secretlint-rule-linear',
  },
  {
    name: 'notion token',
    label: 'api-key',
    prefixes: ['ntn_'],
    body: 'A-Za-z0-9',
    min: 46,
    source: 'secretlint-rule-notion',
  },
  {
    name: 'sendgrid api key',
    label: 'api-key',
    prefixes: ['SG.'],
    body: 'A-Za-z0-9_.-',
    min: 50,
    source: 'secretlint-rule-sendgrid',
  },
  {
    name: 'shopify token',
    label: 'api-key',
    prefixes: ['shppa_', 'shpca_', 'shpat_', 'shpss_'],
    body: 'a-zA-Z0-9',
    min: 32,
    source: 'secretlint-rule-shopify',
  },
  {
    name: 'grafana token',
    label: 'api-key',
    prefixes: ['glc_'],
    body: 'A-Za-z0-9+/=',
    min: 32,
    source: 'secretlint-rule-grafana (cloud API tokens)',
  },
  {
    name: 'grafana token',
    label: 'api-key',
    prefixes: ['glsa_'],
    body: 'A-Za-z0-9_',
    min: 41,
    source: 'secretlint-rule-grafana (service account tokens)',
  },
  {
    name: '1password service account token',
    label: 'api-key',
    prefixes: ['ops_ey'],
    body: 'A-Za-z0-9+/=',
    min: 100,
    source: 'secretlint-rule-1password',
  },
  {
    name: 'hashicorp vault token',
    label: 'vault-token',
    prefixes: ['hvs.', 'hvb.', 'hvr.'],
    body: 'A-Za-z0-9_-',
    min: 90,
    source: 'secretlint-rule-hashicorp-vault',
  },
  {
    name: 'vercel token',
    label: 'api-key',
    prefixes: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    body: 'A-Za-z0-9',
    min: 20,
    source: 'secretlint-rule-vercel',
  },
  {
    name: 'databricks token',
    label: 'api-key',
    prefixes: ['dapi'],
    body: 'a-fA-F0-9',
    min: 32,
    source: 'secretlint-rule-databricks',
  },
  {
    name: 'docker hub token',
    label: 'api-key',
    prefixes: ['dckr_pat_'],
    body: 'a-zA-Z0-9_-',
    min: 27,
    source: 'secretlint-rule-docker',
  },
  {
    name: 'figma token',
    label: 'api-key',
    prefixes: ['figd_'],
    body: 'A-Za-z0-9_-',
    min: 40,
    source: 'secretlint-rule-figma',
  },
  {
    name: 'cloudflare token',
    label: 'api-key',
    prefixes: ['cfk_', 'cfut_', 'cfat_'],
    body: 'A-Za-z0-9',
    min: 48,
    source: 'secretlint-rule-cloudflare',
  },
  {
    name: 'tailscale key',
    label: 'api-key',
    // tskey-<type>-<8..40>-<16..60>: at least 2 + 1 + 8 + 1 + 16 characters after the prefix.
    prefixes: ['tskey-'],
    body: 'A-Za-z0-9_-',
    min: 28,
    source: 'secretlint-rule-tailscale',
  },
  {
    name: 'age secret key',
    label: 'age-key',
    prefixes: ['AGE-SECRET-KEY-1'],
    body: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
    min: 58,
    source: 'gitleaks age-secret-key',
  },
];

/**
 * Names whose value is a secret: a name (`[A-Za-z0-9_.-]` run) containing one of these, followed
 * by `=` or `:`, has its value masked. From the earlier built-in list; secretlint and gitleaks
 * keep such keywords per provider, which a name-based rule already covers.
 */
export const SECRET_NAME_KEYWORDS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'api_key',
  'api-key',
  'access_key',
  'access-key',
  'accesskey',
  'private_key',
  'private-key',
  'privatekey',
  'credential',
  'auth',
];

/**
 * A secret-looking name that ends in one of these names a reference, a setting or a location, not
 * the secret itself (`secretName: db-creds`, `tokenTTL: 3600`, `AUTH_URL=…`), so its value stays:
 * this is what keeps kubectl and config output readable. An exception's class (`NoCredentialsError:
 * Unable to locate credentials`, `InvalidTokenError: …`, `SecretsManagerException: …`) is followed by
 * its message, the words an engineer reads to know what failed, not by a value.
 */
export const SECRET_NAME_SUFFIXES_KEPT: readonly string[] = [
  'error',
  'exception',
  'name',
  'names',
  'tokens',
  'secrets',
  'ref',
  // A Secret's or ConfigMap's key a variable reads, as kubectl flattens it (`…secretKeyRef.key: smtp-uri`).
  'ref.key',
  'path',
  'file',
  'dir',
  'type',
  'mode',
  'url',
  'uri',
  'endpoint',
  'seconds',
  'ttl',
  'timeout',
  'expiry',
  'expiration',
  'length',
  'count',
  'enabled',
  'version',
];

/**
 * Endings of a secret-looking name that say how long something lives (`web_token_expire_time = 3600`,
 * `SESSION_TOKEN_LIFETIME=120`, `AUTH_COOKIE_MAX_AGE=3600`): the value is kept only when it reads as a
 * duration (a number, an optional unit), since `TOKEN_ONETIME=4f9c…` or `password_runtime=…` end the
 * same way and hold a secret.
 */
export const SECRET_NAME_DURATION_SUFFIXES: readonly string[] = [
  'time',
  'duration',
  'interval',
  'maxage',
  'max_age',
];

/**
 * Endings of a secret-looking name that say when something ends or began (`shipit.dev/token-expires-at:
 * 2026-09-08T17:42:10Z`, `TOKEN_NOT_AFTER=…`): the value is kept only when it reads as a point in time (an
 * RFC 3339 date or date-time, or a number of epoch seconds), so a name that merely ends this way and holds a
 * secret is still masked.
 */
export const SECRET_NAME_TIME_SUFFIXES: readonly string[] = [
  'expires_at',
  'expires-at',
  'expiresat',
  'expire_at',
  'expire-at',
  'expired_at',
  'expired-at',
  'issued_at',
  'issued-at',
  'issuedat',
  'not_after',
  'not-after',
  'notafter',
  'not_before',
  'not-before',
  'notbefore',
  'valid_until',
  'valid-until',
  'validuntil',
];

/** Whole names that contain a keyword but are not secrets: the shell's working directories. */
export const SECRET_NAMES_KEPT: readonly string[] = ['pwd', 'oldpwd', 'author', 'authors', 'authority'];

/**
 * Status words before an error's message that contain a keyword (HTTP 401's reason phrase,
 * `Unauthorized`, RFC 9110 §15.5.2; the registry API's error code `UNAUTHORIZED: authentication
 * required`, OCI distribution spec; gRPC's status code 16, `Unauthenticated`): like an object's name in
 * prose, the words after them are kept when they read as words, and a value that looks like a credential
 * is masked.
 */
export const SECRET_STATUS_WORDS: readonly string[] = ['unauthorized', 'unauthenticated'];
