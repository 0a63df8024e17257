// Table tests of the general rules written after held-out set 68's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { internalPublicUrlAnalyzer } from './internal-public-url.js';
import { jvmDebugSuspendAnalyzer } from './jvm-debug-suspend.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { tokenAfterRebuildAnalyzer } from './token-after-rebuild.js';

describe('jvm-debug-suspend: a JVM held until a debugger attaches', () => {
  const NS = 'mail';
  const POD = 'mailbox-sm5grsdwk-mmhxm';
  const OPTS = '-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=*:5005';
  const described = (env: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        'Controlled By:    ReplicaSet/mailbox-sm5grsdwk',
        'Containers:',
        '  mailbox:',
        '    State:          Waiting',
        '    Environment:',
        `      ${env}`,
      ].join('\n'),
    );
  const listening = 'Listening for transport dt_socket at address: 5005';

  it('keeps the agent with suspend=n in the variable the container sets', () => {
    const [f] = jvmDebugSuspendAnalyzer.finds(
      ctx(NS, [log(NS, POD, [listening], { previous: true }), described(`JAVA_OPTS:  -Xmx2g ${OPTS}`)]),
    );
    expect(f?.object).toBe('deployment mailbox');
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'mailbox',
        container: 'mailbox',
        set: [{ name: 'JAVA_OPTS', value: `-Xmx2g ${OPTS.replace('suspend=y', 'suspend=n')}` }],
      },
      text: 'set JAVA_OPTS of mailbox/mailbox to suspend=n, so the JVM starts while the debug agent still listens',
    });
    expect(f?.cause).toContain('waits for a debugger');
  });

  it('reads the JVM\'s own "Picked up" line when the description is not read', () => {
    const [f] = jvmDebugSuspendAnalyzer.finds(
      ctx(NS, [log(NS, POD, [`Picked up JAVA_TOOL_OPTIONS: ${OPTS}`, listening])]),
    );
    expect(f?.cause).toContain('JAVA_TOOL_OPTIONS loads the JDWP debug agent so that it suspends the JVM');
    expect(f?.fix).toBeUndefined();
  });

  it.each([
    ['suspend=n', [`Picked up JAVA_TOOL_OPTIONS: ${OPTS.replace('suspend=y', 'suspend=n')}`, listening]],
    ['no agent listening', [`Picked up JAVA_TOOL_OPTIONS: ${OPTS}`, 'Server started in 4 s']],
  ])('finds nothing with %s', (_, lines) => {
    expect(jvmDebugSuspendAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]))).toEqual([]);
  });
});

describe('internal-public-url: a browser-facing address set to a cluster-internal name', () => {
  const NS = 'cloud';
  const POD = 'files-7c9d5f6b8-x2k9p';
  const set = (key: string, value: string) =>
    `Config value '${key}' for app 'docs' is now set to '${value}', stored`;

  it.each([
    ['a short Service name', 'http://docs-server/'],
    ['a cluster DNS name', 'http://docs-server.office.svc.cluster.local/'],
  ])('finds %s in the public key beside an internal one', (_, value) => {
    const [f] = internalPublicUrlAnalyzer.finds(
      ctx(NS, [
        log(NS, POD, [
          set('EditorUrl', value),
          set('EditorInternalUrl', 'http://docs-server.office.svc.cluster.local/'),
        ]),
      ]),
    );
    expect(f?.object).toBe('the EditorUrl setting');
    expect(f?.cause).toContain("hands to users' browsers");
  });

  it.each([
    [
      'a public address',
      [set('EditorUrl', 'https://docs.example.com/'), set('EditorInternalUrl', 'http://docs/')],
    ],
    ['no internal address beside it', [set('EditorUrl', 'http://docs/')]],
    ['env-style keys', ['EDITOR_URL=https://docs.example.com', 'EDITOR_INTERNAL_URL=http://docs']],
  ])('finds nothing with %s', (_, lines) => {
    expect(internalPublicUrlAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]))).toEqual([]);
  });

  it('reads env-style keys too', () => {
    const [f] = internalPublicUrlAnalyzer.finds(
      ctx(NS, [log(NS, POD, ['EDITOR_URL=http://docs', 'EDITOR_INTERNAL_URL=http://docs'])]),
    );
    expect(f?.object).toBe('the EDITOR_URL setting');
  });

  it('does bounded work on long lines of keys', () => {
    const bad = Array.from({ length: 400 }, () => `${'aUrl='.repeat(380)}`);
    const benign = Array.from({ length: 400 }, () => 'x'.repeat(1900));
    expectBounded(
      () => internalPublicUrlAnalyzer.finds(ctx(NS, [log(NS, POD, bad)])),
      () => internalPublicUrlAnalyzer.finds(ctx(NS, [log(NS, POD, benign)])),
    );
  });
});

describe("token-after-rebuild: a client's 401s from a server set up again on new data", () => {
  const NS = 'media';
  const CLIENT = 'requests-5xsrpqdvb-r2hk7';
  const listed = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['requests', '1/1', '1', '1', '300d'],
      ['mediaserver', '1/1', '1', '1', '2d'],
    ]),
  );
  const refused = log(NS, CLIENT, [
    '[error][Mediaserver API]: Something went wrong while getting library content: Request failed with status code 401',
  ]);
  const described = (cause: string) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: 'mediaserver' },
      [
        'Name:                   mediaserver',
        `Annotations:            kubernetes.io/change-cause=${cause}`,
      ].join('\n'),
    );

  it("asks for the server's description, then names the stale key", () => {
    expect(tokenAfterRebuildAnalyzer.reads(ctx(NS, [listed, refused]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'mediaserver' } },
    ]);
    const [f] = tokenAfterRebuildAnalyzer.finds(
      ctx(NS, [listed, refused, described('mediaserver 10.10 on new config volume media-config-v2')]),
    );
    expect(f?.object).toBe('deployment requests');
    expect(f?.cause).toContain('set up again on new data');
  });

  it.each(['mediaserver 10.10.6 (image bump)', 'raise memory to 4Gi'])(
    'finds nothing when the server did not start over: %s',
    (cause) => {
      expect(tokenAfterRebuildAnalyzer.finds(ctx(NS, [listed, refused, described(cause)]))).toEqual([]);
    },
  );
});

describe('gloss: a .torrent link handed to a Usenet downloader', () => {
  it("reads SABnzbd's refusal of a torrent as an NZB", () => {
    expect(
      glossOf(
        'WARNING::[nzbparser:239] Invalid NZB file Some.Show.S02E03.torrent, skipping (reason=not well-formed)',
      )?.means,
    ).toMatch(/\.torrent file was handed to a Usenet downloader/);
  });
});

describe('glosses of set 69: a Phoenix origin check, MySQL 1049, a missing sendmail', () => {
  it.each([
    ['[error] Could not check origin for Phoenix.Socket transport.', /Origin .* external URL/],
    ["PDOException: SQLSTATE[HY000] [1049] Unknown database 'links_prod'", /has no database of that name/],
    ['sh: 1: /usr/sbin/sendmail: not found', /image it runs in has no sendmail/],
  ])('reads %s', (line, meaning) => {
    expect(glossOf(line)?.means).toMatch(meaning);
  });

  it("leaves a relay's unknown recipient alone", () => {
    expect(glossOf('sendmail[812]: 550 5.1.1 <x@example.com>... User not found')?.means ?? '').not.toMatch(
      /has no sendmail/,
    );
  });

  it('leaves a sendmail_path setting that names a missing file to other rules', () => {
    expect(glossOf('sendmail_path = /usr/sbin/sendmail -t -i (file not found)')?.means ?? '').not.toMatch(
      /has no sendmail/,
    );
  });
});
