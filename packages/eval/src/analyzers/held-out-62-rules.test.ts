// Table tests of the general rules written after held-out set 62's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { clearedAlarms } from './app-errors.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed, pods } from './observed.fixture.js';
import { proxyReadTimeoutAnalyzer } from './proxy-read-timeout.js';
import { rootPathDeniedAnalyzer } from './root-path-denied.js';
import { smtpWrongProtocolAnalyzer } from './smtp-wrong-protocol.js';

describe('smtp-wrong-protocol: an SMTP client pointed at an IMAP or POP3 port', () => {
  const NS = 'signing';
  const POD = 'inkpact-9lc5dvkxlm-zvplx';
  const failed = log(NS, POD, [
    'ERROR -- : Error performing ActionMailer::MailDeliveryJob: Net::SMTPUnknownError (* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED] Dovecot ready.',
  ]);
  const pod = (port: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      `${describedPodText({ ns: NS, name: POD, container: 'app', env: { SMTP_PORT: port, SMTP_ADDRESS: 'mx2.mail.svc' } })}\nControlled By:  ReplicaSet/inkpact-9lc5dvkxlm`,
    );

  it('describes the pod, then sets the SMTP port to the submission port', () => {
    expect(smtpWrongProtocolAnalyzer.reads(ctx(NS, [failed]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    const [f] = smtpWrongProtocolAnalyzer.finds(ctx(NS, [failed, pod('143')]));
    expect(f?.cause).toMatch(/SMTP_PORT is 143, the IMAP port, an IMAP listener and not an SMTP one/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'SMTP_PORT', value: '587' }]);
  });

  it('proposes no change when the port variable holds no mail-reading port', () => {
    const [f] = smtpWrongProtocolAnalyzer.finds(ctx(NS, [failed, pod('2525')]));
    expect(f?.fix).toBeUndefined();
    expect(
      smtpWrongProtocolAnalyzer.finds(
        ctx(NS, [log(NS, POD, ['SMTP send ok: 250 2.0.0 queued']), pod('143')]),
      ),
    ).toEqual([]);
  });
});

describe('root-path-denied: a non-root program creating something at the top of the filesystem', () => {
  const NS = 'automation';
  const POD = 'flowhub-nfxg2xfhd-qx99h';
  const denied = log(NS, POD, [
    "12 May 09:03:11 - [error] [voice-bridge:Kitchen] Error: EACCES: permission denied, mkdir '/voicebridge'",
  ]);
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'flowhub', claims: ['data'] }).replace(
      '    Environment:    <none>',
      '    Environment:    <none>\n    Mounts:\n      /data from data (rw)',
    ),
  );
  const spec = observed(
    'get_resource',
    { kind: 'Deployment', name: 'flowhub', namespace: NS },
    'spec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 1000',
  );

  it('reads the pod and the Deployment, then names the path, the user and the writable mounts', () => {
    expect(rootPathDeniedAnalyzer.reads(ctx(NS, [denied]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
      { tool: 'get_resource', args: { kind: 'Deployment', name: 'flowhub', namespace: NS } },
    ]);
    const [f] = rootPathDeniedAnalyzer.finds(ctx(NS, [denied, pod, spec]));
    expect(f?.cause).toMatch(
      /the voice-bridge component of flowhub tries to create \/voicebridge at the root/,
    );
    expect(f?.cause).toMatch(/securityContext runAsUser 1000/);
    expect(f?.advice).toMatch(/under \/data/);
  });

  it('leaves a path under a mount to the volume rules, and a root container alone', () => {
    const under = log(NS, POD, ["Error: EACCES: permission denied, mkdir '/data'"]);
    expect(rootPathDeniedAnalyzer.finds(ctx(NS, [under, pod, spec]))).toEqual([]);
    const root = observed(
      'get_resource',
      { kind: 'Deployment', name: 'flowhub', namespace: NS },
      'runAsUser: 0',
    );
    expect(rootPathDeniedAnalyzer.finds(ctx(NS, [denied, pod, root]))).toEqual([]);
  });
});

describe('glosses: lost+found, and an empty blob', () => {
  it('reads a refusal on lost+found as the filesystem root directory owned by root', () => {
    expect(glossOf('error="open /srv/library/lost+found: permission denied"')?.means).toMatch(
      /owned by root with mode 0700 \(drwx------\)/,
    );
  });
  it('reads "ciphertext too short: 0" as a zero-byte blob, not a key problem', () => {
    const g = glossOf(
      'error loading index blob xn4_9e03: error decrypting BLOB xn4_9e03: ciphertext too short: 0',
    );
    expect(g?.means).toMatch(/empty \(0 bytes long\)/);
    expect(g?.means).not.toMatch(/wrong password/);
  });
});

describe('proxy-read-timeout: a proxy in front that stops waiting before the program answers', () => {
  const NS = 'docs';
  const APP = 'paperforge-7jl2ntfcd-jqsxj';
  const EDGE = 'edge-nginx-5d9c8b7f5-a1b2c';
  const gone = log(NS, APP, [
    'WARN o.e.j.server.HttpChannel - writing response for /api/v1/convert/pdf/word: org.eclipse.jetty.io.EofException: Broken pipe (client closed connection)',
  ]);
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME           STATUS   AGE\ndocs           Active   30d\ningress-edge   Active   30d',
  );
  const edgePods = pods('ingress-edge', [[EDGE, '1/1', 'Running', '0', '5d']]);
  const edgePod = observed(
    'describe_pod',
    { namespace: 'ingress-edge', name: EDGE },
    describedPodText({ ns: 'ingress-edge', name: EDGE, container: 'nginx', configMaps: ['edge-nginx-conf'] })
      .replace('registry.example.com/app:1.0.0', 'registry.example.com/edge/nginx:1.27.5')
      .concat('\nControlled By:  ReplicaSet/edge-nginx-5d9c8b7f5'),
  );
  const conf = (timeout: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'edge-nginx-conf', namespace: 'ingress-edge' },
      `Data\n====\ndocs.conf:\n----\nserver {\n  location / {\n    proxy_pass http://paperforge.docs.svc.cluster.local:8080;\n${timeout}  }\n}\n`,
    );

  it('finds the proxy in a namespace named for it, then names its read timeout', () => {
    expect(proxyReadTimeoutAnalyzer.reads(ctx(NS, [gone, namespaces]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'ingress-edge' } },
    ]);
    const [f] = proxyReadTimeoutAnalyzer.finds(
      ctx(NS, [gone, namespaces, edgePods, edgePod, conf('    proxy_read_timeout 30s;\n')]),
    );
    expect(f?.cause).toMatch(
      /gives up after its proxy_read_timeout of 30s \(location \/ of ConfigMap edge-nginx-conf\)/,
    );
    expect(f?.cause).toMatch(/requests that take longer than 30 seconds/);
  });

  it("takes nginx's 60s default when the location sets none", () => {
    const [f] = proxyReadTimeoutAnalyzer.finds(ctx(NS, [gone, namespaces, edgePods, edgePod, conf('')]));
    expect(f?.cause).toMatch(/60s \(nginx's default\)/);
  });
});

describe('clearedAlarms: an alarm that flaps around its threshold and ends clear', () => {
  const warn = (v: string) => `HEALTH : alarm net.eth0.dropped_ratio = ${v} (WARNING, threshold warn > 0.1%)`;
  const clear = (v: string) =>
    `HEALTH : alarm net.eth0.dropped_ratio = ${v} (CLEAR, was WARNING for 10 minutes)`;
  const warnings = (t: string) => t.split('\n').filter((l) => l.includes('WARNING'));

  it('is no fault when every raise is followed by a clear and the last state is clear', () => {
    const text = [warn('0.21%'), clear('0.02%'), warn('0.18%'), clear('0.01%')].join('\n');
    expect(clearedAlarms(text, warnings(text))).toMatchObject({ raised: 2, clears: 2 });
  });

  it('is a fault while the alarm is still raised, or when a warning names no alarm', () => {
    const raised = [warn('0.21%'), clear('0.02%'), warn('0.38%')].join('\n');
    expect(clearedAlarms(raised, warnings(raised))).toBeUndefined();
    const plain = ['WARNING disk 91% full', 'WARNING disk 92% full', 'disk cleanup CLEARED 3 files'].join(
      '\n',
    );
    expect(clearedAlarms(plain, warnings(plain))).toBeUndefined();
  });
});
