import { parseDuration } from '../duration.js';
import type { Container, Probe } from '../types.js';
import { fnv1a } from './names.js';
import type { Behavior } from './world-schema.js';

/**
 * A probe's outcome derived from what the program serves: the ports it listens on (`listenPorts`, and
 * every port of `http`), the HTTP paths it answers with their status codes and response times (`http`),
 * how long it takes before its ports accept connections (`warmUp`), and the commands its image has
 * (`executables`, for exec probes). A program that declares none of these passes every probe.
 */
export interface ProbeVerdict {
  /** What the kubelet reports after "<Kind> probe failed: " (or "errored: "). */
  readonly message: string;
  /** The probe could not run at all (an exec probe whose command is missing): "probe errored". */
  readonly errored: boolean;
  /** Seconds after the container starts from which the probe passes; undefined: it never does. */
  readonly passesAfter?: number;
}

/** A probe's timing, with the kubelet's defaults. */
export function probeTiming(p: Probe): { delay: number; period: number; threshold: number; timeout: number } {
  return {
    delay: p.initialDelaySeconds ?? 0,
    period: p.periodSeconds ?? 10,
    threshold: p.failureThreshold ?? 3,
    timeout: p.timeoutSeconds ?? 1,
  };
}

function resolvePort(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** Whether the behaviour says anything about what the program serves. */
function describesServing(b: Behavior): boolean {
  return b.listenPorts !== undefined || b.http !== undefined;
}

/**
 * The verdict of one probe against one container's program, or undefined when it passes from the start.
 * `ip` is the pod's address, as the kubelet's messages name it.
 */
export function probeVerdict(probe: Probe, c: Container, b: Behavior, ip: string): ProbeVerdict | undefined {
  const warmUp = parseDuration(b.warmUp) ?? 0;
  const { timeout } = probeTiming(probe);
  if (probe.exec?.command?.length) {
    const cmd = probe.exec.command[0]!;
    if (!b.executables) return undefined;
    const base = cmd.slice(cmd.lastIndexOf('/') + 1);
    if (b.executables.includes(cmd) || b.executables.includes(base)) return undefined;
    const id = fnv1a(`${c.name}|${probe.exec.command.join(' ')}`)
      .toString(16)
      .padStart(8, '0')
      .repeat(8);
    return {
      errored: true,
      message: `rpc error: code = Unknown desc = failed to exec in container: failed to start exec "${id}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown`,
    };
  }
  const rawPort = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (rawPort === undefined || !describesServing(b)) return undefined;
  const port = resolvePort(c, rawPort);
  const listening = new Set([...(b.listenPorts ?? []), ...(b.http ?? []).map((h) => h.port)]);
  const shown = port ?? rawPort;
  const refused = `dial tcp ${ip}:${shown}: connect: connection refused`;
  if (!probe.httpGet) {
    if (port === undefined || !listening.has(port)) return { errored: false, message: refused };
    return warmUp > 0 ? { errored: false, message: refused, passesAfter: warmUp } : undefined;
  }
  const path = probe.httpGet.path || '/';
  const url = `http://${ip}:${shown}${path}`;
  if (port === undefined || !listening.has(port))
    return { errored: false, message: `Get "${url}": ${refused}` };
  const closed =
    warmUp > 0 ? { errored: false, message: `Get "${url}": ${refused}`, passesAfter: warmUp } : undefined;
  const endpoints = (b.http ?? []).filter((h) => h.port === port);
  // A port the program listens on without declared paths answers every path with 200.
  if (endpoints.length === 0) return closed;
  const hit = endpoints.find((h) => (h.path ?? '/') === path);
  const latency = parseDuration(hit?.latency) ?? 0;
  if (hit && latency >= timeout)
    return {
      errored: false,
      message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    };
  const status = hit ? (hit.status ?? 200) : 404;
  if (status >= 200 && status < 400) return closed;
  return { errored: false, message: `HTTP probe failed with statuscode: ${status}` };
}

/**
 * When a probe that kills (liveness, startup) first kills the container, in seconds after it starts,
 * or undefined when it never does: after `failureThreshold` failures a period apart from the first
 * probe at `initialDelaySeconds`, unless the program passes before then.
 */
export function killsAfter(probe: Probe, verdict: ProbeVerdict | undefined): number | undefined {
  if (!verdict) return undefined;
  const { delay, period, threshold } = probeTiming(probe);
  const budget = delay + period * threshold;
  if (verdict.passesAfter !== undefined && verdict.passesAfter <= budget) return undefined;
  return budget;
}

/**
 * When a readiness probe first passes, in seconds after the container starts (the first probe after the
 * program is up), or undefined when it never does.
 */
export function readyAfter(probe: Probe, verdict: ProbeVerdict | undefined): number | undefined {
  const { delay, period } = probeTiming(probe);
  if (!verdict) return delay;
  if (verdict.passesAfter === undefined) return undefined;
  if (verdict.passesAfter <= delay) return delay;
  return delay + Math.ceil((verdict.passesAfter - delay) / period) * period;
}
