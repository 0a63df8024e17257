import { type Analyzer, clip, type Finding, outputs } from './types.js';

// The sealed-secrets controller's event when it cannot decrypt a SealedSecret.
const UNSEAL =
  /sealedsecret\/([a-z0-9][a-z0-9.-]{0,252})\s+(?:Failed to unseal: )?(no key could decrypt secret[^\n]{0,200})/;

/** Why a Secret is missing when its SealedSecret failed to unseal, from the namespace's events; undefined otherwise. */
export function unsealFailure(
  events: string,
  secret?: string,
): { name: string; said: string; advice: string } | undefined {
  const m = UNSEAL.exec(events.slice(-200_000));
  if (!m || (secret !== undefined && m[1] !== secret)) return undefined;
  const name = m[1]!;
  return {
    name,
    said: `its SealedSecret cannot be decrypted: the sealed-secrets controller runs (it reports "${clip(m[2]!, 120)}"), so it is neither down nor missing a key rotation; with the default strict scope a SealedSecret is bound to the name and namespace it was sealed for, so a copy sealed for another namespace (or name, or another cluster's key) never decrypts here`,
    advice: `re-seal the values for this namespace with kubeseal (kubeseal --namespace <ns> --name ${name}), or seal with --scope namespace-wide / cluster-wide if the same ciphertext must be copied between namespaces`,
  };
}

/**
 * A Secret that does not exist because its SealedSecret cannot be decrypted: the sealed-secrets
 * controller runs (it reports the failure) but "no key could decrypt secret". With the default strict
 * scope a SealedSecret is encrypted for one name in one namespace, so a copy applied to another
 * namespace (or renamed) never decrypts; one sealed with another cluster's public key does not either.
 * The fix is to seal the values again for this namespace (kubeseal --namespace, or --scope
 * namespace-wide / cluster-wide when a copy must move). https://github.com/bitnami-labs/sealed-secrets
 * (Scopes; "no key could decrypt secret" in the FAQ)
 */
export const sealedSecretAnalyzer: Analyzer = {
  name: 'sealed-secret',
  reads: () => [],
  finds({ ns, seen }) {
    const events = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns)
      .map((o) => o.content)
      .join('\n');
    const u = unsealFailure(events);
    if (!u) return [];
    const out: Finding = {
      weight: 89,
      object: `SealedSecret ${u.name} (namespace ${ns})`,
      cause: `the Secret ${u.name} is never created because ${u.said}`,
      evidence: [`get_events ${ns}: sealedsecret/${u.name}: failed to unseal`],
      advice: u.advice.replace('<ns>', ns),
    };
    return [out];
  },
};
