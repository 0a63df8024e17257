import { parseDuration } from '../duration.js';
import { parseQuantity } from '../quantity.js';
import type { Container, ContainerState, ContainerStatus, Pod } from '../types.js';
import type { LogLines } from './log-lines.js';
import { isoAt } from './names.js';
import { killsAfter, type ProbeVerdict, probeTiming, probeVerdict, readyAfter } from './probes.js';
import type { ApiCall } from './rbac.js';
import { bindError, nonRootRefusal, writeError } from './security-context.js';
import type { Behavior, ConfigOverride, ContainerFacts, PodFacts } from './world-schema.js';

/** The kubelet's crash back-off: 10s, doubling per restart, capped at five minutes. */
export function backoffSeconds(restarts: number): number {
  return Math.min(10 * 2 ** Math.max(0, restarts - 1), 300);
}

/** Where a container that fails `failAfter` seconds after each start is, `elapsed` seconds after the first. */
export function crashCycle(
  elapsed: number,
  failAfter: number,
): { terminations: number; inBackoff: boolean; lastEnd: number; backoff: number; start: number } {
  let start = 0;
  let n = 0;
  let lastEnd = 0;
  for (;;) {
    const end = start + failAfter;
    if (elapsed < end)
      return { terminations: n, inBackoff: false, lastEnd, backoff: backoffSeconds(n), start };
    n++;
    lastEnd = end;
    const b = backoffSeconds(n);
    if (elapsed < end + b) return { terminations: n, inBackoff: true, lastEnd, backoff: b, start };
    start = end + b;
    if (b === 300) {
      // Steady state: one start, one failure and five minutes of back-off per period.
      const period = failAfter + 300;
      const k = Math.floor((elapsed - start) / period);
      if (k > 0) {
        start += k * period;
        n += k;
        lastEnd = start - 300;
      }
    }
  }
}

function showBackoff(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/** What the simulator knows about a pod besides its manifest. */
export interface PodRuntime {
  /** Logical seconds (relative to the world's start) the pod was created at; negative for older pods. */
  createdAt: number;
  facts?: PodFacts;
  behaviors: Record<string, Behavior>;
  ip: string;
}

/** What the rest of the world looks like to one pod. */
export interface PodWorld {
  readonly t0: number;
  readonly registry?: {
    images?: readonly string[];
    denied?: readonly string[];
    platforms?: Readonly<Record<string, readonly string[]>>;
  };
  /** A node's labels (kubernetes.io/arch says its architecture), or undefined when it does not exist. */
  nodeLabels?(node: string): Readonly<Record<string, string>> | undefined;
  /** Data keys of a ConfigMap or Secret, or undefined when it does not exist. */
  keysOf(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): readonly string[] | undefined;
  /**
   * The text of one key of a ConfigMap or Secret (a Secret's `data` base64-decoded), or undefined when
   * the object or the key does not exist.
   */
  valueOf?(
    kind: 'ConfigMap' | 'Secret',
    namespace: string,
    name: string,
    key: string,
    /** `env`: as an env var reads it, from a ConfigMap's `data` only (its `binaryData` is not given to env). */
    use?: 'env' | 'file',
  ): string | undefined;
  exists(kind: string, namespace: string, name: string): boolean;
  /**
   * Why a connection the program makes fails (NetworkPolicy drops it, the Service has no ready
   * backends, the name does not resolve), as the client library reports it; undefined when it works.
   */
  reach?(
    pod: Pod,
    to: { service: string; namespace: string; port: number; protocol: string },
  ): string | undefined;
  /** The API server's Forbidden message when the pod's ServiceAccount may not make the call. */
  forbidden?(pod: Pod, call: ApiCall): string | undefined;
  /** The spec of the PersistentVolume a claim of the namespace is bound to, or undefined. */
  claimVolume?(namespace: string, claim: string): Record<string, unknown> | undefined;
  /** A node's `status.nodeInfo.containerRuntimeVersion` (`containerd://1.7.24`), or undefined. */
  nodeRuntime?(node: string): string | undefined;
  /**
   * For an image whose pulls take time (`registry.pulls`), on the pod's node: `end`, the logical second
   * the pull its container waits for ends (the node holds the image from then; -Infinity when it held
   * it already), and the image's size in bytes. Undefined for other images and unscheduled pods.
   */
  imagePull?(pod: Pod, image: string): { end: number; size?: number | undefined } | undefined;
}

/** An event the simulator derives from a pod's state. */
export interface DerivedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count: number;
  first: number;
  last: number;
  fieldPath?: string;
  source: string;
}

type Cycle = {
  kind: 'cycle';
  reason: string;
  exitCode: number;
  failAfter: number;
  currentLogs: LogLines;
  previousLogs: LogLines;
  oom: boolean;
  /** It fails while starting (a missing command or variable, a refused bind or write), so nothing of it listens. */
  atStart?: true;
  /** The probe that kills each instance. */
  probe?: {
    kind: 'Liveness' | 'Startup';
    message: string;
    errored: boolean;
    failureThreshold: number;
    period: number;
    /**
     * Seconds after each instance starts when it becomes Ready until the probe kills it (a liveness
     * kill leaves the container Ready in between, so the outage flaps); undefined when it never does.
     */
    readyAfter?: number | undefined;
  };
};
/** A readiness probe that fails: for the whole life of the container, or until the program is up. */
type Readiness = { message: string; errored: boolean; period: number; delay: number; readyAt: number | null };
type Mode =
  | { kind: 'healthy'; ready: boolean; readiness?: Readiness; logs: LogLines; waiting?: boolean }
  | {
      kind: 'waiting';
      reason: string;
      message: string;
      events: Omit<DerivedEvent, 'first' | 'last' | 'count' | 'source'>[];
      pull?: boolean;
    }
  | Cycle;

/** The evaluated state of one container. */
export interface ContainerOutcome {
  status: ContainerStatus;
  running: boolean;
  /** Log lines, or the text of the error a log read gets (a waiting container, no previous instance). */
  logs: { current: LogLines | string; previous: LogLines | string };
  usage?: { cpu: number; memory: number };
  oomKills: number;
  /** Running, but still waiting on a connection that fails (an init container does not finish). */
  waiting?: boolean;
  /** When it became ready (logical seconds), when that was later than its start (a readiness warm-up). */
  readySince?: number;
  /** The program runs as it started (not waiting to start, not crash-looping): it read its configuration then. */
  steady?: true;
  /**
   * The ports its program listens on, when its behaviour says (`listenPorts`, the ports of `http`,
   * under its configuration as read now); undefined when it does not say.
   */
  listening?: ReadonlySet<number>;
}

/** The evaluated state of a pod at one instant. */
export interface PodOutcome {
  status: NonNullable<Pod['status']>;
  containers: Map<string, ContainerOutcome>;
  events: DerivedEvent[];
  /** What the evaluation read of the clock: whether the same inputs give this outcome at another instant. */
  readings: ClockReadings;
}

/**
 * What one evaluation read of the clock: each value it derived from the instant, as a function of the
 * instant and the value it gave then. At a later instant the same inputs give the same outcome when
 * every reading gives the same value again (`holdAt`). An outcome that printed the instant itself (a
 * declared state's `ago`) or asked about other objects (connections, API calls) is pinned: it holds
 * at no other instant.
 */
export class ClockReadings {
  readonly now: number;
  readonly #reads: ((now: number) => unknown)[] = [];
  readonly #values: unknown[] = [];
  #pinned = false;

  constructor(now: number) {
    this.now = now;
  }

  /** `f` at this instant, remembered. */
  read<T>(f: (now: number) => T): T {
    const value = f(this.now);
    this.#reads.push(f);
    this.#values.push(value);
    return value;
  }

  /** The outcome depends on more than the readings. */
  pin(): void {
    this.#pinned = true;
  }

  /** Whether every reading gives the same value at `now`. */
  holdAt(now: number): boolean {
    if (this.#pinned) return false;
    for (let i = 0; i < this.#reads.length; i++)
      if (!sameReading(this.#reads[i]!(now), this.#values[i])) return false;
    return true;
  }
}

/** Two readings alike: the same primitive, or objects with the same own values (a crash cycle). */
function sameReading(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka)
    if (!Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * An image reference in its full form, as the container runtime resolves it (the rules of the
 * distribution project's reference grammar): a first path component that has a `.` or `:` or is
 * `localhost` is a registry host, otherwise the host is `docker.io` and a one-component name is
 * under `library/`; no tag and no digest means the tag `latest`. So `nginx`, `nginx:latest` and
 * `docker.io/library/nginx:latest` are the same image, and `nginx:1.27` is a different one.
 */
export function normalizeImage(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at) : '';
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > slash;
  const repo = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon) : digest ? '' : ':latest';
  const first = repo.split('/', 1)[0]!;
  const hasHost = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasHost ? repo : repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
  return `${full}${tag}${digest}`;
}

/** Whether the registry has the image; a registry entry without a tag is its `latest` tag. */
function imageExists(image: string, registry: PodWorld['registry']): boolean {
  if (!registry?.images) return true;
  const wanted = normalizeImage(image);
  return registry.images.some((entry) => normalizeImage(entry) === wanted);
}

function limitOf(c: Container, resource: 'memory' | 'cpu'): number | undefined {
  return parseQuantity(c.resources?.limits?.[resource]);
}

function modeOf(c: Container, b: Behavior, pod: Pod, world: PodWorld, ip: string): Mode {
  const ns = pod.metadata.namespace ?? 'default';
  const image = c.image ?? '';
  const full = normalizeImage(image);
  const denied = world.registry?.denied?.find(
    (prefix) => image.startsWith(prefix) || full.startsWith(prefix),
  );
  const hasPullSecret = (pod.spec.imagePullSecrets ?? []).some((s) => world.exists('Secret', ns, s.name));
  if (denied && !hasPullSecret) {
    const message = `Failed to pull image "${image}": failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
    return pullFailure(image, message);
  }
  if (!imageExists(image, world.registry)) {
    const message = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
    return pullFailure(image, message);
  }
  // An image built for other platforms than the node's (containerd's words for a manifest list without it).
  const platforms = Object.entries(world.registry?.platforms ?? {}).find(
    ([entry]) => normalizeImage(entry) === full,
  )?.[1];
  if (platforms && pod.spec.nodeName) {
    const labels = world.nodeLabels?.(pod.spec.nodeName);
    const platform = `${labels?.['kubernetes.io/os'] ?? 'linux'}/${labels?.['kubernetes.io/arch'] ?? 'amd64'}`;
    if (!platforms.includes(platform)) {
      const message = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": no match for platform in manifest: not found`;
      return pullFailure(image, message);
    }
  }
  for (const env of c.env ?? []) {
    const ref = env.valueFrom?.configMapKeyRef ?? env.valueFrom?.secretKeyRef;
    if (!ref || ref.optional) continue;
    const kind = env.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
    const keys = world.keysOf(kind, ns, ref.name);
    const message =
      keys === undefined
        ? `${kind.toLowerCase()} "${ref.name}" not found`
        : keys.includes(ref.key)
          ? undefined
          : `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`;
    if (message) return configError(message);
  }
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref || ref.optional) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    if (world.keysOf(kind, ns, ref.name) === undefined)
      return configError(`${kind.toLowerCase()} "${ref.name}" not found`);
  }
  const refusal = nonRootRefusal(c, pod, b.user);
  if (refusal) return configError(refusal);
  const command = c.command?.[0];
  if (command && b.executables && !b.executables.includes(command)) {
    return atStart(cycle('Error', 127, 1, [`/bin/sh: 1: ${command}: not found`]));
  }
  for (const req of b.requiredEnv ?? []) {
    const spec = typeof req === 'string' ? { name: req } : req;
    if (!hasEnv(c, spec.name, ns, world)) {
      const lines = spec.logs ?? [`Error: required environment variable ${spec.name} is not set`];
      return atStart(cycle('Error', spec.exitCode ?? 1, parseDuration(b.failAfter) ?? 2, lines));
    }
  }
  // The ports it binds, lowest first: a port below the unprivileged start needs CAP_NET_BIND_SERVICE.
  const binds = [...new Set([...(b.listenPorts ?? []), ...(b.http ?? []).map((h) => h.port)])].sort(
    (x, y) => x - y,
  );
  if (binds.length && binds[0]! < 1024) {
    const runtime = pod.spec.nodeName ? world.nodeRuntime?.(pod.spec.nodeName) : undefined;
    for (const port of binds) {
      const e = bindError(c, pod, b.user, port, runtime);
      if (!e) continue;
      const lines = (b.bindError?.logs ?? ['listen tcp :{port}: bind: {error}']).map((l) =>
        l
          .replaceAll('{port}', String(port))
          .replaceAll('{error}', e.error)
          .replaceAll('{strerror}', e.strerror)
          .replaceAll('{errno}', e.errno),
      );
      return atStart(
        cycle('Error', b.bindError?.exitCode ?? 1, parseDuration(b.failAfter) ?? 2, [
          ...(b.logs ?? []),
          ...lines,
        ]),
      );
    }
  }
  // What the program's connections and API calls meet, from NetworkPolicy and RBAC in the world.
  const extra: string[] = [];
  const failures: { lines: string[]; exitCode?: number | undefined; slow: boolean }[] = [];
  const fill = (lines: readonly string[] | undefined, fallback: string, error: string) =>
    (lines ?? [fallback]).map((l) => l.replaceAll('{error}', error));
  for (const d of b.dependencies ?? []) {
    const target = {
      service: d.service,
      namespace: d.namespace ?? ns,
      port: d.port,
      protocol: d.protocol ?? 'TCP',
    };
    const error = world.reach?.(pod, target);
    if (error === undefined) continue;
    const lines = fill(
      d.logs,
      `error connecting to ${target.service}.${target.namespace}:${target.port}: {error}`,
      error,
    );
    failures.push({ lines, exitCode: d.exitCode, slow: error.includes('timeout') });
  }
  for (const w of b.writes ?? []) {
    const e = writeError(c, pod, b.user, w.path, w.owner, (claim) => world.claimVolume?.(ns, claim));
    if (!e) continue;
    const lines = (w.logs ?? ['open {path}: {error}']).map((l) =>
      l
        .replaceAll('{path}', w.path)
        .replaceAll('{error}', e.error)
        .replaceAll('{strerror}', e.strerror)
        .replaceAll('{errno}', e.errno),
    );
    failures.push({ lines, exitCode: w.exitCode, slow: false });
  }
  for (const call of b.apiCalls ?? []) {
    const error = world.forbidden?.(pod, call);
    if (error === undefined) continue;
    failures.push({ lines: fill(call.logs, '{error}', error), exitCode: call.exitCode, slow: false });
  }
  const fatal = failures.find((f) => f.exitCode !== undefined);
  if (fatal) {
    const lines: LogLines = [...(b.logs ?? []), ...failures.flatMap((f) => f.lines)];
    return atStart(
      cycle('Error', fatal.exitCode ?? 1, parseDuration(b.failAfter) ?? (fatal.slow ? 30 : 2), lines),
    );
  }
  for (const f of failures) extra.push(...f.lines);
  const logs: LogLines = extra.length ? [...(b.logs ?? []), ...extra] : (b.logs ?? []);
  if (b.crash) {
    return cycle(
      b.crash.reason ?? (b.crash.exitCode === 0 ? 'Completed' : 'Error'),
      b.crash.exitCode,
      parseDuration(b.failAfter) ?? 3,
      b.crash.logs,
    );
  }
  const need = parseQuantity(b.memory?.need);
  const limit = limitOf(c, 'memory');
  if (need !== undefined && limit !== undefined && need > limit) {
    const logs = b.logs ?? [];
    return {
      ...cycle('OOMKilled', 137, parseDuration(b.failAfter) ?? 45, b.oomLogs ?? logs),
      currentLogs: logs,
      oom: true,
    };
  }
  const completeAfter = parseDuration(b.completeAfter);
  if (completeAfter !== undefined) return cycle('Completed', 0, completeAfter, b.logs ?? []);
  // Probes, from what the program serves: a startup probe gates the liveness probe; either one that
  // keeps failing kills every instance; a failing readiness probe keeps the container unready.
  const startup = c.startupProbe;
  const startupVerdict = startup ? probeVerdict(startup, c, b, ip) : undefined;
  for (const [kind, probe] of [
    ['Startup', startup],
    ['Liveness', c.livenessProbe],
  ] as const) {
    if (!probe) continue;
    let verdict = kind === 'Startup' ? startupVerdict : probeVerdict(probe, c, b, ip);
    // Behind a startup probe that passed, liveness starts once the program is up.
    if (kind === 'Liveness' && startup && verdict?.passesAfter !== undefined) verdict = undefined;
    const kill = killsAfter(probe, verdict);
    if (kill === undefined || !verdict) continue;
    const { period, threshold } = probeTiming(probe);
    // A started container is Ready when its readiness probe passes (at once without one); a failing
    // startup probe means it never started.
    const readiness = c.readinessProbe;
    const readyAt =
      kind === 'Startup' || b.ready === false
        ? undefined
        : readiness
          ? readyAfter(readiness, probeVerdict(readiness, c, b, ip))
          : 0;
    // The kubelet stops it with SIGTERM; a program that does not exit on it is killed with SIGKILL.
    const exitCode = b.stopExitCode ?? 137;
    return {
      ...cycle(exitCode === 0 ? 'Completed' : 'Error', exitCode, kill, logs),
      probe: {
        kind,
        message: verdict.message,
        errored: verdict.errored,
        failureThreshold: threshold,
        period,
        ...(readyAt !== undefined && readyAt < kill ? { readyAfter: readyAt } : {}),
      },
    };
  }
  const readiness = c.readinessProbe;
  const readyVerdict = readiness ? probeVerdict(readiness, c, b, ip) : undefined;
  if (readiness && readyVerdict) {
    const { period, delay } = probeTiming(readiness);
    return {
      kind: 'healthy',
      ready: b.ready !== false,
      readiness: {
        message: readyVerdict.message,
        errored: readyVerdict.errored,
        period,
        delay,
        readyAt: readyAfter(readiness, readyVerdict) ?? null,
      },
      logs,
      ...(failures.length ? { waiting: true } : {}),
    };
  }
  return { kind: 'healthy', ready: b.ready !== false, logs, ...(failures.length ? { waiting: true } : {}) };
}

/** Whether a container that exits is left terminated: restartPolicy Never, or OnFailure after exit 0. */
function runsOnce(pod: Pod, mode: Cycle): boolean {
  const policy = pod.spec.restartPolicy ?? 'Always';
  return policy === 'Never' || (policy === 'OnFailure' && mode.exitCode === 0);
}

function probeMessage(p: NonNullable<Cycle['probe']>): string {
  return `${p.kind} probe ${p.errored ? 'errored' : 'failed'}: ${p.message}`;
}

/** A behaviour with every `byConfig` override whose condition holds applied in order, field by field. */
function configured(
  b: Behavior,
  overrides: readonly ConfigOverride[],
  c: Container,
  ns: string,
  world: PodWorld,
): Behavior {
  let out: Behavior = b;
  for (const o of overrides) {
    const value =
      o.env !== undefined
        ? envValue(c, o.env, ns, world)
        : o.configMap
          ? world.valueOf?.('ConfigMap', ns, o.configMap.name, o.configMap.key)
          : o.secret
            ? world.valueOf?.('Secret', ns, o.secret.name, o.secret.key)
            : undefined;
    const holds =
      o.missing === true
        ? value === undefined
        : value !== undefined &&
          (o.equals !== undefined
            ? value === o.equals
            : o.contains !== undefined
              ? value.includes(o.contains)
              : o.notContains !== undefined && !value.includes(o.notContains));
    if (holds) out = { ...out, ...o.behavior };
  }
  return out;
}

/**
 * An environment variable's value as the kubelet gives it to a container at start (its
 * makeEnvironmentVariables): `envFrom` sources in order (a ConfigMap's `data`, a Secret's data, each
 * key under its prefix; a later source wins), then each `env` entry in order over them: a literal
 * value with its `$(VAR)` references to what is set so far expanded, a ConfigMap or Secret key, or a
 * `fieldRef` (read here as set with an empty value). A reference to a missing object or key is passed
 * over, so an earlier entry or an envFrom source of the name still holds (the kubelet skips an optional
 * one, and does not start the container for a required one). Undefined when it is not set.
 */
export function envValue(c: Container, name: string, ns: string, world: PodWorld): string | undefined {
  const sources = c.envFrom ?? [];
  /** The value the envFrom sources give a name: the last source that has it. */
  const fromSources = (n: string): string | undefined => {
    for (let i = sources.length - 1; i >= 0; i--) {
      const from = sources[i]!;
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref) continue;
      const prefix = from.prefix ?? '';
      if (!n.startsWith(prefix)) continue;
      const v = world.valueOf?.(
        from.configMapRef ? 'ConfigMap' : 'Secret',
        ns,
        ref.name,
        n.slice(prefix.length),
        'env',
      );
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const set = new Map<string, string>();
  const lookup = (n: string): string | undefined => set.get(n) ?? fromSources(n);
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
    let v: string | undefined;
    if (e.value) v = expandEnvReferences(e.value, lookup);
    else if (ref)
      v = world.valueOf?.(
        e.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret',
        ns,
        ref.name,
        ref.key,
        'env',
      );
    else v = e.value ?? '';
    if (v !== undefined) set.set(e.name, v);
  }
  return lookup(name);
}

/**
 * `$(VAR)` references in an env value replaced by what `lookup` gives, as the kubelet expands them
 * (Kubernetes' third_party/forked/golang/expansion): `$$` is a `$`, a reference to an unknown name
 * and an unclosed `$(` stay as written. Linear: the closing parenthesis found is remembered, where
 * the original scans to the end again for each unclosed `$(`.
 */
export function expandEnvReferences(input: string, lookup: (name: string) => string | undefined): string {
  if (!input.includes('$')) return input;
  let out = '';
  let checkpoint = 0;
  let closer = -2; // the next ')' at or after the last search; -1 when there is none
  for (let cursor = 0; cursor < input.length - 1; cursor++) {
    if (input.charCodeAt(cursor) !== 36) continue; // $
    out += input.slice(checkpoint, cursor);
    const next = input.charCodeAt(cursor + 1);
    if (next === 36) {
      out += '$';
    } else if (next === 40) {
      // (
      if (closer !== -1 && closer < cursor + 2) closer = input.indexOf(')', cursor + 2);
      if (closer === -1) {
        out += '$(';
      } else {
        const ref = input.slice(cursor + 2, closer);
        out += lookup(ref) ?? `$(${ref})`;
        cursor = closer - 1;
      }
    } else {
      out += input.slice(cursor, cursor + 2);
    }
    cursor += 1;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function hasEnv(c: Container, name: string, ns: string, world: PodWorld): boolean {
  if ((c.env ?? []).some((e) => e.name === name)) return true;
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const keys = world.keysOf(from.configMapRef ? 'ConfigMap' : 'Secret', ns, ref.name);
    if (keys?.includes(name)) return true;
  }
  return false;
}

/** A cycle of a program that fails while starting: nothing of it listens before it exits. */
function atStart(c: Cycle): Cycle {
  return { ...c, atStart: true };
}

/**
 * When an instance of a crash-looping container is Ready: `at`, seconds after it starts, or undefined
 * when it is not Ready before it exits. At once without a readiness probe (as the kubelet marks a
 * started container), never with `ready: false`, else when its readiness probe passes, from what the
 * program serves (nothing, when it fails while starting); `failing` is that probe's verdict while it fails.
 */
function cycleReadiness(
  c: Container,
  b: Behavior,
  mode: Cycle,
  ip: string,
): { at: number | undefined; failing?: ProbeVerdict } {
  if (mode.probe) return { at: mode.probe.readyAfter };
  if (b.ready === false) return { at: undefined };
  const readiness = c.readinessProbe;
  if (!readiness) return { at: 0 };
  const serving = mode.atStart ? { ...b, listenPorts: [], http: [] } : b;
  const verdict = probeVerdict(readiness, c, serving, ip);
  const at = readyAfter(readiness, verdict);
  return {
    at: at !== undefined && at < mode.failAfter ? at : undefined,
    ...(verdict ? { failing: verdict } : {}),
  };
}

function cycle(reason: string, exitCode: number, failAfter: number, logs: LogLines): Cycle {
  return {
    kind: 'cycle',
    reason,
    exitCode,
    failAfter: Math.max(1, failAfter),
    currentLogs: logs,
    previousLogs: logs,
    oom: false,
  };
}

function pullFailure(image: string, message: string): Mode {
  return {
    kind: 'waiting',
    reason: 'ImagePullBackOff',
    message: `Back-off pulling image "${image}"`,
    pull: true,
    events: [
      { type: 'Warning', reason: 'Failed', message },
      { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${image}"` },
    ],
  };
}

function configError(message: string): Mode {
  return {
    kind: 'waiting',
    reason: 'CreateContainerConfigError',
    message,
    events: [{ type: 'Warning', reason: 'Failed', message: `Error: ${message}` }],
  };
}

const iso = (t0: number, seconds: number): string => isoAt(t0 + seconds * 1000);

function stateFromFacts(
  state: NonNullable<ContainerFacts['state']>,
  t0: number,
  clock: ClockReadings,
): ContainerState {
  if ('terminated' in state) {
    const { ago, ...rest } = state.terminated;
    if (ago !== undefined) clock.pin();
    const now = clock.now;
    const finished = ago === undefined ? undefined : iso(t0, now - (parseDuration(ago) ?? 0));
    return { terminated: { ...rest, ...(finished && !rest.finishedAt ? { finishedAt: finished } : {}) } };
  }
  return state as ContainerState;
}

/**
 * A duration as Go's time.Duration prints it (the kubelet's "in 2m5.5s"): `850ms`, `12.4s`, `2m5s`,
 * `1h0m0s`, to a tenth of a second.
 */
function goDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = (tenths % 600) / 10;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/**
 * The pull of a container's image when `registry.pulls` says it takes time: `waiting` while it runs
 * (a Pulling event), else `startsAt`, the creation time the container's timeline counts from (the pull's
 * end less the second a start takes), with the Pulling and Pulled events; an image the node held already
 * gives "already present on machine". The kubelet's event texts (pkg/kubelet/images/image_manager.go).
 */
function imagePullOf(
  c: Container,
  pod: Pod,
  world: PodWorld,
  runtime: PodRuntime,
  clock: ClockReadings,
  fieldPath: string,
  events: DerivedEvent[],
): { waiting?: true; startsAt?: number } | undefined {
  const image = c.image ?? '';
  const pull = world.imagePull?.(pod, image);
  if (!pull) return undefined;
  // The pull depends on other pods (the first one on the node pulled it): the outcome holds at no other instant.
  clock.pin();
  const created = runtime.createdAt;
  const event = (reason: string, message: string, at: number) =>
    events.push({
      type: 'Normal',
      reason,
      message,
      count: 1,
      first: at,
      last: at,
      fieldPath,
      source: 'kubelet',
    });
  if (pull.end <= created + 1) {
    event('Pulled', `Container image "${image}" already present on machine`, created + 1);
    return {};
  }
  event('Pulling', `Pulling image "${image}"`, created + 1);
  if (clock.now < pull.end) return { waiting: true };
  const took = goDuration(pull.end - (created + 1));
  event(
    'Pulled',
    `Successfully pulled image "${image}" in ${took} (${took} including waiting)${pull.size !== undefined ? `. Image size: ${pull.size} bytes.` : ''}`,
    pull.end,
  );
  return { startsAt: pull.end - 1 };
}

/** Evaluates one container at logical time `now`. */
function evaluateContainer(
  c: Container,
  b: Behavior,
  facts: ContainerFacts | undefined,
  pod: Pod,
  runtime: PodRuntime,
  world: PodWorld,
  clock: ClockReadings,
  podEvents: DerivedEvent[],
  blocked: string | undefined,
  init = false,
): ContainerOutcome {
  // What the program does under its configuration as it reads now (set_env, an applied ConfigMap).
  if (b.byConfig?.length) b = configured(b, b.byConfig, c, pod.metadata.namespace ?? 'default', world);
  // Declared states come with the events the author declared; derived events would contradict them.
  const events: DerivedEvent[] = [];
  const name = c.name;
  const podName = pod.metadata.name ?? '';
  const base = { name, image: c.image ?? '', started: false } as ContainerStatus;
  const fieldPath = `spec.containers{${name}}`;
  const hasFactState = facts && (facts.state || facts.lastState || facts.restarts !== undefined);
  // What the program's connections and API calls meet depends on other objects at this instant.
  if (!blocked && (b.dependencies?.length || b.apiCalls?.length)) clock.pin();
  // An image whose pull takes time: the container waits in ContainerCreating until the pull ends, then
  // starts (its timeline counts from then).
  const pull = blocked ? undefined : imagePullOf(c, pod, world, runtime, clock, fieldPath, podEvents);
  if (pull?.waiting) {
    return {
      status: { ...base, ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      running: false,
      logs: {
        current: `container "${name}" in pod "${podName}" is waiting to start: ContainerCreating`,
        previous: `previous terminated container "${name}" in pod "${podName}" not found`,
      },
      oomKills: 0,
    };
  }
  if (pull?.startsAt !== undefined) runtime = { ...runtime, createdAt: pull.startsAt };
  const created = runtime.createdAt;
  const mode: Mode = blocked
    ? { kind: 'waiting', reason: blocked, message: '', events: [] }
    : modeOf(c, b, pod, world, runtime.ip);
  let status: ContainerStatus;
  let running = false;
  let logs: ContainerOutcome['logs'];
  let oomKills = 0;
  let readySince: number | undefined;
  const waitingLogs = (reason: string) =>
    `container "${name}" in pod "${podName}" is waiting to start: ${reason}`;
  const noPrevious = `previous terminated container "${name}" in pod "${podName}" not found`;

  if (mode.kind === 'waiting') {
    const reason = mode.pull && clock.read((now) => now - created < 30) ? 'ErrImagePull' : mode.reason;
    status = {
      ...base,
      ready: false,
      restartCount: 0,
      state: { waiting: { reason, ...(mode.message ? { message: mode.message } : {}) } },
    };
    logs = {
      current: waitingLogs(mode.pull ? 'trying and failing to pull image' : reason),
      previous: noPrevious,
    };
    const count = clock.read((now) => Math.max(1, Math.floor((now - created) / 30)));
    for (const e of mode.events) {
      events.push({
        ...e,
        count,
        first: runtime.createdAt + 1,
        last: runtime.createdAt + 1 + (count - 1) * 30,
        fieldPath,
        source: 'kubelet',
      });
    }
  } else if (mode.kind === 'healthy') {
    running = true;
    const r = mode.readiness;
    const upAt = (now: number) => now - (created + 1);
    status = {
      ...base,
      ready:
        mode.ready && (!r || (r.readyAt !== null && clock.read((now) => upAt(now) >= (r.readyAt as number)))),
      started: true,
      restartCount: 0,
      state: { running: { startedAt: iso(world.t0, runtime.createdAt + 1) } },
    };
    if (r?.readyAt && status.ready) readySince = runtime.createdAt + 1 + r.readyAt;
    logs = { current: mode.logs, previous: noPrevious };
    if (r) {
      // Failed probes from the first one until the program answered (or until now).
      const count = clock.read((now) => {
        const until = Math.min(upAt(now), r.readyAt ?? Number.POSITIVE_INFINITY);
        return Math.floor((until - r.delay) / r.period) + (r.readyAt === null ? 1 : 0);
      });
      if (count > 0) {
        const first = runtime.createdAt + 1 + Math.max(r.delay, r.period);
        events.push({
          type: 'Warning',
          reason: 'Unhealthy',
          message: `Readiness probe ${r.errored ? 'errored' : 'failed'}: ${r.message}`,
          count,
          first,
          last: first + (count - 1) * r.period,
          fieldPath,
          source: 'kubelet',
        });
      }
    }
  } else if (runsOnce(pod, mode) || (init && mode.exitCode === 0)) {
    // restartPolicy Never (or OnFailure and a clean exit): one instance, then it stays terminated;
    // there is no restart, no Last State and no previous instance to read.
    const f = mode.failAfter;
    const done = clock.read((now) => now - created >= f);
    running = !done;
    oomKills = done && mode.oom ? 1 : 0;
    status = {
      ...base,
      ready: running && !mode.probe,
      started: running,
      restartCount: 0,
      state: done
        ? {
            terminated: {
              reason: mode.reason,
              exitCode: mode.exitCode,
              startedAt: iso(world.t0, runtime.createdAt + 1),
              finishedAt: iso(world.t0, runtime.createdAt + f),
            },
          }
        : { running: { startedAt: iso(world.t0, runtime.createdAt + 1) } },
    };
    logs = { current: done ? mode.previousLogs : mode.currentLogs, previous: noPrevious };
    if (done && mode.probe) {
      const p = mode.probe;
      events.push({
        type: 'Warning',
        reason: 'Unhealthy',
        message: probeMessage(p),
        count: p.failureThreshold,
        first: runtime.createdAt + p.period,
        last: runtime.createdAt + f,
        fieldPath,
        source: 'kubelet',
      });
      events.push({
        type: 'Normal',
        reason: 'Killing',
        message: `Container ${name} failed ${p.kind.toLowerCase()} probe, will be restarted`,
        count: 1,
        first: runtime.createdAt + f,
        last: runtime.createdAt + f,
        fieldPath,
        source: 'kubelet',
      });
    }
  } else {
    const f = mode.failAfter;
    const cyc = clock.read((now) => crashCycle(Math.max(0, now - created), f));
    const n = cyc.terminations;
    const inBackoff = cyc.inBackoff;
    const lastEnd = runtime.createdAt + cyc.lastEnd;
    const terminated = {
      terminated: {
        reason: mode.reason,
        exitCode: mode.exitCode,
        startedAt: iso(world.t0, lastEnd - f),
        finishedAt: iso(world.t0, lastEnd),
      },
    };
    running = !inBackoff;
    oomKills = mode.oom ? n : 0;
    // The instance running now started here (the first one a second after the pod was created).
    const startedAt = n === 0 ? runtime.createdAt + 1 : runtime.createdAt + cyc.start;
    const readiness = cycleReadiness(c, b, mode, runtime.ip);
    const readyAt = readiness.at;
    const ready =
      running && readyAt !== undefined && (readyAt === 0 || clock.read((now) => now - startedAt >= readyAt));
    if (ready && readyAt !== undefined && readyAt > 0) readySince = startedAt + readyAt;
    if (readiness.failing && c.readinessProbe) {
      // The readiness probe fails every period from its delay until the instance is ready or exits.
      const { delay, period } = probeTiming(c.readinessProbe);
      const window = Math.min(readyAt ?? f, f);
      const fails = (ran: number) => Math.max(0, Math.floor((Math.min(ran, window) - delay) / period));
      const count = n * fails(f) + (running ? clock.read((now) => fails(now - startedAt)) : 0);
      if (count > 0) {
        const first = runtime.createdAt + 1 + Math.max(delay, period);
        events.push({
          type: 'Warning',
          reason: 'Unhealthy',
          message: `Readiness probe ${readiness.failing.errored ? 'errored' : 'failed'}: ${readiness.failing.message}`,
          count,
          first,
          last: first + (count - 1) * period,
          fieldPath,
          source: 'kubelet',
        });
      }
    }
    status = {
      ...base,
      ready,
      started: running,
      restartCount: n,
      state: inBackoff
        ? {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${showBackoff(cyc.backoff)} restarting failed container=${name} pod=${podName}`,
            },
          }
        : { running: { startedAt: iso(world.t0, startedAt) } },
      ...(n > 0 ? { lastState: terminated } : {}),
    };
    logs = {
      current: inBackoff ? mode.previousLogs : mode.currentLogs,
      previous: n > 0 ? mode.previousLogs : noPrevious,
    };
    if (n > 0) {
      events.push({
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${name} in pod ${podName}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`,
        count: n,
        first: runtime.createdAt + f,
        last: lastEnd,
        fieldPath,
        source: 'kubelet',
      });
      if (mode.probe) {
        const p = mode.probe;
        events.push({
          type: 'Warning',
          reason: 'Unhealthy',
          message: probeMessage(p),
          count: n * p.failureThreshold,
          first: runtime.createdAt + p.period,
          last: lastEnd,
          fieldPath,
          source: 'kubelet',
        });
        events.push({
          type: 'Normal',
          reason: 'Killing',
          message: `Container ${name} failed ${p.kind.toLowerCase()} probe, will be restarted`,
          count: n,
          first: runtime.createdAt + f,
          last: lastEnd,
          fieldPath,
          source: 'kubelet',
        });
      }
    }
  }

  if (!hasFactState) podEvents.push(...events);
  if (hasFactState && facts) {
    const state = facts.state ? stateFromFacts(facts.state, world.t0, clock) : status.state;
    const lastState = facts.lastState ? stateFromFacts(facts.lastState, world.t0, clock) : status.lastState;
    running = Boolean(state?.running);
    status = {
      ...base,
      state: state ?? {},
      ...(lastState ? { lastState } : {}),
      restartCount: facts.restarts ?? status.restartCount,
      ready: facts.ready ?? (running && status.ready),
      started: running,
    };
    oomKills =
      facts.oomKills ??
      (lastState?.terminated?.reason === 'OOMKilled' ? Math.max(1, status.restartCount) : oomKills);
  } else {
    if (facts?.oomKills !== undefined) oomKills = facts.oomKills;
    // A declared readiness without a declared state still wins over the derived one (`ready: false`
    // on a running container: its readiness probe fails for a reason the behaviour does not model).
    // Kubernetes never reports a container ready that is not running: `ready: true` on a crash loop stays unready.
    if (facts?.ready !== undefined) status = { ...status, ready: facts.ready && running };
  }
  if (facts?.logs) logs = { ...logs, current: facts.logs };
  if (facts?.previousLogs) logs = { ...logs, previous: facts.previousLogs };

  let usage: ContainerOutcome['usage'];
  if (running) {
    const memLimit = limitOf(c, 'memory');
    const need = parseQuantity(b.memory?.need);
    const memory =
      parseQuantity(facts?.usage?.memory) ??
      parseQuantity(b.memory?.usage) ??
      (need !== undefined && memLimit !== undefined && need > memLimit
        ? Math.round(memLimit * 0.97)
        : need) ??
      Math.round((parseQuantity(c.resources?.requests?.memory) ?? 96 * 2 ** 20) * 0.7);
    const cpuLimit = limitOf(c, 'cpu');
    const cpuNeed = parseQuantity(b.cpu?.need) ?? (parseQuantity(c.resources?.requests?.cpu) ?? 0.01) * 0.4;
    const cpu =
      parseQuantity(facts?.usage?.cpu) ?? (cpuLimit !== undefined ? Math.min(cpuNeed, cpuLimit) : cpuNeed);
    usage = { cpu, memory };
  }
  return {
    status,
    running,
    logs,
    oomKills,
    ...(usage ? { usage } : {}),
    ...(mode.kind === 'healthy' && mode.waiting && !hasFactState ? { waiting: true } : {}),
    ...(readySince !== undefined && !hasFactState ? { readySince } : {}),
    ...(mode.kind === 'healthy' && !b.reloadsConfig ? { steady: true as const } : {}),
    ...(b.listenPorts !== undefined || b.http !== undefined
      ? { listening: new Set([...(b.listenPorts ?? []), ...(b.http ?? []).map((h) => h.port)]) }
      : {}),
  };
}

/** Evaluates a scheduled pod at logical time `now`: container states, logs, metrics and the events they imply. */
export function evaluatePod(
  pod: Pod,
  runtime: PodRuntime,
  world: PodWorld,
  now: number,
  unschedulable: string | undefined,
): PodOutcome {
  const clock = new ClockReadings(now);
  const events: DerivedEvent[] = [];
  const containers = new Map<string, ContainerOutcome>();
  const facts = runtime.facts;
  const t = (s: number) => iso(world.t0, s);
  const created = runtime.createdAt;
  if (unschedulable) {
    const count = clock.read((now) => Math.max(1, Math.floor((now - created) / 60) + 1));
    events.push({
      type: 'Warning',
      reason: 'FailedScheduling',
      message: unschedulable,
      count,
      first: created,
      last: created + (count - 1) * 60,
      source: 'default-scheduler',
    });
    const pending = (c: Container): ContainerStatus => ({
      name: c.name,
      image: c.image ?? '',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: 'ContainerCreating' } },
    });
    return {
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: unschedulable,
            lastTransitionTime: t(created),
          },
        ],
        qosClass: qosClass(pod),
      },
      containers: new Map(
        pod.spec.containers.map((c) => [
          c.name,
          { status: pending(c), running: false, logs: { current: '', previous: '' }, oomKills: 0 },
        ]),
      ),
      events,
      readings: clock,
    };
  }

  const ns = pod.metadata.namespace ?? 'default';
  let blocked: string | undefined;
  for (const v of pod.spec.volumes ?? []) {
    const missing =
      v.configMap && !v.configMap.optional && world.keysOf('ConfigMap', ns, v.configMap.name) === undefined
        ? `configmap "${v.configMap.name}" not found`
        : v.secret && !v.secret.optional && world.keysOf('Secret', ns, v.secret.secretName) === undefined
          ? `secret "${v.secret.secretName}" not found`
          : undefined;
    if (missing) {
      blocked = 'ContainerCreating';
      const count = clock.read((now) => Math.max(1, Math.floor((now - created) / 120) + 1));
      events.push({
        type: 'Warning',
        reason: 'FailedMount',
        message: `MountVolume.SetUp failed for volume "${v.name}" : ${missing}`,
        count,
        first: created + 1,
        last: created + 1 + (count - 1) * 120,
        source: 'kubelet',
      });
      break;
    }
  }

  // The kubelet looks the pod's image pull secrets up on every sync (about once a minute) and says
  // which it could not find, whether or not the pull then needs them.
  const missingSecrets = (pod.spec.imagePullSecrets ?? [])
    .map((s) => s.name)
    .filter((name) => !world.exists('Secret', ns, name));
  if (missingSecrets.length) {
    const count = clock.read((now) => Math.max(1, Math.floor((now - created - 1) / 60) + 1));
    events.push({
      type: 'Warning',
      reason: 'FailedToRetrieveImagePullSecret',
      message: `Unable to retrieve some image pull secrets (${missingSecrets.join(', ')}); attempting to pull the image may not succeed.`,
      count,
      first: created + 1,
      last: created + 1 + (count - 1) * 60,
      source: 'kubelet',
    });
  }

  const initStatuses: ContainerStatus[] = [];
  let initReason: string | undefined;
  let initFailed = false;
  for (const c of pod.spec.initContainers ?? []) {
    if (blocked || initReason) {
      initStatuses.push({
        name: c.name,
        image: c.image ?? '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'PodInitializing' } },
      });
      continue;
    }
    const out = evaluateContainer(
      c,
      runtime.behaviors[c.name] ?? {},
      facts?.initContainerFacts?.[c.name],
      pod,
      runtime,
      world,
      clock,
      events,
      undefined,
      true,
    );
    containers.set(c.name, out);
    const mode = out.status.state;
    const term = mode?.terminated;
    if (term && term.exitCode === 0) {
      // It ran to completion and is not restarted (restartPolicy Never or OnFailure).
      out.status = { ...out.status, ready: true };
      out.running = false;
      delete out.usage;
    } else if (term) {
      // Failed and not restarted (restartPolicy Never): the pod fails with it.
      initReason = 'Error';
      initFailed = true;
      out.status = { ...out.status, ready: false };
    } else if (out.waiting && out.status.state?.running) {
      // Still waiting for what it needs (`until nc -z db 5432; do sleep 2; done`): the pod stays Init:0/N.
      initReason = 'Running';
      out.status = { ...out.status, ready: false };
    } else if (out.status.state?.running && out.status.restartCount === 0 && !out.status.lastState) {
      // A healthy init container runs to completion.
      out.status = {
        ...out.status,
        ready: true,
        state: {
          terminated: {
            reason: 'Completed',
            exitCode: 0,
            startedAt: t(created + 1),
            finishedAt: t(created + 2),
          },
        },
      };
      out.running = false;
      delete out.usage;
    } else {
      initReason = mode?.waiting?.reason ?? (out.status.lastState?.terminated ? 'Error' : 'Running');
      if (out.status.state?.running) initReason = 'Error';
      out.status = { ...out.status, ready: false };
    }
    initStatuses.push(out.status);
  }

  const statuses: ContainerStatus[] = [];
  for (const c of pod.spec.containers) {
    const gate = blocked ?? (initReason ? 'PodInitializing' : undefined);
    const out = evaluateContainer(
      c,
      runtime.behaviors[c.name] ?? {},
      facts?.containerFacts?.[c.name] ?? (c === pod.spec.containers[0] ? facts : undefined),
      pod,
      runtime,
      world,
      clock,
      events,
      gate,
    );
    containers.set(c.name, out);
    statuses.push(out.status);
  }
  const allReady = statuses.every((s) => s.ready);
  const anyStarted = statuses.some((s) => s.state?.running || s.lastState?.terminated || s.restartCount > 0);
  // A pod that does not restart its containers ends when all of them have terminated.
  const ended =
    (pod.spec.restartPolicy ?? 'Always') !== 'Always' &&
    (initFailed || (!initReason && statuses.length > 0 && statuses.every((s) => s.state?.terminated)));
  const phase =
    facts?.phase ??
    (ended
      ? !initFailed && statuses.every((s) => s.state?.terminated?.exitCode === 0)
        ? 'Succeeded'
        : 'Failed'
      : initReason || (!anyStarted && statuses.some((s) => s.state?.waiting))
        ? 'Pending'
        : 'Running');
  const notReady = ended ? 'PodCompleted' : 'ContainersNotReady';
  // Ready since the last container became ready (a readiness probe that passed after a warm-up).
  const readyAt = Math.max(
    created + 2,
    ...[...containers.values()].map((o) => o.readySince ?? Number.NEGATIVE_INFINITY),
  );
  const cond = (type: string, ok: boolean, reason?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    ...(ok || !reason ? {} : { reason }),
    lastTransitionTime: t(
      ok && (type === 'Ready' || type === 'ContainersReady') ? readyAt : created + (ok ? 2 : 1),
    ),
  });
  const status: NonNullable<Pod['status']> = {
    phase,
    ...(facts?.reason ? { reason: facts.reason } : {}),
    ...(facts?.message ? { message: facts.message } : {}),
    conditions: [
      cond('Initialized', !initReason, 'ContainersNotInitialized'),
      cond('Ready', allReady, notReady),
      cond('ContainersReady', allReady, notReady),
      cond('PodScheduled', true),
    ],
    hostIP: '10.0.0.1',
    podIP: runtime.ip,
    startTime: t(created),
    qosClass: qosClass(pod),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
  };
  return { status, containers, events, readings: clock };
}

function qosClass(pod: Pod): string {
  const cs = pod.spec.containers;
  const all = cs.every((c) => {
    const r = c.resources;
    return (
      r?.limits?.cpu &&
      r.limits.memory &&
      (r.requests?.cpu ?? r.limits.cpu) === r.limits.cpu &&
      (r.requests?.memory ?? r.limits.memory) === r.limits.memory
    );
  });
  if (all) return 'Guaranteed';
  return cs.some((c) => c.resources?.requests || c.resources?.limits) ? 'Burstable' : 'BestEffort';
}
