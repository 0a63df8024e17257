// Table tests of the general rules written after held-out set 64's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { disabledEndpointAnalyzer } from './disabled-endpoint.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed } from './observed.fixture.js';
import { sshNologinAnalyzer } from './ssh-nologin.js';
import { urlSchemeAnalyzer } from './url-scheme.js';

describe('url-scheme: a connection URL refused for its scheme', () => {
  const NS = 'boards';
  const POD = 'wekan-mpx67vfx8c-ncrjg';
  const crash = (line: string) => log(NS, POD, ['throw(ex);', line], { previous: true });
  const pod = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'wekan', env }),
    );

  it('reads the pod, then gives the variable the scheme the library expects', () => {
    expect(urlSchemeAnalyzer.reads(ctx(NS, [crash('Error: invalid schema, expected mongodb')]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    const [f] = urlSchemeAnalyzer.finds(
      ctx(NS, [
        crash('Error: invalid schema, expected mongodb'),
        pod({
          ROOT_URL: 'https://boards.corp.example',
          MONGO_URL: 'http://shared-mongo.data.svc:27017/wekan',
        }),
      ]),
    );
    expect(f?.cause).toMatch(
      /MONGO_URL is "http:\/\/shared-mongo.data.svc:27017\/wekan": its scheme is http:\/\/, not mongodb:\/\//,
    );
    expect(f?.fix?.args['set']).toEqual([
      { name: 'MONGO_URL', value: 'mongodb://shared-mongo.data.svc:27017/wekan' },
    ]);
  });

  it.each([
    // [log line, variables, finds]
    [
      'Invalid scheme, expected connection string to start with "mongodb://" or "mongodb+srv://"',
      { MONGO_URL: 'http://db:27017/x' },
      true,
    ],
    // The URL already has the scheme: not this.
    ['Error: invalid schema, expected mongodb', { MONGO_URL: 'mongodb://db:27017/x' }, false],
    ['Error: invalid schema, expected mongodb', { MONGO_URL: 'mongodb+srv://cluster0.example/x' }, false],
    // No refusal of a scheme: nothing.
    ['MongoServerSelectionError: connect ECONNREFUSED', { MONGO_URL: 'http://db:27017/x' }, false],
  ] as const)('%s with %j', (line, env, finds) => {
    expect(urlSchemeAnalyzer.finds(ctx(NS, [crash(line), pod({ ...env })])).length > 0).toBe(finds);
  });
});

describe('disabled-endpoint: an endpoint the server switched off', () => {
  const NS = 'vault';
  const POD = 'passbolt-mpbxz5gpw-hrd72';
  const access = (code: number) =>
    `10.244.2.31 - - "GET /healthcheck/status.json HTTP/1.1" ${code} 221 "-" "uptime-kuma/1.23"`;
  const pod = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'passbolt', env }),
    );

  it.each([
    // [status, variables, the switch turned back on, or undefined]
    [
      403,
      { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'false' },
      { name: 'PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED', value: 'true' },
    ],
    [404, { DISABLE_HEALTHCHECK: 'true' }, { name: 'DISABLE_HEALTHCHECK', value: 'false' }],
    // The switch is on: not this.
    [403, { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'true' }, undefined],
    // A switch for something else.
    [403, { PASSBOLT_SELENIUM_ACTIVE: 'false', METRICS_ENABLED: 'false' }, undefined],
    // Served: not this.
    [200, { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'false' }, undefined],
  ] as const)('%s with %j', (code, env, set) => {
    const [f] = disabledEndpointAnalyzer.finds(
      ctx(NS, [log(NS, POD, [access(code), access(code)]), pod({ ...env })]),
    );
    if (set) {
      expect(f?.cause).toMatch(/the endpoint \/healthcheck\/status.json is switched off/);
      expect(f?.fix?.args['set']).toEqual([set]);
    } else expect(f).toBeUndefined();
  });

  it('describes the refusing pod first', () => {
    expect(disabledEndpointAnalyzer.reads(ctx(NS, [log(NS, POD, [access(403)])]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
  });
});

describe('ssh-nologin: an SSH account whose login shell refuses commands', () => {
  const NS = 'git';
  const task = 'Every CI job that clones over SSH fails; HTTPS works.';
  it.each([
    ['git:x:1000:1000::/data/git:/usr/sbin/nologin', task, true],
    ['git:x:1000:1000::/data/git:/bin/false', task, true],
    ['git:x:1000:1000::/data/git:/bin/sh', task, false],
    // A system account with nologin is normal.
    ['daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin', task, false],
    // Not a task about SSH.
    ['git:x:1000:1000::/data/git:/usr/sbin/nologin', 'HTTPS clones fail', false],
  ] as const)('%s', (line, t, finds) => {
    const [f] = sshNologinAnalyzer.finds(
      ctx(NS, [log(NS, 'gogs-debug', ['uid=1000(git) gid=1000(git)', line])], t),
    );
    expect(f !== undefined).toBe(finds);
    if (finds) expect(f?.cause).toMatch(/sshd runs every command .* through the user's login shell/);
  });
});

describe("a message broker's truncated journal", () => {
  it.each([
    [
      'ERROR o.g.k.i.jms.ArtemisConfig : Embedded broker could not load its journal: /config/artemis/journal/activemq-data-7.amq is truncated (expected 10485760 bytes, found 3211264)',
      true,
    ],
    ['INFO journal compacted; 2 files truncated to their used size', false],
  ] as const)('%s', (line, glossed) => {
    const g = glossOf(line);
    expect(g?.means.includes('never delivered') ?? false).toBe(glossed);
  });
});
