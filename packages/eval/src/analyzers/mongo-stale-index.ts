import {
  type Analyzer,
  bonus,
  clip,
  type Finding,
  outputs,
  type Read,
  searchedLines,
  searchFirstLog,
} from './types.js';

/** What a search of the whole log looks for: the indexes the program ensures at start. */
const SEARCH = 'unique';

/** MongoDB's duplicate-key error with the index it names (`E11000 duplicate key error collection: c.m index: slug_1 dup key`). */
const DUP = /E11000 duplicate key error collection: (\S{1,200}) index: ([\w.-]{1,200}) dup key/;
/** A unique index the program says it ensures (`{ city: 1, slug: 1 } unique`), as Mongoose's autoIndex and drivers log it. */
const ENSURED = /\{\s?((?:[\w.]{1,60}:\s?-?1,?\s?){1,8})\}\s?unique/g;
const ENSURED_ONE = /\{\s?(?:[\w.]{1,60}:\s?-?1,?\s?){1,8}\}\s?unique/;

/** An index name's fields: `city_1_slug_-1` gives city, slug (MongoDB names indexes field_direction_…). */
function indexFields(name: string): string[] {
  const parts = name.split('_');
  const out: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(parts[i]!);
  return out;
}

/**
 * A unique index left over from an older schema: inserts fail with E11000 on an index whose fields are
 * a strict part of a unique index the program now ensures (slug_1 while it ensures `{ city: 1, slug: 1 }`
 * unique). Creating indexes at start (Mongoose's autoIndex, createIndexes) adds new indexes but never
 * drops old ones (mongoosejs.com, "Indexes"; MongoDB's db.collection.createIndex), so the old, narrower
 * unique index still refuses what the new schema allows. The fix drops the old index.
 */
export const mongoStaleIndexAnalyzer: Analyzer = {
  name: 'mongo-stale-index',
  first: true,
  // The duplicate-key error in the tail, the index list the program logged at start far above it.
  reads(ctx): Read[] {
    return searchFirstLog(ctx, (tail) => DUP.test(tail) && !ENSURED_ONE.test(tail), SEARCH, 5);
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      const text = o.content.slice(-200_000);
      const lines = text.split('\n').filter((l) => l.length <= 4000);
      const dup = lines.map((l) => DUP.exec(l)).find((m) => m !== null);
      if (!dup) continue;
      const failing = indexFields(dup[2]!);
      if (failing.length === 0) continue;
      const name = o.args['name'];
      const found = searchedLines(
        ctx.seen,
        (x) => x.args['name'] === name && x.args['pattern'] === SEARCH,
      ).filter((l) => l.length <= 4000);
      const ensured = [...lines, ...found].flatMap((l) =>
        [...l.matchAll(ENSURED)].map((m) =>
          m[1]!
            .split(',')
            .map((f) => f.split(':')[0]!.trim())
            .filter(Boolean),
        ),
      );
      const wider = ensured.find(
        (fields) => fields.length > failing.length && failing.every((f) => fields.includes(f)),
      );
      if (!wider) continue;
      const pod = String(o.args['name']);
      return [
        {
          weight: 88 + bonus(pod, ctx.hints),
          object: `pod ${pod}`,
          cause: `inserts fail on a leftover unique index: MongoDB refuses them with E11000 on index ${dup[2]} of ${dup[1]} ("${clip(dup[0], 160)}"), while the program now ensures the unique index { ${wider.map((f) => `${f}: 1`).join(', ')} } and allows the same ${failing.join(', ')} under a different ${wider.filter((f) => !failing.includes(f)).join(', ')}. Creating indexes at start adds the new index but never drops the old one, so ${dup[2]} still exists and still refuses every duplicate ${failing.join(', ')}; only those inserts fail, the rest work`,
          evidence: [`get_pod_logs ${pod}: "${clip(dup[0], 200)}"`],
          advice: `drop the stale index: db.${dup[1]!.split('.').slice(1).join('.')}.dropIndex("${dup[2]}") (after checking no code path still needs it)`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
