import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
  secretDataKeys,
} from './types.js';

/**
 * Java's `KeyStore.load` when the integrity check over the store fails (the JDK's JavaKeyStore: "Keystore
 * was tampered with, or password was incorrect"), which for a file that is a keystore at all means the
 * store password given does not match; a file that is not a keystore fails as "Invalid keystore format".
 */
const TAMPERED = /keystore was tampered with, or password was incorrect|keystore password was incorrect/i;
/** An environment variable that holds a keystore's or truststore's password. */
const STORE_PASSWORD = /(?:TRUST|KEY)_?STORE_?PASS(?:WORD)?|STOREPASS|(?:TRUST|KEY)STORE.{0,20}PASSWORD/i;

interface Mismatch {
  pod: string;
  container: string;
  line: string;
  variable: string | undefined;
  value: string | undefined;
  secrets: string[];
  owner: string | undefined;
}

function mismatch(ctx: AnalyzerContext): Mismatch | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const line = log.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && TAMPERED.test(l));
    if (!line) continue;
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content;
    if (!described) continue;
    const sections = containerSections(described).filter((c) => !c.init);
    const c = sections.find((s) => s.name === log.args['container']) ?? sections[0];
    if (!c) continue;
    const held = envOf(c.body).find((e) => STORE_PASSWORD.test(e.name));
    // The Secrets the container mounts (the store's own Secret may carry its password too).
    const mounted = new Set(
      [...c.body.matchAll(/^\s+\S{1,400} from ([a-z0-9-]{1,63}) \(r[ow][,)]/gm)].map((m) => m[1]!),
    );
    const secrets = describedVolumes(described)
      .filter((v) => v.type === 'Secret' && v.source && mounted.has(v.name))
      .map((v) => v.source);
    return {
      pod,
      container: c.name,
      line: line.trim(),
      variable: held?.name,
      value: held && !/^\*+$|redacted|<set to/i.test(held.value) ? held.value : undefined,
      secrets,
      owner: ownerDeployment(described),
    };
  }
  return undefined;
}

/**
 * A JVM that cannot open its keystore or truststore because the password it passes is not the store's:
 * "Keystore was tampered with, or password was incorrect" reads like corruption, but a rebuilt store
 * with a new (generated) password given the old one fails exactly so. The password variable of the
 * container and the Secrets it mounts (whose keys may include the new password, `storepass`) say which;
 * the Secrets are described. No fix is made: the store is fine, the password reference is wrong.
 */
export const keystorePasswordAnalyzer: Analyzer = {
  name: 'keystore-password',
  first: true,
  reads(ctx): Read[] {
    const m = mismatch(ctx);
    if (!m) return [];
    return m.secrets
      .filter(
        (s) =>
          !outputs(ctx.seen, 'describe_resource', (o) => o.args['kind'] === 'Secret' && o.args['name'] === s)
            .length,
      )
      .slice(0, 1)
      .map((name) => ({ tool: 'describe_resource', args: { kind: 'Secret', name, namespace: ctx.ns } }));
  },
  finds(ctx): Finding[] {
    const m = mismatch(ctx);
    if (!m) return [];
    const withPassword = m.secrets.find((s) => {
      const d = outputs(
        ctx.seen,
        'describe_resource',
        (o) => o.args['kind'] === 'Secret' && o.args['name'] === s,
      ).pop();
      return d ? secretDataKeys(d.content).some((k) => /pass/i.test(k)) : false;
    });
    const keys = withPassword
      ? secretDataKeys(
          outputs(
            ctx.seen,
            'describe_resource',
            (o) => o.args['kind'] === 'Secret' && o.args['name'] === withPassword,
          ).pop()!.content,
        )
      : [];
    const passKey = keys.find((k) => /pass/i.test(k));
    const given = m.variable
      ? `it passes ${m.variable}${m.value ? `=${m.value}${m.value === 'changeit' ? " (the JDK's old default store password)" : ''}` : ''}`
      : 'the password it passes';
    return [
      {
        weight: 88,
        object: m.owner ? `deployment ${m.owner} (pod ${m.pod})` : `pod ${m.pod}`,
        cause: `the JVM in ${m.container} cannot open its keystore: "${clip(m.line, 200)}" is what Java's KeyStore.load says when the store password does not match the store (a file that is not a keystore fails as "Invalid keystore format" instead), so the store is not corrupt: ${given}, which is not the password of the store it loads${withPassword && passKey ? `; Secret ${withPassword}, which holds the store, also carries its password under the key ${passKey}, which the container does not read` : ''}. A store rebuilt with a new password needs the new password passed with it (a wrong password, not a bad file)`,
        evidence: [
          `get_pod_logs ${m.pod}: "${clip(m.line, 200)}"`,
          ...(m.variable ? [`describe_pod ${m.pod}: ${m.variable}${m.value ? `: ${m.value}` : ''}`] : []),
          ...(withPassword ? [`describe_resource Secret ${withPassword}: keys ${keys.join(', ')}`] : []),
        ],
        advice: `${m.variable ? `set ${m.variable} from ` : 'read the store password from '}${withPassword && passKey ? `key ${passKey} of Secret ${withPassword} (a secretKeyRef)` : 'the Secret that holds it'} instead of a literal value, so the JVM gets the store's own password; the store does not need rebuilding`,
        revisionSound: true,
      },
    ];
  },
};
