import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  logOutputLines,
  outputs,
  podDeployment,
} from './types.js';

/**
 * ClickHouse's refusal of an insert into a MergeTree table with too many active parts (`Too many parts (10001
 * with average size of 4.18 KiB) in table 'db.t'`, code 252, TOO_MANY_PARTS), or its delay before that
 * (`Delaying inserting block by 1 ms. because there are 5003 parts and their average size is 4.31 KiB`).
 */
const TOO_MANY =
  /\bToo many parts \((\d{1,9}) with average size of ([\d.]{1,12}) ?(B|KiB|MiB|GiB)\) in table '([^'\s]{1,200})|\bthere are (\d{1,9}) parts and their average size is ([\d.]{1,12}) ?(B|KiB|MiB|GiB)\b/;

const UNIT = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;

/** Parts smaller than this on average come from inserts far too small for MergeTree. */
const SMALL_PART = 1024 ** 2;

/** A batching setting of a sender read from a ConfigMap: the OpenTelemetry collector's batch processor. */
const BATCH_SETTING =
  /^[ \t]{0,40}(send_batch_size|send_batch_max_size|timeout):[ \t]{0,10}(\S{1,20})[ \t]*$/;

type TooMany = { pod: string; line: string; parts: number; bytes: number; table?: string };

/**
 * The first refusal line of ClickHouse in a log read in the namespace (else the first delay line), with its
 * figures.
 */
function tooMany(ctx: AnalyzerContext): TooMany | undefined {
  let delay: TooMany | undefined;
  for (const o of [...outputs(ctx.seen, 'get_pod_logs'), ...outputs(ctx.seen, 'search_pod_logs')]) {
    if (String(o.args['namespace'] ?? ctx.ns) !== ctx.ns) continue;
    for (const l of logOutputLines(o)) {
      const m = l.length <= 8000 ? TOO_MANY.exec(l) : null;
      if (!m) continue;
      const parts = Number(m[1] ?? m[5]);
      const bytes = Number(m[2] ?? m[6]) * UNIT[(m[3] ?? m[7]) as keyof typeof UNIT];
      const found: TooMany = {
        pod: String(o.args['name'] ?? ''),
        line: l.trim(),
        parts,
        bytes,
        ...(m[4] ? { table: m[4] } : {}),
      };
      if (m[1] !== undefined) return found;
      delay ??= found;
    }
  }
  return delay;
}

/** The batch processor's settings of a ConfigMap read in the namespace (`send_batch_size: 512`, `timeout: 1s`). */
function batching(ctx: AnalyzerContext): { map: string; settings: string[] } | undefined {
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) => /^configmaps?$/i.test(String(x.args['kind'])) && String(x.args['namespace'] ?? ctx.ns) === ctx.ns,
  )) {
    const lines = o.content.slice(0, 200_000).split('\n').slice(0, 2000);
    const at = lines.findIndex((l) => /^[ \t]{0,40}batch(?:\/[\w-]{1,40})?:[ \t]*$/.test(l));
    if (at < 0) continue;
    const settings = lines
      .slice(at + 1, at + 8)
      .map((l) => BATCH_SETTING.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]}: ${m[2]}`);
    if (settings.length > 0) return { map: String(o.args['name'] ?? ''), settings };
  }
  return undefined;
}

/**
 * ClickHouse refuses (or delays) inserts because a MergeTree table has too many active parts, and the parts
 * are tiny (an average under 1 MiB): every INSERT writes at least one new part, background merges join them,
 * and inserts that are small and frequent make parts faster than merges can join them, until the table
 * passes `parts_to_throw_insert` (ClickHouse's "Too many parts" documentation and its guidance to insert in
 * batches of thousands of rows, or use `async_insert`). Raising that threshold, CPU or disk only delays it;
 * the writers must send larger batches less often. The sender's batching, when a ConfigMap read shows an
 * OpenTelemetry collector's batch processor, is quoted.
 */
export const clickhouseSmallInsertsAnalyzer: Analyzer = {
  name: 'clickhouse-small-inserts',
  reads: () => [],
  finds(ctx): Finding[] {
    const t = tooMany(ctx);
    if (!t || !(t.bytes < SMALL_PART)) return [];
    const b = batching(ctx);
    const size = t.bytes >= 1024 ? `${(t.bytes / 1024).toFixed(2)} KiB` : `${t.bytes} B`;
    const owner = podDeployment(t.pod);
    return [
      {
        weight: 85,
        object: owner ? `deployment ${owner} (pod ${t.pod})` : `pod ${t.pod}`,
        cause: `ClickHouse refuses or delays inserts${t.table ? ` into ${t.table}` : ''} because the table has ${t.parts} active parts averaging ${size} ("${clip(t.line, 200)}"): every INSERT writes a new part and background merges join them, and the writers send tiny inserts, small batches far too often, so parts are made faster than merges can join them${b ? `; the sender batches only ${b.settings.join(', ')} (ConfigMap ${b.map}'s batch processor)` : ''}. More CPU, a faster disk or a higher parts_to_throw_insert only delay the refusal`,
        evidence: [
          `get_pod_logs ${t.pod}: "${clip(t.line, 200)}"`,
          ...(b ? [`describe_resource ConfigMap ${b.map}: batch ${b.settings.join(', ')}`] : []),
        ],
        advice: `make the writers insert larger batches less often${b ? ` (raise the batch processor's send_batch_size to tens of thousands and its timeout to several seconds in ConfigMap ${b.map})` : ''}, or turn on ClickHouse's async_insert so the server batches them; then let merges bring the parts count down`,
        revisionSound: true,
      },
    ];
  },
};
