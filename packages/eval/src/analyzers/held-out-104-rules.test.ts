import { describe, expect, it } from 'vitest';
import { warningLines } from './app-errors.js';
import { quotedSearchAnalyzer } from './asked-lines.js';
import { expectedLogLinesAnalyzer } from './expected-log-lines.js';
import { glusterOpVersionAnalyzer } from './gluster-op-version.js';
import { logGloss } from './log-glosses.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';

// General rules written after held-out set 104's first contact (2 of 10), each with its table; the worlds'
// answers are in held-out-answers.test.ts.

// --- gluster-op-version -------------------------------------------------------------------------------------

describe("gluster-op-version: a node's GlusterFS client older than the servers", () => {
  const NS = 'glusterfs';
  const list = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['glusterfs-7m2kd', '1/1', 'Running', '0', '40m', '10.0.2.10', 'node0'],
      ['glusterfs-wz5hn', '1/1', 'Running', '0', '40m', '10.0.2.12', 'node2'],
      ['heketi-7knxh8gm4g-swkp7', '0/1', 'ContainerCreating', '0', '25m', '10.244.0.12', 'node2'],
    ]),
  );
  const events = observed(
    'get_events',
    { namespace: NS },
    'LAST SEEN   TYPE      REASON        OBJECT                        MESSAGE\n64s (x21)   Warning   FailedMount   pod/heketi-7knxh8gm4g-swkp7   MountVolume.SetUp failed for volume "db" : mount failed: exit status 1 Mounting command: mount -t glusterfs -o auto_unmount 10.0.2.10:heketidbstorage /var/lib/kubelet/pods/x/volumes/kubernetes.io~glusterfs/db',
  );
  const glusterd = log(NS, 'glusterfs-7m2kd', [
    "[2026-03-03 10:05:31.118402] E [MSGID: 106176] [glusterd-handshake.c:1022:__server_getspec] 0-management: Client 10.0.2.12:1019 (1 -> 30712) doesn't support required op-version (40100). Rejecting volfile request.",
  ]);

  it("reads the servers' logs when a glusterfs mount fails", () => {
    expect(glusterOpVersionAnalyzer.reads(ctx(NS, [list, events]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'glusterfs-7m2kd' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'glusterfs-wz5hn' } },
    ]);
    expect(glusterOpVersionAnalyzer.reads(ctx(NS, [list]))).toEqual([]);
  });

  it('names the client node, both op-versions as releases and the waiting pod', () => {
    const [f] = glusterOpVersionAnalyzer.finds(ctx(NS, [list, events, glusterd]));
    expect(f?.object).toBe('deployment heketi (pod heketi-7knxh8gm4g-swkp7)');
    expect(f?.cause).toContain('on node node2');
    expect(f?.cause).toContain('30712 (GlusterFS 3.7.12)');
    expect(f?.cause).toContain('40100 (4.1.0)');
    expect(f?.advice).toContain('glusterfs-fuse');
  });

  it('stays quiet without a failed glusterfs mount, and reads long logs in bounded time', () => {
    expect(glusterOpVersionAnalyzer.finds(ctx(NS, [list, glusterd]))).toEqual([]);
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () =>
        glusterOpVersionAnalyzer.finds(
          ctx(NS, [
            list,
            events,
            log(NS, 'glusterfs-7m2kd', many(`Client 10.0.2.12:1 (1 -> 3071 ${'9'.repeat(3000)}`)),
          ]),
        ),
      () =>
        glusterOpVersionAnalyzer.finds(
          ctx(NS, [list, events, log(NS, 'glusterfs-7m2kd', many('x'.repeat(3030)))]),
        ),
    );
  });
});

// --- Node.js process warnings, searched for and explained on an all-clear -----------------------------------

describe('an all-clear that finds and explains the warning the person names by its class', () => {
  const NS = 'storefront';
  const POD = 'web-ssr-hmd8gdlk4d-545g7';
  const line =
    '(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated due to security and usability issues. Please use the Buffer.alloc() methods instead.';
  const task =
    'We shipped web-ssr 5.4.0; a colleague now sees a DeprecationWarning in the pod logs. If nothing is wrong, say so.';
  const scan = observed('scan', { namespace: NS }, `scan of namespace ${NS}: no problems found`);
  const ready = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [POD, '1/1', 'Running', '0', '2h'],
    ]),
  );

  it("takes Node's `(node:PID) [CODE] NameWarning:` lines for warnings", () => {
    expect(warningLines(line)).toEqual([line]);
    expect(
      warningLines('(node:7) ExperimentalWarning: The Fetch API is an experimental feature'),
    ).toHaveLength(1);
    expect(warningLines('node:1 says DeprecationWarning is a word')).toEqual([]);
  });

  it("searches the named workload's log for the warning class the task names", () => {
    const tail = log(NS, POD, ['GET / 200 96ms', 'GET /health 200 2ms']);
    expect(quotedSearchAnalyzer.reads(ctx(NS, [scan, ready, tail], task))).toEqual([
      {
        tool: 'search_pod_logs',
        args: { namespace: NS, name: POD, pattern: 'DeprecationWarning', context: 0, maxMatches: 3 },
      },
    ]);
  });

  it('explains a line the search found as a harmless deprecation notice', () => {
    const found = observed(
      'search_pod_logs',
      { namespace: NS, name: POD },
      `1 line(s) match "DeprecationWarning"\n2:${line}`,
    );
    const notes = expectedLogLinesAnalyzer.notes!(
      ctx(NS, [scan, ready, log(NS, POD, ['GET / 200 96ms']), found], task),
    );
    expect(notes.join(' ')).toContain('harmless');
  });
});

// --- glosses ------------------------------------------------------------------------------------------------

describe("Portworx's kvdb endpoint without its store type", () => {
  it('says the endpoint needs its type before the URL', () => {
    const g = logGloss(
      'level=error msg="Could not load config file /etc/pwx/config.json due to: Configuration check failed: Unknown discovery endpoint : http in [http://10.96.118.4:2379]."',
    );
    expect(g).toContain('etcd:http://');
  });
});
