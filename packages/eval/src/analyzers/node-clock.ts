import { parseDuration } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clipAround,
  describedField,
  type Finding,
  outputs,
} from './types.js';

/**
 * Go's crypto/x509 refusal of a certificate outside its validity window, with the verifier's own clock:
 * `x509: certificate has expired or is not yet valid: current time 2026-09-14T01:36:18-07:00 is before
 * 2026-09-14T11:05:12Z` (crypto/x509's CertificateInvalidError, reason Expired). Group 1 is the verifying
 * machine's time, group 2 `before` (not yet valid) or `after` (expired), group 3 the bound it crossed.
 */
const OUT_OF_WINDOW =
  /x509: certificate has expired or is not yet valid: current time (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) is (before|after) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d))/;

/** A refusal the API server met or relays, not a node: `failed calling webhook`, `Error from server`. */
const API_SERVER_SIDE = /\bfailed calling webhook\b|\bError from server\b|\bInternal error occurred\b/;

/** A time kubectl prints with its age beside it (`Started: 2026-06-03T08:14:01Z (158m ago)`). */
const STAMPED_AGE = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \((\d{1,6}[dhms](?:\d{1,4}[hms]){0,2}) ago\)/;

/**
 * The cluster's time now, as the API server's outputs give it: a printed time plus its printed age. When
 * no output prints one, the latest `Start Time:` of a described pod, a lower bound. Milliseconds.
 */
function clusterNow(
  seen: AnalyzerContext['seen'],
): { at: number; exact: boolean; within: number } | undefined {
  let start: number | undefined;
  let rough: { at: number; exact: boolean; within: number } | undefined;
  for (const o of seen) {
    if (o.status !== 'ok') continue;
    const head = o.content.slice(0, 50_000);
    const m = STAMPED_AGE.exec(head);
    const age = m ? parseDuration(m[2]) : undefined;
    if (m && age !== undefined) {
      // kubectl rounds an age down to its last unit (`13d` may be 13d23h): the time is that much uncertain.
      const unit = m[2]!.at(-1);
      const within = unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000;
      const at = Date.parse(m[1]!) + age * 1000;
      if (within <= 60_000) return { at, exact: true, within };
      if (!rough || within < rough.within) rough = { at, exact: true, within };
      continue;
    }
    const st = /^Start Time:\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s*$/m.exec(head)?.[1];
    if (st && (start === undefined || Date.parse(st) > start)) start = Date.parse(st);
  }
  if (rough) return rough;
  return start === undefined ? undefined : { at: start, exact: false, within: 0 };
}

interface Skew {
  readonly line: string;
  readonly pod: string;
  readonly where: string;
  readonly nodeTime: string;
  readonly direction: 'before' | 'after';
  readonly bound: string;
}

/** The first such refusal in the events, the pod descriptions and the logs read, with the pod it is about. */
function refusal(ctx: AnalyzerContext): Skew | undefined {
  for (const o of [
    ...outputs(ctx.seen, 'get_events'),
    ...outputs(ctx.seen, 'describe_pod'),
    ...outputs(ctx.seen, 'get_pod_logs'),
  ]) {
    const at = o.content.indexOf('x509: certificate has expired or is not yet valid');
    if (at < 0) continue;
    const lineStart = o.content.lastIndexOf('\n', at) + 1;
    const lineEnd = o.content.indexOf('\n', at);
    const line = o.content.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
    const m = OUT_OF_WINDOW.exec(line.slice(Math.max(0, at - lineStart), at - lineStart + 400));
    // The API server's own call (a webhook it failed calling, an error it relays) checked the certificate
    // by the control plane's clock, not a node's.
    if (!m || API_SERVER_SIDE.test(line.slice(0, 4000))) continue;
    const pod =
      o.tool === 'get_events'
        ? (/\bpod\/([a-z0-9][a-z0-9.-]{0,252})/.exec(line)?.[1] ?? '')
        : String(o.args['name'] ?? '');
    if (!pod) continue;
    return {
      line: line.trim(),
      pod,
      where: o.tool === 'get_events' ? 'get_events' : `${o.tool} ${pod}`,
      nodeTime: m[1]!,
      direction: m[2] as 'before' | 'after',
      bound: m[3]!,
    };
  }
  return undefined;
}

/** The node a pod runs on: its description's `Node:` (less the IP), else the pod list's NODE column. */
function nodeOf(ctx: AnalyzerContext, pod: string): string | undefined {
  const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  const described = d ? describedField(d.content, 'Node')?.split('/')[0] : undefined;
  if (described && described !== '<none>') return described;
  for (const l of outputs(ctx.seen, 'list_pods'))
    for (const r of parseTable(l.content.slice(0, 200_000)))
      if (r['NAME'] === pod && r['NODE'] && r['NODE'] !== '<none>') return r['NODE'];
  return undefined;
}

/** `9h24m`, `3d2h`, `45m`: a skew in words a person reads at a glance. */
function span(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`;
}

/**
 * A certificate refused as "expired or not yet valid" by a machine whose own clock is wrong: the time the
 * refusal prints is hours away from the cluster's, while the certificate's bound is on the right side of
 * the cluster's time (valid by it). The certificate is fine; the node's clock (NTP, chrony, timesyncd) is
 * what is wrong, and every TLS check on that node fails the same way.
 */
export const nodeClockAnalyzer: Analyzer = {
  name: 'node-clock',
  reads: () => [],
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const now = clusterNow(ctx.seen);
    const nodeTime = Date.parse(r.nodeTime);
    const bound = Date.parse(r.bound);
    if (!now || !Number.isFinite(nodeTime) || !Number.isFinite(bound)) return [];
    const skew = nodeTime - now.at;
    // Beyond what the cluster's time is known to (an age printed in days is up to a day short).
    const margin = 10 * 60_000 + now.within;
    // Behind: the node says "before" a start the cluster's time has passed. Ahead (only with an exact
    // time now): it says "after" an end the cluster's time has not reached.
    const behind = r.direction === 'before' && skew < -margin && bound <= now.at;
    const ahead = r.direction === 'after' && now.exact && skew > margin && bound > now.at + now.within;
    if (!behind && !ahead) return [];
    const node = nodeOf(ctx, r.pod);
    // The pods refused the same way on the same node: symptoms of the one clock.
    const hit = 'x509: certificate has expired or is not yet valid: current time';
    const pods = new Set([r.pod].filter(Boolean));
    for (const o of outputs(ctx.seen, 'get_events'))
      for (const l of o.content.slice(0, 200_000).split('\n'))
        if (l.includes(hit)) {
          const p = /\bpod\/([a-z0-9][a-z0-9.-]{0,252})/.exec(l)?.[1];
          if (p) pods.add(p);
        }
    for (const o of outputs(ctx.seen, 'describe_pod'))
      if (o.content.slice(0, 100_000).includes(hit)) pods.add(String(o.args['name'] ?? ''));
    const affected = [...pods].filter(
      (p) => p && (!node || nodeOf(ctx, p) === undefined || nodeOf(ctx, p) === node),
    );
    const who = node ? `node ${node}` : `the node of pod ${r.pod}`;
    const size = `${!now.exact ? 'at least' : now.within <= 60_000 ? 'about' : 'roughly'} ${span(skew)}`;
    return [
      {
        weight: 96,
        object: node ? `node ${node}` : `pod ${r.pod}`,
        cause: `the clock of ${who} is wrong, ${size} ${behind ? 'behind' : 'ahead of'} the cluster's time: its TLS check says the current time is ${r.nodeTime} (${new Date(nodeTime).toISOString().replace('.000', '')}), while the cluster's time is ${now.exact ? '' : 'after '}${new Date(now.at).toISOString().replace('.000', '')}; the certificate ${behind ? `became valid at ${r.bound}, which by the cluster's time has passed` : `is valid until ${r.bound}, which by the cluster's time is still ahead`}, so it is ${behind ? "not yet valid only by the node's clock: it has not expired" : "expired only by the node's clock"}. Every TLS connection from that node (image pulls, webhooks, API calls) fails the same way until its time is synchronised${affected.length > 0 ? ` (the pods refused so: ${affected.slice(0, 4).join(', ')})` : ''}`,
        evidence: [`${r.where}: "${clipAround(r.line, 'current time', 240)}"`],
        advice: `set ${who}'s time right and keep it synchronised (NTP: chrony or systemd-timesyncd), then let the kubelet retry; the certificate needs no change`,
      },
    ];
  },
};
