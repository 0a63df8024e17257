import { defineTool } from '@sre-harness/core';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import { findKind } from '../kinds.js';
import {
  defineBuiltinTool,
  dryNote,
  dryRunArg,
  hidden,
  nsArg,
  SECRET_NAME,
  show,
  writeOptions,
} from './tool-def.js';

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

/**
 * Plain scalars that YAML 1.1 (what kubectl and most people read manifests as) and YAML 1.2 (what this
 * tool parses) read differently: `0644` is 420 to kubectl and 644 here, `yes`/`on` are booleans there
 * and strings here, `1:30` is 90 there. The approver reads the text, so such a value must be quoted.
 */
const AMBIGUOUS = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/,
  /^[-+]?0[0-9_]+(?:\.[0-9_]*)?$/,
  /^[-+]?0[ob][0-9a-fA-F_]+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?$/,
];

/**
 * Walks a parsed document's nodes once, without recursion: refuses what would make the object differ
 * from the text an approver reads (tags, anchors, aliases, `<<` keys, duplicate keys, non-scalar keys,
 * plain values YAML 1.1 and 1.2 read differently) and nesting past the limit, naming the field. Linear
 * in the number of nodes (the YAML library's own duplicate-key check is quadratic in a map's size).
 */
function checkNodes(doc: Document.Parsed): void {
  const stack: [unknown, string, number][] = [[doc.contents, '', 1]];
  const at = (path: string) => path || '(top level)';
  while (stack.length > 0) {
    const [node, path, depth] = stack.pop()!;
    if (isAlias(node)) throw invalid(at(path), 'uses an alias (*name); aliases are not accepted');
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue;
    if (node.anchor) throw invalid(at(path), `has an anchor (&${node.anchor}); anchors are not accepted`);
    if (node.tag)
      throw invalid(at(path), `has the tag ${node.tag}; tags are not accepted (write the value itself)`);
    if (isScalar(node)) {
      const source = typeof node.source === 'string' ? node.source : '';
      if (node.type === 'PLAIN' && AMBIGUOUS.some((re) => re.test(source)))
        throw invalid(
          at(path),
          `the unquoted value ${source} reads differently in YAML 1.1 (kubectl) and YAML 1.2; quote it ("${source}") or write it unambiguously`,
        );
      continue;
    }
    if (depth > MAX_MANIFEST_DEPTH)
      throw invalid(at(path), `nested deeper than ${MAX_MANIFEST_DEPTH} levels`);
    if (isSeq(node)) {
      node.items.forEach((item, i) => {
        stack.push([item, `${path}[${i}]`, depth + 1]);
      });
      continue;
    }
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key))
        throw invalid(at(path), 'has a key that is not a plain name (complex keys are not accepted)');
      const k = pair.key;
      const key = String(k.value);
      const keyPath = path ? `${path}.${key}` : key;
      if (k.anchor || k.tag) throw invalid(keyPath, 'has a key with an anchor or tag; they are not accepted');
      if (k.type === 'PLAIN' && key === '<<')
        throw invalid(keyPath, 'is a merge key (<<); merge keys are not accepted, write the fields out');
      if (k.type === 'PLAIN' && AMBIGUOUS.some((re) => re.test(String(k.source ?? ''))))
        throw invalid(
          keyPath,
          'is an unquoted key that YAML 1.1 (kubectl) and YAML 1.2 read differently; quote it',
        );
      if (seen.has(key)) throw invalid(keyPath, 'appears twice (duplicate keys are not accepted)');
      seen.add(key);
      stack.push([pair.value, keyPath, depth + 1]);
    }
  }
}

/** Parses one object from YAML or JSON text, bounded in size, depth and aliases. */
export function parseManifest(text: string): KubeObject {
  if (Buffer.byteLength(text, 'utf8') > MAX_MANIFEST_BYTES)
    throw invalid('', `larger than ${MAX_MANIFEST_BYTES} bytes`);
  if (flowDepth(text) > MAX_MANIFEST_DEPTH)
    throw invalid('', `nested deeper than ${MAX_MANIFEST_DEPTH} levels`);
  // Duplicate keys are found by checkNodes, in linear time.
  const docs = parseAllDocuments(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: false });
  if (!Array.isArray(docs)) throw invalid('', 'is empty');
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length !== 1)
    throw invalid(
      '',
      `must hold exactly one object; it holds ${nonEmpty.length} documents (apply them one at a time)`,
    );
  const doc = nonEmpty[0]!;
  const error = doc.errors[0] ?? doc.warnings[0];
  if (error) throw invalid('', `is not valid YAML or JSON: ${error.message.split('\n')[0]}`);
  checkNodes(doc);
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
  if (info.kind === 'RoleBinding') checkSubjects(obj['subjects'], namespace);
  if (info.kind === 'Deployment') checkPodSpec(obj);
  if (info.kind === 'Service') checkService(obj);
  if (info.kind === 'PersistentVolumeClaim') checkClaim(obj, namespace);
  const { status, ...rest } = obj;
  if (status !== undefined) dropped.push('status');
  return { object: { ...rest, metadata } as KubeObject, dropped };
}

/**
 * A RoleBinding may only name identities of its own namespace: a service account of another namespace,
 * or a system group or user (every authenticated client, every service account, anonymous), would let
 * something outside the namespace act in it.
 */
function checkSubjects(subjects: unknown, namespace: string): void {
  if (subjects === undefined) return;
  if (!Array.isArray(subjects)) throw invalid('subjects', 'must be a list');
  subjects.forEach((s: unknown, i) => {
    const at = `subjects[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw invalid(at, 'must be an object');
    const { kind, name, namespace: ns } = s as Record<string, unknown>;
    if (typeof name !== 'string') throw invalid(`${at}.name`, 'is required');
    if (kind === 'ServiceAccount') {
      if (ns !== namespace)
        throw invalid(
          `${at}.namespace`,
          `${show(ns)}: a service account bound here must be one of namespace "${namespace}"`,
        );
      return;
    }
    if (kind !== 'User' && kind !== 'Group')
      throw invalid(`${at}.kind`, `${show(kind)} is not ServiceAccount, User or Group`);
    if (ns !== undefined) throw invalid(`${at}.namespace`, `a ${kind} has no namespace`);
    const own =
      kind === 'Group' ? `system:serviceaccounts:${namespace}` : `system:serviceaccount:${namespace}:`;
    const ownOk = kind === 'Group' ? name === own : name.startsWith(own);
    if (name.startsWith('system:') && !ownOk)
      throw invalid(
        `${at}.name`,
        `${show(name)} names identities outside namespace "${namespace}" (system users and groups are not bound by this tool)`,
      );
  });
}

/**
 * A Deployment's pods may not reach past the namespace onto their node: no host network, PID or IPC
 * namespace, no hostPath volume, no privileged container.
 */
function checkPodSpec(obj: KubeObject): void {
  const spec = (obj['spec'] as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  if (typeof spec !== 'object' || spec === null) return;
  const at = 'spec.template.spec';
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const)
    if (spec[f] === true)
      throw invalid(`${at}.${f}`, "is not accepted: the pods would share their node's namespaces");
  const volumes = Array.isArray(spec['volumes']) ? (spec['volumes'] as Record<string, unknown>[]) : [];
  volumes.forEach((v, i) => {
    if (typeof v === 'object' && v !== null && 'hostPath' in v)
      throw invalid(`${at}.volumes[${i}].hostPath`, "is not accepted: it mounts the node's files");
  });
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const cs = Array.isArray(spec[list]) ? (spec[list] as Record<string, unknown>[]) : [];
    cs.forEach((c, i) => {
      const sc = (typeof c === 'object' && c !== null ? c['securityContext'] : undefined) as
        | Record<string, unknown>
        | undefined;
      if (sc?.['privileged'] === true)
        throw invalid(`${at}.${list}[${i}].securityContext`, 'privileged containers are not accepted');
      const add = (sc?.['capabilities'] as { add?: unknown } | undefined)?.add;
      if (
        Array.isArray(add) &&
        add.some((cap) => /^(CAP_)?(SYS_ADMIN|ALL|NET_ADMIN|SYS_PTRACE)$/i.test(String(cap)))
      )
        throw invalid(`${at}.${list}[${i}].securityContext.capabilities.add`, `${show(add)} is not accepted`);
    });
  }
}

/**
 * A Service may not take traffic meant for addresses outside its namespace: `externalIPs` makes every
 * node forward traffic for those IPs to it, whoever else serves them (CVE-2020-8554).
 */
function checkService(obj: KubeObject): void {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  const ips = spec?.['externalIPs'];
  if (ips !== undefined && !(Array.isArray(ips) && ips.length === 0))
    throw invalid(
      'spec.externalIPs',
      'is not accepted: nodes would route traffic for those addresses to this service, whatever else serves them',
    );
}

/**
 * A claim may not bind a volume by name (a cluster-scoped PersistentVolume, perhaps another namespace's
 * released data) nor fill itself from another namespace's claim or snapshot.
 */
function checkClaim(obj: KubeObject, namespace: string): void {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  if (spec?.['volumeName'] !== undefined)
    throw invalid(
      'spec.volumeName',
      'is not accepted: it binds an existing cluster-wide volume by name; let the claim be provisioned',
    );
  const ref = spec?.['dataSourceRef'] as { namespace?: unknown } | undefined;
  if (ref?.namespace !== undefined && ref.namespace !== namespace)
    throw invalid('spec.dataSourceRef.namespace', `${show(ref.namespace)} is not namespace "${namespace}"`);
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
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    // A value under a secret's name is not shown: the redactor would not know it apart from its name.
    const name = path.slice(path.lastIndexOf('.') + 1);
    if (SECRET_NAME.test(name))
      out.push(
        `${path} ${a === undefined ? '<unset>' : hidden(a)} -> ${b === undefined ? '<unset>' : hidden(b)}`,
      );
    else out.push(`${path} ${show(a)} -> ${show(b)}`);
  };
  walk(pick(before), pick(after), '');
  return out.filter((l) => !l.startsWith('metadata.annotations.deployment.kubernetes.io/revision '));
}

/** `apply_manifest`: creates or server-side applies one namespaced object from YAML or JSON. */
export const applyManifest = defineBuiltinTool({
  name: 'apply_manifest',
  mutating: true,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description: `Create or apply (server-side apply) one object from a YAML or JSON manifest in a namespace, e.g. a missing PersistentVolumeClaim, ConfigMap or Service. Kinds: ${APPLY_KINDS.join(', ')}. The answer lists what changed (before -> after).`,
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
