import { type Analyzer, bonus, boundedLogLines, clip, type Finding, outputs } from './types.js';

/** A failure line: an error level or a failed request. */
const FAILED =
  /\[error\]|\blevel[=:]"?error\b|\bERROR\b|\bfailed with status code [45]\d\d\b|\brequest failed\b/i;
/** A JSON or logfmt id field with a number: `"tmdbId":248731`, `item_id=5531`. */
const ID_FIELD = /"?([A-Za-z][A-Za-z]{0,30}(?:Id|_id|ID))"?\s{0,2}[:=]\s{0,2}(\d{3,12})\b/g;
/** A field that names another id and holds nothing: `"tvdb_id":null`, `tvdb_id=None`. */
const NULL_ID = /"?([a-z][a-z0-9]{0,30})_id"?\s{0,2}[:=]\s{0,2}(?:null|None|nil)\b/g;

/** `tvdb_id` → `tvdbId`: the name a client sends the same id under. */
const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Requests that fail for one item only, because the item's upstream metadata lacks an id the downstream
 * needs: the failing line names the item by its id (`"tmdbId":248731`), a lookup of that same item in the
 * log returns another id as null (`tv/248731 external_ids {"tvdb_id":null}`), and the requests that go
 * through carry that id (`"tvdbId":438870`). The services are fine; the item's record is what fails.
 * Reads nothing of its own.
 */
export const nullExternalIdAnalyzer: Analyzer = {
  name: 'null-external-id',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content).filter((l) => l.length <= 4000);
      // The ids the failing lines name, by field: one item only when every failure names the same value.
      const failing = new Map<string, Map<string, string>>();
      for (const failure of lines.filter((l) => FAILED.test(l)).slice(-500))
        for (const [, key, value] of failure.matchAll(ID_FIELD)) {
          const values = failing.get(key!) ?? new Map<string, string>();
          if (!values.has(value!)) values.set(value!, failure);
          failing.set(key!, values);
        }
      for (const [key, values] of failing) {
        if (values.size !== 1) continue;
        const [[value, failure]] = [...values] as [[string, string]];
        // A lookup of that item (its number as a path segment or a field's value) that returns
        // another id as null.
        const names = new RegExp(`(?:\\/|\\w"?\\s{0,2}[:=]\\s{0,2}"?)${value}(?!\\d)`);
        const lookup = lines.find(
          (l) => l !== failure && /_id"?\s{0,2}[:=]\s{0,2}(?:null|None|nil)\b/.test(l) && names.test(l),
        );
        if (!lookup) continue;
        for (const [, name] of lookup.matchAll(NULL_ID)) {
          if (`${name}_id`.toLowerCase() === key!.toLowerCase()) continue;
          // Requests that went through carry that id with a value.
          const sent = new RegExp(
            `"?(?:${name}_id|${camel(`${name}_id`)})"?\\s{0,2}[:=]\\s{0,2}[1-9]\\d{0,11}\\b`,
          );
          const ok = lines.find((l) => !FAILED.test(l) && sent.test(l));
          if (!ok) continue;
          const pod = String(o.args['name'] ?? '');
          const field = `${name}_id`;
          return [
            {
              weight: 84 + bonus(pod, ctx.hints),
              object: `pod ${pod}`,
              cause: `the requests fail for one item only, ${key} ${value} ("${clip(failure.trim(), 160)}"): the item's upstream metadata has no ${field} (${field} is null: "${clip(lookup.trim(), 160)}"), while the requests that go through carry one ("${clip(ok.trim(), 140)}"). The service it sends to needs that id and refuses the request without it, so only items missing it fail; the services themselves are fine`,
              evidence: [
                `get_pod_logs ${pod}: "${clip(failure.trim(), 160)}"`,
                `get_pod_logs ${pod}: "${clip(lookup.trim(), 160)}"`,
              ],
              advice: `add the missing ${field} to the item's record where the metadata comes from (the upstream database's entry), or add the item by hand with its id; restarting or reconfiguring the services changes nothing`,
            },
          ];
        }
      }
    }
    return [];
  },
};
