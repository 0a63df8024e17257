import { listenAddresses, setProbeFix } from './probes.js';
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
    const services = outputs(seen, 'describe_service', (o) => o.args['namespace'] === ns);
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      const ip = /^IP:\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/m.exec(d.content.slice(0, 20_000))?.[1];
      if (!ip) continue;
      // The ports the Services send this pod's traffic to (their endpoints list its IP).
      const served = new Set<number>();
      for (const s of services) {
        const endpoints = describedField(s.content, 'Endpoints') ?? '';
        for (const e of endpoints.slice(0, 4000).split(','))
          if (e.trim().startsWith(`${ip}:`)) served.add(Number(e.trim().slice(ip.length + 1)));
      }
      if (served.size !== 1) continue;
      const [target] = [...served];
      const sections = containerSections(d.content).filter((c) => !c.init);
      for (const [i, c] of sections.entries()) {
        const probe = describedField(c.body, 'Readiness');
        const probed = probe
          ? /^(?:http-get|tcp-socket) [^\s:]{0,253}:(\d{1,5})\b/.exec(probe)?.[1]
          : undefined;
        if (!probe || probed === undefined || Number(probed) === target) continue;
        const log = outputs(
          seen,
          'get_pod_logs',
          (o) =>
            o.args['name'] === pod &&
            !o.args['previous'] &&
            (o.args['container'] === c.name || (o.args['container'] === undefined && i === 0)),
        ).pop();
        if (!log) continue;
        const said = listenAddresses(log.content);
        const early = said.find((a) => a.port === Number(probed));
        const late = said.find((a) => a.port === target);
        const t1 = early ? lineStamp(early.line) : undefined;
        const t2 = late ? lineStamp(late.line) : undefined;
        if (t1 === undefined || t2 === undefined || (t2 - t1) / 1000 < GAP_SECONDS) continue;
        const gap = Math.round((t2 - t1) / 1000);
        const deployment = ownerDeployment(d.content);
        // The probe's timing as kubectl prints it (`delay=0s timeout=1s period=5s #success=1 #failure=3`).
        const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\d{1,6})s?(?=\\s|$)`).exec(probe)?.[1];
        const timing: Record<string, number> = {};
        for (const [name, key] of [
          ['delay', 'initialDelaySeconds'],
          ['timeout', 'timeoutSeconds'],
          ['period', 'periodSeconds'],
          ['#failure', 'failureThreshold'],
        ] as const) {
          const v = field(name);
          if (v !== undefined) timing[key] = Number(v);
        }
        out.push({
          weight: 72,
          object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
          cause: `the readiness probe of container ${c.name} checks port ${probed}, not port ${target}, where its Service sends the traffic: its log shows port ${probed} listening ${gap} s before port ${target} ("${early!.line.trim().slice(0, 140)}", then "${late!.line.trim().slice(0, 140)}"), so for that time after every start the pod is Ready and in the Service's endpoints while nothing listens on ${target}: callers' connections are refused (a mesh proxy in front fails fast) until it does`,
          evidence: [
            `describe_pod ${pod}: Readiness: ${probe.slice(0, 160)}`,
            `describe_service: endpoint ${ip}:${target}`,
            `get_pod_logs ${pod}: "${early!.line.trim().slice(0, 160)}"`,
            `get_pod_logs ${pod}: "${late!.line.trim().slice(0, 160)}"`,
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
