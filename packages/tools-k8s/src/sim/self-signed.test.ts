import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedLoopbackCertificate } from './self-signed.js';

describe('selfSignedLoopbackCertificate', () => {
  it('always encodes a certificate OpenSSL reads (a random serial never gets DER padding)', () => {
    // Before the fix about 1 in 256 serials began with a zero byte, which OpenSSL refuses as
    // "illegal padding": the simulated API server then failed to start, now and then.
    for (let i = 0; i < 1500; i++) {
      const { cert } = selfSignedLoopbackCertificate('sre-harness-sim');
      const x = new X509Certificate(cert);
      expect(x.checkHost('localhost')).toBe('localhost');
      expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    }
  });
});
