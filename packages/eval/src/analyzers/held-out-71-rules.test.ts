// Table tests of the general rules written after held-out set 71's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { configShapeAnalyzer } from './config-shape.js';
import { glossOf } from './log-glosses.js';
import { nonHttpPortAnalyzer } from './non-http-port.js';
import { ctx, describedPodText, expectBounded, log, observed } from './observed.fixture.js';
import { quotedMessageLoggedAnalyzer } from './quoted-message-logged.js';

describe('non-http-port: HTTP sent to a Service port that speaks another protocol', () => {
  const NS = 'seedbox';
  const POD = 'janitor-6b5c8f9d7-qklmm';
  const URL = 'http://rtorrent.seedbox.svc.cluster.local:5000/RPC2';
  const line = `Call failed. HTTP POST to URL '${URL}' failed. libcurl failed even to execute the HTTP transaction, explaining:  Empty reply from server.`;
  const service = (second: string) =>
    observed(
      'describe_service',
      { namespace: NS, name: 'rtorrent' },
      [
        'Name:              rtorrent',
        'Port:              scgi  5000/TCP',
        'TargetPort:        5000/TCP',
        `Port:              ${second}`,
        'TargetPort:        8080/TCP',
      ].join('\n'),
    );
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'janitor', env: { RT_RPC_URL: URL } }).replace(
      'Status:           Running',
      'Status:           Running\nControlled By:    ReplicaSet/janitor-6b5c8f9d7',
    ),
  );

  it('reads the Service, then points the variable at its HTTP port', () => {
    expect(nonHttpPortAnalyzer.reads(ctx(NS, [log(NS, POD, [line], { previous: true })]))).toEqual([
      { tool: 'describe_service', args: { namespace: NS, name: 'rtorrent' } },
    ]);
    const [f] = nonHttpPortAnalyzer.finds(
      ctx(NS, [log(NS, POD, [line], { previous: true }), service('http-rpc  8080/TCP'), described]),
    );
    expect(f?.cause).toContain('speaks SCGI, not HTTP');
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'janitor',
      container: 'janitor',
      set: [{ name: 'RT_RPC_URL', value: 'http://rtorrent.seedbox.svc.cluster.local:8080/RPC2' }],
    });
  });

  it.each([
    ['no other port named for HTTP', 'metrics  8080/TCP'],
    ['the called port is the HTTP one', 'http  5000/TCP'],
  ])('finds nothing when %s', (_, second) => {
    const svc =
      second === 'http  5000/TCP'
        ? observed(
            'describe_service',
            { namespace: NS, name: 'rtorrent' },
            'Port:  http  5000/TCP\nPort:  web  8080/TCP',
          )
        : service(second);
    expect(nonHttpPortAnalyzer.finds(ctx(NS, [log(NS, POD, [line]), svc, described]))).toEqual([]);
  });

  it('leaves hosts outside the cluster alone', () => {
    const outside = line.replace(URL, 'http://tracker.example.org:5000/RPC2');
    expect(nonHttpPortAnalyzer.reads(ctx(NS, [log(NS, POD, [outside])]))).toEqual([]);
  });
});

describe('config-shape: one entry writes a list key as a single string', () => {
  const NS = 'alerting';
  const POD = 'notify-7d6c5b9f8-4zc6c';
  const failed = 'WARNING:apprise:Failed to load Apprise configuration from memory://';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, configMaps: ['notify-config'] }),
  );
  const configMap = (conf: string) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'notify-config', namespace: NS },
      `apiVersion: v1\ndata:\n  notify.conf: |\n${conf
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n')}\nkind: ConfigMap\nmetadata:\n  name: notify-config\n`,
    );
  const odd =
    'configs:\n  team:\n    urls:\n      - "ntfy://a/team"\n  oncall:\n    urls:\n      "ntfy://a/oncall"';

  it('reads the mounted ConfigMap, then names the entry and the key', () => {
    expect(configShapeAnalyzer.reads(ctx(NS, [log(NS, POD, [failed]), described]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'notify-config', namespace: NS } },
    ]);
    const [f] = configShapeAnalyzer.finds(
      ctx(NS, [log(NS, POD, [failed]), described, configMap(odd)], 'oncall mail no longer arrives'),
    );
    expect(f?.cause).toContain('configs.oncall.urls is a single string');
    expect(f?.cause).toContain("team's urls is a YAML list");
  });

  it.each([
    ['every entry a list', odd.replace('      "ntfy://a/oncall"', '      - "ntfy://a/oncall"')],
    ['no failure to load', odd],
  ])('finds nothing with %s', (name, conf) => {
    const logged = name === 'no failure to load' ? 'INFO loaded 2 recipients' : failed;
    expect(configShapeAnalyzer.finds(ctx(NS, [log(NS, POD, [logged]), described, configMap(conf)]))).toEqual(
      [],
    );
  });

  it('refuses YAML aliases and stays bounded on a wide document', () => {
    const wide = `configs:\n${Array.from({ length: 3000 }, (_, i) => `  e${i}:\n    urls: "x"`).join('\n')}`;
    expectBounded(
      () => configShapeAnalyzer.finds(ctx(NS, [log(NS, POD, [failed]), described, configMap(wide)])),
      () => configShapeAnalyzer.finds(ctx(NS, [log(NS, POD, [failed]), described, configMap(odd)])),
    );
    const bomb = 'a: &a ["x","x"]\nb: [*a,*a]';
    expect(configShapeAnalyzer.finds(ctx(NS, [log(NS, POD, [failed]), described, configMap(bomb)]))).toEqual(
      [],
    );
  });
});

describe('quoted-message-logged: the program logs the quoted message with the setting it needs', () => {
  const NS = 'lms';
  const POD = 'lms-84c6d9f7b-8bpx8';
  const quoted = 'Recordings were disabled on this server. Instances for recordings only can not be used.';
  const lines = [
    'view.php?id=9133 instance=412 type=2 record=0 recordings_imported=0',
    `instance 412: recordings view needs record=1 for this instance; showing 'recordings_disabled' (${quoted})`,
  ];

  it('names the setting and the value it has', () => {
    const [f] = quotedMessageLoggedAnalyzer.finds(
      ctx(NS, [log(NS, POD, lines)], `The activity says "${quoted}"`),
    );
    expect(f?.cause).toContain('it needs record=1, and record is 0');
    expect(f?.advice).toContain('set record to 1');
  });

  it.each([
    ['the message is not quoted by the person', 'The recordings page is empty'],
    ['the line states no need', `The activity says "${quoted}"`],
  ])('finds nothing when %s', (name, task) => {
    const logged = name === 'the line states no need' ? [lines[0]!, `showing (${quoted})`] : lines;
    expect(quotedMessageLoggedAnalyzer.finds(ctx(NS, [log(NS, POD, logged)], task))).toEqual([]);
  });
});

describe('glosses: TLS protocol version, MySQL 1044 while creating a database', () => {
  it('reads UNSUPPORTED_PROTOCOL as a server offering only an old TLS version', () => {
    expect(
      glossOf("SSLError(1, '[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1006)')")?.means,
    ).toContain('OpenSSL 3');
  });

  it('says who creates the database on a 1044', () => {
    expect(
      glossOf("SQLSTATE[42000]: 1044 Access denied for user 'app'@'%' to database 'app_lms'")?.means,
    ).toContain('have the DBA create the database first');
  });
});
