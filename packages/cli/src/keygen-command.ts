import { generateKeyPairSync } from 'node:crypto';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { traceKeyId } from '@sre-harness/core';
import { UsageError } from './verify-command.js';

/** Where `trace keygen` wrote the key pair, and the key's id as checkpoints name it. */
export interface KeygenResult {
  readonly privatePath: string;
  readonly publicPath: string;
  readonly keyId: string;
}

/**
 * Writes a new Ed25519 key pair as PEM: the private key (mode 0600) for `JsonlFileSink`'s
 * `signingKey`, the public key for `trace verify --key`. Refuses to overwrite unless `force`.
 */
export async function writeKeyPair(
  privatePath: string,
  publicPath: string,
  force = false,
): Promise<KeygenResult> {
  if (privatePath === publicPath) throw new UsageError('the private and public key need two different paths');
  if (!force)
    for (const path of [privatePath, publicPath]) {
      const exists = await access(path).then(
        () => true,
        () => false,
      );
      if (exists) throw new UsageError(`${path}: already exists (use --force to replace it)`);
    }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const flag = force ? 'w' : 'wx';
  for (const [path, text, mode] of [
    [privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600],
    [publicPath, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644],
  ] as const) {
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text, { flag, mode });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'EEXIST'
          ? `${path}: already exists (use --force to replace it)`
          : `${path}: cannot write (${code ?? String(e)})`,
      );
    }
  }
  return { privatePath, publicPath, keyId: traceKeyId(publicKey) };
}
