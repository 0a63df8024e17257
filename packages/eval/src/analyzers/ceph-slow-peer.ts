import { parseTable } from '../k8s-text.js';
import { memoByText } from './memo.js';
import { type Analyzer, type AnalyzerContext, clip, type Finding, outputs, type Read } from './types.js';

/**
 * A replica's commit acknowledged, on a Ceph OSD's op-tracker line: `sub_op_commit_rec from 2 +31.880s`
 * (the primary's `osd_op` events, seconds since the op started; Ceph's "dump_historic_ops" event names).
 */
const SUB_OP = /\bsub_op_commit_rec from (\d{1,5}) \+(\d{1,7}(?:\.\d{1,6})?)s\b/g;
/**
 * Ceph's own slow-request line, as OSD logs and `ceph health detail` print it: `slow request 31.880 seconds
 * old, … currently waiting for subops from 2` (the replicas it waits on, comma-separated).
 */
const WAITING_SUBOPS =
  /\bslow request (\d{1,7}(?:\.\d{1,6})?) seconds old\b[^\n]{0,400}?\bwaiting for sub ?ops from (\d{1,5}(?:,\d{1,5}){0,10})\b/;
/** An OSD's own slow commit: BlueStore's `slow operation observed for _txc_committed_kv, latency = 29.4s`. */
const SLOW_OP = /\bslow operation observed for (\w{1,60}), latency = (\d{1,7}(?:\.\d{1,6})?)s\b/;
/** A drive's SMART counters that say it is failing: reallocated or pending sectors, timeouts, media errors. */
const SMART_BAD =
  /\b(reallocated_sectors|pending_sectors|offline_uncorrectable|media_errors|command_timeouts|reported_uncorrect)=(\d{1,9})\b/g;
/** The device a SMART line names (`device /dev/sdb`). */
const DEVICE = /\bdevice (\/dev\/[\w-]{1,40})/;
/** A replica slower than this (seconds) while the others answer within `FAST` is the one the ops wait on. */
const SLOW = 5;
const FAST = 1;

/** Each peer's slowest commit acknowledgement in an OSD's log, with the line. */
const peersIn: (log: string) => Map<string, { seconds: number; line: string }> = memoByText((log) => {
  const out = new Map<string, { seconds: number; line: string }>();
  for (const line of log.slice(-200_000).split('\n')) {
    if (line.length > 4000 || !line.includes('sub_op_commit_rec')) continue;
    for (const m of line.matchAll(SUB_OP)) {
      const seconds = Number(m[2]);
      if (seconds > (out.get(m[1]!)?.seconds ?? -1)) out.set(m[1]!, { seconds, line: line.trim() });
    }
  }
  return out;
});

interface SlowPeer {
  readonly namespace: string;
  readonly waiter: string;
  readonly peer: string;
  readonly seconds: number;
  /** The slowest of the other replicas' acknowledgements; undefined when the log names only the slow one. */
  readonly fastest: number | undefined;
  readonly line: string;
}

/** The one replica every slow-request line of a log waits on, and the oldest request's age. */
const waitingIn: (log: string) => { peer: string; seconds: number; line: string } | undefined = memoByText(
  (log) => {
    const peers = new Set<string>();
    let worst: { seconds: number; line: string } | undefined;
    for (const line of log.slice(-200_000).split('\n')) {
      if (line.length > 4000 || !line.includes('slow request')) continue;
      const m = WAITING_SUBOPS.exec(line);
      if (!m) continue;
      for (const p of m[2]!.split(',')) peers.add(p);
      if (Number(m[1]) > (worst?.seconds ?? -1)) worst = { seconds: Number(m[1]), line: line.trim() };
    }
    return peers.size === 1 && worst && worst.seconds >= SLOW
      ? { peer: [...peers][0]!, ...worst }
      : undefined;
  },
);

/** An OSD's log whose ops wait on one replica: that replica slow, every other one fast. */
function slowPeers(ctx: AnalyzerContext): SlowPeer[] {
  const out: SlowPeer[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const peers = peersIn(o.content);
    const slow = [...peers].filter(([, p]) => p.seconds >= SLOW);
    if (slow.length !== 1 || peers.size < 2) {
      const w = peers.size === 0 ? waitingIn(o.content) : undefined;
      if (w)
        out.push({
          namespace: String(o.args['namespace'] ?? ctx.ns),
          waiter: String(o.args['name'] ?? ''),
          peer: w.peer,
          seconds: w.seconds,
          fastest: undefined,
          line: w.line,
        });
      continue;
    }
    const [peer, worst] = slow[0]!;
    const others = [...peers].filter(([id]) => id !== peer).map(([, p]) => p.seconds);
    if (Math.max(...others) >= FAST) continue;
    out.push({
      namespace: String(o.args['namespace'] ?? ctx.ns),
      waiter: String(o.args['name'] ?? ''),
      peer,
      seconds: worst.seconds,
      fastest: Math.max(...others),
      line: worst.line,
    });
  }
  return out;
}

/** The pod of OSD `id` in the namespace's pod list: its name ends in `osd-<id>` (`store-osd-2`, `ceph-osd-2-…`). */
function osdPod(ctx: AnalyzerContext, namespace: string, id: string): string | undefined {
  const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === namespace).flatMap((o) =>
    parseTable(o.content),
  );
  const re = new RegExp(`(?:^|-)osd-${id}(?:$|-[a-z0-9]{5,10}(?:-[a-z0-9]{5})?$)`);
  return listed.map((r) => r['NAME'] ?? '').find((n) => re.test(n));
}

/**
 * A Ceph OSD's slow ops that wait on one replica. A write to a placement group commits when every
 * replica has committed it: the primary OSD reports the slow ops (`osd.4 has slow ops`), but when its op
 * tracker shows every replica answering within a second except one that takes many seconds
 * (`sub_op_commit_rec from 2 +31.880s`), the slow device is that replica's, and replacing the primary's
 * disk changes nothing. Found from an OSD pod's log (one replica at five seconds or more, every other one
 * under one second; or Ceph's "slow request … currently waiting for subops from N" lines, all naming one N); the slow replica's own log, when read, shows its BlueStore commits taking seconds
 * and its drive's SMART counters (reallocated or pending sectors, command timeouts) saying it is failing.
 * Reads: the slow replica's log (its pod named `…osd-<id>`).
 */
export const cephSlowPeerAnalyzer: Analyzer = {
  name: 'ceph-slow-peer',
  reads(ctx): Read[] {
    const out: Read[] = [];
    for (const s of slowPeers(ctx)) {
      const pod = osdPod(ctx, s.namespace, s.peer);
      if (!pod) {
        if (outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === s.namespace).length === 0)
          out.push({ tool: 'list_pods', args: { namespace: s.namespace } });
        continue;
      }
      if (outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).length === 0)
        out.push({ tool: 'get_pod_logs', args: { namespace: s.namespace, name: pod } });
    }
    return out.slice(0, 2);
  },
  finds(ctx): Finding[] {
    const [s] = slowPeers(ctx);
    if (!s) return [];
    const pod = osdPod(ctx, s.namespace, s.peer);
    const log = pod
      ? outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod && !o.args['previous']).pop()?.content
      : undefined;
    const lines = (log ?? '')
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000);
    const slowOp = lines
      .filter((l) => SLOW_OP.test(l))
      .pop()
      ?.trim();
    const smart = lines.find((l) => [...l.matchAll(SMART_BAD)].some((m) => Number(m[2]) > 0))?.trim();
    const device = smart ? DEVICE.exec(smart)?.[1] : undefined;
    const bad = smart
      ? [...smart.matchAll(SMART_BAD)]
          .filter((m) => Number(m[2]) > 0)
          .map((m) => `${m[1]} ${m[2]}`)
          .join(', ')
      : undefined;
    const name = pod ?? `osd.${s.peer}`;
    const drive = device ? `its drive ${device}` : 'its drive';
    return [
      {
        weight: 90,
        object: pod ? `pod ${pod} (osd.${s.peer})` : `osd.${s.peer}`,
        cause: `the slow ops wait on the replica osd.${s.peer}, not on the OSD that reports them: ${s.fastest !== undefined ? `${s.waiter}'s op tracker shows every other replica's commit within ${s.fastest} s but sub_op_commit_rec from ${s.peer} after ${s.seconds} s` : `every slow request of ${s.waiter} waits for subops from ${s.peer} alone, the oldest for ${s.seconds} s`} ("${clip(s.line, 220)}"), and a write completes only when every replica has committed it${slowOp ? `; ${name}'s own BlueStore commits take seconds ("${clip(slowOp, 160)}")` : ''}${smart ? `, and ${drive} reports ${bad} ("${clip(smart, 160)}"): ${drive} is failing` : ''}`,
        evidence: [
          `get_pod_logs ${s.waiter}: "${clip(s.line, 220)}"`,
          ...(slowOp ? [`get_pod_logs ${name}: "${clip(slowOp, 160)}"`] : []),
          ...(smart ? [`get_pod_logs ${name}: "${clip(smart, 160)}"`] : []),
        ],
        advice: `replace the drive of osd.${s.peer}${device ? ` (${device})` : ''}: mark osd.${s.peer} out and let the cluster rebalance, then swap the disk; the OSD that reports the slow ops only waits for it, and replacing its disk would change nothing`,
        revisionSound: true,
      },
    ];
  },
};
