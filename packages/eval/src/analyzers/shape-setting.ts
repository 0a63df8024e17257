import { errorLines } from './app-errors.js';
import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  configMapText,
  configMapVolumes,
  type Finding,
  outputs,
  podDeployment,
  type Read,
  unreadConfigMaps,
} from './types.js';

/**
 * A decoder refusing data of the other shape: Go's encoding/json (`json: cannot unmarshal object into Go
 * value of type []interface {}`: a list wanted, an object given) and Jackson's MismatchedInputException
 * (`Cannot deserialize value of type `java.util.ArrayList<…>` from Object value`). Group 1 or 2 is the kind
 * given (`object`/`Object` or `array`/`Array`). Bounded: the Java type is at most 200 characters.
 */
const SHAPE =
  /\bcannot unmarshal (object) into Go (?:value|struct field [\w.]{1,200}) of type \[\]|\bcannot unmarshal (array) into Go (?:value|struct field [\w.]{1,200}) of type (?!\[\])|\bCannot deserialize (?:value of type|instance of) `(?:java\.util\.(?:ArrayList|List|Collection|Set|HashSet)|[\w.$]{1,200}\[\])[^`\n]{0,200}` (?:from (Object) value|out of (START_OBJECT) token)\b|\bCannot deserialize (?:value of type|instance of) `(?!java\.util\.(?:ArrayList|List|Collection|Set|HashSet))[\w.$<>, ]{1,200}` (?:from (Array) value|out of (START_ARRAY) token)\b/;
/**
 * A setting that says whether data is a list: `"is_collection": true`, `isArray: false`, `collection = true`.
 * Bounded: at most 3 characters of quoting and spacing around the separator.
 */
const LIST_FLAG =
  /["']?\b(is_collection|isCollection|is_array|isArray|is_list|isList|collection|array|list)\b["']?\s{0,3}[:=]\s{0,3}(true|false)\b/i;
/** An HTTP path the failing line names (`[ENDPOINT: /v1/loyalty/balance]`). */
const PATH = /(?<![\w.])\/[a-z0-9_{}.-]{1,60}(?:\/[a-z0-9_{}.-]{1,60}){0,8}/i;

interface Refusal {
  readonly pod: string;
  readonly line: string;
  /** The kind of value the data had: `object` or `array`. */
  readonly given: 'object' | 'array';
}

/** The first shape refusal among the failure lines of each current log of the namespace, at most two pods. */
function refusals(ctx: AnalyzerContext): Refusal[] {
  const out: Refusal[] = [];
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    const pod = String(o.args['name'] ?? '');
    const line = errorLines(o.content.slice(-100_000)).find((l) => l.length <= 4000 && SHAPE.test(l));
    if (!line || out.some((r) => r.pod === pod)) continue;
    const m = SHAPE.exec(line)!;
    out.push({
      pod,
      line: line.trim(),
      given: /array/i.test(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6] ?? '') ? 'array' : 'object',
    });
  }
  return out.slice(0, 2);
}

/** The ConfigMaps the described pod mounts as volumes, when its description was read. */
function mounted(ctx: AnalyzerContext, pod: string): string[] | undefined {
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
  ).pop();
  return d ? configMapVolumes(d.content) : undefined;
}

/**
 * The list flag in a ConfigMap's text for the path the failing line names: the first flag line at or after
 * the line that names the path (within 15 lines), else the only flag line that says `true` (or `false`)
 * as the refusal implies. Lines of at most 2,000 characters, the first 600 lines.
 */
function flagFor(text: string, path: string | undefined, wantsList: boolean): string | undefined {
  const lines = text.split('\n').slice(0, 600);
  const flag = (l: string) => l.length <= 2000 && LIST_FLAG.exec(l)?.[2]?.toLowerCase() === String(wantsList);
  if (path) {
    const at = lines.findIndex((l) => l.length <= 2000 && l.includes(path));
    if (at >= 0)
      return lines
        .slice(at, at + 15)
        .find(flag)
        ?.trim();
  }
  const all = lines.filter(flag);
  return all.length === 1 ? all[0]!.trim() : undefined;
}

/**
 * Data of one shape read as the other because a setting says so: a program refuses a response (or file)
 * because its decoder was told a list and got an object, or the reverse (`json: cannot unmarshal object
 * into Go value of type []interface {}`), and a ConfigMap the pod mounts marks that data as a list
 * (`"is_collection": true`) next to the path the failing line names. An API gateway's backend block copied
 * from a list endpoint to a single-item one is the common case; the server that answers is not at fault.
 * The reads: the pod's description (its ConfigMap volumes), then those ConfigMaps, at most two.
 */
export const shapeSettingAnalyzer: Analyzer = {
  name: 'shape-setting',
  first: true,
  reads(ctx): Read[] {
    for (const r of refusals(ctx)) {
      const maps = mounted(ctx, r.pod);
      if (!maps) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }];
      const reads = unreadConfigMaps(ctx.seen, ctx.ns, maps, 2);
      if (reads.length > 0) return reads;
    }
    return [];
  },
  finds(ctx): Finding[] {
    for (const r of refusals(ctx)) {
      const wantsList = r.given === 'object';
      const path = PATH.exec(r.line.replace(/\bGo value of type\b.*$/, ''))?.[0];
      for (const map of mounted(ctx, r.pod) ?? []) {
        const text = configMapText(ctx.seen, map, ctx.ns);
        const flag = text ? flagFor(text, path, wantsList) : undefined;
        if (!flag) continue;
        const deployment = podDeployment(r.pod);
        const gloss = glossOf(r.line)?.means;
        return [
          {
            weight: 82 + bonus(deployment ?? r.pod, ctx.hints),
            object: deployment ? `deployment ${deployment} (pod ${r.pod})` : `pod ${r.pod}`,
            cause: `${r.pod} refuses the data it gets${path ? ` for ${path}` : ''} because its configuration says the other shape: ConfigMap ${map} marks it as ${wantsList ? 'a list (a collection)' : 'a single item, not a list'} ("${clip(flag, 160)}"), while the data is ${wantsList ? 'a single object, not a list' : 'a list (an array)'}: "${clip(r.line, 200)}"${gloss ? ` — ${gloss}` : ''}. The server that sends the data is not at fault`,
            evidence: [
              `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
              `get_resource ConfigMap ${map}: ${clip(flag, 160)}`,
            ],
            advice: `set that flag to ${wantsList ? 'false' : 'true'} (or drop it)${path ? ` for ${path}` : ''} in ConfigMap ${map}, then restart ${deployment ?? r.pod} so it reads the file again`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
