import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  cutNoticeAt,
  namespaceNames,
  outputs,
  podListOf,
  programLines,
  runningPerWorkload,
} from './types.js';

/**
 * The reason phrases of the HTTP status codes an answer about an error ratio names (RFC 9110 §15, and
 * nginx's own 499 for a client that closed the connection first).
 */
const REASON: Readonly<Record<string, string>> = {
  '400': 'Bad Request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not Found',
  '405': 'Method Not Allowed',
  '408': 'Request Timeout',
  '409': 'Conflict',
  '410': 'Gone',
  '413': 'Content Too Large',
  '414': 'URI Too Long',
  '416': 'Range Not Satisfiable',
  '421': 'Misdirected Request',
  '429': 'Too Many Requests',
  '431': 'Request Header Fields Too Large',
  '499': 'client closed the request (nginx)',
  '500': 'Internal Server Error',
  '501': 'Not Implemented',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
  '504': 'Gateway Timeout',
};

/** At most this many characters of a line are read for its request and status. */
const MAX_LINE = 4000;

/**
 * The status of an access-log line: the three digits after the quoted request line of the common and
 * combined log formats (`"GET /x HTTP/1.1" 416 0`, as nginx and Apache write them), or a `status=416` /
 * `"status":416` field. Read with indexOf: no pattern runs over the untrusted line.
 */
export function accessStatus(line: string): string | undefined {
  const l = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  const http = l.indexOf(' HTTP/');
  if (http > 0) {
    const close = l.indexOf('" ', http);
    if (close > 0 && close - http <= 12) {
      const code = l.slice(close + 2, close + 5);
      if (/^[1-5]\d\d$/.test(code) && !/\d/.test(l[close + 5] ?? '')) return code;
    }
  }
  for (const key of ['status=', '"status":', 'status_code=', '"status_code":']) {
    // Each occurrence, as a key of its own (`upstream_status=` is another field).
    for (let at = l.indexOf(key); at >= 0; at = l.indexOf(key, at + key.length)) {
      if (!key.startsWith('"') && /[\w-]/.test(l[at - 1] ?? '')) continue;
      // JSON may put a space after the colon, or the number in quotes.
      let from = at + key.length;
      if (key.startsWith('"')) {
        while (l[from] === ' ' && from - at < key.length + 4) from++;
        if (l[from] === '"') from++;
      }
      const code = l.slice(from, from + 3);
      if (/^[1-5]\d\d$/.test(code) && !/\d/.test(l[from + 3] ?? '')) return code;
    }
  }
  return undefined;
}

/**
 * A 416 whose requested range starts at or after the file's end, as the line shows both
 * (`range="bytes=734003200-" size=734003200`): the server's answer is the correct one (RFC 9110
 * §14.1.2 and §15.5.17: a range whose first byte is past the representation's end is unsatisfiable).
 */
function rangeAtEnd(line: string): boolean {
  const r = line.indexOf('bytes=');
  if (r < 0) return false;
  const start = /^(\d{1,15})-/.exec(line.slice(r + 6, r + 30))?.[1];
  const s = line.search(/\bsize=\d/);
  const size = s < 0 ? undefined : /^size=(\d{1,15})/.exec(line.slice(s, s + 25))?.[1];
  return start !== undefined && size !== undefined && Number(start) >= Number(size);
}

/** The status classes (`4`, `5`) and codes (`416`) a task asks about: `4xx`, `5xx`, or a known code. */
function askedCodes(task: string): { classes: Set<string>; codes: Set<string> } {
  const text = task.slice(0, 4000).toLowerCase();
  const classes = new Set<string>();
  for (const m of text.matchAll(/\b([45])xx(?:e?s)?\b/g)) classes.add(m[1]!);
  const codes = new Set<string>();
  for (const m of text.matchAll(/\b([45]\d\d)\b/g)) if (REASON[m[1]!]) codes.add(m[1]!);
  return { classes, codes };
}

/**
 * The `search_pod_logs` pattern (literal alternatives) for the codes asked: each asked class by its first
 * digit and each code in full, as the common log format (`" 5`), logfmt (`status=5`) and JSON
 * (`"status":5`, `"status": 5`, `"status":"5`) write them; the lines found are read by `accessStatus`.
 */
function statusPattern(classes: ReadonlySet<string>, codes: ReadonlySet<string>): string {
  const forms = (d: string) => [`" ${d}`, `status=${d}`, `"status":${d}`, `"status": ${d}`, `"status":"${d}`];
  const alternatives = [
    ...[...classes].flatMap(forms),
    ...[...codes].filter((c) => !classes.has(c[0]!)).flatMap(forms),
  ];
  // Whole alternatives only, within the tool's 500 characters.
  let pattern = '';
  for (const alt of alternatives) {
    const next = pattern ? `${pattern}|${alt}` : alt;
    if (next.length > 500) break;
    pattern = next;
  }
  return pattern;
}

/** Whether a status search's pattern covers a code: an alternative that ends in the code or its class digit. */
function covers(pattern: string, code: string): boolean {
  return pattern.split('|').some((alt) => {
    const d = /(\d{1,3})\s*"?\s*$/.exec(alt)?.[1];
    return d !== undefined && (d === code || (d.length === 1 && code.startsWith(d)));
  });
}

/**
 * A task about a class of HTTP answers (`4xx`) or a code (`416`): when a current log read in the
 * namespace holds access-log lines and the tool cut it to its tail, a search of that pod's whole log for
 * the asked codes as the common log format writes them (`" 416 `) and as `status=416`, so the answer can
 * say which codes the alert counted. Finds nothing itself; `askedStatuses` says what the search shows.
 */
export const askedStatusesAnalyzer: Analyzer = {
  name: 'asked-statuses',
  reads({ task, ns, seen }) {
    const { classes, codes } = askedCodes(task);
    if (classes.size === 0 && codes.size === 0) return [];
    const pattern = statusPattern(classes, codes);
    // A task that says the ingress counted them: the ingress controller's own access log, in the
    // namespace named for it (ingress-nginx), one running pod of it.
    if (/\bingress\b/i.test(task.slice(0, 4000))) {
      const at = namespaceNames(seen).find((n) => n !== ns && /ingress/.test(n));
      if (at) {
        const listed = podListOf(seen, at);
        if (!listed) return [{ tool: 'list_pods', args: { namespace: at } }];
        const pod = runningPerWorkload(listed.content, 1)[0];
        if (
          pod &&
          !outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === at && o.args['name'] === pod).length
        )
          return [{ tool: 'get_pod_logs', args: { namespace: at, name: pod } }];
      }
    }
    for (const o of outputs(seen, 'get_pod_logs', (o) => !o.args['previous'])) {
      const lines = o.content.split('\n', 3);
      if (cutNoticeAt(lines) < 0) continue;
      if (!programLines(boundedLogLines(o.content)).some((l) => accessStatus(l) !== undefined)) continue;
      const args: Record<string, unknown> = {
        namespace: o.args['namespace'] ?? ns,
        name: o.args['name'],
        pattern,
        context: 0,
        maxMatches: 50,
      };
      if (o.args['container'] !== undefined) args['container'] = o.args['container'];
      return [{ tool: 'search_pod_logs', args }];
    }
    return [];
  },
  finds: () => [],
};

/**
 * For an answer that found no fault, when the task asks about a class of HTTP answers (`4xx`, `5xx`) or
 * names a status code: which codes of that class the access-log lines read hold, how many of each among
 * the requests logged, with their reason phrases, and what a 416 for a range at the file's end or a
 * single error among many requests means. Only current logs of any namespace that were read
 * (`get_pod_logs` without `previous`). Returns one sentence, or none.
 */
export function askedStatuses({ task, seen }: AnalyzerContext): string[] {
  const { classes, codes } = askedCodes(task);
  if (classes.size === 0 && codes.size === 0) return [];
  const asked = (code: string) => classes.has(code[0]!) || codes.has(code);
  const count = new Map<string, number>();
  const lines = new Map<string, string[]>();
  let requests = 0;
  // Per pod: a search of its log for the codes counts them over the whole log (each match line once,
  // by its number); else the lines of its log read. Requests are counted from the logs read.
  // Searches for status codes (`" 416 `, `status=416`), not for other words.
  const searched = outputs(
    seen,
    'search_pod_logs',
    (o) =>
      !o.args['previous'] && /" [1-5](?:\d\d )?|status"?:? ?"?=?[1-5]/.test(String(o.args['pattern'] ?? '')),
  );
  const patternsOf = new Map<string, string[]>();
  for (const o of searched) {
    const k = `${o.args['namespace'] ?? ''}/${o.args['name'] ?? ''}`;
    patternsOf.set(k, [...(patternsOf.get(k) ?? []), String(o.args['pattern'] ?? '')]);
  }
  const add = (line: string) => {
    const code = accessStatus(line);
    if (!code || !asked(code)) return;
    count.set(code, (count.get(code) ?? 0) + 1);
    lines.set(code, [...(lines.get(code) ?? []), line]);
  };
  for (const o of outputs(seen, 'get_pod_logs', (o) => !o.args['previous'])) {
    const patterns = patternsOf.get(`${o.args['namespace'] ?? ''}/${o.args['name'] ?? ''}`) ?? [];
    for (const line of programLines(boundedLogLines(o.content))) {
      const code = accessStatus(line);
      if (code === undefined) continue;
      requests++;
      // A code a search of this pod looked for is counted from the search (the whole log).
      if (!patterns.some((p) => covers(p, code))) add(line);
    }
  }
  const numbered = new Set<string>();
  for (const o of searched)
    for (const l of boundedLogLines(o.content)) {
      const n = /^(\d{1,7}):/.exec(l)?.[1];
      const key = `${o.args['namespace'] ?? ''}/${o.args['name'] ?? ''}/${o.args['container'] ?? ''}:${n}`;
      if (n === undefined || numbered.has(key)) continue;
      numbered.add(key);
      add(l.slice(n.length + 1));
    }
  if (count.size === 0) return [];
  const parts = [...count]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 6)
    .map(([code, n]) => {
      const reason = REASON[code];
      let part = `${code}${reason ? ` ${reason}` : ''} ×${n}`;
      const of = lines.get(code) ?? [];
      if (code === '416' && of.length > 0 && of.every(rangeAtEnd))
        part += ` (every one asks for a range that starts at or after the end of the file, e.g. bytes=N- of a file of N bytes: 416 is the correct answer to such a request, which players send when they probe the end of a file, not a failure)`;
      else if (n === 1 && searched.length > 0)
        part += ' (a single one in the log lines searched, not a recurring failure)';
      else if (n === 1 && requests >= 5)
        part += ` (a single one among the ${requests} requests logged, not a recurring failure)`;
      return part;
    });
  const total = [...count.values()].reduce((a, b) => a + b, 0);
  return [
    `Status codes of the answers asked about in the log lines read: ${parts.join(', ')}${searched.length === 0 ? `; ${total} of ${requests} requests logged` : ''}.`,
  ];
}
