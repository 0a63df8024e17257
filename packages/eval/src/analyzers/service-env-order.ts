import { parseDuration } from '@sre-harness/tools-k8s';
import { loopbackTarget } from '../baseline/signatures/containers/crash.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  type Finding,
  outputs,
  ownerName,
  podListOf,
  type Read,
  unmadeReads,
} from './types.js';

/**
 * The port of a refused connection to the pod's own loopback that a log shows: `127.0.0.1:5432` on one line
 * (see `loopbackTarget`), or libpq's two lines (`Is the server running on host "127.0.0.1" and accepting` /
 * `TCP/IP connections on port 5432?`). At most the last 200,000 characters read.
 */
export function loopbackPort(log: string): { port: number; line: string } | undefined {
  const one = loopbackTarget(log);
  if (one) return { port: Number(one.address.slice(one.address.lastIndexOf(':') + 1)), line: one.line };
  const lines = log.slice(-200_000).split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (line.length > 4000 || !/running on host "(?:127\.0\.0\.1|localhost|::1)"/.test(line)) continue;
    const port = /connections on port (\d{1,5})\b/.exec(lines[i + 1]!.slice(0, 4000))?.[1];
    if (port) return { port: Number(port), line: `${line.trim()} ${lines[i + 1]!.trim()}` };
  }
  return undefined;
}

/** Services at least this much younger than a pod were created after it (seconds). */
const AFTER = 60;

/**
 * A program that finds a Service through the variables Kubernetes gives a pod for each Service of its
 * namespace (`DATABASE_SERVICE_HOST`, `DATABASE_SERVICE_PORT`) gets them only for the Services that existed
 * when the pod was created (kubernetes.io, "Service", Environment variables: the Service must be created
 * before the client pods). Pods started before the Service lack them, and a program that falls back to
 * localhost then has its connections refused in its own pod. Found when a running pod's log shows a refused
 * connection to its loopback on a port a Service of the namespace serves, and that Service is younger than
 * the pod; the fix is a restart (new pods get the variables).
 */
export const serviceEnvOrderAnalyzer: Analyzer = {
  name: 'service-env-order',
  reads({ seen, ns }): Read[] {
    const refused = outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    ).some((o) => loopbackPort(o.content) !== undefined);
    return refused ? unmadeReads(seen, [{ tool: 'list_services', args: { namespace: ns } }]) : [];
  },
  finds({ seen, ns }): Finding[] {
    const services = outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).pop();
    const pods = parseTable(podListOf(seen, ns)?.content.slice(0, 200_000) ?? '');
    if (!services || pods.length === 0) return [];
    const rows = parseTable(services.content.slice(0, 200_000));
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      const row = pods.find((r) => r['NAME'] === pod);
      const age = parseDuration(row?.['AGE'] ?? '');
      if (!row || age === undefined || row['STATUS'] !== 'Running') continue;
      const refused = loopbackPort(o.content);
      if (!refused) continue;
      const svc = rows.find((r) => {
        const ports = (r['PORT(S)'] ?? '').split(',').map((p) => Number.parseInt(p, 10));
        const made = parseDuration(r['AGE'] ?? '');
        return (
          ports.includes(refused.port) &&
          made !== undefined &&
          made + AFTER <= age &&
          !/<none>/.test(r['ENDPOINTS'] ?? '<none>')
        );
      });
      if (!svc) continue;
      const name = svc['NAME'] ?? '';
      const owner = ownerName(pod);
      const variable = `${name.toUpperCase().replace(/-/g, '_')}_SERVICE_HOST`;
      return [
        {
          weight: 90,
          object: `deployment ${owner}`,
          cause: `the pods of ${owner} predate Service ${name}: they were created before the Service existed (${pod} is ${row['AGE']} old, Service ${name} only ${svc['AGE']}). Kubernetes gives a pod the ${variable} and ${variable.replace(/HOST$/, 'PORT')} variables only for the Services that existed when the pod was created, so these pods have none for ${name}, and the program falls back to the pod's own loopback, where nothing listens: "${clip(refused.line.trim(), 180)}". Service ${name} itself serves port ${refused.port} with endpoints (${clip(svc['ENDPOINTS'] ?? '', 60)})`,
          evidence: [
            `get_pod_logs ${pod}: ${clip(refused.line.trim(), 160)}`,
            `list_services ${ns}: ${name} ${svc['PORT(S)']} AGE ${svc['AGE']}; list_pods: ${pod} AGE ${row['AGE']}`,
          ],
          advice: `restart deployment ${owner} so its new pods get the ${variable} variables (or point the program at the Service's DNS name ${name}.${ns}.svc, which does not depend on the order of creation)`,
          fix: {
            tool: 'restart_deployment',
            args: { namespace: ns, name: owner },
            text: `restart deployment ${owner} so its new pods get the variables of Service ${name} (${variable})`,
          },
        },
      ];
    }
    return [];
  },
};
