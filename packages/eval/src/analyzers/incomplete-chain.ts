import { type Analyzer, type Finding, outputs } from './types.js';

/** Clients report that they cannot build a trusted chain to the server's certificate. */
const UNTRUSTED =
  /certificate signed by unknown authority|PKIX path building failed|unable to get local issuer certificate|unable to verify the first certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i;
/** …while a browser opens the same site without a warning. */
const BROWSER_FINE = /\b(?:browsers?|Chrome|Firefox|Safari|padlock)\b/i;
/** A probe's own report of how many certificates the server sent (`served chain 1 cert`). */
const SERVED_ONE = /served chain 1 cert|chain length 1\b|only the leaf/i;

/**
 * API clients fail TLS verification against a server ("unknown authority", "PKIX path building
 * failed", "unable to get local issuer certificate") while browsers open the same site: the server
 * sends its leaf certificate without the intermediate that signed it. A browser completes the chain
 * itself (it fetches the intermediate from the certificate's Authority Information Access URL, or has
 * it cached), while Go's crypto/x509, Java's PKIX validator, OpenSSL and curl verify only what the server
 * sent against their trust store (RFC 5246 7.4.2 and RFC 8446 4.4.2: the server sends the chain up to,
 * not including, the root). Typical after a renewal that installed only the new leaf. The finding
 * names the line of a probe that saw one certificate served, when one was read.
 */
export const incompleteChainAnalyzer: Analyzer = {
  name: 'incomplete-chain',
  reads: () => [],
  finds(ctx): Finding[] {
    const task = ctx.task.slice(0, 4000);
    if (!UNTRUSTED.test(task) || !BROWSER_FINE.test(task)) return [];
    const probe = outputs(ctx.seen, 'get_pod_logs')
      .flatMap((o) => o.content.slice(-200_000).split('\n'))
      .find((l) => l.length <= 4000 && SERVED_ONE.test(l));
    return [
      {
        weight: 60,
        object: 'the server certificate chain',
        cause: `API clients fail to verify the server's certificate ("${UNTRUSTED.exec(task)![0]}") while browsers open the site: the server most likely sends its leaf certificate without the intermediate CA certificate that signed it (an incomplete chain). A browser completes the chain on its own (it downloads the missing intermediate from the certificate's Authority Information Access URL, or has it cached), but Go, Java (PKIX), OpenSSL and curl check only the chain the server sends against their trust store, so they cannot reach a root they trust. This typically follows a renewal that installed only the new leaf, signed by a new intermediate${probe ? `; a probe saw exactly that: "${probe.trim().slice(0, 240)}"` : ''}. The clients' trust stores are not the problem`,
        evidence: probe ? [`get_pod_logs: "${probe.trim().slice(0, 200)}"`] : [],
        advice:
          "serve the full chain: put the leaf followed by its intermediate certificate (the CA's bundle, a fullchain.pem) into the TLS Secret's tls.crt the server loads, then reload it; check with `openssl s_client -showcerts` that two certificates are served",
      },
    ];
  },
};
