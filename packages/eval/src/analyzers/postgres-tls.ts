import { envOf, loggedContainers } from './env-values.js';
import {
  type Analyzer,
  clipAround,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/**
 * How PostgreSQL clients say they require TLS from a server that offers none: lib/pq (Go, whose
 * default sslmode is `require`), libpq (psql, psycopg), pgx, node-postgres and pgJDBC.
 */
const NO_SERVER_TLS = [
  'SSL is not enabled on the server',
  'server does not support SSL, but SSL was required',
  'server refused TLS connection',
  'The server does not support SSL connections',
  'The server does not support SSL.',
];

const PG_URL = /^(?:jdbc:)?postgres(?:ql)?:\/\//;

/** The URL with `sslmode=<mode>`: an existing sslmode replaced, else the parameter appended. */
export function withSslmode(url: string, mode: 'disable' | 'require'): string {
  if (/[?&]sslmode=/.test(url)) return url.replace(/([?&])sslmode=[^&#]{0,64}/, `$1sslmode=${mode}`);
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  return `${base}${base.includes('?') ? '&' : '?'}sslmode=${mode}${hash < 0 ? '' : url.slice(hash)}`;
}

/** The URL with `sslmode=disable`. */
export function withSslmodeDisable(url: string): string {
  return withSslmode(url, 'disable');
}

/**
 * The server's refusal of a connection without TLS: pg_hba.conf has only `hostssl` lines for it (RDS
 * with rds.force_ssl, the default from PostgreSQL 15 on RDS; Azure and Cloud SQL with SSL enforced).
 */
function refusesPlain(line: string): boolean {
  return line.includes('no pg_hba.conf entry for host') && line.includes('no encryption');
}

/**
 * A PostgreSQL client that requires TLS (lib/pq's default sslmode is `require`) against a server
 * without it (the Bitnami chart, the official image's default): every connection ends at the TLS
 * request, so the program stops at start. The connection URL in the container's environment (the one
 * variable holding a postgres:// URL) gets `sslmode=disable` through `set_env`; enabling TLS on the
 * server is the other way out.
 */
export const postgresTlsAnalyzer: Analyzer = {
  name: 'postgres-tls',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      let said: string | undefined;
      const line = log.content.split('\n').find((l) => {
        said = NO_SERVER_TLS.find((s) => l.includes(s)) ?? (refusesPlain(l) ? 'no encryption' : undefined);
        return said !== undefined;
      });
      if (!line || !said) continue;
      // Which way round: the client asks for TLS the server lacks, or the server demands TLS the
      // client turned off (sslmode=disable).
      const mode = said === 'no encryption' ? 'require' : 'disable';
      const logged = loggedContainers(seen, ns, log);
      if (!logged) continue;
      const { pod, described: d } = logged;
      for (const c of logged.containers) {
        if (c.init) continue;
        const urls = envOf(c.body).filter((e) => PG_URL.test(e.value));
        if (urls.length !== 1) continue;
        const { name: variable, value } = urls[0]!;
        if (mode === 'disable' ? /[?&]sslmode=disable\b/.test(value) : !/[?&]sslmode=disable\b/.test(value))
          continue;
        const owner = ownerDeployment(d.content);
        const fixed = withSslmode(value, mode);
        const out: Finding = {
          weight: 89,
          object: podObject(owner, pod),
          cause:
            mode === 'disable'
              ? `the container ${c.name} cannot connect to PostgreSQL: the client requires TLS (SSL) and the server does not offer it ("${said}"); ${variable} sets no sslmode, and lib/pq's default is sslmode=require (libpq's prefer would fall back), so every connection fails and the program exits. The database is up; the connection string needs sslmode=disable (or the server needs TLS enabled)`
              : `the container ${c.name} cannot connect to PostgreSQL: the server accepts only TLS connections (its pg_hba.conf has no entry for a connection without encryption: "no pg_hba.conf entry … no encryption", as RDS does with rds.force_ssl) and ${variable} sets sslmode=disable, so every connection is refused; it is not a wrong password or a firewall. The connection string needs sslmode=require`,
          evidence: [
            `previous logs of ${pod}: ${clipAround(line, said, 200)}`,
            `describe_pod ${pod}: ${variable} ${mode === 'disable' ? 'has no sslmode' : 'sets sslmode=disable'}`,
          ],
          advice:
            mode === 'disable'
              ? `add sslmode=disable to ${variable} (or enable TLS on the PostgreSQL server)`
              : `set sslmode=require in ${variable}`,
          ...envFix(
            ns,
            owner,
            c.name,
            [{ name: variable, value: fixed }],
            mode === 'disable'
              ? `set ${variable} of ${owner}/${c.name} to the same URL with sslmode=disable, since the server offers no TLS`
              : `set ${variable} of ${owner}/${c.name} to the same URL with sslmode=require, since the server accepts only TLS`,
          ),
        };
        return [out];
      }
    }
    return [];
  },
};
