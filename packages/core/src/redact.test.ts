import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness, defineTool, MemorySink, redactSecrets } from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

const planted = {
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl',
  bearer: 'Authorization: Bearer abcDEF1234567890ghiJKL',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  conn: 'postgres://app:hunter2-prod@db.internal:5432/orders',
  apiKey: 'OPENAI_API_KEY=sk-proj-0123456789abcdefghijABCDEFGHIJ',
  password: 'DB_PASSWORD: s3cr3t-value',
  pem: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----',
};
const secrets = [
  'c2lnbmF0dXJlLXZhbHVl',
  'abcDEF1234567890ghiJKL',
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI',
  'hunter2-prod',
  'sk-proj-0123456789',
  's3cr3t-value',
  'MIIEowIBAAKCAQEA',
];

describe('redactSecrets', () => {
  it.each(Object.entries(planted))('masks %s', (_, text) => {
    const out = redactSecrets(text);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out).toContain('<redacted');
  });

  it('leaves ordinary operational text alone', () => {
    const text = [
      'java.lang.OutOfMemoryError: Java heap space',
      'Last State: Terminated, Reason: OOMKilled, Exit Code: 137',
      'memory 497Mi / limit 512Mi (97%)',
      'GET /api/v1/namespaces/shop/pods 200',
      'Liveness probe failed: Get "http://10.0.0.7:8081/healthz": connect: connection refused',
      'Environment: DB_PASSWORD: <set to the key "password" in secret "db">',
    ].join('\n');
    expect(redactSecrets(text)).toBe(text);
  });

  it('keeps the name of a secret-named variable so the line still reads', () => {
    expect(redactSecrets('STRIPE_API_KEY=rk_live_abcdef123')).toBe('STRIPE_API_KEY=<redacted>');
    expect(redactSecrets('"password": "p@ss"')).toBe('"password": "<redacted>"');
  });

  it('reads an object named auth in prose as a name, and an auth key as a key', () => {
    for (const text of [
      'namespace auth: api-7f9 CrashLoopBackOff',
      'Service auth: selector app=auth matches no pods',
      'kube-system/auth: Pending',
    ])
      expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('auth: hunter2secret')).toBe('auth: <redacted>');
    expect(redactSecrets('  auth: c2VjcmV0')).toBe('  auth: <redacted>');
    expect(redactSecrets('{"auths":{"r.example":{"auth":"dXNlcjpwYXNz"}}}')).not.toContain('dXNlcjpwYXNz');
    expect(redactSecrets('AUTH=abc123xyz')).toBe('AUTH=<redacted>');
    expect(redactSecrets('basic_auth: s3cr3tpass')).toBe('basic_auth: <redacted>');
  });

  it("reads a secret-looking name after an object's kind as the object's name", () => {
    for (const text of [
      'No fault found in namespace passwords: the workloads are healthy.',
      'deployment token-service: 2 of 3 replicas available',
      'ns/secrets: Active',
      'Service api-keys: selector app=api-keys matches no pods',
    ])
      expect(redactSecrets(text)).toBe(text);
    for (const text of [
      'secret password: hunter2secret',
      'export PASSWORD=hunter2secret',
      'mynamespace password: hunter2secret',
      'namespace-password: hunter2secret',
    ])
      expect(redactSecrets(text)).toContain('<redacted>');
  });

  it("keeps client-go's and the kubelet's errors about Secrets and credentials, and only those", () => {
    for (const text of [
      'E1205 reflector.go:147] Failed to watch *v1.Secret: failed to list *v1.Secret: secrets is forbidden: User "system:serviceaccount:app:web" cannot list resource "secrets" in API group "" in the namespace "app"',
      'reflector.go:169: Failed to watch *v1.Secret: unknown (get secrets)',
      'Failed to list *v1.KongCredential: the server could not find the requested resource',
      'failed to list v1beta1.SecretProviderClass: the server could not find the requested resource',
      'MountVolume.SetUp failed for volume "db-credentials" : secret "db-credentials" not found',
      'MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to mount',
    ])
      expect(redactSecrets(text)).toBe(text);
    for (const text of [
      '*password: hunter2secret',
      'app.Password: hunter2secret',
      '*v1.Secret= hunter2secret',
      'x.v1.Secret: hunter2secret',
      '{"volume": "data", "password": "hunter2secret"}',
      '  "db-credentials" : hunter2secret',
    ])
      expect(redactSecrets(text), text).toContain('<redacted>');
  });

  it("keeps Go's os.PathError after a secret-like name, and still masks a path-like value", () => {
    const line =
      'FATAL cannot read database credentials: open /vault/secrets/db-creds: no such file or directory';
    expect(redactSecrets(line)).toBe(line);
    // klog's header names the source file and line (`file.go:73]`); a Python frame too.
    expect(
      redactSecrets(
        'E0520 09:14:02.071707       1 authentication.go:73] "Unable to authenticate the request"',
      ),
    ).toBe('E0520 09:14:02.071707       1 authentication.go:73] "Unable to authenticate the request"');
    expect(redactSecrets('  File "/app/auth_token.py:41", in refresh')).toBe(
      '  File "/app/auth_token.py:41", in refresh',
    );
    // A value after a file's name that is not a line number stays masked; so does a name that is no file.
    expect(redactSecrets('token.go: s3cr3tTokenValue99')).not.toContain('s3cr3tTokenValue99');
    expect(redactSecrets('auth_token: 41f9Ab7cQ2')).not.toContain('41f9Ab7cQ2');
    expect(redactSecrets('token: stat /run/secrets/t: permission denied')).toBe(
      'token: stat /run/secrets/t: permission denied',
    );
    expect(redactSecrets('password: /opensesame123')).toContain('<redacted>');
    // An assignment is a value whatever it looks like.
    expect(redactSecrets('DB_PASSWORD=open /x')).toContain('<redacted>');
    expect(redactSecrets('DB_PASSWORD=secret "x"')).toContain('<redacted>');
    expect(redactSecrets('password: opener/x123')).toContain('<redacted>');
    // Go's := is an assignment too.
    expect(redactSecrets('token := open /x')).toBe('token := <redacted> /x');
    expect(redactSecrets('token := dial tcp 10.0.0.1:443')).toContain('<redacted>');
  });

  it('keeps the key a variable reads from a Secret, as kubectl flattens the reference', () => {
    const line = '  template.spec.containers[0].env[2].valueFrom.secretKeyRef.key: smtp-uri';
    expect(redactSecrets(line)).toBe(line);
    expect(redactSecrets('secretKeyRef.key=smtp-uri')).toBe('secretKeyRef.key=smtp-uri');
    // The value of a Secret's key is still masked.
    expect(redactSecrets('secret.key: 4f9c2e1a7b3d5f60')).toContain('<redacted>');
  });

  it('keeps the status word of a refused request (401, the registry API, gRPC) with its message', () => {
    for (const line of [
      'error storing payload for oci: POST https://registry.example/v2/a/b/blobs/uploads/: UNAUTHORIZED: authentication required',
      'error: unauthorized: authentication required',
      '401 Unauthorized: access token expired',
      'rpc error: code = Unauthenticated desc = invalid credentials',
      'grpc status Unauthenticated: request lacks credentials',
    ])
      expect(redactSecrets(line), line).toBe(line);
    // Names that only contain the status word are still keys.
    expect(redactSecrets('unauthorized_token: 4f9c2e1a7b3d')).toContain('<redacted>');
    expect(redactSecrets('UNAUTHORIZED_AUTH=4f9c2e1a7b3d')).toContain('<redacted>');
  });

  it("keeps kube-apiserver's error about a body it could not decode into a Secret, and only that", () => {
    const text =
      'Error from server (BadRequest): error when creating "db.yaml": Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4';
    expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('OAuth client Secret: s3cr3tvalue')).toBe('OAuth client Secret: <redacted>');
    expect(redactSecrets('cannot be handled as a secret: s3cr3tvalue')).toContain('<redacted>');
    expect(redactSecrets('handled as a Secret: s3cr3tvalue')).toContain('<redacted>');
  });

  it("keeps MySQL's (using password: YES) and (using password: NO), which say whether a password was sent", () => {
    for (const text of [
      "ERROR 1045 (28000): Access denied for user 'app'@'10.244.2.17' (using password: YES)",
      "Access denied for user 'app'@'10.244.2.17' (using password: NO)",
    ])
      expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('(using password: hunter2)')).toContain('<redacted>');
    expect(redactSecrets('password: YES')).toContain('<redacted>');
  });

  it('keeps how long a token or session lives, and still masks the token', () => {
    for (const text of [
      'web_token_expire_time = 3600',
      'SESSION_TOKEN_LIFETIME=120',
      'auth_session_max_age: 86400',
      'tokenTTL: 3600',
    ])
      expect(redactSecrets(text)).toBe(text);
    expect(redactSecrets('web_token = 9c4e2f7a1b')).toBe('web_token = <redacted>');
    expect(redactSecrets('SESSION_TOKEN=abc123def456')).toContain('<redacted>');
  });

  it('keeps when a token expires or was issued, when the value is a point in time', () => {
    for (const text of [
      '    shipit.dev/token-expires-at: 2026-09-08T17:42:10Z',
      'TOKEN_EXPIRES_AT=2026-09-08',
      'token_not_after: "2026-09-08T17:42:10.250+02:00"',
      'ACCESS_TOKEN_ISSUED_AT=1757353330',
    ])
      expect(redactSecrets(text)).toBe(text);
    // The name alone keeps nothing: a value that is no time is masked.
    expect(redactSecrets('TOKEN_EXPIRES_AT=ghp_abcdefghijklmnop1234567890')).toBe(
      'TOKEN_EXPIRES_AT=<redacted>',
    );
    expect(redactSecrets('token-expires-at: 2026-09-08Tsecretvalue')).toBe('token-expires-at: <redacted>');
    expect(redactSecrets('password_valid_until: 2026-09-08x')).toBe('password_valid_until: <redacted>');
  });

  it("reads a pod's generated name as a name, whatever words it holds", () => {
    for (const text of [
      'Observed on Pod/auth-6c8d7f5b9-m59lz: container auth Running',
      'token-exchange-7d9c8b6f5-fj7mh: CrashLoopBackOff',
      'secret-store-5f7d8c6b9-2kq9x: 0/1 Running',
    ])
      expect(redactSecrets(text)).toBe(text);
    // A key that only resembles one stays a key.
    expect(redactSecrets('auth-token-abc: hunter2secret')).toBe('auth-token-abc: <redacted>');
    expect(redactSecrets('db-password-v2: hunter2secret')).toBe('db-password-v2: <redacted>');
  });

  it("reads an exception's class as a name: its message is what failed, not a value", () => {
    for (const text of [
      'botocore.exceptions.NoCredentialsError: Unable to locate credentials',
      'jwt.exceptions.InvalidTokenError: Signature verification failed',
      'TokenExpiredError: jwt expired',
      'InvalidPasswordException: password does not meet policy',
      'AuthenticationError: bad credentials for user bob',
      'com.amazonaws.services.secretsmanager.model.SecretsManagerException: Access denied',
    ])
      expect(redactSecrets(text)).toBe(text);
    // A secret-named key inside the message is still a key.
    expect(redactSecrets('LoginError: password=hunter2secret')).toBe('LoginError: password=<redacted>');
    expect(redactSecrets('TokenError: token=abc123def456ghi')).toBe('TokenError: token=<redacted>');
    expect(redactSecrets('ConnectionError: redis://:hunter2secret@redis:6379/0')).toBe(
      'ConnectionError: redis://:<redacted>@redis:6379/0',
    );
  });
});

describe('the harness redacts before the model, memory and trace see tool output', () => {
  it('masks planted secrets in results and errors on every channel', async () => {
    const all = Object.values(planted).join('\n');
    const leaky = defineTool({
      name: 'env',
      description: 'print env',
      input: z.object({}),
      mutating: false,
      execute: () => all,
    });
    const failing = defineTool({
      name: 'connect',
      description: 'connect',
      input: z.object({}),
      mutating: false,
      execute: () => {
        throw new Error(`cannot connect to ${planted.conn}`);
      },
    });
    const sink = new MemorySink();
    const model = new ScriptedModel([callTool('env'), callTool('connect'), finalAnswer('done')]);
    const r = await createHarness({
      model,
      tools: [leaky, failing],
      guardrails: { maxSteps: 4, allow: ['env', 'connect'] },
      trace: sink,
    }).run('t');
    const channels = [
      JSON.stringify(sink.events),
      JSON.stringify(r),
      ...model.requests.map((q) => q.context),
    ];
    for (const channel of channels) for (const s of secrets) expect(channel).not.toContain(s);
    expect(sink.ofKind('tool_result')[0]!.output).toContain('postgres://app:<redacted>@db.internal');
  });

  it('can be replaced or turned off', async () => {
    const t = defineTool({
      name: 't',
      description: 't',
      input: z.object({}),
      mutating: false,
      execute: () => 'token=abc123',
    });
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([callTool('t'), finalAnswer('x')]),
      tools: [t],
      guardrails: { maxSteps: 3, allow: ['t'] },
      redact: false,
      trace: sink,
    }).run('t');
    expect(sink.ofKind('tool_result')[0]!.output).toBe('token=abc123');
  });
});
