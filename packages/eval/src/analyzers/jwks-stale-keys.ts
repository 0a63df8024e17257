import type { SeenObservation } from '../observations.js';
import { type Analyzer, clip, type Finding, outputs, ownerName, type Read, searchedLines } from './types.js';

/**
 * A verifier's refusal of a JWT whose key id it does not hold, in the words of common libraries
 * (Nimbus/Okta "no matching key(s) found", jose "no applicable key found", "unknown kid", "kid not found",
 * jwks-rsa "Unable to find a signing key that matches"), with the kid when the line names it.
 */
const UNKNOWN_KID =
  /no matching key\(s\) found|no applicable key|unknown kid|kid (?:was )?not found|no key found for kid|unable to find a signing key that matches|signing key not found|key with kid/i;
const KID = /\bkid[=:\s"']{1,3}([A-Za-z0-9._:-]{1,100})/;
/** A line saying which keys the program loaded: a JWKS fetch, a key set, with the kids it lists. */
const LOADED = /\b(?:jwks|key ?set|signing keys?|public keys?)\b/i;
/** The search that finds what key set the program loaded, written at its start. */
const KEYS_PATTERN = 'JWKS|key set|keyset';

/** The refusals of unknown key ids in a pod's read log: the line and the kid it names. */
function refusals(o: SeenObservation): { line: string; kid: string | undefined }[] {
  return o.content
    .slice(-100_000)
    .split('\n')
    .filter((l) => UNKNOWN_KID.test(l))
    .map((line) => ({ line, kid: KID.exec(line)?.[1] }));
}

/**
 * A service rejecting tokens signed with a key it does not hold, while the key set it loaded at start
 * lacks that key id: the identity provider rotated its signing key after the program fetched its JWKS,
 * and the program does not fetch it again on an unknown kid. Its pods' start is what loaded the old
 * set, so a restart (rollout restart of its deployment) loads the current keys; the lasting fix is a
 * verifier that refreshes its JWKS on an unknown kid or on a schedule.
 */
export const jwksStaleKeysAnalyzer: Analyzer = {
  name: 'jwks-stale-keys',
  reads({ seen }): Read[] {
    const reads: Read[] = [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      if (reads.length >= 1 || refusals(o).length === 0) continue;
      const pod = String(o.args['name']);
      if (
        outputs(seen, 'search_pod_logs', (x) => x.args['name'] === pod && x.args['pattern'] === KEYS_PATTERN)
          .length
      )
        continue;
      reads.push({
        tool: 'search_pod_logs',
        args: {
          namespace: o.args['namespace'],
          name: pod,
          ...(o.args['container'] ? { container: o.args['container'] } : {}),
          pattern: KEYS_PATTERN,
          context: 0,
          maxMatches: 5,
          lines: 100_000,
        },
      });
    }
    return reads;
  },
  finds({ ns, seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'] && x.args['namespace'] === ns)) {
      const refused = refusals(o)
        .reverse()
        .find((r) => r.kid);
      if (!refused?.kid) continue;
      const pod = String(o.args['name']);
      const loaded = searchedLines(seen, (x) => x.args['name'] === pod && x.args['pattern'] === KEYS_PATTERN)
        .concat(o.content.split('\n'))
        .find(
          (l) =>
            LOADED.test(l) && /\bkid\b/i.test(l) && !UNKNOWN_KID.test(l) && !/^\d+ line\(s\) match/.test(l),
        );
      if (!loaded || loaded.includes(refused.kid)) continue;
      const owner = ownerName(pod);
      const held = [...loaded.matchAll(/\bkid[=:\s"']{1,3}([A-Za-z0-9._:-]{1,100})/g)]
        .map((m) => m[1])
        .join(', ');
      return [
        {
          weight: 84,
          object: `deployment ${owner}`,
          cause: `${owner} rejects tokens signed with key id ${refused.kid} ("${clip(refused.line, 150)}"): the key set (JWKS) it loaded when it started holds only ${held || 'older keys'} ("${clip(loaded, 150)}"). The identity provider rotated its signing key since, and new tokens carry the new kid; ${owner} cached the key set at startup and does not refresh it on an unknown kid, so every token signed with the new key is refused (401) while older tokens still pass.`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(refused.line, 160)}"`,
            `search_pod_logs ${pod}: "${clip(loaded, 160)}"`,
          ],
          advice: `restart deployment ${owner} so its pods fetch the provider's current key set, then make the verifier refresh its JWKS on an unknown kid (or on a schedule) so the next rotation does not break it`,
          fix: {
            tool: 'restart_deployment',
            args: { namespace: ns, name: owner },
            text: `restart deployment ${owner} so its pods load the identity provider's current signing keys`,
          },
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
