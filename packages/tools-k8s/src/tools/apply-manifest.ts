import { defineTool } from '@sre-harness/core';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import { findKind } from '../kinds.js';
import { defineK8sTool, dryNote, dryRunArg, nsArg, show, writeOptions } from './tool-def.js';

/** Most bytes of a manifest, checked before it is parsed. */
export const MAX_MANIFEST_BYTES = 64 * 1024;
/** Deepest nesting of a manifest's values (objects and lists), checked before and after parsing. */
export const MAX_MANIFEST_DEPTH = 32;

/**
 * The kinds `apply_manifest` creates or applies: namespaced objects an incident's fix may need. Not
 * Secrets (their values would pass through the model and the trace), not Pods (nothing would replace
 * one), not cluster-scoped kinds (outside any namespace the agent acts on), not custom resources.
 */
export const APPLY_KINDS: readonly string[] = [
  'ConfigMap',
  'Service',
  'ServiceAccount',
  'PersistentVolumeClaim',
  'Deployment',
  'Role',
  'RoleBinding',
  'NetworkPolicy',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
];

const input = z.strictObject({
  namespace: nsArg.describe(
    'The namespace the object goes to; the manifest may leave metadata.namespace out or name this one',
  ),
  manifest: z
    .string()
    .min(1)
    .max(MAX_MANIFEST_BYTES)
    .describe(
      `One object as YAML or JSON (at most ${MAX_MANIFEST_BYTES / 1024} KiB), of kind ${APPLY_KINDS.join(', ')}`,
    ),
  mode: z
    .enum(['apply', 'create'])
    .default('apply')
    .describe(
      'apply: server-side apply (creates the object, or merges the fields given into the existing one); create: only create it, failing when it exists',
    ),
  dryRun: dryRunArg,
});

const invalid = (field: string, message: string) =>
  new K8sError('invalid', `manifest ${field}: ${message}`, { status: 422 });

/** The deepest nesting of `[`/`{` in flow style, read before parsing (quotes are not skipped: it only errs on the safe side). */
function flowDepth(text: string): number {
  let depth = 0;
  let most = 0;
  for (const ch of text) {
    if (ch === '[' || ch === '{') most = Math.max(most, ++depth);
    else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return most;
}

/** The nesting depth of a parsed value, without recursion. */
function depthOf(value: unknown): number {
  let most = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    most = Math.max(most, d + 1);
    if (most > MAX_MANIFEST_DEPTH) return most;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return most;
}

/** Parses one object from YAML or JSON text, bounded in size, depth and aliases. */
export function parseManifest(text: string): KubeObject {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES)
    throw invalid('', `larger than ${MAX_MANIFEST_BYTES} bytes`);
  if (flowDepth(text) > MAX_MANIFEST_DEPTH)
    throw invalid('', `nested deeper than ${MAX_MANIFEST_DEPTH} levels`);
  const docs = parseAllDocuments(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true });
  if (!Array.isArray(docs)) throw invalid('', 'is empty');
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length !== 1)
    throw invalid(
      '',
      `must hold exactly one object; it holds ${nonEmpty.length} documents (apply them one at a time)`,
    );
  const doc = nonEmpty[0]!;
  const error = doc.errors[0];
  if (error) throw invalid('', `is not valid YAML or JSON: ${error.message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    throw invalid(
      '',
      `cannot be read: ${String((e as Error)?.message ?? e).split('\n')[0]} (aliases are not accepted)`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('', 'must be one object (a mapping with apiVersion, kind and metadata)');
  if (depthOf(value) > MAX_MANIFEST_DEPTH)
    throw invalid('', `nested deeper than ${MAX_MANIFEST_DEPTH} levels`);
  return value as KubeObject;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SERVER_FIELDS = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
];

/** Checks a parsed object and returns it ready to send (server fields and status dropped), or throws naming the field. */
export function checkManifest(obj: KubeObject, namespace: string): { object: KubeObject; dropped: string[] } {
  if (typeof obj.kind !== 'string' || obj.kind === '') throw invalid('kind', 'is required');
  const info = findKind(obj.kind);
  if (!info || info.kind !== obj.kind || !APPLY_KINDS.includes(info.kind))
    throw invalid(
      'kind',
      `${JSON.stringify(obj.kind)} is not one this tool applies (${APPLY_KINDS.join(', ')})`,
    );
  if (obj.apiVersion !== info.apiVersion)
    throw invalid(
      'apiVersion',
      `${show(obj.apiVersion)} is not the version of ${info.kind} (${info.apiVersion})`,
    );
  const meta = obj.metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw invalid('metadata', 'is required');
  if (meta.generateName !== undefined)
    throw invalid('metadata.generateName', 'is not accepted; give metadata.name');
  if (typeof meta.name !== 'string' || !NAME.test(meta.name) || meta.name.length > 253)
    throw invalid('metadata.name', `${show(meta.name)} is not a valid object name`);
  if (meta.namespace !== undefined && meta.namespace !== namespace)
    throw invalid(
      'metadata.namespace',
      `${show(meta.namespace)} differs from the namespace argument "${namespace}"; an object is applied to the namespace the call names`,
    );
  for (const key of ['labels', 'annotations'] as const) {
    const m = meta[key];
    if (m === undefined) continue;
    if (
      typeof m !== 'object' ||
      m === null ||
      Array.isArray(m) ||
      Object.values(m).some((v) => typeof v !== 'string')
    )
      throw invalid(`metadata.${key}`, 'must map names to strings');
  }
  const dropped: string[] = [];
  const metadata: Record<string, unknown> = { ...meta, namespace };
  for (const f of SERVER_FIELDS) {
    if (f in metadata) {
      delete metadata[f];
      dropped.push(`metadata.${f}`);
    }
  }
  if ('ownerReferences' in metadata) throw invalid('metadata.ownerReferences', 'is not accepted');
  const { status, ...rest } = obj;
  if (status !== undefined) dropped.push('status');
  return { object: { ...rest, metadata } as KubeObject, dropped };
}

/** Leaf paths whose values differ between two objects (metadata: labels and annotations only; no status). */
function differences(before: KubeObject, after: KubeObject): string[] {
  const pick = (o: KubeObject) => {
    const { metadata, status: _s, ...rest } = o;
    return {
      ...rest,
      metadata: { labels: metadata?.labels ?? {}, annotations: metadata?.annotations ?? {} },
    };
  };
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length > 40) return;
    const objA = typeof a === 'object' && a !== null && !Array.isArray(a);
    const objB = typeof b === 'object' && b !== null && !Array.isArray(b);
    if (objA && objB) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort())
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path} ${show(a)} -> ${show(b)}`);
  };
  walk(pick(before), pick(after), '');
  return out.filter((l) => !l.startsWith('metadata.annotations.deployment.kubernetes.io/revision '));
}

/** `apply_manifest`: creates or server-side applies one namespaced object from YAML or JSON. */
export const applyManifest = defineK8sTool({
  name: 'apply_manifest',
  mutating: true,
  build: (ctx) =>
    defineTool({
      name: 'apply_manifest',
      description: `Create or apply (server-side apply) one object from a YAML or JSON manifest in a namespace, e.g. a missing PersistentVolumeClaim, ConfigMap or Service. Kinds: ${APPLY_KINDS.join(', ')}. The answer lists what changed (before -> after).`,
      mutating: true,
      input,
      async execute({ namespace, manifest, mode, dryRun }, { signal }) {
        ctx.checkNs(namespace);
        const { object, dropped } = checkManifest(parseManifest(manifest), namespace);
        const view = ctx.on(signal);
        const options = writeOptions(view.c, ctx, dryRun);
        const info = await view.kind(object.kind ?? '');
        ctx.checkScope(info);
        const name = object.metadata?.name ?? '';
        const ref = { kind: info.kind, apiVersion: info.apiVersion, name, namespace };
        let before: KubeObject | undefined;
        try {
          before = await view.c.get(ref);
        } catch (error) {
          if (!K8sError.isInstance(error) || error.code !== 'not_found') throw error;
        }
        const label = `${info.plural}/${name}`;
        if (mode === 'create' && before)
          throw new K8sError(
            'already_exists',
            `${label} already exists in namespace "${namespace}" (mode create only creates)`,
            {
              status: 409,
            },
          );
        const send = mode === 'create' ? view.c.create : view.c.apply;
        if (!send)
          throw new K8sError('bad_request', `mode: this cluster connection cannot ${mode} objects`, {
            status: 400,
          });
        const after = await send.call(view.c, object, options);
        const note = dropped.length ? ` (ignored server-set fields: ${dropped.join(', ')})` : '';
        const dry = options.dryRun;
        if (!before)
          return `${view.out(`${label} ${dry ? 'would be created' : 'created'} in namespace ${namespace}${note}`)}${dryNote(dry)}`;
        const diff = differences(before, after);
        if (diff.length === 0) return `${view.out(`${label} unchanged${note}`)}${dryNote(dry)}`;
        return `${view.out(`${label} ${dry ? 'would be configured' : 'configured'}: ${diff.slice(0, 40).join('; ')}${diff.length > 40 ? '; …' : ''}${note}`)}${dryNote(dry)}`;
      },
    }),
});
