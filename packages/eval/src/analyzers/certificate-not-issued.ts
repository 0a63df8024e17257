import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  clipAround,
  type Finding,
  flat,
  outputs,
  type Read,
} from './types.js';

const CERT = /^certificates?$/i;
/** The scan's and the analyzers' words for an ingress whose TLS secret does not exist. */
const MISSING_SECRET = /names TLS secret ([a-z0-9][a-z0-9.-]{0,252}), which does not exist/;

/** TLS secrets that ingresses name and that do not exist, from what the scan reported. */
function missingSecrets({ seen, ns }: AnalyzerContext): string[] {
  const out = new Set<string>();
  for (const o of outputs(
    seen,
    'scan',
    (x) => x.args['namespace'] === ns || x.args['namespace'] === undefined,
  ))
    for (const m of o.content.matchAll(new RegExp(MISSING_SECRET, 'g'))) out.add(m[1]!);
  return [...out];
}

/** What cert-manager says of a Certificate that is not Ready: its failing conditions' messages. */
export function failing(describe: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const status = flat(describe, `conditions[${i}].status`);
    if (status === undefined) break;
    const message = flat(describe, `conditions[${i}].message`);
    if (status === 'False' && message) out.push(message);
  }
  return out;
}

/**
 * Why cert-manager has not issued the TLS secret an ingress names: the Certificate that writes that
 * secret (its spec.secretName) says so in its conditions (cert-manager.io, "Certificate resource":
 * the Ready and Issuing conditions carry the failing order's or request's message), e.g. an ACME order
 * refused by Let's Encrypt's rate limit for new certificates per registered domain (50 a week,
 * letsencrypt.org/docs/rate-limits). Once the scan reports the missing secret, the namespace's
 * Certificates are listed and those not Ready described (at most two).
 */
export const certificateNotIssuedAnalyzer: Analyzer = {
  name: 'certificate-not-issued',
  early: true,
  reads(ctx) {
    if (missingSecrets(ctx).length === 0) return [];
    const listed = outputs(
      ctx.seen,
      'list_resources',
      (o) => CERT.test(String(o.args['kind'])) && o.args['namespace'] === ctx.ns,
    ).pop();
    if (!listed) return [{ tool: 'list_resources', args: { kind: 'Certificate', namespace: ctx.ns } }];
    return parseTable(listed.content)
      .filter((r) => r['NAME'] && !/Ready=True/.test(r['STATUS'] ?? ''))
      .slice(0, 2)
      .map(
        (r): Read => ({
          tool: 'describe_resource',
          args: { kind: 'Certificate', name: r['NAME'], namespace: ctx.ns },
        }),
      );
  },
  finds(ctx) {
    const secrets = missingSecrets(ctx);
    if (secrets.length === 0) return [];
    for (const o of outputs(
      ctx.seen,
      'describe_resource',
      (x) => CERT.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
    )) {
      const secret = flat(o.content, 'secretName');
      if (!secret || !secrets.includes(secret)) continue;
      const said = failing(o.content);
      const why = said.find((m) => !/does not exist|Issuing certificate as Secret/i.test(m)) ?? said[0];
      if (!why) continue;
      const name = String(o.args['name'] ?? '');
      const domain = /already issued for \\?"?([a-z0-9.-]{1,253})\\?"?/i.exec(why)?.[1];
      const limited = /rateLimited|too many certificates|rate limit/i.test(why);
      const out: Finding = {
        weight: 89,
        object: `certificate ${name}`,
        cause: `cert-manager has not issued the TLS secret ${secret} because its Certificate ${name} fails: "${limited ? clipAround(why, /too many/i.test(why) ? 'too many' : 'rateLimited', 260) : clip(why, 260)}"${
          limited
            ? `. That is the ACME server's rate limit: Let's Encrypt issues at most 50 certificates per registered domain${domain ? ` (${domain})` : ''} a week, and other certificates under the same registered domain (per-branch or preview environments) used them up, so every new order is refused until the window passes; retrying sooner does not help`
            : ''
        }; without the secret the ingress controller serves its default (fake) certificate`,
        evidence: [`describe_resource Certificate ${name}: secretName ${secret}; ${clip(why, 200)}`],
        advice: limited
          ? `wait for the rate limit window (the message's "retry after" time), and stop the bulk issuance: give preview environments a wildcard certificate or a subdomain issued once, or use the Let's Encrypt staging issuer for them`
          : `fix what the Certificate's condition says, then cert-manager retries the issuance`,
      };
      return [out];
    }
    return [];
  },
};
