import { K8sError } from '../errors.js';

/**
 * Kubernetes' protobuf encoding, read only as far as the review requests need: kubectl's `auth can-i`
 * and `auth whoami` send SelfSubjectAccessReview, SelfSubjectRulesReview and SelfSubjectReview bodies as
 * `application/vnd.kubernetes.protobuf` and do not fall back to JSON. The envelope is the 4-byte magic
 * `k8s\0` then a `runtime.Unknown` message (1: typeMeta, 2: raw); field numbers below are those of the
 * authorization.k8s.io/v1 generated.proto. `kubectl create configmap|secret|namespace` send their objects
 * the same way, so those three core kinds are read too (core/v1 and meta/v1 field numbers). Reads are bounded by the body (already size-limited) and
 * nesting is fixed by the schema, so the work is linear in the body's length.
 */

type Fields = Map<number, (Buffer | number)[]>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

function bad(): K8sError {
  return new K8sError('bad_request', 'error decoding body: malformed protobuf', { status: 400 });
}

/** The fields of one protobuf message: length-delimited values as Buffers, varints as numbers. */
function fields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw bad();
      const b = buf[i++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw bad();
  };
  while (i < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    let value: Buffer | number;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      if (i + len > buf.length) throw bad();
      value = buf.subarray(i, i + len);
      i += len;
    } else if (wire === 1) {
      i += 8;
      value = 0;
    } else if (wire === 5) {
      i += 4;
      value = 0;
    } else throw bad();
    if (i > buf.length) throw bad();
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

const text = (f: Fields, n: number): string | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
};
const message = (f: Fields, n: number): Fields | undefined => {
  const v = f.get(n)?.[0];
  return Buffer.isBuffer(v) ? fields(v) : undefined;
};

/** Whether a body is in Kubernetes' protobuf envelope. */
export function isKubeProtobuf(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(MAGIC);
}

/**
 * Reads a review request from Kubernetes' protobuf envelope into the JSON shape the JSON API takes
 * (`{kind, apiVersion, spec: {...}}`); other kinds are a 415, as this server speaks protobuf for no others.
 */
export function decodeReview(body: Buffer): Record<string, unknown> {
  if (!isKubeProtobuf(body)) throw bad();
  const unknown = fields(body.subarray(4));
  const typeMeta = message(unknown, 1);
  const apiVersion = typeMeta ? text(typeMeta, 1) : undefined;
  const kind = typeMeta ? text(typeMeta, 2) : undefined;
  const raw = unknown.get(2)?.[0];
  const obj = Buffer.isBuffer(raw) ? fields(raw) : new Map();
  const spec = message(obj, 2);
  if (kind === 'SelfSubjectAccessReview') {
    const ra = spec ? message(spec, 1) : undefined;
    const nra = spec ? message(spec, 2) : undefined;
    const pick = (f: Fields, names: Record<number, string>) =>
      Object.fromEntries(
        Object.entries(names)
          .map(([n, name]) => [name, text(f, Number(n))] as const)
          .filter(([, v]) => v !== undefined && v !== ''),
      );
    return {
      kind,
      apiVersion,
      spec: {
        ...(ra
          ? {
              resourceAttributes: pick(ra, {
                1: 'namespace',
                2: 'verb',
                3: 'group',
                4: 'version',
                5: 'resource',
                6: 'subresource',
                7: 'name',
              }),
            }
          : {}),
        ...(nra ? { nonResourceAttributes: pick(nra, { 1: 'path', 2: 'verb' }) } : {}),
      },
    };
  }
  if (kind === 'SelfSubjectRulesReview') {
    const namespace = spec ? text(spec, 1) : undefined;
    return { kind, apiVersion, spec: { ...(namespace ? { namespace } : {}) } };
  }
  if (kind === 'SelfSubjectReview') return { kind, apiVersion };
  throw new K8sError(
    'unsupported_media',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    { status: 415 },
  );
}

/** ObjectMeta (meta/v1) fields a client sets on create. */
function objectMeta(f: Fields | undefined): Record<string, unknown> {
  if (!f) return {};
  const out: Record<string, unknown> = {};
  for (const [n, name] of [
    [1, 'name'],
    [2, 'generateName'],
    [3, 'namespace'],
  ] as const) {
    const v = text(f, n);
    if (v) out[name] = v;
  }
  const labels = stringMap(f, 11, 'text');
  const annotations = stringMap(f, 12, 'text');
  if (Object.keys(labels).length) out['labels'] = labels;
  if (Object.keys(annotations).length) out['annotations'] = annotations;
  return out;
}

/** A protobuf `map<string, string|bytes>` (repeated entries of key 1, value 2); bytes as base64, as JSON has them. */
function stringMap(f: Fields, n: number, values: 'text' | 'base64'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of f.get(n) ?? []) {
    if (!Buffer.isBuffer(entry)) throw bad();
    const e = fields(entry);
    const k = text(e, 1) ?? '';
    const v = e.get(2)?.[0];
    const bytes = Buffer.isBuffer(v) ? v : Buffer.alloc(0);
    out[k] = values === 'text' ? bytes.toString('utf8') : bytes.toString('base64');
  }
  return out;
}

/** The core kinds whose protobuf create bodies are read (what kubectl's create generators send). */
export const PROTOBUF_KINDS = new Set(['ConfigMap', 'Secret', 'Namespace']);

/**
 * Reads a ConfigMap, Secret or Namespace sent as protobuf into its JSON form; any other kind is a 415.
 * Field numbers: ConfigMap 1 metadata, 2 data, 3 binaryData, 4 immutable; Secret 1 metadata, 2 data
 * (bytes), 3 type, 4 stringData, 5 immutable; Namespace 1 metadata.
 */
export function decodeObject(body: Buffer, kind: string): Record<string, unknown> {
  if (!isKubeProtobuf(body) || !PROTOBUF_KINDS.has(kind))
    throw new K8sError(
      'unsupported_media',
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
      { status: 415 },
    );
  const unknown = fields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  const obj = Buffer.isBuffer(raw) ? fields(raw) : new Map();
  const out: Record<string, unknown> = { kind, metadata: objectMeta(message(obj, 1)) };
  const bool = (n: number) => {
    const v = obj.get(n)?.[0];
    return typeof v === 'number' ? v !== 0 : undefined;
  };
  if (kind === 'ConfigMap') {
    const data = stringMap(obj, 2, 'text');
    const binaryData = stringMap(obj, 3, 'base64');
    if (Object.keys(data).length) out['data'] = data;
    if (Object.keys(binaryData).length) out['binaryData'] = binaryData;
    if (bool(4) !== undefined) out['immutable'] = bool(4);
  } else if (kind === 'Secret') {
    const data = stringMap(obj, 2, 'base64');
    const stringData = stringMap(obj, 4, 'text');
    if (Object.keys(data).length) out['data'] = data;
    const type = text(obj, 3);
    if (type) out['type'] = type;
    if (Object.keys(stringData).length) out['stringData'] = stringData;
    if (bool(5) !== undefined) out['immutable'] = bool(5);
  }
  return out;
}
