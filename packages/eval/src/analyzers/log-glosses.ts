import { memoByText } from './memo.js';
import { classVersionGloss, schemaGloss } from './types.js';

/**
 * What well-known error messages of widely used software mean for an incident, as an engineer who
 * has met them reads them. Each entry matches when every one of its substrings appears in the line
 * (case-insensitive; no regular expression over the untrusted line). The meanings follow the
 * projects' own documentation, cited per entry.
 */
interface Gloss {
  readonly all: readonly string[];
  /** Substrings that rule the entry out (a Java ForkJoinPool is not fork(2)). */
  readonly none?: readonly string[];
  readonly means: string;
  /**
   * The message says what was refused, not why (credentials refused, a name that does not resolve):
   * the cause lies elsewhere (a Secret, a controller, DNS), so a finding built on it weighs less.
   */
  readonly symptom?: true;
  /**
   * The server the program calls refused for a reason of its own state (sealed, read-only, shutting
   * down): the client's release is not at fault, so no rollback follows from it.
   */
  readonly serverSide?: true;
}

/** A publisher's connection blocked by RabbitMQ's disk alarm (https://www.rabbitmq.com/docs/connection-blocked). */
const BLOCKED_DISK =
  'the broker (RabbitMQ) blocked this publishing connection because its disk alarm is set (connection.blocked, "low on disk"): its free disk space is below disk_free_limit, and while the alarm is set it stops reading from every publisher, so publishes hang and time out though the broker pod is up and consumers keep working; compare the broker\'s free disk with its disk_free_limit (a limit above what the volume can have free, such as an image\'s default sized from the memory limit, keeps the alarm set) and free space or lower the limit';
/** A publisher's connection blocked by RabbitMQ's memory alarm (https://www.rabbitmq.com/docs/connection-blocked). */
const BLOCKED_MEMORY =
  'the broker (RabbitMQ) blocked this publishing connection because its memory alarm is set (connection.blocked, "low on memory"): its memory use passed vm_memory_high_watermark, and while the alarm is set it stops reading from every publisher, so publishes hang and time out; find what holds the broker\'s memory (unconsumed queues) or raise the watermark';

/** A Go program that found a config value of another type than it reads (see its entries). */
const GO_CONFIG_TYPE =
  'the program read a setting of its configuration file as one type and found another (the panic names both: the value it found, then the type it expected): the setting at that line holds, for example, true or false where the program wants a number or a size. Give the setting a value of the type it expects';

/** SonarQube waiting for its database's migration (see its entries). */
const SONAR_MIGRATION =
  "the server runs a newer SonarQube version than the one that last wrote its database, whose schema has not been migrated to it yet: it waits in maintenance (its api/system/status says DB_MIGRATION_NEEDED, never UP, so a readiness check for UP keeps failing) until an administrator starts the database migration at <server>/setup or with POST api/system/migrate_db; nothing else is broken. If nobody chose the upgrade, the image's tag is a floating one (lts, latest, community) that pulled a new release when the pod started again: back up the database and run the migration, or pin the image to the version that ran before";

/** minio-go's refusal of an empty S3 endpoint (see its entries). */
const MINIO_EMPTY_ENDPOINT =
  "the S3 client (minio-go) was given an empty endpoint: the object store's URL is not set (the file store's url or endpoint field, or the variable it comes from, is empty), so no client can be made and whatever needs the store stops there; set the endpoint to the S3 service's host and port";

/** RabbitMQ nodes that disagree on the cluster's members (see its entries). */
const INCONSISTENT_CLUSTER =
  "the node and its peer disagree on who is in the cluster: cluster membership is kept in each node's data directory (its Mnesia or Khepri metadata on its volume), and a node that came back with an empty or replaced data directory (a new volume or PersistentVolumeClaim, a reset) started a new cluster of its own, which the old members refuse to merge with. It is not a network partition. Reset that node and join it to the existing cluster again (rabbitmqctl stop_app, reset, join_cluster), or bring its old volume back";

/** Prometheus' remote-write receiver's refusal of an older sample of the same series (see its entries). */
const OUT_OF_ORDER =
  'the receiver already holds a newer sample of this exact series (same metric name and labels) than the one just written, so two writers send the same series: two Prometheus instances without distinct external labels (an HA pair), or the same recording rule evaluated in two places (at the edge and again at the hub) and written to one store; the samples of one of them are refused. Give each writer its own external label (replica, cluster), or evaluate each rule group in one place only';

/** Envoy's UO response flag: its cluster's circuit breaker answered (see its entries). */
const ENVOY_UO =
  "Envoy answered 503 itself with response flag UO (upstream overflow): the cluster's circuit breaker tripped (its circuit_breakers thresholds: max_pending_requests, max_requests or max_connections reached), so the request never reached a backend, which may well be idle; compare the thresholds in the Envoy configuration with the traffic (Envoy's defaults are 1024 each; a configuration may set them far lower) and raise them, or add backends";

/** A 32-bit integer column's limit passed (PostgreSQL's int4; see its entries). */
const INT4_OVERFLOW =
  'a value is larger than a 32-bit integer column can hold (integer, int4: at most 2147483647), such as an id from a wider number space or a counter that grew; the row is refused. Change the column to bigint (and any column or parameter that carries the value)';

/** Kestrel's late heartbeat (see its entries). */
const KESTREL_HEARTBEAT =
  "Kestrel's once-a-second heartbeat ran late: the .NET thread pool is starved. Its threads are blocked (typically sync-over-async code waiting on a task with .Result or .Wait(), or a lock), so queued work, requests included, waits for the pool to add threads one at a time while the CPU stays idle; requests take seconds with light traffic. Find where the threads block (a thread dump, dotnet-stack, or the log's own report) and make that code await instead of blocking; more CPU or more replicas of a dependency do not help";

/** MongoDB running standalone under a program that needs its oplog (see its entries). */
const MONGO_REPLICA_SET =
  "the program needs MongoDB to run as a replica set: it reads the oplog (oplog tailing or change streams), which only a replica set member keeps, and the MongoDB it connects to runs standalone (mongod started without --replSet). Start mongod with --replSet and run rs.initiate() once (a one-member replica set will do), then give the program the oplog's URL (MONGO_OPLOG_URL, the local database) if it asks for one; more memory or a rollback of the program does not make the server a replica set";

/** A program's mail through a sendmail binary its image does not have (see its entries). */
const NO_SENDMAIL =
  "the program sends mail through the sendmail command (PHP's mail() runs sendmail_path, /usr/sbin/sendmail), and the image it runs in has no sendmail: a slim or CLI image without a mail transfer agent, so every mail fails while the rest works; install a sendmail-compatible client in that image (msmtp, ssmtp) pointed at the relay, or configure the program to send over SMTP";

/** An SMTP server's refusal of the login (reply 535; see its entries). */
const SMTP_535 =
  "the mail server (SMTP) refused the login with reply 535, authentication credentials invalid (RFC 4954): the user name or password the program sends for its mailbox is not the one the mail provider has now (a password changed or an app password revoked at the provider, while the program's mail settings keep the old one), so every mail it sends fails; the mail server itself is up and answering. Set the mailbox's current password (or a new app password) in the program's mail settings";

const GLOSSES: readonly Gloss[] = [
  // serde (Rust) rejects a field a struct does not declare with "unknown field `x`, expected one of `a`,
  // `b`" (serde's de::Error::unknown_field): an API body or a configuration file of another version.
  {
    all: ['unknown field `', 'expected one of `'],
    means:
      "the program's parser (serde's wording) does not know a field it was given: the request or the file was written for another version of the program (a field renamed or removed between releases) or the field is misspelt; when one program calls another's API, the two are of versions that do not match",
  },
  // Elasticsearch and OpenSearch refuse an index whose shards would pass the cluster's open-shard limit,
  // cluster.max_shards_per_node (1,000 by default) times the data nodes, with "this action would add [N]
  // total shards, but this cluster currently has [X]/[Y] maximum shards open" (elastic.co, "Cluster-level
  // shard allocation and routing settings", cluster.max_shards_per_node).
  {
    all: ['maximum shards open'],
    means:
      "the search cluster refuses to create the index because its open shards have reached the cluster's limit, cluster.max_shards_per_node (1,000 by default) times its data nodes: the disks and the nodes are fine, there are too many shards. Old indices that a retention or lifecycle policy should have deleted or closed (often after indices were renamed and the policy's pattern no longer matches them), or many small indices, fill it; delete or close old indices (fix the retention policy's pattern), shrink or merge small ones, and raise the limit only as a stopgap",
  },
  // go-jose parses a compact JWE as five base64url parts joined by dots (RFC 7516, section 7.1: header,
  // encrypted key, IV, ciphertext, tag) and says so when the value has another shape.
  {
    all: ['compact jwe format must have five parts'],
    means:
      'the value given as an encrypted key is not a compact JWE: that format is five base64url parts joined by dots (RFC 7516, section 7.1), and this value has another shape, most often the JWE base64-encoded once more (one long string with no dots, starting "ZXlK", the encoding of "eyJ") or a value cut short; store the JWE itself (it starts "eyJ" and has four dots)',
  },
  // Kestrel's heartbeat runs once a second on the .NET thread pool; when it runs late Kestrel warns
  // (HeartbeatSlow, event 22), which ASP.NET Core's docs name as a sign of thread pool starvation
  // (learn.microsoft.com, "Debug ThreadPool Starvation"). Kestrel quotes the TimeSpan ("00:00:01"), which
  // tells its line from another program's own heartbeat warning.
  { all: ['heartbeat took longer than "'], means: KESTREL_HEARTBEAT },
  // InfluxDB 1.x refuses points that would create a series past `max-series-per-database` (default
  // 1,000,000; docs.influxdata.com, "Configure InfluxDB OSS", [data] max-series-per-database) and answers
  // the write with "partial write: max-series-per-database limit exceeded".
  {
    all: ['max-series-per-database limit exceeded'],
    means:
      'InfluxDB refuses every point that would create a new series once the database holds max-series-per-database series (1,000,000 by default): a series is one measurement with one set of tag values, so a tag whose values never repeat (a request, connection or session id) creates a new series per value and the series cardinality climbs until new points are dropped; existing series still accept writes. Move the unbounded value from a tag to a field (fields are not indexed) and drop the series it created, rather than raising the limit',
  },
  // The wording since .NET 5: `As of "…", the heartbeat has been running for "…" which is longer than "…".`
  {
    all: ['the heartbeat has been running for', 'which is longer than'],
    means: KESTREL_HEARTBEAT,
  },
  // Node's UNABLE_TO_GET_ISSUER_CERT_LOCALLY (OpenSSL's X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY): no
  // trusted CA for the chain the server sent.
  {
    all: ['unable to get local issuer certificate'],
    means:
      "the client cannot chain the server's certificate to a CA it trusts: the certificate it received was issued by a CA missing from the client's trust store, typically an egress proxy that inspects TLS and re-signs outbound HTTPS with the company's own CA, or a server that leaves out its intermediate certificate. Add that CA to the client's trust (Node: NODE_EXTRA_CA_CERTS; Python: REQUESTS_CA_BUNDLE or SSL_CERT_FILE; Java: its truststore) or exempt the host from inspection; do not turn verification off",
  },
  // uWSGI refuses a request whose header block exceeds buffer-size (4096 bytes by default; uwsgi-docs,
  // "Options": buffer-size).
  {
    all: ['invalid request block size'],
    means:
      "uWSGI refused the request because its headers are larger than uWSGI's buffer-size (4096 bytes by default; the line gives the size and the max), so the proxy in front answers 502: large cookies or single-sign-on headers overflow it. Raise uWSGI's buffer-size (--buffer-size, or UWSGI_BUFFER_SIZE in the environment, e.g. 32768)",
  },
  // NATS servers refuse a message larger than max_payload (1 MB by default; docs.nats.io, "Configuring
  // NATS Server": limits).
  {
    all: ['maximum payload exceeded'],
    means:
      "the NATS server refused the message because it is larger than the server's max_payload (1 MB by default, told to clients when they connect): the message has grown past the limit. Split or compress it, store the body elsewhere and publish a reference, or raise max_payload on the server",
  },
  // MySQL error 1366 for a four-byte UTF-8 character (an emoji, first byte 0xF0) in a utf8 (utf8mb3)
  // column (dev.mysql.com, "The utf8mb3 Character Set").
  {
    all: ['incorrect string value', '\\xf0'],
    means:
      'MySQL refused a four-byte UTF-8 character (an emoji: its bytes start with \\xF0) because the column or table uses utf8, that is utf8mb3, which stores at most three bytes per character; text without emoji still goes in. Convert the column (and table) to utf8mb4 and make the connection use utf8mb4',
  },
  // A signed INT column's largest value; an auto-increment counter cannot pass it, and InnoDB's upserts
  // consume auto-increment values even when they update (innodb_autoinc_lock_mode).
  {
    all: ["duplicate entry '2147483647'"],
    means:
      'the auto-increment id reached 2147483647, the largest signed INT: MySQL cannot go past it, so every new row gets the same id and fails as a duplicate key. Upserts (INSERT … ON DUPLICATE KEY UPDATE) use up auto_increment values even when they only update, which exhausts the counter long before the table holds that many rows; change the id column to BIGINT',
  },
  // PostgreSQL's numeric_value_out_of_range for int4 (max 2147483647).
  { all: ['out of range for type integer'], means: INT4_OVERFLOW },
  // asyncpg checks a query argument against the column's type before sending it.
  { all: ['out of int32 range'], means: INT4_OVERFLOW },
  // Redis ACLs (redis.io, "ACL"): NOPERM names the command the user may not run; clients that speak RESP3
  // (Lettuce 6, redis-py 5 with protocol 3) send HELLO first.
  {
    all: ['noperm', 'command'],
    means:
      'the Redis ACL user the client logs in as is not allowed to run a command the client now sends; Redis names the command in the error. After a client-library upgrade it is often HELLO, which clients that negotiate RESP3 (Lettuce 6, recent redis-py and go-redis) send first on every connection. Allow that command for the user (ACL SETUSER <user> +<command>), or configure the client to keep RESP2 and not send it',
  },
  // EVALSHA without the script in the server's cache (redis.io, EVALSHA; the script cache is not
  // persisted and a replica promoted by Sentinel starts without the scripts loaded on the old master).
  {
    all: ['noscript'],
    means:
      "Redis has no script for the SHA1 the client sent with EVALSHA: the server's script cache does not hold it, as after a restart or a failover (Sentinel promoted a replica whose script cache never had the script loaded), and the client does not fall back to EVAL. Make the client load the script again (SCRIPT LOAD, or EVAL on NOSCRIPT, which most Redis clients do when their script helper is used), or load it on the new master",
  },
  // PostgreSQL's character_not_in_repertoire: the bytes are not valid UTF-8 (0x80-0xFF alone are
  // characters of single-byte encodings such as Windows-1252 or Latin-1).
  {
    all: ['invalid byte sequence for encoding "utf8"'],
    means:
      'the input is not valid UTF-8: a lone byte such as 0xae is a character of a single-byte encoding (Windows-1252 or Latin-1, where 0xAE is ®), so the file was written in another encoding than the database expects. Convert it to UTF-8 (iconv -f WINDOWS-1252 -t UTF-8) or load it with that client_encoding',
  },
  // pip's hash-checking mode (--require-hashes; pip.pypa.io, "Secure installs").
  {
    all: ['do not match the hashes'],
    means:
      "pip refused a package file whose sha256 differs from the hash pinned in the requirements file: the file is not the one pinned, such as a truncated or corrupt download, a cache that holds a partial wheel, or a mirror serving another build. Clear pip's cache (pip cache purge, or --no-cache-dir) and compare with the index's published hash; do not drop the hashes",
  },
  // npm's EINTEGRITY: a tarball whose checksum differs from the integrity field in package-lock.json.
  {
    all: ['eintegrity'],
    means:
      'npm refused a package tarball whose checksum differs from the integrity (sha512) recorded in package-lock.json: the registry it now fetches from serves different tarballs (a mirror that re-packs them), or the cache holds a corrupt one. Fetch from the registry the lockfile was made against, or regenerate the lockfile for the new registry, and clear the npm cache',
  },
  // connect(2) fails with ENETUNREACH when no route exists for the address; an IPv6 address (from an AAAA
  // record) on a pod of an IPv4-only cluster has none. Node.js 17+ keeps the resolver's order
  // (dns.setDefaultResultOrder 'verbatim'), so an AAAA answer listed first is tried first.
  {
    all: ['enetunreach', '::'],
    means:
      "the connection was refused by the pod's own network stack before any packet left: ENETUNREACH (network unreachable) for an IPv6 address, which the client took from the host's AAAA record, while the pod has no IPv6 route (an IPv4-only, single-stack cluster). Runtimes that keep the resolver's order (Node.js 17 and later) try the IPv6 address first when DNS lists it first; hosts without an AAAA record still work. Make the client prefer IPv4 (Node: --dns-result-order=ipv4first or autoSelectFamily; a family option on the HTTP agent), or give the cluster dual-stack networking",
  },
  // Celery raises SoftTimeLimitExceeded in a task that ran past its soft time limit (task_soft_time_limit,
  // or the task's own soft_time_limit; docs.celeryq.dev, "Time limits").
  {
    all: ['softtimelimitexceeded'],
    means:
      "Celery interrupted the task at its soft time limit (the worker's task_soft_time_limit, CELERY_TASK_SOFT_TIME_LIMIT, or the task's own soft_time_limit): the task ran longer than allowed and was stopped, so the longest jobs fail while short ones succeed; the limit's value is in the worker's warning (\"Soft time limit (Ns) exceeded\"). Raise the limit for this task (its own soft_time_limit) above its longest run, or split the work into shorter tasks",
  },
  // Rails' CSRF protection compares the Origin header with request.base_url
  // (ActionController::RequestForgeryProtection#valid_request_origin?); behind a TLS-terminating proxy the
  // scheme comes from X-Forwarded-Proto (Rack's request.scheme).
  {
    all: ['origin header (https://', "didn't match request.base_url (http://"],
    means:
      "the browser's Origin is https but Rails computed the request's base_url as http: the TLS-terminating proxy in front of the app (nginx, an ingress, a load balancer) forwards the request over plain HTTP without X-Forwarded-Proto: https (or the app does not trust it), so Rails' CSRF origin check (protect_from_forgery) refuses every form post; make the proxy send X-Forwarded-Proto with the original scheme (proxy_set_header X-Forwarded-Proto $scheme) or tell Rails it runs behind TLS (config.assume_ssl)",
  },
  // Consul's HTTP API answers 403 "ACL not found" when the token the request carries does not exist
  // (developer.hashicorp.com, Consul ACL tokens: expiration_ttl; tokens are deleted when they expire).
  {
    all: ['acl not found'],
    means:
      'Consul refused the request because the ACL token the client sends no longer exists in Consul: it expired (a token created with an ExpirationTTL is deleted when the TTL runs out) or was deleted, so every call with it is refused with 403 until the client gets a valid token; restarting the client does not help. Issue a new token with the same policy (or one without expiry, or renew it before it expires) and rotate it into the Secret the client reads',
  },
  // botocore raises NoCredentialsError when its credential chain (environment, web identity, shared
  // files, container and instance metadata) found nothing; IMDSv2's PUT token answer has an IP hop limit
  // (HttpPutResponseHopLimit, 1 by default on many launch templates and node classes), and a container's
  // network namespace is one hop further (AWS docs, "Instance metadata service version 2").
  {
    all: ['nocredentialserror'],
    means:
      "the AWS SDK found no credentials in any source: no access keys in the environment, no web identity (IRSA's AWS_ROLE_ARN and token file, or Pod Identity), so it fell back to the EC2 instance metadata service (IMDS, 169.254.169.254) and got none: with IMDSv2 a PUT response hop limit of 1 (httpPutResponseHopLimit) stops the token answer one hop short of a pod, so pods on nodes launched that way (a new node class or launch template) get no credentials while the nodes themselves do; set the hop limit to 2 in the node class or launch template, or give the workload IRSA or Pod Identity",
  },
  // Elasticsearch refuses aggregations and sorts on a text field ("Fielddata is disabled on text fields by
  // default", elastic.co, fielddata mapping parameter): a field created by dynamic mapping from a string is
  // text with a .keyword sub-field.
  {
    all: ['fielddata is disabled on'],
    means:
      'Elasticsearch refuses the aggregation (or sort) because the field is mapped as text, where per-document field data is disabled by default; this is a mapping error (a 400 for every such query), not heap pressure or a tripped breaker. A string field that dynamic mapping created is text with a .keyword sub-field: aggregate on the keyword field (field.keyword), or map the field as keyword in the index template and reindex',
  },
  // Prometheus' remote-write receiver refuses a sample older than the newest it holds for the same series
  // ("out of order sample"; prometheus.io, remote write and HA setups need distinct external labels).
  { all: ['out-of-order sample'], means: OUT_OF_ORDER },
  {
    all: ['out of order sample'],
    means: OUT_OF_ORDER,
  },
  // Envoy's access log response flag UO: "upstream overflow (circuit breaking)" (envoyproxy.io, access log
  // format, %RESPONSE_FLAGS%); the cluster's circuit_breakers thresholds default to 1024 each.
  { all: ['"response_flags":"uo', '503'], means: ENVOY_UO },
  { all: ['" 503 uo,'], means: ENVOY_UO },
  {
    all: ['" 503 uo '],
    means: ENVOY_UO,
  },
  // RFC 9110, 15.5.20 (421 Misdirected Request) and RFC 9113, 9.1.1 (connection reuse): an HTTP/2 client
  // may send requests for any host the connection's certificate covers that resolves to the same address.
  {
    all: ['misdirected', '421'],
    means:
      'the server answered 421 Misdirected Request: the request came on a connection that belongs to another host. HTTP/2 clients reuse (coalesce) one connection for every host its certificate covers (a wildcard or multi-name certificate) when the names resolve to the same IP, and a server that binds each TLS connection to the virtual host of its SNI refuses the other hosts with 421; clients should retry on a new connection. Serve the hosts from separate certificates or addresses, or let the server accept every host the certificate covers on one connection',
  },
  // Chromium exits at start when it cannot set up its sandbox (user namespaces, or the setuid helper),
  // which a hardened container denies; in containers it is commonly run with --no-sandbox (Chromium's
  // docs, "Linux sandboxing"; Puppeteer's troubleshooting guide).
  {
    all: ['no usable sandbox'],
    means:
      'Chromium refuses to start because it cannot set up its own sandbox: its namespace sandbox needs user namespaces (clone with CLONE_NEWUSER) and its setuid fallback needs privilege escalation, which a hardened pod denies (non-root, allowPrivilegeEscalation false, RuntimeDefault seccomp, dropped capabilities), so every render or headless-browser call fails at launch while the rest of the service runs; launch Chromium with --no-sandbox (the container is the isolation) or allow what its sandbox needs (a seccomp profile that permits user namespaces)',
  },
  // Celery's billiard reports a pool process killed by a signal; SIGKILL (9) inside a container is most
  // often the kernel's OOM killer choosing a child while the container's main process survives.
  {
    all: ['workerlosterror', 'signal 9'],
    means:
      "a worker child process was killed with SIGKILL (signal 9) while running a task, which inside a container is the kernel's OOM killer at the memory limit (memory cgroup) choosing the biggest child: the worker processes together use more memory than the limit (more concurrency, bigger tasks), while the main process stays up so the pod shows no restart; lower the worker concurrency (or max-memory-per-child) to what the limit holds, or raise the memory limit",
  },
  // JSSE's server handshake finds no cipher suite both sides accept for the server's key: a keystore
  // holding only a DSA key (no DSA suites in TLS 1.3, none enabled by default for TLS 1.2 in recent
  // JDKs), or no key at all under the alias.
  {
    all: ['no cipher suites in common'],
    means:
      'the server could not pick any cipher suite for the client because none it has enabled fits its own key: typically a keystore whose key is DSA (TLS 1.3 has no DSA suites and recent JDKs enable none for TLS 1.2) or a keystore without a usable key entry under the alias, so every handshake fails on the server side; recreate the key and certificate as RSA or EC (keytool -keyalg RSA or EC) and reload the keystore',
  },
  // java.util.zip reads a local file header with the wrong signature: the archive's bytes are damaged.
  {
    all: ['java.util.zip.zipexception'],
    none: ['invalid loc header'],
    means:
      'the jar (zip) file is corrupt or incomplete (its end or central directory is missing or damaged), so the JVM cannot open it: the file was truncated or altered on the way, typically a transfer in ASCII (text) mode that rewrote bytes of a binary file, or an interrupted download; copy it again in binary mode and compare its checksum with the original',
  },
  {
    all: ['invalid loc header'],
    means:
      'the jar (zip) file is corrupt: a local file header does not start with its signature, so its bytes were changed on the way, typically a transfer in ASCII (text) mode that rewrote line endings in a binary file, or a truncated download; copy it again in binary mode and compare its checksum with the original',
  },
  // S3 recomputes the request signature with the secret key of the access key id in the request.
  {
    all: ['signaturedoesnotmatch'],
    means:
      'S3 recomputed the request signature with the secret key that belongs to the access key id the client sent, and it differs: the client signs with a secret that is not the pair of that access key id, typically after a key rotation that updated one of the two (the new secret with the old AWS_ACCESS_KEY_ID, or the reverse); give the client the access key id and the secret of the same key',
  },
  // Oracle's listener refuses when the instance has no free process slot (ORA-12516/12519); the instance
  // itself reports ORA-00020 when PROCESSES is reached.
  {
    all: ['ora-1251'],
    means:
      "the Oracle listener found no handler that can take another connection: the database instance is at its PROCESSES limit (each dedicated connection is a server process; the instance reports ORA-00020 maximum number of processes exceeded), typically after a client's connection pool was raised so that all pools together exceed it; lower the pools' maximum sizes below the processes limit, or raise PROCESSES (and SESSIONS) on the database",
  },
  // HikariCP warns when a pooled connection fails validation because the server closed it first.
  {
    all: ['failed to validate connection', 'shorter maxlifetime'],
    means:
      "the database closed pooled connections before Hikari retired them: Hikari keeps a connection up to maxLifetime, and the server drops idle connections earlier (MySQL's wait_timeout, a managed database's or proxy's idle limit), so the pool hands out dead connections; set Hikari's maxLifetime a few seconds shorter than the server's idle limit",
  },
  // PromQL's one-to-one and group_left/group_right matching needs the matching labels to be unique on
  // the "one" side (prometheus.io, "Operators": vector matching); a series whose other labels changed
  // (a pod's new controller-revision-hash) stays in range for the 5-minute lookback beside the new one.
  {
    all: ['many-to-many matching not allowed'],
    means:
      'the PromQL rule\'s vector match found two series for one match group on the side that must be unique ("found duplicate series for the match group"), so the rule evaluation fails and its alerts resolve and fire again: the joined metric carries a label that changes when the object is recreated (kube_pod_labels\' label_controller_revision_hash or pod-template-hash after a restart or rollout), and the old series stays visible beside the new one until it goes stale (the 5-minute lookback); aggregate the one side over the labels the match needs (max by (namespace, pod, label_team) (kube_pod_labels)) or drop the changing label, rather than downgrading Prometheus',
  },
  // gRPC's DEADLINE_EXCEEDED status: the deadline the client set for the call passed before the answer
  // came (grpc.io, "Deadlines"); many client libraries set a default deadline of their own.
  {
    all: ['deadline_exceeded'],
    none: ['code = deadlineexceeded'],
    means:
      'the gRPC client gave up on the call (DEADLINE_EXCEEDED): the deadline it set for the call (its own timeout, or a default its RPC client library applies) passed before the server answered, so the calls that take longer than that deadline fail while short ones succeed, and the server may be healthy and still working on them; compare the deadline with how long those calls take and give the long calls a deadline longer than they need, rather than adding server replicas',
  },
  {
    all: ['code = deadlineexceeded'],
    means:
      "the gRPC client gave up on the call: the deadline it set for the call (its own timeout, or a default its RPC client library applies) passed before the server answered, so the calls that take longer than that deadline fail while short ones succeed, and the server may be healthy and still working on them; compare the deadline with how long those calls take (the server's own timings) and give the long calls a deadline longer than they need, rather than adding server replicas",
  },
  // Apache HttpClient's NoHttpResponseException: the request went out on a pooled connection and the
  // server closed it without a response (hc.apache.org, HttpClient "Connection management": stale
  // connection check, validateAfterInactivity); Node.js closes idle keep-alive sockets after
  // server.keepAliveTimeout, 5 s by default (nodejs.org, http).
  {
    all: ['nohttpresponseexception', 'failed to respond'],
    means:
      "the client sent the request on a pooled keep-alive connection that the server had already closed: the server's keep-alive idle timeout is shorter than the time the client's connection pool keeps idle connections (Node.js servers close idle keep-alive connections after keepAliveTimeout, 5 s by default), and the pool reuses the stale connection without validating it, so a request after a quiet spell fails (more at quiet times) and a retry on a new connection works; have the client validate or evict idle connections before reuse (Apache HttpClient's validateAfterInactivity, evictIdleConnections, a keep-alive strategy shorter than the server's timeout) or raise the server's keep-alive timeout",
  },
  // Node.js refuses require() of an ES module (ERR_REQUIRE_ESM) before 22.12 (nodejs.org, "Modules:
  // ECMAScript modules", require(esm)); packages such as node-fetch 3 ship ESM only.
  {
    all: ['err_require_esm'],
    means:
      'a CommonJS require() loads a package that is an ES module only (ERR_REQUIRE_ESM): a dependency upgraded to a major version that dropped CommonJS (node-fetch 3, p-retry 5+, chalk 5 and others), so the program throws at start-up; pin the dependency to its last CommonJS major, or load it with dynamic import(); a rollback to the release before the upgrade brings the service back',
  },
  // Jackson refuses a JSON property its target class does not declare while
  // DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES is on, its default (FasterXML jackson-databind,
  // "DeserializationFeature"); Spring Kafka then hands the record to its error handler.
  {
    all: ['unrecognized field', 'not marked as ignorable'],
    means:
      "the consumer's JSON mapping (Jackson, FAIL_ON_UNKNOWN_PROPERTIES on by default) rejects every message that carries a field its class does not declare, so each such record fails (and goes to the dead-letter topic or is retried) although the broker and the consumer group are healthy: the producer started sending a new field (a producer release added it to the event). Make the consumer ignore unknown properties (@JsonIgnoreProperties(ignoreUnknown = true), or spring.jackson.deserialization.fail-on-unknown-properties=false) or add the field to its class, then replay the dead-lettered records",
  },
  // Engine.IO's error code 1, "Session ID unknown" (HTTP 400): a long-polling request carried a session
  // id this server process never issued. With more than one server process, every request of a session
  // must reach the process that did the handshake (socket.io.js, "Using multiple nodes": sticky sessions).
  {
    all: ['session id unknown'],
    means:
      'Socket.IO (Engine.IO) refuses a request whose session id this server never issued (error code 1, "Session ID unknown", HTTP 400 on /socket.io): the HTTP long-polling requests of one client reach a different pod from the one that did its handshake. With more than one replica (several pods behind the Service or an autoscaler that added them) Socket.IO needs sticky sessions: session affinity on the Ingress or load balancer (a cookie, or the client IP), or clients that use the WebSocket transport only; a Redis adapter shares broadcasts between pods, not sessions',
  },
  // HashiCorp Vault starts sealed every time its process starts (a restart, a reschedule, a node drain)
  // and answers every request with 503 "Vault is sealed" until it is unsealed, by key shares or by
  // auto-unseal (developer.hashicorp.com, Vault "Seal/Unseal").
  {
    all: ['vault is sealed'],
    serverSide: true,
    means:
      'the Vault server is sealed: Vault starts sealed every time its process starts (its pod restarted, was rescheduled or its node was drained) and answers every request with 503 "Vault is sealed" until it is unsealed again (with the unseal key shares, or auto-unseal through a cloud KMS), so every client that logs in or reads a secret fails; the client and its release are not at fault. Unseal Vault (vault operator unseal, or fix its auto-unseal), and find out why its pod restarted',
  },
  // Java's PKIX trust manager found no trusted CA for the chain the server presented (Oracle's JSSE
  // Reference Guide, "TrustManager"; the JDK's default truststore is lib/security/cacerts).
  {
    all: ['pkix path building failed'],
    means:
      "the JVM does not trust the certificate chain the server presented: no CA in its truststore (the JDK's cacerts, or the file -Djavax.net.ssl.trustStore names) signed it, so the TLS handshake fails before any request. Behind a TLS-inspecting egress proxy every chain is re-signed by the proxy's own CA, which the image must trust; a new base image or JDK brings its own cacerts, without a CA the old image had imported. Import the signing CA into the truststore (keytool -importcert into cacerts at build time, or mount it and point javax.net.ssl.trustStore at it); the server's own certificate is not the problem",
  },
  // A Kafka client connects to the brokers its bootstrap server lists in the cluster metadata, at the
  // addresses each broker advertises (Kafka's broker configuration, advertised.listeners); a broker
  // advertising localhost sends every client back to itself.
  {
    all: ['connection to node', '127.0.0.1'],
    none: ['127.0.0.1:2181'],
    means:
      "the Kafka client reached the bootstrap server, but the broker's metadata gives its address as localhost/127.0.0.1 (its advertised.listeners), so the client then dials its own pod and never reaches the partition leaders: the broker advertises an address only it can use. Set the broker's advertised.listeners (KAFKA_CFG_ADVERTISED_LISTENERS) to a name clients can reach (its Service or pod DNS name); the network and the Service are not the problem",
  },
  // Elasticsearch's circuit breakers: https://www.elastic.co/guide/en/elasticsearch/reference/current/circuit-breaker.html
  // (indices.breaker.request.limit, 60% of the heap by default).
  {
    all: ['data too large', '[request]'],
    means:
      "Elasticsearch's request circuit breaker refused the request: the memory it estimated for the request's data structures (aggregations such as facets) is above the breaker's limit, indices.breaker.request.limit (60% of the heap by default), so it answers 429 circuit_breaking_exception before running out of heap; if the limit was lowered, restore it, else make the aggregation smaller or give the nodes more heap",
  },
  // 426 Upgrade Required: the server will not serve the request's HTTP version (RFC 9110, 15.5.22).
  // Envoy, the sidecar of Istio's mesh, refuses HTTP/1.0 unless accept_http_10 is set (Istio's
  // "Protocol Selection" and traffic-management FAQ), and nginx's proxy_pass talks HTTP/1.0 to its
  // upstreams unless proxy_http_version says 1.1 (nginx's ngx_http_proxy_module documentation).
  {
    all: ['http/', '" 426 '],
    means:
      '426 Upgrade Required: the upstream refuses the HTTP version of the request, not its content. A service behind an Istio (Envoy) sidecar accepts HTTP/1.1 and HTTP/2 and answers 426 to HTTP/1.0, and nginx proxies to its upstreams with HTTP/1.0 unless told otherwise (proxy_http_version defaults to 1.0), so an nginx in front of a service that joined the mesh gets 426 for every proxied call while its own pages load; set proxy_http_version 1.1 in the proxy location (or allow HTTP/1.0 in the sidecar)',
  },
  // Before the plain x509 entries: the same expiry, met by the API server calling an admission webhook.
  // https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#contacting-the-webhook
  {
    all: ['failed calling webhook', 'certificate has expired'],
    means:
      "the API server cannot call the admission webhook because the webhook's serving certificate (its TLS certificate) has expired, and with failurePolicy Fail every create or update the webhook intercepts is rejected; renew the webhook's serving certificate and the caBundle in its webhook configuration (a Helm chart's self-signed certificate often lasts one year), or delete the stale webhook configuration",
  },
  {
    all: ['failed calling webhook', 'x509'],
    means:
      "the API server does not trust the admission webhook's serving certificate (its TLS certificate is expired, for another name, or signed by a CA other than the caBundle in the webhook configuration), so every create or update the webhook intercepts is rejected; reissue the serving certificate and update the caBundle",
  },
  {
    all: ['failed calling webhook'],
    means:
      "the API server cannot reach the admission webhook (its Service has no ready endpoints, or the call times out) and its failurePolicy is Fail, so every create or update the webhook intercepts is rejected; bring the webhook's backend back or remove its stale configuration",
  },
  // GNU coreutils' base64 wraps its output at 76 columns unless -w 0; Go's decoder (the API server's, for a
  // Secret's data) rejects the newline at the first wrap, byte 76.
  {
    all: ['illegal base64 data at input byte 76'],
    means:
      "the value was base64-encoded with line wrapping: GNU base64 wraps its output every 76 characters, and a Secret's data must be one unbroken base64 string, so the API server rejects it at byte 76; encode with base64 -w 0 (or let kubectl create secret encode it)",
  },
  // kubectl's client-side apply keeps the whole object in the last-applied-configuration annotation, and an
  // object's annotations may hold 256 KiB in all (apimachinery's TotalAnnotationSizeLimitB, 262144 bytes).
  // https://kubernetes.io/docs/reference/using-api/server-side-apply/
  {
    all: ['metadata.annotations: too long', '262144'],
    means:
      'the object is too large for client-side kubectl apply: it stores a full copy of the object in the kubectl.kubernetes.io/last-applied-configuration annotation, and annotations may hold at most 262144 bytes (256 KiB) in all, so an object with more data than that is rejected although it fits the 1 MiB object limit; apply it with kubectl apply --server-side (no annotation), or kubectl create / kubectl replace',
  },
  // RBAC escalation prevention. https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
  {
    all: ['attempting to grant rbac permissions not currently held'],
    means:
      "RBAC's privilege escalation prevention: a user or ServiceAccount can create or update a Role or RoleBinding only with permissions it already holds itself (or with the escalate / bind verbs), so a deployer without those permissions cannot grant them; give the deployer the permissions the Role grants (or escalate and bind on roles), or have an administrator create the Role",
  },
  // OpenJDK 9+ removed the Java 8 GC logging flags (JEP 158, unified logging: -Xlog:gc).
  {
    all: ['unrecognized vm option'],
    means:
      'the JVM refuses to start on an option this Java version does not know: JDK 9 and later removed the Java 8 GC logging flags (-XX:+PrintGCDetails, -XX:+PrintGCDateStamps, -Xloggc, replaced by unified logging -Xlog:gc), and other removed -XX options fail the same way; the base image moved to a newer Java, so remove or translate the JVM flag in JAVA_TOOL_OPTIONS / JAVA_OPTS',
  },
  // YAML 1.1 (PyYAML, older libraries) reads unquoted yes/no/on/off as booleans: the "Norway problem".
  {
    all: ['input_value=false', 'input_type=bool'],
    means:
      'a value that should be a string arrived as the boolean False: YAML 1.1 parsers (PyYAML) read unquoted NO, no, off, n as false and YES, on as true (the Norway problem: the country code NO), so the config file needs that value quoted',
  },
  {
    all: ['input_value=true', 'input_type=bool'],
    means:
      'a value that should be a string arrived as the boolean True: YAML 1.1 parsers (PyYAML) read unquoted yes, on, y as true, so the config file needs that value quoted',
  },
  // A TLS server answering a plaintext client: its first byte back is a TLS alert record (0x15).
  {
    all: ['protocol error, got', '\\u0015'],
    means:
      'the server answered with a TLS alert (byte 0x15): it requires TLS (in-transit encryption) and the client connects in plaintext; use rediss:// or enable TLS in the client',
  },
  {
    all: ['protocol error, got', '\u0015'],
    means:
      'the server answered with a TLS alert (byte 0x15): it requires TLS (in-transit encryption) and the client connects in plaintext; use rediss:// or enable TLS in the client',
  },
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
  // The high disk watermark (90 % by default): no shard is allocated to that node, so a new index's primary
  // may stay unassigned (a bulk write then waits and fails: "primary shard is not active").
  {
    all: ['high disk watermark', 'exceeded'],
    means:
      "Elasticsearch's data node passed the high disk watermark (90 % of its disk by default): it allocates no new shards there and moves shards away, so a new index (the next day's) gets no primary shard on it and writes to that index time out (UnavailableShardsException, primary shard is not active) while searches of the old indices work; free or grow the data volume (or delete old indices), and the shards are allocated again once below the watermark",
  },
  {
    all: ['primary shard is not active'],
    symptom: true,
    means:
      "Elasticsearch has no active primary shard for that index, so the write waited and failed: the shard is unassigned (look at the data nodes' disk watermarks, a node that left, or allocation filters in the cluster's own log)",
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
      'Redis reached its maxmemory and cannot evict (maxmemory-policy noeviction, or a volatile-* policy while no key has a TTL), so it rejects every write (reads still work); raise maxmemory, choose an eviction policy such as allkeys-lru for a cache, or free keys',
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
    none: ['forkjoin'],
    means:
      "the process cannot fork: the PID limit is reached (the pod's or the node's pids limit, often zombie processes that nobody reaps), not memory or CPU",
  },
  // pg_dump refuses a server of a newer major version than its own (PostgreSQL docs, pg_dump: "cannot
  // dump from PostgreSQL servers newer than its own major version"), printing both versions on the
  // next line (`pg_dump: detail: server version: 16.4; pg_dump version: 15.8`).
  {
    all: ['aborting because of server version mismatch'],
    means:
      "pg_dump (or pg_dumpall) is older than the PostgreSQL server: it refuses to dump a server of a newer major version, so the backup image's client must be at least the server's major version (its detail line gives both versions); upgrade the image's postgresql-client to the server's major version",
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
  // Kafka consumers: a member that does not call poll() within max.poll.interval.ms leaves the group.
  // https://kafka.apache.org/documentation/#consumerconfigs_max.poll.interval.ms
  {
    all: ['poll timeout has expired'],
    means:
      'the Kafka consumer spends longer than max.poll.interval.ms (default 300000 ms) between two poll() calls, so it sends LeaveGroup and the group rebalances; its uncommitted offsets are re-delivered and lag grows although the pod is Running. Process batches faster, lower max.poll.records, or raise max.poll.interval.ms',
  },
  {
    all: ['commitfailedexception'],
    means:
      'the Kafka consumer was removed from its group before it committed (it took longer than max.poll.interval.ms between poll() calls), so the commit fails and the group rebalances; lower max.poll.records or raise max.poll.interval.ms',
  },
  {
    all: ['not_enough_replicas'],
    means:
      "Kafka refuses the write: the partition has fewer in-sync replicas than min.insync.replicas (a broker that is down or lagging, or a topic whose replication factor is below min.insync.replicas, which can never meet it), so producers with acks=all fail; compare the topic's replication factor with min.insync.replicas before looking for a broker that is down",
  },
  // Elasticsearch's security: an action the user's roles do not grant on the index (the security
  // reference's "Security privileges": creating an index on first write needs create_index or
  // auto_configure on its name; a daily index under a new name is created on the first write of the day).
  {
    all: ['security_exception', 'is unauthorized for user'],
    means:
      "Elasticsearch refuses the action with 403 (security_exception): the user's role does not grant that privilege on the index named (writing to an index that does not exist yet needs create_index or auto_configure on its name); a pipeline writing a new daily or renamed index is refused on its first write, the refused events are retried and back up, while writes to the indices the role covers go on. Grant the role the index privilege on the index name pattern, rather than looking at cluster load",
  },
  // Before JDK 19 (and 11.0.17 / 17.0.5, JDK-8281181), the JVM's container support derived
  // availableProcessors from cpu.shares (the CPU request: 1024 shares per core) when no CPU quota was
  // set, so a pod requesting 500m saw one processor and sized its thread pools for one.
  {
    all: ['cpu.shares', 'availableprocessors()=1'],
    means:
      "the JVM sees one processor (Runtime.availableProcessors() = 1): with no CPU limit, older JDKs (before JDK 19, 11.0.17 and 17.0.5) count processors from the container's CPU shares, that is its CPU request (500m is 512 shares, one processor), so every pool sized from availableProcessors (executors, ForkJoinPool, GC threads) gets one thread and work queues behind it while the node's cores stay idle. It is not CPU throttling, and a CPU limit would not add threads: set -XX:ActiveProcessorCount to the cores it should use (or size the pools explicitly), or raise the CPU request",
  },
  // PostgreSQL's "Transaction Isolation": under REPEATABLE READ or SERIALIZABLE, a transaction that
  // updates a row a concurrent transaction updated (and committed) after it started is aborted with
  // SQLSTATE 40001; the application must retry it. READ COMMITTED (the default) waits and goes on.
  {
    all: ['could not serialize access'],
    means:
      "PostgreSQL aborted the transaction with a serialization failure (SQLSTATE 40001): it runs at REPEATABLE READ or SERIALIZABLE isolation, and a concurrent transaction updated the same row first, so at that isolation level the second one cannot proceed and must be retried. It is neither a deadlock nor an overloaded server: the hotter a row (a busy profile, a counter), the more often it happens. Retry the transaction on 40001, or run that statement at READ COMMITTED (PostgreSQL's default isolation level), which waits for the other update instead",
  },
  // Redis forks for BGSAVE and for a replica's full sync; with vm.overcommit_memory=0 the kernel may
  // refuse the fork of a large instance (Redis's FAQ and its start-up warning, "Memory overcommit must
  // be enabled"); with stop-writes-on-bgsave-error (the default) Redis then refuses writes (MISCONF).
  {
    all: ["can't save in background", 'fork', 'cannot allocate memory'],
    means:
      "Redis cannot fork for its background save (BGSAVE of the RDB snapshot): the kernel refuses the fork of a large instance when the node's vm.overcommit_memory is 0 (Redis's own start-up warning says \"Memory overcommit must be enabled\"), and with stop-writes-on-bgsave-error (the default) Redis refuses writes with MISCONF until a save succeeds; set vm.overcommit_memory=1 on the node Redis runs on (a sysctl DaemonSet, the node's tuning), not more memory",
  },
  // Redis's own line when its background save cannot write the snapshot (rdb.c: "Write error saving DB on
  // disk: %s"); the save's child then exits and the next write is refused with MISCONF.
  {
    all: ['write error saving db on disk'],
    means:
      "Redis's background save of its RDB snapshot (BGSAVE, dump.rdb in its data directory, /data on its data volume) failed to write: the reason is at the end of the line (a full or read-only data volume). With stop-writes-on-bgsave-error on (the default) Redis then refuses every write with MISCONF until a save succeeds; free or grow the data volume (its PersistentVolumeClaim), or move what fills it, and the next save lets writes through again",
  },
  {
    all: ['misconf', 'unable to persist to disk'],
    means:
      'Redis refuses writes (MISCONF) because its last background save (RDB snapshot) failed and stop-writes-on-bgsave-error is on: the cause is in the Redis log (a fork that fails for memory, a full or read-only disk)',
  },
  // OpenSSL 3 turned off unsafe legacy renegotiation (SSL_OP_LEGACY_SERVER_CONNECT is no longer set by
  // default); a server without RFC 5746 secure renegotiation is refused. Images move to OpenSSL 3 with
  // their base (Debian 12, Python 3.10+ official images).
  {
    all: ['unsafe_legacy_renegotiation_disabled'],
    means:
      "the client's OpenSSL 3 refuses the server's TLS handshake: the server does not support RFC 5746 secure renegotiation, and OpenSSL 3 no longer allows unsafe legacy renegotiation by default (OpenSSL 1.1 did). It starts with an image whose base brings OpenSSL 3 (a newer base image or Python version); the server should be fixed, or the client can allow it for that server only (OP_LEGACY_SERVER_CONNECT in an OpenSSL configuration or SSL context)",
  },
  // RabbitMQ, PostgreSQL, MySQL, Redis, MongoDB: the server refused the credentials the client sent.
  // https://www.rabbitmq.com/docs/access-control ; https://www.postgresql.org/docs/current/auth-password.html
  {
    all: ['access_refused', 'login was refused'],
    symptom: true,
    means:
      "RabbitMQ refused the client's credentials: the user name or password the pod sends is not the broker's (a password rotated in the broker or in the Secret while the pod still holds the old value — environment variables from a Secret are read only at container start — or the wrong Secret key)",
  },
  {
    all: ['password authentication failed for user'],
    symptom: true,
    means:
      "PostgreSQL refused the password the pod sends: it is not the database's (a password rotated on one side only, or a Secret value with a trailing newline from `echo` without -n; environment variables from a Secret keep the value they had when the container started, so pods need a restart after the Secret changes)",
  },
  {
    all: ['access denied for user', 'to database'],
    symptom: true,
    means:
      "MySQL accepted the login but the user has no privilege on that database (error 1044, a missing GRANT), not a wrong password; when the program was creating the database itself (an installer's CREATE DATABASE), the account may not create databases: have the DBA create the database first and grant the user on it, or grant the user CREATE",
  },
  {
    all: ['access denied for user', 'using password'],
    symptom: true,
    means:
      'MySQL refused the user or password the pod sends: a password rotated on one side only, the wrong Secret key, or a Secret value with a trailing newline (base64 of `echo` output without -n, so the password sent ends in \\n); environment variables from a Secret are read only at container start',
  },
  // Oracle's ORA-01653 (table), ORA-01654 (index), ORA-01688 (table partition): no extent of that size is
  // left in the tablespace: its datafiles are at their MAXSIZE (32767 MB for a smallfile datafile of 8 KB
  // blocks) or do not autoextend. SYS.AUD$ is the standard audit trail, in SYSTEM unless moved
  // (DBMS_AUDIT_MGMT.SET_AUDIT_TRAIL_LOCATION), and purged with DBMS_AUDIT_MGMT (Oracle Database Security
  // Guide, "Purging Audit Trail Records"); with AUDIT SESSION every login writes a row there.
  {
    all: ['unable to extend table sys.aud$', 'tablespace'],
    // Unified auditing's AUDSYS.AUD$UNIFIED lives in SYSAUX: another table, another remedy.
    none: ['aud$unified'],
    means:
      "the database's audit trail (the table SYS.AUD$) has filled its tablespace: Oracle cannot extend the table because the tablespace's datafiles reached their maximum size (MAXSIZE; 32767 MB for a smallfile datafile of 8 KB blocks) or do not autoextend, and with auditing enabled (AUDIT SESSION) every login and audited statement must write an audit row, so those sessions fail with the error (ORA-02002: error while writing to audit trail) while the disk itself may have room; purge the audit trail (DBMS_AUDIT_MGMT, with a purge job from then on) or move it out of SYSTEM; more disk space does not lift a datafile's maximum size",
  },
  {
    all: ['unable to extend', 'in tablespace'],
    // ORA-01652, a temporary segment (a sort or hash spilling): the query's use of TEMP, not its datafiles.
    none: ['sys.aud$', 'temp segment'],
    means:
      "Oracle cannot allocate the next extent in that tablespace: its datafiles reached their maximum size (MAXSIZE; 32767 MB for a smallfile datafile of 8 KB blocks) or do not autoextend, which is the tablespace's limit, not the disk's; add a datafile or raise MAXSIZE, or free space in the tablespace (purge what grew)",
  },
  // Phoenix refuses a WebSocket (and LiveView) whose Origin header is not the endpoint's configured host
  // (`check_origin`, by default the host of the endpoint's `url`; hexdocs.pm, Phoenix.Endpoint, "check_origin").
  {
    all: ['could not check origin for phoenix.socket transport'],
    means:
      "Phoenix refused the browser's WebSocket because its Origin (the host name the browser loaded the page from) is not the host the application is configured with: the endpoint's external URL (EXTERNAL_URL, PHX_HOST or the endpoint's url host, which check_origin compares against) still names another host name or domain, so every live page and socket fails while plain HTTP works; set the external URL to the host name users open",
  },
  // MySQL and MariaDB error 1049 (ER_BAD_DB_ERROR): the server has no database of that name. The images' init
  // scripts (/docker-entrypoint-initdb.d, MYSQL_DATABASE) run only when the data directory is empty.
  {
    all: ['1049', 'unknown database'],
    means:
      "the database server has no database of that name: it was never created on this server (an init script such as /docker-entrypoint-initdb.d or MYSQL_DATABASE runs only on the first start of an empty data directory, so a server that already had data, or a move to a new server, skips it; most applications do not create their database themselves) or the name is wrong; create it (CREATE DATABASE, with the user's grants) or point the application at the right name. The server and the credentials are not what fails",
  },
  // RabbitMQ's peer discovery refuses to join a peer whose cluster membership disagrees with the node's
  // own (`{error,{inconsistent_cluster,"Mnesia: node … thinks it's clustered with node …, but …"}}`;
  // rabbitmq.com, "Clustering Guide", node reset and rejoin): the membership lives in the node's data
  // directory, so a node back on an empty or replaced one forms a cluster of its own.
  { all: ['inconsistent_cluster'], means: INCONSISTENT_CLUSTER },
  // Falco's driver loader (falco-driver-loader, falcoctl driver) for the kernel module or the legacy eBPF
  // probe: it looks for a prebuilt driver for the node's exact kernel release, downloads it from the
  // driver repository (a 404 when none is published for that kernel), and else builds one, which needs the
  // kernel headers on the node (falco.org docs, "Install Falco", "Drivers"; the modern eBPF driver needs
  // neither, from kernel 5.8 with BTF).
  {
    all: ['unable to find a prebuilt falco'],
    means:
      "Falco's driver loader found no prebuilt driver for this node's kernel release (none is published for it: the download answers 404) and could not build one, since the node has no kernel headers for it: the node runs a kernel the driver version does not cover (typically newer, as on nodes of a new image or pool), so Falco never starts there while nodes with a covered kernel run it. The rules are not involved (they are read later, by Falco itself). Switch to the modern eBPF driver (driver.kind=modern_ebpf, no module: kernel 5.8 or later with BTF), install the kernel headers on those nodes, or use a driver version that covers their kernel",
  },
  // Backstage's Kubernetes backend plugin (@backstage/plugin-kubernetes-backend) reads the `kubernetes:`
  // section of the app config (app-config*.yaml: serviceLocatorMethod, clusterLocatorMethods) when the
  // backend starts, and fails the whole backend's start-up without it (backstage.io docs, "Kubernetes:
  // Configuration").
  {
    all: ['kubernetes configuration is missing'],
    means:
      "Backstage's Kubernetes backend plugin found no `kubernetes:` section in the app config it was given (the app-config*.yaml files the backend loads, often from a ConfigMap): the plugin, new in this build, needs one (serviceLocatorMethod and clusterLocatorMethods), and without it the whole backend stops at start-up. Memory and database migrations are not involved. Add the kubernetes section to the app config the pod loads, or leave the plugin out of the build",
  },
  // SonarQube started on a database whose schema an older version wrote: it stays in maintenance, its
  // /api/system/status answering DB_MIGRATION_NEEDED (not UP), until an administrator starts the upgrade
  // at <server>/setup or with POST api/system/migrate_db (docs.sonarsource.com, "Upgrading SonarQube
  // Server"; the log's "Database needs to be migrated").
  // Only SonarQube's line: its loggers (`o.s.s.…`, org.sonar.server) or its documentation's link name it;
  // another program's "Database needs to be migrated! Run … migrate" is not this state.
  { all: ['database needs to be migrated', 'o.s.s.'], means: SONAR_MIGRATION },
  { all: ['database needs to be migrated', 'sonar'], means: SONAR_MIGRATION },
  // The same state as its compatibility check words it at start (older and newer wording).
  { all: ['database must be upgraded', '/setup'], means: SONAR_MIGRATION },
  { all: ['database must be manually upgraded', '/setup'], means: SONAR_MIGRATION },
  // Its api/system/status answer in that state, as a probe or a wait script logs it.
  { all: ['"status":"db_migration_needed"'], means: SONAR_MIGRATION },
  // PostgreSQL runs CREATE DATABASE, DROP DATABASE, CREATE INDEX CONCURRENTLY, VACUUM and ALTER SYSTEM only
  // outside a transaction block (postgresql.org, the reference page of each); psql -c runs a command string
  // of several statements as one transaction (postgresql.org, psql, option -c).
  {
    all: ['cannot run inside a transaction block'],
    means:
      'PostgreSQL runs this statement (CREATE DATABASE, DROP DATABASE, CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM) only on its own, outside any transaction block, and here it ran inside one: psql -c with several statements separated by semicolons sends them as one command string, which runs as one transaction (an implicit transaction block), as a BEGIN … COMMIT or a migration tool does. Give the statement a psql -c (or a statement) of its own',
  },
  // CoreDNS's Corefile parser refusing an option the plugin does not know (coredns.io, each plugin's
  // syntax): an option removed in the version an upgrade brought (the kubernetes plugin's `upstream` and
  // `resyncperiod`, ignored since 1.5 and removed in 1.7.0: coredns.io, the CoreDNS 1.7.0 release notes),
  // or misspelled.
  {
    all: ['error during parsing: unknown property'],
    means:
      "CoreDNS refused its Corefile: a plugin's block holds an option this CoreDNS version does not know, so the server does not start. After an upgrade it is an option the new version removed (the kubernetes plugin's upstream and resyncperiod options, ignored since 1.5, were removed in 1.7.0 and are no longer accepted); otherwise a misspelling. Delete (or replace) the option in the Corefile's ConfigMap",
  },
  // Go's type assertion failing on a value a config parser decoded (nats-server's conf, a YAML or JSON
  // file): the setting holds a value of another type than the program reads (a true where a size is wanted).
  // Only between the types a parser decodes a value to (a boolean, a string, a number, a list, a map): an
  // assertion between the program's own types is a bug in its code.
  ...['bool', 'string', 'float64', 'int64', 'int', '[]interface {}', 'map[string]interface {}'].map((t) => ({
    all: [`interface conversion: interface {} is ${t}, not `],
    means: GO_CONFIG_TYPE,
  })),
  // A Velero plugin checking the config keys Velero passes it (velero's plugin framework,
  // ValidateObjectStoreConfigKeys and ValidateVolumeSnapshotterConfigKeys): a key it does not know is
  // refused by name, and newer Velero servers pass keys (`bucket`, `prefix`) that older plugins never took.
  {
    all: ['config has invalid keys', 'valid keys are'],
    means:
      "a Velero plugin refused the configuration Velero passed it: a key it does not support (named first) against the keys it accepts. When the location's own config does not set that key, Velero itself passes it (newer servers hand the plugin the bucket and prefix of the BackupStorageLocation), so the plugin is older than the Velero server: an upgrade moved the server and left the plugin (its init container's image) behind, and the two are incompatible. Upgrade the plugin to the version made for this Velero (the provider's compatibility table), or take the key out of the location's config if it was set there by hand",
  },
  // Celery's worker on a message whose task name it has not registered (docs.celeryq.dev, "Received
  // unregistered task of type …"): it logs the error and discards the message.
  {
    all: ['received unregistered task of type'],
    means:
      "the Celery worker got a message for a task name its code does not register, so it logs this and discards the message: the job never runs. The worker runs other code than the producer that sent it: a worker left on the previous release (or an image without that task's module) while the producer's new release sends the new task; deploy the same release to the worker (or make it import the module)",
  },
  // restic's backup exit code 3, "Warning: at least one source file could not be read" (restic.readthedocs.io,
  // "Scripting": exit status 3 means some source data could not be read, an incomplete snapshot was made).
  // Velero's file-system backup runs restic (or kopia) over the live volume of a running pod.
  {
    all: ['at least one source file could not be read'],
    means:
      'restic made the snapshot but could not read some of the files it had listed (its exit status 3, an incomplete snapshot): files were deleted or replaced while the backup read them, because the program is writing the volume during the backup (a search index or database merges and rewrites its segment files); the copy is not consistent. Stop or flush the writes for the backup (pre- and post-backup hooks that freeze or pause them, as Velero offers), take a CSI volume snapshot instead of a file-system backup, or schedule the backup when nothing is writing; the object store and the disks are not at fault',
  },
  // minio-go's check of an S3 endpoint (s3utils.IsValidDomain / IsValidIP, "Endpoint: %s does not follow ip
  // address or domain name standards."): with nothing between "Endpoint:" and "does", the endpoint is empty.
  {
    all: ['endpoint:  does not follow ip address or domain name standards'],
    means: MINIO_EMPTY_ENDPOINT,
  },
  // The same with only a port: an empty host before it (`${MINIO_HOST}:9000` with MINIO_HOST unset).
  {
    all: ['endpoint: :', 'does not follow ip address or domain name standards'],
    means: MINIO_EMPTY_ENDPOINT,
  },
  {
    all: ['does not follow ip address or domain name standards'],
    none: ['endpoint:  does', 'endpoint: :'],
    means:
      "the S3 client (minio-go) refused its endpoint as neither a host name nor an IP address: it takes a host or host:port only, so a name with characters a host name cannot have (a space, an underscore, a leftover template) is refused; set it to the S3 service's bare host and port",
  },
  // The same refusal as Mnesia logs it on its own line.
  { all: ["thinks it's clustered with node", 'disagrees'], means: INCONSISTENT_CLUSTER },
  // Go's encoding/json refuses a JSON value whose kind does not fit the Go type it decodes into
  // (pkg.go.dev/encoding/json, UnmarshalTypeError: "json: cannot unmarshal <value> into Go value of type
  // <type>"): an object where the type is a slice (`[]interface {}`, `[]T`) means a list was expected.
  {
    all: ['cannot unmarshal object into go', 'of type []'],
    means:
      "the program expected a JSON list (an array, a collection of items) and was given a single object: Go's decoder refuses to put an object into a slice. The data and what its reader was told about it disagree on the shape; a setting that marks a response as a collection (or as a single item) is the usual cause, more often than the server that sends the object",
  },
  {
    all: ['cannot unmarshal array into go'],
    none: ['type []'],
    means:
      "the program expected a single JSON object and was given a list (an array, a collection): Go's decoder refuses to put an array into a struct or map. The data and what its reader was told about it disagree on the shape; a setting that marks a response as a single item (or as a collection) is the usual cause",
  },
  // The API server decoding a manifest whose variable value is a number or a boolean: EnvVar.value is a string
  // (kubernetes.io API reference, EnvVar), so YAML's unquoted `5432` or `true` is refused and nothing is applied.
  {
    all: ['cannot unmarshal', 'env.value of type string'],
    none: ['cannot unmarshal string'],
    means:
      'a variable of the manifest has a number or a boolean as its value (unquoted in the YAML, like DB_PORT: 5432), and the API server only takes strings for env values, so it rejected the whole change and nothing was applied: quote the value ("5432") in the manifest or its template',
  },
  // OpenSSL's SSL_R_UNSUPPORTED_PROTOCOL ("[SSL: UNSUPPORTED_PROTOCOL] unsupported protocol"): the server
  // offers only TLS versions below the client's minimum. OpenSSL 3.0 and the distributions that ship it
  // (Debian 12, Ubuntu 22.04) refuse TLS 1.0 and 1.1 at the default security level (SECLEVEL 1 and up,
  // MinProtocol TLSv1.2), which OpenSSL 1.1.1 images still allowed.
  // A server's own log of a client it refused (nginx's "SSL_do_handshake() failed … while SSL handshaking,
  // client: …") is the other side: an old client, not this program's outbound call.
  // Go's "unsupported protocol scheme" is a URL without a scheme, not TLS.
  ...[['unsupported_protocol'], ['unsupported protocol', 'ssl']].map(
    (all): Gloss => ({
      all,
      none: ['ssl_do_handshake', 'while ssl handshaking', 'protocol scheme'],
      means:
        "the TLS handshake failed on the protocol version: the server offers only an old TLS version (TLS 1.0 or 1.1) that this client's OpenSSL refuses; OpenSSL 3 (Debian 12, Ubuntu 22.04 and later base images) refuses TLS below 1.2 at its default security level, so a client rebuilt on a newer base image stops reaching a legacy server the old image (OpenSSL 1.1.1) still reached. The server should offer TLS 1.2 or later; until then, allow the old protocol for this client only (an OpenSSL config with MinProtocol = TLSv1 and CipherString = DEFAULT@SECLEVEL=0, through OPENSSL_CONF) or keep the older base image",
    }),
  ),
  // A program refusing data files in a format newer than it knows (a storage or index library's "unsupported
  // snapshot format version", "unsupported format version", "incompatible format version"): the files were
  // written by a newer release of it, and the image that runs now is older, typically after a rollback or a
  // downgrade that the data did not follow.
  // Redis says it of an RDB file a newer Redis wrote. A line that says the data is too old for this
  // release ("reads format version 3 or later") is the other way round, and is left out.
  ...[
    ['unsupport', 'format version'],
    ['incompatible', 'format version'],
    ["can't handle rdb format version"],
  ].map(
    (all): Gloss => ({
      all,
      none: ['or later', 'or newer', 'too old', 'older', 'no longer supported', 'converting', 'migrat'],
      means:
        'the program cannot read its data files: they are in a newer on-disk format than this version knows, written by a newer version of the program (an upgrade ran and wrote them), and the version running now is older (a rollback or downgrade of the image that the data did not follow), so what those files hold is not loaded and everything that needs it fails; roll the image forward to the version that wrote them (fix what the rollback was for another way), or rebuild or restore that data for this version. The credentials, the volume and the network are not at fault',
    }),
  ),
  // A program that sends mail through the sendmail binary (PHP's mail(), cron's MAILTO) in an image that has
  // none: the shell reports the command not found.
  ...[
    ['sendmail: not found'],
    ['sendmail: command not found'],
    ['/sendmail', 'no such file or directory'],
  ].map((all): Gloss => ({ all, none: ['sendmail_path'], means: NO_SENDMAIL })),
  // A Usenet downloader (SABnzbd, NZBGet) reads NZB files only (an XML index of Usenet articles); a
  // .torrent file is bencoded, so its parser refuses it at the first byte (SABnzbd: "Invalid NZB file …,
  // not well-formed (invalid token), line=1"; "Unusable NZB file").
  {
    all: ['.torrent', 'nzb'],
    means:
      "a .torrent file was handed to a Usenet downloader: it fetches and parses NZB files only (an XML index of Usenet articles), so every torrent link fails as an invalid NZB at its first byte; the links come from a torrent tracker's feed that whatever adds them (an RSS grabber, an indexer in the download chain) was pointed at. Point that grabber at an NZB indexer's feed, or send torrent links to a torrent client; the downloader and its Usenet servers are not at fault",
  },
  // SMTP AUTH's reply 535 (RFC 4954, "535 5.7.8 Authentication credentials invalid"), as SwiftMailer and
  // Symfony Mailer ('Expected response code 235 but got code "535"'), Nodemailer ("Invalid login: 535") and
  // Postfix's SMTP client ("SASL authentication failed; server … said: 535") print it.
  // Microsoft 365 answers 535 5.7.139 when SMTP AUTH is turned off for the tenant or the mailbox
  // (learn.microsoft.com, "Enable or disable SMTP AUTH in Exchange Online"): no password helps.
  {
    all: ['535 5.7.139'],
    symptom: true,
    means:
      'the mail server (Microsoft 365) refused the login because SMTP AUTH (authenticated client submission) is turned off for the tenant or for this mailbox (reply 535 5.7.139, "SmtpClientAuthentication is disabled"), not because of the password: turn SMTP AUTH on for the mailbox (Exchange Online, SmtpClientAuthenticationDisabled false), or send through OAuth or another relay',
  },
  ...[
    'got code "535"',
    'got code 535',
    '535 5.7.8',
    'invalid login: 535',
    'smtpauthenticationerror: (535',
  ].map((code): Gloss => ({ all: [code], none: ['5.7.139'], symptom: true, means: SMTP_535 })),
  { all: ['sasl authentication failed', ' 535'], none: ['5.7.139'], symptom: true, means: SMTP_535 },
  {
    all: ['wrongpass'],
    symptom: true,
    means: 'Redis refused the password the client sends (AUTH with a wrong or rotated password)',
  },
  {
    all: ['noauth', 'authentication required'],
    symptom: true,
    means: 'Redis requires a password (requirepass) and the client sends none',
  },
  {
    all: ['max number of clients reached'],
    means:
      "Redis reached its maxclients limit: the clients' connections together (every replica's pool) exceed it; lower the pools or raise maxclients",
  },
  // Python's urllib.parse reads the port after the last ':' of the network location, which ends at the
  // first '/', '?' or '#' (RFC 3986, section 3.2): a password holding one of those, not percent-encoded,
  // cuts the location short, and its first characters are read as the port (urllib.parse, `port`).
  {
    all: ['port could not be cast to integer value'],
    means:
      "the connection URL cannot be parsed: its password (the user information before '@') holds a reserved character ('/', '?' or '#') that is not percent-encoded, so the parser ends the host part at it and reads the password's first characters as the port. A password rotated to one with such characters breaks every client that reads the URL; percent-encode the password in the URL (/ as %2F, ? as %3F, # as %23, @ as %40) or pick one without reserved characters. The server the URL names is not what fails",
  },
  // Go's net/url: the same cut, as Go's parser reports it.
  {
    all: ['invalid port', 'after host', '@'],
    means:
      "the connection URL cannot be parsed: its password (the user information before '@') holds a reserved character ('/', '?' or '#') that is not percent-encoded, so the parser ends the host part at it and what follows the last ':' is not a port; percent-encode the password in the URL (/ as %2F, ? as %3F, # as %23, @ as %40) or pick one without reserved characters",
  },
  // Kafka: a broker older than the compression type (zstd needs brokers of 2.1 or later, produce request v7;
  // KIP-110) refuses the batch with UNSUPPORTED_COMPRESSION_TYPE.
  // A fetch refused for its compression: the consuming client is older than the batches' compression
  // (Kafka's UNSUPPORTED_COMPRESSION_TYPE, error 76, to a fetch request of a version before zstd).
  {
    all: ['unsupported', 'compression', 'fetch'],
    means:
      "the consuming client cannot read the batches' compression: zstd-compressed batches need a consumer client of Kafka 2.1 or later (fetch request v10), and an older client's fetch is refused; upgrade the consumer's client library, or have the producers use a compression the old client reads (lz4, snappy or gzip)",
  },
  {
    all: ['unsupported compression type'],
    means:
      "the Kafka brokers do not support the producer's compression type: zstd needs brokers of Kafka 2.1 or later (produce request v7, KIP-110), and older brokers refuse every batch compressed with it; use a compression the brokers support (lz4, snappy or gzip) or upgrade the brokers first",
  },
  {
    all: ['unsupportedcompressiontype'],
    means:
      "the Kafka brokers do not support the producer's compression type: zstd needs brokers of Kafka 2.1 or later (produce request v7, KIP-110), and older brokers refuse every batch compressed with it; use a compression the brokers support (lz4, snappy or gzip) or upgrade the brokers first",
  },
  {
    all: ['unsupported_compression_type'],
    means:
      "the Kafka brokers do not support the producer's compression type: zstd needs brokers of Kafka 2.1 or later (produce request v7, KIP-110), and older brokers refuse every batch compressed with it; use a compression the brokers support (lz4, snappy or gzip) or upgrade the brokers first",
  },
  // mke2fs creates lost+found at the root of every ext2/3/4 filesystem, owned by root with mode 0700
  // (mke2fs(8)); a volume's root is that filesystem's root.
  {
    all: ['lost+found', 'accessdenied'],
    means:
      'lost+found is the directory mkfs creates at the root of an ext4 filesystem, owned by root with mode 0700 (drwx------): a program that runs as another user and reads the volume from its root cannot open it, and a scan that stops at the first error aborts the whole scan, so nothing after it is read. Point the program at a subdirectory of the volume (or exclude lost+found from the scan), or chown the directory; the data itself is fine',
  },
  {
    all: ['lost+found', 'permission denied'],
    means:
      'lost+found is the directory mkfs creates at the root of an ext4 filesystem, owned by root with mode 0700 (drwx------): a program that runs as another user and reads the volume from its root cannot open it, and a scan that stops at the first error aborts the whole scan, so nothing after it is read. Point the program at a subdirectory of the volume (or exclude lost+found from the scan), or chown the directory; the data itself is fine',
  },
  // ActiveMQ Artemis preallocates journal files of a fixed size (journal-file-size, 10 MiB by default;
  // activemq.apache.org, "Persistence"): one shorter than that was cut by a crash, a full disk or a copy.
  {
    all: ['broker', 'journal', 'truncated'],
    means:
      'the embedded message broker cannot load its journal: a journal file is shorter than the fixed size the broker preallocates (cut by a crash, a full disk or an interrupted copy), so the broker does not start and every task the program queues through it is never delivered (a button that starts work does nothing, while the rest of the program answers); move the broken journal file aside or remove the journal directory (the messages queued in it are lost) and restart the program so the broker creates a new journal',
  },
  // PHP's redis extension (phpredis, pecl) declares the class \Redis itself; Laravel's docs (Redis, "The
  // PhpRedis extension", up to Laravel 7) say to rename or remove the `Redis` facade alias in config/app.php
  // when the extension is installed, since the alias declares a class of the same name. PHP's fatal error
  // for a second declaration is "Cannot declare class X, because the name is already in use".
  {
    all: ['cannot declare class redis,', 'already in use'],
    means:
      "two classes named Redis are loaded: PHP's redis extension (phpredis, installed from PECL or a distribution package) declares the class Redis itself, and the application declares its own class or alias of that name (in Laravel, the Redis facade alias of config/app.php, used with the predis client library); PHP cannot declare a class twice, so every job or request that loads it dies with this fatal error. It starts when the redis extension is added to an image that did not have it (a rebuilt image, a new base); remove the extension from the image (or run the image before it was added), or drop the alias and let the application use the extension (REDIS_CLIENT=phpredis)",
  },
  // An authenticated cipher (AES-GCM, ChaCha20-Poly1305) needs at least its nonce and tag: a blob of 0 bytes
  // is refused as too short before any key is tried (Kopia's and Go crypto's wording).
  {
    all: ['ciphertext too short: 0'],
    means:
      "the blob it read is empty (0 bytes long): a zero-byte file in the repository, left by an interrupted write or a truncated copy, holds nothing to decrypt, so the error comes before any key is tried and the repository's credentials are not what fails; find the zero-byte blob (find -size 0 in the repository), remove or repair it (the tool's index recovery or repair), and run the job again",
  },
  // Laravel's Encrypter: the payload's HMAC, computed with the running APP_KEY, does not match the one
  // stored with it (Illuminate\Encryption\Encrypter::decrypt throws DecryptException "The MAC is
  // invalid."); laravel.com/docs/encryption, "Gracefully Rotating Encryption Keys" (APP_PREVIOUS_KEYS).
  {
    all: ['the mac is invalid'],
    means:
      "Laravel could not decrypt a stored value (DecryptException, \"The MAC is invalid.\"): the value was encrypted with a different APP_KEY than the one the application runs with now. Data restored or moved from another installation stays encrypted under that installation's old key, and an install that generated a new key (a chart's default secret) cannot read it; the data itself is intact, so restoring it again changes nothing. Set APP_KEY back to the old installation's key (or list the old key in APP_PREVIOUS_KEYS), then restart the pods",
  },
  // PostgreSQL's per-role and per-database CONNECTION LIMIT: https://www.postgresql.org/docs/current/sql-createrole.html
  {
    all: ['too many connections for role'],
    means:
      "the role's own CONNECTION LIMIT (ALTER ROLE … CONNECTION LIMIT) is used up, not the server's max_connections: the clients logging in as that role (every replica's pool) together exceed it; lower the pools or raise the role's limit",
  },
  {
    all: ['too many connections for database'],
    means:
      "the database's own CONNECTION LIMIT (ALTER DATABASE … CONNECTION LIMIT) is used up, not the server's max_connections; lower the pools or raise the database's limit",
  },
  {
    all: ['too many connections'],
    means:
      "the database's max_connections is used up: the replicas' connection pools together exceed it (a scale-out adds pools); lower the per-pod pool, cap the replicas, or add a pooler such as ProxySQL or PgBouncer",
  },
  // SQLite takes POSIX locks on its database file; on a network file system (SMB/CIFS shares such as Azure
  // Files, many NFS setups) those locks fail or are not honoured (sqlite.org, "How To Corrupt An SQLite
  // Database File", 2.1 "Filesystems with broken or missing lock implementations").
  {
    all: ['database is locked'],
    means:
      'SQLite could not lock its database file: either another process holds the lock, or the file lives on a network file system (an SMB/CIFS share such as Azure Files, or NFS) whose locking SQLite cannot use, so every write that needs the lock fails; keep the SQLite file on a block volume (a ReadWriteOnce disk) with one writer, or move the data to a database server (MySQL, PostgreSQL)',
  },
  // mongodump --oplog reads the oplog, which only a replica set member keeps (MongoDB manual, mongodump
  // --oplog: "works only with nodes that maintain an oplog").
  {
    all: ['error getting oplog start'],
    means:
      'mongodump was run with --oplog, which needs an oplog (local.oplog.rs), and only a replica set member keeps one: the MongoDB it reads runs standalone (mongod without --replSet), so there is no recent oplog entry and the dump fails; drop --oplog for a standalone server, or run MongoDB as a replica set again (a one-member set will do) and keep --oplog',
  },
  // HikariCP: the pool's connections are all lent out. https://github.com/brettwooldridge/HikariCP (connectionTimeout)
  {
    all: ['connection is not available, request timed out'],
    symptom: true,
    means:
      "the application's connection pool is exhausted: every connection is in use (slow queries, a leak, or a pool smaller than the concurrency) and a request waited connectionTimeout for one",
  },
  // Java's HostnameChecker (JSSE): the client dialled an IP address the server certificate lists no IP SAN
  // for (https://docs.oracle.com/en/java/javase/17/docs/api/java.base/javax/net/ssl/HttpsURLConnection.html:
  // the host of the URL is checked against the certificate's subject alternative names).
  {
    all: ['no subject alternative names matching ip address'],
    means:
      "TLS verification fails because the client reaches the server by IP address, and the server's certificate does not cover the IP: none of its subject alternative names is that address (it is issued for DNS names, or for other addresses), so the handshake is refused by the client and nothing is sent (the port is open: a firewall that blocked it would time out or refuse the connection instead). Point the client at a DNS name the certificate is issued for (its URL's host), or reissue the certificate with the IP address as a SAN",
  },
  // Go crypto/x509: a certificate without IP SANs cannot be verified for an IP address (metrics-server
  // scraping kubelets by IP: https://github.com/kubernetes-sigs/metrics-server#requirements).
  {
    all: ["doesn't contain any ip sans"],
    means:
      "TLS verification fails: the server's certificate has no IP SANs, so a client that connects by IP address cannot verify it (metrics-server scraping kubelets whose self-signed serving certificates lack IP SANs; sign kubelet serving certificates with serverTLSBootstrap, or, as a workaround, --kubelet-insecure-tls)",
  },
  // Go's net/http server logs the handshakes it fails as "http: TLS handshake error from <client>": a
  // verification failure there is of the certificate the client presented (mutual TLS).
  {
    all: ['tls handshake error from', 'certificate has expired'],
    means:
      "this server requires client certificates (mutual TLS) and the client certificate the caller presents has expired, so the server rejects its handshakes and the caller's requests fail; renew the caller's client certificate (the Secret it mounts) and reload the caller",
  },
  {
    all: ['x509: certificate has expired'],
    means:
      "TLS verification fails because the server's certificate has expired (or the client's clock is wrong); renew the certificate (cert-manager, the issuer) and reload whatever serves it",
  },
  {
    all: ['x509: certificate is valid for'],
    means:
      "TLS verification fails: the certificate's names (SANs) do not include the host name the client uses; connect with a name the certificate covers or reissue it with that name",
  },
  {
    all: ['wrong version number'],
    means:
      'a TLS client reached a port that speaks plain text (or the reverse): the first bytes of the reply are an HTTP response, not a TLS record, because the client uses https:// for a port that has no TLS, or the port points at the wrong listener; use http:// for that port, or point the client at the port that serves TLS',
  },
  // The Linux netfilter connection tracking table: https://docs.kernel.org/networking/nf_conntrack-sysctl.html
  {
    all: ['nf_conntrack', 'table full'],
    means:
      "the node's conntrack (connection tracking) table is full (nf_conntrack_max), so the kernel drops new connections from every pod on that node: timeouts on that one node only. Find the workload opening many short-lived connections there, and raise nf_conntrack_max (kube-proxy --conntrack-max-per-core)",
  },
  // MySQL 8.0 upgrades data files in place only after a clean shutdown of the old version (MySQL reference
  // manual, "Upgrading MySQL", "In-Place Upgrade": a slow shutdown, innodb_fast_shutdown=0, before the
  // upgrade); InnoDB refuses a redo log that still needs crash recovery (MY-012526).
  {
    all: ['upgrade after a crash is not supported'],
    means:
      "MySQL refuses to upgrade data files that the previous version did not shut down cleanly: its redo log still holds changes that only that version's crash recovery can apply. The old server was stopped abruptly (in a pod: killed when terminationGracePeriodSeconds ran out before InnoDB finished its shutdown), so the new version will not start on these files. Start the previous version again (roll the Deployment back) so it recovers and then shuts down cleanly (innodb_fast_shutdown=0, a grace period long enough), and upgrade after that",
  },
  // nginx and ingress-nginx: https://nginx.org/en/docs/http/ngx_http_proxy_module.html ;
  // https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
  {
    all: ['upstream timed out', 'while reading response header from upstream'],
    means:
      "nginx gave up waiting for the upstream's response after proxy_read_timeout (60s by default; in ingress-nginx the nginx.ingress.kubernetes.io/proxy-read-timeout annotation) and answered 504; the request takes longer than that, so raise the read timeout for that path or make the request asynchronous",
  },
  {
    all: ['client intended to send too large body'],
    means:
      'nginx refused the request body as larger than client_max_body_size (1m by default; in ingress-nginx the nginx.ingress.kubernetes.io/proxy-body-size annotation) and answered 413',
  },
  // The same refusal from a FastCGI upstream (PHP-FPM): its buffer is fastcgi_buffer_size
  // (nginx.org, ngx_http_fastcgi_module).
  {
    all: ['upstream sent too big header', 'fastcgi'],
    means:
      "nginx refused the FastCGI upstream's response headers (PHP-FPM's) as larger than fastcgi_buffer_size (4k or 8k by default, one memory page) and answered 502 Bad Gateway at once; large Set-Cookie headers are the usual cause: raise fastcgi_buffer_size (and fastcgi_buffers) in the server's nginx configuration, or make the response's headers smaller",
  },
  // The upstream closed the connection before a whole response header came (ngx_http_upstream.c): the
  // backend crashed or restarted mid-request, closed an idle keep-alive connection nginx reused, or does
  // not speak HTTP on that port.
  {
    all: ['upstream prematurely closed connection'],
    means:
      "nginx sent the request to the upstream (the backend pod) and the upstream closed the connection before a whole response came back, so nginx answered 502 Bad Gateway: the backend process crashed or was restarted (OOM-killed, a rollout) mid-request, closed a keep-alive connection nginx was reusing (its idle timeout shorter than the proxy's), or the port does not speak the protocol nginx uses (HTTP against a TLS or gRPC port). Look at the backend's restarts and log at those times",
  },
  // Nothing accepted the connection at the upstream's address (ngx_http_upstream.c, connect() to the
  // endpoint): the pod is not listening there.
  // The same to a Unix socket upstream (PHP-FPM's): `connect() to unix:/run/php/php-fpm.sock failed (2: …)`.
  {
    all: ['connect() to unix:', 'while connecting to upstream'],
    means:
      "nginx could not connect to the upstream's Unix socket (PHP-FPM's, as a rule) and answered 502 Bad Gateway: the socket file does not exist (the FastCGI server is not running, or listens on a TCP port or another path than nginx's fastcgi_pass names) or nginx may not open it (its mode or owner: listen.owner and listen.mode in the FPM pool). Make fastcgi_pass and the pool's listen name the same socket, with a mode nginx's user may use",
  },
  {
    all: ['connect() failed', 'while connecting to upstream'],
    means:
      "nginx could not open a connection to the upstream's address (the endpoint's pod IP and port) and answered 502 Bad Gateway: nothing listens there (the program listens on another port than the Service's targetPort, or is still starting), the pod is gone while its endpoint lingered, or a NetworkPolicy drops the controller's traffic (then the error is a timeout)",
  },
  {
    none: ['fastcgi'],
    all: ['upstream sent too big header'],
    means:
      "nginx refused the upstream's response headers as larger than proxy_buffer_size (4k or 8k by default, one memory page; ingress-nginx: the proxy-buffer-size ConfigMap key or the nginx.ingress.kubernetes.io/proxy-buffer-size annotation) and answered 502 Bad Gateway at once, without waiting for any timeout. Large Set-Cookie headers (a session or sign-in tokens kept in cookies) are the usual cause: raise proxy-buffer-size (for example to 16k) for that Ingress, or make the response's headers smaller",
  },
  {
    all: ['no live upstreams'],
    means:
      'nginx has no healthy upstream server left for this location: every backend failed or none is configured',
  },
  // DNS resolution failures as resolvers and runtimes print them.
  {
    all: ['temporary failure in name resolution'],
    symptom: true,
    means:
      'the name does not resolve: the DNS server did not answer (CoreDNS down or unreachable, a NetworkPolicy dropping port 53) or the name is wrong',
  },
  {
    all: ['getaddrinfo enotfound'],
    symptom: true,
    means:
      'the host name does not resolve (NXDOMAIN): the name is wrong, or the Service or namespace it names does not exist',
  },
  // Runtimes out of memory before the container limit: https://docs.oracle.com/en/java/javase/21/troubleshoot/
  // and https://nodejs.org/api/cli.html#--max-old-space-sizesize-in-megabytes
  {
    all: ['outofmemoryerror', 'java heap space'],
    means:
      "the JVM's heap (-Xmx, or MaxRAMPercentage of the container limit) is too small for the work: the program fails inside the JVM before the container reaches its memory limit; raise the heap or the limit, or find the leak",
  },
  {
    all: ['outofmemoryerror', 'metaspace'],
    means:
      "the JVM's metaspace (class metadata, -XX:MaxMetaspaceSize) is full: too many classes loaded, often a class-loader leak",
  },
  {
    all: ['unable to create', 'native thread'],
    means:
      "the JVM cannot start a thread: the PID/thread limit is reached (the pod's pids limit or the node's pid_max), not heap memory",
  },
  {
    all: ['javascript heap out of memory'],
    means:
      "Node.js hit its own heap limit (--max-old-space-size, by default sized from the machine rather than the container), so it aborts before or regardless of the container's memory limit; set --max-old-space-size below the container limit",
  },
  // The kernel and the container runtime.
  {
    all: ['exec format error'],
    means:
      "the kernel cannot run the file: most often the image's binary is built for another CPU architecture than the node's (an arm64 image on amd64 nodes or the reverse; publish a multi-arch image or build for the node's architecture), or a script lacks its #! line",
  },
  {
    all: ['address already in use'],
    means:
      'the port the program binds is already taken: two containers of the pod (or a hostNetwork/hostPort pod on the node) use the same port',
  },
  {
    all: ['listen eacces'],
    means:
      'a non-root process cannot bind a privileged port (below 1024): listen on a port above 1024, or grant NET_BIND_SERVICE',
  },
  {
    all: ['bind: permission denied'],
    means:
      'a non-root process cannot bind a privileged port (below 1024): listen on a port above 1024, or grant NET_BIND_SERVICE',
  },
  {
    all: ['read-only file system'],
    means:
      'the program writes where the file system is read-only (readOnlyRootFilesystem, or a read-only mount): mount a writable emptyDir at that path',
  },
  // PostgreSQL's dynamic shared memory lives in /dev/shm (dynamic_shared_memory_type = posix), which a
  // container gets at 64 MiB unless the pod mounts more: parallel queries need more.
  // https://www.postgresql.org/docs/current/runtime-config-resource.html#GUC-DYNAMIC-SHARED-MEMORY-TYPE ;
  // https://kubernetes.io/docs/concepts/storage/volumes/#emptydir (medium: Memory)
  {
    all: ['could not resize shared memory segment'],
    means:
      "PostgreSQL could not grow a shared memory segment in /dev/shm: a container's /dev/shm is 64Mi by default (the container runtime's shm size), too small for the shared memory parallel query workers use, so the query fails with 'No space left on device' although the data volume has room; mount an emptyDir with medium: Memory (and a sizeLimit) at /dev/shm in the database pod, or lower max_parallel_workers_per_gather",
  },
  // etcd's space quota: https://etcd.io/docs/v3.5/op-guide/maintenance/#space-quota
  {
    all: ['mvcc: database space exceeded'],
    means:
      "etcd's database reached its backend quota (--quota-backend-bytes, 2 GiB by default) and raised the NOSPACE alarm, so it refuses every write while reads still work; it fills when the key revision history is never compacted: compact it (etcdctl compact, or --auto-compaction-retention), defragment each member (etcdctl defrag), then clear the alarm (etcdctl alarm disarm)",
  },
  // The CNI's host-local IPAM: every address of the node's pod range is in use.
  // https://www.cni.dev/plugins/current/ipam/host-local/
  {
    all: ['no ip addresses available in range set'],
    means:
      "the node's pod address range (its podCIDR, given by the controller manager's --node-cidr-mask-size) has no free address left: the CNI's IPAM cannot give the new pod an IP, so its sandbox is never created and it stays in ContainerCreating on that node while pods on other nodes start; free the addresses (leaked allocations of pods long gone) or give nodes a larger range, and keep maxPods below the range's size",
  },
  // A Localhost seccomp profile is a file on each node: https://kubernetes.io/docs/tutorials/security/seccomp/
  {
    all: ['cannot load seccomp profile'],
    means:
      "the Localhost seccomp profile the pod names is not installed on the node it was scheduled to (the file under the kubelet's seccomp directory is missing there), so the container cannot be created on that node; install the profile on every node the pod can run on (the installing DaemonSet must run there too: check its nodeSelector and tolerations), or move the pod to nodes that have it",
  },
  // client-go's own rate limiter (QPS 5, burst 10 by default), not the API server's priority and fairness.
  // https://kubernetes.io/docs/concepts/cluster-administration/flow-control/ ; k8s.io/client-go/rest.Config
  {
    all: ['due to client-side throttling'],
    means:
      "the program's Kubernetes client waits on its own client-side rate limiter (client-go's default QPS of 5 and burst of 10, unless the program sets them), not on the API server, which is not overloaded; raise the client's QPS and burst (the program's flag or environment variable for them)",
  },
  {
    all: ['no space left on device'],
    means:
      'the volume or file system the program writes to is full: free it, grow the volume, or rotate what fills it',
  },
  // EIO (errno 5, "Input/output error" in glibc's strerror): the device under the path failed the operation.
  // Node.js spells it with libuv's code (`EIO: i/o error, read`).
  {
    all: ['eio: i/o error'],
    means:
      'EIO: the storage device under that path failed the read or write (a failing disk, or network storage that stopped answering), which is neither a permission nor a missing file; find which disk or volume backs the path on the host that serves it (the address or path in the error), check it (kernel log, SMART), and take it out of service',
  },
  {
    all: ['input/output error'],
    means:
      'EIO: the storage device under that path failed the read or write (a failing disk, or network storage that stopped answering), which is neither a permission nor a missing file; find which disk or volume backs the path on the host that serves it (the address or path in the error), check it (kernel log, SMART), and take it out of service',
  },
  // Skupper 2's `skupper link generate` on a site without link access (its Site's spec.linkAccess none):
  // the site publishes no endpoints a link can point at.
  {
    all: ['the active site has not configured endpoints yet'],
    means:
      "Skupper's site in this namespace has link access not enabled (the Site's linkAccess is none), so it publishes no endpoints a link token could point at, and generating a link fails however often it is retried; enable link access on the site (spec.linkAccess: default, skupper site update --enable-link-access), then generate the link again",
  },
  // Flyte's compiler error for a workflow whose node gets an input of another type than it declares
  // (flytepropeller: "Code: MismatchingTypes … Variable [o0] (type [blob:{}]) doesn't match expected type
  // [simple:STRING]"); "[User]" marks the workflow's own error.
  {
    // The second phrase first: a quote is cut around it, so it keeps the two types the message names.
    all: ["doesn't match expected type", 'mismatchingtypes'],
    means:
      "the workflow wires one node's output into another node's input of a different type (the message names both: the variable's type, then the type the input expects), so Flyte refuses to compile the workflow and every run of it fails; the release that changed the workflow's code is at fault, not the storage or the propeller: pass the value the input expects (or change the input's type)",
  },
  // BookKeeper's ledger index file whose header has no signature (IndexPersistenceMgr/FileInfo: "Missing
  // ledger signature while reading header for …idx"): the file was cut short or zeroed.
  {
    all: ['missing ledger signature while reading header'],
    means:
      "the bookie's ledger index file named in the message has no valid header: it was truncated or corrupted on disk, typically by an unclean shutdown (a power cut or a node that died mid-write), so the bookie cannot open that ledger (at start, while it replays its journal, it stops); the file, not the image or the cluster, is at fault: restore or remove that index file (and let the ledger re-replicate from the other bookies), or rebuild the bookie's index",
  },
  // GitHub's REST API answer to an app installation token request for permissions the installation lacks
  // ("The permissions requested are not granted to this installation.", 422).
  {
    all: ['permissions requested are not granted to this installation'],
    means:
      "GitHub refused the GitHub App's installation token: the token asks for permissions the app's installation has not been granted (the app's permissions were raised and an organization owner has not approved them, or the request names more than the app has), so nothing that needs that token works; an organization owner must grant the requested permissions to the installation (or the request must ask for fewer); the credentials and the secret store are not at fault",
  },
  // kubectl's answer when a manifest URL given to -f is answered 404 ("unable to read URL …, server reported
  // 404 Not Found").
  {
    all: ['unable to read url', 'reported 404'],
    means:
      "the manifest is no longer at that URL (the server answered 404 Not Found): the file was moved, renamed or removed where it is published (a branch that reorganised its files, a release asset renamed), so every apply from it fails; point the setting at the file's current location, or pin a release whose URL does not move",
  },
  // Go's x/crypto/ssh ParsePrivateKey when the data holds no PEM block ("ssh: no key found"), as git
  // clients built on it (go-git, kpack, Flux, Argo CD) report a Secret's SSH key they cannot use.
  {
    all: ['ssh: no key found'],
    means:
      'the SSH key the program was given is not a private key it can parse: Go\'s SSH library says "no key found" when the data holds no PEM private-key block, typically because the public key (the .pub file) was stored where the private key goes, or the value is empty or wrapped in an extra base64 layer; put the private key itself in the Secret (its ssh-privatekey entry), and the public key on the git server as a deploy key',
  },
  // go-git's answer when a git server refuses HTTPS credentials for a repository (transport.ErrAuthenticationRequired).
  {
    all: ['authentication required', 'repository', 'git'],
    // A container registry's refusal (`UNAUTHORIZED: authentication required; [map[… Type:repository]]`).
    none: ['ssh:', 'unauthorized', 'type:repository', '/v2/'],
    means:
      'the git server refused the HTTPS credentials sent for the repository (go-git\'s "authentication required"): the Secret\'s username and password were not accepted; hosts such as GitHub refuse an account password over HTTPS, and always for an account with two-factor authentication (MFA), so the Secret needs a personal access token (or the repository an SSH deploy key) instead of the password',
  },
  // Katib's trial controller (pkg/controller.v1beta1/trial … "Unable to find parameter: %v in parameter
  // assignment map"): a trialParameters reference names no parameter the experiment defines.
  {
    all: ['unable to find parameter:', 'in parameter assignment map'],
    means:
      "the experiment's trial template has a trialParameters entry whose reference names a parameter the experiment does not define: the reference must be the experiment parameter's exact name (the map in the message lists the names the suggestion assigned, such as --eta where the reference says eta), so no trial can be created; make the reference and the parameter's name match",
  },
  // Cruise Control's RackAwareGoal (OptimizationFailureException "[RackAwareGoal] Insufficient number of
  // racks to distribute each replica (Current: N, Needed: M)"): the brokers' broker.rack values span N racks.
  {
    all: ['[rackawaregoal]', 'insufficient number of racks'],
    means:
      "Cruise Control's RackAwareGoal cannot place each replica of a partition in a different rack: the brokers' broker.rack values span fewer racks than the replication factor (Current is the number of racks the brokers span: Current: 1 means every broker is in one rack, the same zone), so no rebalance proposal can be made however long it waits; spread the brokers over as many zones as the replication factor, or drop RackAwareGoal from the goals",
  },
  // Go's *fs.PathError marshalled to JSON (a registry's storage driver error passed on in a 500's
  // detail): syscall.Errno marshals as its number, and 28 is ENOSPC on Linux (asm-generic/errno-base.h).
  {
    all: ['\\"op\\":\\"write\\"', '\\"err\\":28}'],
    means:
      'a write failed with errno 28, ENOSPC: no space left on device. The storage of the server that answered (the path in the error) is full: free it, grow the volume, or delete what fills it (a registry: garbage collection)',
  },
  {
    all: ['"op":"write"', '"err":28}'],
    means:
      'a write failed with errno 28, ENOSPC: no space left on device. The storage of the server that answered (the path in the error) is full: free it, grow the volume, or delete what fills it (a registry: garbage collection)',
  },
  // A setting that names a Python module by its dotted path (a backend, an engine) that the installed
  // release of the package does not have: Django's and its apps' backend loaders report the import's
  // ModuleNotFoundError inside their own error ("Could not find backend 'x': No module named 'x'").
  ...[
    ['backend', 'no module named'],
    ['engine', 'no module named'],
  ].map(
    (all): Gloss => ({
      all,
      means:
        'a setting names a module by its dotted path (a backend or an engine) that the installed version of the package does not have: the path belongs to another release (modules are added and renamed between versions), so every operation that needs it fails while the rest works; set it to the module path the installed version provides (its documentation for that version) or upgrade the package to a release that has it',
    }),
  ),
  // A schedule its parser refuses: standard cron has five fields (minute to day of week); Quartz's six or
  // seven (seconds first, an optional year, `?` for "no specific value") are not accepted by cron
  // libraries that follow the standard (node-cron and cron-parser in their default mode, robfig/cron).
  {
    all: ['invalid cron expression'],
    means:
      "a schedule's cron expression is not one the program's parser accepts: most often a Quartz-style expression (six or seven fields, seconds first, `?` for no specific day, as in `0 0 7 ? * * *`) where the parser takes standard cron's five fields (minute hour day month weekday), or a typo in a field; whatever carries the schedule (a job, a trigger, an automation) fails to be set up, and everything that sets it up with it fails; rewrite the expression in five fields (`0 7 * * *` for 07:00 daily)",
  },
  // A Node.js program that starts a helper binary its image does not have: child_process.spawn's error,
  // "spawn <path> ENOENT" (no such file).
  {
    all: ['spawn ', ' enoent'],
    means:
      'the program starts a helper program at that path and the image does not have it (ENOENT: no such file or directory): the setting that selects the helper (a flavor, a backend, a driver, as the line names it) names a variant this image does not ship, so everything that needs the helper fails while the rest works; set it to a variant the image ships, or use an image that ships this one',
  },
  // Program startup: a module or shared library missing from the image.
  {
    all: ['modulenotfounderror: no module named'],
    means:
      'a Python module the program imports is not installed in the image: the image was built without that dependency',
  },
  {
    all: ['cannot find module'],
    means:
      'a Node.js module the program loads is missing from the image: a dependency or build output was not copied into it',
  },
  {
    all: ['glibc_', 'not found'],
    means:
      'the binary needs a newer glibc than the base image has (or the base image is musl-based such as Alpine): build against the runtime image or change the base image',
  },
  // AWS credentials and authorization, as the SDKs print them.
  {
    all: ['security token included in the request is expired'],
    symptom: true,
    means:
      "the pod's AWS credentials expired: static or cached session credentials are not refreshed (use the service account's role through IRSA or Pod Identity so the SDK refreshes them)",
  },
  {
    all: ['is not authorized to perform'],
    symptom: true,
    means:
      "the pod's cloud identity lacks the permission the call needs: the IAM role (or the role its service account maps to) has no policy allowing that action on that resource",
  },
  // PostgreSQL data files are specific to a major version. https://www.postgresql.org/docs/current/upgrading.html
  {
    all: ['database files are incompatible with server'],
    means:
      "the data directory was initialized by another PostgreSQL major version (a major version bump of the image, 15 to 16 for example); a server cannot read another major version's data files. This is not corruption, the data is intact: roll back the image to the old major version, or upgrade the data with pg_upgrade or a dump and restore (pg_dump) into the new version",
  },
  // Kafka consumers on a record they cannot deserialize: https://kafka.apache.org/documentation/#consumerapi ;
  // Spring Kafka's ErrorHandlingDeserializer: https://docs.spring.io/spring-kafka/reference/kafka/serdes.html
  {
    all: ['error deserializing key/value for partition'],
    means:
      "one record at one offset of a partition cannot be deserialized (a poison pill: written in another format or by another serializer), so the consumer fails on it at every poll and that partition stalls while the others are consumed; skip it by seeking past the offset (reset the group's offset for that partition past the record) or use an error-handling deserializer (ErrorHandlingDeserializer) with a dead-letter topic",
  },
  {
    all: ['unknown magic byte'],
    means:
      "a record does not start with the schema registry's magic byte (it was not written by the Avro/Protobuf serializer), so it cannot be deserialized and blocks its partition at that offset (a poison pill); skip it by seeking past the offset or use an error-handling deserializer with a dead-letter topic",
  },
  // RabbitMQ resource alarms block publishers. https://www.rabbitmq.com/docs/alarms ; https://www.rabbitmq.com/docs/disk-alarms
  {
    all: ['disk resource limit alarm'],
    means:
      "RabbitMQ's free disk space fell below disk_free_limit, so it raised the disk alarm and blocks every connection that publishes (connection.blocked) until space is freed; consumers keep working and the pod stays Ready, so publishers hang instead of failing",
  },
  // Elasticsearch's memory lock: bootstrap.memory_lock needs mlockall, which RLIMIT_MEMLOCK bounds.
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/setup-configuration-memory.html
  {
    all: ['unable to lock jvm memory'],
    means:
      "Elasticsearch is configured to lock its heap in RAM (bootstrap.memory_lock: true), but mlockall failed because the container's locked-memory limit (RLIMIT_MEMLOCK, ulimit -l: 64 KiB by default) is far below the heap, so the memory lock bootstrap check stops it; raise the memlock ulimit to unlimited for the container (the runtime's default ulimits, or the node's containerd/docker configuration), or set bootstrap.memory_lock: false and keep swap off on the node",
  },
  {
    all: ['memory locking requested', 'not locked'],
    means:
      "Elasticsearch's bootstrap check for bootstrap.memory_lock failed: mlockall could not lock the heap because the container's locked-memory limit (RLIMIT_MEMLOCK, ulimit -l, 64 KiB by default) is too low; raise the memlock ulimit to unlimited for the container, or set bootstrap.memory_lock: false and keep swap off on the node",
  },
  // The same alarms as a publishing client meets them: the broker's connection.blocked method (AMQP
  // 0-9-1 extension, https://www.rabbitmq.com/docs/connection-blocked), whose reason names the alarm.
  { all: ['connection.blocked', 'disk'], means: BLOCKED_DISK },
  { all: ['connection.blocked', 'memory'], means: BLOCKED_MEMORY },
  // Client libraries say it in their own words: `connection blocked by broker: reason="low on memory"`.
  { all: ['blocked', 'low on disk'], means: BLOCKED_DISK },
  { all: ['blocked', 'low on memory'], means: BLOCKED_MEMORY },
  {
    all: ['connection.blocked'],
    means:
      "the broker (RabbitMQ) blocked this publishing connection (connection.blocked): a resource alarm (disk or memory) is set on the broker, and while it is set the broker stops reading from publishers, so publishes hang and time out; the broker's log says which alarm",
  },
  {
    all: ['memory resource limit alarm'],
    means:
      "RabbitMQ's memory use passed vm_memory_high_watermark, so it raised the memory alarm and blocks every connection that publishes (connection.blocked) until memory is freed; consumers keep working",
  },
  // The kubelet's client certificate: https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation ;
  // kubeadm's client certificates last one year: https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/
  {
    all: ['kubelet', 'client certificate', 'expired'],
    means:
      "the kubelet's client certificate has expired (kubeadm-issued client certificates last one year; without client certificate rotation nothing renews them), so the API server rejects the kubelet as Unauthorized and the node stops posting its status; renew the certificate (kubeadm certs renew, or re-bootstrap the kubelet) and turn on rotateCertificates",
  },
  {
    all: ['too many open files'],
    means:
      'the process ran out of file descriptors (its open-files limit, ulimit -n): a descriptor leak or a limit too low for its connections',
  }, // PostgreSQL 14 made scram-sha-256 the default password_encryption; libpq before 10 cannot do SCRAM.
  // https://www.postgresql.org/docs/current/auth-password.html
  {
    all: ['scram authentication requires libpq version 10'],
    means:
      "the client's PostgreSQL library is too old for SCRAM: the server stores passwords as scram-sha-256 (the default password_encryption since PostgreSQL 14) and libpq before version 10 cannot authenticate that way; upgrade the client library (or its base image), or set the user's password with md5 encryption",
  },
  // https://www.postgresql.org/docs/current/auth-pg-hba-conf.html
  {
    all: ['no pg_hba.conf entry for host'],
    means:
      "PostgreSQL's pg_hba.conf has no rule that admits this client (its address, user, database and SSL mode): the pod network's CIDR is not listed, or only hostssl rules exist and the client connects without SSL (sslmode); add a matching pg_hba.conf rule or connect with sslmode=require",
  },
  {
    all: ['the database system is starting up'],
    means:
      'PostgreSQL is still starting (or replaying its WAL after a crash) and refuses connections until it is done',
    symptom: true,
  },
  {
    all: ['the database system is in recovery mode'],
    means:
      'PostgreSQL is in crash recovery after a server process crashed (often one killed by the OOM killer) and refuses connections until recovery ends',
    symptom: true,
  },
  {
    all: ['fatal', 'database "', '" does not exist'],
    means:
      'the database named in the connection string does not exist on that server: it was never created (an init script or migration that creates it did not run) or the name is wrong',
  },
  {
    all: ['fatal', 'role "', '" does not exist'],
    means:
      'the database user (role) the client logs in as does not exist on that server: it was never created there (a new or restored instance) or the user name is wrong',
  },
  // Redis Cluster: a multi-key command or script must touch keys of one hash slot; a hash tag (`{…}`)
  // makes keys share one. https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags ;
  // BullMQ's "Redis Cluster" guide (a queue prefix in braces).
  {
    all: ['crossslot'],
    means:
      "Redis Cluster refused a multi-key command or Lua script whose keys hash to different slots (CROSSSLOT): on a cluster every key one command touches must be in the same hash slot, which a hash tag in the keys (a part in braces, such as a queue prefix '{mailq}') ensures; the client was moved from a single Redis to a cluster without one, so give its keys (the queue library's prefix) a hash tag",
  },
  // connect(2)'s EADDRNOTAVAIL: no local port is free for a new connection to that address. Closed
  // connections hold their source port in TIME_WAIT (60 s on Linux) within ip_local_port_range.
  // https://man7.org/linux/man-pages/man2/connect.2.html ; https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html
  {
    all: ['cannot assign requested address'],
    means:
      'the pod ran out of local (ephemeral) source ports for new outbound connections (EADDRNOTAVAIL): it opens a new TCP connection per request and closes it, each closed connection holds its source port in TIME_WAIT for 60 s, and at a high request rate they use up ip_local_port_range (about 28,000 ports by default) toward that one address; the server is fine. Reuse connections (HTTP keep-alive, a connection pool) instead of one connection per request',
  },
  // Redis replication: a replica's output buffer on the master is capped by client-output-buffer-limit
  // (replica class, 256mb hard by default); a full sync that buffers more is dropped and starts over.
  // https://redis.io/docs/latest/operate/oss_and_stack/management/replication/ ; redis.conf
  {
    all: ['overcoming of output buffer limits'],
    means:
      "Redis closed a client because its output buffer passed client-output-buffer-limit; for a replica (flags=S, cmd=psync) that means the master dropped it in the middle of a full resync: the writes buffered while the RDB snapshot transfers exceed the replica class's limit (256mb hard by default), the sync starts over and fails again, a full-resync loop. Raise client-output-buffer-limit replica (and repl-backlog-size, so a reconnect can partially resync)",
  },
  {
    all: ['unable to partial resync', 'lack of backlog'],
    means:
      "the replica's reconnect could not continue from the master's replication backlog (repl-backlog-size too small for the writes since it dropped), so the master starts a full resync, a whole RDB snapshot, each time; raise repl-backlog-size. When the master also closes that replica 'for overcoming of output buffer limits' (its omem above client-output-buffer-limit replica, 256mb hard by default), the full sync itself is dropped part-way and starts over: a full-resync loop, fixed by raising client-output-buffer-limit replica",
  },
  // HAProxy's log: `<NOSRV>` as the server name means no server of the backend could take the request.
  // https://docs.haproxy.org/2.8/configuration.html#8.2.3 (server_name; "<NOSRV>")
  {
    all: ['<nosrv>', ' 503 '],
    means:
      "HAProxy had no server to send the request to (<NOSRV>): every server of that backend is down, failing its health check or full, so it answered 503 itself; look at the backend's servers (the workload behind it: its replicas and readiness)",
  },
  // Transaction ID wraparound protection: https://www.postgresql.org/docs/current/routine-vacuuming.html#VACUUM-FOR-WRAPAROUND
  {
    all: ['not accepting commands', 'wraparound'],
    means:
      "PostgreSQL stopped assigning transaction IDs (XIDs) to avoid wraparound data loss: the database's oldest unfrozen transaction ID is too old because VACUUM has not frozen its tables (autovacuum failing on a table, blocked by a long transaction or an abandoned replication slot or prepared transaction), so every write fails while reads still work; find why vacuum could not finish in the server's log, fix that, and run a database-wide VACUUM in that database",
  },
  {
    all: ['must be vacuumed within', 'transactions'],
    means:
      'PostgreSQL warns that the database nears transaction ID wraparound: VACUUM has not frozen its old rows, and when the remaining transactions run out it refuses writes; find why (auto)vacuum does not finish and run a database-wide VACUUM',
  },
  // https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
  {
    all: ['canceling statement due to statement timeout'],
    means:
      'PostgreSQL cancelled a query that ran longer than statement_timeout: the query got slower (a missing index, a bigger table, a lock wait) or the timeout is shorter than the work',
  },
  {
    all: ['deadlock detected'],
    means:
      "two transactions waited on each other's row locks (they lock the same rows in opposite orders), so the database aborted one of them; make them lock in one order or retry the aborted one",
  },
  // MySQL: https://dev.mysql.com/doc/refman/8.0/en/blocked-host.html
  {
    all: ['is blocked because of many connection errors'],
    means:
      "MySQL blocked the client's host after max_connect_errors failed connection attempts in a row (often health checks or a proxy that connect and drop); run FLUSH HOSTS (mysqladmin flush-hosts) and raise max_connect_errors or fix what fails to connect",
  },
  // PostgreSQL's lock table is shared memory sized max_locks_per_transaction × (max_connections +
  // max_prepared_transactions); every relation a transaction touches (each table, index and partition)
  // holds a lock there until it ends (https://www.postgresql.org/docs/current/runtime-config-locks.html).
  {
    all: ['out of shared memory'],
    none: ['/dev/shm', 'could not resize'],
    means:
      "PostgreSQL's shared lock table is full, not its memory: every relation a transaction touches (each table, index and partition) takes a lock that lives in that table until the transaction ends, and it holds max_locks_per_transaction (64 by default) × (max_connections + max_prepared_transactions) locks in all. One transaction over many relations exhausts it: pg_dump locks every table and partition it dumps in one transaction, so a schema whose partitions keep growing (a partition per day) passes the limit one day. Raise max_locks_per_transaction (a server restart) or dump fewer partitions at a time; shared_buffers and the pod's memory are not the cause",
  },
  // OAuth 2.0 refresh-token rotation: a refresh token is single-use, and presenting one already used is
  // treated as a replay, so the authorization server revokes the token family (RFC 9700, "Best Current
  // Practice for OAuth 2.0 Security", 4.14.2; RFC 6749 5.2 for invalid_grant).
  {
    all: ['invalid_grant', 'already used'],
    means:
      'the OAuth provider rotates refresh tokens: each one is single-use, and presenting a refresh token that was already used counts as a replay, so it revoked the whole token family and every later refresh fails with invalid_grant until someone consents again. A used token is presented when two processes share one stored refresh token, as two replicas do (or a second pod started beside the first): they refresh concurrently, one rotates the token and the other still holds the old one. The token did not run out of its lifetime; let one replica refresh (run a single replica, or take a lock or elect a leader around the refresh and reload the token after it), then renew the consent',
  },
  // nginx resolves a host name written in proxy_pass or used by a cosocket (OpenResty's ngx.socket.tcp,
  // lua-resty-http) at request time only through the `resolver` directive; without one the request fails
  // (https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver).
  {
    all: ['no resolver defined to resolve'],
    means:
      "nginx has no resolver directive, so it cannot look up a host name at request time: a name in a variable proxy_pass or a Lua cosocket call (OpenResty's lua-resty-http, ngx.socket.tcp) is resolved by nginx's own resolver, not the system's /etc/resolv.conf, and without a resolver line every such request fails while names in a static upstream (resolved at start) still work. Add a resolver line to nginx's configuration (http or server block) pointing at the cluster DNS (kube-dns's Service IP, or `local=on` in OpenResty), and reload nginx",
  },
  // Node.js's http module refuses to change a response whose headers were sent (ERR_HTTP_HEADERS_SENT,
  // nodejs.org "Errors"); thrown outside a handler's try/catch it is an uncaught exception, which ends
  // the process (Node's default for uncaught exceptions).
  {
    all: ['err_http_headers_sent'],
    means:
      'the program answered one request twice: a handler set headers or sent a body after the response had been sent (Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client), typically a validation branch that responds and does not return, so the normal response follows; thrown where nothing catches it, it is an uncaught exception and Node.js exits, so every such request restarts the container. It is a code bug in the release that added the branch: roll back to the previous release, then return after responding',
  },
  // MySQL's internal temporary tables (named #sql…) go to tmpdir once larger than tmp_table_size /
  // max_heap_table_size; error 1114 "The table … is full" when that file system fills
  // (https://dev.mysql.com/doc/refman/8.0/en/internal-temporary-tables.html).
  {
    all: ['is full', '#sql'],
    means:
      "MySQL ran out of space for an internal temporary table (#sql… files, error 1114 'The table … is full'): a query that sorts or groups a lot (GROUP BY, DISTINCT, GROUP_CONCAT, a large ORDER BY) spills its temporary table from memory to the directory tmpdir points at, and that file system filled up; the data volume and the table itself are not full. Give tmpdir a larger volume, or make the query's temporary table smaller",
  },
  // memcached refuses an item larger than its item size limit (-I / item_size_max, 1 MB by default):
  // "SERVER_ERROR object too large for cache" (memcached's protocol.txt and its -I option).
  {
    all: ['object too large for cache'],
    means:
      'memcached refused to store an item larger than its item size limit (the -I option, item_size_max, 1 MB by default): the value the program tries to cache grew past 1 MB, so that set fails every time and the page is rendered uncached; memcached is not full or out of memory. Keep cached values under 1 MB (split or compress them) or start memcached with a larger -I',
  },
  // Envoy's route timeout is 15 s unless the route sets one (Envoy's RouteAction.timeout; Istio's
  // VirtualService timeout leaves it off by default): the proxy answers 504 and closes the upstream
  // connection at 15 s, so the backend sees its client go away then.
  {
    all: ['closed', 'after 15.0s'],
    means:
      "the caller gave up after exactly 15 s, and 15 s is Envoy's default route timeout (a route without its own timeout: Envoy's RouteAction.timeout, an Envoy-based gateway or mesh sidecar in front): the proxy answers 504 upstream request timeout to its client and closes the connection to this backend at 15 s while the backend is still working; raise the timeout on that route in the proxy for the slow endpoint, the backend is not failing",
  },
  // AMQP 0-9-1 negotiates channel_max per connection; RabbitMQ's default is 2047 (rabbitmq.conf
  // channel_max, "Channels" guide), and a client past it gets "No channels left to allocate" or the
  // broker closes the connection with 530 NOT_ALLOWED.
  {
    all: ['no channels left'],
    means:
      "the client has as many channels open on its one AMQP connection as the broker's channel_max allows (RabbitMQ's default is 2047 per connection, negotiated at connect), so every new channel is refused and the broker may close the connection (530 NOT_ALLOWED, 'number of channels opened has reached the negotiated channel_max'); a publisher that opens a new channel per message and does not close it as fast (a channel leak, a burst) hits the limit. Reuse a small pool of long-lived channels, close each channel it opens, or raise channel_max on the broker; more broker memory does not help",
  },
  {
    all: ['channel_max', 'reached'],
    none: ['no channels left'],
    means:
      "the client reached the broker's per-connection channel limit (channel_max, 2047 by default in RabbitMQ), so the broker refused more channels or closed the connection (530 NOT_ALLOWED); the client opens channels faster than it closes them (a channel per message): reuse channels or raise channel_max",
  },
  // varnishlog's FetchError for a backend that sent no first byte within first_byte_timeout (the backend
  // definition's .first_byte_timeout, else the varnishd parameter, 60 s by default); Varnish then
  // answers 503 "Backend fetch failed" (Varnish's documentation, "VCL backends" and "varnishd parameters").
  {
    all: ['fetcherror', 'first byte timeout'],
    means:
      "Varnish gave up waiting for the backend's answer: the backend sent no first byte within first_byte_timeout (the backend definition's .first_byte_timeout in the VCL, else the varnishd parameter, 60 s by default), so Varnish closed the backend connection and answered the client 503 Backend fetch failed while the backend was still working. Requests that take longer than that timeout (a long POST, a bulk action) fail every time; give that backend a first_byte_timeout above its slowest request, or make the request asynchronous",
  },
  // 431 Request Header Fields Too Large (RFC 6585, 5): the server's limit on the request's headers;
  // Jetty's HttpConfiguration.requestHeaderSize is 8 KiB by default (Spring Boot:
  // server.max-http-request-header-size), Node's --max-http-header-size 16 KiB.
  {
    all: ['431 request header fields too large'],
    means:
      "the server refused the request because its headers together are larger than its request-header limit (Jetty's requestHeaderSize, 8 KiB by default, set in Spring Boot with server.max-http-request-header-size; Node.js's --max-http-header-size, 16 KiB), before any application code ran: only users whose requests carry bigger headers fail, typically large cookies or a bearer or ID token that an authentication proxy in front (oauth2-proxy passing the Authorization header) adds and that grows with the user's groups. The server is not overloaded; raise its header limit, or stop forwarding the large token header",
  },
  // A NATS client drops messages for a subscription whose pending buffer passed its pending limits
  // ("slow consumer"; docs.nats.io, "Slow Consumers"); for a JetStream push consumer, max_ack_pending
  // bounds the unacknowledged messages the server sends (-1: no bound).
  {
    all: ['slow consumer', 'dropped'],
    means:
      "the NATS client dropped messages: the subscription's pending buffer filled up to its pending limits (messages and bytes the client holds before the handler takes them) because messages arrived faster than the handler processed them, and NATS drops the overflow for a slow consumer. For a JetStream push consumer the server sends up to max_ack_pending unacknowledged messages; with max_ack_pending unlimited (-1) or above the pending limits, a replay pushes faster than the subscriber can take, and the dropped messages are redelivered only until max_deliver runs out. Bound max_ack_pending below what the subscriber can hold (or use a pull consumer), and run the replay again",
  },
  // https://dev.mysql.com/doc/refman/8.0/en/caching-sha2-pluggable-authentication.html
  {
    all: ['caching_sha2_password'],
    none: ['public key retrieval'],
    means:
      "the client does not support MySQL 8's default authentication plugin, caching_sha2_password: its connector is too old; upgrade the connector, or create the user WITH mysql_native_password",
  },
  {
    all: ['public key retrieval is not allowed'],
    means:
      "MySQL Connector/J refuses to fetch the server's RSA public key for caching_sha2_password over a connection without TLS; set allowPublicKeyRetrieval=true (with a trusted network) or connect with TLS (useSSL)",
  },
  // https://dev.mysql.com/doc/refman/8.0/en/gone-away.html
  {
    all: ['mysql server has gone away'],
    means:
      "MySQL closed the connection: an idle pooled connection outlived the server's wait_timeout, or a packet exceeded max_allowed_packet; have the pool validate or retire connections before wait_timeout, or raise max_allowed_packet",
  },
  {
    all: ['lock wait timeout exceeded'],
    means:
      'an InnoDB transaction waited longer than innodb_lock_wait_timeout (50 s by default) for a row lock another transaction holds: a long or stuck transaction holds it',
  },
  {
    all: ['deadlock found when trying to get lock'],
    means:
      "two InnoDB transactions waited on each other's locks, so MySQL rolled one back; lock rows in one order or retry the transaction",
  },
  // Redis: https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/
  {
    all: ['misconf', 'unable to persist to disk'],
    means:
      'Redis cannot write its RDB snapshot (BGSAVE fails: the volume is full or not writable, or the fork has no memory), and with stop-writes-on-bgsave-error yes it refuses every write until a save succeeds; fix the disk or memory, or turn that setting off for a pure cache',
  },
  {
    all: ["you can't write against a read only replica"],
    means:
      'the client writes to a Redis replica, which is read-only: after a failover the client still points at the old primary, or the Service selects replicas as well as the primary; point writes at the current primary (Sentinel or the primary Service)',
  },
  {
    all: ['loading redis is loading the dataset in memory'],
    means:
      'Redis is still loading its dataset from disk after a restart and answers nothing else until it is done',
    symptom: true,
  },
  // Kafka: producer and broker size limits. https://kafka.apache.org/documentation/#brokerconfigs_message.max.bytes
  {
    all: ['recordtoolargeexception'],
    means:
      "a Kafka record is larger than a size limit: the producer's max.request.size, the broker's message.max.bytes or the topic's max.message.bytes; raise the limits together, or send smaller records",
  },
  {
    all: ['message_too_large'],
    means:
      "a Kafka record is larger than the broker's message.max.bytes or the topic's max.message.bytes; raise the limit or send smaller records",
  },
  {
    all: ['unknown_topic_or_partition'],
    means:
      'the Kafka topic does not exist on the brokers the client reaches: it was never created (auto.create.topics.enable is off) or its name is wrong',
  },
  {
    all: ['unknowntopicorpartitionexception'],
    means:
      'the Kafka topic does not exist on the brokers the client reaches: it was never created (auto.create.topics.enable is off) or its name is wrong',
  },
  {
    all: ['topicauthorizationexception'],
    means:
      'the Kafka principal the client authenticates as has no ACL for the topic (Read, Write or Describe); add the ACL for that principal',
  },
  {
    all: ['offsets out of range with no configured reset policy'],
    means:
      "the consumer group's committed offset no longer exists (retention deleted those records while the group was stopped) and auto.offset.reset is none; reset the group's offsets or set auto.offset.reset",
  },
  {
    all: ['could not be established. broker may not be available'],
    means:
      'the Kafka client cannot connect to a broker: the broker is down, or the address it advertises (advertised.listeners) is not reachable from the pod',
    symptom: true,
  },
  // Elasticsearch: https://www.elastic.co/guide/en/elasticsearch/reference/current/circuit-breaker.html
  {
    all: ['circuit_breaking_exception'],
    means:
      "Elasticsearch's circuit breaker refused a request because the node's JVM heap is nearly full (the parent breaker trips at 95 % of heap by default): the heap is too small for the load, or a query or aggregation is too big",
  },
  {
    all: ['limit of total fields', 'has been exceeded'],
    means:
      'an Elasticsearch index hit index.mapping.total_fields.limit (1,000 fields by default): dynamic mapping of documents with ever-new keys (a mapping explosion); map those keys as flattened, or turn dynamic mapping off for them',
  },
  {
    // The check's own words ("max virtual memory areas vm.max_map_count [65530] is too low"), not a
    // tuner that sets the value, nor another server's advice at start (MongoDB's startup warning "vm.max_map_count
    // is too low", a production note), nor another program's own warning without the check's brackets
    // (Memgraph: "Max virtual memory areas vm.max_map_count 65530 is too low", and it starts anyway).
    all: ['max virtual memory areas', 'vm.max_map_count [', 'too low'],
    means:
      "the search server's bootstrap check failed (Elasticsearch's, and OpenSearch's which keeps its words): the node's kernel setting vm.max_map_count is below 262144; raise it on the node (sysctl, or a privileged init container)",
  },
  {
    all: ['es_rejected_execution_exception'],
    means:
      "an Elasticsearch node's thread pool queue (write or search) is full, so it rejects requests: the node is overloaded or indexing faster than it can",
  },
  // JVM: https://docs.oracle.com/en/java/javase/17/troubleshoot/troubleshooting-memory-leaks.html
  {
    all: ['gc overhead limit exceeded'],
    means:
      'the JVM spends almost all its time in garbage collection and frees almost nothing: the heap (-Xmx) is too small for the live data, or the program leaks memory',
  },
  // Node.js 17+ uses OpenSSL 3, which dropped MD4 (webpack 4 hashes with it). https://nodejs.org/en/blog/release/v17.0.0
  {
    all: ['err_ossl_evp_unsupported'],
    means:
      'Node.js 17 or later uses OpenSSL 3, which no longer offers the legacy hash webpack 4 (and other old tooling) calls (MD4); the base image moved to a newer Node.js: pin the earlier Node.js version, upgrade the tooling, or set NODE_OPTIONS=--openssl-legacy-provider',
  },
  {
    all: ['getaddrinfo eai_again'],
    means: 'a DNS lookup timed out or failed temporarily (EAI_AGAIN): the cluster DNS did not answer in time',
    symptom: true,
  },
  // Gunicorn kills a worker silent for longer than --timeout (30 s by default). https://docs.gunicorn.org/en/stable/settings.html#timeout
  {
    all: ['worker timeout (pid'],
    means:
      "Gunicorn's arbiter killed a worker that handled one request longer than its --timeout (30 s by default): a slow dependency or a long request blocks the worker; make the call faster or raise the timeout",
  },
  // The dynamic linker. https://man7.org/linux/man-pages/man8/ld.so.8.html
  {
    all: ['cannot open shared object file'],
    means:
      'a shared library the program needs is not in the image: a slimmer base image (or a new dependency) lacks it; install the system package that provides it',
  },
  // runc: the entrypoint cannot be run.
  {
    all: ['exec user process caused', 'no such file or directory'],
    means:
      "the container's entrypoint exists but its interpreter or loader does not: a script with Windows line endings (#!/bin/sh\\r) or whose interpreter is missing, or a binary built against glibc in a musl (Alpine) image",
  },
  // The same failure in runc's and containerd's current wording: "exec /app/entrypoint.sh: no such file
  // or directory" for a script the image holds.
  {
    all: ['exec /', '.sh: no such file or directory'],
    means:
      'the entrypoint script is in the image but its #! interpreter line cannot be run: Windows CRLF line endings (the kernel looks for "/bin/sh\\r"; convert with dos2unix, or set eol=lf in .gitattributes where the image is built) or an interpreter the image lacks (bash in an Alpine image)',
  },
  // The API server refusing a change to an immutable field. Deployment and ReplicaSet spec.selector:
  // https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates ;
  // a StatefulSet's spec beyond the fields it lists: https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
  {
    all: ['spec.selector', 'field is immutable'],
    means:
      "a Deployment's (or ReplicaSet's, DaemonSet's) label selector cannot be changed once created (apps/v1), so the API server rejects the whole apply and the old version keeps running; revert the selector change (add the new label to the pod template only), or delete the object with --cascade=orphan and create it again",
  },
  {
    all: ['updates to statefulset spec for fields other than', 'forbidden'],
    means:
      "a StatefulSet's spec may change only in replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds; a change elsewhere (volumeClaimTemplates, serviceName, selector) is forbidden, so the whole upgrade is refused; revert that part, or delete the StatefulSet with --cascade=orphan (its pods and claims stay) and let the new one adopt them",
  },
  // CoreDNS's loop plugin: https://coredns.io/plugins/loop/#troubleshooting
  {
    all: ['plugin/loop', 'detected'],
    means:
      "CoreDNS's loop plugin found that its upstream sends queries back to CoreDNS itself and stops it: `forward . /etc/resolv.conf` uses the node's resolv.conf (the kubelet's resolvConf), which points at a local stub resolver such as systemd-resolved's 127.0.0.53; point the kubelet's resolvConf at /run/systemd/resolve/resolv.conf (the real upstream servers), or forward CoreDNS to the upstream addresses directly",
  },
  {
    all: ['exec user process caused', 'permission denied'],
    means:
      "the container's entrypoint is not executable (no execute bit in the image; chmod +x it when building) or lies on a noexec mount",
  },
  // A JWT validator rejecting a token whose nbf (not before) or iat (issued at) lies in its own future:
  // its host's clock is behind the issuer's. RFC 7519, sections 4.1.5 and 4.1.6.
  {
    all: ['token is not valid yet'],
    means:
      "the token's not-before (nbf) or issued-at (iat) time is in the future by this host's clock: the clock of the node this pod runs on is behind the token issuer's (clock skew; the node's time sync, NTP or chrony, stopped), so fresh tokens are rejected until the clock catches up; fix the node's time sync (or allow some leeway in the validator)",
  },
  {
    all: ['used before issued'],
    means:
      "the token's issued-at (iat) time is in the future by this host's clock: the clock of the node this pod runs on is behind the token issuer's (clock skew; the node's time sync, NTP or chrony, stopped); fix the node's time sync",
  },
  // Istio's sidecar (pilot-agent) before Envoy has its configuration from istiod over xDS (port 15012).
  // https://istio.io/latest/docs/ops/common-problems/injection/ ; istio.io "Ports used by Istio"
  {
    all: ['config not received from xds server'],
    means:
      'the mesh sidecar (istio-proxy, Envoy) cannot get its configuration from the control plane, istiod (xDS on port 15012), so it never becomes Ready and the pod gets no traffic; check that the pod can reach istiod.istio-system.svc:15012 (a NetworkPolicy that limits egress must allow it, and DNS) and that istiod runs',
  },
  // Python encodes text with the locale's encoding; a container without LANG/LC_ALL runs in the C/POSIX
  // locale, ASCII before Python 3.7's UTF-8 coercion applies (PEP 538, PEP 540).
  {
    all: ['unicodeencodeerror', "'ascii' codec"],
    means:
      "Python encoded text with the ASCII codec: the container runs without a UTF-8 locale (no LANG or LC_ALL, or the C/POSIX locale of a minimal base image), so any non-ASCII character (an accented letter, an umlaut, unicode in a file name) fails to encode; set LANG=C.UTF-8 (or LC_ALL, or PYTHONUTF8=1) in the container's environment or the image",
  },
  // Java 8u291, 11.0.11 and 16+ disable TLS 1.0 and 1.1 in jdk.tls.disabledAlgorithms (java.security).
  // https://www.java.com/en/configure_crypto.html
  {
    all: ['protocol', 'is not enabled or supported in server context'],
    means:
      "the server (Java) refused the TLS version the client asked for: newer JDKs (Java 11.0.11 and later, Java 17) list TLSv1 and TLSv1.1 in jdk.tls.disabledAlgorithms, so a server rebuilt on such a JDK no longer accepts clients that speak only TLS 1.0/1.1; upgrade the clients to TLS 1.2, or, as a stopgap, re-enable the protocol by removing it from jdk.tls.disabledAlgorithms in the server's java.security",
  },
  // Django refuses a Host header that its ALLOWED_HOSTS setting does not list (400 Bad Request).
  // https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts
  {
    all: ['disallowedhost', 'invalid http_host header'],
    means:
      'Django refused the request with 400 Bad Request: its Host header names a host name the ALLOWED_HOSTS setting does not list, so every request for that new host name fails; add the host name to ALLOWED_HOSTS (the variable the settings read it from)',
  },
  // .NET's GC refuses to grow the heap past GCHeapHardLimit (DOTNET_GCHeapHardLimit, hexadecimal bytes).
  // https://learn.microsoft.com/dotnet/core/runtime-config/garbage-collector#heap-hard-limit
  {
    all: ['system.outofmemoryexception'],
    means:
      "the .NET runtime could not allocate: the GC heap reached its limit, which is 75 % of the container's memory limit unless DOTNET_GCHeapHardLimit (hexadecimal bytes) or GCHeapHardLimitPercent sets it; check the container's environment for a heap hard limit below what the work needs",
  },
  // PgBouncer refuses a client past max_client_conn (pgbouncer.ini): https://www.pgbouncer.org/config.html
  {
    all: ['no more connections allowed (max_client_conn)'],
    means:
      "PgBouncer refused the connection: it already holds max_client_conn client connections (pgbouncer.ini), and every client pod's pool counts (replicas × pool size), so scaling the clients out or growing their pools crosses it; Postgres's own max_connections is not what is full (PgBouncer multiplexes clients onto its small server pool). Raise max_client_conn in pgbouncer.ini (with the open-files limit), or shrink the clients' pools so replicas × pool size fits under it",
  },
  // nginx: a request header line longer than one large_client_header_buffers buffer (4 8k by default)
  // is refused with 400 "Request Header Or Cookie Too Large".
  // https://nginx.org/en/docs/http/ngx_http_core_module.html#large_client_header_buffers
  {
    all: ['client sent too long header line'],
    means:
      'nginx refused the request with 400 (Request Header Or Cookie Too Large): one header line, usually the Cookie header, is longer than a buffer of large_client_header_buffers (4 8k by default), so only the clients carrying large cookies are hit and clearing cookies helps for a while; find what made the cookie grow (the application that sets it) and shrink it, or raise large_client_header_buffers (e.g. 4 16k or 4 32k) in the nginx configuration',
  },
  // nginx: every worker already holds worker_connections connections (clients and upstreams together).
  // https://nginx.org/en/docs/ngx_core_module.html#worker_connections
  {
    all: ['worker_connections are not enough'],
    means:
      'nginx ran out of connections: each worker process may hold at most worker_connections (in its events block) connections, clients and upstream connections together, and under load it refuses the next one and the client gets an error; raise worker_connections (and worker_rlimit_nofile with it) in the nginx configuration',
  },
  // The ServiceAccount token the API client reads: not mounted when automountServiceAccountToken is
  // false on the pod or its ServiceAccount. https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
  {
    all: ['/var/run/secrets/kubernetes.io/serviceaccount/token', 'no such file or directory'],
    means:
      'the pod has no ServiceAccount token mounted (automountServiceAccountToken: false on the pod spec or on its ServiceAccount), so the in-cluster Kubernetes client finds no token file; set automountServiceAccountToken: true on the pod (or mount a projected service account token) for a program that talks to the API',
  },
  // runc 1.1 and later, in the container's Last State message (reason StartError, exit code 128).
  {
    all: ['unable to start container process', 'exec:', 'permission denied'],
    means:
      "the container's entrypoint is not executable (no execute bit in the image; chmod +x it when building) or lies on a noexec mount",
  },
  // Envoy / Istio. An overflow first: Envoy's circuit breaker rejects the request itself, response flag
  // UO (https://www.envoyproxy.io/docs/envoy/latest/intro/arch_overview/upstream/circuit_breaking).
  {
    all: ['reset reason: overflow'],
    means:
      "Envoy's circuit breaker for that upstream cluster is open: its pending-request queue (max_pending_requests) or its concurrent requests (max_requests) reached the cluster's circuit_breakers thresholds, so Envoy rejects the request itself with a 503 (response flag UO, upstream overflow, header x-envoy-overloaded) without sending it to the backend; the backend is not overloaded. Raise the thresholds to fit the load (or add connections), and scaling the backend alone will not help while they stay",
  },
  {
    all: ['x-envoy-overloaded'],
    means:
      "Envoy's circuit breaker for that upstream cluster is open: its max_pending_requests or max_requests threshold was reached, so Envoy answers 503 itself (response flag UO, upstream overflow) without sending the request to the backend; raise the cluster's circuit_breakers thresholds to fit the load rather than scaling the backend",
  },
  {
    all: ['upstream connect error or disconnect/reset before headers'],
    means:
      "the proxy (Envoy, Istio's sidecar) could not get a response from the backend: it refused or reset the connection (the backend is down, or a protocol or mTLS mismatch between them)",
    symptom: true,
  },
  {
    all: ['rbac: access denied'],
    means:
      "an Istio AuthorizationPolicy denied the request at the sidecar (Envoy's RBAC filter), before it reached the program",
  },
  // Go's net/http and TLS servers on a scheme mismatch.
  {
    all: ['server gave http response to https client'],
    means:
      "the client speaks HTTPS to a server that answers plain HTTP: the URL's scheme (or the port) is wrong, or a registry without TLS must be listed as insecure",
  },
  {
    all: ['client sent an http request to an https server'],
    means:
      'the client speaks plain HTTP to a port that expects TLS: use https:// in the URL, or the plain-HTTP port',
  },
  {
    all: ['x509: certificate relies on legacy common name field'],
    means:
      "the server's certificate names its host only in the Common Name; Go 1.15 and later accept only Subject Alternative Names (SANs), so reissue the certificate with the host as a SAN",
  },
  // A program saying its own certificate is past its NotAfter date (.NET's, Java's and most TLS
  // servers' wording), which no client will accept.
  {
    all: ['certificate is expired'],
    means:
      "the program's own TLS certificate has expired (past its NotAfter date), so every client fails the TLS handshake (x509: certificate has expired); renew or reissue the certificate (replace the Secret it mounts, or let cert-manager renew it) and restart or reload the program so it serves the new one",
  },
  {
    all: ['certificate expired', 'not after'],
    means:
      "the program's own TLS certificate has expired (past its NotAfter date), so every client fails the TLS handshake (x509: certificate has expired); renew or reissue the certificate (replace the Secret it mounts, or let cert-manager renew it) and restart or reload the program so it serves the new one",
  },
  // A server's own log of a handshake a client broke off ("http: TLS handshake error from
  // 10.244.0.1:53812: remote error: tls: bad certificate"): the remote end is the client, which
  // refused this server's certificate (an admission webhook whose caBundle does not match).
  {
    all: ['tls handshake error from', 'bad certificate'],
    means:
      "a client refused this server's TLS certificate during the handshake (the remote end sent bad_certificate): it does not trust the CA that signed it (an admission webhook or APIService whose caBundle does not match the serving certificate, a certificate rotated without updating its clients) or the certificate does not name the host the client asked for",
  },
  {
    all: ['tls: bad certificate'],
    means:
      "the server (mutual TLS) rejected the client's certificate: it is missing, expired, or signed by a CA the server does not trust",
  },
  // The Kubernetes API: an apiVersion no longer served. https://kubernetes.io/docs/reference/using-api/deprecation-guide/
  {
    all: ['no matches for kind', 'in version'],
    means:
      'the API server does not serve that kind at that apiVersion: the version was removed in a Kubernetes upgrade (see the deprecated API migration guide, e.g. policy/v1beta1 in 1.25, networking.k8s.io/v1beta1 Ingress in 1.22) or the CRD that defines it is not installed',
  },
  // AWS SDKs. https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html
  {
    all: ['nocredentialproviders'],
    means:
      "the AWS SDK found no credentials: the pod's ServiceAccount has no IAM role annotation (eks.amazonaws.com/role-arn, IRSA) and the instance metadata service is not reachable from the pod (IMDSv2's hop limit of 1)",
  },
  {
    all: ['invalididentitytoken'],
    means:
      "AWS STS rejected the pod's web identity token (IRSA): the cluster's OIDC provider is not registered in IAM, or the role's trust policy does not name this ServiceAccount",
  },
  {
    all: ['requesttimetooskewed'],
    means:
      "AWS refused the request because the node's clock is more than 15 minutes off; fix the node's time synchronization",
  },
  // MongoDB drivers.
  {
    all: ['mongoserverselectionerror'],
    means:
      "the MongoDB driver found no server it may use within serverSelectionTimeoutMS: the replica set members' advertised host names do not resolve or are unreachable from the pod, or no primary is elected",
    symptom: true,
  },
  {
    all: ['notwritableprimary'],
    means:
      'a write went to a MongoDB secondary: the client is not using the replica set connection string, or a failover moved the primary',
  },
  // A program that needs MongoDB's oplog (oplog tailing, change streams) on a standalone server: only
  // replica set members keep an oplog, and change streams run only on replica sets and sharded clusters
  // (MongoDB manual, "Change Streams" and "Replica Set Oplog"; Rocket.Chat's "oplog required" notice).
  ...[
    ['oplog', 'required'],
    ['replicaset', 'required'],
    ['replica set', 'required'],
    ['requires a replica set'],
    ['only supported on replica sets'],
  ].map(
    (all): Gloss => ({
      all,
      // Negations, Kubernetes' own ReplicaSet objects' errors, and a replica set that exists but has no primary.
      none: [
        'not required',
        "n't required",
        'no replica set required',
        'replicaset.apps',
        'required value',
        'no primary',
      ],
      means: MONGO_REPLICA_SET,
    }),
  ),
  {
    all: ['e11000 duplicate key error'],
    means:
      'an insert or update violates a MongoDB unique index: the document already exists (a retried insert, or data the code assumes is unique)',
  },
  // Liquibase: a lock row left by a process killed mid-migration. https://docs.liquibase.com/commands/utility/release-locks.html
  {
    all: ['waiting for changelog lock'],
    means:
      'Liquibase waits for the DATABASECHANGELOGLOCK row that a migration killed mid-run (an OOM-killed or evicted pod) left locked; release it (liquibase releaseLocks, or reset the row) once no migration is running',
  },
  // Flyway: https://documentation.red-gate.com/fd/validate-184127464.html
  {
    all: ['detected applied migration not resolved locally'],
    means:
      'the database holds a migration this version of the application does not have: a newer release migrated it, and this older image (a rollback) refuses to start; roll forward, or set ignoreMigrationPatterns for it',
  },
  {
    all: ['found non-empty schema', 'no schema history table'],
    means:
      'Flyway refuses to migrate a schema that has tables but no flyway_schema_history: an existing database was pointed at Flyway without a baseline; run baseline (or set baselineOnMigrate)',
  },
  // Spring Boot: properties and the DataSource.
  {
    all: ['could not resolve placeholder'],
    means:
      'Spring cannot start: a property its configuration references as a placeholder is not set: the environment variable or profile that provides it is missing from the pod',
  },
  {
    all: ["failed to configure a datasource: 'url' attribute is not specified"],
    means:
      'Spring Boot found no database URL (spring.datasource.url): the environment variable or profile that sets it is not given to the pod',
  },
  // RabbitMQ: https://www.rabbitmq.com/docs/consumers#acknowledgement-timeout
  {
    all: ['precondition_failed', 'delivery acknowledgement', 'timed out'],
    means:
      "RabbitMQ closed the consumer's channel because a delivery was not acknowledged within consumer_timeout (30 minutes by default): the clock runs from delivery, so a task that runs longer, or a message that waits in the consumer behind others it prefetched (a prefetch count above 1 with long tasks worked one at a time), passes it; lower the prefetch to what the consumer works at once, acknowledge earlier or raise consumer_timeout",
  },
  {
    all: ['precondition_failed', 'inequivalent arg'],
    means:
      'the client declares a RabbitMQ queue or exchange with other arguments (durable, x-queue-type, TTL) than the existing one, which RabbitMQ refuses; declare it as it exists, or delete and recreate it',
  },
  // PHP: https://www.php.net/manual/en/ini.core.php#ini.memory-limit
  {
    all: ['allowed memory size of', 'exhausted'],
    means:
      "PHP's own memory_limit (php.ini) stopped the script, not the container's limit: raise memory_limit or make the script use less",
  },
  // nginx: https://nginx.org/en/docs/http/server_names.html
  {
    all: ['could not build server_names_hash'],
    means:
      'nginx cannot start: a server name is longer than server_names_hash_bucket_size allows; raise server_names_hash_bucket_size',
  },
  {
    all: ['worker_connections are not enough'],
    means:
      'nginx ran out of connections per worker (worker_connections, 512 or 1024 by default); raise worker_connections (and the open-files limit)',
  },
];

/**
 * Lines a runtime prints after any failure, naming a variable or flag only as a way to get more
 * detail: Rust's panic note ("note: run with `RUST_BACKTRACE=1` environment variable to display a
 * backtrace"), Node's "(Use `node --trace-warnings ...`)". They are never the cause (no variable is
 * missing), so they are not read as one.
 */
const RUNTIME_HINTS: readonly RegExp[] = [
  /^\s{0,8}note: run with `RUST_BACKTRACE=(?:1|full)` environment variable/,
  /^\s{0,8}\(Use `node --trace-[a-z-]{1,40} \.\.\.` to show where/,
];

export function isRuntimeHint(line: string): boolean {
  return RUNTIME_HINTS.some((re) => re.test(line));
}

/** What a log line means, when it is a well-known error; undefined otherwise. */
export function logGloss(line: string): string | undefined {
  return glossOf(line)?.means;
}

/** A collection scan long or large enough to be the slowness itself (2 s, or 100,000 documents read). */
const SCAN_MS = 2000;
const SCAN_DOCS = 100_000;

/**
 * MongoDB's slow-query log (structured, 4.4 and later: `"msg":"Slow query"`) for a query run as a collection
 * scan (`"planSummary":"COLLSCAN"`: no index serves its filter; docs.mongodb.com, "Explain Results") that took
 * at least 2 s or read at least 100,000 documents; a short scan of a small collection is routine.
 */
function collectionScanGloss(line: string): string | undefined {
  const head = line.slice(0, 8000);
  if (!head.includes('"msg":"Slow query"') || !head.includes('"planSummary":"COLLSCAN"')) return undefined;
  const ms = Number(/"durationMillis":(\d{1,12})/.exec(head)?.[1] ?? 0);
  const docs = Number(/"docsExamined":(\d{1,15})/.exec(head)?.[1] ?? 0);
  if (ms < SCAN_MS && docs < SCAN_DOCS) return undefined;
  return `MongoDB ran this query as a collection scan (planSummary COLLSCAN${docs ? `, ${docs} documents examined` : ''}${ms ? ` in ${ms} ms` : ''}): no index serves its filter, so it reads every document of the collection (docsExamined far above what it returns) and slows as the collection grows and as more such queries run at once, which also pins the database's CPU. Create an index on the fields the filter and sort use (or restore the one a release dropped or stopped using); more CPU only makes each scan a little faster`;
}

// Portworx's refusal of a kvdb endpoint whose part before the first colon is no store type (`Unknown
// discovery endpoint : http in [http://…:2379]`), with that part. Bounded.
const KVDB_TYPE = /Unknown discovery endpoint\s{0,4}:\s{0,4}([A-Za-z][\w+.-]{0,30}) in \[/i;

/**
 * Portworx names its key-value store endpoints with the store's type before the URL (`-k
 * etcd:http://host:2379`, `consul:http://…`; docs.portworx.com, install arguments) and refuses one whose
 * part before the first colon is no store type, naming that part.
 */
function kvdbTypeGloss(line: string): string | undefined {
  const t = KVDB_TYPE.exec(line.slice(0, 4096))?.[1];
  if (!t) return undefined;
  const scheme = /^https?$/i.test(t);
  return `the key-value store (kvdb) endpoint does not start with a store type the program knows: it takes endpoints as etcd:http://host:2379 (or consul:http://…) and reads the part before the first colon as the type of key value store, here "${t}", which is no such type (${scheme ? 'the URL was written without the etcd: prefix' : 'a misspelt type'}), so it refuses the configuration; write the endpoint as etcd:http://… The store itself may be reachable; the setting is what is wrong`;
}

// A host name holding '@': the rest of a password after an '@' that was not percent-encoded.
const HOST_WITH_AT = /(?:host name "|lookup |host=|hostname )[^"\s@]{0,253}@[^"\s:/]{1,253}/i;

/**
 * A database or service URL whose password holds '@' (or another reserved character) that was not
 * percent-encoded: the URL parser splits the user information at that '@' and takes the rest of the
 * password as part of the host name, which then does not resolve (RFC 3986, section 3.2.1).
 */
function urlUserinfoGloss(line: string): string | undefined {
  if (!line.includes('@') || !HOST_WITH_AT.test(line.slice(0, 4096))) return undefined;
  return "the connection URL's password contains '@' that is not percent-encoded, so the URL parser splits the user information at that '@' and takes the rest of the password as part of the host name, which does not resolve; percent-encode the password in the URL (@ as %40, also : / ? #), or pass the password separately";
}

// A Redis Cluster redirection as the server sends it: `-MOVED <slot> <host>:<port>`
// (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#moved-redirection).
const REDIS_MOVED = /\bMOVED \d{1,5} [^\s:]{1,253}:\d{1,5}\b/;

/**
 * A client that gets Redis Cluster's MOVED redirections as errors: the server is a cluster node, the
 * key's hash slot lives on another node, and the client does not follow the redirection because it
 * talks to Redis as a single node.
 */
function redisMovedGloss(line: string): string | undefined {
  if (!line.includes('MOVED') || !REDIS_MOVED.test(line.slice(0, 4096))) return undefined;
  return 'the Redis server is now a Redis Cluster node: it answers MOVED <slot> <address> for every key whose hash slot another node serves, and this client treats the redirection as an error because it is not cluster-aware (a single-node client, or a cluster client not in cluster mode), so only the keys that hash to the node it connects to work; use a cluster-aware client (cluster mode, which follows MOVED and ASK redirections), or point it at a non-cluster Redis';
}

// A line saying a condition ended (an alarm cleared, a block released) or that its own request went
// through when retried ("retrying (succeeded on retry 1)") reports a recovery, not a failure; "not
// resolved" is no recovery.
const RECOVERED = /(?<!\bnot )\b(?:cleared|releasing|released|lifted|no longer|recovered|resolved)\b/i;
/**
 * A request that went through when retried, as the line reports it of itself (`succeeded on retry`,
 * `retry succeeded`, `retry 2/5 succeeded`, `i/o timeout (retry 1 ok in 3ms)`, `ok after retry`,
 * `succeeded after 2 retries`).
 */
const RETRY_OK =
  /\b(?:(?:succeeded|ok) (?:on|after) (?:the )?(?:retry|attempt(?: \d{1,4})?)|retr(?:y|ied)(?: #?\d{1,4}(?:\/\d{1,4})?)? (?:ok|succeeded|success(?:ful)?)|(?:succeeded|ok) after \d{1,4} (?:retries|retry|attempts?))\b/i;
/** A negation just before it ("no retry succeeded", "hasn't succeeded on retry", "not yet"). */
const NEGATED =
  /\b(?:no|not|never|none|yet|without|n't|hasn't|haven't|hadn't|didn't|wasn't)\W{1,3}(?:\w{1,12}\W{1,3})?$/i;
/**
 * Failures counted or reported after it ("… 4 failed", "failed: 5", "shard 2 … failed: connection
 * refused", "giving up"): some requests did not go through.
 */
const STILL_FAILED =
  /\b[1-9]\d{0,6} (?:failed|failures?|errors?)\b|\b(?:failed|failures?|errors?)\W{1,3}[1-9]|\b(?:failed|refused|giving up|gave up|timed out)\b/i;

/**
 * Whether the line says its own request went through when retried, and nothing after says some did not:
 * not a failure (`errorLines`), and no meaning to gloss. The one reading of a retry on the line itself.
 */
export function retriedOk(line: string): boolean {
  const head = line.slice(0, 4096);
  const m = RETRY_OK.exec(head);
  if (!m) return false;
  const before = head.slice(Math.max(0, m.index - 40), m.index);
  const after = head.slice(m.index + m[0].length);
  return !NEGATED.test(before) && !STILL_FAILED.test(after);
}
// A deprecation notice names a feature that still works ("mysql_native_password is deprecated ...
// Please use caching_sha2_password instead"), not a failure; a bare "Deprecated." (the AWS SDK's
// NoCredentialProviders) is no such notice.
const DEPRECATION = /\b(?:is|are|has been|have been|was) deprecated\b/i;

/**
 * An AWS time in a response body, in ms: ISO 8601 (`2026-03-05T14:21:14Z`), the signing form
 * (`20260305T152115Z`) or RFC 1123 (`Thu, 05 Mar 2026 14:00:00 GMT`); undefined without a time zone.
 */
function awsTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const t0 = text.trim();
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(t0);
  if (basic) {
    const [y, mo, d, h, mi, se] = basic.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return undefined;
    return Date.UTC(y, mo - 1, d, h, mi, se);
  }
  // ISO 8601 and RFC 1123 (`Thu, 05 Mar 2026 14:00:00 GMT`) with their zone; a time without one is
  // not read (it would be taken as the machine's local time).
  if (!/(?:Z|GMT|UTC|[+-]\d\d:?\d\d)$/.test(t0)) return undefined;
  const t = Date.parse(t0);
  return Number.isFinite(t) ? t : undefined;
}

/** A span of seconds in words: `1 hour 0 min 1 s`, `17 min 3 s`. */
function spanWords(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  return [h ? `${h} hour${h === 1 ? '' : 's'}` : '', h || m ? `${m} min` : '', `${sec} s`]
    .filter(Boolean)
    .join(' ');
}

/**
 * S3's `RequestTimeTooSkewed` with the times its error body gives (`<RequestTime>` as the client
 * signed it, `<ServerTime>`, `<MaxAllowedSkewMilliseconds>`): how far and which way the client's clock
 * is off (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html, RequestTimeTooSkewed).
 * Undefined when the body gives no two times.
 */
function clockSkewGloss(line: string): string | undefined {
  if (!line.includes('RequestTimeTooSkewed')) return undefined;
  const head = line.slice(0, 8192);
  const signed = awsTime(/<RequestTime>([^<]{16,40})<\/RequestTime>/.exec(head)?.[1]);
  const server = awsTime(/<ServerTime>([^<]{16,40})<\/ServerTime>/.exec(head)?.[1]);
  if (signed === undefined || server === undefined) return undefined;
  const off = Math.round((signed - server) / 1000);
  const max = /<MaxAllowedSkewMilliseconds>(\d{1,9})<\/MaxAllowedSkewMilliseconds>/.exec(head)?.[1];
  const allowed = max ? spanWords(Math.round(Number(max) / 1000)) : '15 min';
  const way = off >= 0 ? 'ahead of' : 'behind';
  return `AWS refused the request because the clock that signed it is off: it was signed at ${new Date(signed).toISOString()} while AWS's clock read ${new Date(server).toISOString()}, so the client's clock runs ${spanWords(Math.abs(off))} ${way} AWS's (clock skew; at most ${allowed} is allowed). The node the pod runs on is not keeping time: check its time synchronization (chrony or NTP on that node) and step the clock`;
}

/** A line's gloss: its meaning, and `symptom` when the message says what was refused rather than why. */
/** Words of a line that refuses a configuration (Postfix's "fatal: bad numerical configuration", "invalid value"). */
const CONFIG_REFUSED = /\b(?:fatal|error|bad|invalid|illegal|unknown|cannot parse|parse error|malformed)\b/i;

/**
 * A configuration error whose value runs into the next setting's name: `limit = 25readme_directory =
 * /usr/share/doc`, two `name = value` lines of the file joined into one (a template or an edit that lost
 * a line break), so the first setting's value is what is left of the line and the program refuses it.
 * The line is split at its `=` signs (linear), and only a part of one token, at most 260 characters,
 * that ends in a setting's name right after a value's last character (a digit, a quote, a slash, a
 * bracket) is taken: logfmt and `a = b c = d` lines keep a space between value and name.
 */
/**
 * json-iterator's decode error as client-go reports a list of objects it cannot read
 * (`v1beta2.SparkApplicationSpec.Arguments: []string: decode slice: expect [ or n, but found "`): one
 * object stores a string where its type has a list. Bounded: the first 4,000 characters, fixed groups.
 */
function decodeSliceGloss(line: string): string | undefined {
  const head = line.slice(0, 4000);
  const at = head.indexOf(': decode slice: expect [ or n, but found "');
  if (at < 0) return undefined;
  const before = head.slice(0, at);
  const type = /: \[\]([a-z0-9.]{1,40})$/.exec(before)?.[1];
  // The object's kind: the first `<group>.<Kind>.Spec:` of the path (`v1beta2.SparkApplication.Spec:`).
  const kind = /\.([A-Z][A-Za-z0-9]{0,60})\.Spec: /.exec(before)?.[1];
  if (!type || !kind) return undefined;
  // The field path below spec: every `…Spec.<Field>:` step in order (`BackupSpec.Schedule: …ScheduleSpec.Days`).
  const fields = [...before.matchAll(/[A-Za-z0-9]Spec\.([A-Z][A-Za-z0-9]{0,60}): /g)].map((m) =>
    goField(m[1]!),
  );
  if (fields.length === 0) return undefined;
  const field = `spec.${fields.join('.')}`;
  const name = /"metadata":\{"name":"([a-z0-9][a-z0-9.-]{0,252})"/.exec(head)?.[1];
  return `a ${kind} object${name ? ` (${name})` : ''} stores ${field} as a string where its type has a list ([]${type}): the API server accepted it (the CRD's schema does not forbid it), but the controller cannot decode it, and since one bad object fails the whole list, the controller stops seeing every ${kind} of every namespace, not only that one; write ${field} as a YAML list (one item per argument)`;
}

/** A Go field's JSON name as Kubernetes types write it: `Arguments` → `arguments`, `DNSNames` → `dnsNames`. */
function goField(name: string): string {
  const initialism = /^([A-Z]+)([A-Z][a-z].*)$/.exec(name);
  if (initialism) return initialism[1]!.toLowerCase() + initialism[2]!;
  if (/^[A-Z0-9]+$/.test(name)) return name.toLowerCase();
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/**
 * go-git's error when a git server refuses a push with a reason it cannot read: nothing after "remote:"
 * (`unknown error: remote: ` then a quote, an escaped quote, or the end of the line), as Flux's image
 * automation reports a push a read-only deploy key may not make.
 */
function emptyRemoteGloss(line: string): string | undefined {
  if (!/unknown error: remote:\s{0,4}(?:\\?"|$)/.test(line.slice(0, 4000))) return undefined;
  return 'the git server refused the push and go-git could not read its reason ("unknown error: remote:" with nothing after): the usual cause is credentials that may read but not write, a deploy key added without write access (GitLab\'s can_push false, a read-only GitHub deploy key), or a protected branch; give the key write access (or push to a branch it may write)';
}

/**
 * Whether a host is a public internet name: three or more labels ending in a common public top-level
 * domain, or two ending in com, org or net (a cluster's `<service>.<namespace>` may well be `api.dev` or
 * `postgres.app`), and not RFC 2606's reserved example domains (a placeholder left in a setting, which
 * no network could reach).
 */
function publicHost(host: string): boolean {
  if (/(?:^|\.)example\.(?:com|org|net)$|\.(?:example|invalid|test|localhost)$/.test(host)) return false;
  const labels = host.split('.').length;
  return labels >= 3
    ? /\.(?:com|org|net|io|dev|ai|app|cloud|co|sh)$/.test(host)
    : /\.(?:com|org|net)$/.test(host);
}
/**
 * A connection that never got made to a named host, as clients word it: Python's urllib3
 * (`HTTPSConnectionPool(host='pypi.org', port=443): Max retries exceeded … NewConnectionError`), Node's
 * `getaddrinfo ENOTFOUND host` and `connect ETIMEDOUT`, Go's `dial tcp: lookup host … no such host`.
 */
const UNREACHED = [
  /HTTPS?ConnectionPool\(host='([a-z0-9.-]{1,253})', port=\d{1,5}\): Max retries exceeded[^\n]{0,400}?(?:NewConnectionError|ConnectTimeoutError|NameResolutionError|Failed to resolve|Network is unreachable|timed out)/i,
  /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([a-z0-9.-]{1,253})/i,
  /dial tcp: lookup ([a-z0-9.-]{1,253})(?: on (?:\[[0-9a-f:.]{2,45}\]|[^:\s]{1,100}):\d{1,5})?: (?:no such host|server misbehaving|i\/o timeout)/i,
];

/**
 * A program that cannot connect to a host on the internet (a public domain, not a cluster name): where
 * the cluster has no way out, every such call fails, and one made at start stops the program.
 */
function outsideHostGloss(line: string): string | undefined {
  const head = line.slice(0, 4000);
  for (const re of UNREACHED) {
    const host = re.exec(head)?.[1]?.toLowerCase();
    if (!host || !publicHost(host)) continue;
    return `the program cannot connect to ${host}, a host on the internet outside the cluster (no DNS answer, no route, or a timeout): where the cluster has no outbound internet access (an air-gapped cluster, an egress NetworkPolicy or firewall, a proxy the program is not told about) every such call fails, and one made at start (a version or update check, a download of a model or a plugin) stops the program; turn that call off with the program's setting for offline use, or give it a way out (a proxy, an egress rule)`;
  }
  return undefined;
}

function joinedSettingGloss(line: string): string | undefined {
  if (line.length > 4000 || !line.includes(' = ') || !CONFIG_REFUSED.test(line)) return undefined;
  // Split at ` = ` as a configuration file writes it (`name = value`); logfmt's `key=value` has no spaces.
  const parts = line.split(' = ');
  for (let i = 1; i < parts.length - 1; i++) {
    const seg = parts[i]!.trim();
    if (seg.length > 260 || /\s/.test(seg)) continue;
    const glued = /^(\S{0,200}?[0-9"'/)\]])([a-z][a-z0-9_]{2,60})$/.exec(seg);
    const name = /(?:^|[\s:])([a-z][a-z0-9_]{2,60})$/.exec(parts[i - 1]!.slice(-80))?.[1];
    if (!glued || !name) continue;
    const file = /\bpostfix\//.test(line) ? "Postfix's main.cf" : 'the configuration file';
    return `the setting ${name}'s value runs into the next setting's name ("${name} = ${seg} = …"): two lines of ${file} were joined into one (a template or an edit that dropped the line break), so ${name} reads as "${seg}", which is not a valid value, and the program refuses its configuration; put ${glued[2]} back on a line of its own in the file's source (its ConfigMap) and reload. Nothing else is at fault`;
  }
  return undefined;
}

export function glossOf(
  line: string,
): { means: string; symptom: boolean; serverSide?: true; words?: string } | undefined {
  const head = line.slice(0, 4096);
  if (RECOVERED.test(head) || retriedOk(head) || DEPRECATION.test(head)) return undefined;
  const special =
    schemaGloss(line) ??
    classVersionGloss(line) ??
    urlUserinfoGloss(line) ??
    redisMovedGloss(line) ??
    clockSkewGloss(line) ??
    joinedSettingGloss(line) ??
    decodeSliceGloss(line) ??
    emptyRemoteGloss(line) ??
    kvdbTypeGloss(line) ??
    collectionScanGloss(line);
  if (special) return { means: special, symptom: false };
  // What failed, not why (the way out, DNS, a proxy): a finding built on it weighs less.
  const outside = outsideHostGloss(line);
  if (outside) return { means: outside, symptom: true };
  const l = line.slice(0, 4096).toLowerCase();
  const g = GLOSSES.find((x) => x.all.every((w) => l.includes(w)) && !x.none?.some((w) => l.includes(w)));
  // `words`: what the entry matched on first, for a quote cut around it.
  return (
    g && {
      means: g.means,
      symptom: g.symptom === true,
      words: g.all[0]!,
      ...(g.serverSide ? { serverSide: true } : {}),
    }
  );
}

/**
 * A quoted log line with the detail line its program printed right after it, when there is one
 * (PostgreSQL's clients and server: `pg_dump: detail: …`, `DETAIL: …`, `HINT: …`), so a quote keeps
 * the values the error line leaves out.
 */
export function withDetail(text: string, line: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf(line);
  const next = at >= 0 ? lines[at + 1] : undefined;
  return next && /^\s*(?:[\w.-]{1,64}: )?(?:detail|hint|DETAIL|HINT):\s/.test(next)
    ? `${line} (${next.trim()})`
    : line;
}

/**
 * The first line of a text that has a gloss (of its first 5,000 lines), with its meaning; `symptom` when
 * the message says what was refused rather than why (see `Gloss.symptom`). Kept by text (`memoByText`):
 * the result is frozen.
 */
export const glossedLine: (
  text: string,
) =>
  | Readonly<{ line: string; means: string; symptom: boolean; serverSide?: true; words?: string }>
  | undefined = memoByText(glossedLineOf);

function glossedLineOf(
  text: string,
): { line: string; means: string; symptom: boolean; serverSide?: true; words?: string } | undefined {
  const lines = text.split('\n').slice(0, 5000);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('(no log lines')) continue;
    const g = glossOf(line);
    const undone = g && UNDONE.find((u) => g.words === u.words);
    if (undone && lines.slice(i + 1, i + 1 + undone.within).some((l) => undone.later.test(l.slice(0, 2000))))
      continue;
    if (g && !wentOnPast(lines, i)) {
      const more = IN_CONTEXT.find(
        (c) =>
          g.words === c.words &&
          lines.slice(i + 1, i + 1 + c.within).some((l) => l.slice(0, 2000).includes(c.next)),
      );
      return { line, ...g, ...(more ? { means: more.means } : {}) };
    }
  }
  return undefined;
}

/**
 * Meanings that the lines right after a glossed one make more precise: an entry whose first words are
 * `words`, followed within `within` lines by a line holding `next`.
 */
const IN_CONTEXT: readonly { words: string; next: string; within: number; means: string }[] = [
  // Node's require stack through `node_modules/.pnpm/<pkg>@<version>/node_modules/…`: pnpm's isolated
  // layout (pnpm.io, "Flat node_modules is not the only way" and the .npmrc settings `node-linker`,
  // `public-hoist-pattern`): a package sees only what it declares, so one that loads a module the app
  // chooses (knex's database driver) does not find the app's copy.
  {
    words: 'cannot find module',
    next: '/node_modules/.pnpm/',
    within: 10,
    means:
      "a Node.js module is not found by the package that loads it, and the require stack runs through node_modules/.pnpm/: the image was installed with pnpm, whose isolated node_modules layout lets each package see only the dependencies it declares itself, not the app's other packages as npm's hoisted (flat) node_modules does; a package that loads a module the app chooses (a database driver loaded by name, a plugin) no longer finds it. A release whose install moved to pnpm from npm or yarn meets this. Hoist the module (public-hoist-pattern, or node-linker=hoisted in .npmrc), or roll back to the image installed as before",
  },
];

/**
 * Whether line `i` itself reports the retry that went through (see `retriedOk`), or one of the two lines
 * after it says the program went on past it (`bootstrap checks are
 * disabled by …, continuing`): the warning did not stop it, so its well-known meaning is not the cause.
 */
function wentOnPast(lines: readonly string[], i: number): boolean {
  const subject = loggerOf(lines[i]!);
  if (retriedOk(lines[i]!)) return true;
  // klog's Info level (`I1107 09:07:21.402118 1 gpu.go:46] Failed to init nvml …`): the program reported it
  // as information and went on; when it logs errors or a fatal line later, those are what it failed on.
  if (KLOG_INFO.test(lines[i]!.slice(0, 80)) && lastKlogFailure(lines) > i) return true;
  return lines.slice(i + 1, i + 3).some(
    (l) =>
      /[,:;] continuing(?: anyway)?\.?\s*$|\bcontinuing anyway\b/i.test(l.slice(-200)) &&
      // About the same thing: the same logger when both lines name one (`[o.e.b.BootstrapChecks]`).
      (subject === undefined || loggerOf(l) === undefined || loggerOf(l) === subject),
  );
}

/**
 * klog's header (`Lmmdd hh:mm:ss.uuuuuu threadid file:line]`, github.com/kubernetes/klog): Info level, and
 * Error or Fatal level.
 */
const KLOG_INFO = /^\s{0,4}I\d{4} \d{2}:\d{2}:\d{2}\.\d{1,9}\s{1,12}\d{1,10} [\w.-]{1,100}:\d{1,6}\]/;
const KLOG_FAILED = /^\s{0,4}[EF]\d{4} \d{2}:\d{2}:\d{2}\.\d{1,9}\s{1,12}\d{1,10} [\w.-]{1,100}:\d{1,6}\]/;

/** The index of the last klog Error or Fatal line of `lines` (-1: none), found once per array. */
function lastKlogFailure(lines: readonly string[]): number {
  let at = LAST_KLOG_FAILURE.get(lines);
  if (at === undefined) {
    at = -1;
    for (let j = lines.length - 1; j >= 0; j--)
      if (KLOG_FAILED.test(lines[j]!.slice(0, 80))) {
        at = j;
        break;
      }
    LAST_KLOG_FAILURE.set(lines, at);
  }
  return at;
}
const LAST_KLOG_FAILURE = new WeakMap<readonly string[], number>();

/** A line's logger, as Java and Go layouts bracket it (`[o.e.b.BootstrapChecks]`, `[main]` is a thread). */
function loggerOf(line: string): string | undefined {
  return /\[([A-Za-z_$][\w$]{0,40}(?:\.[\w$]{1,60}){1,12})\s{0,40}\]/.exec(line.slice(0, 400))?.[1];
}

/**
 * Whether the glossed `line` of `text` is one the program got past: a later line undoes it (`UNDONE`) or
 * the next ones say it went on (`…, continuing`). For callers that picked the line out of its log.
 */
export function passedOver(text: string, line: string): boolean {
  const g = glossOf(line);
  if (!g) return false;
  const lines = text.slice(-200_000).split('\n').slice(-5000);
  const i = lines.indexOf(line);
  if (i < 0) return false;
  const undone = UNDONE.find((u) => g.words === u.words);
  return (
    (undone !== undefined &&
      lines.slice(i + 1, i + 1 + undone.within).some((l) => undone.later.test(l.slice(0, 2000)))) ||
    wentOnPast(lines, i)
  );
}

/**
 * Later lines that undo a glossed one: the driver the loader could not download, built and loaded after
 * all (Falco's `* Success: falco module found and loaded`).
 */
const UNDONE: readonly { words: string; later: RegExp; within: number }[] = [
  // Elasticsearch and OpenSearch enforce their bootstrap checks only in production mode (bound to a
  // non-loopback address, not `discovery.type: single-node`); enforced, a failed check stops the node. A
  // node that logs `started` (or its cluster's health turning green or yellow) after the warning went on.
  {
    words: 'max virtual memory areas',
    // The plain layout (`[node] started`) and the JSON one (Elasticsearch 7's `"message": "started"`).
    later:
      /\]\s{0,4}started\s*$|"message"\s{0,3}:\s{0,3}"started"|health status changed from \[[A-Z]{3,6}\] to \[(?:GREEN|YELLOW)\]/,
    within: 30,
  },
  {
    words: 'unable to find a prebuilt falco',
    later: /\bsuccess\b[^\n]{0,120}\bloaded\b|\b(?:module|probe|driver) (?:found and )?loaded\b/i,
    within: 40,
  },
];
