import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { misconceptionsAnalyzer } from './misconceptions.js';

const obs = (tool: string, content: string, args: Record<string, unknown> = {}): SeenObservation => ({
  step: 1,
  tool,
  args: { namespace: 'search', ...args },
  status: 'ok',
  content,
});
const notes = (task: string, seen: SeenObservation[]) =>
  misconceptionsAnalyzer.notes!({ task, ns: 'search', hints: [], seen }).join('\n');

const metrics = (oom: number) =>
  `doc-search-cbd6bpd98z-v8npx  restarts: 0  oomKills: ${oom} known\n  search: cpu 200m / request 1 / no limit; memory 2100Mi / request 6Gi / limit 6Gi (34%)`;

const hpa = (current: number, target: number) =>
  obs(
    'describe_resource',
    `Name:         web\nSpec:\n  metrics[0].resource.target.averageUtilization: ${target}\nStatus:\n  currentReplicas: 6\n  currentMetrics[0].resource.current.averageUtilization: ${current}\n`,
    { kind: 'HorizontalPodAutoscaler', name: 'web' },
  );

describe('misconceptions: notes for states Kubernetes documents as expected', () => {
  it('an HPA within its 10 % tolerance of the target does not scale, by design', () => {
    const task = 'the web HPA shows 75%/70% for an hour and has not scaled, is it stuck?';
    expect(notes(task, [hpa(75, 70)])).toMatch(/ratio of 1\.07: that is within the HPA's tolerance of 10%/);
    expect(notes(task, [hpa(66, 70)])).toMatch(/scales in once utilization moves past 62%/);
    expect(notes(task, [hpa(90, 70)])).not.toMatch(/tolerance/);
    expect(notes(task, [hpa(70, 70)])).not.toMatch(/tolerance/);
    expect(notes('web pods crash at start', [hpa(75, 70)])).not.toMatch(/tolerance/);
  });
  it('CPU above its request is explained, CPU above an autoscaler target is not that question', () => {
    const usage = obs(
      'get_pod_metrics',
      'web-1  restarts: 0  oomKills: 0 known\n  web: cpu 700m / request 100m / no limit; memory 90Mi / request 128Mi / no limit',
    );
    const burst = /will not be killed or evicted for using CPU above their request/;
    for (const task of [
      'kubectl top shows web at 700m CPU while the request is 100m, will it be evicted?',
      'web uses CPU way above its request since noon, is that a problem?',
      'the dashboard flags web at "190% of CPU request", should we act?',
    ])
      expect(notes(task, [usage]), task).toMatch(burst);
    for (const task of [
      'web stays at 2 replicas although its CPU is way above the 70% target; why does the HPA not scale?',
      'web CPU is over the limit we set last week',
    ])
      expect(notes(task, [usage]), task).not.toMatch(burst);
  });
  it('a memory figure near the limit without OOM kills is page cache beside the working set', () => {
    const task = 'doc-search has been at 98% of its 6Gi memory limit for hours, is it about to be OOMKilled?';
    expect(notes(task, [obs('get_pod_metrics', metrics(0))])).toMatch(/page cache[\s\S]*working set/);
    expect(notes(task, [obs('get_pod_metrics', metrics(2))])).not.toMatch(/page cache/);
    expect(notes('doc-search restarts, why?', [obs('get_pod_metrics', metrics(0))])).not.toMatch(
      /page cache/,
    );
  });
  it('a JVM whose heap is capped by -Xmx below the limit, collected back down, is not leaking', () => {
    const task =
      'claims-service memory is at 81% of its 2Gi limit, is it a memory leak that will get it OOM-killed?';
    const seen = (xmx: string, oom: number) => [
      obs('describe_pod', `Name: c-1\n    Environment:\n      JAVA_TOOL_OPTIONS:  -Xms${xmx} -Xmx${xmx}\n`, {
        name: 'c-1',
      }),
      obs(
        'get_pod_logs',
        '[gc] GC(143) Pause Young (Normal) (G1 Evacuation Pause) 1068M->412M(1200M) 7.2ms',
        {
          name: 'c-1',
        },
      ),
      obs(
        'get_pod_metrics',
        `c-1  restarts: 0  oomKills: ${oom} known\n  app: cpu 310m / request 1 / no limit; memory 1652Mi / request 2Gi / limit 2Gi (81%)`,
      ),
    ];
    const text = notes(task, seen('1200m', 0));
    expect(text).toMatch(/heap is capped at -Xmx1200m[\s\S]*back to 412M after each young collection/);
    expect(text).not.toMatch(/page cache/);
    expect(notes(task, seen('1200m', 1))).not.toMatch(/-Xmx/);
    expect(notes(task, seen('3g', 0))).not.toMatch(/heap is capped/);
  });
  it('exit code 143 is SIGTERM from a rollout, with the events that show the pods being replaced', () => {
    const task =
      'ContainerExitedNonZero: catalog-api container api exited with code 143 (3 times). Is it crashing?';
    const pods = obs(
      'list_pods',
      'NAME                          READY   STATUS    RESTARTS   AGE\ncatalog-api-q67r5cndvk-4gdmr  1/1     Running   0          23m',
    );
    const events = obs(
      'get_events',
      'LAST SEEN   TYPE     REASON    OBJECT   MESSAGE\n22m   Normal   Killing   pod/catalog-api-m6f85xlhj-tt5vd   Stopping container api',
    );
    expect(notes(task, [pods, events])).toMatch(
      /128 \+ 15: the process ended on SIGTERM[\s\S]*Stopping container api/,
    );
    expect(notes(task, [pods])).not.toMatch(/SIGTERM/);
  });
  it('exit code 137 with reason Error is a SIGKILL after the grace period (a node reboot), not an OOM kill', () => {
    const task = 'release-watcher: last state terminated with exit code 137. Does it need more memory?';
    const pod = (reason: string, ready = 'True') =>
      obs(
        'describe_pod',
        `Name:  rw-1\nNode:  pt-2\nContainers:\n  watcher:\n    State:          Running\n    Last State:     Terminated\n      Reason:       ${reason}\n      Exit Code:    137\n      Finished:     2026-12-01T07:04:07Z (47m ago)\n    Ready:          ${ready}\n    Restart Count:  1\n`,
        { name: 'rw-1' },
      );
    const node = obs(
      'describe_node',
      'Events:\n  Type     Reason     Age   From     Message\n  Warning  Rebooted   45m   kubelet  Node pt-2 has been rebooted, boot id: 5c0f',
      { name: 'pt-2' },
    );
    const previous = obs(
      'get_pod_logs',
      'INFO received SIGTERM, waiting for 42 in-flight checks (timeout 120s)',
      { name: 'rw-1', previous: true },
    );
    const note = notes(task, [pod('Error'), node, previous]);
    expect(note).toMatch(
      /Exit code 137 is 128 \+ 9: the process of rw-1 \(container watcher\) was killed with SIGKILL/,
    );
    expect(note).toMatch(/node pt-2 was drained and rebooted around then \("Warning Rebooted 45m/);
    expect(note).toMatch(/got SIGTERM and was still shutting down/);
    expect(note).not.toMatch(/needs more memory|double the memory/);
    expect(notes(task, [pod('OOMKilled'), node])).not.toMatch(/128 \+ 9/);
    expect(notes(task, [pod('Error', 'False'), node])).not.toMatch(/128 \+ 9/);
    expect(notes('release-watcher restarted, why?', [pod('Error'), node])).not.toMatch(/128 \+ 9/);
  });
  it('brief websocket disconnects at the times the ingress controller reloaded NGINX', () => {
    const task = 'A few users saw "Reconnecting..." around 09:12 and 09:41 today. Is chat-relay unhealthy?';
    const pods = obs(
      'list_pods',
      'NAME                  READY   STATUS    RESTARTS   AGE\nrelay-5d9f7c8b6-x2x9z   1/1     Running   0          3d',
    );
    const namespaces = obs(
      'list_resources',
      'NAME            STATUS   AGE\nsearch          Active   9d\ningress-nginx   Active   9d',
    );
    const controller = obs(
      'list_pods',
      'NAME                                       READY   STATUS    RESTARTS   AGE\ningress-nginx-controller-7d9c8b6f5-fj7mh   1/1     Running   0          9d',
      { namespace: 'ingress-nginx' },
    );
    const reads = misconceptionsAnalyzer.reads!({
      task,
      ns: 'search',
      hints: [],
      seen: [pods, namespaces, controller],
    });
    expect(reads).toContainEqual({
      tool: 'search_pod_logs',
      args: {
        namespace: 'ingress-nginx',
        name: 'ingress-nginx-controller-7d9c8b6f5-fj7mh',
        pattern: 'reload',
        context: 0,
        maxMatches: 10,
      },
    });
    const searched = (lines: string) =>
      obs('search_pod_logs', lines, {
        namespace: 'ingress-nginx',
        name: 'ingress-nginx-controller-7d9c8b6f5-fj7mh',
      });
    const note = notes(task, [
      pods,
      searched(
        '2 line(s) match\n4:I1201 09:12:03.402 controller.go:213] "Backend successfully reloaded"\n9:I1201 09:41:17.355 controller.go:213] "Backend successfully reloaded"',
      ),
    ]);
    expect(note).toMatch(
      /line up with the ingress controller reloading NGINX[\s\S]*reconnect and resume[\s\S]*no action is needed/,
    );
    expect(
      notes(task, [
        pods,
        searched('1 line(s) match\n4:I1201 07:02:03.402 controller.go:213] "Backend successfully reloaded"'),
      ]),
    ).not.toMatch(/reloading NGINX/);
  });
  it('a single OOM kill long ago, the pod well under its limit since: a peak that passed', () => {
    const task =
      'The alert fired overnight for kb-cron (one restart, reason OOMKilled). Do we have a memory leak?';
    const pod = (finished: string) =>
      obs(
        'describe_pod',
        `Name: kb-1\nContainers:\n  cron:\n    State:          Running\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n      Finished:     ${finished}\n    Ready:          True\n    Restart Count:  1\n`,
        { name: 'kb-1' },
      );
    const metrics = (pct: number) =>
      obs(
        'get_pod_metrics',
        `kb-1  restarts: 1  oomKills: 1\n  cron: cpu 15m / request 200m / no limit; memory 604Mi / request 768Mi / limit 1Gi (${pct}%)`,
      );
    const prev = obs('get_pod_logs', 'INFO translation_backfill: finished; removing job from schedule', {
      name: 'kb-1',
      previous: true,
    });
    const note = notes(task, [pod('2026-11-29T20:01:34Z (13h ago)'), metrics(59), prev]);
    expect(note).toMatch(
      /OOM kill of kb-1[\s\S]*translation_backfill[\s\S]*not a memory leak[\s\S]*no change is needed/,
    );
    expect(notes(task, [pod('2026-11-29T20:01:34Z (13h ago)'), metrics(95), prev])).not.toMatch(
      /OOM kill of kb-1/,
    );
  });
  it('a new node stays empty: the scheduler does not move running pods', () => {
    const task =
      'we added node-4 yesterday but it is basically empty while the others are busy; is the scheduler broken?';
    expect(notes(task, [obs('list_nodes', 'NAME STATUS\nnode-4 Ready')])).toMatch(
      /never moves pods that are already running/,
    );
    expect(
      notes('node-4 is NotReady since the upgrade', [obs('list_nodes', 'NAME STATUS\nnode-4 NotReady')]),
    ).not.toMatch(/never moves/);
  });
  it('NXDOMAIN for search-expanded names is ndots at work', () => {
    expect(
      notes(
        'SOC: 4,000 NXDOMAIN per minute for names like api.stripe.com.payments.svc.cluster.local, compromised?',
        [],
      ),
    ).toMatch(/ndots:5/);
    expect(notes('NXDOMAIN for orders-db since the move, why?', [])).not.toMatch(/ndots/);
  });
  it('says nothing of page cache when the working set itself is near the limit', () => {
    const task = 'doc-search has been at 98% of its 6Gi memory limit for hours, is it about to be OOMKilled?';
    const near =
      'doc-search-cbd6bpd98z-v8npx  restarts: 0  oomKills: 0 known\n  search: cpu 200m / request 1 / no limit; memory 5900Mi / request 6Gi / limit 6Gi (96%)';
    expect(notes(task, [obs('get_pod_metrics', near)])).not.toMatch(/page cache/);
  });
  it('kubectl top near the limit while the process RSS is far lower: the working set counts active cache', () => {
    const task =
      'kubectl top says search-index uses 1.7Gi of its 2Gi limit for days. Double it? Inside, ps shows ~450MB RSS.';
    const top =
      'search-index-r28mf4dfgq-cnb9g  restarts: 0  oomKills: 0 known\n  index: cpu 90m / no limit; memory 1740Mi / request 1Gi / limit 2Gi (85%)';
    expect(notes(task, [obs('get_pod_metrics', top)])).toMatch(
      /page cache[\s\S]*process's own RSS is the smaller figure/,
    );
    expect(
      notes(task.replace(' Inside, ps shows ~450MB RSS.', ''), [obs('get_pod_metrics', top)]),
    ).not.toMatch(/page cache/);
  });
  it('says nothing of the scheduler when the new node cannot take pods', () => {
    const task = 'we added node-4 yesterday but it is still empty; is the scheduler broken?';
    expect(
      notes(task, [obs('list_nodes', 'NAME STATUS\nnode-1 Ready\nnode-4 Ready,SchedulingDisabled')]),
    ).not.toMatch(/never moves/);
    expect(notes(task, [obs('list_nodes', 'NAME STATUS\nnode-1 Ready\nnode-4 NotReady')])).not.toMatch(
      /never moves/,
    );
  });
  it("an NXDOMAIN for a Service's own name is no search expansion", () => {
    expect(
      notes('checkout logs NXDOMAIN for payments.shop.svc.cluster.local since this morning, why?', []),
    ).not.toMatch(/ndots/);
    expect(
      notes(
        'NXDOMAIN for api.stripe.com.shop.svc.cluster.local and api.stripe.com.cluster.local, hacked?',
        [],
      ),
    ).toMatch(/ndots:5/);
  });
  it('error lines of a consumer that dead-letters the message and goes on are handled input', () => {
    const task = 'lots of tracebacks in invoice-worker, is it crashing?';
    const pods = (restarts: string) =>
      obs(
        'list_pods',
        `NAME                             READY   STATUS    RESTARTS   AGE\ninvoice-worker-w29867kbx-s2x9x   1/1     Running   ${restarts}          6d`,
      );
    const logs = (text: string) => obs('get_pod_logs', text, { name: 'invoice-worker-w29867kbx-s2x9x' });
    const handled =
      '{"event": "invalid payload, dead-lettering", "level": "error", "exception": "ValidationError"}\n{"event": "routed to DLX", "dead_letter_queue": "invoices.dlq"}\n{"event": "invoice processed"}';
    expect(notes(task, [pods('0'), logs(handled)])).toMatch(/rejected and handled[\s\S]*dead-letter queue/);
    expect(notes(task, [pods('4 (2m ago)'), logs(handled)])).not.toMatch(/handled/);
    expect(notes(task, [pods('0'), logs('ERROR db down\nTraceback (most recent call last):')])).not.toMatch(
      /handled/,
    );
    expect(notes('invoice-worker is slow', [pods('0'), logs(handled)])).not.toMatch(/handled/);
    // Found by a search of the whole log: its later lines are not shown, the count of lines read says so.
    const search = obs(
      'search_pod_logs',
      '2 line(s) match "error" in the newest 583 line(s) read; the newest 2 shown\n459:{"event": "invalid payload, dead-lettering", "level": "error"}\n460-{"event": "batch stats"}',
      { name: 'invoice-worker-w29867kbx-s2x9x' },
    );
    expect(notes(task, [pods('0'), search])).toMatch(/rejected and handled/);
    expect(
      misconceptionsAnalyzer.reads({ task, ns: 'search', hints: ['invoice-worker'], seen: [pods('0')] }),
    ).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'search',
          name: 'invoice-worker-w29867kbx-s2x9x',
          pattern: 'error|exception|traceback',
          context: 1,
          maxMatches: 5,
        },
      },
    ]);
  });
});
