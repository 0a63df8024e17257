import { type Analyzer, bonus, clip, type Finding, namespacePods, outputs, section } from './types.js';

const ERRORS = /\b(?:50[234]s?|5xx|bad gateway|errors?|downtime|dropped|failed requests)\b/i;
const ROLLOUTS = /\b(?:deploy\w{0,3}|rollouts?|releases?|restarts?|rolling update)\b/i;
const FAILING =
  /CrashLoopBackOff|ImagePullBackOff|ErrImagePull|InvalidImageName|OOMKilled|CreateContainer\w*Error|RunContainerError|Init:|\bError\b/;
// How programs log the time they took to start (Spring Boot, Quarkus, Node frameworks, cache warmers).
const STARTED =
  /\b(?:started|ready|warm(?:ed)?|initiali[sz]ed|loaded)\b[^\n]{0,80}?\b(?:in )?\(?(\d{1,4}(?:\.\d{1,3})?) ?(?:s|sec|seconds)\b/i;

/**
 * A Deployment whose containers have no readiness probe: a new pod counts as Ready, and joins its
 * Service's endpoints, the moment its containers start, before the program listens or has warmed up;
 * during a rolling update the old pods are taken away meanwhile, so requests reach pods that cannot
 * answer yet and the ingress returns 502/503 for about the start-up time (kubernetes.io, "Configure
 * Liveness, Readiness and Startup Probes", and "Deployments": rolling update). Found when the question
 * reports errors around deploys, with the start-up time the program logs when it is read, and only
 * for a template that declares a container port (a program that serves).
 */
export const noReadinessAnalyzer: Analyzer = {
  name: 'no-readiness',
  reads: () => [],
  finds(ctx) {
    const { task, ns, seen, hints } = ctx;
    const text = task.slice(0, 4000);
    if (!ERRORS.test(text) || !ROLLOUTS.test(text)) return [];
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_deployment', (o) => o.args['namespace'] === ns)) {
      const name = String(d.args['name'] ?? '');
      if (bonus(name, hints) === 0) continue;
      const template = section(d.content, 'Pod Template');
      if (!/^\s+Containers:/m.test(template) || /^\s+Readiness:/m.test(template)) continue;
      // A program that declares no port (a queue worker, a batch consumer) is in no Service's
      // endpoints: a readiness probe would not change who gets traffic.
      if (!/^\s+Ports?:\s+\S/m.test(template)) continue;
      // Pods that crash, restart or never start fail for a reason of their own, not for their warm-up.
      const ofIt = (pod: string) => pod.startsWith(`${name}-`);
      const failing =
        namespacePods(ctx).some(
          (r) =>
            ofIt(r['NAME'] ?? '') && (FAILING.test(r['STATUS'] ?? '') || /^[1-9]/.test(r['RESTARTS'] ?? '')),
        ) ||
        outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns && ofIt(String(o.args['name']))).some(
          (o) => FAILING.test(o.content) || /Exit Code:\s+[1-9]/.test(o.content),
        );
      if (failing) continue;
      const started = outputs(seen, 'get_pod_logs', (o) => String(o.args['name']).startsWith(`${name}-`))
        .flatMap((o) => o.content.split('\n'))
        .map((l) => ({ l, s: STARTED.exec(l)?.[1] }))
        .filter((x) => x.s !== undefined)
        .pop();
      out.push({
        weight: started ? 84 + bonus(name, hints) : 72 + bonus(name, hints),
        object: `deployment ${name}`,
        cause: `deployment ${name}'s containers have no readiness probe, so each new pod counts as Ready and joins the Service's endpoints as soon as its containers start, before the program listens and has warmed up${
          started ? ` (it logs "${clip(started.l.trim(), 140)}": about ${started.s} s of warm-up)` : ''
        }; during a rolling update the old pods are removed meanwhile, so for that long requests reach pods that cannot answer yet and the ingress returns 502s`,
        evidence: [
          `describe_deployment ${name}: no Readiness probe in the pod template`,
          ...(started ? [`get_pod_logs: "${clip(started.l.trim(), 140)}"`] : []),
        ],
        advice: `add a readinessProbe to ${name} that passes only once the program serves (its health or ready endpoint), so a pod gets traffic after warm-up; with maxUnavailable 0 the old pods then stay until the new ones are Ready`,
      });
    }
    return out.slice(0, 1);
  },
};
