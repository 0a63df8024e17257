import { createHash, createPrivateKey, createPublicKey, hash, type KeyObject } from 'node:crypto';
import { describeError, HarnessError } from './errors.js';

/**
 * sha256 of a line's text (UTF-8) as written before its `hash` member, in the form trace files use.
 * One-shot `crypto.hash` (Node 20.12+): the same digest as `createHash().update().digest()`, at a
 * fifth of the cost for the short texts of trace lines (a hash object per line was 2 % of an eval).
 */
export function lineHash(text: string): string {
  return `sha256:${hash('sha256', text, 'hex')}`;
}

/** The `hash` member every chained trace line ends with. */
export const LINE_HASH_SUFFIX = /,"hash":"(sha256:[0-9a-f]{64})"\}$/;

/** The `sig` member a signed checkpoint carries just before its `hash`; group 1 is the signed text. */
export const CHECKPOINT_SIG_SUFFIX = /^(.*),"sig":"([A-Za-z0-9+/=]*)","hash":"sha256:[0-9a-f]{64}"\}$/;

/** A short, stable name for a public key: the first 16 hex digits of sha256 over its SPKI DER form. */
export function traceKeyId(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** An Ed25519 key from a KeyObject or PEM text, checked; `invalid_option` names what is wrong. */
export function ed25519Key(
  key: KeyObject | string | Buffer,
  type: 'private' | 'public',
  what: string,
): KeyObject {
  let k: KeyObject;
  try {
    if (typeof key === 'string' || Buffer.isBuffer(key))
      k = type === 'private' ? createPrivateKey(key) : createPublicKey(key);
    else k = key;
  } catch (cause) {
    throw new HarnessError('invalid_option', `${what}: not a PEM ${type} key (${describeError(cause)})`, {
      cause,
    });
  }
  if (k.asymmetricKeyType !== 'ed25519')
    throw new HarnessError(
      'invalid_option',
      `${what}: an Ed25519 key is required, got ${k.asymmetricKeyType ?? k.type}`,
    );
  if (type === 'public' && k.type === 'private') return createPublicKey(k);
  if (k.type !== type)
    throw new HarnessError('invalid_option', `${what}: a ${type} key is required, got a ${k.type} key`);
  return k;
}
