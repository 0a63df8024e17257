import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerImage,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  podObject,
} from './types.js';

/**
 * A program that reads a claim of the legacy, Secret-based ServiceAccount token and does not find it:
 * `claim "kubernetes.io/serviceaccount/namespace" not found`, `missing claim kubernetes.io/serviceaccount/…`.
 * Legacy tokens carry `kubernetes.io/serviceaccount/namespace`, `…/service-account.name`,
 * `…/service-account.uid` and `…/secret.name`; bound tokens, which the kubelet projects from the TokenRequest
 * API (the default since Kubernetes 1.22; Secret-based tokens are no longer made since 1.24), carry the
 * namespace and names under one nested `kubernetes.io` claim instead (Kubernetes documentation, "Managing
 * Service Accounts" and "Service account tokens").
 */
const MISSING_CLAIM =
  /claim\W{0,3}(kubernetes\.io\/serviceaccount\/(?:namespace|service-account\.name|service-account\.uid|secret\.name))\W{0,3}(?:is )?(?:not found|missing|not present|absent)|missing claim\W{0,3}(kubernetes\.io\/serviceaccount\/[a-z.-]{1,40})|\b(?:no|missing|lacks?|without)\W{1,3}(kubernetes\.io\/serviceaccount\/[a-z.-]{1,40})\W{0,3}claim/i;

/**
 * Programs that take their namespace from an environment variable before the token, by image repository:
 * Dex's Kubernetes storage reads `KUBERNETES_POD_NAMESPACE` first (dexidp/dex, storage/kubernetes).
 */
const NAMESPACE_ENV: readonly { readonly image: RegExp; readonly env: string }[] = [
  { image: /(?:^|\/)dexidp\/dex(?::|@|$)|(?:^|\/)dex(?::|@|$)/, env: 'KUBERNETES_POD_NAMESPACE' },
];

/**
 * The app container the claim line is from (the log's own container, else the one whose image is known to
 * read its namespace from a variable, else the first), with its image, readiness and variables.
 */
function containerOf(
  text: string,
  name: string | undefined,
): { container: string; image: string; ready: boolean; env: { name: string; value: string }[] } | undefined {
  const app = containerSections(text).filter((x) => !x.init);
  const imageIn = (body: string) => containerImage(body) ?? '';
  const c =
    (name ? app.find((x) => x.name === name) : undefined) ??
    app.find((x) => NAMESPACE_ENV.some((k) => k.image.test(imageIn(x.body)))) ??
    app[0];
  if (!c) return undefined;
  return {
    container: c.name,
    image: imageIn(c.body),
    ready: /^\s*Ready:\s*True\b/m.test(c.body),
    env: envOf(c.body),
  };
}

/**
 * A container that fails because the ServiceAccount token it reads lacks a legacy claim: the cluster now
 * mounts bound tokens (after an upgrade, or a token projected by hand), and this version of the program
 * still reads the claims of the old Secret-based tokens. Not RBAC: the token is valid, it is shaped
 * differently. For a program known to read its namespace from an environment variable first, the finding
 * carries a `set_env` fix with the pod's namespace.
 */
export const legacyTokenClaimAnalyzer: Analyzer = {
  name: 'legacy-token-claim',
  reads: () => [],
  finds(ctx): Finding[] {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      let claim: string | undefined;
      let line = '';
      for (const l of boundedLogLines(log.content)) {
        const m = MISSING_CLAIM.exec(l);
        if (m) {
          claim = m[1] ?? m[2] ?? m[3];
          line = l.trim();
          break;
        }
      }
      if (!claim) continue;
      const pod = String(log.args['name'] ?? '');
      const deployment = podDeployment(pod);
      const described = outputs(
        ctx.seen,
        'describe_pod',
        (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
      ).pop()?.content;
      const logged = log.args['container'];
      const c = described
        ? containerOf(described, typeof logged === 'string' ? logged : undefined)
        : undefined;
      // A program that falls back (a warning, then it serves) and is Ready does not fail on the claim.
      if (c?.ready) continue;
      const known =
        c && claim.endsWith('/namespace') ? NAMESPACE_ENV.find((x) => x.image.test(c.image)) : undefined;
      // The variable already holds the namespace and the program still fails: only an upgrade helps.
      const env =
        known && !c!.env.some((e) => e.name === known.env && e.value === ctx.ns) ? known : undefined;
      const quoted = clip(line, 200);
      return [
        {
          weight: 93,
          object: podObject(deployment, pod),
          cause: `the program reads the legacy claim ${claim} from its ServiceAccount token and fails because the token no longer carries it ("${quoted}"): the cluster mounts bound (projected) service account tokens, issued through the TokenRequest API, which hold the namespace and the account's name under the nested kubernetes.io claim instead of the legacy kubernetes.io/serviceaccount/* claims of the old Secret-based tokens; new tokens lack the claim, so this version of the program cannot read its namespace from them. The token is valid: this is not an RBAC refusal`,
          evidence: [`logs of ${pod}: "${quoted}"`],
          advice: env
            ? `tell the program its namespace without the token: set ${env.env}=${ctx.ns} on container ${c!.container} (or from the downward API, fieldRef metadata.namespace), or upgrade it to a version that reads bound tokens`
            : 'upgrade the program to a version that reads bound service account tokens, or give it its namespace through the environment variable it reads first (from the downward API, fieldRef metadata.namespace)',
          ...(env
            ? envFix(
                ctx.ns,
                deployment,
                c!.container,
                [{ name: env.env, value: ctx.ns }],
                `set ${env.env}=${ctx.ns} on ${deployment}/${c!.container}, so the program no longer reads its namespace from the token`,
              )
            : {}),
        },
      ];
    }
    return [];
  },
};
