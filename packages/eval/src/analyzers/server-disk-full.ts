import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  outputs,
  podsOf,
  type Read,
  serviceHost,
} from './types.js';

/**
 * A database server's own words for a full disk, relayed by its client: PostgreSQL's "could not extend
 * file" / "could not write to file" with ENOSPC (SQLSTATE 53100, disk_full; psycopg's DiskFull).
 */
const SERVER_FULL = /DiskFull|could not (?:extend|write to) file[^\n]{0,200}No space left on device/;
/** A host in a connection string or host variable (`postgresql://u@host:5432/db`, `//host/db`, `host=…`), the user's `@` first. */
const HOSTS = [
  /@([a-z0-9][a-z0-9.-]{2,200})/,
  /\/\/([a-z0-9][a-z0-9.-]{2,200})/,
  /\bhost=([a-z0-9][a-z0-9.-]{2,200})/,
  /^([a-z0-9][a-z0-9.-]{2,200})$/,
];
/** PostgreSQL's CONTEXT line for the statement that was running (`CONTEXT:  COPY clickstream_events_2025, line 611204388`). */
const CONTEXT = /CONTEXT:\s+(COPY [^\s,]{1,100}|INSERT INTO [^\s(]{1,100}|CREATE INDEX[^\n]{0,80})/;

/** The database server a client that relays the disk-full error connects to, from its environment. */
function server(
  ctx: AnalyzerContext,
): { client: string; line: string; service: string; namespace: string } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && SERVER_FULL.test(l));
    if (!line) continue;
    const client = String(o.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === client).pop();
    for (const c of described ? containerSections(described.content) : [])
      for (const e of envOf(c.body)) {
        const host = HOSTS.map((re) => re.exec(e.value)?.[1]).find((h) => h !== undefined);
        const svc = host ? serviceHost(host) : undefined;
        if (svc && svc.namespace !== ctx.ns) return { client, line: line.trim(), ...svc };
      }
  }
  return undefined;
}

/**
 * A client fails its writes with the database server's disk-full error: the disk that is full is the
 * server's (its data volume), not the client's, and whatever filled it is another writer; the server's
 * own log names the statement that ran when it first ran out (PostgreSQL prints a CONTEXT line under the
 * error: a bulk COPY, a large INSERT, an index build). Reads: the server's pod (in the namespace its
 * Service host names) and its containers' logs. Finds: the first disk-full error in the server's log
 * with its statement. The client's release is sound.
 */
export const serverDiskFullAnalyzer: Analyzer = {
  name: 'server-disk-full',
  first: true,
  reads(ctx): Read[] {
    const s = server(ctx);
    if (!s) return [];
    const pods = podsOf(ctx.seen, s.namespace);
    if ('read' in pods) return [pods.read];
    const pod = pods.rows.find((r) => (r['NAME'] ?? '').startsWith(s.service) && r['STATUS'] === 'Running');
    if (!pod) return [];
    const name = pod['NAME'] ?? '';
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === name).pop();
    if (!described) return [{ tool: 'describe_pod', args: { namespace: s.namespace, name } }];
    const first = containerSections(described.content).find((c) => !c.init);
    if (!first || outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name).length) return [];
    return [{ tool: 'get_pod_logs', args: { namespace: s.namespace, name, container: first.name } }];
  },
  finds(ctx): Finding[] {
    const s = server(ctx);
    if (!s) return [];
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === s.namespace)) {
      const lines = o.content.slice(-200_000).split('\n').slice(-5000);
      const at = lines.findIndex((l) => l.length <= 4000 && /No space left on device/.test(l));
      if (at < 0) continue;
      const context = lines
        .slice(at, at + 3)
        .map((l) => CONTEXT.exec(l)?.[1])
        .find((c) => c !== undefined);
      const pod = String(o.args['name']);
      return [
        {
          weight: 86,
          object: `database ${pod} (namespace ${s.namespace})`,
          cause: `the disk that is full is the database server's, not ${s.client}'s: ${s.client} relays the server's error ("${clip(s.line, 160)}"), and ${pod} in namespace ${s.namespace} logs it itself, first at "${clip(lines[at]!.trim(), 160)}"${context ? ` while running ${context}: a bulk load (a backfill or import writing into it) filled the data volume, and every writer fails since` : ', so every write that needs a new page fails'}. ${s.client}'s own release is not the cause`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(lines[at]!.trim(), 200)}"`,
            `get_pod_logs ${s.client}: "${clip(s.line, 160)}"`,
          ],
          advice: `free space on ${pod}'s data volume (stop or clean up the load that filled it${context ? `, ${context.split(' ')[0]} into ${context.split(' ')[1]}` : ''}) or grow its claim; do not roll back the clients`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
