import { parseTable } from '../k8s-text.js';
import { type Analyzer, boundedLogLines, clip, type Finding, outputs, podsOf, type Read } from './types.js';

const FULL = /No space left on device|ENOSPC|could not (?:write|extend|create)[^\n]{0,80}\bspace\b/i;
/** PostgreSQL's WAL directory (pg_wal since 10, pg_xlog before). */
const WAL = /\bpg_wal\b|\bpg_xlog\b|\bWAL\b/;
/** A slot the server reports as not in use: `replication slot "billing_pg_1" … inactive`. */
const INACTIVE = /replication slot "([A-Za-z0-9_]{1,63})"[^\n]{0,160}\binactive\b/g;
/** PostgreSQL failing to write WAL for lack of space (`could not write to file "pg_wal/xlogtemp.59": No space …`). */
const WAL_FULL = /pg_wal\/[^\n]{0,80}No space left on device|No space left on device[^\n]{0,80}pg_wal/;
/** A time stamp a report prefixes its lines with (ISO 8601), dropped before the columns are read. */
const STAMP = /^\d{4}-\d\d-\d\dT[\d:.]{8,15}Z?\s+/;
/** `max_slot_wal_keep_size = -1` (the default: a slot may hold any amount of WAL), in a config or a listing. */
const UNCAPPED = /\bmax_slot_wal_keep_size\b\s*=?\s*-1\b/;
/** Pods whose names say they report on or manage a PostgreSQL cluster's storage. */
const REPORT_POD = /pg|postgres|wal|slot|storage|report/i;

/** One replication slot as a listing shows it. */
interface Slot {
  instance?: string;
  name: string;
  active: boolean;
  retained?: string;
}

/**
 * The replication slots a log lists: a table whose header has `slot_name` and `active` (a report, or
 * `psql`'s aligned output with `|` between columns), each line's leading time stamp dropped. Reads at most
 * 200 lines after the header.
 */
export function slotRows(log: string): Slot[] {
  const lines = boundedLogLines(log, 2000).map((l) => l.replace(STAMP, ''));
  const at = lines.findIndex((l) => /\bslot_name\b/.test(l) && /\bactive\b/.test(l));
  if (at < 0) return [];
  // psql's aligned output keeps its columns between `|`, an empty cell for a NULL; a report's are spaces.
  const split = (l: string) => {
    if (!l.includes('|'))
      return l
        .trim()
        .split(/\s+/)
        .filter((x) => x !== '');
    const cells = l.split('|').map((x) => x.trim());
    if (cells[0] === '' && l.trimStart().startsWith('|')) cells.shift();
    if (cells[cells.length - 1] === '' && l.trimEnd().endsWith('|')) cells.pop();
    return cells;
  };
  const header = split(lines[at]!);
  const out: Slot[] = [];
  for (const l of lines.slice(at + 1, at + 200)) {
    if (/^[-+\s]+$/.test(l)) continue;
    let cells = split(l);
    // A last column with a space in it (`17 GB`) is one cell.
    if (cells.length === header.length + 1 && /^[A-Za-z]{1,3}$/.test(cells[cells.length - 1]!))
      cells = [...cells.slice(0, -2), `${cells[cells.length - 2]} ${cells[cells.length - 1]}`];
    if (cells.length !== header.length) break;
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]!]));
    const active = (row['active'] ?? '').toLowerCase();
    if (!row['slot_name'] || !/^(?:t|f|true|false)$/.test(active)) break;
    out.push({
      name: row['slot_name'],
      active: active.startsWith('t'),
      ...(row['instance'] ? { instance: row['instance'] } : {}),
      ...(row['wal_retained'] ? { retained: row['wal_retained'] } : {}),
    });
  }
  return out;
}

/**
 * PostgreSQL's volume filled by WAL that inactive replication slots hold back: a slot keeps every WAL
 * segment from its restart_lsn until its consumer confirms it, and a slot whose replica (or logical
 * consumer) is gone never advances, so pg_wal grows until the disk is full, however small the data
 * (postgresql.org/docs/current/warm-standby.html#STREAMING-REPLICATION-SLOTS;
 * max_slot_wal_keep_size bounds it since PostgreSQL 13). Found from the server's own log: the
 * ENOSPC write in pg_wal and the slots it lists as inactive.
 */
export const pgWalSlotsAnalyzer: Analyzer = {
  name: 'pg-wal-slots',
  // A storage report's log (a finished job's) and the configuration, when pg_wal is full.
  reads({ ns, seen }): Read[] {
    const full = outputs(seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ns) === ns).some((o) =>
      WAL_FULL.test(o.content.slice(-100_000)),
    );
    if (!full) return [];
    const pods = podsOf(seen, ns);
    if ('read' in pods) return [pods.read];
    const reads: Read[] = [];
    const report = pods.rows.find((r) => r['STATUS'] === 'Completed' && REPORT_POD.test(r['NAME'] ?? ''));
    if (report) reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: report['NAME'] } });
    const maps = outputs(
      seen,
      'list_resources',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === ns,
    );
    if (maps.length === 0) reads.push({ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ns } });
    for (const r of maps
      .flatMap((o) => parseTable(o.content))
      .filter((x) => /pg|postgres/i.test(x['NAME'] ?? ''))
      .slice(0, 1))
      reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', name: r['NAME'], namespace: ns } });
    return reads;
  },

  finds({ seen, ns }) {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const text = o.content.slice(-200_000);
      const full = text.split('\n').find((l) => l.length <= 2000 && FULL.test(l) && WAL.test(l));
      if (!full) continue;
      const slots = [
        ...new Set(
          text
            .split('\n')
            .filter((l) => l.length <= 2000)
            .flatMap((l) => [...l.matchAll(INACTIVE)].map((m) => m[1]!)),
        ),
      ];
      if (slots.length === 0) continue;
      const pod = String(o.args['name']);
      const out: Finding = {
        weight: 91,
        object: `pod ${pod}`,
        cause: `PostgreSQL's volume is full of WAL, not data: the server cannot write its write-ahead log ("${clip(full.trim(), 140)}") because the inactive replication slot${slots.length === 1 ? '' : 's'} ${slots.join(', ')} hold${slots.length === 1 ? 's' : ''} back WAL removal. A slot keeps every WAL segment from its restart_lsn until its consumer confirms it; a slot whose replica is gone (removed in a scale-down) never advances, so pg_wal grows until the disk is full however small the data is, and expanding the volume only buys time`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(full.trim(), 140)}"`,
          ...slots.slice(0, 3).map((s) => `get_pod_logs ${pod}: replication slot "${s}" inactive`),
        ],
        advice: `drop the slots no replica uses (SELECT pg_drop_replication_slot('${slots[0]}'), … once the server has room to start, e.g. after a temporary volume expansion) so the checkpointer can remove old WAL, and set max_slot_wal_keep_size so a forgotten slot cannot fill the disk again`,
      };
      return [out];
    }
    // The server's log names no slot: a listing of the slots (a storage report, psql) may.
    return listedSlots(ns, seen);
  },
};

/**
 * The same fault read from a listing of the slots with `active f` (a storage report's log, psql's output), with
 * the configuration's uncapped max_slot_wal_keep_size when read.
 */
function listedSlots(ns: string, seen: Parameters<Analyzer['finds']>[0]['seen']): Finding[] {
  const failing = outputs(seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ns) === ns)
    .map((o) => ({
      pod: String(o.args['name']),
      line: boundedLogLines(o.content, 500).find((l) => WAL_FULL.test(l)),
    }))
    .find((x) => x.line);
  if (!failing?.line) return [];
  for (const o of outputs(seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ns) === ns)) {
    const slots = slotRows(o.content);
    const idle = slots.filter((s) => !s.active);
    if (idle.length === 0) continue;
    const uncapped = [...outputs(seen, 'describe_resource', (x) => x.args['kind'] === 'ConfigMap'), o].some(
      (x) => UNCAPPED.test(x.content.slice(0, 100_000)),
    );
    const listed = idle
      .slice(0, 4)
      .map(
        (s) =>
          `${s.instance ? `${s.instance}: ` : ''}${s.name}${s.retained ? ` (${s.retained} retained)` : ''}`,
      )
      .join(', ');
    return [
      {
        weight: 94,
        object: `pod ${failing.pod}`,
        cause: `pg_wal fills the volume: inactive replication slots hold WAL that is never released (${listed}; active f)${uncapped ? ', and max_slot_wal_keep_size = -1 puts no cap on what a slot may hold' : ''}, so PostgreSQL keeps every WAL segment since each slot's restart_lsn and the disk runs full ("${clip(failing.line.trim(), 120)}") while the data itself is small. A larger volume only delays it`,
        evidence: [
          `get_pod_logs ${failing.pod}: "${clip(failing.line.trim(), 160)}"`,
          `get_pod_logs ${String(o.args['name'])}: slots ${idle
            .map((s) => s.name)
            .slice(0, 4)
            .join(', ')} active f`,
          ...(uncapped ? ['max_slot_wal_keep_size = -1'] : []),
        ],
        advice: `drop the inactive slots (SELECT pg_drop_replication_slot('<name>')) or get their standbys streaming again, then set max_slot_wal_keep_size to a bound so a stalled slot cannot fill the disk again`,
        revisionSound: true,
      },
    ];
  }
  return [];
}
