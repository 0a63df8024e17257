import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
} from './types.js';

/**
 * An identity provider refusing the redirect URI an application sent: Keycloak's "Invalid parameter:
 * redirect_uri" page and its `invalid_redirect_uri` event, Google's and Azure AD's
 * `redirect_uri_mismatch`, "redirect URI … is not registered/does not match".
 */
const REFUSED =
  /invalid parameter: redirect_uri|invalid_redirect_uri|redirect_uri_mismatch|redirect uri[^\n]{0,80}(?:not registered|does not match|mismatch)/i;
/** The redirect URI an application logs in the authorization request it sends (`redirect_uri=http%3A%2F%2F…`). */
const SENT = /[?&]redirect_uri=([^&\s"'#]{1,1000})/;

interface Sent {
  pod: string;
  uri: string;
  line: string;
  variable: { name: string; value: string } | undefined;
  owner: string | undefined;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The redirect URI the namespace's application sends, from its log, and the variable it is built from. */
function sent(ctx: AnalyzerContext): Sent | undefined {
  for (const log of outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['namespace'] === ctx.ns && !o.args['previous'],
  )) {
    const line = log.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && SENT.test(l) && /^http:/i.test(decode(SENT.exec(l)![1]!)));
    if (!line) continue;
    const uri = decode(SENT.exec(line)![1]!);
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
    const origin = /^(https?:\/\/[^/\s]{1,253})/i.exec(uri)?.[1];
    const variable = containerSections(described)
      .flatMap((c) => envOf(c.body))
      .find((e) => origin !== undefined && e.value.replace(/\/$/, '').toLowerCase() === origin.toLowerCase());
    return { pod, uri, line: line.trim(), variable, owner: ownerDeployment(described) };
  }
  return undefined;
}

/**
 * Sign-in through an OpenID Connect provider refused with "Invalid parameter: redirect_uri": the
 * provider accepts only the redirect URIs registered for the client, compared exactly, scheme included
 * (OpenID Connect Core 1.0, 3.1.2.1; RFC 6749, 3.1.2). An application that builds its callback from a
 * base URL set with `http://` behind a TLS-terminating ingress sends an http redirect URI the client's
 * https registration does not match. Found from the person's words or the provider's log, and the
 * redirect URI the application logs when it redirects; the variable it is built from is named.
 */
export const oidcRedirectUriAnalyzer: Analyzer = {
  name: 'oidc-redirect-uri',
  reads: () => [],
  finds(ctx): Finding[] {
    const refused =
      REFUSED.test(ctx.task.slice(0, 4000)) ||
      outputs(ctx.seen, 'get_pod_logs').some((o) => REFUSED.test(o.content.slice(-200_000)));
    if (!refused) return [];
    const s = sent(ctx);
    if (!s || !/^http:\/\//i.test(s.uri) || /^http:\/\/(?:localhost|127\.0\.0\.1)\b/i.test(s.uri)) return [];
    const https = s.uri.replace(/^http:/i, 'https:');
    return [
      {
        weight: 86,
        object: s.owner ? `deployment ${s.owner} (pod ${s.pod})` : `pod ${s.pod}`,
        cause: `the identity provider refuses the sign-in because the application sends it a plain http redirect_uri, ${clip(s.uri, 160)}${s.variable ? `, built from its base URL ${s.variable.name}=${s.variable.value}` : ''}: an OpenID Connect provider accepts only the redirect URIs registered for the client, compared exactly, scheme included, and a client registered for https does not match an http callback, so it answers "Invalid parameter: redirect_uri" (invalid_redirect_uri); the fault is the URI the application sends, not the provider`,
        evidence: [
          `get_pod_logs ${s.pod}: "${clip(s.line, 200)}"`,
          ...(s.variable ? [`describe_pod ${s.pod}: ${s.variable.name}: ${s.variable.value}`] : []),
        ],
        advice: `${s.variable ? `set ${s.variable.name} to ${s.variable.value.replace(/^http:/i, 'https:')}` : 'make the application build its redirect URI with https'} so it sends ${clip(https, 120)}, the URI the client is registered for (or have it honour X-Forwarded-Proto behind the ingress); nothing needs changing in the identity provider`,
        revisionSound: true,
      },
    ];
  },
};
