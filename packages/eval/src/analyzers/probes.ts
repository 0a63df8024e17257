import { envOf } from './env-values.js';
import { logGloss } from './log-glosses.js';
import { type Analyzer, clipAround, outputs, type Read, unmadeReads } from './types.js';

/**
 * Why a probe fails, from the kubelet's own message (the `Unhealthy` event), the probe's definition
 * line in `describe_pod` and what the program printed: the cause and the fix that follows from it.
 * Each kind of failure has its own fix; "point it at the right port" is right for only one of them.
 */
export function probeCause(
  kind: 'liveness' | 'readiness' | 'startup',
  message: string,
  probe: string | undefined,
  logs: string,
  /** The container's other probe lines (`Readiness: http-get :5000/healthz …`) and whether it is Ready now. */
  container?: { probes: readonly string[]; ready: boolean },
): {
  cause: string;
  advice: string;
  specific: boolean;
  slowStart?: true;
  healthPath?: string;
  /** The port the probe belongs on (a management port the program serves its health on), when not the probed one. */
  healthPort?: number;
  /** Set when `healthPath` is the conventional path rather than one the evidence shows served. */
  healthPathAssumed?: true;
  timedOut?: true;
  /** Set when the program's log says it listens on another port (`port`) than the probed one (`probed`). */
  listens?: { port: number; probed: number };
} {
  const m = message.toLowerCase();
  const exec = /exec \[([^\]]{1,200})\]/.exec(probe ?? '')?.[1];
  const command = exec?.split(' ')[0] ?? /exec: "([^"]{1,100})"/.exec(message)?.[1];
  const effect =
    kind === 'readiness' ? 'keeps the pod unready (no endpoints)' : 'kills and restarts the container';
  // The runtime could not start the probe's command (not a path the program's own check reports missing:
  // `dial unix /var/run/calico/bird.ctl: connect: no such file or directory` is the program's answer).
  const notStarted =
    m.includes('executable file not found') ||
    (m.includes('no such file or directory') && !/\bdial unix\b|\bconnect: no such file/.test(m)) ||
    // An exec probe that errored because it ran past its timeout (`failed to exec in container: timeout
    // 10s exceeded: context deadline exceeded`) did start: a timeout, below.
    (m.includes('exec') &&
      m.includes('errored') &&
      !/deadline exceeded|timeout \d{1,6}s exceeded|timed out/.test(m));
  if (notStarted) {
    // The name the runtime looked for holds spaces ("sh -c /opt/check.sh"): the command was written as
    // one string, and an exec probe runs no shell, so its first list item is the whole executable name
    // (kubernetes.io, "Configure Liveness, Readiness and Startup Probes": command is an argv list).
    const whole = /exec: "([^"]{1,200})"|stat ([^:]{1,200}): no such file/.exec(message);
    const asked = (whole?.[1] ?? whole?.[2])?.trim();
    if (asked && /\s/.test(asked)) {
      const argv = asked.split(/\s+/).slice(0, 12);
      return {
        cause: `the ${kind} probe's command is one string ("${asked}") where an exec probe takes a list of arguments: the kubelet runs no shell, so the container runtime looks for an executable named the whole string, finds none, and every probe errors; the kubelet ${effect} although the program and the script are fine`,
        advice: `split the ${kind} probe's command into separate list items (${JSON.stringify(argv)}), one per argument`,
        specific: true,
      };
    }
    return {
      cause: `the ${kind} probe runs ${command ? `"${command}"` : 'a command'}, which is not in the image (executable file not found), so every probe errors and the kubelet ${effect} although the program itself is fine`,
      advice: `change the ${kind} probe to a command the image has, or to an httpGet/tcpSocket probe`,
      specific: true,
    };
  }
  if (m.includes('deadline exceeded') || m.includes('timeout') || m.includes('timed out')) {
    const t = /timeout=(\d+s)/.exec(probe ?? '')?.[1];
    return {
      cause: `the ${kind} probe times out (${t ? `timeoutSeconds ${t}` : 'its timeout'} is shorter than the program takes to answer), so the kubelet ${effect}`,
      advice: `raise the ${kind} probe's timeoutSeconds${t ? ` above ${t}` : ''}, or make the health endpoint answer faster`,
      specific: true,
      timedOut: true,
    };
  }
  // Not slow but blocked: a start-up that waits for a lock another (killed) instance still holds.
  const lock = logs
    .split('\n')
    .find((l) =>
      /waiting for (?:the )?(?:changelog |advisory |migration |schema |database )?lock|could not acquire (?:the )?lock|lock (?:is )?(?:held|owned) by|Waiting for changelog lock/i.test(
        l,
      ),
    );
  if (kind !== 'readiness' && lock) {
    const liquibase = /liquibase|changelog/i.test(lock);
    return {
      cause: `the program never finishes starting because it waits for a lock: "${lock.trim().slice(0, 140)}"${liquibase ? ' — the Liquibase changelog lock (a row in DATABASECHANGELOGLOCK) is still held, left by an instance killed in the middle of its migration, so every new instance waits on a stale lock' : ', a stale lock left by an instance that was killed while holding it'}; the ${kind} probe then fails and the kubelet ${effect}. It is not slow start: waiting longer (a larger initialDelaySeconds) would not help`,
      advice: liquibase
        ? 'release the stale lock (liquibase releaseLocks, or UPDATE DATABASECHANGELOGLOCK SET LOCKED=false once no instance is migrating), then let the pods start'
        : 'release the stale lock, then let the pods start',
      specific: true,
    };
  }
  // Refused where the program's own log says it listens elsewhere: on the loopback interface only
  // (uvicorn's and Flask's default host, 127.0.0.1), or on another port (.NET 8 images listen on 8080,
  // not 80). The kubelet probes the pod's IP on the probe's port.
  const probedPort = m.includes('connection refused') ? refusedPort(message) : undefined;
  if (probedPort !== undefined) {
    const said = listenAddresses(logs);
    const onPort = said.filter((a) => a.port === probedPort);
    const loop = onPort.find((a) => isLoopback(a.host));
    if (loop && onPort.every((a) => isLoopback(a.host)))
      return {
        cause: `the program listens on ${loop.host}:${loop.port} only, the loopback interface inside the pod (its log: "${clipLine(loop.line)}"): the kubelet's ${kind} probe, like every client through the Service, connects to the pod's IP, where nothing listens on port ${probedPort}, so the connection is refused and the kubelet ${effect}`,
        advice: `make the program listen on all interfaces (0.0.0.0) instead of ${loop.host} (its host or bind setting, e.g. uvicorn --host 0.0.0.0)`,
        specific: true,
      };
    // Other ports, those on all interfaces first. A start-up banner that prints a loopback host on
    // another port (Immich's `listening on http://[::1]:2283`) still says which port the program took:
    // the probed one is refused whatever the host, so the port is the first thing that does not match.
    const other = said.filter((a) => a.port !== probedPort);
    const elsewhere = [
      ...new Set([...other.filter((a) => !isLoopback(a.host)), ...other].map((a) => a.port)),
    ];
    if (onPort.length === 0 && elsewhere.length > 0) {
      const line = said.find((a) => a.port === elsewhere[0])!.line;
      // Its log names only a loopback address on that port: if it binds only there, nothing outside the
      // pod reaches it on either port (a banner may print the loopback form of an all-interfaces bind).
      const loopOnly = other.filter((a) => a.port === elsewhere[0]).every((a) => isLoopback(a.host));
      const loopNote = loopOnly
        ? `; its log names the loopback address for it, and a program bound to the loopback interface only answers no client outside the pod on any port, so make sure it listens on all interfaces (0.0.0.0) too`
        : '';
      return {
        cause: `the program listens on port ${elsewhere.join(', ')} (its log: "${clipLine(line)}"), not on port ${probedPort}, which the ${kind} probe checks: the connection to ${probedPort} is refused, so the kubelet ${effect}; the probe (and the port the pod declares) does not match the port the program serves${loopNote}`,
        advice: `point the ${kind} probe (and the container port and the Service's targetPort) at port ${elsewhere[0]}, or make the program listen on ${probedPort} again${loopOnly ? ', on all interfaces (0.0.0.0), not the loopback one' : ''}`,
        specific: true,
        listens: { port: elsewhere[0]!, probed: probedPort },
      };
    }
  }
  // Started, or still starting: by the last line of each kind, so a step that "started" on the way (Redis'
  // `pid=1, just started` banner, `MASTER <-> REPLICA sync started`) followed by loading is still a start.
  const STARTED = /\b(started|listening|ready to accept|serving|server running|startup complete)\b/i;
  // Still starting: the usual words, or a schema migration run at start-up (Liquibase's "Updating
  // database", Flyway's "Migrating schema", Rails' and Django's "Running migrations"), which on a
  // large database outlasts a liveness budget of a minute.
  const STARTING =
    /\b(starting|loading|initiali[sz]ing|warming|migrating|booting|compiling|indexing|upgrading|repair steps?|updating (?:the )?database|(?:running|applying|executing) (?:[\w-]{1,40} ){0,2}migrations?|schema (?:update|upgrade|migration)|changesets?)\b/i;
  // Lines a started server logs at its first request (Spring's DispatcherServlet set up lazily) are no start.
  const logLines = logs
    .split('\n')
    .slice(-5000)
    .filter(
      (l) => !/Initializing (?:Spring )?(?:DispatcherServlet|Servlet)\b|Completed initialization in/.test(l),
    );
  const lastOf = (re: RegExp) => logLines.findLastIndex((l) => l.length <= 2000 && re.test(l));
  const started = lastOf(STARTED) > lastOf(STARTING);
  const starting = lastOf(STARTING) >= 0;
  if (kind !== 'readiness' && m.includes('connection refused') && starting && !started) {
    const delay = /delay=(\d+s)/.exec(probe ?? '')?.[1];
    // What it was doing when killed: the last lines of its start-up (an upgrade step, a migration).
    const doing = logs
      .split('\n')
      .map((l) => l.trim())
      .filter(
        (l) =>
          l && l.length <= 2000 && !/\b(stopp(ed|ing)|shutting down|shutdown|SIGTERM|terminated)\b/i.test(l),
      )
      .slice(-2);
    const budget = probeBudget(probe ?? '');
    return {
      cause: `the ${kind} probe starts checking before the program has finished starting (slow start: its log shows it still loading, no "started" line${doing.length ? `, last doing: ${doing.map((l) => `"${clipLine(l)}"`).join(', ')}` : ''}; probe delay ${delay ?? 'short'}), so the kubelet kills it mid-startup and it never comes up${budget ? `; the probe gives it ${budget} to start` : ''}`,
      advice:
        'add a startupProbe (or raise initialDelaySeconds) long enough for startup, so liveness only checks a started program',
      specific: true,
      slowStart: true,
    };
  }
  // An exec probe's output that carries the health endpoint's answer ("readiness probe reporting 503").
  const status = /statuscode: (\d{3})|\b(?:probe )?reporting (\d{3})\b/.exec(m)?.slice(1).find(Boolean);
  // HTTP 400 from a TLS port: the probe speaks plain HTTP to a server that expects HTTPS ("client sent
  // an HTTP request to an HTTPS server"); the probe needs scheme: HTTPS.
  const port = /http-get (https?:\/\/)?[^\s:/]{0,253}:(\d{1,5})/.exec(probe ?? '');
  const tlsPort =
    port &&
    port[1] !== 'https://' &&
    (/^(443|8443|9443|6443)$/.test(port[2]!) ||
      /https|tls handshake|HTTP request to an HTTPS server/i.test(logs));
  if (status === '400' && tlsPort)
    return {
      cause: `the ${kind} probe sends plain HTTP to port ${port[2]}, which serves HTTPS (TLS): the server answers a plain-HTTP request with HTTP 400 ("client sent an HTTP request to an HTTPS server"), so every probe fails and the kubelet ${effect}; the probe's scheme is HTTP where it must be HTTPS`,
      advice: `set scheme: HTTPS on the ${kind} probe's httpGet (port ${port[2]})`,
      specific: true,
    };
  if (status === '400')
    return {
      cause: `the program rejects the ${kind} probe's request as bad (HTTP 400): the probe's request (its scheme, host header or path) is not one the program accepts, so the kubelet ${effect}`,
      advice: `make the ${kind} probe send a request the program accepts (its scheme, path and headers)`,
      specific: true,
    };
  // 401/403: the path now needs credentials (an API key, a login), and the kubelet's probe sends none
  // (httpGet sends only the httpHeaders the probe declares). The probe belongs on a health path the
  // program serves without authentication: one its access log or other probe shows answering, else
  // /healthz, the conventional one (Kubernetes' own components and most servers keep it open).
  if (status === '401' || status === '403') {
    const asked = httpProbeTarget(probe ?? '')?.path ?? '/';
    const management = managementPort(logs, httpProbeTarget(probe ?? '')?.port, asked);
    if (management)
      return {
        cause: `the ${kind} probe asks for ${asked} on port ${management.probed}, which now requires authentication (the program answers it with HTTP ${status} ${status === '401' ? 'Unauthorized' : 'Forbidden'}), and the kubelet's probe sends no credentials, so every probe fails and the kubelet ${effect}; the program serves its actuator (health) endpoints on a separate management port, ${management.port} (its log: "${clipLine(management.line)}"), outside the security that now guards the application's port, and the probe still targets ${management.probed}`,
        advice: `point the ${kind} probe at ${asked} on the management port ${management.port}, where the health endpoints answer without credentials`,
        specific: true,
        healthPath: asked,
        healthPort: management.port,
      };
    const served = servedHealthPath(kind, probe ?? '', logs, container);
    const open = served?.path ?? (asked === '/healthz' ? undefined : '/healthz');
    const authLine = logs
      .split('\n')
      .find(
        (l) =>
          l.length <= 2000 &&
          /\b(?:api[ _-]?key|auth\w{0,12}|token|basic auth|credentials?)\b[^\n]{0,80}\b(?:enabled|required|on)\b/i.test(
            l,
          ),
      );
    return {
      cause: `the ${kind} probe asks for ${asked === '/' ? 'the root path "/"' : asked}, which now requires authentication (the program answers it with HTTP ${status} ${status === '401' ? 'Unauthorized' : 'Forbidden'}${authLine ? `; its log: "${clipLine(authLine.trim())}"` : ''}), and the kubelet's probe sends no credentials, so every probe fails and the kubelet ${effect}; the program itself is fine${served ? `, and ${served.path} answers without credentials: ${served.why}` : ''}`,
      advice: `point the ${kind} probe at a health path the program serves without authentication${open ? ` (${open}${served ? '' : ', the conventional one; check the program serves it'})` : ''}, and keep authentication on the API`,
      specific: true,
      ...(open ? { healthPath: open } : {}),
      ...(open && !served ? { healthPathAssumed: true as const } : {}),
    };
  }
  if (status === '404') {
    const asked = httpProbeTarget(probe ?? '')?.path ?? '/';
    const tomcat = emptyTomcat(logs);
    if (tomcat)
      return {
        cause: `the ${kind} probe asks for ${asked === '/' ? 'the root path "/"' : asked} and Tomcat answers HTTP 404, so the kubelet ${effect}: Tomcat started ("${clipLine(tomcat)}") with no web application deployed (its log shows no "Deploying web application" line), so its webapps directory is empty and every path, / included, is Not Found. The official tomcat images ship an empty webapps: the default applications (ROOT, the manager, the examples) are in webapps.dist instead, for security; an image that relied on them, or on a WAR it no longer holds, serves nothing`,
        advice:
          'deploy the application into webapps (its WAR, or ROOT for /), in the image or a volume; copy webapps.dist to webapps only if the stock pages are what should answer',
        specific: true,
      };
    const framework = frameworkHealth(kind, logs);
    if (framework && framework.path !== asked)
      return {
        cause: `the ${kind} probe asks for ${asked}, a path the program does not serve (HTTP 404): ${framework.why}, so the kubelet ${effect}`,
        advice: `point the ${kind} probe's httpGet path at ${framework.path}`,
        specific: true,
        healthPath: framework.path,
      };
    const served = servedHealthPath(kind, probe ?? '', logs, container);
    if (served)
      return {
        cause: `the ${kind} probe asks for ${asked === '/' ? 'the root path "/"' : asked}, a path the program does not serve (HTTP 404), so the kubelet ${effect}; the program's health endpoint is ${served.path} on the same port: ${served.why}`,
        advice: `point the ${kind} probe's httpGet path at ${served.path}`,
        specific: true,
        healthPath: served.path,
      };
    return {
      cause: `the ${kind} probe asks for ${asked === '/' ? 'the root path "/"' : asked}, a path the program does not serve (HTTP 404), so the kubelet ${effect}`,
      advice: `point the ${kind} probe at the program's health path`,
      specific: true,
    };
  }
  // Vault's and OpenBao's health endpoint says the server's state by its status code
  // (developer.hashicorp.com/vault/api-docs/system/health: 501 not initialized, 503 sealed).
  const vault = httpProbeTarget(probe ?? '')?.path?.startsWith('/v1/sys/health');
  // A Raft follower answers 501 too until it joins its leader: then the join fails, nothing needs init.
  const joining =
    /\bretry[_ ]join\b|\bfailed to (?:retry )?join\b|\bjoin(?:ing)? (?:possible )?raft leader\b/i.test(
      logs.slice(-100_000),
    );
  if (vault && status === '501' && joining)
    return {
      cause: `the ${kind} probe asks ${httpProbeTarget(probe ?? '')?.path}, and the secrets store (Vault or OpenBao) answers HTTP 501: not initialized, because this Raft node has not joined its cluster yet (its log: it tries to join the leader and fails), so the kubelet ${effect}`,
      advice:
        'make the join succeed (the leader address and its TLS settings in retry_join, the leader reachable and unsealed); initializing this node instead would start a second, separate cluster',
      specific: true,
    };
  if (vault && status === '501')
    return {
      cause: `the ${kind} probe asks ${httpProbeTarget(probe ?? '')?.path}, and the secrets store (Vault or OpenBao) answers HTTP 501: not initialized. The storage it opens holds no initialized store: a new volume (an empty PVC) or data never migrated to it, so it waits for \`operator init\` and an unseal before it serves, and the kubelet ${effect}${kind === 'liveness' ? '; a liveness probe on this endpoint restarts it while it waits, so point liveness at a path that answers 200 before initialization (sys/health?uninitcode=200)' : '; the probe is right'}`,
      advice:
        'if the store had data before (a move to a new volume or claim), restore or copy that data onto the volume and unseal with the existing keys; initializing anew (operator init) makes an empty store with new keys, and every secret must then be written again',
      specific: true,
    };
  if (vault && status === '503')
    return {
      cause: `the ${kind} probe asks ${httpProbeTarget(probe ?? '')?.path}, and the secrets store (Vault or OpenBao) answers HTTP 503: sealed. It restarted and waits for its unseal keys (or its auto-unseal through a KMS fails), so the kubelet ${effect}${kind === 'liveness' ? '; and every restart seals it again, so the liveness probe itself keeps it sealed in a restart loop: let liveness accept a sealed store (sys/health?sealedcode=200)' : '; the probe is right'}`,
      advice:
        kind === 'liveness'
          ? 'make the liveness probe accept a sealed store (sys/health?sealedcode=200&uninitcode=200), then unseal it (operator unseal with the key shares, or fix its auto-unseal)'
          : 'unseal it (operator unseal with the key shares, or fix its auto-unseal seal configuration and credentials)',
      specific: true,
    };
  if (status?.startsWith('5')) {
    // The program's own log names the check that fails (a health contributor DOWN, a dependency it
    // cannot reach): that dependency, not the probe, is what to fix.
    const lines = logs.split('\n');
    const down = lines.find((l) =>
      /\b(?:health (?:contributor|check|indicator)|healthcheck)\b[^\n]{0,200}\b(?:DOWN|failed|unhealthy|fail)\b|\bis DOWN\b|\bhealth down status\b|"status":\s?"DOWN"/i.test(
        l.slice(0, 4000),
      ),
    );
    // A Kafka consumer whose messaging health check reports DOWN while its group rebalances: killing it
    // for that makes the group rebalance again.
    const rebalance =
      kind === 'liveness' &&
      lines.some((l) =>
        /undergoing a rebalance|rebalance in progress|is already rebalancing|Preparing to rebalance/i.test(
          l.slice(0, 4000),
        ),
      );
    if (down && rebalance)
      return {
        cause: `the program answers the liveness probe with HTTP ${status}: its health check reports DOWN while its Kafka consumer group is rebalancing ("${clipLine(down)}"), so the kubelet kills and restarts the consumer mid-rebalance, its leaving and rejoining starts another rebalance, and the group never settles`,
        advice:
          'keep the messaging (Kafka) check out of the liveness probe (leave it in readiness), or give the liveness probe a failureThreshold longer than a rebalance; tune the consumer (static membership, cooperative rebalancing) so rebalances are short',
        specific: true,
      };
    const reach = lines.find(
      (l) =>
        l !== down &&
        /connection refused|couldn't connect|could not connect|no route to host|timed out|i\/o timeout|unknown host|no such host/i.test(
          l,
        ),
    );
    const target = reach ? dependencyHost(reach) : undefined;
    // A program that reports itself unhealthy while its data volume is short of space (a repository
    // manager's "node is no longer writable: low disk space on blob store"), when no health check or
    // dependency line names another cause: the space, not the probe.
    const space = lines.find((l) => l.length <= 4000 && DISK_SHORT.test(l));
    if (space && !down && !reach) {
      const said = DISK_SHORT.exec(space)![0];
      return {
        cause: `the program answers the ${kind} probe with HTTP ${status}: it reports itself ${kind === 'readiness' ? 'not ready' : 'unhealthy'} because the volume it stores its data on is short of space (its log: "${clipAround(space.trim(), said, 240)}"), so the kubelet ${effect}; it comes back by itself only when something frees space`,
        advice:
          'free space on the data volume (clean up or compact what it stores) or grow the volume (its PersistentVolumeClaim), and watch its free space; the probe is right',
        specific: true,
      };
    }
    if (down || reach)
      return {
        cause: `the program answers the ${kind} probe with HTTP ${status}: its health endpoint reports a check that fails, so the kubelet ${effect}; the program's log says which: ${[
          down,
          reach,
        ]
          .filter((l): l is string => l !== undefined)
          .map((l) => `"${clipLine(l)}"`)
          .join(', ')}${
          target
            ? reach && /i\/o timeout|timed out/i.test(reach) && !/refused/i.test(reach)
              ? ` — its connections to ${target} time out (no answer at all: the packets are dropped on the way, by a firewall or a policy, or ${target} does not answer), and while it cannot reach it the program reports itself not ready`
              : ` — it cannot reach ${target}, and while that dependency is down the program reports itself not ready`
            : ''
        }`,
        advice: target
          ? reach && /i\/o timeout|timed out/i.test(reach) && !/refused/i.test(reach)
            ? `find where the connections to ${target} are dropped (a NetworkPolicy, the nodes' firewall, ${target} itself), then the check passes on its own`
            : `bring back ${target} (or take that check out of the readiness group if the program can serve without it)`
          : 'fix the failing check the log names (or take it out of the readiness group if the program can serve without it)',
        specific: true,
      };
    // The program's own word on its health ("1/2 addons failed (x); /healthz answers 503 until a sync
    // succeeds") and the failure line just before it: why it reports itself unhealthy.
    const at = lines.findIndex(
      (l) =>
        l.length <= 4000 &&
        HEALTH_WORD.test(l) &&
        HEALTH_FAILING.test(l) &&
        !/\bprobe\b/i.test(l) &&
        // A web server's access-log line for the health request only repeats the symptom.
        !ACCESS_LINE.test(l),
    );
    const own = at >= 0 ? lines[at]! : undefined;
    const before =
      at > 0
        ? lines
            .slice(Math.max(0, at - 4), at)
            .reverse()
            .find(
              (l) => l.length <= 4000 && FAILURE_BEFORE.test(l) && !NO_ERROR.test(l) && !ACCESS_LINE.test(l),
            )
        : undefined;
    const means = before ? logGloss(before) : undefined;
    return {
      cause: `the program answers the ${kind} probe with HTTP ${status}: it reports itself unhealthy, so the kubelet ${effect}${own ? `; its log says why: "${clipAround(own.trim(), HEALTH_FAILING.exec(own)?.[0] ?? '', 240)}"${before ? `, after "${clipAround(before.trim(), FAILURE_BEFORE.exec(before)?.[0] ?? '', 240)}"${means ? ` — ${means}` : ''}` : ''}` : ''}`,
      advice: own
        ? 'fix the failure its log names; the health endpoint reports it and recovers once the program succeeds'
        : 'fix what makes the health endpoint fail (its dependencies, per the logs)',
      specific: true,
    };
  }
  return {
    cause: `the ${kind} probe fails (${message.trim().slice(0, 120)}) — it checks the wrong port or path, so the kubelet ${effect}`,
    advice: `point the ${kind} probe at the port and path the container serves`,
    specific: false,
  };
}

/** A word of a program's own health report (`/healthz`, readiness, liveness, "unhealthy"). */
const HEALTH_WORD = /\b(?:health|healthz|readyz|livez|ready|readiness|liveness|unhealthy)\b/i;
/** What says the health fails: a 5xx given as a status, "unhealthy", "not ready", a failure word. */
const HEALTH_FAILING =
  /\b(?:answers?|returns?|responds?(?: with)?|status(?: code)?[=: ]?|HTTP)\s?5\d\d\b|\bunhealthy\b|\bnot ready\b|\bfail(?:ed|ing|s|ure)?\b/i;
/** A failure line: an error word, or a 4xx/5xx given as a status (`reported 404`, `status code=503`). */
const FAILURE_BEFORE =
  /\b(?:error|unable|cannot|refused|denied|not found|failed|failure)\b|\b(?:status(?: code)?[=: ]?|HTTP\/?[\d.]{0,3}\s|reported )[45]\d\d\b/i;
/** A line that says there was no error. */
const NO_ERROR = /\bno errors?\b|\b0 errors?\b|\bwithout errors?\b|\berrors?=0\b/i;
/** A web server's access-log line (`"GET /healthz HTTP/1.1" 503`). */
const ACCESS_LINE = /"(?:GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) [^"\s]{1,2000} HTTP\/[\d.]{1,3}"/;

/** A log line saying a disk or volume is short of space (not memory: a ring buffer's "space" is not this). */
const DISK_SHORT =
  /\b(?:low disk space|no space left|disk (?:is )?(?:almost )?full|not enough (?:free )?disk space|not enough space (?:left )?on (?:the )?(?:disk|device|volume)|free (?:disk )?space (?:is )?(?:below|under|low))\b/i;

/** Paths programs commonly serve their health checks on. */
const HEALTH_PATH =
  /^\/(?:healthz?|livez|readyz|ready|alive|ping|status|_health|health\/(?:live|ready)(?:ness)?)$/i;

/**
 * Spring Boot's separate management server: with `management.server.port` set, the actuator's endpoints
 * (`/actuator/health`, `/actuator/health/readiness`) are served on that port by a second embedded server,
 * which its log announces as the application's is (`Tomcat started on port(s): 8081 (http)`, Jetty's,
 * Undertow's and Netty's wording alike), and the application's security filters do not cover it
 * (docs.spring.io, Spring Boot, "Customizing the Management Server Port"). The port other than `probed`
 * that the log says a server started on, when the probe asks for an actuator path; undefined otherwise.
 */
export function managementPort(
  logs: string,
  probed: number | string | undefined,
  asked: string,
): { port: number; probed: number; line: string } | undefined {
  if (typeof probed !== 'number' || !asked.startsWith('/actuator')) return undefined;
  // Both servers' start lines: the application's first (on the probed port), then the management server's
  // (Spring Boot starts the management context after the application's). A probe on the second already
  // targets the management server.
  const started: { port: number; line: string }[] = [];
  for (const line of logs.slice(-200_000).split('\n')) {
    if (line.length > 2000) continue;
    const m = /\b(?:Tomcat|Jetty|Undertow|Netty) started on port(?:\(s\))?:? (\d{1,5})\b/.exec(line);
    const port = m ? Number(m[1]) : undefined;
    if (port !== undefined && port > 0 && port < 65536 && !started.some((x) => x.port === port))
      started.push({ port, line: line.trim() });
    if (started.length >= 2) break;
  }
  return started.length === 2 && started[0]!.port === probed ? { ...started[1]!, probed } : undefined;
}

/**
 * Tomcat that started with nothing deployed: its log shows the server's start (`Server startup in …`)
 * and no `Deploying web application` (HostConfig's line for each app it deploys). The official images
 * ship an empty webapps directory and keep the default applications in webapps.dist (docker-library's
 * tomcat image documentation, "webapps.dist"). The start line, or undefined.
 */
export function emptyTomcat(logs: string): string | undefined {
  const lines = logs.slice(-200_000).split('\n');
  const start = lines.find(
    (l) => l.length <= 2000 && /org\.apache\.catalina\.startup\.Catalina\.start Server startup in\b/.test(l),
  );
  if (
    !start ||
    // HostConfig deploys a directory, a WAR or a context descriptor: any of them is an application.
    lines.some(
      (l) => l.includes('Deploying web application') || l.includes('Deploying deployment descriptor'),
    )
  )
    return undefined;
  return start.trim();
}

/**
 * The path a program answers on the port a failing (404) HTTP probe asks: another probe of the same
 * container on that port that passes (a readiness probe of a container Ready now, or a path its access
 * log answers with 200), else a health-like path (`/healthz`, `/health`, `/ready`…) its access log
 * answers with 200. Undefined when neither says.
 */
export function servedHealthPath(
  kind: 'liveness' | 'readiness' | 'startup',
  probe: string,
  logs: string,
  container: { probes: readonly string[]; ready: boolean } | undefined,
): { path: string; why: string } | undefined {
  const asked = httpProbeTarget(probe);
  if (!asked) return undefined;
  // Access-log lines (common log format and its kin): `"GET /healthz HTTP/1.1" 200`.
  const answered = new Map<string, string>();
  for (const line of logs.slice(-200_000).split('\n')) {
    if (line.length > 2000) continue;
    const m = /"(?:GET|HEAD) (\/[\w./-]{0,200}) HTTP\/[\d.]{1,3}" 200\b/.exec(line);
    if (m && !answered.has(m[1]!)) answered.set(m[1]!, line.trim());
  }
  for (const other of container?.probes ?? []) {
    const t = httpProbeTarget(other);
    if (!t || t.port !== asked.port || t.path === asked.path) continue;
    const which = /^\s*(Liveness|Readiness|Startup):/.exec(other)?.[1]?.toLowerCase();
    if (!which || which === kind) continue;
    if (which === 'readiness' && container?.ready)
      return {
        path: t.path,
        why: `the container's readiness probe asks for ${t.path} on that port and passes (the container is Ready)`,
      };
    const line = answered.get(t.path);
    if (line)
      return {
        path: t.path,
        why: `the container's ${which} probe asks for ${t.path}, which its access log answers with 200 ("${clipLine(line)}")`,
      };
  }
  for (const [path, line] of answered)
    if (path !== asked.path && HEALTH_PATH.test(path))
      return { path, why: `its access log answers ${path} with 200 ("${clipLine(line)}")` };
  return undefined;
}

/**
 * Where a well-known framework serves its health checks, from the program's own start-up lines:
 * Spring Boot 2 and later under the actuator, /actuator/health (1.x served /health; Spring Boot's
 * reference, "Production-ready Features", Endpoints), and Quarkus' SmallRye Health under /q/health
 * (/q/health/live, /q/health/ready, /q/health/started since Quarkus 1.11, /health before; Quarkus'
 * "SmallRye Health" guide). Undefined when the logs name neither.
 */
export function frameworkHealth(
  kind: 'liveness' | 'readiness' | 'startup',
  logs: string,
): { path: string; why: string } | undefined {
  const text = logs.slice(-200_000);
  const boot = /Spring Boot[ :]{0,20}\(?v(\d{1,2})\.(\d{1,3})/.exec(text);
  if (boot && Number(boot[1]) >= 2)
    return {
      path: '/actuator/health',
      why: `the program runs Spring Boot ${boot[1]}.${boot[2]}, which serves its health endpoint under the actuator at /actuator/health (Spring Boot 1.x served /health)`,
    };
  const quarkus = /powered by Quarkus (\d{1,2})\.(\d{1,3})/.exec(text);
  if (quarkus) {
    const path =
      kind === 'liveness' ? '/q/health/live' : kind === 'readiness' ? '/q/health/ready' : '/q/health/started';
    return {
      path,
      why: `the program runs Quarkus ${quarkus[1]}.${quarkus[2]}, whose SmallRye Health serves ${kind} checks at ${path} (under /q since Quarkus 1.11; /health before)`,
    };
  }
  return undefined;
}

/** The same HTTP probe on another port (`port`), keeping its path, scheme and timing; undefined for a non-HTTP probe. */
export function httpProbeOnPort(probeLine: string, port: number): Record<string, unknown> | undefined {
  const http = httpProbeTarget(probeLine);
  if (!http) return undefined;
  return {
    httpGet: { port, path: http.path, ...(http.https ? { scheme: 'HTTPS' } : {}) },
    ...probeTiming(probeLine).spec,
  };
}

/**
 * The probe a `describe_pod` probe line describes (`http-get :8080/health delay=30s timeout=1s
 * period=10s #success=1 #failure=3`), with its httpGet path replaced and its timing kept. Undefined
 * when the line is not an HTTP probe.
 */
export function httpProbeWithPath(probeLine: string, path: string): Record<string, unknown> | undefined {
  const http = httpProbeTarget(probeLine);
  if (!http) return undefined;
  return {
    httpGet: { port: http.port, path, ...(http.https ? { scheme: 'HTTPS' } : {}) },
    ...probeTiming(probeLine).spec,
  };
}

/** kubectl's probe fields and the probe spec's field each one gives. */
const TIMING_FIELDS = [
  ['delay', 'initialDelaySeconds', 's'],
  ['timeout', 'timeoutSeconds', 's'],
  ['period', 'periodSeconds', 's'],
  ['#success', 'successThreshold', ''],
  ['#failure', 'failureThreshold', ''],
] as const;

/**
 * A probe's timing from the line `describe_pod` prints (`http-get :8080/health delay=30s timeout=1s
 * period=10s #success=1 #failure=3`), as the probe spec's fields (`initialDelaySeconds`, `timeoutSeconds`,
 * `periodSeconds`, `successThreshold`, `failureThreshold`). Only kubectl's own fields count, each after a
 * space (a `period=` in the URL's query string is not one); a field that is there but not in whole
 * seconds (`delay=2m`), or not a count, is left out of `spec` and named in `unreadable`.
 */
export function probeTiming(probeLine: string): {
  spec: Partial<Record<(typeof TIMING_FIELDS)[number][1], number>>;
  unreadable: string[];
} {
  const line = probeLine.slice(0, 2000);
  const spec: Partial<Record<(typeof TIMING_FIELDS)[number][1], number>> = {};
  const unreadable: string[] = [];
  for (const [name, key, unit] of TIMING_FIELDS) {
    const value = new RegExp(`(?:^|\\s)${name}=(\\S{1,20})`).exec(line)?.[1];
    if (value === undefined) continue;
    const n = new RegExp(`^(\\d{1,6})${unit}$`).exec(value)?.[1];
    if (n === undefined) unreadable.push(name);
    else spec[key] = Number(n);
  }
  return { spec, unreadable };
}

/**
 * The target of an HTTP probe as `describe_pod` prints it (`http-get http://host:port/path`, scheme and
 * host often left out): its port, a number or a container port's name (`:http/health`, an
 * IANA_SVC_NAME of at most 15 characters), its path (`/` when none) and whether it is HTTPS.
 * Undefined when the line is not an HTTP probe.
 */
export function httpProbeTarget(
  probeLine: string,
): { port: number | string; path: string; https: boolean } | undefined {
  const m = /http-get (https?:\/\/)?[^\s:/]{0,253}:(\d{1,5}|[a-z][a-z0-9-]{0,14})(\/\S{0,2000})?/.exec(
    probeLine,
  );
  if (!m) return undefined;
  return { port: /^\d/.test(m[2]!) ? Number(m[2]) : m[2]!, path: m[3] ?? '/', https: m[1] === 'https://' };
}

/**
 * A startupProbe with the liveness probe's own check (as `describe_pod` prints it: `http-get
 * :8080/path`, `tcp-socket :5432`, `exec [cmd args]`), allowing 30 checks 10 s apart, the five
 * minutes of start-up kubernetes.io's "Configure Liveness, Readiness and Startup Probes" uses as its
 * example. Undefined when the line cannot be read.
 */
export function startupProbeLike(probeLine: string): Record<string, unknown> | undefined {
  const timing = { periodSeconds: 10, failureThreshold: 30 };
  const http = httpProbeTarget(probeLine);
  if (http)
    return {
      httpGet: { port: http.port, path: http.path, ...(http.https ? { scheme: 'HTTPS' } : {}) },
      ...timing,
    };
  const tcp = /tcp-socket [^\s:]{0,253}:(\d{1,5})/.exec(probeLine);
  if (tcp) return { tcpSocket: { port: Number(tcp[1]) }, ...timing };
  const exec = /exec \[([^\]]{1,400})\]/.exec(probeLine);
  if (exec) return { exec: { command: exec[1]!.split(' ').filter(Boolean) }, ...timing };
  return undefined;
}

/** The `set_probe` fix for one probe of a deployment's container, as a finding carries it. */
export function setProbeFix(
  namespace: string,
  deployment: string,
  container: string,
  probe: 'liveness' | 'readiness' | 'startup',
  spec: Record<string, unknown>,
  text: string,
): { tool: string; args: Record<string, unknown>; text: string } {
  return { tool: 'set_probe', args: { namespace, deployment, container, probe, spec }, text };
}

/**
 * How long the program takes to answer the probe's path, from its own access log: the slowest of the
 * lines that name the path with a duration (`"GET /health/ready HTTP/1.1" 200 41 … 1412ms`, `… 1.41s`,
 * or a structured log's field with its unit in its name, `"durationMs":1412`),
 * in seconds. Undefined when the log shows none. Plain string search for the path, bounded patterns
 * for the duration.
 */
const DURATION_KEY = '(?:duration|latency|elapsed|took|response_?time|responseTime|request_?time)';
const FIELD_MS = new RegExp(
  `"${DURATION_KEY}(?:_?ms|Ms|_millis|Millis)"\\s?:\\s?(\\d{1,7}(?:\\.\\d{1,6})?)`,
  'i',
);
const FIELD_S = new RegExp(
  `"${DURATION_KEY}(?:_s|_sec|_seconds|Seconds)"\\s?:\\s?(\\d{1,6}(?:\\.\\d{1,6})?)`,
  'i',
);

export function probePathLatency(path: string, logs: string): number | undefined {
  let slowest: number | undefined;
  for (const line of logs.split('\n')) {
    const at = line.indexOf(`${path} `);
    if (at < 0 || line.length > 2000) continue;
    const rest = line.slice(at + path.length);
    // A structured log gives the unit in the field's name: "durationMs":1388, "latency_seconds":1.4.
    const fieldMs = FIELD_MS.exec(rest);
    const fieldS = fieldMs ? undefined : FIELD_S.exec(rest);
    const ms = fieldMs ?? (fieldS ? undefined : /(?<![\d.])(\d{1,7})\s?ms\b/.exec(rest));
    const sec = ms ? undefined : (fieldS ?? /(?<![\d.])(\d{1,4}\.\d{1,6})\s?s\b/.exec(rest));
    const v = ms ? Number(ms[1]) / 1000 : sec ? Number(sec[1]) : undefined;
    if (v !== undefined && (slowest === undefined || v > slowest)) slowest = v;
  }
  return slowest;
}

/**
 * A health check that waits on a dependency, as the program logs it: `health: check "database" took
 * 2412ms`, `health check redis slow: 1.8 s`. The line, or undefined. Only lines that name a health
 * check and a duration of at least one second count; bounded patterns, the last 5,000 lines.
 */
export function dependencyHealthCheck(logs: string): string | undefined {
  for (const line of logs.split('\n').slice(-5000)) {
    if (line.length > 2000 || !/\bhealth ?(?:check)?\b/i.test(line)) continue;
    const check =
      /\bcheck:? "?([a-z][\w.-]{0,62})"? (?:took|slow|timed out after|exceeded)\D{0,20}(\d{1,7}(?:\.\d{1,3})?) ?(ms|s)\b/i.exec(
        line,
      );
    if (!check) continue;
    const seconds = Number(check[2]) / (check[3]!.toLowerCase() === 'ms' ? 1000 : 1);
    if (seconds >= 1) return line.trim();
  }
  return undefined;
}

/**
 * The slowest request a program's access log reports (`GET /v1/listings?page=2 200 1870ms`, `… in
 * 1.9s`), in seconds; undefined when no line says. At most the last 5,000 lines are read.
 */
export function slowestRequest(logs: string): number | undefined {
  let slowest: number | undefined;
  for (const line of logs.split('\n').slice(-5000)) {
    if (line.length > 2000) continue;
    const m =
      /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD) \/\S{0,500} [^\n]{0,60}?(?<![\d.])(\d{1,7})\s?ms\b|\b(?:GET|POST|PUT|PATCH|DELETE|HEAD) \/\S{0,500} [^\n]{0,60}?(?<![\d.])(\d{1,4}\.\d{1,6})\s?s\b/.exec(
        line,
      );
    const v = m ? (m[1] !== undefined ? Number(m[1]) / 1000 : Number(m[2])) : undefined;
    if (v !== undefined && (slowest === undefined || v > slowest)) slowest = v;
  }
  return slowest;
}

/** Whether a pod description shows a probe timing out (the kubelet's `Unhealthy` message). */
export function probeTimedOut(describe: string): boolean {
  return describe
    .split('\n')
    .some(
      (l) =>
        /probe failed/i.test(l) &&
        (l.includes('deadline exceeded') || l.includes('Timeout exceeded') || l.includes('timed out')),
    );
}

/** Port variables a program reads without its own prefix: the common `PORT`, Spring Boot's `SERVER_PORT`. */
const UNPREFIXED_PORT = ['PORT', 'SERVER_PORT', 'HTTP_PORT', 'LISTEN_PORT'] as const;

/** First words of images that are a language runtime or a base system, not a program with its own settings. */
const RUNTIME_IMAGES = new Set([
  'NODE',
  'PYTHON',
  'PYPY',
  'GOLANG',
  'RUBY',
  'PHP',
  'OPENJDK',
  'JAVA',
  'ECLIPSE',
  'AMAZONCORRETTO',
  'DOTNET',
  'ASPNET',
  'DENO',
  'BUN',
  'ALPINE',
  'DEBIAN',
  'UBUNTU',
  'BUSYBOX',
  'DISTROLESS',
  'STATIC',
  'BASE',
  'SCRATCH',
  'PERL',
  'ERLANG',
  'ELIXIR',
  'RUST',
  'GCC',
  'CENTOS',
  'FEDORA',
  'ROCKYLINUX',
  'ALMALINUX',
  'UBI',
  'NGINX',
  'HTTPD',
]);

/**
 * The variable a program takes its listening port from, read from its container's section of
 * `describe_pod`: a variable already set for it (`PORT`, or `<PREFIX>PORT`, `<PREFIX>HTTP_PORT`,
 * `<PREFIX>SERVER_PORT`, `<PREFIX>LISTEN_PORT`), else `<PREFIX>PORT` when the program's own prefix shows:
 * the first word of its image's name (`ghcr.io/immich-app/immich-server:v1.118.2` → `IMMICH_`) carried by
 * at least one of its variables (`IMMICH_LOG_LEVEL`). Programs configured by prefixed variables read their
 * port the same way (Immich's `IMMICH_PORT`, Grafana's `GF_SERVER_HTTP_PORT` aside, which names its
 * section). Undefined when neither shows: no variable is guessed.
 */
export function portVariable(body: string): { name: string; value?: string } | undefined {
  const vars = envOf(body.slice(0, 40_000), true);
  // A port variable already set: bare (`PORT`), or a framework's unprefixed one (Spring's `SERVER_PORT`).
  const bare = UNPREFIXED_PORT.map((n) => vars.find((v) => v.name === n)).find((v) => v !== undefined);
  if (bare) return bare;
  const image = /^\s{0,12}Image:\s{1,40}(\S{1,500})$/m.exec(body.slice(0, 40_000))?.[1] ?? '';
  // The repository's last segment without its tag or digest (`immich-server`), and its first word.
  const repo =
    image
      .split('@')[0]!
      .replace(/:[^/:]{0,128}$/, '')
      .split('/')
      .pop() ?? '';
  const word = /^[a-z][a-z0-9]{2,30}/i.exec(repo)?.[0]?.toUpperCase();
  // A language runtime's or a base system's image names no program (`node:20`, whose NODE_ENV is Node's own).
  if (!word || RUNTIME_IMAGES.has(word)) return undefined;
  const prefix = `${word}_`;
  if (!vars.some((v) => v.name.startsWith(prefix))) return undefined;
  const set = vars.find((v) =>
    ['PORT', 'HTTP_PORT', 'SERVER_PORT', 'LISTEN_PORT'].some((k) => v.name === `${prefix}${k}`),
  );
  return set ?? { name: `${prefix}PORT` };
}

/** The port a refused probe connected to (`dial tcp 10.244.0.12:8000: connect: connection refused`). */
export function refusedPort(message: string): number | undefined {
  const m =
    /dial tcp \S{0,300}?:(\d{1,5}): connect/.exec(message) ??
    /https?:\/\/[^\s/:]{0,253}:(\d{1,5})\//.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** Whether a listen host is the loopback interface (127.0.0.0/8, localhost, ::1). */
export function isLoopback(host: string): boolean {
  return /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]|::1)$/i.test(host);
}

const LISTEN_WORDS = [
  'listening',
  'listen on',
  'listens on',
  'running on',
  'serving on',
  'bound to',
  'started on',
];

/**
 * Where a program says it listens, from its start-up lines: `Now listening on: http://[::]:8080`
 * (ASP.NET Core), `Uvicorn running on http://127.0.0.1:8000`, `Listening at: http://0.0.0.0:8000`
 * (gunicorn), `listening on :8080`, `"msg":"server listening","port":3000`. The host is empty when
 * the line names only a port (all interfaces, for most servers).
 */
export function listenAddresses(logs: string): { host: string; port: number; line: string }[] {
  const out: { host: string; port: number; line: string }[] = [];
  for (const line of linesWithin(logs.slice(-200_000), LISTEN_WORDS)) {
    let found = false;
    for (const a of line.matchAll(
      // A bare `:port` only where a value starts (not a JSON key's `"level":30`), a host anywhere.
      /(?:(?:^|[\s=(,]|[=:] ?["'])|(?:^|[\s="'(,]|\/\/)(\[[0-9A-Fa-f:.]{0,45}\]|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\*)):(\d{2,5})(?![\d.:])/g,
    )) {
      out.push({ host: a[1] ?? '', port: Number(a[2]), line });
      found = true;
    }
    const port = found ? undefined : /\bport\W{0,3}(\d{2,5})\b/i.exec(line)?.[1];
    if (port) out.push({ host: '', port: Number(port), line });
    if (out.length >= 20) break;
  }
  return out;
}

function linesWithin(text: string, words: readonly string[]): string[] {
  return text.split('\n').filter((l) => {
    const t = l.toLowerCase();
    return words.some((w) => t.includes(w));
  });
}

function clipLine(line: string): string {
  const t = line.trim().replace(/\s+/g, ' ');
  return t.length <= 120 ? t : `${t.slice(0, 119)}…`;
}

/** Whether a pod's description shows a probe refused (nothing listens where it connects). */
export function probeRefused(describe: string): boolean {
  return describe.split('\n').some((l) => /probe failed/i.test(l) && l.includes('connection refused'));
}

/** The host (and port) a connection failure line names, e.g. `smtp-relay.messaging.svc.cluster.local, 25` or `db:5432`. */
function dependencyHost(line: string): string | undefined {
  const m =
    /host, port: ([a-z0-9][a-z0-9.-]{0,252}), (\d{1,5})/i.exec(line) ??
    /\b([a-z][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,6}):(\d{1,5})\b/i.exec(line);
  if (!m) return undefined;
  return `${m[1]}:${m[2]}`;
}

/**
 * How long a probe lets a container fail before the kubelet acts, from kubectl's probe line
 * (`http-get :8080/ready delay=0s timeout=1s period=20s #success=1 #failure=30`): initialDelaySeconds
 * plus failureThreshold × periodSeconds (kubernetes.io, "Configure Liveness, Readiness and Startup
 * Probes": a startup probe allows failureThreshold × periodSeconds). Undefined without a period and a
 * failure count.
 */
export function probeBudget(probe: string): string | undefined {
  const { spec, unreadable } = probeTiming(probe);
  const period = spec.periodSeconds;
  const failures = spec.failureThreshold;
  // A field that is there but not in whole seconds (`delay=2m`) leaves the budget unknown.
  if (period === undefined || failures === undefined || unreadable.includes('delay')) return undefined;
  const delay = spec.initialDelaySeconds ?? 0;
  const total = delay + Number(failures) * Number(period);
  const minutes = total >= 120 && total % 60 === 0 ? ` (${total / 60} minutes)` : '';
  return `${delay > 0 ? `${delay} s of delay plus ` : ''}failureThreshold ${failures} × periodSeconds ${period} s = ${total} s${minutes}`;
}

/**
 * The log of a pod whose HTTP probe on a Spring Boot actuator path is refused (401 or 403): it says whether
 * the program runs a separate management server (see `managementPort`), which the probe's fix depends on.
 * Reads only; the probe signature makes the finding.
 */
export const actuatorProbeLogAnalyzer: Analyzer = {
  name: 'actuator-probe-log',
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const text = d.content.slice(0, 200_000);
      if (
        !/probe failed with statuscode: 40[13]\b/.test(text) ||
        !/http-get \S{0,300}:\d{1,5}\/actuator\//.test(text)
      )
        continue;
      reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: String(d.args['name'] ?? '') } });
      if (reads.length >= 2) break;
    }
    return unmadeReads(ctx.seen, reads);
  },
  finds: () => [],
};

/**
 * The log line of a request for `path` answered with a server error (`"GET /__heartbeat__ HTTP/1.1" 500`),
 * the last one, when the log shows one; undefined otherwise. At most the last 5,000 lines are read.
 */
export function probedPathFailing(logs: string, path: string): string | undefined {
  const lines = logs.split('\n').slice(-5000);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.length > 2000) continue;
    const at = l.indexOf(`GET ${path}`);
    if (at < 0 || !/[\s?"]/.test(l[at + 4 + path.length] ?? ' ')) continue;
    if (/(?:"|\s)5\d\d(?:\s|$)/.test(l.slice(at + 4 + path.length))) return l.trim();
  }
  return undefined;
}
