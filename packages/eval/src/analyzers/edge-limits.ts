import { type Analyzer, type Finding, listedReads, outputs } from './types.js';

// What a person reports when the edge refuses a large request body.
const TOO_LARGE =
  /\b413\b|request entity too large|payload too large|too large body|upload(?:s|ing)? (?:fail|bigger|larger)/i;
const BODY_SIZE = 'nginx.ingress.kubernetes.io/proxy-body-size';

/**
 * Large requests refused at the edge with 413: ingress-nginx caps request bodies at 1m by default
 * (nginx's client_max_body_size), raised per Ingress with the `nginx.ingress.kubernetes.io/proxy-body-size`
 * annotation (ingress-nginx user guide, "Custom max body size"). An nginx Ingress without it refuses
 * bodies over 1 MB before the backend sees them.
 */
export const edgeLimitsAnalyzer: Analyzer = {
  name: 'edge-limits',
  reads({ task, ns, seen }) {
    if (!TOO_LARGE.test(task)) return [];
    return listedReads(seen, ns, 'Ingress', 'describe_resource');
  },
  finds({ task, ns, seen }) {
    if (!TOO_LARGE.test(task)) return [];
    const out: Finding[] = [];
    for (const d of outputs(
      seen,
      'describe_resource',
      (o) => o.args['kind'] === 'Ingress' && o.args['namespace'] === ns,
    )) {
      const nginx =
        /ingressClassName:\s+\S*nginx/.test(d.content) || d.content.includes('nginx.ingress.kubernetes.io/');
      if (!nginx || d.content.includes(BODY_SIZE)) continue;
      const name = String(d.args['name'] ?? '');
      const host = /host:\s+(\S{1,253})/.exec(d.content)?.[1];
      out.push({
        weight: 88,
        object: `ingress ${name}`,
        cause: `ingress ${name}${host ? ` (host ${host})` : ''} is served by ingress-nginx, which limits a request body to 1m by default (nginx client_max_body_size), and the Ingress sets no ${BODY_SIZE} annotation: uploads larger than about 1 MB are refused at the edge with 413 Request Entity Too Large before they reach the backend, whatever the app's own upload limit`,
        evidence: [`describe_resource Ingress ${name}: ingress class nginx; no ${BODY_SIZE} annotation`],
        advice: `annotate ingress ${name} with ${BODY_SIZE} set to the largest upload the app accepts (e.g. 200m)`,
      });
    }
    return out.slice(0, 1);
  },
};
