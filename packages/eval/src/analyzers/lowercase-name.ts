import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  clipAround,
  configMapText,
  containerSections,
  envFromConfigMaps,
  type Finding,
  outputs,
  podDeployment,
  type Read,
  unreadConfigMaps,
} from './types.js';

/** A refusal of a name because of its capitals (Elasticsearch and OpenSearch index names, image references). */
const MUST_BE_LOWERCASE = /must be lower[ -]?case/i;
/** Names a line quotes: `[HelpDesk_Custom_production]`, `'Name'`, `"Name"`. */
const QUOTED = /\[([^\]\s]{2,200})\]|'([^'\s]{2,200})'|"([^"\s]{2,200})"/g;

interface Refused {
  readonly pod: string;
  readonly line: string;
  /** The refused name: quoted in the line, with a capital letter. */
  readonly name: string;
}

/** The first line of the namespace's logs that refuses a name with capitals for them. */
function refusedName({ ns, seen }: AnalyzerContext): Refused | undefined {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    for (const line of boundedLogLines(o.content)) {
      if (!MUST_BE_LOWERCASE.test(line)) continue;
      // A quoted name with capitals and lower-case letters both (not a level such as "ERROR", not a URL):
      // the bracketed one first, as servers bracket the name they refuse (`Invalid index name [X]`).
      const names = [...line.matchAll(QUOTED)]
        .map((m) => ({ name: m[1] ?? m[2] ?? m[3]!, bracketed: m[1] !== undefined }))
        .filter((x) => /[A-Z]/.test(x.name) && /[a-z]/.test(x.name) && !/^https?:/.test(x.name))
        .sort((a, b) => Number(b.bracketed) - Number(a.bracketed));
      if (names[0]) return { pod: String(o.args['name'] ?? ''), line, name: names[0].name };
    }
  }
  return undefined;
}

/** `KEY: value` lines of a ConfigMap's read text (its data, as get_resource or describe_resource print it). */
function configMapEntries(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of text.split('\n').slice(0, 2000)) {
    const m = /^\s{0,4}([A-Za-z_][A-Za-z0-9_.-]{0,127}):\s{1,10}"?([^"\s][^"]{0,300}?)"?\s*$/.exec(line);
    if (m) out.push({ name: m[1]!, value: m[2]! });
  }
  return out;
}

/**
 * A name a server refuses for its capital letters, built from a setting: Elasticsearch and OpenSearch
 * index names must be lowercase (`invalid_index_name_exception`), so a setting renamed to one with
 * capitals (an index prefix `HelpDesk_Custom`) makes the program ask for an index that can never be
 * created, and every search then finds no such index. Found from the refusal in a log, the pod's
 * variables and the ConfigMaps it takes its environment from: the setting whose value, with capitals,
 * is part of the refused name.
 */
export const lowercaseNameAnalyzer: Analyzer = {
  name: 'lowercase-name',
  first: true,
  reads(ctx) {
    const r = refusedName(ctx);
    if (!r) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
    if (!described) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: r.pod } }];
    const reads: Read[] = unreadConfigMaps(ctx.seen, ctx.ns, envFromConfigMaps(described.content), 2);
    return reads;
  },
  finds(ctx) {
    const r = refusedName(ctx);
    if (!r) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop()?.content;
    if (!described) return [];
    const settings = [
      ...containerSections(described).flatMap((c) =>
        envOf(c.body).map((v) => ({ ...v, where: `the pod's variable ${v.name}` })),
      ),
      ...envFromConfigMaps(described).flatMap((cm) =>
        configMapEntries(configMapText(ctx.seen, cm, ctx.ns) ?? '').map((v) => ({
          ...v,
          where: `${v.name} in ConfigMap ${cm}`,
        })),
      ),
    ];
    const setting = settings
      .filter((v) => v.value.length >= 4 && /[A-Z]/.test(v.value) && r.name.includes(v.value))
      .sort((a, b) => b.value.length - a.value.length)[0];
    if (!setting) return [];
    const owner = podDeployment(r.pod);
    // Another log of the namespace that looks the same name up and finds nothing (a 404): the consequence.
    const missing = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)
      .flatMap((o) =>
        boundedLogLines(o.content)
          .filter((l) => l.includes(r.name) && /not[_ ]found|no such/i.test(l))
          .map((l) => ({ pod: String(o.args['name'] ?? ''), l })),
      )
      .pop();
    const out: Finding = {
      // Above a failed Job or a crash that logs the refusal: those are what the name causes.
      weight: 94,
      object: `${setting.where.includes('ConfigMap') ? `configmap ${setting.where.split('ConfigMap ')[1]}` : owner ? `deployment ${owner}` : `pod ${r.pod}`}`,
      cause: `the setting ${setting.where} was changed to "${setting.value}", a name with capital letters, and the program builds the name ${r.name} from it; the server refuses that name because it must be lowercase ("${clipAround(r.line.trim(), MUST_BE_LOWERCASE.exec(r.line)?.[0] ?? r.name, 200)}"), so it can never be created${missing ? `, and every lookup of it fails with no such index ("${clip(missing.l.trim(), 160)}" in ${missing.pod})` : ''}. The server itself is healthy; the new name is what fails`,
      evidence: [
        `get_pod_logs ${r.pod}: "${clipAround(r.line.trim(), MUST_BE_LOWERCASE.exec(r.line)?.[0] ?? r.name, 220)}"`,
        `${setting.where.includes('ConfigMap') ? 'get_resource ' : `describe_pod ${r.pod}: `}${setting.where}: ${setting.value}`,
        ...(missing ? [`get_pod_logs ${missing.pod}: "${clip(missing.l.trim(), 200)}"`] : []),
      ],
      advice: `set ${setting.name} to a lowercase name (${setting.value.toLowerCase()}), restart the workloads that read it, and build the index again under that name`,
    };
    return [out];
  },
};
