import { parseTable } from '../k8s-text.js';
import { BUILT_IN } from './failed-custom-object.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  type Read,
  section,
} from './types.js';

/**
 * One entry of a list in a described spec, as `describe_resource` flattens it: `workerGroupSpecs[1].groupName:
 * workers` is the list `workerGroupSpecs`, entry 1, key `groupName`, value `workers`. Only a key that names
 * the entry (`name`, or a key ending in `Name`) directly under the entry counts.
 */
const ENTRY_NAME =
  /^\s{1,8}([A-Za-z0-9_.[\]-]{1,300})\[(\d{1,4})\]\.(name|[A-Za-z]{1,40}Name): (\S.{0,252})$/;

/**
 * Whether `key` names the entry itself: `name`, or a `…Name` key whose stem the list's own name holds
 * (`groupName` in `workerGroupSpecs`), not one that refers to another object (`storageClassName`).
 */
function ownName(list: string, key: string): boolean {
  if (key === 'name') return true;
  const stem = key.slice(0, -'Name'.length).toLowerCase();
  const own = (list.split('.').pop() ?? list).replace(/\[\d{1,4}\]/g, '').toLowerCase();
  return stem.length >= 3 && own.includes(stem);
}

/** A list in a custom resource's spec with two entries of the same name. */
interface Clash {
  kind: string;
  name: string;
  namespace: string;
  list: string;
  key: string;
  value: string;
  entries: number[];
  /** `replicas` of each clashing entry, where the spec sets one. */
  replicas: string[];
  /** Pods the object's events say it created and deleted. */
  created: number;
  deleted: number;
}

/** The custom objects `find_objects` found under the very name searched for, in `ns`: the task's target. */
function namedObjects(ctx: AnalyzerContext): { kind: string; name: string }[] {
  const out: { kind: string; name: string }[] = [];
  for (const o of outputs(ctx.seen, 'find_objects')) {
    const term = String(o.args['name'] ?? '');
    for (const r of parseTable(o.content.slice(0, 200_000))) {
      const kind = r['KIND'] ?? '';
      if (
        r['NAME'] === term &&
        r['NAMESPACE'] === ctx.ns &&
        !BUILT_IN.has(kind) &&
        /^[A-Z][A-Za-z0-9]{1,62}$/.test(kind) &&
        !out.some((x) => x.kind === kind && x.name === term)
      )
        out.push({ kind, name: term });
    }
  }
  return out.slice(0, 2);
}

/** The first list of a described object's spec whose entries repeat a name, with what the events say. */
function clashOf(kind: string, name: string, namespace: string, text: string): Clash | undefined {
  const spec = section(text.slice(0, 100_000), 'Spec');
  const byList = new Map<string, Map<string, number[]>>();
  const replicas = new Map<string, string>();
  for (const line of spec.split('\n').slice(0, 2000)) {
    if (line.length > 600) continue;
    const rep = /^\s{1,8}([A-Za-z0-9_.[\]-]{1,300}\[\d{1,4}\])\.replicas: (\d{1,6})$/.exec(line);
    if (rep) replicas.set(rep[1]!, rep[2]!);
    const m = ENTRY_NAME.exec(line);
    if (!m || !ownName(m[1]!, m[3]!)) continue;
    const list = `${m[1]}\u0000${m[3]}`;
    const values = byList.get(list) ?? new Map<string, number[]>();
    byList.set(list, values);
    const at = values.get(m[4]!) ?? [];
    values.set(m[4]!, [...at, Number(m[2])]);
  }
  for (const [list, values] of byList) {
    for (const [value, entries] of values) {
      const distinct = [...new Set(entries)];
      if (distinct.length < 2) continue;
      const [path, key] = list.split('\u0000') as [string, string];
      const events = section(text.slice(0, 100_000), 'Events');
      return {
        kind,
        name,
        namespace,
        list: path,
        key,
        value,
        entries: distinct,
        replicas: distinct.map((i) => replicas.get(`${path}[${i}]`)).filter((r): r is string => !!r),
        created: (events.match(/\bCreated\b[^\n]{0,80}\bPod\b/g) ?? []).length,
        deleted: (events.match(/\bDeleted\b[^\n]{0,80}\bPod\b/g) ?? []).length,
      };
    }
  }
  return undefined;
}

function clashes(ctx: AnalyzerContext): Clash[] {
  return perSeen(ctx.seen, ['duplicateEntryNames', ctx.ns], () => {
    const out: Clash[] = [];
    for (const o of outputs(ctx.seen, 'describe_resource', (x) => x.args['namespace'] === ctx.ns)) {
      const kind = String(o.args['kind'] ?? '');
      const name = String(o.args['name'] ?? '');
      if (BUILT_IN.has(kind) || out.some((c) => c.kind === kind && c.name === name)) continue;
      const c = clashOf(kind, name, ctx.ns, o.content);
      if (c) out.push(c);
    }
    return out;
  });
}

/**
 * A list in a custom resource's spec whose entries share a name (two `workerGroupSpecs` both
 * `groupName: workers`, two `nodeSets` both `name: data`). An operator keys such entries by their name,
 * as Kubernetes' own strategic merge keys containers by `name`: the two become one group it reconciles
 * to each entry's replica count in turn, creating and deleting the same pods. The object the task names
 * (found by `find_objects` under its exact name) is described when the namespace's scan found nothing.
 */
export const duplicateEntryNamesAnalyzer: Analyzer = {
  name: 'duplicate-entry-names',
  reads(ctx): Read[] {
    const quiet = outputs(ctx.seen, 'scan', (o) => o.args['namespace'] === ctx.ns).some((o) =>
      /no problems found/.test(o.content),
    );
    if (!quiet) return [];
    return namedObjects(ctx).map((o) => ({
      tool: 'describe_resource',
      args: { kind: o.kind, name: o.name, namespace: ctx.ns },
    }));
  },
  finds(ctx): Finding[] {
    return clashes(ctx).map((c) => {
      const field = c.list.replace(/\[\d{1,4}\]/g, '[]');
      const counts = c.replicas.length === c.entries.length ? `, replicas ${c.replicas.join(' and ')}` : '';
      const churn =
        c.created > 0 && c.deleted > 0
          ? `; its events show the controller creating ${c.created} and deleting ${c.deleted} pods in turn`
          : '';
      return {
        weight: 86,
        object: `${c.kind.toLowerCase()} ${c.name} in ${c.namespace}`,
        cause: `${c.kind} ${c.name} (namespace ${c.namespace}) lists ${c.entries.length} entries of spec.${field} with the same ${c.key} "${clip(c.value, 80)}" (entries ${c.entries.join(' and ')}${counts}): its controller keys these entries by ${c.key}, so it takes them for one and reconciles that one to each entry's count in turn${churn}`,
        evidence: [
          `describe_resource ${c.kind} ${c.name}: ${c.entries.map((i) => `${c.list}[${i}].${c.key}: ${clip(c.value, 80)}`).join(', ')}`,
          ...(churn
            ? [`describe_resource ${c.kind} ${c.name}: events Created x${c.created}, Deleted x${c.deleted}`]
            : []),
        ],
        advice: `give each entry of spec.${field} its own ${c.key} (rename the entry added last, entry ${c.entries[c.entries.length - 1]}) so the controller manages them apart`,
      };
    });
  },
};
