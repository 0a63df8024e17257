import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  knownNamespaces,
  outputs,
} from './types.js';

/**
 * A database refusing a record that is already there, as PostgreSQL (`duplicate key value violates unique
 * constraint`), MySQL (`Duplicate entry '…' for key`) and MongoDB (`E11000 duplicate key error`) say it.
 */
const DUPLICATE =
  /duplicate key value violates unique constraint|\bDuplicate entry '[^'\n]{0,200}' for key\b|\bE11000 duplicate key error\b/;
/** A variable that holds where the database is (`DISCOURSE_DATABASE_HOST`, `DB_HOST`, `POSTGRES_HOST`, `DATABASE_URL`). */
const DB_VARIABLE =
  /(?:DB|DATABASE|POSTGRES(?:QL)?|PG|MYSQL|MARIADB|MONGO(?:DB)?)\w{0,40}(?:HOST|URL|URI|DSN|ADDR)\w{0,10}$/i;
/** A Service's DNS name with its namespace: `<service>.<namespace>` or `.svc`, `.svc.cluster.local` after it. */
const SERVICE_HOST =
  /(?:^|[/@])([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.svc(?:\.[a-z0-9.-]{1,100})?)?(?=$|[:/?])/;

interface Seeded {
  pod: string;
  container: string;
  variable: string;
  value: string;
  service: string;
  namespace: string;
  line: string;
  detail?: string;
  ownService: boolean;
}

/**
 * The first crashing pod whose log ends on a record the database already holds, while one of its
 * variables points the program at a database Service of another namespace.
 */
function seeded(ctx: AnalyzerContext): Seeded | undefined {
  const namespaces = knownNamespaces(ctx.seen);
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const pod = String(log.args['name'] ?? '');
    const described = outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
    ).pop();
    // A pod that restarted: its description shows a Last State.
    if (!described || !/^\s*Last State:\s+Terminated/m.test(described.content)) continue;
    const lines = boundedLogLines(log.content);
    const at = lines.findIndex((l) => l.length <= 4000 && DUPLICATE.test(l));
    if (at < 0) continue;
    const detail = lines.slice(at + 1, at + 3).find((l) => /\balready exists\b/.test(l));
    for (const s of containerSections(described.content).filter((x) => !x.init)) {
      for (const e of envOf(s.body)) {
        if (!DB_VARIABLE.test(e.name)) continue;
        const m = SERVICE_HOST.exec(e.value.slice(0, 500));
        // `.svc` says the second label is a namespace; without it, only a namespace known to exist.
        if (!m || m[2] === ctx.ns || !(m[3] || namespaces.has(m[2]!))) continue;
        const services = outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns).flatMap(
          (o) => parseTable(o.content.slice(0, 100_000)).map((r) => r['NAME'] ?? ''),
        );
        return {
          pod,
          container: s.name,
          variable: e.name,
          value: e.value,
          service: m[1]!,
          namespace: m[2]!,
          line: lines[at]!.trim(),
          ...(detail ? { detail: detail.trim() } : {}),
          ownService: services.includes(m[1]!),
        };
      }
    }
  }
  return undefined;
}

/**
 * A new install that crashes creating what its database already holds (the admin user, the first
 * records: a unique-key violation) because its database host names another namespace's Service
 * (`postgresql.community-staging.svc`): a copied values file keeps the other install's host, so the new
 * install seeds a database the other one populated long ago. The namespace's own database, when a Service of
 * that name exists there, is the one it should use.
 */
export const seededElsewhereAnalyzer: Analyzer = {
  name: 'seeded-elsewhere',
  reads(ctx) {
    const s = seeded(ctx);
    if (!s || outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns).length) return [];
    return [{ tool: 'list_services', args: { namespace: ctx.ns } }];
  },
  finds(ctx): Finding[] {
    const s = seeded(ctx);
    if (!s) return [];
    const own = s.ownService ? `, not this namespace's own ${s.service} Service in ${ctx.ns}` : '';
    return [
      {
        weight: 87,
        object: `pod ${s.pod} in ${ctx.ns}`,
        cause: `the ${s.container} container crashes setting up its database because the database already holds what it creates: "${clip(s.line, 200)}"${s.detail ? ` (${clip(s.detail, 120)})` : ''}; its ${s.variable} is ${clip(s.value, 120)}, the ${s.service} database of another namespace (${s.namespace}), which an install there already populated${own}; so this install seeds a database that is in use and fails`,
        evidence: [
          `describe_pod ${s.pod}: ${s.variable}=${clip(s.value, 120)}`,
          `previous logs: "${clip(s.line, 200)}"`,
        ],
        advice: `point ${s.variable} at ${s.ownService ? `${s.service} in ${ctx.ns} (this install's own database)` : `a database of ${ctx.ns}`}; check what this install wrote into the ${s.namespace} database before it crashed`,
      },
    ];
  },
};
