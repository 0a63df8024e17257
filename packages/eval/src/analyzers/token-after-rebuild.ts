import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/** A request refused for its credentials: an HTTP 401, "Unauthorized", an invalid token or API key. */
const REFUSED = /\b401\b|\bUnauthori[sz]ed\b|\binvalid (?:token|api[ _-]?key|access token)\b/i;
/** A change cause that says the server started over: a new config or data volume, a fresh install. */
const STARTED_OVER =
  /\bnew (?:config|configuration|data|state)(?: volume| dir(?:ectory)?| pvc| claim| disk)?\b|\bfresh (?:install|config|volume|start|database)\b|\breinstall(?:ed)?\b|\bwiped\b|\bfrom scratch\b|\brebuil[dt] (?:on|with|from)\b/i;

/** The Deployments of the namespace (`list_deployments`), longest name first. */
function deploymentsOf(ctx: AnalyzerContext): string[] {
  return outputs(ctx.seen, 'list_deployments', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)
    .flatMap((o) => parseTable(o.content))
    .map((r) => r['NAME'] ?? '')
    .filter((n, i, all) => n.length >= 3 && all.indexOf(n) === i)
    .sort((a, b) => b.length - a.length);
}

/** The newest refused request of a client's log that names another Deployment of the namespace (the server). */
function refusedBy(ctx: AnalyzerContext): { client: string; line: string; server: string } | undefined {
  const names = deploymentsOf(ctx).filter((n) => /^[a-z0-9-]{1,63}$/.test(n));
  if (names.length === 0) return undefined;
  const words = names.map((n) => ({ name: n, word: new RegExp(`(?<![\\w-])${n}(?![\\w-])`, 'i') }));
  let out: { client: string; line: string; server: string } | undefined;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const client = String(o.args['name'] ?? '');
    for (const l of boundedLogLines(o.content)) {
      if (l.length > 2000 || !REFUSED.test(l)) continue;
      const server = words.find((w) => w.name !== ownerName(client) && w.word.test(l))?.name;
      if (server) out = { client, line: l, server };
    }
  }
  return out;
}

/** The change cause of the server's current revision, from its description. */
function changeCause(ctx: AnalyzerContext, server: string): string | undefined {
  const d = outputs(
    ctx.seen,
    'describe_deployment',
    (o) => o.args['name'] === server && (o.args['namespace'] ?? ctx.ns) === ctx.ns,
  ).pop()?.content;
  return d ? /kubernetes\.io\/change-cause=(.{1,300})$/m.exec(d)?.[1]?.trim() : undefined;
}

/**
 * A client whose requests to a server are refused (401, an invalid token or API key) since the server was
 * set up again on a new configuration or data volume: the API keys and tokens it had issued lived in its old
 * data, so the key the client keeps in its own settings names nothing on the new server. Found from a
 * client's refused request that names another Deployment of the namespace, and that Deployment's current
 * change cause saying it started over (a new config volume, a fresh install). The read: the server's
 * description, when not read yet.
 */
export const tokenAfterRebuildAnalyzer: Analyzer = {
  name: 'token-after-rebuild',
  reads(ctx): Read[] {
    const r = refusedBy(ctx);
    if (!r) return [];
    const read = outputs(ctx.seen, 'describe_deployment', (o) => o.args['name'] === r.server).length > 0;
    return read ? [] : [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name: r.server } }];
  },
  finds(ctx): Finding[] {
    const r = refusedBy(ctx);
    if (!r) return [];
    const cause = changeCause(ctx, r.server);
    if (!cause || !STARTED_OVER.test(cause)) return [];
    const client = ownerName(r.client);
    const line = `"${clip(r.line.trim(), 200)}"`;
    return [
      {
        weight: 89,
        object: `deployment ${client}`,
        cause: `${client}'s requests to ${r.server} are refused for their credentials (${line}) because ${r.server} was set up again on new data ("${clip(cause, 160)}"): the API keys and tokens it had issued lived in its old configuration, so the key ${client} keeps in its own settings names nothing on the new server. Neither program is broken and the network is fine: the key is stale`,
        evidence: [
          `get_pod_logs ${r.client}: ${line}`,
          `describe_deployment ${r.server}: change-cause "${clip(cause, 160)}"`,
        ],
        advice: `create a new API key on ${r.server} (its new data has none of the old ones) and set it in ${client}'s settings for ${r.server}`,
        revisionSound: true,
      },
    ];
  },
};
