import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, bonus, type Finding, outputs, type Read } from './types.js';

/**
 * Stakater Reloader's annotations that name what a workload is rolled for (its README: `configmap.reloader.
 * stakater.com/reload: "a,b"`, `secret.reloader.stakater.com/reload: "c"`), with the kind each names.
 */
const RELOAD_KEYS: Readonly<Record<string, 'ConfigMap' | 'Secret'>> = {
  'configmap.reloader.stakater.com/reload': 'ConfigMap',
  'secret.reloader.stakater.com/reload': 'Secret',
};

/** Reloader's image (`ghcr.io/stakater/reloader:v1.2.1`, `stakater/reloader`). */
const RELOADER_IMAGE = /(?:^|\/)stakater\/reloader(?::|@|$)/;

/** The `Annotations:` of a described object, its continuation lines included, as key and value. */
function annotations(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.slice(0, 100_000).split('\n', 400);
  const at = lines.findIndex((l) => l.startsWith('Annotations:'));
  if (at < 0) return out;
  for (let i = at; i < lines.length; i++) {
    const l = i === at ? lines[i]!.slice('Annotations:'.length) : lines[i]!;
    if (i > at && !/^\s/.test(l)) break;
    const m = /^\s*([a-z0-9][a-z0-9./-]{0,252})=(.{0,1000})$/.exec(l);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/** Whether a described Deployment's pod template reads the ConfigMap or Secret (env, envFrom, a volume). */
function reads(text: string, kind: 'ConfigMap' | 'Secret', name: string): boolean {
  const t = text.slice(0, 100_000);
  const re = name.replace(/\./g, '\\.');
  return kind === 'ConfigMap'
    ? t.includes(`<all keys from ConfigMap ${name}>`) ||
        t.includes(`<all keys from ConfigMap ${name} with prefix '`) ||
        t.includes(`of config map '${name}'>`) ||
        new RegExp(
          `ConfigMap \\(a volume populated by a ConfigMap\\)\\n\\s{1,20}Name:\\s{1,20}${re}\\n`,
        ).test(t)
    : t.includes(`<all keys from Secret ${name}>`) ||
        t.includes(`<all keys from Secret ${name} with prefix '`) ||
        t.includes(`in secret '${name}'>`) ||
        new RegExp(
          `Secret \\(a volume populated by a Secret\\)\\n\\s{1,20}SecretName:\\s{1,20}${re}\\n`,
        ).test(t);
}

/** Whether Reloader rolls a Deployment with these annotations when `object` (of the reload `key`'s kind) changes. */
function rolledAnyway(a: ReadonlyMap<string, string>, key: string, object: string): boolean {
  if ((a.get(key) ?? '').split(',').some((v) => v.trim() === object)) return true;
  const kind = key.split('.')[0];
  return [
    'reloader.stakater.com/auto',
    `${kind}.reloader.stakater.com/auto`,
    'reloader.stakater.com/search',
  ].some((k) => a.get(k) === 'true');
}

interface Misplaced {
  readonly reloader: string;
  readonly key: string;
  readonly kind: 'ConfigMap' | 'Secret';
  readonly object: string;
  readonly consumers: string[];
  readonly marker: string | undefined;
  /** The annotation's value for the first reader: its own list with the object added. */
  readonly value: string;
  /** Whether the Deployment list shows every replica of Reloader ready. */
  readonly ready: boolean;
}

/** Whether the latest Deployment list shows `name` with every desired replica ready (`1/1`). */
function readyIn(ctx: AnalyzerContext, name: string): boolean {
  const listed = outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns).pop();
  const ready = parseTable(listed?.content.slice(0, 200_000) ?? '').find((r) => r['NAME'] === name)?.[
    'READY'
  ];
  const m = /^(\d{1,5})\/(\d{1,5})$/.exec(ready ?? '');
  return m !== null && m[1] === m[2] && m[2] !== '0';
}

/** The namespace's Deployments that run Reloader, from its latest list. */
function reloaders(ctx: AnalyzerContext): string[] {
  const listed = outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns).pop();
  if (!listed) return [];
  return parseTable(listed.content.slice(0, 200_000))
    .filter((r) => (r['IMAGES'] ?? '').split(',').some((i) => RELOADER_IMAGE.test(i.trim())))
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
}

const described = (ctx: AnalyzerContext, name: string) =>
  outputs(
    ctx.seen,
    'describe_deployment',
    (x) => x.args['namespace'] === ctx.ns && x.args['name'] === name,
  ).pop()?.content;

/**
 * A reload annotation on Reloader's own Deployment that names a ConfigMap (or Secret) it does not read,
 * while other described Deployments read it: the annotation meant for them.
 */
function misplaced(ctx: AnalyzerContext): Misplaced | undefined {
  for (const reloader of reloaders(ctx)) {
    const text = described(ctx, reloader);
    if (!text) continue;
    for (const [key, value] of annotations(text)) {
      const kind = RELOAD_KEYS[key];
      if (!kind) continue;
      for (const object of value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => /^[a-z0-9][a-z0-9.-]{0,252}$/.test(v))) {
        if (reads(text, kind, object)) continue;
        const consumers = outputs(ctx.seen, 'describe_deployment', (x) => x.args['namespace'] === ctx.ns)
          .filter(
            (d) =>
              d.args['name'] !== reloader &&
              reads(d.content, kind, object) &&
              // A reader annotated for it, or for everything it reads (`reloader.stakater.com/auto`, the
              // kind's own `…/auto`, or `search`, which follows the ConfigMap's own `match`), is rolled already.
              !rolledAnyway(annotations(d.content), key, object),
          )
          .map((d) => String(d.args['name']));
        if (consumers.length === 0) continue;
        // Reloader's env-vars strategy marks what it rolled with `STAKATER_<NAME>_<KIND>` in the template.
        const marker = `STAKATER_${object.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${kind.toUpperCase()}`;
        const first = consumers[0]!;
        const existing = (annotations(described(ctx, first) ?? '').get(key) ?? '')
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean);
        return {
          reloader,
          key,
          kind,
          object,
          consumers: [...new Set(consumers)],
          marker: text.includes(`${marker}:`) ? marker : undefined,
          value: [...existing, object].join(','),
          ready: readyIn(ctx, reloader),
        };
      }
    }
  }
  return undefined;
}

/**
 * Stakater Reloader's reload annotation put on Reloader's own Deployment instead of the workload that reads
 * the ConfigMap: on a change Reloader rolls the annotated Deployment, itself (its template gains the
 * `STAKATER_…` variable and its pod is replaced, which ends a log tail), and the reader, without the
 * annotation, keeps running with the old values. Reads Reloader's Deployment, then the Deployments the task
 * names.
 */
export const reloaderAnnotationAnalyzer: Analyzer = {
  name: 'reloader-annotation',
  reads(ctx): Read[] {
    const mine = reloaders(ctx);
    const out: Read[] = mine
      .filter((r) => !described(ctx, r))
      .slice(0, 1)
      .map((name) => ({ tool: 'describe_deployment', args: { namespace: ctx.ns, name } }));
    if (out.length > 0) return out;
    // A reload annotation that names something Reloader itself does not read: the Deployments the task names
    // (or, failing that, the others of the namespace) may be its readers.
    const annotated = mine.some((r) =>
      [...annotations(described(ctx, r) ?? '').keys()].some((k) => RELOAD_KEYS[k] !== undefined),
    );
    if (!annotated || misplaced(ctx)) return [];
    const listed = outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns).pop();
    const names = parseTable(listed?.content.slice(0, 200_000) ?? '')
      .map((r) => r['NAME'] ?? '')
      .filter((n) => n && !mine.includes(n) && !described(ctx, n));
    const task = ctx.task.slice(0, 4000).toLowerCase();
    return [...names.filter((n) => task.includes(n)), ...names.filter((n) => !task.includes(n))]
      .slice(0, 3)
      .map((name) => ({ tool: 'describe_deployment', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const m = misplaced(ctx);
    if (!m) return [];
    const who = m.consumers.slice(0, 3).join(', ');
    return [
      {
        weight: 94 + bonus(m.consumers[0]!, ctx.hints),
        object: `deployment ${m.consumers[0]}`,
        cause: `the Reloader annotation ${m.key}=${m.object} is on the ${m.reloader} Deployment itself (Reloader's own Deployment), not on ${who}, which reads the ${m.kind} ${m.object}: when ${m.object} changed, Reloader rolled its own Deployment${m.marker ? ` (its template gained ${m.marker}, and its old pod was replaced, which ends any log tail of it with "No such container")` : ''}, while ${who}, without the annotation, was never restarted and still runs with the old values. ${m.ready ? 'Reloader itself runs (every replica ready) and did what it was told: ' : ''}the annotation is on the wrong Deployment`,
        evidence: [
          `describe_deployment ${m.reloader}: Annotations ${m.key}=${m.object}${m.marker ? `; Environment ${m.marker}` : ''}`,
          `describe_deployment ${m.consumers[0]}: reads ${m.kind} ${m.object}, no reload annotation`,
        ],
        advice: `move the annotation: put ${m.key}=${m.value} on ${m.consumers[0]} (kubectl annotate --overwrite deployment ${m.consumers[0]} ${m.key}=${m.value}) and remove it from ${m.reloader}; then restart ${who} once (kubectl rollout restart) so it picks up the current ${m.object}`,
        revisionSound: true,
      },
    ];
  },
};
