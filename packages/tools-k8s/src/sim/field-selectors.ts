import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';

/** One requirement of a field selector: `field=value`, `field==value` or `field!=value`. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Longest field selector accepted, in characters (the whole query string is bounded by the URL too). */
const MAX_SELECTOR = 4096;

/**
 * The field labels each kind supports, as the Kubernetes API server registers them (every kind has
 * `metadata.name` and `metadata.namespace`); a selector on any other field is a 400
 * `field label not supported: <field>`, as Kubernetes answers. Values map a field label to how it is
 * read from the object (dotted path).
 */
const FIELDS: Record<string, Record<string, string>> = {
  Pod: {
    'spec.nodeName': 'spec.nodeName',
    'spec.restartPolicy': 'spec.restartPolicy',
    'spec.schedulerName': 'spec.schedulerName',
    'spec.serviceAccountName': 'spec.serviceAccountName',
    'spec.hostNetwork': 'spec.hostNetwork',
    'status.phase': 'status.phase',
    'status.podIP': 'status.podIP',
    'status.nominatedNodeName': 'status.nominatedNodeName',
  },
  Event: {
    'involvedObject.kind': 'involvedObject.kind',
    'involvedObject.namespace': 'involvedObject.namespace',
    'involvedObject.name': 'involvedObject.name',
    'involvedObject.uid': 'involvedObject.uid',
    'involvedObject.apiVersion': 'involvedObject.apiVersion',
    'involvedObject.resourceVersion': 'involvedObject.resourceVersion',
    'involvedObject.fieldPath': 'involvedObject.fieldPath',
    reason: 'reason',
    reportingComponent: 'reportingComponent',
    source: 'source.component',
    type: 'type',
  },
  Node: { 'spec.unschedulable': 'spec.unschedulable' },
  Namespace: { 'status.phase': 'status.phase' },
  Secret: { type: 'type' },
  ReplicaSet: { 'status.replicas': 'status.replicas' },
  Job: { 'status.successful': 'status.successful' },
  Service: { 'spec.clusterIP': 'spec.clusterIP', 'spec.type': 'spec.type' },
};

/**
 * Parses a field selector (`a=b,c!=d`, as `fields.ParseSelector` reads it; no set-based forms) and
 * checks every field label against what `kind` supports. Linear in the selector's length (no regular
 * expressions). A malformed selector or an unsupported field is a 400 BadRequest with Kubernetes' wording.
 */
export function parseFieldSelector(selector: string, kind: string): FieldRequirement[] {
  if (selector.length > MAX_SELECTOR)
    throw new K8sError('bad_request', `field selector longer than ${MAX_SELECTOR} characters`, {
      status: 400,
    });
  const out: FieldRequirement[] = [];
  for (const raw of selector.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    let field: string;
    let op: '=' | '!=';
    let value: string;
    const ne = part.indexOf('!=');
    const eq = part.indexOf('=');
    if (ne >= 0 && ne < eq) {
      field = part.slice(0, ne);
      op = '!=';
      value = part.slice(ne + 2);
    } else if (eq >= 0) {
      field = part.slice(0, eq);
      op = '=';
      value = part.slice(part.startsWith('==', eq) ? eq + 2 : eq + 1);
    } else {
      throw new K8sError('bad_request', `invalid selector: '${selector}'; can't understand '${part}'`, {
        status: 400,
      });
    }
    field = field.trim();
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !FIELDS[kind]?.[field])
      throw new K8sError('bad_request', `field label not supported: ${field}`, { status: 400 });
    out.push({ field, op, value: value.trim() });
  }
  return out;
}

/** Whether an object of `kind` meets every requirement (a missing field reads as the empty string). */
export function matchesFields(obj: KubeObject, kind: string, reqs: readonly FieldRequirement[]): boolean {
  for (const r of reqs) {
    const path = FIELDS[kind]?.[r.field] ?? r.field;
    let cur: unknown = obj;
    for (const part of path.split('.')) {
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
    }
    const text = cur === undefined || cur === null ? '' : String(cur);
    if ((r.op === '!=') === (text === r.value)) return false;
  }
  return true;
}
