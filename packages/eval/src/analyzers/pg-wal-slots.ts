import { type Analyzer, clip, type Finding, outputs } from './types.js';

const FULL = /No space left on device|ENOSPC|could not (?:write|extend|create)[^\n]{0,80}\bspace\b/i;
/** PostgreSQL's WAL directory (pg_wal since 10, pg_xlog before). */
const WAL = /\bpg_wal\b|\bpg_xlog\b|\bWAL\b/;
/** A slot the server reports as not in use: `replication slot "billing_pg_1" … inactive`. */
const INACTIVE = /replication slot "([A-Za-z0-9_]{1,63})"[^\n]{0,160}\binactive\b/g;

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
  reads() {
    return [];
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
    return [];
  },
};
