import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { SeenObservation } from '../observations.js';
import { outputs } from './types.js';

/** Longest `get_resource` text parsed by default (UTF-16 units): a ConfigMap with a few files. */
const MAX_READ = 200_000;

/**
 * An object's YAML as `get_resource` printed it, parsed: `undefined` when the text is longer than `max`
 * UTF-16 units (checked before parsing), is not YAML, or is not a mapping. Never throws.
 */
export function parsedObject<T extends object>(content: string, max: number = MAX_READ): T | undefined {
  if (content.length > max) return undefined;
  try {
    const doc = parseYaml(content) as unknown;
    return doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The last successful `get_resource` of one object, parsed by {@link parsedObject}: `kind` and
 * `namespace` left out match any read of that name.
 */
export function readBack<T extends object>(
  seen: readonly SeenObservation[],
  want: { readonly kind?: string; readonly name: string; readonly namespace?: string },
  max: number = MAX_READ,
): T | undefined {
  const read = outputs(
    seen,
    'get_resource',
    (o) =>
      o.args['name'] === want.name &&
      (want.kind === undefined || o.args['kind'] === want.kind) &&
      (want.namespace === undefined || o.args['namespace'] === want.namespace),
  ).pop();
  return read === undefined ? undefined : parsedObject<T>(read.content, max);
}

/**
 * The manifest that applies a stored object back after a change to it: the object as `get_resource`
 * printed it, its metadata cut to what a manifest sets (name, namespace, labels, annotations; the
 * server's uid, resourceVersion, creationTimestamp and managedFields left out) and its status dropped,
 * as YAML for `apply_manifest`.
 */
export function appliedBack(doc: object): string {
  const meta = ((doc as { metadata?: unknown }).metadata ?? {}) as Record<string, unknown>;
  const kept: Record<string, unknown> = { name: meta['name'], namespace: meta['namespace'] };
  if (meta['labels']) kept['labels'] = meta['labels'];
  if (meta['annotations']) kept['annotations'] = meta['annotations'];
  return toYaml({ ...doc, metadata: kept, status: undefined });
}

/** What the rules read of a pod template's spec (Kubernetes' PodSpec fields of those names). */
export interface PodTemplateSpec {
  readonly containers?: readonly {
    readonly name?: string;
    readonly image?: string;
    readonly lifecycle?: { readonly preStop?: unknown };
  }[];
  readonly terminationGracePeriodSeconds?: number;
  readonly dnsConfig?: { readonly searches?: readonly unknown[] };
}

/**
 * Deployment `name`'s pod template spec (`spec.template.spec`) from its last `get_resource` in `namespace`,
 * parsed by {@link parsedObject}; `read` says whether any such read was made (a text that does not parse
 * gives `read` true and no spec).
 */
export function deploymentTemplate(
  seen: readonly SeenObservation[],
  name: string,
  namespace: string,
): { read: boolean; spec?: PodTemplateSpec } {
  const read = outputs(
    seen,
    'get_resource',
    (o) =>
      /^deployments?$/i.test(String(o.args['kind'])) &&
      o.args['name'] === name &&
      o.args['namespace'] === namespace,
  ).pop();
  if (!read) return { read: false };
  const doc = parsedObject<{ spec?: { template?: { spec?: PodTemplateSpec } } }>(read.content);
  const spec = doc?.spec?.template?.spec;
  return spec && typeof spec === 'object' ? { read: true, spec } : { read: true };
}
