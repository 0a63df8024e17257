import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  ownerName,
  podListOf,
  type Read,
} from './types.js';

/** The person reports redirects that never end. */
const LOOP_REPORTED =
  /too many redirects|TOO_MANY_REDIRECTS|redirect(?:s|ing)? (?:loop|in a loop|again)|redirect loop/i;
/** A redirect to an https URL the program logs: `GET / 301 -> https://…`. */
const TO_HTTPS = /\b(30[1278])\b[^\n]{0,20}?->\s*https:\/\//;
/** The request headers a line shows as `name=value` (`x-forwarded-proto=https`, `x-cluster-client-https=-`). */
const SHOWN_HEADER = /\b(x-[a-z0-9-]{2,60})=([^\s,)]{1,40})/gi;
/** A variable that names the request header the program trusts for the original scheme. */
const HEADER_VALUE = /^X-[A-Za-z0-9-]{2,60}$/i;

/**
 * A redirect loop behind a TLS-terminating proxy: the program redirects every request to https though
 * the proxy says it arrived over https (the line shows `x-forwarded-proto=https`), because it reads the
 * original scheme from a header the proxy does not send (the variable naming that header, and the line
 * showing it absent, `-`). Each answer sends the browser to the same https URL again, until it gives up
 * (ERR_TOO_MANY_REDIRECTS). The fix is the variable set to the header the proxy does send.
 */
export const forwardedSchemeLoopAnalyzer: Analyzer = {
  name: 'forwarded-scheme-loop',
  reads({ task, ns, seen }): Read[] {
    if (!LOOP_REPORTED.test(task.slice(0, 4000))) return [];
    const listed = podListOf(seen, ns);
    if (!listed) return [];
    const reads: Read[] = [];
    const owners = new Set<string>();
    for (const r of parseTable(listed.content)) {
      const name = r['NAME'] ?? '';
      if (r['STATUS'] !== 'Running' || owners.has(ownerName(name))) continue;
      owners.add(ownerName(name));
      if (!outputs(seen, 'get_pod_logs', (o) => o.args['name'] === name).length)
        reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name } });
      if (!outputs(seen, 'describe_pod', (o) => o.args['name'] === name).length)
        reads.push({ tool: 'describe_pod', args: { namespace: ns, name } });
      if (owners.size >= 2) break;
    }
    return reads;
  },
  finds({ task, ns, seen }): Finding[] {
    if (!LOOP_REPORTED.test(task.slice(0, 4000))) return [];
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const pod = String(log.args['name']);
      const line = log.content
        .slice(-100_000)
        .split('\n')
        .reverse()
        .find((l) => l.length <= 4000 && TO_HTTPS.test(l) && /x-forwarded-proto=https\b/i.test(l));
      if (!line) continue;
      const shown = new Map([...line.matchAll(SHOWN_HEADER)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
      const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      if (!described) continue;
      for (const c of containerSections(described.content).filter((x) => !x.init)) {
        const trusted = envOf(c.body).find(
          (e) => HEADER_VALUE.test(e.value) && shown.get(e.value.toLowerCase()) === '-',
        );
        if (!trusted) continue;
        const deploy = ownerDeployment(described.content);
        const status = TO_HTTPS.exec(line)![1];
        return [
          {
            weight: 90,
            object: `deployment ${deploy ?? ownerName(pod)}`,
            cause: `a redirect loop: ${deploy ?? pod} answers every request with ${status} to the same https URL ("${clip(line, 170)}") though the proxy in front terminated TLS and says the request came over https (X-Forwarded-Proto: https). The program takes the original scheme from the header its variable ${trusted.name}=${trusted.value} names, and the proxy never sends ${trusted.value} (the line shows it absent, "-"), so every request looks like plain http and is redirected again, until the browser gives up (ERR_TOO_MANY_REDIRECTS). The certificate is not the problem`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line, 160)}"`,
              `describe_pod ${pod}: ${trusted.name}=${trusted.value}`,
            ],
            advice: `set ${trusted.name} to X-Forwarded-Proto, the header the proxy sends, keeping HTTPS enforcement on`,
            ...envFix(
              ns,
              deploy,
              c.name,
              [{ name: trusted.name, value: 'X-Forwarded-Proto' }],
              `set ${trusted.name}=X-Forwarded-Proto on ${deploy ?? pod} so it reads the scheme from the header the proxy sends`,
            ),
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
