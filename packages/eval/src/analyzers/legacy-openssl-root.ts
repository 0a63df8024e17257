import { type Analyzer, bonus, clip, type Finding, outputs, type Read, searchFirstLog } from './types.js';

/** An expired-certificate failure as OpenSSL and the clients over it (curl, PHP, Python, Ruby) word it. */
const EXPIRED = /certificate has expired|certificate expired|CERT_HAS_EXPIRED|X509_V_ERR_CERT_HAS_EXPIRED/i;
/** The program's own report of an OpenSSL 1.0.x library (curl's version line, a start-up banner). */
const OPENSSL_10 = /\bOpenSSL[/ ]1\.0\.\d[a-z]{0,2}\b/i;
/** What the log is searched for: the library's name, which version lines and banners print. */
const SEARCH = 'OpenSSL';

/**
 * A client that fails every TLS call with "certificate has expired" while it links OpenSSL 1.0.x: the
 * certificate that expired is DST Root CA X3 (it expired on 2021-09-30 at 14:01:15 UTC), not the
 * server's. Let's Encrypt's chains carried ISRG Root X1 cross-signed by DST Root CA X3 for old Android
 * clients; OpenSSL before 1.1.0 builds the chain through that cross-sign to the expired root even when
 * ISRG Root X1 is in its trust store, and rejects a valid certificate (Let's Encrypt, "DST Root CA X3
 * Expiration (September 2021)"; OpenSSL's blog, "Old Let's Encrypt Root Certificate Expiry and
 * OpenSSL 1.0.2", 2021-09-13). Clients with OpenSSL 1.1.0 or later reach the same server. The library's
 * version is what the program printed (a start-up banner, curl's version line), searched for in the
 * whole log when the tail shows only the failures.
 */
export const legacyOpensslRootAnalyzer: Analyzer = {
  name: 'legacy-openssl-root',
  first: true,
  reads(ctx): Read[] {
    return searchFirstLog(ctx, (tail) => EXPIRED.test(tail) && !OPENSSL_10.test(tail), SEARCH, 3);
  },
  finds(ctx): Finding[] {
    for (const o of outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
    )) {
      const text = o.content.slice(-200_000);
      const lines = text.split('\n').filter((l) => l.length <= 4000);
      const failed = lines.filter((l) => EXPIRED.test(l));
      const searched = outputs(
        ctx.seen,
        'search_pod_logs',
        (x) => x.args['name'] === o.args['name'] && x.args['pattern'] === SEARCH,
      ).flatMap((x) => x.content.slice(0, 20_000).split('\n'));
      const version = [...lines, ...searched]
        .map((l) => OPENSSL_10.exec(l)?.[0])
        .find((v) => v !== undefined);
      if (failed.length === 0 || !version) continue;
      const pod = String(o.args['name'] ?? '');
      const line = failed[failed.length - 1]!;
      return [
        {
          weight: 82 + bonus(pod, ctx.hints),
          object: `pod ${pod}`,
          cause: `pod ${pod} fails its TLS calls with "${clip(line, 220)}", and it runs ${version} (its own log says so). With OpenSSL 1.0.x the certificate that has expired is not the server's: it is DST Root CA X3, the old root that expired on 2021-09-30 at 14:01 UTC. Let's Encrypt chains still carry ISRG Root X1 cross-signed by DST Root CA X3, and OpenSSL before 1.1.0 follows that cross-signed path to the expired root instead of stopping at the trusted ISRG Root X1, so it rejects a server certificate that is valid; clients with OpenSSL 1.1.0 or later reach the same server`,
          evidence: [`get_pod_logs ${pod}: "${clip(line, 200)}"`, `get_pod_logs ${pod}: ${version}`],
          advice:
            "on the client's side: remove the expired DST Root CA X3 from the image's trust store (update ca-certificates and blacklist it, or ship a CA bundle without it), or move the program to a base image with OpenSSL 1.1.0 or later; the server's certificate needs no renewal",
        },
      ];
    }
    return [];
  },
};
