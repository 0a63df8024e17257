import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/**
 * A variable that points a client at its product's API: `<PRODUCT>_API_URL`, `<PRODUCT>_URL`,
 * `<PRODUCT>_SERVER_URL`, `<PRODUCT>_ENDPOINT`, `<PRODUCT>_HOST` (the product's name first, as charts
 * write them: `PREFECT_API_URL`, `DAGSTER_URL`).
 */
const API_VARIABLE = /^([A-Z][A-Z0-9]{2,30})_(?:API_URL|API_ENDPOINT|SERVER_URL|URL|ENDPOINT|HOST)$/;

/** An https URL on a public host: a dotted name that is not the cluster's (`.svc`, `.cluster.local`), no IP. */
const PUBLIC_URL = /^https:\/\/([a-z0-9](?:[a-z0-9-]{0,62}\.){1,10}[a-z]{2,24})(\/[^\s?#]{0,500})?$/i;

interface Hosted {
  readonly pod: string;
  readonly container: string;
  readonly owner: string | undefined;
  readonly variable: string;
  readonly value: string;
  readonly host: string;
  /** The API's own path before the empty parts (`/api`), or empty. */
  readonly base: string;
  readonly product: string;
  /** A variable of the same product read from a Secret that does not exist: the hosted service's key. */
  readonly key: { name: string; secret: string } | undefined;
}

/**
 * A container's API URL that names a public host with empty path parts (`/api/accounts//workspaces/`): the
 * hosted service's URL template with its account and workspace left empty, as a chart's defaults for the
 * vendor's cloud give it. Of the pods described in the namespace, the first such variable.
 */
function hosted(ctx: AnalyzerContext): Hosted | undefined {
  for (const d of outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(d.args['name'] ?? '');
    const text = d.content.slice(0, 100_000);
    for (const c of containerSections(text).filter((x) => !x.init)) {
      const env = envOf(c.body, true);
      for (const v of env) {
        const name = API_VARIABLE.exec(v.name);
        const url = name ? PUBLIC_URL.exec(v.value) : null;
        if (!name || !url) continue;
        const host = url[1]!.toLowerCase();
        if (/\.(?:svc|cluster\.local|local|internal)$/.test(host)) continue;
        const path = url[2] ?? '';
        const parts = path.split('/').slice(1);
        const empty = parts.findIndex((p, i) => p === '' && i < parts.length - 1);
        if (empty < 0) continue;
        // The API's own path: what comes before the part that the empty one belongs to (`api` of
        // `api/accounts//…`).
        const base = parts.slice(0, Math.max(0, empty - 1)).join('/');
        const product = name[1]!;
        // The same product's key from a Secret the kubelet could not find.
        let key: Hosted['key'];
        for (const k of env) {
          if (!k.name.startsWith(`${product}_`) || !/KEY|TOKEN/.test(k.name)) continue;
          const secret = /in secret '([a-z0-9][a-z0-9.-]{0,252})'>$/.exec(k.value)?.[1];
          if (secret && text.includes(`secret "${secret}" not found`)) key = { name: k.name, secret };
        }
        return {
          pod,
          container: c.name,
          owner: ownerDeployment(text),
          variable: v.name,
          value: v.value,
          host,
          base: base ? `/${base}` : '',
          product,
          key,
        };
      }
    }
  }
  return undefined;
}

/** The namespace's own Service of the product (`prefect-server`, `prefect-api`, `prefect`), with its port. */
function ownServer(ctx: AnalyzerContext, product: string): { name: string; port: string } | undefined {
  const p = product.toLowerCase();
  const listed = outputs(ctx.seen, 'list_services', (x) => x.args['namespace'] === ctx.ns).pop();
  if (!listed) return undefined;
  const rows = parseTable(listed.content.slice(0, 200_000));
  for (const want of [`${p}-server`, `${p}-api`, p]) {
    const r = rows.find((x) => x['NAME'] === want);
    // `4200/TCP`, or with a node port (`4200:30420/TCP`, a NodePort or LoadBalancer Service).
    const port = /^(\d{1,5})(?::\d{1,5})?\//.exec(r?.['PORT(S)'] ?? '')?.[1];
    if (r && port) return { name: want, port };
  }
  return undefined;
}

/**
 * A client set up for its vendor's hosted service while the team runs the product's server itself: the
 * API URL is the hosted one with its account and workspace left empty (a chart's cloud defaults), and a
 * Service of the product's own server runs in the namespace. The hosted setup's API key is read from a
 * Secret nobody made, so the container cannot even be created; making that Secret would only point the
 * client at the hosted service with no workspace. The fix (`set_env`) points the URL at the namespace's
 * server and drops the key the self-hosted server does not need.
 */
export const hostedApiDefaultAnalyzer: Analyzer = {
  name: 'hosted-api-default',
  reads(ctx): Read[] {
    if (outputs(ctx.seen, 'list_services', (x) => x.args['namespace'] === ctx.ns).length) return [];
    return hosted(ctx) ? [{ tool: 'list_services', args: { namespace: ctx.ns } }] : [];
  },
  finds(ctx): Finding[] {
    const h = hosted(ctx);
    if (!h) return [];
    const server = ownServer(ctx, h.product);
    if (!server) return [];
    const fixed = `http://${server.name}:${server.port}${h.base}`;
    const cloud = /(?:^|\.)cloud(?:\.|$)/.test(h.host) ? 'Cloud ' : '';
    const word = h.product.charAt(0) + h.product.slice(1).toLowerCase();
    return [
      {
        // Above the missing Secret it explains (the same pod's CreateContainerConfigError).
        weight: 93 + bonus(h.owner ?? h.pod, ctx.hints),
        object: h.owner ? `deployment ${h.owner}` : `pod ${h.pod}`,
        cause: `${h.owner ?? h.pod} is set up for the hosted ${word} ${cloud}service, not for the self-hosted server this namespace runs: ${h.variable} is "${clip(h.value, 160)}", the hosted ${cloud}API URL (${h.host}) with empty parts where an account and a workspace go (a chart's ${cloud ? 'Cloud ' : 'hosted '}defaults), while the team's own server is the Service ${server.name} (port ${server.port})${h.key ? `. That hosted setup also reads an API key, ${h.key.name}, from the Secret ${h.key.secret}, which was never created, so the container cannot even be created (CreateContainerConfigError: secret "${h.key.secret}" not found); creating that Secret would only send it to the hosted service with no workspace` : ''}`,
        evidence: [
          `describe_pod ${h.pod}: ${h.variable}=${clip(h.value, 160)}`,
          ...(h.key
            ? [
                `describe_pod ${h.pod}: ${h.key.name} from Secret ${h.key.secret}: secret "${h.key.secret}" not found`,
              ]
            : []),
          `list_services: ${server.name} ${server.port}/TCP`,
        ],
        advice: `point ${h.variable} at the namespace's own server (${fixed})${h.key ? ` and remove ${h.key.name}, which only the hosted service needs` : ''}; the image is not the problem`,
        ...(h.owner
          ? {
              fix: {
                tool: 'set_env',
                args: {
                  namespace: ctx.ns,
                  deployment: h.owner,
                  container: h.container,
                  set: [{ name: h.variable, value: fixed }],
                  ...(h.key ? { remove: [h.key.name] } : {}),
                },
                text: `set ${h.variable} of ${h.owner}/${h.container} to ${fixed}${h.key ? ` and remove ${h.key.name}` : ''}`,
              },
            }
          : {}),
      },
    ];
  },
};
