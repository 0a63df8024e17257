import { errorLines, quietLogs, warningLines } from './app-errors.js';
import {
  type Analyzer,
  bonus,
  clip,
  namespacePods,
  outputs,
  ownerName,
  type Read,
  unmadeReads,
} from './types.js';

/**
 * Log lines that flag something an engineer recognises as routine, with why. Each entry matches when
 * every one of its substrings appears in the line (case-insensitive, no regular expression over the
 * untrusted line). Kept apart from the failure glosses: these explain, they never make a finding.
 */
/** Greylisting, in either spelling (see its entries). */
const GREYLISTED =
  "the receiving mail server greylists: it answers a first delivery attempt from a sender it does not know with a temporary 451 and accepts the retry a few minutes later (RFC 6647). The relay did what it should: it kept the message queued (status=deferred, not a bounce) and retried, and a later status=sent for the same queue id shows it delivered. Expected behaviour: nothing is broken and no action is needed (the delay of a few minutes is the cost of greylisting; the receiver can allow-list the relay's address to skip it)";

/** A deprecation warning, whatever the framework (see its entries). */
const DEPRECATED =
  'a deprecation notice: the setting, class or API it names still works in this version and is marked for removal in a later one, and the line usually names its replacement. The program started and serves normally, so it is harmless: nothing is broken now and no action is needed beyond planning the change it suggests before the version that removes it';

/**
 * Words that say a deprecated thing has already stopped working ("deprecated and ignored", "has been
 * disabled"; a future "will be removed in 3.0" is the notice itself): not a routine notice then.
 */
const NO_LONGER = [
  ...['ignored', 'disabled', 'removed'].flatMap((w) => [
    `and ${w}`,
    `is ${w}`,
    `are ${w}`,
    `was ${w}`,
    `were ${w}`,
    `been ${w}`,
    `being ${w}`,
  ]),
  'refused',
  'rejected',
  'no longer',
  // Node's DEP0018 is printed after a promise rejection nobody handled: a failure it follows, not a notice.
  'unhandled',
  'not supported',
  'unsupported',
  'failed',
  'error',
];

const EXPECTED: readonly {
  all: readonly string[];
  /** None of these may appear in the line either. */
  none?: readonly string[];
  means: string;
  anyLevel?: true;
}[] = [
  // A framework's deprecation warning ("MySQL8Dialect has been deprecated; use … instead", "… is
  // deprecated and will be removed in 5.0"): printed once at start by design, not a failure, unless the
  // line says the thing already stopped working ("deprecated and ignored", "… and has been disabled").
  ...['has been deprecated', 'have been deprecated', 'was deprecated', 'is deprecated', 'are deprecated'].map(
    (w) => ({ all: [w], none: NO_LONGER, means: DEPRECATED }),
  ),
  // ProxySQL's MySQL_Session: a SET statement it cannot parse is forwarded, and the client's session is
  // pinned to its hostgroup (lock_hostgroup), which turns multiplexing off for that session
  // (proxysql.com/documentation, "Multiplexing": conditions that disable it).
  {
    all: ['unable to parse unknown set query', 'lock_hostgroup'],
    means:
      "ProxySQL did not recognise a SET statement a client sent (a session variable it does not track), so it forwarded it and pinned that client's session to its hostgroup (lock_hostgroup): the statement and the queries after it run normally, only connection multiplexing is off for that one session. It is a warning about ProxySQL's own parser, harmless for the application: nothing is broken and no action is needed (if many sessions are pinned, have the client stop sending that SET, or upgrade ProxySQL to a version that parses it)",
  },
  // CoreDNS's import plugin warns when a glob it imports matches no file (coredns.io, plugin import): the
  // Corefiles of AKS and k3s import optional custom files (the coredns-custom ConfigMap's *.server and
  // *.override) that exist only when someone adds them.
  {
    all: ['no files matching import glob pattern'],
    means:
      "CoreDNS's import directive found no file for its glob: the Corefile imports optional custom configuration (the coredns-custom ConfigMap's *.server and *.override files, as AKS and k3s set it up), and none has been added, so there is nothing to import. CoreDNS logs this at each start and reload and serves DNS normally: it is harmless, nothing is broken and no action is needed (add a custom file, or leave the ConfigMap empty)",
  },
  // client-go's clientcmd warns when a program is given neither a kubeconfig nor a master URL and falls back
  // to the in-cluster config (client-go, tools/clientcmd/client_config.go, BuildConfigFromFlags), which is
  // how a controller running in a pod is meant to connect.
  {
    all: ['neither --kubeconfig nor --master was specified', 'inclusterconfig'],
    means:
      "client-go's routine notice when a program is given no kubeconfig and no API server URL: it then uses the in-cluster config, the pod's service account token and the kubernetes Service's address that the kubelet provides, which is exactly how a controller running in a pod should connect. \"This might not work\" only covers running outside a pod. It is harmless: the controller reaches the API server as designed, nothing is wrong and no action is needed",
  },
  // kopf warns when the object it gets back from a PATCH lacks fields the patch set: the API server pruned
  // them because the custom resource's schema does not declare them (structural schemas prune unknown
  // fields unless `x-kubernetes-preserve-unknown-fields: true`); kopf's docs, "Troubleshooting".
  {
    all: ['patching failed with inconsistencies'],
    // Its own finalizer not stored is another matter: deletion handling is at stake.
    none: ['finalizers'],
    means:
      "kopf's warning that the object the API server returned after its PATCH lacks some of the fields it patched: the custom resource's schema does not declare those status fields (no x-kubernetes-preserve-unknown-fields: true under status), so the API server prunes them. The handler itself ran and its work (the CronJob, the backup run) is done; only kopf's bookkeeping of handler results in the object's status is not stored, so it is harmless: nothing is wrong and no action is needed beyond declaring those status fields in the CRD (or x-kubernetes-preserve-unknown-fields: true) to silence it",
  },
  // The Kafka clients log every property they were given and do not use (AbstractConfig.logUnused:
  // "The configuration 'x' was supplied but isn't a known config."): application settings passed in the
  // same map (Spring Boot's spring.kafka.properties), or ones a serializer reads itself.
  {
    all: ["was supplied but isn't a known config"],
    means:
      "the Kafka client's notice that a property it was given is not one of its own settings: applications and frameworks (Spring Boot's spring.kafka.properties, a serializer's schema.registry.url) pass their own keys in the same configuration map, and the client logs each one it does not use when it starts a producer or consumer and then ignores it. It changes nothing in how records are sent or read, so it is harmless: nothing is wrong and no action is needed beyond moving those keys out of the client's properties to silence it",
  },
  // nginx warns when the configuration uses a directive a newer version made obsolete (nginx.org, the
  // CHANGES of 1.19.7: http2_max_field_size and http2_max_header_size are obsolete, large_client_header_buffers
  // replaces them): it ignores the directive and starts.
  {
    all: ['directive is obsolete'],
    means:
      'nginx no longer uses this directive (a newer nginx made it obsolete, and names its replacement when there is one): it ignores it, so the setting has no effect, and it starts and serves normally. The warning is harmless: nothing is broken and no action is needed beyond moving the value to the directive it names (or deleting the line) to silence it',
  },
  // nginx opens its compiled-in error log before it reads its configuration (nginx.org, "Command-line
  // parameters", -e): an image without /var/log/nginx prints this alert once per start, then logs where
  // the configuration says (stderr in container images).
  {
    all: ['[alert]', 'could not open error log file'],
    anyLevel: true,
    means:
      'nginx opens the error log file compiled into it before it reads its configuration, and it cannot open it here (the image has no such directory, or the user it runs as may not write there), so it says so once at each start; it then reads its configuration, whose own error_log (stderr, as container images set it) is used from then on, and it serves normally. The alert is harmless: nothing is broken and no action is needed beyond starting nginx with -e stderr to silence it',
  },
  // RabbitMQ drops a message that goes round a dead-letter loop with no rejection in it, and warns; a loop in
  // which a consumer rejects the message (the delayed-retry pattern: reject into a queue whose TTL
  // dead-letters it back) is allowed (rabbitmq.com, "Dead Letter Exchanges": routing cycles), and some 3.13
  // releases printed the warning for such loops too.
  {
    all: ['dead-letter queues cycle detected'],
    means:
      "RabbitMQ's warning about a message going round a dead-letter loop. A loop with no rejection in it would drop the message, but a delayed-retry queue that a consumer rejects into and whose TTL dead-letters back is a loop RabbitMQ allows, and some 3.13 releases warn about it anyway: when the retried messages keep arriving (the consumer's log, the queue's counts), the warning is misleading and harmless, nothing is lost and no action is needed",
  },
  // Envoy (an Istio sidecar) adding a listener whose filter chains match on TLS data (server names, ALPN, as
  // ServiceEntries for external HTTPS hosts give it) without a TLS Inspector listener filter configured: it
  // injects the filter itself and says so at warning level (Envoy's listener_manager_impl; the message ends
  // "trying to inject it"). The listener works; the warning repeats at every listener update.
  {
    all: ['require tls inspector listener filter', 'trying to inject it'],
    means:
      "Envoy's notice that a listener's filter chains match on TLS data (server names, as ServiceEntries for external HTTPS hosts make) and no TLS Inspector listener filter was configured, so Envoy injects one itself: the listener works and traffic flows. When the sidecars are Ready and the calls through them succeed, the warning is harmless and expected, nothing is broken and no action is needed",
  },
  // Traefik's Kubernetes Ingress provider lists IngressClasses (cluster-scoped) when it starts; with RBAC
  // limited to its namespaces (a Role, no ClusterRole) it cannot, logs this warning and matches Ingresses by
  // their ingressClassName or class annotation instead (Traefik's "Kubernetes Ingress" provider:
  // ingressClass and the RBAC it needs). Routing is unaffected while the Ingresses name Traefik's class.
  {
    all: ['failed to list ingress classes', 'cluster factory not loaded'],
    means:
      "Traefik's Ingress provider could not list IngressClasses, which are cluster-scoped, because its RBAC is limited to its namespaces (no ClusterRole): it goes on without them and still routes the Ingresses that name its class. When the routes answer and Traefik's pods are Ready, the warning is harmless and can be ignored; giving it back a ClusterRole only silences it",
  },
  // Redpanda's internal Kafka client (the one its HTTP Proxy and Schema Registry use) logs broker_error with
  // broker_not_available while it asks for metadata before a broker answers: at start-up, during a rolling
  // restart, or when the chart's test pods hit those services; it retries and stops once the brokers answer.
  {
    all: ['kafka/client', 'broker_not_available'],
    means:
      "Redpanda's own Kafka client (the one behind its HTTP Proxy and Schema Registry) retrying a metadata request while a broker was not yet available, as happens during a chart upgrade's rolling restart or when the chart's test pods first call those services; it retries and stops once the brokers answer. When the brokers are Running and Ready and the lines stop, it is harmless: the cluster is healthy and no action is needed",
  },
  // Promtail (Grafana Loki's agent) logs at warn level that it watches its configuration file when
  // started with -config.enable-watch (promtail.go): a notice that reloading on change is on.
  {
    all: ['enable watchconfig'],
    anyLevel: true,
    means:
      'Promtail prints this, at warn level, once at start when it is told to watch its configuration file (-config.enable-watch) so it reloads the file when it changes without a restart: a notice that config watching is on, not a problem. It is harmless: nothing is broken and no action is needed',
  },
  // HikariCP's housekeeper runs every 30 s and warns when it wakes far later than planned (HikariPool's
  // HouseKeeper: "Thread starvation or clock leap detected (housekeeper delta=…)"): the JVM did not run
  // for that long, or the clock jumped. The pool carries on by itself.
  {
    all: ['thread starvation or clock leap detected'],
    means:
      "HikariCP's housekeeper thread, which runs every 30 seconds, woke up that much later than planned (the delta it logs): the whole JVM did not run for that long (the VM was paused or live-migrated, a long stop-the-world GC, the host starved it of CPU) or the system clock jumped. HikariCP only warns and carries on, so one such line after a pause is harmless and nothing in the pool is broken: no action is needed unless it recurs (then look for GC pauses or CPU starvation)",
  },
  // CouchDB 2+ creates its system databases only when asked (docs.couchdb.org, "Single Node Setup");
  // until then the auth cache logs that its listener died because _users does not exist, and the
  // shard loader logs database_does_not_exist, every few seconds.
  {
    all: ['changes listener died because the _users database does not exist'],
    anyLevel: true,
    means:
      "CouchDB's authentication cache watches the _users system database, which a single node does not have until someone creates it (CouchDB 2 and later create _users, _replicator and _global_changes only when asked: the setup wizard, or PUT /_users), so it logs this notice, and the shard loader a database_does_not_exist error, every few seconds. It is expected and harmless here: the application's own databases are read and written normally and nothing is broken. It matters only to clients that log in with CouchDB user accounts (stored in _users) or use replication; to silence the lines, create the system databases (PUT /_users, /_replicator), no fix is needed otherwise",
  },
  // Node.js prints an ExperimentalWarning to stderr when a program uses a feature still marked
  // experimental (nodejs.org, "Stability index": Stability 1); it is informational.
  {
    all: ['experimentalwarning'],
    anyLevel: true,
    means:
      'Node.js prints an ExperimentalWarning once at start when the program uses a feature still marked experimental in that Node version (importing JSON modules, fetch, a test runner option): it says the API may change in a later release, not that anything failed. The service starts and serves normally, so this is harmless and expected after the upgrade: nothing is broken and no action is needed (node --no-warnings=ExperimentalWarning silences it)',
  },
  // nginx warns at (re)load that it ignores ssl_stapling when the certificate names no OCSP responder
  // (ngx_ssl_stapling: "no OCSP responder URL in the certificate"); stapling is optional (RFC 6066, 8).
  {
    all: ['ssl_stapling', 'ignored', 'no ocsp responder url'],
    means:
      'nginx cannot staple OCSP responses for this certificate because it names no OCSP responder (CAs that stopped running OCSP issue such certificates), so it ignores ssl_stapling. Stapling is only an optimisation of revocation checking: the certificate is valid, TLS handshakes succeed and clients connect as before. The warning is benign and expected after such a renewal: nothing is broken and no action is needed (drop ssl_stapling from the configuration to silence it)',
  },
  // Greylisting (RFC 6647): a receiving server answers the first attempt from an unknown sender with a
  // temporary 4xx; a compliant MTA queues (status=deferred) and retries, and the retry is accepted.
  { all: ['status=deferred', 'graylist'], anyLevel: true, means: GREYLISTED },
  {
    all: ['status=deferred', 'greylist'],
    anyLevel: true,
    means: GREYLISTED,
  },
  // RFC 9110, 15.4.5: 304 Not Modified answers a conditional GET (If-None-Match, If-Modified-Since) whose
  // cached representation is still current; a CDN purge or soft purge makes the edges revalidate.
  {
    all: ['" 304 '],
    anyLevel: true,
    means:
      'a 304 Not Modified is the correct answer (RFC 9110) to a conditional request (If-None-Match with the ETag, or If-Modified-Since) whose cached copy is still current: a cache or CDN revalidating, not fetching again. A burst of them after a purge or deploy is the edges revalidating their copies, and each costs the origin almost nothing (no body). Expected behaviour: nothing is broken and no action is needed',
  },
  // Kafka answers a metadata request for a topic whose partitions have no leader yet with
  // LEADER_NOT_AVAILABLE; right after a topic is created (auto-creation included) the producer retries
  // until the controller has elected leaders (Kafka's protocol guide, error code 5, retriable).
  {
    all: ['leader_not_available', 'error while fetching metadata'],
    means:
      'the producer asked for the metadata of a topic whose partitions had no leader yet, which Kafka answers with the retriable LEADER_NOT_AVAILABLE while a newly created topic gets its leaders elected; the client retries and sends once the leaders exist. A few such warnings in the first second after a topic is created are expected and transient: nothing is broken and no action is needed, unless they continue',
  },
  // CoreDNS's log plugin prints each query with its response code; names with fewer dots than ndots
  // (5 in a pod's resolv.conf) are tried with every search domain first, each an NXDOMAIN
  // (kubernetes.io, "DNS for Services and Pods": namespace search list and ndots).
  {
    all: ['nxdomain', '.svc.cluster.local.'],
    anyLevel: true,
    means:
      "the NXDOMAIN answers are the search-list expansions of external names: a pod's resolv.conf has ndots 5 and the search domains <namespace>.svc.cluster.local, svc.cluster.local, cluster.local (and the node's), so a name with fewer than five dots (api.example.com) is first tried with each search domain appended, each answered NXDOMAIN, before the name itself resolves. That is how the resolver is meant to work and nothing is broken or poisoned: no action is needed (a trailing dot on external names, or a lower ndots in the pod's dnsConfig, removes the extra queries if their volume matters)",
  },
  // RFC 9110, 15.5.17: 416 Range Not Satisfiable when the requested range starts at or after the
  // representation's end; players probe the end of a file.
  {
    all: ['" 416 ', 'range='],
    anyLevel: true,
    means:
      'a 416 Range Not Satisfiable is the correct answer (RFC 9110) to a Range request that starts at or past the end of the file, which video players send when they probe or seek to the very end; the file is served and seeking works. These 4xx answers are expected and harmless: nothing is broken and no action is needed (leave 416 out of the 4xx-ratio alert)',
  },
  // GitHub's secondary rate limits answer 403 (or 429) with Retry-After or x-ratelimit-reset; a client that
  // waits that long and retries does what GitHub documents ("Rate limits for the REST API").
  {
    all: ['secondary rate limit', 'pausing'],
    means:
      "GitHub's API answered 403 for its secondary rate limit (too many requests in a short time) and the client paused for the Retry-After or reset time it was given, then went on: that is the documented way to handle it, so the 403s are the rate limit being honoured, not a revoked or expired token; nothing is broken and no action is needed unless the pauses delay the work too much (then spread the requests out)",
  },
  // nginx logs a client's failed TLS handshake at info level (ngx_ssl_handshake: the client's fault,
  // not the server's); "unsupported protocol" is a client offering only a TLS version the server's
  // ssl_protocols no longer allows (OpenSSL 3's SSL_R_UNSUPPORTED_PROTOCOL).
  {
    all: ['ssl_do_handshake() failed', 'unsupported protocol'],
    anyLevel: true,
    means:
      'a client offered only a TLS version the server no longer accepts (TLS 1.0 or TLS 1.1 where ssl-protocols allow TLSv1.2 and later), so the handshake was refused; nginx logs each refusal at info level. These are old (legacy) clients: every modern client connects, so after a TLS hardening this is expected and nothing is broken; no action is needed unless those clients must be served (then allow the old protocol for them only)',
  },
  // pg_stat_activity shows an autovacuum worker's "query" as `autovacuum: VACUUM <table>`
  // (https://www.postgresql.org/docs/current/routine-vacuuming.html#AUTOVACUUM).
  {
    all: ['autovacuum: vacuum'],
    means:
      "the long-running query is PostgreSQL's own autovacuum worker (pg_stat_activity lists it as 'autovacuum: VACUUM <table>'), routine maintenance that reclaims dead rows; on a large table after a bulk delete or update it runs for hours and reads the table from disk (the extra read I/O), while it holds only a lock that lets reads and writes go on. That is expected and not stuck: let it finish (cancelling it only makes it start over later), and tune autovacuum's cost limit if it must go faster",
  },
];

/**
 * A JVM's heap after each young or mixed collection, from its unified GC log (`-Xlog:gc`:
 * `GC(15) Pause Young (Mixed) (G1 Evacuation Pause) 1880M->1180M(3072M) 31.4ms`): after, and the heap's
 * size, in MiB. Bounded: the text between the pause and the figures is at most 120 characters.
 */
const GC_PAUSE = /GC\(\d{1,9}\) Pause [^\n]{0,120}? (\d{1,7})M->(\d{1,7})M\((\d{1,7})M\)/;

/**
 * When the last three collections leave the heap within 15 % of each other, the live set has
 * levelled off: the note that says so (no leak; a climb after a start is warm-up), else undefined.
 */
export function heapLevelled(log: string): string | undefined {
  const after = log
    .split('\n')
    .slice(-5000)
    .map((l) => (l.length <= 2000 ? GC_PAUSE.exec(l) : null))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ after: Number(m[2]), size: Number(m[3]) }));
  if (after.length < 4) return undefined;
  const last = after.slice(-3).map((a) => a.after);
  const hi = Math.max(...last);
  const lo = Math.min(...last);
  if (hi === 0 || (hi - lo) / hi > 0.15) return undefined;
  const first = after[0]!.after;
  return `the JVM's GC log shows the heap after each collection levelling off at ${lo}–${hi} MiB of its ${after[after.length - 1]!.size} MiB heap over the last three collections (the first was at ${first} MiB): the live set is stable, so there is no leak; a climb in the first minutes after a start is the warm-up (caches filling, classes loading), and growth rates measured then say nothing about the steady state`;
}

/** The person asks about warnings a program logs: `[warn] lines`, `warning messages`, `warnings in its log`. */
const WARNINGS_ASKED =
  /\[warn(?:ing)?\]|\bwarn(?:ing)? (?:lines?|messages?)\b|\bwarnings? (?:in|from) (?:the |its |their )?(?:[\w-]{1,40} )?logs?\b|\blogs? (?:show|print|are full of)[^.\n]{0,30}\bwarn/i;

/** The meaning of a routine line, if it is one (`anyLevel`: also the entries that match lines of any level). */
export function expectedLine(line: string, anyLevel = false): string | undefined {
  const l = line.slice(0, 4096).toLowerCase();
  return EXPECTED.find(
    (e) =>
      (!anyLevel || e.anyLevel) &&
      e.all.every((w) => l.includes(w)) &&
      !(e.none ?? []).some((w) => l.includes(w)),
  )?.means;
}

/**
 * When the namespace is healthy (every pod Running and Ready, no failure line in the logs read),
 * the warnings of those logs that flag routine work are explained in the answer, so a flag the person
 * asks about (a health page's "long-running query") gets its reason rather than silence. Notes only.
 */
export const expectedLogLinesAnalyzer: Analyzer = {
  name: 'expected-log-lines',
  // A person who asks about the warnings a workload logs: a search of the log of one running pod of each
  // workload the task names for its warnings (at most two), so the warning can be explained.
  reads(ctx): Read[] {
    if (!WARNINGS_ASKED.test(ctx.task.slice(0, 4000))) return [];
    const owners = new Set<string>();
    const reads: Read[] = [];
    for (const r of namespacePods(ctx)) {
      const pod = r['NAME'] ?? '';
      const owner = ownerName(pod);
      if (r['STATUS'] !== 'Running' || owners.has(owner) || bonus(owner, ctx.hints) === 0) continue;
      owners.add(owner);
      // Searched, not read: a long log shows its last lines only, and start-up warnings come first.
      reads.push({
        tool: 'search_pod_logs',
        args: { namespace: ctx.ns, name: pod, pattern: 'warn', context: 0, maxMatches: 20 },
      });
      if (reads.length >= 2) break;
    }
    return unmadeReads(ctx.seen, reads);
  },
  finds: () => [],
  notes({ ns, seen }): string[] {
    const quiet = quietLogs(seen, ns);
    if (!quiet) return [];
    // The lines a search of a quiet namespace's logs showed (`N:` a match), as a log of their own.
    const searched = outputs(
      seen,
      'search_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    ).map((o) => ({
      ...o,
      content: o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => /^\d{1,7}:/.test(l))
        .map((l) => l.replace(/^\d{1,7}:/, ''))
        .join('\n'),
    }));
    // A search that showed failure lines is no quiet log: nothing it found is explained away.
    if (searched.some((o) => errorLines(o.content).length > 0)) return [];
    const logs = [...quiet, ...searched];
    const out: string[] = [];
    const owners = new Set<string>();
    for (const o of logs) {
      const owner = ownerName(String(o.args['name']));
      const levelled = owners.has(owner) ? undefined : heapLevelled(o.content.slice(-200_000));
      if (levelled && out.length < 2) {
        owners.add(owner);
        out.push(`${String(o.args['name'])}: ${levelled}.`);
      }
      for (const line of warningLines(o.content.slice(-200_000))) {
        const means = line.length <= 4000 ? expectedLine(line) : undefined;
        if (means && out.length < 2)
          out.push(`${String(o.args['name'])} warns "${clip(line, 200)}": ${means}.`);
      }
      // Lines a program logs at info level that still look like trouble (a refused TLS handshake).
      const info = o.content
        .slice(-200_000)
        .split('\n')
        .slice(-2000)
        .find((l) => l.length <= 4000 && expectedLine(l, true) !== undefined);
      if (info && out.length < 2)
        out.push(`${String(o.args['name'])} logs "${clip(info, 200)}": ${expectedLine(info, true)}.`);
    }
    return out;
  },
};
