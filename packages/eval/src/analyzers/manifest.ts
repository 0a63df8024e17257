import { stringify as toYaml } from 'yaml';

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
