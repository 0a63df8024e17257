import { ageSeconds } from '../baseline/reading.js';
import { type Analyzer, allPodsReady, flat, outputs } from './types.js';

const CERTIFICATE = /^certificates?$/i;
const REQUEST = /^certificaterequests?$/i;
/** A renewal recent enough to be what the person noticed (a week). */
const RECENT_SECONDS = 7 * 24 * 3600;

/** The annotations of a described object (`Annotations:  a=b,c=d`), by key. */
function annotations(text: string): Map<string, string> {
  const line = /^Annotations:\s+(.{0,4000})$/m.exec(text)?.[1] ?? '';
  const out = new Map<string, string>();
  for (const pair of line.split(',').slice(0, 100)) {
    const at = pair.indexOf('=');
    if (at > 0) out.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return out;
}

/** The Ready condition of a described cert-manager object, as `conditions[i].type: Ready` and its status. */
function readyStatus(text: string): { status?: string; reason?: string; message?: string } {
  for (let i = 0; i < 8; i++) {
    if (flat(text, `conditions[${i}].type`) !== 'Ready') continue;
    const status = flat(text, `conditions[${i}].status`);
    const reason = flat(text, `conditions[${i}].reason`);
    const message = flat(text, `conditions[${i}].message`);
    return { ...(status ? { status } : {}), ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  }
  return {};
}

/**
 * A cert-manager Certificate that is Ready and whose latest revision was issued within the week: the
 * certificate was renewed. cert-manager renews at renewalTime (by default two thirds through the
 * certificate's life) with a new CertificateRequest numbered by the Certificate's revision, and writes
 * the new certificate (and, with `privateKey.rotationPolicy: Always`, a new key) into the Certificate's
 * Secret (cert-manager.io, "Certificate resource: renewal" and "CertificateRequest"). So a Secret that
 * changed without a change request is the renewal, expected. A note, only where the namespace's pods
 * are healthy.
 */
export const certificateRenewedAnalyzer: Analyzer = {
  name: 'certificate-renewed',
  reads: () => [],
  finds: () => [],
  notes({ ns, seen }): string[] {
    if (allPodsReady(seen, ns) === false) return [];
    for (const c of outputs(
      seen,
      'describe_resource',
      (o) => CERTIFICATE.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    )) {
      const name = String(c.args['name']);
      const revision = flat(c.content, 'revision');
      if (!revision || readyStatus(c.content).status !== 'True') continue;
      const request = outputs(
        seen,
        'describe_resource',
        (o) =>
          REQUEST.test(String(o.args['kind'])) &&
          o.args['namespace'] === ns &&
          annotations(o.content).get('cert-manager.io/certificate-name') === name &&
          annotations(o.content).get('cert-manager.io/certificate-revision') === revision,
      ).pop();
      if (!request) continue;
      const issued = readyStatus(request.content);
      const age = /^Age:\s+(\S{1,20})/m.exec(request.content)?.[1];
      const seconds = age ? ageSeconds(age) : undefined;
      if (issued.status !== 'True' || seconds === undefined || seconds > RECENT_SECONDS) continue;
      const secret = flat(c.content, 'secretName') ?? name;
      const rotates = flat(c.content, 'privateKey.rotationPolicy') === 'Always';
      const notBefore = flat(c.content, 'notBefore');
      const notAfter = flat(c.content, 'notAfter');
      const next = flat(c.content, 'renewalTime');
      return [
        `cert-manager renewed certificate ${name} on its schedule: revision ${revision} was issued ${age} ago (CertificateRequest ${String(request.args['name'])}: ${issued.reason ?? 'Ready'}${issued.message ? `, "${issued.message}"` : ''})${notBefore && notAfter ? `, valid from ${notBefore} to ${notAfter}` : ''}, and the Certificate is Ready${next ? `; the next renewal is due at ${next}` : ''}. A renewal writes the new certificate${rotates ? ' and, with privateKey.rotationPolicy Always, a new private key' : ''} into Secret ${secret}, so that Secret changing without a change request is cert-manager doing its job, not tampering: it is expected, nothing is broken and no action is needed`,
      ];
    }
    return [];
  },
};
