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

/**
 * A refusal a program logs for a value missing from a comma-separated list that one of its container's
 * variables holds (a host, an origin), and how the answer reads it.
 */
interface ListRefusal {
  readonly name: string;
  /** The refusal line; its first group is the refused value. */
  readonly line: RegExp;
  /** The variable that holds the list. */
  readonly variable: RegExp;
  /** The refused value as the list would hold it. */
  readonly entry: (refused: string) => string;
  /** Whether the list already admits the value (`*`, the value itself). */
  readonly admits: (listed: readonly string[], value: string) => boolean;
  readonly cause: (value: string, line: string, variable: string, listed: string) => string;
  readonly advice: (value: string, variable: string) => string;
  readonly fixText: (value: string, variable: string, list: string, target: string) => string;
  /**
   * When the refused value is the kubelet's own (its HTTP probe of the pod's IP): what the finding says
   * instead of a fix, given the workload's name, the pod's description and the container's section.
   */
  readonly probed?: (
    value: string,
    workload: string,
    described: string,
    container: string,
  ) => ProbeRefusal | undefined;
}

/** A list refusal of the kubelet's probe: what the answer says instead, and no fix to the list. */
interface ProbeRefusal {
  readonly cause: string;
  readonly advice: string;
}

/**
 * The analyzer for one `ListRefusal`: it reads the description of the pod that logged the refusal, and
 * when a variable of its container holds the list without the refused value, the finding's fix is that
 * variable with the value added and the values it lists kept (an approved `set_env`).
 */
function listRefusalAnalyzer(r: ListRefusal): Analyzer {
  return {
    name: r.name,
    reads({ ns, seen }): Read[] {
      return describeLoggedPod(seen, ns, r.line);
    },
    finds({ ns, seen }): Finding[] {
      for (const o of outputs(
        seen,
        'get_pod_logs',
        (x) => x.args['namespace'] === ns && !x.args['previous'],
      )) {
        const line = o.content
          .slice(-100_000)
          .split('\n')
          .find((l) => l.length <= 4000 && r.line.test(l));
        if (!line) continue;
        const value = r.entry(r.line.exec(line)![1]!);
        const pod = String(o.args['name']);
        const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
        if (!d) continue;
        for (const c of containerSections(d.content).filter((x) => !x.init)) {
          const v = envOf(c.body).find((e) => r.variable.test(e.name));
          if (!v) continue;
          const listed = v.value
            .split(',')
            .map((h) => h.trim())
            .filter(Boolean);
          if (r.admits(listed, value)) continue;
          const deploy = ownerDeployment(d.content);
          const list = [...listed, value].join(',');
          const found: Finding = {
            weight: 88,
            object: `deployment ${deploy ?? pod}`,
            cause: r.cause(value, line, v.name, v.value),
            evidence: [
              `get_pod_logs ${pod}: "${clip(line, 160)}"`,
              `describe_pod ${pod}: ${v.name}=${v.value}`,
            ],
            revisionSound: true,
          };
          // The kubelet's own request refused: said so, and no value added to the list.
          const probe = r.probed?.(value, deploy ?? pod, d.content, c.body);
          if (probe) return [{ ...found, cause: `${found.cause}. ${probe.cause}`, advice: probe.advice }];
          return [
            {
              ...found,
              advice: r.advice(value, v.name),
              ...envFix(
                ns,
                deploy,
                c.name,
                [{ name: v.name, value: list }],
                r.fixText(value, v.name, list, deploy ?? pod),
              ),
            },
          ];
        }
      }
      return [];
    },
  };
}

/**
 * Django answers 400 to every request whose Host header is not in ALLOWED_HOSTS
 * (`django.security.DisallowedHost`, Django's settings reference). When the list comes from a
 * variable of the container (`DJANGO_ALLOWED_HOSTS`), the fix is that variable with the refused host
 * added, the hosts it already lists kept.
 */
export const djangoAllowedHostsAnalyzer: Analyzer = listRefusalAnalyzer({
  name: 'django-allowed-hosts',
  line: /DisallowedHost\b[^\n]{0,80}?Invalid HTTP_HOST header: '([A-Za-z0-9.:[\]-]{1,253})'/,
  variable: /ALLOWED_HOSTS$/,
  entry: (host) => host.replace(/:\d{1,5}$/, ''),
  admits: (listed, host) => listed.includes(host) || listed.includes('*'),
  cause: (host, line, name, value) =>
    `Django refuses requests for the host name ${host} with 400 Bad Request ("${clip(line, 160)}"): ALLOWED_HOSTS comes from ${name}=${value}, which does not list ${host}, so every request under that host name fails while the names it lists still work`,
  advice: (host, name) => `add ${host} to ${name} (keeping the hosts it lists)`,
  fixText: (host, name, list, target) =>
    `set ${name}=${list} on ${target} so Django accepts the host name ${host}`,
  probed: probeByPodIp,
});

/** An HTTP probe line of a container's description (`Liveness:  http-get :http/healthz delay=0s …`). */
const HTTP_PROBE = /^\s{0,12}(Liveness|Readiness|Startup):\s+http-get\s+(\S{1,300})/gm;

/**
 * The kubelet's HTTP probe asks for the pod by its IP: it sends `Host: <pod IP>:<port>` unless the probe
 * sets a Host header (httpHeaders), so a host check that lists only the site's names answers the probe
 * 400, the probe fails and the kubelet restarts (liveness) or never readies (startup, readiness) the
 * pod ("Configure Liveness, Readiness and Startup Probes", kubernetes.io: the Host header of an httpGet
 * probe defaults to the pod IP). A pod's IP changes with every pod, so listing it is no fix.
 */
function probeByPodIp(
  host: string,
  workload: string,
  described: string,
  container: string,
): ProbeRefusal | undefined {
  // IPv4, or IPv6 (refused as `[fd00::17]`, described bare).
  const ip = /^IP:\s+(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]{2,39})\s*$/m.exec(described.slice(0, 20_000))?.[1];
  if (!ip || ip.toLowerCase() !== host.replace(/^\[|\]$/g, '').toLowerCase()) return undefined;
  const probes = [...container.slice(0, 20_000).matchAll(HTTP_PROBE)].map((m) => `${m[1]} http-get ${m[2]}`);
  if (probes.length === 0) return undefined;
  const failed = /(Liveness|Readiness|Startup) probe failed: HTTP probe failed with statuscode: 400/.exec(
    described.slice(0, 100_000),
  );
  return {
    cause: `${host} is the pod's own IP: these are the kubelet's HTTP probes (${probes.join(', ')}), which ask for the pod by its IP and send it as the Host header, so Django answers each probe 400${failed ? ` ("${failed[0]}")` : ''}, the probe fails and the kubelet restarts the pod or never marks it ready. The host list is right for users; it is the probe that asks by the pod IP`,
    advice: `give the probes of ${workload} an httpHeaders entry with Host set to a name the list holds (or a tcpSocket probe); adding the pod IP to the list does not last, since every new pod has another IP`,
  };
}

/**
 * Django (4.0 and later) refuses every unsafe request (a POST: a login form) whose Origin header is not
 * the request's own host over HTTPS as Django sees it, nor listed in CSRF_TRUSTED_ORIGINS, with 403
 * "CSRF verification failed" (`Origin checking failed - … does not match any trusted origins`,
 * Django's settings reference and its 4.0 release notes). When the list comes from a variable of the
 * container, the fix is that variable with the refused origin added, the origins it lists kept.
 */
export const djangoCsrfOriginsAnalyzer: Analyzer = listRefusalAnalyzer({
  name: 'django-csrf-origins',
  line: /Origin checking failed - (https?:\/\/[A-Za-z0-9.:[\]-]{1,260}) does not match any trusted origins/,
  variable: /CSRF_TRUSTED_ORIGINS$/,
  entry: (origin) => origin.replace(/\/$/, ''),
  admits: (listed, origin) => listed.includes(origin),
  cause: (origin, line, name, value) =>
    `Django refuses the form posts (a login) with 403 CSRF verification failed because their Origin ${origin} is not trusted ("${clip(line, 180)}"): CSRF_TRUSTED_ORIGINS comes from ${name}=${value}, which does not list ${origin}, so every POST from that origin fails while pages (GETs) load`,
  advice: (origin, name) => `add ${origin} to ${name} (keeping the origins it lists)`,
  fixText: (origin, name, list, target) =>
    `set ${name}=${list} on ${target} so Django trusts the origin ${origin}`,
});

/**
 * A server's CORS check refusing an origin it does not list: the browser sends a preflight (OPTIONS)
 * for a cross-origin call, and without Access-Control-Allow-Origin naming the page's origin in the
 * answer it blocks the call ("blocked by CORS policy"; the Fetch standard, "CORS protocol"). Servers
 * that log the refusal (`cors: origin not allowed … "origin":"https://www.example"`) name the origin;
 * when the allowed list comes from a variable of the container, the fix adds the origin to it.
 */
export const corsAllowedOriginsAnalyzer: Analyzer = listRefusalAnalyzer({
  name: 'cors-allowed-origins',
  line: /\b(?:CORS|cors)\b[^\n]{0,40}?origin (?:not allowed|rejected|refused|denied)[^\n]{0,200}?(https?:\/\/[A-Za-z0-9.:[\]-]{1,260})/,
  variable: /(?:CORS|ALLOWED)_?(?:ALLOWED_)?ORIGINS$/,
  entry: (origin) => origin.replace(/\/$/, ''),
  admits: (listed, origin) => listed.includes(origin) || listed.includes('*'),
  cause: (origin, line, name, value) =>
    `the service's CORS check refuses the origin ${origin} ("${clip(line, 180)}"): its allowed origins list comes from ${name}=${value}, which does not list ${origin}, so the browser's preflight gets no Access-Control-Allow-Origin for it and the browser blocks every call from that site (a new website) while the listed origins work. The ingress passes the headers the service sends; the service does not send them for this origin`,
  advice: (origin, name) => `add ${origin} to ${name} (keeping the origins it lists)`,
  fixText: (origin, name, list, target) =>
    `set ${name}=${list} on ${target} so its CORS check allows the origin ${origin}`,
});
