import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  describeLoggedPod,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/** Django's refusal of a Host header its ALLOWED_HOSTS does not list, with the host. */
const DISALLOWED = /DisallowedHost\b[^\n]{0,80}?Invalid HTTP_HOST header: '([A-Za-z0-9.:[\]-]{1,253})'/;
/** A variable that holds the ALLOWED_HOSTS list (comma-separated). */
const HOSTS_VAR = /ALLOWED_HOSTS$/;

/**
 * Django answers 400 to every request whose Host header is not in ALLOWED_HOSTS
 * (`django.security.DisallowedHost`, Django's settings reference). When the list comes from a
 * variable of the container (`DJANGO_ALLOWED_HOSTS`), the fix is that variable with the refused host
 * added, the hosts it already lists kept.
 */
export const djangoAllowedHostsAnalyzer: Analyzer = {
  name: 'django-allowed-hosts',
  reads({ ns, seen }): Read[] {
    return describeLoggedPod(seen, ns, DISALLOWED);
  },
  finds({ ns, seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const line = o.content
        .slice(-100_000)
        .split('\n')
        .find((l) => l.length <= 4000 && DISALLOWED.test(l));
      if (!line) continue;
      const host = DISALLOWED.exec(line)![1]!.replace(/:\d{1,5}$/, '');
      const pod = String(o.args['name']);
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        const v = envOf(c.body).find((e) => HOSTS_VAR.test(e.name));
        if (!v) continue;
        const listed = v.value
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean);
        if (listed.includes(host) || listed.includes('*')) continue;
        const deploy = ownerDeployment(d.content);
        const value = [...listed, host].join(',');
        return [
          {
            weight: 88,
            object: `deployment ${deploy ?? pod}`,
            cause: `Django refuses requests for the host name ${host} with 400 Bad Request ("${clip(line, 160)}"): ALLOWED_HOSTS comes from ${v.name}=${v.value}, which does not list ${host}, so every request under that host name fails while the names it lists still work`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line, 160)}"`,
              `describe_pod ${pod}: ${v.name}=${v.value}`,
            ],
            advice: `add ${host} to ${v.name} (keeping the hosts it lists)`,
            ...envFix(
              ns,
              deploy,
              c.name,
              [{ name: v.name, value }],
              `set ${v.name}=${value} on ${deploy ?? pod} so Django accepts the host name ${host}`,
            ),
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};

/** Django 4's CSRF refusal of an Origin header it does not trust, with the origin. */
const UNTRUSTED_ORIGIN =
  /Origin checking failed - (https?:\/\/[A-Za-z0-9.:[\]-]{1,260}) does not match any trusted origins/;
/** A variable that holds the CSRF_TRUSTED_ORIGINS list (comma-separated). */
const ORIGINS_VAR = /CSRF_TRUSTED_ORIGINS$/;

/**
 * Django (4.0 and later) refuses every unsafe request (a POST: a login form) whose Origin header is not
 * the request's own host over HTTPS as Django sees it, nor listed in CSRF_TRUSTED_ORIGINS, with 403
 * "CSRF verification failed" (`Origin checking failed - … does not match any trusted origins`,
 * Django's settings reference and its 4.0 release notes). When the list comes from a variable of the
 * container, the fix is that variable with the refused origin added, the origins it lists kept.
 */
export const djangoCsrfOriginsAnalyzer: Analyzer = {
  name: 'django-csrf-origins',
  reads({ ns, seen }): Read[] {
    return describeLoggedPod(seen, ns, UNTRUSTED_ORIGIN);
  },
  finds({ ns, seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const line = o.content
        .slice(-100_000)
        .split('\n')
        .find((l) => l.length <= 4000 && UNTRUSTED_ORIGIN.test(l));
      if (!line) continue;
      const origin = UNTRUSTED_ORIGIN.exec(line)![1]!.replace(/\/$/, '');
      const pod = String(o.args['name']);
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        const v = envOf(c.body).find((e) => ORIGINS_VAR.test(e.name));
        if (!v) continue;
        const listed = v.value
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean);
        if (listed.includes(origin)) continue;
        const deploy = ownerDeployment(d.content);
        const value = [...listed, origin].join(',');
        return [
          {
            weight: 88,
            object: `deployment ${deploy ?? pod}`,
            cause: `Django refuses the form posts (a login) with 403 CSRF verification failed because their Origin ${origin} is not trusted ("${clip(line, 180)}"): CSRF_TRUSTED_ORIGINS comes from ${v.name}=${v.value}, which does not list ${origin}, so every POST from that origin fails while pages (GETs) load`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line, 160)}"`,
              `describe_pod ${pod}: ${v.name}=${v.value}`,
            ],
            advice: `add ${origin} to ${v.name} (keeping the origins it lists)`,
            ...envFix(
              ns,
              deploy,
              c.name,
              [{ name: v.name, value }],
              `set ${v.name}=${value} on ${deploy ?? pod} so Django trusts the origin ${origin}`,
            ),
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
