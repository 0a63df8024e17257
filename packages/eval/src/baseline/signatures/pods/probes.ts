import {
  dependencyHealthCheck,
  httpProbeOnPort,
  httpProbeTarget,
  httpProbeWithPath,
  portVariable,
  probeCause,
  probedPathFailing,
  probePathLatency,
  setProbeFix,
  slowestRequest,
  startupProbeLike,
} from '../../../analyzers/probes.js';
import { clip, containerSections, cpuUse, envFix } from '../../../analyzers/types.js';
import { escapeRe, firstLine, loopbackSetting } from '../../reading.js';
import type { PodSignature } from '../types.js';

/** A probe that fails: a liveness probe that restarts the container, a readiness probe that keeps it out of its Service, a startup probe; warm-up failures of a pod Ready now are not faults. */
export const probes: PodSignature = {
  name: 'probes',
  find(x, f) {
    const { described: d, pod, owner, objectLabel, bonus: b } = x;
    const { ns, seen, events } = f;
    // Probes: the container runs but the kubelet kills or unreadies it.
    // A container that restarts is killed by its liveness probe; with readiness failing too, the
    // liveness failure is the one that explains the restarts.
    const restarted = /Restart Count:\s*[1-9]/.test(d.content);
    const unhealthy =
      (restarted ? firstLine(d.content, /Liveness probe (failed|errored)/i) : undefined) ??
      firstLine(d.content, /(Liveness|Readiness|Startup) probe (failed|errored)/i) ??
      firstLine(
        events,
        new RegExp(`${escapeRe(pod)}.{0,500}(Liveness|Readiness|Startup) probe (failed|errored)`, 'i'),
      );
    // Readiness failing only while the pod started (it is Ready now, never restarted): warm-up, said as such.
    const readyNow = /^[ \t]+Ready[ \t]+True\b/m.test(d.content);
    const warmUp = readyNow && !restarted && unhealthy !== undefined && !/Liveness/i.test(unhealthy);
    // Liveness failures on a container Ready now and never restarted never reached failureThreshold in a
    // row (the kubelet would have restarted it): isolated failures, not a fault (the notes say why).
    const absorbed = readyNow && !restarted && unhealthy !== undefined && /Liveness/i.test(unhealthy);
    if (unhealthy && !warmUp && !absorbed) {
      const kind = /Liveness/i.test(unhealthy)
        ? 'liveness'
        : /Startup/i.test(unhealthy)
          ? 'startup'
          : 'readiness';
      const probe = firstLine(
        d.content,
        kind === 'liveness' ? /Liveness:/ : kind === 'startup' ? /Startup:/ : /Readiness:/,
      );
      const label = kind === 'liveness' ? 'Liveness' : kind === 'startup' ? 'Startup' : 'Readiness';
      const apps = containerSections(d.content).filter((c) => !c.init);
      const owning = apps.find((c) => new RegExp(`^[ \\t]*${label}:`, 'm').test(c.body));
      // The probed container's own log: a read naming it, or one naming none when it is the container
      // kubectl defaults to (the first); a sidecar's listener is not the probed program's.
      const podLogs = seen
        .filter(
          (o) =>
            o.tool === 'get_pod_logs' &&
            o.args['name'] === pod &&
            o.status === 'ok' &&
            (owning === undefined ||
              o.args['container'] === owning.name ||
              (o.args['container'] === undefined && apps[0]?.name === owning.name)),
        )
        .map((o) => o.content)
        .join('\n');
      const why = probeCause(
        kind,
        unhealthy,
        probe,
        podLogs,
        owning
          ? {
              probes: owning.body.split('\n').filter((l) => /^\s*(Liveness|Readiness|Startup):/.test(l)),
              ready: /^[ \t]*Ready:[ \t]+True\b/m.test(owning.body),
            }
          : undefined,
      );
      // Refused because the program's configuration binds it to the loopback interface only.
      const loop =
        /connection refused/i.test(unhealthy) && !why.specific
          ? loopbackSetting(seen, String(d.args['namespace'] ?? ns), d.content)
          : undefined;
      if (loop) {
        why.cause = `the program listens on the loopback interface only: its configuration (ConfigMap ${loop.map}: "${clip(loop.setting, 80)}") binds it to 127.0.0.1, so it answers inside its own pod while the kubelet's ${kind} probe, the Service and every client connect to the pod's IP and are refused; the kubelet ${kind === 'readiness' ? 'keeps the pod unready (no endpoints)' : 'kills and restarts the container'}`;
        why.advice = `bind the program to 0.0.0.0 (or the pod IP) in ConfigMap ${loop.map} and restart it`;
        why.specific = true;
      }
      // A probe that times out in a container held at its CPU limit: the CFS quota throttles the program and
      // the probe's own command alike, so neither answers in time (the limit is the cause, not the timeout).
      const pinned =
        why.timedOut && owning
          ? cpuUse(seen, (o) => o.args['namespace'] === (d.args['namespace'] ?? ns)).find(
              (u) => u.pod === pod && u.container === owning.name && u.pct >= 95,
            )
          : undefined;
      if (pinned) {
        why.cause = `the ${kind} probe times out because container ${pinned.container} runs at its CPU limit (${pinned.usage} of ${pinned.limit}, ${pinned.pct}%): the kernel's CFS quota throttles the program and the probe's own command alike, so the check cannot answer within its timeout and the kubelet ${kind === 'readiness' ? 'keeps the pod unready' : 'kills and restarts the container'}; the CPU limit is too low for the work, the probe's timeout is not the fault`;
        why.advice = `raise container ${pinned.container}'s CPU limit (limits.cpu ${pinned.limit}) to what the work needs, or remove the limit and keep the request; the probe's timeout can stay`;
      }
      const ports = [...d.content.matchAll(/Port[s]?:\s*(\d+)\/TCP/g)].map((m) => m[1]);
      // A slow start: a startupProbe with the liveness probe's own check lets it finish starting.
      const probed = containerSections(d.content).find((c) => !c.init && /^[ \t]*Liveness:/m.test(c.body));
      const startup = why.slowStart && probe ? startupProbeLike(probe) : undefined;
      // The framework's own health path (or the one the container's other probe and its log show): the same probe, asking for it.
      const repointed =
        why.healthPort !== undefined && probe
          ? httpProbeOnPort(probe, why.healthPort)
          : why.healthPath && probe
            ? httpProbeWithPath(probe, why.healthPath)
            : undefined;
      // A probe that times out on a path the program answers, slowly: its own log says how slowly,
      // and the same probe with twice that as its timeout passes (at least 2 s).
      // Not while the container is held at its CPU limit: a longer timeout is not the fix then.
      const path = why.timedOut && probe && !pinned ? httpProbeTarget(probe)?.path : undefined;
      // The probe's own path in the log, else the program's slowest requests: a server slow under load
      // answers its health path as slowly.
      const ownLatency = path ? probePathLatency(path, podLogs) : undefined;
      const busy = path && ownLatency === undefined ? slowestRequest(podLogs) : undefined;
      const latency = ownLatency ?? busy;
      const timeout = latency !== undefined ? Math.max(2, Math.ceil(latency * 2)) : undefined;
      const current = probe ? Number(/\btimeout=(\d{1,6})s\b/.exec(probe)?.[1] ?? 1) : 1;
      const slower =
        path && timeout !== undefined && timeout > current && probe
          ? httpProbeWithPath(probe, path)
          : undefined;
      // A liveness probe on a health check that waits on a dependency (its log: `health: check
      // "database" took 2412ms`): a slow dependency restarts every replica. Liveness should check the
      // process alone (kubernetes.io, "Configure Liveness, Readiness and Startup Probes": liveness
      // probes should not depend on external dependencies), so it goes to the path the container's
      // readiness probe shows answering in time.
      // Or a liveness path the program answers 5xx while its readiness path answers 200: a health check
      // that reports its dependencies (Dockerflow's /__heartbeat__ beside /__lbheartbeat__), failing while one
      // of them is down.
      const probedPath = probe ? httpProbeTarget(probe)?.path : undefined;
      const erring =
        kind === 'liveness' && !path && probedPath && /statuscode: 5\d\d/i.test(unhealthy)
          ? probedPathFailing(podLogs, probedPath)
          : undefined;
      const deep = (kind === 'liveness' && path ? dependencyHealthCheck(podLogs) : undefined) ?? erring;
      const deepPath = path ?? probedPath;
      const readinessPath =
        deep && owning && !/Readiness probe (failed|errored)/i.test(d.content)
          ? httpProbeTarget(firstLine(owning.body, /Readiness:/) ?? '')?.path
          : undefined;
      const shallow =
        deep && readinessPath && readinessPath !== deepPath && probe
          ? httpProbeWithPath(probe, readinessPath)
          : undefined;
      if (deep && shallow) {
        why.cause = erring
          ? `the liveness probe asks for ${deepPath}, which the program answers with a server error while a dependency it checks is failing (its log: "${clip(deep, 120)}"), so every replica fails liveness at once and the kubelet restarts them, though the process itself is fine: ${readinessPath}, which the readiness probe asks for, answers 200 throughout; a liveness check should not include dependencies`
          : `${why.cause}; the probed path ${deepPath} waits on a dependency: the program's log says "${clip(deep, 120)}", so while that dependency is slow every replica fails liveness and is restarted, though the process itself is fine`;
        why.advice = `point the liveness probe at a path that checks only the process (here ${readinessPath}, which the readiness probe shows answering in time), and keep dependency checks out of liveness`;
      }
      // The program moved to another port (a new release's default) while the probe, the port the container
      // declares and the Service stay on the old one: its own port variable brings it back in one change.
      const moved = why.listens;
      const declares =
        moved && owning ? new RegExp(`^\\s*Ports?:.*\\b${moved.probed}/TCP`, 'm').test(owning.body) : false;
      const variable = moved && declares && owning ? portVariable(owning.body) : undefined;
      const portFix =
        moved && variable && variable.value !== String(moved.probed) && owner && owning
          ? envFix(
              ns,
              owner,
              owning.name,
              [{ name: variable.name, value: String(moved.probed) }],
              `set ${variable.name}=${moved.probed} on ${owner}/${owning.name}, so the program listens on port ${moved.probed} again, where its ${kind} probe, its container port and its Service expect it, instead of its new port ${moved.port}`,
            )
          : {};
      if (moved && variable && portFix.fix)
        why.advice = `set ${variable.name}=${moved.probed} so the program listens on port ${moved.probed} again (one change; the probe, the container port and the Service all expect ${moved.probed}), or move the ${kind} probe, the container port and the Service's targetPort to ${moved.port}`;
      return {
        // The program's own log says it listens elsewhere and its port variable brings it back: as
        // certain as a pull failure, and the workload the task names outranks one it does not.
        weight: (portFix.fix ? 85 : (kind === 'readiness' ? 65 : 75) + (why.specific ? 6 : 0)) + b,
        object: objectLabel,
        cause: `${why.cause}${probe ? `; probe: ${clip(probe, 80)}` : ''}${ports.length && !why.specific ? `; container port ${ports.join(', ')}` : ''}`,
        evidence: [`describe_pod ${pod}: ${clip(unhealthy)}`, ...(probe ? [clip(probe)] : [])],
        advice: why.advice,
        ...(shallow && owner && owning
          ? {
              fix: setProbeFix(
                ns,
                owner,
                owning.name,
                'liveness',
                shallow,
                `point the liveness probe of ${owner}/${owning.name} at ${readinessPath}, which the readiness probe shows answering in time, instead of ${deepPath}, which waits on a dependency ("${clip(deep ?? '', 80)}")`,
              ),
            }
          : startup && owner && probed
            ? {
                fix: setProbeFix(
                  ns,
                  owner,
                  probed.name,
                  'startup',
                  startup,
                  `add a startupProbe to ${owner}/${probed.name} with the liveness probe's check, allowing 30 × 10 s (5 minutes) to start, so liveness only checks a started program`,
                ),
              }
            : slower && owner && owning && latency !== undefined
              ? {
                  fix: setProbeFix(
                    ns,
                    owner,
                    owning.name,
                    kind,
                    { ...slower, timeoutSeconds: timeout },
                    `raise the ${kind} probe's timeoutSeconds of ${owner}/${owning.name} from ${current} to ${timeout}: its log shows ${ownLatency !== undefined ? `${path} answering` : 'its requests answered'} in up to ${latency} s, longer than the ${current} s the probe waits`,
                  ),
                }
              : repointed && owner && owning
                ? {
                    fix: setProbeFix(
                      ns,
                      owner,
                      owning.name,
                      kind,
                      repointed,
                      why.healthPort !== undefined
                        ? `point the ${kind} probe of ${owner}/${owning.name} at ${why.healthPath} on the management port ${why.healthPort}, where the health endpoints answer without credentials`
                        : `point the ${kind} probe of ${owner}/${owning.name} at ${why.healthPath}, ${why.healthPathAssumed ? 'the conventional health path, which needs no credentials (confirm with list_pods that the new pods become Ready)' : 'the path the program serves'}`,
                    ),
                  }
                : portFix),
      };
    }
    return undefined;
  },
};
