import { K8sError } from '../errors.js';

/**
 * Kubernetes' protobuf encoding, read only as far as the review requests need: kubectl's `auth can-i`
 * and `auth whoami` send SelfSubjectAccessReview, SelfSubjectRulesReview and SelfSubjectReview bodies as
 * `application/vnd.kubernetes.protobuf` and do not fall back to JSON. The envelope is the 4-byte magic
 * `k8s\0` then a `runtime.Unknown` message (1: typeMeta, 2: raw); field numbers below are those of the
 * authorization.k8s.io/v1 generated.proto. Reads are bounded by the body (already size-limited) and
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
