import { describe, expect, it } from 'vitest';
import { REDACTION_RULES, redactSecrets } from './index.js';

// Fake tokens in the real formats (prefix, alphabet, length) of each rule, made up here from a
// seeded generator, never copied from anywhere: they are assembled at run time so that no
// secret scanner mistakes this file for a leak. Each must be masked; the negatives must not be.

let seed = 0x5eed;
function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out += alphabet[seed % alphabet.length];
  }
  return out;
}
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const B64URL = `${ALNUM}_-`;
const B64 = `${ALNUM}+/`;
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';
const j = (...parts: string[]) => parts.join('');

/** A fake JWT: real base64url JSON header and payload, a made-up signature. */
const jwt = j(
  Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
  '.',
  Buffer.from('{"sub":"svc-checkout","exp":1900000000}').toString('base64url'),
  '.',
  pick(B64URL, 43),
);

/** One corpus entry: the rule that must catch it, the text around it, the secret inside. */
interface Case {
  readonly rule: string;
  readonly text: string;
  readonly secret: string;
}

function token(rule: string, secret: string, before = 'value ', after = ' end'): Case {
  return { rule, text: `${before}${secret}${after}`, secret };
}

const pem = (label: string, body: string, nl = '\n') =>
  j('-----BEGIN ', label, '-----', nl, body, nl, '-----END ', label, '-----');

const pemBody = pick(B64, 64);
const cases: Case[] = [
  { rule: 'private key', text: pem('RSA PRIVATE KEY', pemBody), secret: pemBody },
  { rule: 'private key', text: pem('OPENSSH PRIVATE KEY', pemBody), secret: pemBody },
  { rule: 'private key', text: pem('EC PRIVATE KEY', pemBody), secret: pemBody },
  { rule: 'private key', text: pem('ENCRYPTED PRIVATE KEY', pemBody), secret: pemBody },
  { rule: 'private key', text: pem('PGP PRIVATE KEY BLOCK', pemBody), secret: pemBody },
  {
    rule: 'private key',
    text: `{"type":"service_account","private_key":"${pem('PRIVATE KEY', pemBody, '\\n')}\\n"}`,
    secret: pemBody,
  },
  {
    rule: 'private key',
    text: `log: ${j('-----BEGIN ', 'PRIVATE KEY', '-----')}\n${pemBody}\n(truncated)`,
    secret: pemBody,
  },
  token('jwt', jwt, 'id_token ', ''),
  token('jwt', jwt, '{"jwt":"', '"}'),
  token('aws access key id', j('AKIA', pick(UPPER + DIGITS, 16))),
  token('aws access key id', j('ASIA', pick(UPPER + DIGITS, 16)), 'aws_access_key_id = '),
  token('aws access key id', j('A3T', pick(UPPER + DIGITS, 17))),
  token('github token', j('ghp_', pick(ALNUM, 36))),
  token('github token', j('gho_', pick(ALNUM, 36))),
  token('github token', j('ghu_', pick(ALNUM, 36))),
  token('github token', j('ghr_', pick(ALNUM, 36))),
  token('github token', j('ghs_', pick(ALNUM, 36))),
  token('github token', j('ghs_', pick(DIGITS, 8), '_', jwt), 'x-access-token:'),
  token('github token', j('github_pat_', pick(ALNUM, 22), '_', pick(ALNUM, 59)), 'GH_TOKEN=', ''),
  token('github token', j('github_pat_', pick(ALNUM, 22), '_', pick(ALNUM, 59)), 'git push https://'),
  token('gitlab token', j('glpat-', pick(B64URL, 20))),
  token('slack token', j('xoxb-', pick(DIGITS, 12), '-', pick(DIGITS, 13), '-', pick(ALNUM, 24))),
  token('slack token', j('xoxp-', pick(DIGITS, 12), '-', pick(DIGITS, 12), '-', pick(HEX, 32))),
  token('slack token', j('xapp-1-', pick(UPPER + DIGITS, 11), '-', pick(DIGITS, 13), '-', pick(HEX, 64))),
  token(
    'slack webhook url',
    j(
      'hooks.slack.com/services/T',
      pick(UPPER + DIGITS, 10),
      '/B',
      pick(UPPER + DIGITS, 10),
      '/',
      pick(ALNUM, 24),
    ),
    'POST https://',
  ),
  token(
    'slack webhook url',
    j(
      'hooks.slack.com/workflows/T',
      pick(ALNUM, 10),
      '/A',
      pick(ALNUM, 10),
      '/',
      pick(DIGITS, 18),
      '/',
      pick(ALNUM, 24),
    ),
    'https://',
  ),
  token('stripe key', j('sk_live_', pick(ALNUM, 24))),
  token('stripe key', j('sk_live_', pick(ALNUM, 99)), 'Stripe.apiKey = "', '";'),
  token('stripe key', j('rk_live_', pick(ALNUM, 32))),
  token('stripe key', j('sk_test_', pick(ALNUM, 24))),
  token('openai or anthropic api key', j('sk-proj-', pick(B64URL, 74), 'T3BlbkFJ', pick(B64URL, 74))),
  token('openai or anthropic api key', j('sk-', pick(ALNUM, 20), 'T3BlbkFJ', pick(ALNUM, 20))),
  token('openai or anthropic api key', j('sk-ant-api03-', pick(B64URL, 93), 'AA')),
  token('google api key', j('AIza', pick(B64URL, 35))),
  token('npm token', j('npm_', pick(ALNUM, 36)), '//registry.npmjs.org/:_authToken='),
  token('huggingface token', j('hf_', pick(UPPER + LOWER, 34))),
  token('groq api key', j('gsk_', pick(ALNUM, 52))),
  token('linear api key', j('lin_api_', pick(ALNUM, 40))),
  token('notion token', j('ntn_', pick(DIGITS, 11), pick(ALNUM, 35))),
  token('sendgrid api key', j('SG.', pick(B64URL, 22), '.', pick(B64URL, 43))),
  token('shopify token', j('shpat_', pick(HEX, 32))),
  token('shopify token', j('shpss_', pick(HEX, 32))),
  token('grafana token', j('glc_', pick(B64, 40), '==')),
  token('grafana token', j('glsa_', pick(ALNUM, 32), '_', pick(HEX, 8))),
  token('1password service account token', j('ops_eyJ', pick(B64, 150))),
  token('hashicorp vault token', j('hvs.', pick(B64URL, 95))),
  token('hashicorp vault token', j('hvb.', pick(B64URL, 140))),
  token('vercel token', j('vcp_', pick(ALNUM, 24))),
  token('databricks token', j('dapi', pick(HEX, 32))),
  token('docker hub token', j('dckr_pat_', pick(B64URL, 27))),
  token('figma token', j('figd_', pick(B64URL, 40))),
  token('cloudflare token', j('cfut_', pick(ALNUM, 40), pick(HEX, 8))),
  token('tailscale key', j('tskey-auth-', pick(ALNUM, 12), 'CNTRL-', pick(ALNUM, 33))),
  token('age secret key', j('AGE-SECRET-KEY-1', pick(BECH32, 58))),
  token('bearer token', pick(B64URL, 40), 'Authorization: Bearer '),
  token('bearer token', Buffer.from(`admin:${pick(ALNUM, 12)}`).toString('base64'), 'Authorization: Basic '),
  token('bearer token', pick(HEX, 40), 'Authorization: Token '),
  token('bearer token', pick(B64URL, 40), "curl -H 'authorization: bearer ", "' https://api"),
  token('password in a URL', pick(ALNUM, 16), 'postgres://app:', '@db.internal:5432/orders'),
  token(
    'password in a URL',
    pick(ALNUM, 16),
    'mongodb+srv://svc:',
    '@cluster0.example.net/?retryWrites=true',
  ),
  token('password in a URL', pick(ALNUM, 16), 'redis://:', '@cache:6379/0'),
  token('password in a URL', `${pick(ALNUM, 6)}@${pick(ALNUM, 6)}`, 'amqp://guest:', '@rabbit:5672'),
  token('password in a URL', pick(ALNUM, 16), 'cloning https://x-oauth:', '@git.example.com/org/repo.git'),
  token('secret-named variable', pick(ALNUM, 20), 'API_TOKEN=', '\nNEXT=1'),
  token('secret-named variable', pick(ALNUM, 20), 'DB_PASSWORD: ', ''),
  token('secret-named variable', pick(ALNUM, 20), '{"client_secret":"', '","user":"bob"}'),
  token('secret-named variable', pick(ALNUM, 20), '{"client_secret": "', '"}'),
  token('secret-named variable', `correct horse ${pick(LOWER, 8)} staple`, 'password: "', '"'),
  token('secret-named variable', `correct horse ${pick(LOWER, 8)} staple`, "password: '", "'"),
  token(
    'secret-named variable',
    `${pick(LOWER, 6)} ${pick(LOWER, 6)}`,
    '{"log":"{\\"password\\": \\"',
    '\\"}"}',
  ),
  token('secret-named variable', `${pick(LOWER, 6)}\\"${pick(LOWER, 6)}`, '{"password": "', '"}'),
  token('secret-named variable', pick(ALNUM, 20), 'privateKey := "', '"'),
  token('secret-named variable', pick(ALNUM, 20), "'api_key' => '", "',"),
  token('secret-named variable', pick(ALNUM, 20), 'export AWS_SECRET_ACCESS_KEY=', ''),
  token('secret-named variable', `${pick(LOWER, 6)} ${pick(LOWER, 6)}`, 'credentials: "', ''),
  token('secret-named variable', pick(ALNUM, 20), 'data:\n  password: ', '\nkind: Secret'),
];

describe('the corpus of real-format fake tokens', () => {
  it.each(cases.map((c) => [c.rule, c.text, c.secret] as const))('%s: %j', (_rule, text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('<redacted');
  });

  it('has an example of every rule', () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(REDACTION_RULES.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('says which kind of token it masked, keeping the text around it', () => {
    const gh = j('github_pat_', pick(ALNUM, 22), '_', pick(ALNUM, 59));
    expect(redactSecrets(`push with ${gh} failed`)).toBe('push with <redacted:github-token> failed');
    const hook = j('hooks.slack.com/services/T', pick(ALNUM, 9), '/B', pick(ALNUM, 9), '/', pick(ALNUM, 24));
    expect(redactSecrets(`notify https://${hook}\n`)).toBe('notify https://<redacted:slack-webhook>\n');
    expect(redactSecrets(`STRIPE=${j('sk_live_', pick(ALNUM, 30))};`)).toBe('STRIPE=<redacted:stripe-key>;');
  });

  it('masks a whole quoted value, spaces included, and keeps the quoting', () => {
    expect(redactSecrets('password: "correct horse battery staple"')).toBe('password: "<redacted>"');
    expect(redactSecrets('{\\"password\\":\\"correct horse\\",\\"user\\":\\"bob\\"}')).toBe(
      '{\\"password\\":\\"<redacted>\\",\\"user\\":\\"bob\\"}',
    );
    expect(redactSecrets('{"password": "a\\"b c", "user": "bob"}')).toBe(
      '{"password": "<redacted>", "user": "bob"}',
    );
    // A cut-off line: the rest of the line goes, the next line stays.
    expect(redactSecrets('password: "correct horse\nnext line')).toBe('password: "<redacted>\nnext line');
  });

  it('masks an @ inside a URL password and an empty user', () => {
    expect(redactSecrets('amqp://guest:p@ss@rabbit:5672')).toBe('amqp://guest:<redacted>@rabbit:5672');
    expect(redactSecrets('redis://:hunter2@cache:6379')).toBe('redis://:<redacted>@cache:6379');
  });

  it('keeps the auth scheme and masks the credential once', () => {
    expect(redactSecrets('Authorization: Bearer abcDEF1234567890ghiJKL')).toBe(
      'Authorization: Bearer <redacted>',
    );
  });
});

describe('text that must stay as it is', () => {
  const negatives = [
    // Ordinary log lines and kubectl output.
    '2024-05-01T12:00:00Z INFO request completed path=/api/v1/orders status=200 duration=12ms',
    'NAME                        READY   STATUS             RESTARTS      AGE',
    'checkout-7d9f8c6b5-x2x4q    0/1     CrashLoopBackOff   7 (2m ago)    14m',
    'Warning  BackOff  2m (x40 over 12m)  kubelet  Back-off restarting failed container api',
    "    Environment:\n      DB_PASSWORD:  <set to the key 'password' in secret 'db'>  Optional: false",
    "      API_TOKEN:    <set to the key 'token' of config map 'api'>",
    '    Mounts:\n      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-7kq2p (ro)',
    'Type:  kubernetes.io/service-account-token',
    '  automountServiceAccountToken: false',
    '      secretName: db-credentials',
    '        secretKeyRef:\n          name: db\n          key: password',
    '  - --token-auth-file=/etc/kubernetes/tokens.csv',
    'usage: input_tokens: 1523, output_tokens: 211',
    'NAME      SECRETS   AGE\ndefault   0         40d',
    // Already masked, or a reference to a variable.
    'password: <redacted>',
    'DB_PASSWORD=<redacted: 12 bytes>',
    'password: ********',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} reference is the input
    'token: ${VAR}',
    'token: $TOKEN',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} reference is the input
    'API_KEY="${API_KEY}"',
    'secret: {{ .Values.secret }}',
    'auth: enabled',
    'PWD=/home/app\nOLDPWD=/srv',
    // Digests, ids and base64 that are not secrets.
    'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'Image ID: docker.io/library/nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31',
    'uid: 3f6c1a9e-2b7d-4e8f-9a0b-1c2d3e4f5a6b',
    'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
    'config.json: eyJsb2dMZXZlbCI6ImluZm8iLCJwb3J0Ijo4MDgwfQ==',
    'ca.crt:     1066 bytes',
    'npm_config_user_agent=pnpm/10.34.8 npm/? node/v20.19.0 linux x64',
    'npm_package_dependencies_zod=^4.1.0',
    // Words that begin like a token or a scheme.
    'basic authentication failed for user admin',
    'Token expired at 12:00, refreshing',
    'task-scheduler-abcdefghijklmnopqrstuvwxyz started',
    'Liveness probe failed: Get "http://10.0.0.7:8081/healthz": connect: connection refused',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----',
  ];

  it.each(negatives)('%j', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });
});
