import { type Analyzer, bonus, boundedLogLines, clip, type Finding, outputs } from './types.js';

/**
 * A setting a program logs with its value: `Config value 'X' … set to 'v'`, `X=v`, `X: v`, `"X":"v"`. The key
 * and an http(s) URL value.
 */
const URL_SETTING =
  /\b([A-Za-z][A-Za-z0-9_.]{1,60})['"]?(?:\s(?:for app '[^']{1,60}'\s)?is now set to\s|\s{0,3}[:=]\s{0,3})['"]?(https?:\/\/[^\s'",]{1,300})/g;
/** A host a browser cannot reach from outside: a short Service name, or a cluster DNS name. */
const CLUSTER_HOST = /^(?:[a-z0-9-]{1,63}|[a-z0-9.-]{1,200}\.(?:svc|svc\.cluster\.local|cluster\.local))$/i;

/**
 * A key without case, underscores and dots: `EDITOR_URL` and `editorUrl` are one; `PUBLIC_URL` and
 * `INTERNAL_URL` are twins once "public" and "internal" are taken out.
 */
const bare = (key: string) => key.replace(/[_.]/g, '').toLowerCase();

/**
 * A browser-facing address set to a cluster-internal name: a program that keeps two addresses for the same
 * server, one for its own server-to-server calls (a key with "Internal" in it) and one it hands to users'
 * browsers (the same key without it), has the browser-facing one set to a short Service name or a cluster
 * DNS name (`http://docs/`). The server-side checks pass (they use the internal address), while every
 * browser is sent to a host it cannot resolve from outside the cluster, so the feature "cannot be reached"
 * for users. Found from one log that shows both settings with their values. Reads nothing of its own.
 */
export const internalPublicUrlAnalyzer: Analyzer = {
  name: 'internal-public-url',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const settings = new Map<string, { value: string; line: string }>();
      for (const line of boundedLogLines(o.content)) {
        if (line.length > 2000) continue;
        for (const m of line.matchAll(URL_SETTING)) settings.set(m[1]!, { value: m[2]!, line });
      }
      for (const [key, { value, line }] of settings) {
        if (/internal/i.test(key) || !/url|address|host/i.test(key)) continue;
        // The same key with "Internal" in it: the program keeps a second address for its own calls.
        const internalKey = [...settings.keys()].find(
          (k) =>
            /internal/i.test(k) &&
            bare(k.replace(/internal/i, '')) === bare(key.replace(/public|external/i, '')),
        );
        if (!internalKey) continue;
        let host: string;
        try {
          host = new URL(value).hostname;
        } catch {
          continue;
        }
        // localhost is another mistake (the browser's own machine), not a cluster name.
        if (!CLUSTER_HOST.test(host) || host === 'localhost') continue;
        const pod = String(o.args['name'] ?? '');
        const quoted = `"${clip(line.trim(), 200)}"`;
        return [
          {
            weight: 87 + bonus(pod, ctx.hints),
            object: `the ${key} setting`,
            cause: `${key} is set to ${value}, a cluster-internal name (${quoted}): it is the address the program hands to users' browsers, since it keeps a separate ${internalKey} (${settings.get(internalKey)!.value}) for its own server-to-server calls, and a browser outside the cluster cannot resolve or reach ${host}, a Service name only the cluster's DNS knows. The server-side checks pass through the internal address, which is why saving the settings works while clients cannot reach the server`,
            evidence: [
              `get_pod_logs ${pod}: ${quoted}`,
              `get_pod_logs ${pod}: "${clip(settings.get(internalKey)!.line.trim(), 200)}"`,
            ],
            advice: `set ${key} to the server's public address (the host its Ingress serves, over https), and keep the cluster-internal name in ${internalKey}`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
