import { type Analyzer, clip, type Finding, namespaceNames, outputs, podsOf, type Read } from './types.js';

// A question about an outage or errors during deploys.
const ASKED =
  /\b(?:deploy\w*|rollouts?|releases?)\b[^.?!]{0,160}\b(?:outage|503s?|502s?|downtime|errors?|unavailable)\b|\b(?:outage|503s?|downtime)\b[^.?!]{0,160}\bdeploy/i;
// Namespaces where an event exporter or logger usually runs.
const OBSERVABILITY = /^(?:monitoring|logging|observability|kube-system|events?)$/;
const EVENT_LOGGER = /event/;
// A language runtime started directly (no init process such as tini or dumb-init in front of it).
const RUNTIME = /^(?:node|python3?|java|ruby|php|dotnet|npm|yarn)\b/;
const INIT = /\b(?:tini|dumb-init|s6-svscan|catatonit)\b/;

/**
 * Pods that do not stop on SIGTERM because their program runs as PID 1 without a handler: the kernel
 * applies no default action to a signal sent to PID 1, so a runtime started directly (`node server.js`,
 * no tini or dumb-init) ignores SIGTERM unless the program handles it, each stop waits out the whole
 * grace period (terminationGracePeriodSeconds, 30 s by default) and ends with SIGKILL, exit code 137
 * (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination). Under the
 * Recreate strategy the new pods start only once every old one is gone, so each deploy is an outage
 * of that length. Read from the deployment, the program's own "pid 1" line and an event logger's
 * record of the old containers' exit codes.
 */
export const pid1SigtermAnalyzer: Analyzer = {
  name: 'pid1-sigterm',
  reads(ctx): Read[] {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const recreate = outputs(ctx.seen, 'describe_deployment', (o) => o.args['namespace'] === ctx.ns).some(
      (o) => /^StrategyType:\s+Recreate$/m.test(o.content),
    );
    if (!recreate) return [];
    const names = namespaceNames(ctx.seen);
    if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const reads: Read[] = [];
    for (const ns of names.filter((n) => n !== ctx.ns && OBSERVABILITY.test(n)).slice(0, 2)) {
      const pods = podsOf(ctx.seen, ns);
      if ('read' in pods) {
        reads.push(pods.read);
        continue;
      }
      const logger = pods.rows.find((r) => EVENT_LOGGER.test(r['NAME'] ?? ''));
      if (logger) reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: logger['NAME'] } });
    }
    return reads;
  },
  finds(ctx) {
    if (!ASKED.test(ctx.task.slice(0, 4000))) return [];
    const out: Finding[] = [];
    for (const d of outputs(ctx.seen, 'describe_deployment', (o) => o.args['namespace'] === ctx.ns)) {
      if (!/^StrategyType:\s+Recreate$/m.test(d.content)) continue;
      const name = String(d.args['name']);
      const command = /^\s+Command:\s+(.{1,300})$/m.exec(d.content)?.[1]?.trim();
      if (!command || !RUNTIME.test(command) || INIT.test(command)) continue;
      // The program saying it runs as PID 1, and the old containers' ends.
      const own = outputs(ctx.seen, 'get_pod_logs', (o) => String(o.args['name']).startsWith(`${name}-`))
        .flatMap((o) => o.content.split('\n'))
        .find((l) => l.length <= 2000 && /\bpid[ =:]1\b/i.test(l));
      const killed = outputs(ctx.seen, 'get_pod_logs', (o) => EVENT_LOGGER.test(String(o.args['name'])))
        .flatMap((o) => o.content.slice(-200_000).split('\n'))
        .filter((l) => l.includes(`/${name}-`) && /exit ?code[=: ]+137\b/i.test(l));
      if (!own && killed.length === 0) continue;
      const grace = /^\s+Termination Grace Period:\s+(\S{1,20})/m.exec(d.content)?.[1];
      out.push({
        weight: 86,
        object: `deployment ${name}`,
        cause: `${name}'s old pods do not stop on SIGTERM: its program runs as PID 1 (command "${clip(command, 60)}", no init such as tini in front of it)${own ? ` — its log: "${clip(own.trim(), 120)}"` : ''} — and registers no SIGTERM handler, and the kernel applies no default action to a signal sent to PID 1, so each old container waits out the whole grace period (${grace ?? 'terminationGracePeriodSeconds, 30s by default'}) and is then killed with SIGKILL (exit code 137)${killed.length ? ` ("${clip(killed[0]!.trim(), 160)}")` : ''}. With the Recreate strategy the new pods start only after every old pod is gone, so every deploy leaves that half minute with no ${name} pod at all: the 503s. The new image is not slow to boot`,
        evidence: [
          `describe_deployment ${name}: StrategyType Recreate; Command ${clip(command, 60)}`,
          ...(own ? [`get_pod_logs ${name}: "${clip(own.trim(), 160)}"`] : []),
          ...killed.slice(0, 1).map((l) => `event logger: "${clip(l.trim(), 160)}"`),
        ],
        advice: `make the program stop on SIGTERM: handle the signal in the program (close the server, then exit), or run it under an init (tini or dumb-init as the entrypoint, or shareProcessNamespace) that forwards signals; then stops take a second instead of the grace period`,
      });
    }
    return out;
  },
};
