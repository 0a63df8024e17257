import { parseTable } from '../k8s-text.js';
import { missingVariable } from './config-sources.js';
import { appliedBack, readBack } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

interface ConfigMapDoc {
  metadata?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

interface Lack {
  readonly pod: string;
  readonly owner: string | undefined;
  readonly container: string;
  readonly variable: string;
  /** The one ConfigMap the container loads whole (envFrom). */
  readonly loaded: string;
}

/**
 * The first crashed container of the namespace whose log says variable V is missing, that sets no V of
 * its own and loads exactly one ConfigMap whole (`envFrom`): where V was to come from.
 */
function lacking(ctx: AnalyzerContext): Lack | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const variable = missingVariable(log.content.slice(-100_000));
    if (!variable || !/^[A-Z][A-Z0-9_]{1,127}$/.test(variable)) continue;
    const pod = String(log.args['name'] ?? '');
    const described = outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
    ).pop();
    if (!described) continue;
    const sections = containerSections(described.content.slice(0, 200_000)).filter((c) =>
      log.args['container'] ? c.name === log.args['container'] : !c.init,
    );
    for (const c of sections) {
      if (new RegExp(`^\\s{2,12}${variable}:\\s`, 'm').test(c.body)) continue;
      // A container that crashed (its previous instance's log, a restart, a back-off): one that runs on
      // and only warns about the variable is not stopped by it.
      const crashed =
        log.args['previous'] === true ||
        /Restart Count:\s{1,20}[1-9]|CrashLoopBackOff|Last State:\s{1,20}Terminated/.test(c.body);
      if (!crashed) continue;
      const loaded = [...c.body.matchAll(/<all keys from ConfigMap ([a-z0-9][a-z0-9.-]{0,252})>/g)].map(
        (m) => m[1]!,
      );
      if (loaded.length !== 1 || /<all keys from Secret /.test(c.body)) continue;
      return {
        pod,
        owner: ownerDeployment(described.content),
        container: c.name,
        variable,
        loaded: loaded[0]!,
      };
    }
  }
  return undefined;
}

/** The namespace's ConfigMaps by name, from its newest `list_resources`; undefined before it is read. */
function configMaps(ctx: AnalyzerContext): string[] | undefined {
  const listed = outputs(
    ctx.seen,
    'list_resources',
    (o) => /^configmaps?$/i.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
  ).pop();
  if (!listed) return undefined;
  return parseTable(listed.content.slice(0, 200_000))
    .map((r) => r['NAME'] ?? '')
    .filter((n) => n && n !== 'kube-root-ca.crt');
}

/** A variable's name that says its value is a secret. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|_DSN$|^DSN$/i;

/** Words of a name (`airbyte-worker-env` → airbyte, worker, env). */
const words = (name: string) => new Set(name.split(/[-_.]/).filter(Boolean));

/**
 * The other ConfigMaps worth reading for the variable, at most two: those sharing a word with the loaded
 * one (`airbyte-env` beside `airbyte-worker-env`), the most shared first.
 */
function siblings(all: readonly string[], loaded: string): string[] {
  const mine = words(loaded);
  return all
    .filter((n) => n !== loaded)
    .map((n) => ({ n, shared: [...words(n)].filter((w) => mine.has(w) && w.length >= 3).length }))
    .filter((x) => x.shared > 0)
    .sort((a, b) => b.shared - a.shared)
    .slice(0, 2)
    .map((x) => x.n);
}

/**
 * A container that crashes at start on a missing variable it was to get from the one ConfigMap it loads
 * whole (`envFrom`), a ConfigMap that lacks that key, while another ConfigMap of the namespace, named
 * like it (the shared one it replaced), holds it: the new ConfigMap was made without it. Reads: the
 * loaded ConfigMap, the namespace's ConfigMaps, and up to two named like it (`get_resource`). The fix
 * adds the key, with the value the other ConfigMap holds, to the loaded ConfigMap (`apply_manifest`),
 * which keeps the container on its own ConfigMap.
 */
export const envFromLacksVariableAnalyzer: Analyzer = {
  name: 'envfrom-lacks-variable',
  // Before the rollout is compared: the ConfigMap the container loads says what it lacks.
  first: true,
  reads(ctx): Read[] {
    const l = lacking(ctx);
    if (!l) return [];
    const got = (name: string) =>
      outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
      ).length > 0;
    const reads: Read[] = [];
    if (!got(l.loaded))
      reads.push({ tool: 'get_resource', args: { kind: 'ConfigMap', name: l.loaded, namespace: ctx.ns } });
    const all = configMaps(ctx);
    if (!all) return [...reads, { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: ctx.ns } }];
    for (const n of siblings(all, l.loaded))
      if (!got(n))
        reads.push({ tool: 'get_resource', args: { kind: 'ConfigMap', name: n, namespace: ctx.ns } });
    return reads;
  },
  finds(ctx): Finding[] {
    const l = lacking(ctx);
    if (!l) return [];
    const own = readBack<ConfigMapDoc>(ctx.seen, { kind: 'ConfigMap', name: l.loaded, namespace: ctx.ns });
    if (!own || Object.hasOwn(own.data ?? {}, l.variable)) return [];
    const holders = siblings(configMaps(ctx) ?? [], l.loaded)
      .map((name) => ({
        name,
        doc: readBack<ConfigMapDoc>(ctx.seen, { kind: 'ConfigMap', name, namespace: ctx.ns }),
      }))
      .filter((x) => typeof x.doc?.data?.[l.variable] === 'string');
    const holder = holders[0];
    if (!holder) return [];
    const value = String(holder.doc!.data![l.variable]);
    // Holders that disagree on the value: which one was meant is not known, so no value is applied.
    const agreed = holders.every((x) => String(x.doc!.data![l.variable]) === value);
    // A value whose name says it is a secret is not written out in the answer (the manifest carries it).
    const shown = SECRET_NAME.test(l.variable) ? '(a value not shown)' : clip(value, 120);
    own.data = { ...(own.data ?? {}), [l.variable]: value };
    const who = l.owner ? `deployment ${l.owner} (pod ${l.pod})` : `pod ${l.pod}`;
    return [
      {
        weight: 90,
        object: who,
        cause: `the container ${l.container} crashes at start because ${l.variable} is not set: it loads its variables from ConfigMap ${l.loaded} (envFrom), which does not have ${l.variable}, while ConfigMap ${holder.name}, named like it, holds ${l.variable}=${shown}${
          agreed
            ? ''
            : ` (and ${holders
                .slice(1)
                .map((x) => x.name)
                .join(', ')} another value)`
        }; ${l.loaded} was made without that key`,
        evidence: [
          `describe_pod ${l.pod}: container ${l.container} loads <all keys from ConfigMap ${l.loaded}> and sets no ${l.variable}`,
          `get_resource ConfigMap ${l.loaded}: keys ${
            Object.keys(own.data)
              .filter((k) => k !== l.variable)
              .join(', ') || '(none)'
          }`,
          `get_resource ConfigMap ${holder.name}: ${l.variable}: ${shown}`,
        ],
        advice: `add ${l.variable} to ConfigMap ${l.loaded} (${agreed ? `the value ${holder.name} holds` : `the ConfigMaps named like it disagree on its value: ${holders.map((x) => x.name).join(', ')}`}), then restart the pods; the container keeps loading its own ConfigMap`,
        revisionSound: true,
        ...(agreed
          ? {
              fix: {
                tool: 'apply_manifest',
                args: { namespace: ctx.ns, manifest: appliedBack(own) },
                text: `add ${l.variable}=${shown} to ConfigMap ${l.loaded} (as ConfigMap ${holder.name} has it)`,
              },
            }
          : {}),
      },
    ];
  },
};
