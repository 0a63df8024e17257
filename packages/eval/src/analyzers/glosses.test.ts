import { describe, expect, it } from 'vitest';
import { eventGloss } from './event-glosses.js';
import { eitherDay, scheduleInWords } from './expected-state.js';
import { glossedLine, isRuntimeHint, logGloss, withDetail } from './log-glosses.js';
import { startupProbeLike } from './probes.js';
import { classVersionGloss, schemaGloss } from './types.js';

describe('schemaGloss', () => {
  it.each([
    'psycopg2.errors.UndefinedColumn: column "region_code" of relation "orders" does not exist',
    'ERROR: relation "invoices" does not exist at character 15',
    "java.sql.SQLSyntaxErrorException: Unknown column 'tier' in 'field list'",
    'sqlite3.OperationalError: no such table: sessions',
    "Table 'shop.coupons' doesn't exist",
  ])('reads %s as a schema behind the code', (line) => {
    expect(schemaGloss(line)).toMatch(/migration that adds it has not been applied/);
  });

  it.each([
    'configmap "app-config" does not exist',
    'open /etc/app/config.yaml: no such file or directory',
    'connection refused',
  ])('leaves %s alone', (line) => {
    expect(schemaGloss(line)).toBeUndefined();
  });
});

describe('startupProbeLike', () => {
  it('copies the liveness check with 30 x 10 s to start', () => {
    expect(
      startupProbeLike('Liveness: http-get :8080/healthz delay=10s timeout=1s period=10s #failure=3'),
    ).toEqual({
      httpGet: { port: 8080, path: '/healthz' },
      periodSeconds: 10,
      failureThreshold: 30,
    });
    expect(startupProbeLike('Liveness: http-get https://:8443/live delay=0s')).toMatchObject({
      httpGet: { port: 8443, path: '/live', scheme: 'HTTPS' },
    });
    expect(startupProbeLike('Liveness: tcp-socket :5432 delay=0s')).toMatchObject({
      tcpSocket: { port: 5432 },
    });
    expect(startupProbeLike('Liveness: exec [pg_isready -U app] delay=0s')).toMatchObject({
      exec: { command: ['pg_isready', '-U', 'app'] },
    });
    expect(startupProbeLike('Liveness: grpc <9000>')).toBeUndefined();
  });
});

describe('classVersionGloss', () => {
  it('names both Java versions from the class file versions', () => {
    const g = classVersionGloss(
      'java.lang.UnsupportedClassVersionError: App has been compiled by a more recent version of the Java Runtime (class file version 65.0), this version of the Java Runtime only recognizes class file versions up to 61.0',
    );
    expect(g).toMatch(/built for Java 21 \(class file version 65\.0\)/);
    expect(g).toMatch(/JRE is Java 17 \(class file version 61\.0\)/);
    expect(classVersionGloss('java.lang.OutOfMemoryError: Java heap space')).toBeUndefined();
  });
});

describe('eventGloss', () => {
  it.each([
    [
      'Error creating: Internal error occurred: failed calling webhook "v.kyverno.svc": no endpoints available',
      /failurePolicy/,
    ],
    [
      'admission webhook "validation.gatekeeper.sh" denied the request: [require-labels] missing label team',
      /Gatekeeper/,
    ],

    [
      'Error creating: pods "x" is forbidden: violates PodSecurity "restricted:latest": privileged',
      /enforce level/,
    ],
    [
      'Error creating: pods "x" is forbidden: failed quota: q: must specify limits.cpu for: app',
      /ResourceQuota/,
    ],
    [
      'Error creating: pods "x" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi',
      /LimitRange/,
    ],
    [
      'failed to setup network for sandbox: plugin type="aws-cni" failed (add): failed to assign an IP address to container',
      /ENI/,
    ],
    [
      'Multi-Attach error for volume "pvc-1" Volume is already exclusively attached to one node',
      /ReadWriteOnce/,
    ],
    ['0/3 nodes are available: 3 node(s) had volume node affinity conflict.', /zonal/],
    ["0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports.", /hostPort/],
    ["0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints.", /maxSkew/],
    ["0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.", /anti-affinity/],
    ['0/3 nodes are available: 3 Too many pods.', /maxPods/],
    [
      'Failed to pull image "acme/api:3": pull access denied for acme/api, repository does not exist or may require \'docker login\'',
      /imagePullSecret/,
    ],
    ['Failed to pull image "redis:7": toomanyrequests: You have reached your pull rate limit.', /rate limit/],
    ['Failed to pull image "x:1": no match for platform in manifest: not found', /architecture/],
    [
      'Failed to pull image "reg.corp/x:1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      /container runtime/,
    ],
    ['Pod ephemeral local storage usage exceeds the total limit of containers 1Gi.', /ephemeral-storage/],
    ['Job was active longer than specified deadline', /activeDeadlineSeconds/],
    ['Liveness probe failed: Get "http://10.0.0.1:8080/health": context deadline exceeded', /timeoutSeconds/],
    [
      'Error syncing load balancer: failed to ensure load balancer: could not find any suitable subnets for creating the ELB',
      /kubernetes\.io\/role\/elb/,
    ],
  ])('reads %s', (message, meaning) => {
    expect(eventGloss(message)).toMatch(meaning);
  });
  it('leaves other messages alone', () => {
    expect(eventGloss('Successfully assigned shop/cart-1 to n1')).toBeUndefined();
    expect(eventGloss('Started container cart')).toBeUndefined();
    // A webhook's certificate error is left to the log glosses' certificate entries (it expired).
    const expired =
      'Error creating: Internal error occurred: failed calling webhook "inject.t.svc": failed to call webhook: Post "https://t.svc:443/inject": tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    expect(eventGloss(expired)).toBeUndefined();
    expect(logGloss(expired)).toMatch(/serving certificate \(its TLS certificate\) has expired/);
    // "must specify" about a field other than a quota's resources; an image whose name says pause.
    expect(
      eventGloss(
        'Error creating: Pod "docs-5d8f7c6b9-x2k4p" is invalid: spec.volumes[1]: Required value: must specify a volume type',
      ),
    ).toBeUndefined();
    expect(
      eventGloss('Failed to pull image "acme/pause-detector:2": rpc error: code = NotFound desc = not found'),
    ).toBeUndefined();
    expect(
      eventGloss(
        'Failed to create pod sandbox: failed to get sandbox image "registry.k8s.io/pause:3.9": failed to pull image "registry.k8s.io/pause:3.9": i/o timeout',
      ),
    ).toMatch(/sandbox \(pause\) image/);
    // A scheduler reason that rules out fewer nodes than another is not the cause.
    expect(
      eventGloss(
        '0/3 nodes are available: 1 Too many pods, 2 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
      ),
    ).toBeUndefined();
    expect(
      eventGloss(
        "0/5 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 3 Too many pods, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.",
      ),
    ).toMatch(/maxPods/);
    expect(
      eventGloss(
        "0/5 nodes are available: 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod anti-affinity rules.",
      ),
    ).toMatch(/anti-affinity/);
  });
});

describe('logGloss', () => {
  it.each([
    [
      'Post "https://api.example/token": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      /CA certificates/,
    ],
    [
      '[FORBIDDEN/12/index read-only / allow delete (api)]; index [catalog] blocked by: read-only-allow-delete',
      /flood-stage watermark/,
    ],
    ["OOM command not allowed when used memory > 'maxmemory'.", /noeviction/],
    [
      'initdb: error: directory "/var/lib/postgresql/data" exists but is not empty',
      /PGDATA at a subdirectory/,
    ],
    ['FATAL:  sorry, too many clients already', /max_connections/],
    ['pthread_create failed: Resource temporarily unavailable', /PID limit/],
    ['Migration checksum mismatch for migration version 41', /edited afterwards/],
    [
      'level=error err="opening storage failed: lock DB directory: resource temporarily unavailable"',
      /exclusive lock/,
    ],
    ['ERROR: prepared statement "S_9" already exists', /transaction pooling/],
    ['net/http: invalid header field value for "Authorization"', /trailing newline/],
    [
      'psql: error: connection to server at "orders-pg" (10.96.4.2), port 5432 failed: SCRAM authentication requires libpq version 10 or above',
      /scram-sha-256/,
    ],
    [
      'FATAL:  no pg_hba.conf entry for host "10.244.1.7", user "app", database "orders", no encryption',
      /sslmode/,
    ],
    ['FATAL:  the database system is starting up', /still starting/],
    ['FATAL:  the database system is in recovery mode', /crash recovery/],
    ['FATAL:  database "orders_prod" does not exist', /never created/],
    ['FATAL:  role "billing" does not exist', /user \(role\)/],
    ['ERROR:  canceling statement due to statement timeout', /statement_timeout/],
    ['ERROR:  deadlock detected', /opposite orders/],
    [
      "ERROR 1129 (HY000): Host '10.244.2.9' is blocked because of many connection errors; unblock with 'mysqladmin flush-hosts'",
      /max_connect_errors/,
    ],
    [
      "ER_NOT_SUPPORTED_AUTH_MODE: Authentication plugin 'caching_sha2_password' cannot be loaded",
      /mysql_native_password/,
    ],
    [
      'java.sql.SQLNonTransientConnectionException: Public Key Retrieval is not allowed',
      /allowPublicKeyRetrieval/,
    ],
    ["OperationalError: (2006, 'MySQL server has gone away')", /wait_timeout/],
    [
      'ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction',
      /innodb_lock_wait_timeout/,
    ],
    [
      'ERROR 1213 (40001): Deadlock found when trying to get lock; try restarting transaction',
      /rolled one back/,
    ],
    [
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled",
      /stop-writes-on-bgsave-error/,
    ],
    ["READONLY You can't write against a read only replica.", /failover/],
    ['LOADING Redis is loading the dataset in memory', /still loading/],
    [
      'org.apache.kafka.common.errors.RecordTooLargeException: The message is 1348217 bytes when serialized which is larger than 1048576',
      /max\.request\.size/,
    ],
    ['Error while sending: MESSAGE_TOO_LARGE', /message\.max\.bytes/],
    [
      '[Producer clientId=p-1] Error while fetching metadata with correlation id 7 : {orders.v2=UNKNOWN_TOPIC_OR_PARTITION}',
      /auto\.create\.topics\.enable/,
    ],
    [
      'org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [payments]',
      /ACL/,
    ],
    [
      'org.apache.kafka.clients.consumer.OffsetOutOfRangeException: Fetch position FetchPosition{offset=88} is out of range; Offsets out of range with no configured reset policy for partitions: {ev-0=88}',
      /auto\.offset\.reset/,
    ],
    [
      '[Consumer clientId=c-1, groupId=g] Connection to node 1 (kafka-1.kafka:9092) could not be established. Broker may not be available.',
      /advertised\.listeners/,
    ],
    ['{"error":{"type":"circuit_breaking_exception","reason":"[parent] Data too large"}}', /JVM heap/],
    ['illegal_argument_exception: Limit of total fields [1000] has been exceeded', /mapping explosion/],
    ['max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]', /262144/],
    ['es_rejected_execution_exception: rejected execution of coordinating operation', /thread pool queue/],
    ['java.lang.OutOfMemoryError: GC overhead limit exceeded', /garbage collection/],
    [
      "Error: error:0308010C:digital envelope routines::unsupported { code: 'ERR_OSSL_EVP_UNSUPPORTED' }",
      /OpenSSL 3/,
    ],
    ['Error: getaddrinfo EAI_AGAIN redis.cache.svc.cluster.local', /EAI_AGAIN/],
    ['[2026-11-30 10:00:01 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:12)', /--timeout/],
    ['ImportError: libGL.so.1: cannot open shared object file: No such file or directory', /shared library/],
    ['standard_init_linux.go:228: exec user process caused: no such file or directory', /line endings/],
    ['exec /app/run.sh: exec user process caused: permission denied', /chmod \+x/],
    ['WARN token rejected sub=u-120 kid=k2: token is not valid yet', /clock skew/],
    [
      'warn Envoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful',
      /cannot get its configuration from the control plane, istiod/,
    ],
    [
      '[alert] 29#29: *77 512 worker_connections are not enough while connecting to upstream',
      /raise worker_connections/,
    ],
    [
      'failed to create kubernetes client: open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory',
      /automountServiceAccountToken/,
    ],
    [
      '[WRN] - Server certificate is expired ("-00:00:00.1200000"). Not scheduling renewal.',
      /own TLS certificate has expired[\s\S]*renew or reissue/,
    ],
    [
      'http: TLS handshake error from 10.244.0.12:5196: tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
      /client certificate the caller presents has expired/,
    ],
    [
      'OCI runtime create failed: runc create failed: unable to start container process: exec: "/entrypoint.sh": permission denied: unknown',
      /chmod \+x/,
    ],
    [
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      /mTLS mismatch/,
    ],
    ['RBAC: access denied', /AuthorizationPolicy/],
    ['Get "https://registry.local:5000/v2/": http: server gave HTTP response to HTTPS client', /plain HTTP/],
    ['Client sent an HTTP request to an HTTPS server.', /expects TLS/],
    ['x509: certificate relies on legacy Common Name field, use SANs instead', /Subject Alternative Names/],
    ['remote error: tls: bad certificate', /rejected the client's certificate/],
    [
      'http: TLS handshake error from 10.244.0.1:53812: remote error: tls: bad certificate',
      /refused this server's TLS certificate.*caBundle/,
    ],
    [
      'error: resource mapping not found: no matches for kind "PodDisruptionBudget" in version "policy/v1beta1"',
      /removed in a Kubernetes upgrade/,
    ],
    ['NoCredentialProviders: no valid providers in chain. Deprecated.', /eks\.amazonaws\.com\/role-arn/],
    ['InvalidIdentityToken: No OpenIDConnect provider found in your account', /OIDC provider/],
    [
      'RequestTimeTooSkewed: The difference between the request time and the current time is too large.',
      /clock/,
    ],
    [
      'MongoServerSelectionError: connection <monitor> to 10.0.3.4:27017 timed out',
      /serverSelectionTimeoutMS/,
    ],
    ['MongoServerError: NotWritablePrimary', /secondary/],
    ['MongoServerError: E11000 duplicate key error collection: shop.users index: email_1', /unique index/],
    ['liquibase: Waiting for changelog lock....', /releaseLocks/],
    [
      'Validate failed: Migrations have failed validation. Detected applied migration not resolved locally: 42.',
      /rollback/,
    ],
    [
      'Found non-empty schema(s) "public" but no schema history table. Use baseline() or set baselineOnMigrate to true to initialize the schema history table.',
      /run baseline/,
    ],
    [
      `java.lang.IllegalArgumentException: Could not resolve placeholder 'PAYMENTS_URL' in value "\${PAYMENTS_URL}"`,
      /placeholder is not set/,
    ],
    [
      "Failed to configure a DataSource: 'url' attribute is not specified and no embedded datasource could be configured.",
      /spring\.datasource\.url/,
    ],
    [
      'Channel error on connection: PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out. Timeout value used: 1800000 ms.',
      /consumer_timeout/,
    ],
    [
      "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'jobs' in vhost '/': received 'quorum' but current is 'classic'",
      /declare it as it exists/,
    ],
    [
      'PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 bytes)',
      /memory_limit/,
    ],
    [
      'nginx: [emerg] could not build server_names_hash, you should increase server_names_hash_bucket_size: 64',
      /server_names_hash_bucket_size/,
    ],
    ['[alert] 29#29: 1024 worker_connections are not enough', /worker_connections/],
    [
      'Error: UPGRADE FAILED: cannot patch "api" with kind Deployment: Internal error occurred: failed calling webhook "d.example.com": failed to call webhook: Post "https://w.svc:443/mutate": tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
      /webhook's serving certificate \(its TLS certificate\) has expired/,
    ],
    [
      'Internal error occurred: failed calling webhook "v.kyverno.svc": no endpoints available for service "kyverno-svc"',
      /failurePolicy is Fail/,
    ],
    [
      'The ConfigMap "zones" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
      /kubectl apply --server-side/,
    ],
    [
      'Error from server (BadRequest): error when creating "secret.yaml": Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 76',
      /base64 -w 0/,
    ],
    [
      'roles.rbac.authorization.k8s.io "runner" is forbidden: user "system:serviceaccount:ci:deployer" is attempting to grant RBAC permissions not currently held: {APIGroups:["batch"], Resources:["jobs"], Verbs:["create"]}',
      /privilege escalation prevention/,
    ],
    ["Unrecognized VM option 'PrintGCDateStamps'", /JDK 9 and later removed/],
    [
      '  Input should be a valid string [type=string_type, input_value=False, input_type=bool]',
      /Norway problem/,
    ],
    [
      '[ioredis] Unhandled error event: ParserError: Protocol error, got "\\u0015" as reply type byte.',
      /requires TLS/,
    ],
    // The lines below are as the programs print them.
    [
      'WARN o.a.k.c.c.i.ConsumerCoordinator - [Consumer clientId=c-1, groupId=g] consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms',
      /max\.poll\.interval\.ms .*LeaveGroup .*rebalances/,
    ],
    [
      'org.apache.kafka.clients.consumer.CommitFailedException: Commit cannot be completed since the group has already rebalanced',
      /removed from its group/,
    ],
    [
      'ERROR amqp reconnect failed: ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN.',
      /password rotated .*read only at container start/,
    ],
    ['FATAL:  password authentication failed for user "orders"', /rotated on one side only/],
    ["ERROR 1045 (28000): Access denied for user 'app'@'10.0.0.7' (using password: YES)", /MySQL refused/],
    ['WRONGPASS invalid username-password pair or user is disabled.', /Redis refused the password/],
    ['NOAUTH Authentication required.', /requirepass/],
    ['ERR max number of clients reached', /maxclients/],
    ['ERROR 1040 (HY000): Too many connections', /max_connections/],
    [
      'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      /connection pool is exhausted/,
    ],
    [
      'E1130 scraper.go:149] "Failed to scrape node" err="Get \\"https://10.0.4.12:10250/metrics/resource\\": x509: cannot validate certificate for 10.0.4.12 because it doesn\'t contain any IP SANs"',
      /IP SANs.*serverTLSBootstrap/,
    ],
    [
      'x509: certificate has expired or is not yet valid: current time 2026-11-30T10:00:00Z is after 2026-11-29T00:00:00Z',
      /expired/,
    ],
    ['x509: certificate is valid for api.internal, not api.example.com', /SANs/],
    ['SSL routines:ssl3_get_record:wrong version number', /plain text/],
    ['kernel: nf_conntrack: nf_conntrack: table full, dropping packet', /conntrack .*nf_conntrack_max/],
    [
      '2026/11/30 10:00:00 [error] 31#31: *8 upstream timed out (110: Operation timed out) while reading response header from upstream, client: 10.0.0.1',
      /proxy_read_timeout .*proxy-read-timeout/,
    ],
    ['[error] 31#31: *9 client intended to send too large body: 5242880 bytes', /client_max_body_size/],
    ['[error] upstream sent too big header while reading response header from upstream', /proxy_buffer_size/],
    ['[error] no live upstreams while connecting to upstream', /no healthy upstream/],
    ['socket.gaierror: [Errno -3] Temporary failure in name resolution', /does not resolve/],
    ['Error: getaddrinfo ENOTFOUND orders-db.shop.svc', /NXDOMAIN/],
    ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space', /-Xmx/],
    ['java.lang.OutOfMemoryError: Metaspace', /metaspace/],
    [
      'java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory or process/resource limits reached',
      /PID\/thread limit/,
    ],
    [
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      /--max-old-space-size/,
    ],
    ['exec /app/server: exec format error', /CPU architecture/],
    ['listen tcp :8080: bind: address already in use', /already taken/],
    ['listen tcp :80: bind: permission denied', /privileged port/],
    ['Error: listen EACCES: permission denied 0.0.0.0:80', /privileged port/],
    ["OSError: [Errno 30] Read-only file system: '/app/cache'", /emptyDir/],
    ['write /data/wal/000123: no space left on device', /is full/],
    ["ModuleNotFoundError: No module named 'requests'", /not installed in the image/],
    ["Error: Cannot find module '/app/dist/server.js'", /missing from the image/],
    ["/app/server: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found", /newer glibc/],
    ['ExpiredToken: The security token included in the request is expired', /IRSA/],
    [
      'AccessDenied: User: arn:aws:sts::1:assumed-role/app/x is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::bucket/key',
      /IAM role/,
    ],
    ['FATAL:  database files are incompatible with server', /major version.*not corruption.*pg_upgrade/],
    [
      'org.apache.kafka.common.errors.RecordDeserializationException: Error deserializing key/value for partition shipments-7 at offset 88120. If needed, please seek past the record to continue consumption.',
      /poison pill.*seeking past the offset/,
    ],
    ['org.apache.kafka.common.errors.SerializationException: Unknown magic byte!', /magic byte/],
    [
      '2026-11-30 10:00:00.000 [warning] <0.1.0> disk resource limit alarm set on node rabbit@rmq-0.',
      /disk_free_limit.*connection\.blocked/,
    ],
    ['[warning] memory resource limit alarm set on node rabbit@rmq-0.', /vm_memory_high_watermark/],
    [
      '(psycopg2.OperationalError) could not translate host name "q9Lm@db.billing.svc" to address: Name or service not known',
      /percent-encode the password/,
    ],
    ['dial tcp: lookup s3cr3t@redis.cache.svc: no such host', /%40/],
    [
      'kubelet: bootstrap.go:266] part of the existing bootstrap client certificate in /etc/kubernetes/kubelet.conf is expired',
      /client certificate has expired .*Unauthorized/,
    ],
  ])('reads %s', (line, means) => {
    expect(logGloss(line)).toMatch(means);
  });

  it('leaves an ordinary error alone, and finds the first glossed line of a log', () => {
    expect(logGloss('ERROR connection refused')).toBeUndefined();
    // Substrings that name the software, not the failure, do not match alone.
    expect(logGloss('RoleBinding app-binding created')).toBeUndefined();
    expect(logGloss('GET /healthz 200')).toBeUndefined();
    // A recovery is not a failure; a name that contains a keyword is not the keyword's failure.
    expect(logGloss('[info] disk resource limit alarm cleared on node rabbit@rmq-0')).toBeUndefined();
    expect(logGloss('[INFO] releasing read-only-allow-delete block on indices [products]')).toBeUndefined();
    expect(logGloss('ForkJoinPool.commonPool-worker-3: Resource temporarily unavailable')).toBeUndefined();
    expect(logGloss('ERROR upstream rejected our client certificate: certificate expired')).toBeUndefined();
    expect(logGloss('FATAL:  too many connections for role "reporting"')).toMatch(
      /role's own CONNECTION LIMIT/,
    );
    expect(logGloss("ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'orders'")).toMatch(
      /missing GRANT/,
    );
    // An e-mail address or a user@host in a log line is not a host name holding a password's rest.
    expect(logGloss('sent receipt to ana@example.com')).toBeUndefined();
    // A deprecation notice, and a tuner saying it set a value, are not the failures they name.
    expect(
      logGloss(
        "2026-11-30T06:00:03Z 0 [Warning] [MY-013360] [Server] Plugin mysql_native_password reported: ''mysql_native_password' is deprecated and will be removed in a future release. Please use caching_sha2_password instead'",
      ),
    ).toBeUndefined();
    expect(logGloss('applied sysctl vm.max_map_count=262144 (was 65530)')).toBeUndefined();
    expect(logGloss('could not translate host name "db.billing.svc" to address')).toBeUndefined();
    expect(glossedLine('starting\nERROR x\nFATAL:  sorry, too many clients already\n')?.line).toBe(
      'FATAL:  sorry, too many clients already',
    );
  });
});

describe('eitherDay', () => {
  it('says a schedule restricting both day fields runs when either matches', () => {
    expect(eitherDay('0 6 1-7 * 1')).toMatch(
      /ORed, not ANDed.*days 1-7 of every month and also on every Monday/,
    );
    expect(eitherDay('0 6 * * 1')).toBeUndefined();
    expect(eitherDay('0 6 1 * *')).toBeUndefined();
    expect(eitherDay('@weekly')).toBeUndefined();
  });
});

describe('scheduleInWords', () => {
  it.each([
    ['30 1 * * 0', 'weekly, on Sunday at 01:30'],
    ['0 2 * * *', 'daily at 02:00'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['5 * * * *', 'hourly'],
    ['0 3 1 * *', 'monthly, on day 1 at 03:00'],
    ['0 4 * * 7', 'weekly, on Sunday at 04:00'],
  ])('%s is %s', (cron, words) => {
    expect(scheduleInWords(cron)).toBe(words);
  });

  it('leaves other shapes unsaid', () => {
    expect(scheduleInWords('0 9-17 * * 1-5')).toBeUndefined();
    expect(scheduleInWords('@daily')).toBeUndefined();
  });
});

describe('withDetail and the pg_dump version gloss', () => {
  const log =
    'pg_dump: error: aborting because of server version mismatch\npg_dump: detail: server version: 16.4; pg_dump version: 15.8\n';
  it('quotes the detail line a program printed after the error, and knows what it means', () => {
    const line = glossedLine(log)!.line;
    expect(withDetail(log, line)).toBe(
      'pg_dump: error: aborting because of server version mismatch (pg_dump: detail: server version: 16.4; pg_dump version: 15.8)',
    );
    expect(logGloss(line)).toMatch(/older than the PostgreSQL server/);
    expect(withDetail('ERROR: x\nDETAIL: Key (id)=(1) already exists.', 'ERROR: x')).toBe(
      'ERROR: x (DETAIL: Key (id)=(1) already exists.)',
    );
    expect(withDetail('ERROR: x\nnext line', 'ERROR: x')).toBe('ERROR: x');
  });
});

describe('isRuntimeHint: lines a runtime adds after any failure', () => {
  it.each([
    ['note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace', true],
    ['note: run with `RUST_BACKTRACE=full` environment variable to display a backtrace', true],
    ['(Use `node --trace-warnings ...` to show where the warning was created)', true],
    ['error: environment variable `DATABASE_URL` not set', false],
    ["thread 'main' panicked at src/main.rs:12:5: RUST_LOG must be set", false],
  ])('%s: %s', (line, hint) => expect(isRuntimeHint(line)).toBe(hint));
});
