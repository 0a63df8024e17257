import { quietLogs } from './app-errors.js';
import { type Analyzer, clipAround, outputs } from './types.js';

/**
 * A person who saw their browser ask for a user name and password: the words a report of such a
 * prompt uses, and the browsers' own dialog wording (Firefox's "This site is asking you to sign in",
 * Safari's "you must log in to this area", Chrome's "Sign in to access this site"). Alternatives of fixed
 * words only (no nested repetition).
 */
const PROMPT =
  /\b(?:user ?name and (?:a )?password|password prompt|login prompt|log-?in (?:popup|dialog|box)|credentials? (?:prompt|popup|dialog)|asks? for (?:a |my |our )?(?:user ?name|password|credentials|login)|asking for (?:a |my |our )?(?:user ?name|password|credentials|login)|basic[- ]auth(?:entication)? (?:prompt|popup|dialog)|authentication (?:prompt|popup|dialog|required)|asking you to sign in|must log in to this area|sign in to access this site)\b/i;

/** A DNS name with at least one dot and a top-level label of letters (`staging-docs.cms-preview.example`). */
const HOST = /\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9][a-z0-9-]{0,62}){0,6}\.[a-z]{2,24}\b/gi;

/**
 * What a log line says the page pulls from a URL, by the key or word right before it (within
 * `BEFORE` characters): an image (Open Graph's `og:image`, `twitter:image`, an `<img src=`), a script, a
 * stylesheet, a font. Anchored to the end of the text before the URL, so a word elsewhere on the line
 * (`"images":0` after a fetched page's URL) does not count.
 */
const EMBEDDED: readonly [RegExp, string][] = [
  [/\b(?:og|twitter):image\b[^\n]{0,12}$/i, "the page's preview image"],
  [/\b(?:image|img|picture|thumbnail|favicon|icon|avatar|logo)s?\b[^\n]{0,24}$/i, 'an image the page shows'],
  [/\b(?:script|javascript|js)\b[^\n]{0,24}$/i, 'a script the page loads'],
  [/\b(?:stylesheet|css|font)s?\b[^\n]{0,24}$/i, 'a stylesheet or font the page loads'],
];
/** How far before a URL the word that says what it is may stand. */
const BEFORE = 40;

/**
 * A URL's scheme and host, its slashes plain or escaped as JSON encoders may write them (PHP's
 * json_encode: `https:\/\/cdn.example\/a.png`).
 */
const URL_HOST =
  /\b[a-z][a-z0-9+.-]{0,15}:(?:\\?\/){2}([a-z0-9](?:[a-z0-9-]{0,62}\.){1,6}[a-z]{2,24})(?![\w.-])/gi;
/** An access log's referer field: the quoted URL after the status and the size (`" 200 5120 "https://…`). */
const REFERER_BEFORE = /" \d{3} (?:\d{1,15}|-) "$/;
/** At most this many hosts of the task are looked for. */
const MAX_HOSTS = 20;

/** The hosts the namespace's own objects name: its Ingresses' hosts, the hosts in its workloads' settings. */
function ownHosts(seen: Parameters<typeof outputs>[0], ns: string): Set<string> {
  const own = new Set<string>();
  for (const o of [
    ...outputs(seen, 'list_resources', (x) => x.args['namespace'] === ns),
    ...outputs(seen, 'describe_deployment', (x) => x.args['namespace'] === ns),
    ...outputs(seen, 'get_resource', (x) => x.args['namespace'] === ns),
    ...outputs(seen, 'describe_resource', (x) => x.args['namespace'] === ns),
  ]) {
    // Every host those outputs name (an Ingress rule's, a setting's public address): left out, so a host
    // the namespace serves is never taken for another site.
    for (const m of o.content.slice(0, 200_000).matchAll(HOST)) own.add(m[0].toLowerCase());
  }
  return own;
}

/**
 * A healthy namespace, and a person whose browser asked for a user name and password "for" a host: when
 * a log line the agent read shows that host in a URL of something the page embeds (a preview image named
 * by `og:image`, a picture, a script), the prompt is that other site's own HTTP authentication (RFC 7235:
 * a `401` with `WWW-Authenticate`, which browsers answer with a login dialog for the host that sent it),
 * met by the browser while it loads that resource; the application neither asked for the password nor
 * sees it. A note only, and only where nothing fails (`quietLogs`); the host must be one the task names
 * and not one the namespace serves itself.
 */
export const foreignHostPromptAnalyzer: Analyzer = {
  name: 'foreign-host-prompt',
  reads: () => [],
  finds: () => [],
  notes({ task, ns, seen }): string[] {
    const asked = task.slice(0, 4000);
    if (!PROMPT.test(asked)) return [];
    const logs = quietLogs(seen, ns);
    if (!logs || logs.length === 0) return [];
    const own = ownHosts(seen, ns);
    const named = new Set(
      [...new Set([...asked.matchAll(HOST)].map((m) => m[0].toLowerCase()))]
        .filter((h) => !own.has(h) && !/^\d/.test(h))
        .slice(0, MAX_HOSTS),
    );
    if (named.size === 0) return [];
    // One pass over each line: every URL's host is looked up among the task's hosts.
    for (const o of logs) {
      const lines = o.content.slice(-200_000).split('\n').slice(-5000);
      for (const line of lines) {
        if (line.length > 4000 || !line.includes('/')) continue;
        for (const m of line.matchAll(URL_HOST)) {
          const host = m[1]!.toLowerCase();
          if (!named.has(host)) continue;
          const before = line.slice(Math.max(0, m.index - BEFORE), m.index);
          if (REFERER_BEFORE.test(before)) continue;
          const what = EMBEDDED.find(([re]) => re.test(before.replace(/["'{}\s:=(<,]+$/, '')));
          if (!what) continue;
          const app = String(o.args['name'] ?? 'the application');
          return [
            `The login prompt is for ${host}, another site than the one this namespace serves: "${clipAround(line, host, 240)}" (${app}) shows that ${what[1]} is hosted on ${host}, so the reader's browser fetches it from that host, and that host answers with its own HTTP authentication (a 401 with WWW-Authenticate, which the browser shows as a user name and password dialog for that host). The prompt comes from that third-party host, not from this application, which neither asks for nor receives the password: it is harmless, nothing here is broken and nothing needs fixing (the owner of ${host} could make the file public, or the page could use another preview image)`,
          ];
        }
      }
    }
    return [];
  },
};
