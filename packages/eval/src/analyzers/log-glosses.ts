import { classVersionGloss, schemaGloss } from './types.js';

/**
 * What well-known error messages of widely used software mean for an incident, as an engineer who
 * has met them reads them. Each entry matches when every one of its substrings appears in the line
 * (case-insensitive; no regular expression over the untrusted line). The meanings follow the
 * projects' own documentation, cited per entry.
 */
interface Gloss {
  readonly all: readonly string[];
  readonly means: string;
}

const GLOSSES: readonly Gloss[] = [
  // Go's crypto/x509, OpenSSL and Python's ssl module: no CA bundle to verify a server's certificate.
  // https://pkg.go.dev/crypto/x509#UnknownAuthorityError ; Docker's "scratch" image holds no files.
  {
    all: ['x509: certificate signed by unknown authority'],
    means:
      "the container cannot verify the server's TLS certificate: it has no trusted CA certificates (a scratch or distroless-static base image ships no CA bundle; install ca-certificates or copy /etc/ssl/certs into the image), or the server's CA is not in its trust store",
  },
  {
    all: ['unable to get local issuer certificate'],
    means:
      "the container cannot verify the server's TLS certificate: its image has no CA bundle (trust store) holding the issuer; install ca-certificates in the image",
  },
  {
    all: ['certificate_verify_failed'],
    means:
      "the container cannot verify the server's TLS certificate: its image has no CA bundle (trust store) holding the issuer; install ca-certificates in the image",
  },
  // Elasticsearch: the flood-stage disk watermark (95 % by default) puts index.blocks.read_only_allow_delete on.
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/modules-cluster.html#disk-based-shard-allocation
  {
    all: ['read-only-allow-delete'],
    means:
      "Elasticsearch blocked writes: a data node's disk passed the flood-stage watermark (95 % by default), so its indices got the read-only-allow-delete index block and every write is refused; free or grow the data volume, then the block is lifted (automatically from 7.4 once below the high watermark)",
  },
  {
    all: ['flood stage disk watermark'],
    means:
      "Elasticsearch blocked writes: a data node's disk passed the flood-stage watermark (95 % by default), so its indices became read-only (read-only-allow-delete); free or grow the data volume",
  },
  // Redis: maxmemory reached under maxmemory-policy noeviction. https://redis.io/docs/latest/develop/reference/eviction/
  {
    all: ['oom command not allowed', 'maxmemory'],
    means:
      'Redis reached its maxmemory with maxmemory-policy noeviction, so it rejects every write (reads still work); raise maxmemory, choose an eviction policy such as allkeys-lru for a cache, or free keys',
  },
  // PostgreSQL initdb on the root of a fresh file system. https://www.postgresql.org/docs/current/app-initdb.html
  {
    all: ['initdb', 'exists but is not empty'],
    means:
      "initdb refuses a data directory that is not empty: a fresh volume's root holds lost+found, so point PGDATA at a subdirectory of the mount point (for example /var/lib/postgresql/data/pgdata)",
  },
  {
    all: ['lost+found', 'not empty'],
    means:
      "the data directory is the volume's root, which holds lost+found, so the program finds it not empty; use a subdirectory of the mount (PGDATA or a subPath)",
  },
  // PostgreSQL: max_connections exhausted. https://www.postgresql.org/docs/current/runtime-config-connection.html
  {
    all: ['too many clients already'],
    means:
      "PostgreSQL's max_connections is used up: every replica's connection pool holds connections, so replicas × pool size outgrew the limit (a scale-out adds pools); lower the per-pod pool, cap the replicas, or put a pooler such as PgBouncer in front",
  },
  {
    all: ['remaining connection slots are reserved'],
    means:
      "PostgreSQL's max_connections is used up (only the superuser slots remain): the replicas' connection pools together exceed it; lower the per-pod pool or put a pooler in front",
  },
  // glibc/pthreads: EAGAIN from fork or pthread_create is the process/thread limit (pids cgroup or the node's pid_max).
  {
    all: ['pthread_create', 'resource temporarily unavailable'],
    means:
      "the process cannot start threads: the PID limit is reached (the pod's or the node's pids limit: processes or zombie processes that are never reaped use them up), not memory or CPU",
  },
  {
    all: ['fork', 'resource temporarily unavailable'],
    means:
      "the process cannot fork: the PID limit is reached (the pod's or the node's pids limit, often zombie processes that nobody reaps), not memory or CPU",
  },
  // Flyway validates the checksum of every applied migration against its file.
  // https://documentation.red-gate.com/flyway/flyway-cli-and-api/usage/commands/validate
  {
    all: ['migration checksum mismatch'],
    means:
      'a migration that already ran was edited afterwards: Flyway compares the checksum recorded in flyway_schema_history with the file and refuses to start on a mismatch; revert the edit to the applied migration (put changes in a new migration), or run flyway repair if the edit is deliberate',
  },
  // Prometheus TSDB takes an exclusive lock file in its data directory.
  // https://prometheus.io/docs/prometheus/latest/storage/
  {
    all: ['lock db directory'],
    means:
      "another Prometheus process holds the TSDB's exclusive lock: two replicas share one data volume; give each replica its own volume (a StatefulSet with volumeClaimTemplates) or run one replica",
  },
  // PostgreSQL server-side prepared statements behind a transaction-mode pooler (PgBouncer).
  // https://www.pgbouncer.org/features.html (prepared statements in transaction pooling)
  {
    all: ['prepared statement', 'already exists'],
    means:
      "server-side prepared statements are lost or repeated across server connections: a pooler in transaction pooling mode (PgBouncer pool_mode = transaction) gives each transaction another server connection; use session pooling, enable the pooler's prepared-statement support, or turn the driver's server-side prepare off (prepareThreshold=0)",
  },
  {
    all: ['prepared statement', 'does not exist'],
    means:
      "server-side prepared statements are lost across server connections: a pooler in transaction pooling mode (PgBouncer pool_mode = transaction) gives each transaction another server connection; use session pooling or turn the driver's server-side prepare off (prepareThreshold=0)",
  },
  // Go's net/http rejects header values with control characters; a token read from a file keeps its newline.
  // https://pkg.go.dev/net/http (ValidHeaderFieldValue)
  {
    all: ['invalid header field value'],
    means:
      "the header value holds a control character, most often the trailing newline of a token or password read from a file (kubectl create secret --from-file keeps the file's final newline); store the value without the newline or trim it",
  },
  {
    all: ['too many open files'],
    means:
      'the process ran out of file descriptors (its open-files limit, ulimit -n): a descriptor leak or a limit too low for its connections',
  },
];

/** What a log line means, when it is a well-known error; undefined otherwise. */
export function logGloss(line: string): string | undefined {
  const schema = schemaGloss(line) ?? classVersionGloss(line);
  if (schema) return schema;
  const l = line.slice(0, 4096).toLowerCase();
  return GLOSSES.find((g) => g.all.every((w) => l.includes(w)))?.means;
}

/** The first line of a text that has a gloss, with its meaning. */
export function glossedLine(text: string): { line: string; means: string } | undefined {
  for (const line of text.split('\n').slice(0, 5000)) {
    if (line.startsWith('(no log lines')) continue;
    const means = logGloss(line);
    if (means) return { line, means };
  }
  return undefined;
}
