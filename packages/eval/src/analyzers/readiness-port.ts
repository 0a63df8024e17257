import { listenAddresses, probeTiming, setProbeFix } from './probes.js';
import {
  type Analyzer,
  containerSections,
  describedField,
  type Finding,
  lineStamp,
  outputs,
  ownerDeployment,
} from './types.js';

/** Seconds between the probed port opening and the served one that make the gap a lead. */
const GAP_SECONDS = 20;

/**
 * A readiness probe that checks another port than the one the Service sends traffic to, where the
 * container's own log shows the probed port listening well before the served one: for that time the
 * kubelet marks the pod Ready, the endpoints controller adds it to the Service, and callers' connections
 * to the served port are refused (a mesh proxy in front of it fails fast). Readiness must say whether the
 * pod can take its traffic (kubernetes.io, "Configure Liveness, Readiness and Startup Probes"), so the
 * probe belongs on the served port. Reads the pod's description, its Service's (the endpoints give the
 * served port) and the container's log; the fix probes the served port with a TCP check, its timing kept.
 */
export const readinessPortAnalyzer: Analyzer = {
  name: 'readiness-port',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const done = new Set<string>();
    // Every endpoint the namespace's Services list (`10.244.0.13:50051`, `[fd00::d]:50051`), read once.
    const endpoints: { host: string; port: number }[] = [];
    for (const s of outputs(seen, 'describe_service', (o) => o.args['namespace'] === ns)) {
      for (const e of (describedField(s.content, 'Endpoints') ?? '').slice(0, 200_000).split(',')) {
        const t = e.trim();
        const at = t.lastIndexOf(':');
        if (at > 0)
          endpoints.push({ host: t.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(t.slice(at + 1)) });
      }
    }
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      const ip = /^IP:\s+([0-9a-fA-F.:]{2,45})\s*$/m.exec(d.content.slice(0, 20_000))?.[1];
      if (!ip) continue;
      // The ports the Services send this pod's traffic to (their endpoints list its IP).
      const served = new Set(endpoints.filter((e) => e.host === ip).map((e) => e.port));
      if (served.size !== 1) continue;
      const [target] = [...served] as [number];
      const sections = containerSections(d.content).filter((c) => !c.init);
      const defaulted =
        /kubectl\.kubernetes\.io\/default-container[:=]\s{0,4}([a-z0-9][a-z0-9.-]{0,62})/.exec(
          d.content,
        )?.[1] ?? sections[0]?.name;
      for (const c of sections) {
        if (done.has(`${pod}/${c.name}`)) continue;
        const probe = describedField(c.body, 'Readiness');
        const port = probe
          ? /^(?:http-get|tcp-socket) [^\s:]{0,253}:(\d{1,5}|[a-z][a-z0-9-]{0,14})\b/.exec(probe)?.[1]
          : undefined;
        // A named port is the container's own (`Ports: 50051/TCP (grpc), 9090/TCP (admin)`).
        const probed =
          port === undefined ? undefined : /^\d/.test(port) ? Number(port) : namedPort(c.body, port);
        if (!probe || probed === undefined || probed === target) continue;
        const log = outputs(
          seen,
          'get_pod_logs',
          (o) =>
            o.args['name'] === pod &&
            (o.args['namespace'] ?? ns) === ns &&
            !o.args['previous'] &&
            (o.args['container'] === c.name || (o.args['container'] === undefined && c.name === defaulted)),
        ).pop();
        if (!log) continue;
        const early = firstListen(log.content, probed);
        const late = firstListen(log.content, target);
        if (!early || !late || (late.at - early.at) / 1000 < GAP_SECONDS) continue;
        done.add(`${pod}/${c.name}`);
        const gap = Math.round((late.at - early.at) / 1000);
        const deployment = ownerDeployment(d.content);
        const timing = probeTiming(probe).spec;
        const quote = (l: string) => l.trim().slice(0, 140);
        out.push({
          weight: 72,
          object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
          cause: `the readiness probe of container ${c.name} checks port ${probed}, not port ${target}, where its Service sends the traffic: its log shows port ${probed} listening ${gap} s before port ${target} ("${quote(early.line)}", then "${quote(late.line)}"), so for that time after every start the pod is Ready and in the Service's endpoints while nothing listens on ${target}: callers' connections are refused (a mesh proxy in front fails fast) until it does`,
          evidence: [
            `describe_pod ${pod}: Readiness: ${probe.slice(0, 160)}`,
            `describe_service: endpoint ${ip}:${target}`,
            `get_pod_logs ${pod}: "${quote(early.line)}"`,
            `get_pod_logs ${pod}: "${quote(late.line)}"`,
          ],
          ...(deployment
            ? {
                fix: setProbeFix(
                  ns,
                  deployment,
                  c.name,
                  'readiness',
                  { tcpSocket: { port: target }, ...timing },
                  `probe readiness of ${deployment}/${c.name} on port ${target}, the port its Service sends traffic to`,
                ),
              }
            : {}),
          advice: `check readiness on port ${target} (a TCP check, or the program's own health endpoint on that port), so the pod joins the Service only once it serves there`,
        });
      }
    }
    return out.slice(0, 2);
  },
};

/** The number of a container's named port, from its description's `Ports:` line (`9090/TCP (admin)`). */
function namedPort(body: string, name: string): number | undefined {
  const ports = describedField(body, 'Ports') ?? '';
  for (const p of ports.slice(0, 2000).split(',')) {
    const m = /^\s*(\d{1,5})\/\w{1,8}\s*\(([a-z0-9-]{1,15})\)\s*$/.exec(p);
    if (m && m[2] === name) return Number(m[1]);
  }
  return undefined;
}

/** Words of a line that reports a listener failing, not listening. */
const NOT_LISTENING = /\b(?:fail(?:ed|s|ure)?|error|cannot|can't|unable|could not|in use|refused|denied)\b/i;

/**
 * The first line of a log that says the program listens on `port` on an address the kubelet and other
 * pods reach (not the loopback interface), with its time; undefined when none has a time that can be read.
 */
function firstListen(log: string, port: number): { line: string; at: number } | undefined {
  for (const line of log.slice(-200_000).split('\n')) {
    if (line.length > 2000 || !line.includes(String(port)) || NOT_LISTENING.test(line)) continue;
    const a = listenAddresses(line).find((x) => x.port === port);
    if (!a || /^(?:127\.|localhost$|\[?::1\]?$)/.test(a.host)) continue;
    const at = stampOf(line);
    if (at !== undefined) return { line, at };
  }
  return undefined;
}

/**
 * A log line's time in epoch milliseconds: a leading ISO stamp (`lineStamp`), Go's standard logger's
 * (`2026/03/20 14:35:02`), or a JSON line's `time`, `ts` or `timestamp` field holding an ISO stamp.
 */
function stampOf(line: string): number | undefined {
  const lead = lineStamp(line);
  if (lead !== undefined) return lead;
  const go = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d)/.exec(line.trimStart());
  if (go) {
    const t = Date.parse(`${go[1]}-${go[2]}-${go[3]}T${go[4]}Z`);
    return Number.isNaN(t) ? undefined : t;
  }
  const json = /"(?:time|ts|timestamp)"\s?:\s?"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)/.exec(line.slice(0, 2000));
  if (json) {
    const t = Date.parse(`${json[1]!.replace(' ', 'T')}Z`);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}
