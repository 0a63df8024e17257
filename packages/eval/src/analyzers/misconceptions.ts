import { parseQuantity } from '@sre-harness/tools-k8s';
import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { alarmCleared } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  evicting,
  flat,
  metricLines,
  namespacePods,
  outputs,
  podListOf,
  type Read,
  runningAndReady,
  tableOf,
} from './types.js';

/**
 * A state people often take for a fault that Kubernetes documents as expected: `asks` matches the
 * question (the person's own words), `holds` checks what the reads show and says why it is normal.
 * Each entry cites the documentation it follows.
 */
interface Misconception {
  readonly name: string;
  readonly asks: RegExp;
  holds(ctx: AnalyzerContext): string | undefined;
  /** What to read before the note can be said, when the usual reads do not show it. */
  reads?(ctx: AnalyzerContext): Read[];
  /** Its reads are one cheap look the question names outright: made early, before the budget runs out. */
  readonly early?: true;
}

/** Pods Running and Ready with no restarts. */
function healthyPods(ctx: AnalyzerContext) {
  return runningReady(ctx).filter((r) => r['RESTARTS'] === '0');
}

/** Pods Running with every container ready, whatever their restarts. */
function runningReady(ctx: AnalyzerContext) {
  return namespacePods(ctx).filter((r) => {
    const ready = /^(\d{1,3})\/(\d{1,3})$/.exec(r['READY'] ?? '');
    return r['STATUS'] === 'Running' && !!ready && ready[1] === ready[2];
  });
}

/** How a consumer says it set a message aside rather than failing on it. */
const HANDLED = [
  'dead-letter',
  'dead letter',
  'dead_letter',
  'dlq',
  'dlx',
  'parking lot',
  'parking-lot',
  'quarantin',
  'skipping message',
  'skipping record',
  'discarding message',
];

/** The Services of the namespace whose description shows no selector. */
function selectorless(ctx: AnalyzerContext): string[] {
  return outputs(ctx.seen, 'describe_service', (o) => o.args['namespace'] === ctx.ns)
    .filter((o) => /^Selector:\s+<none>\s*$/m.test(o.content))
    .map((o) => String(o.args['name'] ?? ''))
    .filter(Boolean);
}

/** A PriorityClass whose name says it holds placeholder pods (overprovisioning's), from a listing of them. */
function lowPriorityClass(ctx: AnalyzerContext): string | undefined {
  const list = outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === 'PriorityClass').pop();
  return parseTable(list?.content ?? '')
    .map((r) => r['NAME'] ?? '')
    .find((n) => /overprovision|placeholder|balloon|filler/i.test(n));
}

/**
 * The namespace of the placeholder workload a search by the class's name, or by `placeholder`, found (a
 * Deployment of that name in a namespace other than `-`).
 */
function placeholderNamespace(ctx: AnalyzerContext, low: string | undefined): string | undefined {
  if (!low) return undefined;
  for (const o of outputs(
    ctx.seen,
    'find_objects',
    (x) => x.args['name'] === low || x.args['name'] === 'placeholder',
  ))
    for (const r of parseTable(o.content.slice(0, 200_000)))
      if (r['KIND'] === 'Deployment' && r['NAMESPACE'] && r['NAMESPACE'] !== '-') return r['NAMESPACE'];
  return undefined;
}

/** The jvm-heap-bounded note (see that entry), or undefined when it does not hold. */
function jvmHeapNote(ctx: AnalyzerContext): string | undefined {
  const metrics = outputs(ctx.seen, 'get_pod_metrics', (o) => o.args['namespace'] === ctx.ns)
    .map((o) => o.content)
    .join('\n');
  if (!metrics || /oomKills: [1-9]/.test(metrics)) return undefined;
  const text = outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)
    .concat(outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns))
    .map((o) => o.content)
    .join('\n');
  const xmx = /-Xmx(\d{1,6}[kKmMgG]?)\b/.exec(text)?.[1];
  // A heap that runs out (the JVM's own OutOfMemoryError) is no normal footprint.
  if (!xmx || /OutOfMemoryError/.test(text)) return undefined;
  const heapBytes = parseQuantity(
    `${xmx.replace(/[kKmMgG]$/, '')}${{ k: 'Ki', m: 'Mi', g: 'Gi' }[xmx.slice(-1).toLowerCase()] ?? ''}`,
  );
  const limitLine = metrics.split('\n').find((l) => /memory \S+ \/ (?:request \S+ \/ )?limit \S+/.test(l));
  const limit = parseQuantity(/limit (\S+) \(/.exec(limitLine ?? '')?.[1] ?? '');
  if (heapBytes === undefined || limit === undefined || heapBytes >= limit) return undefined;
  // A young collection's before->after(committed): the heap brought back down each cycle.
  const gc = text
    .split('\n')
    .find((l) => /Pause (?:Young|Full|Mixed)[^\n]{0,120}\d{1,6}M->\d{1,6}M\(\d{1,6}M\)/.test(l));
  const after = gc ? /->(\d{1,6}M)\(/.exec(gc)?.[1] : undefined;
  return `The memory near the limit is the JVM's normal footprint, not a leak: its heap is capped at -Xmx${xmx}, below the container's memory limit, and the rest of the working set is the JVM's own non-heap memory (metaspace, thread stacks, code cache, GC structures), which stays flat. The heap fills up to -Xmx and is collected back down${gc ? ` (its GC log: "${clip(gc.trim(), 110)}", back to ${after} after each young collection: a sawtooth, not growth)` : ''}, so the usage levels off below the limit instead of climbing. ${limitLine ? `Now: ${clip(limitLine.trim(), 110)}; ` : ''}no OOM kills. It will not be OOM-killed and there is no need to double the limit; alert on heap after GC (or GC time) rather than on the container's working set.`;
}

/** The exit-137-sigkill-not-oom note (see that entry), or undefined when it does not hold. */
function sigkillNote(ctx: AnalyzerContext): string | undefined {
  const metrics = outputs(ctx.seen, 'get_pod_metrics', (o) => o.args['namespace'] === ctx.ns)
    .map((o) => o.content)
    .join('\n');
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
    const pod = String(d.args['name'] ?? '');
    for (const c of containerSections(d.content)) {
      const last = /Last State:\s+Terminated\s*\n\s+Reason:\s+(\S+)\s*\n\s+Exit Code:\s+(\d+)/.exec(c.body);
      if (last?.[2] !== '137' || last[1] === 'OOMKilled') continue;
      // Running and Ready again, and the OOM killer was not involved.
      if (!runningAndReady(c.body)) continue;
      const line = metrics.split('\n').find((l) => l.includes(pod));
      if (line && /oomKills: [1-9]/.test(line)) continue;
      const restarts = /Restart Count:\s+(\d+)/.exec(c.body)?.[1] ?? '?';
      const finished = /^\s*Finished:\s+(.{1,60})$/m.exec(c.body)?.[1]?.trim();
      const node = /^Node:\s+([^\s/]+)/m.exec(d.content)?.[1];
      // What the node went through: a reboot, a drain, a shutdown (its events, as describe_node lists them).
      const nodeEvents = node
        ? outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node)
            .flatMap((o) => o.content.split('\n'))
            .map((l) => l.trim().replace(/\s{2,}/g, ' '))
            .filter((l) =>
              /\b(?:Rebooted|NodeNotSchedulable|NodeNotReady|Shutdown|NodeShutdown|Drain\w{0,8}|Cordon\w{0,6})\b/.test(
                l,
              ),
            )
            .slice(0, 3)
        : [];
      // The program's own last words: it got SIGTERM and was still shutting down.
      const previous = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] === pod && o.args['previous'] === true,
      )
        .flatMap((o) => o.content.slice(-100_000).split('\n'))
        .find((l) => /\bSIGTERM\b|received signal|terminated signal|shutting down|graceful/i.test(l));
      const usage = line
        ? /memory \S+ \/ (?:request \S+ \/ )?limit \S+ \(\d{1,4}%\)/.exec(line)?.[0]
        : undefined;
      return `Exit code 137 is 128 + 9: the process of ${pod} (container ${c.name}) was killed with SIGKILL. Its last state says reason ${last[1]}, not OOMKilled${line ? ', and the pod has no OOM kills' : ''}, so the kernel's OOM killer did not end it${usage ? ` (${usage} now)` : ''}. The kubelet stops a container with SIGTERM and kills it with SIGKILL once terminationGracePeriodSeconds (30 s by default) has passed${nodeEvents.length ? `; its node ${node} was drained and rebooted around then (${nodeEvents.map((e) => `"${clip(e, 110)}"`).join(', ')})${finished ? `, and the container ended at ${finished}` : ''}` : finished ? `; the container ended at ${finished}` : ''}${previous ? `; its previous log shows it got SIGTERM and was still shutting down ("${clip(previous.trim(), 120)}"), longer than the grace period, so it was killed` : ''}. It restarted (${restarts} restart${restarts === '1' ? '' : 's'}) and has run Ready since: this was a stop during ${nodeEvents.length ? 'node maintenance' : 'a pod stop'}, not a fault, and no action or memory change is needed. To let it finish its own shutdown next time, give it a terminationGracePeriodSeconds longer than its shutdown takes.`;
    }
  }
  return undefined;
}

const MISCONCEPTIONS: readonly Misconception[] = [
  // The kubelet's container-stats code (cAdvisor's container handlers) reports each container the runtime
  // shows that no pod of this kubelet owns (a CNI agent's or a node agent's own container, a leftover one)
  // with "… is not managed by kubelet", a debug-level line that appears only at a high log verbosity.
  {
    name: 'kubelet-unmanaged-container',
    asks: /is not managed by (?:the )?kubelet/i,
    holds(ctx) {
      const pods = namespacePods(ctx).filter(
        (r) => r['STATUS'] !== 'Completed' && r['STATUS'] !== 'Succeeded',
      );
      const up = runningReady(ctx);
      if (pods.length === 0 || up.length !== pods.length) return undefined;
      return `The kubelet's "is not managed by kubelet" lines are debug-level output of its container statistics (cAdvisor): it walks every container the runtime shows and says so for each one no pod of this kubelet created. They are printed only when the kubelet runs with a high log verbosity (--v=4 or more), so a flood of them means the kubelet's log level was raised, not that the container is broken. Every pod of namespace ${ctx.ns} is Running and Ready (${up.length} of ${pods.length}): the messages are harmless, nothing is wrong and pod networking is not at risk; lower the kubelet's verbosity (--v=2, or verbosity: 2 in its configuration) to stop the log volume`;
    },
  },
  // The kubelet, starting after a reboot, rebuilds its record of the volumes mounted for pods from the pod
  // directories under /var/lib/kubelet/pods ("volume reconstruction", kubelet volumemanager reconciler's
  // reconstruct.go) and logs "Could not construct volume information" for one it cannot rebuild (a pod
  // gone, a mount lost with the reboot); it then cleans that directory up, and each pod's volumes are
  // mounted again when the pod starts.
  {
    name: 'volume-reconstruction',
    asks: /could not construct volume information|volume reconstruction/i,
    holds(ctx) {
      // A finished Job's pod (Completed) is not one that should be running.
      const pods = namespacePods(ctx).filter(
        (r) => r['STATUS'] !== 'Completed' && r['STATUS'] !== 'Succeeded',
      );
      const up = runningReady(ctx);
      if (pods.length === 0 || up.length !== pods.length) return undefined;
      return `The kubelet's "Could not construct volume information" comes from volume reconstruction: when the kubelet starts again after a reboot it rebuilds its record of the volumes mounted for pods from the pod directories on the node, and for a volume it cannot rebuild (a pod that is gone, a mount the reboot removed) it logs this and cleans the directory up; each pod's volumes are mounted afresh when the pod starts. Every pod of namespace ${ctx.ns} is Running and Ready (${up.length} of ${pods.length}), so the volumes were mounted again: the warning is harmless after node reboots, nothing is wrong and no action is needed`;
    },
  },
  // An ingress-nginx canary Ingress gets only the traffic its annotations route to it: by header, by
  // cookie (set to "always"), else by weight (0 sends none). A canary with a cookie rule and weight 0
  // serves only the people who opt in, by design.
  // https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
  {
    name: 'ingress-nginx-canary',
    asks: /\bcanary\b/i,
    reads(ctx) {
      const described = new Set(
        outputs(ctx.seen, 'describe_resource', (o) => /^ingress(?:es)?$/i.test(String(o.args['kind']))).map(
          (o) => String(o.args['name']),
        ),
      );
      return outputs(ctx.seen, 'find_objects')
        .flatMap((o) => parseTable(o.content))
        .filter(
          (r) =>
            r['KIND'] === 'Ingress' && /canary/i.test(r['NAME'] ?? '') && !described.has(r['NAME'] ?? ''),
        )
        .slice(0, 1)
        .map(
          (r): Read => ({
            tool: 'describe_resource',
            args: { kind: 'Ingress', name: r['NAME'], namespace: r['NAMESPACE'] ?? ctx.ns },
          }),
        );
    },
    holds(ctx) {
      for (const o of outputs(ctx.seen, 'describe_resource', (x) =>
        /^ingress(?:es)?$/i.test(String(x.args['kind'])),
      )) {
        const notes = /^Annotations:\s+(.{1,2000})$/m.exec(o.content)?.[1] ?? '';
        const get = (key: string) =>
          new RegExp(`(?:^|,)nginx\\.ingress\\.kubernetes\\.io/${key}=([^,]{0,200})`)
            .exec(notes)?.[1]
            ?.trim();
        if (get('canary') !== 'true') continue;
        const name = String(o.args['name'] ?? '');
        const header = get('canary-by-header');
        const cookie = get('canary-by-cookie');
        const weight = get('canary-weight');
        const rules = [
          header
            ? `requests with header ${header}${get('canary-by-header-value') ? `: ${get('canary-by-header-value')}` : ''}`
            : '',
          cookie ? `requests with cookie ${cookie}=always` : '',
          weight !== undefined ? `${weight}% of the rest (canary-weight ${weight})` : '',
        ].filter(Boolean);
        const optIn = (header || cookie) && (weight === undefined || Number(weight) === 0);
        return `Ingress ${name} is an ingress-nginx canary (canary: "true"): the controller sends it only ${rules.join(', and ') || 'what its canary rules select'}${optIn ? '; with weight 0 no ordinary visitor reaches it, only those who opt in' : ''}. A canary serving a small share, or only opted-in users, is how it is configured, not a fault: it is working as designed and no change is needed unless the release plan says to widen it (raise canary-weight).`;
      }
      return undefined;
    },
  },
  // A Service without a selector gets no endpoints from Kubernetes' endpoints controller: whoever
  // manages it writes its Endpoints (kubernetes.io, "Service": Services without selectors). Patroni,
  // with Kubernetes as its store, keeps the leader's address there and its state in the Endpoints'
  // annotations (leader, optime), so the Service always points at the primary.
  {
    name: 'selectorless-service',
    asks: /\b(?:no selector|without (?:a )?selector|selector-?less|(?:add|missing) (?:a )?selector)\b/i,
    reads(ctx) {
      return selectorless(ctx)
        .filter(
          (name) =>
            !outputs(
              ctx.seen,
              'describe_resource',
              (o) => /^endpoints$/i.test(String(o.args['kind'])) && o.args['name'] === name,
            ).length,
        )
        .slice(0, 1)
        .map(
          (name): Read => ({
            tool: 'describe_resource',
            args: { kind: 'Endpoints', name, namespace: ctx.ns },
          }),
        );
    },
    holds(ctx) {
      for (const name of selectorless(ctx)) {
        const ep = outputs(
          ctx.seen,
          'describe_resource',
          (o) =>
            /^endpoints$/i.test(String(o.args['kind'])) &&
            o.args['name'] === name &&
            o.args['namespace'] === ctx.ns,
        ).pop()?.content;
        if (!ep) continue;
        const target = /addresses\[0\]\.targetRef\.name: (\S{1,253})/.exec(ep)?.[1];
        const ip = /addresses\[0\]\.ip: (\S{1,45})/.exec(ep)?.[1];
        if (!target && !ip) continue;
        const annotations = /^Annotations:\s+(.{1,500})$/m.exec(ep)?.[1] ?? '';
        const leader = /(?:^|,)leader=([a-z0-9.-]{1,253})/.exec(annotations)?.[1];
        return `Service ${name} has no selector on purpose, and it is not broken: a Service without a selector gets no endpoints from Kubernetes' endpoints controller, so whoever manages it writes its Endpoints object, and ${name}'s points at ${target ?? ip}${ip && target ? ` (${ip})` : ''}${
          leader
            ? `. Its annotations (${clip(annotations, 80)}) are Patroni's: with Kubernetes as its store, Patroni writes the current leader (the primary) into these Endpoints and moves them on a failover, so ${name} always reaches the primary`
            : ', maintained by the controller that owns it'
        }. Adding a selector would hand the Endpoints to the endpoints controller, which would list every pod the selector matches (replicas included) and overwrite what ${leader ? 'Patroni' : 'its manager'} writes. This is expected and by design: no change is needed; tell the linter to ignore this Service.`;
      }
      return undefined;
    },
  },
  // A PodDisruptionBudget whose minAvailable equals the pods it covers allows no voluntary eviction:
  // that is what it is for, and the PodDisruptionBudgetAtLimit alert (kube-prometheus' mixin) only says
  // the budget is at its limit. It matters when a drain has to move the pod, not before.
  // https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets
  {
    name: 'pdb-at-limit',
    asks: /\b(?:PodDisruptionBudget\w{0,8}|pdbs?|disruption budgets?|budget)\b/i,
    holds(ctx) {
      if (evicting(ctx)) return undefined;
      const line = outputs(ctx.seen, 'scan', (o) => o.args['namespace'] === ctx.ns)
        .flatMap((o) => o.content.split('\n'))
        .find(
          (l) =>
            l.length <= 2000 &&
            /PodDisruptionBudget \S{1,253} allows no disruptions \(disruptionsAllowed 0\)/.test(l),
        );
      if (!line) return undefined;
      const name = /PodDisruptionBudget (\S{1,253}) allows/.exec(line)![1]!;
      const rule = /\(disruptionsAllowed 0\): ([^,]{1,200}(?:\([^)]{0,80}\))?)/.exec(line)?.[1]?.trim();
      const healthy = /currentHealthy (\d{1,6}) of desiredHealthy (\d{1,6})/.exec(line);
      // What the owners wrote down about it: a note on the budget or its workload (single instance,
      // do not scale).
      const said = outputs(ctx.seen, 'describe_deployment', (o) => o.args['namespace'] === ctx.ns)
        .concat(outputs(ctx.seen, 'describe_resource', (o) => o.args['namespace'] === ctx.ns))
        .flatMap((o) => o.content.split('\n'))
        .map((l) => l.trim().replace(/^Annotations:\s+/, ''))
        .find(
          (l) =>
            l.length <= 400 &&
            /^[\w.-]{1,253}\/[\w.-]{1,63}[=:]/.test(l) &&
            /\b(?:single instance|do not scale|don't scale|only one|one replica|must not scale)\b/i.test(l),
        );
      return `PodDisruptionBudget ${name} is at its limit by design, not a fault: it allows no disruptions${rule ? ` because ${rule}` : ''}${healthy ? `, and ${healthy[1]} of ${healthy[2]} pods are healthy` : ''}. A budget blocks only voluntary evictions (a node drain, the cluster autoscaler); it keeps the pods it covers from being evicted below minAvailable, which is what it was created for, and the PodDisruptionBudgetAtLimit alert only reports that state. Nothing is being drained now and the workload is healthy, so the alert is expected and no action is needed${said ? ` (its owners' note: ${clip(said, 160)})` : ''}; the choice comes only when a drain must move that pod: then evict it during a maintenance window, or run a second replica if the workload allows it.`;
    },
  },
  // The JVM's heap is bounded by -Xmx (or MaxRAMPercentage); the rest of its footprint is metaspace,
  // thread stacks, code cache and GC structures. A heap that a collection brings back down each cycle
  // (the GC log's before->after(committed)) is used and freed, not leaking.
  // https://docs.oracle.com/en/java/javase/21/docs/specs/man/java.html (-Xmx, -Xlog:gc)
  {
    name: 'jvm-heap-bounded',
    asks: /\bmemory\b[^.?!]{0,200}\b(?:limit|leak|oom|grow)|\b(?:leak|oom)\w{0,8}\b[^.?!]{0,120}\bmemory\b/i,
    reads: (ctx) => [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }],
    holds: (ctx) => jvmHeapNote(ctx),
  },
  // Exit status 128 + n for a process ended by signal n (POSIX shells, container runtimes); the kubelet
  // stops a container with SIGTERM, then SIGKILL after terminationGracePeriodSeconds:
  // https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
  {
    name: 'exit-143-sigterm',
    asks: /\b(?:exit(?:ed)?(?: with)?(?: code| status)?|code)\s{0,3}143\b|\bSIGTERM\b/i,
    holds(ctx) {
      if (healthyPods(ctx).length === 0) return undefined;
      const events = outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === ctx.ns)
        .flatMap((o) => o.content.split('\n'))
        .map((l) => l.trim().replace(/\s{2,}/g, ' '));
      const stopping = events.find((l) => /\bKilling\b.{0,200}Stopping container/.test(l));
      const scaled = events.find((l) => /ScalingReplicaSet.{0,200}Scaled (?:up|down) replica set/.test(l));
      const restarted = outputs(ctx.seen, 'describe_deployment', (o) => o.args['namespace'] === ctx.ns)
        .map((o) => /kubectl\.kubernetes\.io\/restartedAt[:=]\s{0,4}(\S{1,40})/.exec(o.content)?.[1])
        .find((x) => x !== undefined);
      if (!stopping && !scaled && !restarted) return undefined;
      const why = [
        restarted
          ? `the deployment's pod template carries kubectl.kubernetes.io/restartedAt ${restarted} (a rollout restart)`
          : '',
        stopping ? `"${clip(stopping, 110)}"` : '',
        scaled ? `"${clip(scaled, 110)}"` : '',
      ].filter(Boolean);
      return `Exit code 143 is 128 + 15: the process ended on SIGTERM, the signal the kubelet sends to stop a container gracefully when its pod is deleted (replaced by a rollout, scaled down, drained), so it was asked to stop, not a crash and not an OOM kill (that is 137, SIGKILL, reason OOMKilled). Here the old pods were replaced by a rollout (${why.join('; ')}), and the pods running now are Ready with no restarts. Nothing needs a rollback or more memory; an alert on non-zero exits should leave out 143 from pods that were being terminated.`;
    },
  },
  // Exit status 137 is 128 + 9, SIGKILL. The kubelet stops a container with SIGTERM and kills it with
  // SIGKILL once terminationGracePeriodSeconds (30 s by default) has passed; an OOM kill is also a
  // SIGKILL, but the kubelet then reports reason OOMKilled:
  // https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
  {
    name: 'exit-137-sigkill-not-oom',
    asks: /\b(?:exit(?:ed)?(?: with)?(?: code| status)?|code)\s{0,3}137\b|\bSIGKILL\b/i,
    reads: (ctx) => {
      const restarted = namespacePods(ctx).filter((r) => /^[1-9]/.test(r['RESTARTS'] ?? ''));
      return [...new Set(restarted.map((r) => r['NODE']).filter((n): n is string => !!n && n !== '<none>'))]
        .map((name): Read => ({ tool: 'describe_node', args: { name } }))
        .concat(
          restarted.map((r) => ({
            tool: 'get_pod_logs',
            args: { namespace: ctx.ns, name: r['NAME'] ?? '', previous: true },
          })),
        );
    },
    holds: (ctx) => sigkillNote(ctx),
  },
  // ingress-nginx rebuilds and reloads NGINX when an Ingress, Service or endpoint it serves changes;
  // the old worker processes close their connections once worker-shutdown-timeout passes, so
  // long-lived connections (websockets) through them drop and clients reconnect:
  // https://kubernetes.github.io/ingress-nginx/how-it-works/#when-a-reload-is-required
  {
    name: 'ingress-reload-drops-long-connections',
    asks: /\b(?:reconnect\w{0,4}|websockets?|disconnect\w{0,4}|dropped connections?|connections? (?:drop|reset)\w{0,4})\b/i,
    reads: (ctx) => {
      const namespaces = tableOf(ctx.seen, 'list_resources')
        .map((r) => r['NAME'] ?? '')
        .filter((n) => /ingress|nginx|traefik|gateway/.test(n));
      const pods = namespaces.flatMap((ns) =>
        parseTable(podListOf(ctx.seen, ns)?.content ?? '')
          .filter(
            (r) => /controller|ingress|nginx|traefik/.test(r['NAME'] ?? '') && r['STATUS'] === 'Running',
          )
          .slice(0, 1)
          .map((r) => ({ ns, name: r['NAME'] ?? '' })),
      );
      return [
        ...namespaces.slice(0, 2).map((namespace): Read => ({ tool: 'list_pods', args: { namespace } })),
        ...pods.map(
          (p): Read => ({
            tool: 'search_pod_logs',
            args: { namespace: p.ns, name: p.name, pattern: 'reload', context: 0, maxMatches: 10 },
          }),
        ),
      ];
    },
    holds(ctx) {
      if (healthyPods(ctx).length === 0) return undefined;
      const reloads = [
        ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] !== ctx.ns),
        ...outputs(ctx.seen, 'search_pod_logs', (o) => o.args['namespace'] !== ctx.ns),
      ]
        .flatMap((o) => o.content.slice(-200_000).split('\n'))
        .map((l) => l.replace(/^\d{1,7}[:-]/, ''))
        .filter((l) =>
          /Backend successfully reloaded|NGINX reload triggered|reloading nginx|Configuration reloaded/i.test(
            l,
          ),
        );
      if (reloads.length === 0) return undefined;
      // The times the question names (09:12), and the reload lines at those times.
      const times = [
        ...new Set(
          [...ctx.task.slice(0, 4000).matchAll(/\b([01]?\d|2[0-3]):([0-5]\d)\b/g)].map(
            (m) => `${m[1]!.padStart(2, '0')}:${m[2]}`,
          ),
        ),
      ];
      const at = times.length ? reloads.filter((l) => times.some((t) => l.includes(t))) : reloads;
      if (times.length && at.length === 0) return undefined;
      const shown = [...new Map(at.map((l) => [times.find((t) => l.includes(t)) ?? l, l])).values()].slice(
        0,
        3,
      );
      return `The brief disconnects line up with the ingress controller reloading NGINX (${shown.map((l) => `"${clip(l.trim(), 110)}"`).join(', ')}): ingress-nginx reloads its configuration whenever an Ingress, Service or endpoint it serves changes (any team's deploy), and each reload retires the old worker processes, which close their long-lived connections such as websockets; the clients reconnect and resume their sessions on their own. The pods here are Running and Ready with no restarts, so nothing is broken and no action is needed (to soften the blips, raise the controller's worker-shutdown-timeout or let clients reconnect with back-off).`;
    },
  },
  // A container killed once at its memory limit (reason OOMKilled) and running well below it since: a
  // peak that passed, not a leak. https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/
  {
    name: 'single-oom-kill-past',
    asks: /\bOOM\w{0,6}\b|\bmemory leak\b|\bout of memory\b|\b(?:raise|increase|bump)\w{0,3} (?:its |the )?(?:memory )?limit\b/i,
    reads: (ctx) =>
      namespacePods(ctx)
        .filter((r) => /^[12]\b/.test(r['RESTARTS'] ?? ''))
        .slice(0, 1)
        .flatMap((r): Read[] => [
          { tool: 'get_pod_metrics', args: { namespace: ctx.ns } },
          { tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r['NAME'] ?? '', previous: true } },
        ]),
    holds(ctx) {
      for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
        const pod = String(d.args['name'] ?? '');
        for (const c of containerSections(d.content)) {
          if (!/Last State:\s+Terminated\s*\n\s+Reason:\s+OOMKilled/.test(c.body)) continue;
          if (!runningAndReady(c.body)) continue;
          const restarts = Number(/Restart Count:\s+(\d+)/.exec(c.body)?.[1] ?? 99);
          if (restarts > 2) continue;
          const usage = outputs(ctx.seen, 'get_pod_metrics', (o) => o.args['namespace'] === ctx.ns)
            .flatMap((o) => o.content.split('\n'))
            .map((l) => /memory (\S+) \/ (?:request \S+ \/ )?limit (\S+) \((\d{1,3})%\)/.exec(l))
            .find((m) => m !== null);
          if (!usage || Number(usage[3]) >= 80) continue;
          const finished = /^\s*Finished:\s+(.{1,60})$/m.exec(c.body)?.[1]?.trim();
          const before = outputs(
            ctx.seen,
            'get_pod_logs',
            (o) => o.args['name'] === pod && o.args['previous'] === true,
          )
            .flatMap((o) => o.content.slice(-50_000).split('\n'))
            .map((l) => l.trim())
            .filter((l) => l && l.length <= 2000)
            .slice(-2);
          return `The OOM kill of ${pod} (container ${c.name}, ${restarts} restart${restarts === 1 ? '' : 's'}) is over: it was killed once at its ${usage[2]} memory limit${finished ? ` (${finished})` : ''}${before.length ? `, while its previous instance was doing: ${before.map((l) => `"${clip(l, 140)}"`).join(', ')}` : ''}; since the restart it has run at ${usage[1]} (${usage[3]} % of the limit) with no further kill. That was a one-off peak of that work, not a memory leak (a leak climbs back to the limit and is killed again), so nothing needs doing now and no change is needed; raise the limit only if that work is to run again.`;
        }
      }
      return undefined;
    },
  },
  // https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
  // (failureThreshold: consecutive failures before the kubelet restarts the container).
  {
    name: 'liveness-failures-below-threshold',
    asks: /\bliveness\b|\bprobe\b/i,
    holds(ctx) {
      for (const d of outputs(ctx.seen, 'describe_pod')) {
        if (!/^[ \t]+Ready[ \t]+True\b/m.test(d.content) || /Restart Count:\s*[1-9]/.test(d.content))
          continue;
        const failed = d.content.split('\n').find((l) => /Liveness probe (?:failed|errored)/.test(l));
        if (!failed) continue;
        const probe = d.content
          .split('\n')
          .find((l) => /^\s*Liveness:/.test(l))
          ?.trim();
        const threshold = /#failure=(\d{1,4})/.exec(probe ?? '')?.[1] ?? '3';
        const period = /period=(\d{1,6})s/.exec(probe ?? '')?.[1] ?? '10';
        const times = /\(x(\d{1,6}) over [^)]{1,20}\)/.exec(failed)?.[1] ?? '1';
        const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === d.args['name'])
          .map((o) => o.content)
          .join('\n');
        const pauses = logs
          .split('\n')
          .filter((l) =>
            /\bPause (?:Full|Young|Remark|Cleanup)\b|\bGC\(\d{1,12}\)|stop-the-world|\bgc pause\b/i.test(l),
          );
        const longest = pauses
          .map((l) => ({ l, ms: Number(/(\d{1,9}(?:\.\d{1,6})?)ms\b/.exec(l)?.[1] ?? 0) }))
          .sort((a, b) => b.ms - a.ms)[0];
        const gc = longest
          ? ` The program's log shows what made it slow to answer: a garbage-collection pause ("${clip(longest.l.trim(), 120)}") stops every thread, the health endpoint too, for that long.`
          : '';
        return `Pod ${String(d.args['name'])} had ${times === '1' ? 'a single liveness probe failure' : `${times} isolated liveness probe failures`} ("${clip(failed.trim().replace(/\s{2,}/g, ' '), 140)}") but its container was never restarted (restart count 0) and is Ready: the kubelet restarts a container only after failureThreshold consecutive failures (${threshold} in a row here, ${Number(threshold) * Number(period)} s with a ${period} s period), and one success resets the count, so isolated timeouts are absorbed by design.${gc} The workers are healthy and not about to die: no restart is needed and nothing needs doing now; if such pauses grow longer than the failure window, tune the heap/GC rather than the probe.`;
      }
      return undefined;
    },
  },
  // A CPU burst while freshly started pods load data and warm up, settled since: start-up work, not a
  // program that needs more CPU when serving (the metrics API shows the usage now).
  {
    name: 'cpu-burst-at-start',
    asks: /\bcpu\b[^.?!]{0,160}\b(?:spike|spiked|alert|high|hog|burst|peak|fired)\b|\b(?:spike|burst|alert)\b[^.?!]{0,80}\bcpu\b/i,
    reads: (ctx) => [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }],
    holds(ctx) {
      if (healthyPods(ctx).length === 0) return undefined;
      const metrics = outputs(ctx.seen, 'get_pod_metrics', (o) => o.args['namespace'] === ctx.ns)
        .map((o) => o.content)
        .join('\n');
      const usage = metrics
        .split('\n')
        .filter((l) => /\bcpu \S+ \/ (?:request|limit)/.test(l))
        .map((l) => l.trim());
      if (usage.length === 0) return undefined;
      // Start-up work in a pod's log, followed by its ready line.
      for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
        const lines = o.content.split('\n');
        const ready = lines.findIndex((l) =>
          /\b(?:ready|warm-?up (?:done|complete)|started in|listening)\b/i.test(l),
        );
        const work = lines
          .slice(0, ready < 0 ? 0 : ready + 1)
          .filter((l) =>
            /\b(?:loading|loaded|warming|warm-?up|building|built|index(?:ing)?|precomput|compil|caching|preload)/i.test(
              l,
            ),
          );
        if (ready < 0 || work.length === 0) continue;
        return `The CPU alert matches the pods' start-up, not their steady state: right after starting, each pod does heavy one-off work (its log: ${work
          .slice(0, 3)
          .map((l) => `"${clip(l.trim(), 90)}"`)
          .join(
            ', ',
          )}) until "${clip(lines[ready]!.trim(), 60)}", and loading and warming up a model or index uses far more CPU than serving. That is why the alert fired after the deploy and cleared by itself. The usage now is normal (${usage
          .slice(0, 3)
          .map((l) => clip(l, 80))
          .join(
            '; ',
          )}), so this version is not a CPU hog and no rollback is needed; if the alert should not fire on every deploy, give it a longer duration (for:) than the warm-up or exclude pods younger than a few minutes.`;
      }
      return undefined;
    },
  },
  // https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/#algorithm-details :
  // the controller skips scaling while current/target is within a tolerance of 1.0 (0.1 by default,
  // kube-controller-manager --horizontal-pod-autoscaler-tolerance).
  {
    name: 'hpa-tolerance',
    asks: /\bhpa\b|autoscal|\bscale|scaling/i,
    reads(ctx) {
      // An HPA on memory: the pods' own memory shows whether it falls with load.
      const memory = outputs(
        ctx.seen,
        'describe_resource',
        (o) =>
          o.args['kind'] === 'HorizontalPodAutoscaler' &&
          /^[ \t]*metrics\[0\]\.resource\.name:[ \t]memory$/m.test(o.content),
      );
      return memory.length > 0 ? [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }] : [];
    },
    holds(ctx) {
      for (const h of outputs(
        ctx.seen,
        'describe_resource',
        (o) => o.args['kind'] === 'HorizontalPodAutoscaler' && /^Status:/m.test(o.content),
      )) {
        const field = (re: RegExp) => Number(re.exec(h.content)?.[1] ?? Number.NaN);
        const target = field(/metrics\[0\]\.resource\.target\.averageUtilization:\s(\d{1,5})\b/);
        const current = field(/currentMetrics\[0\]\.resource\.current\.averageUtilization:\s(\d{1,5})\b/);
        const replicas = field(/^\s*currentReplicas:\s(\d{1,5})\b/m);
        if (!(target > 0 && current >= 0 && replicas > 0)) continue;
        const ratio = current / target;
        if (ratio === 1 || Math.abs(ratio - 1) > 0.1) continue;
        const name = String(h.args['name'] ?? '');
        const resource = /^[ \t]*metrics\[0\]\.resource\.name:[ \t](cpu|memory)$/m.exec(h.content)?.[1];
        const value = /currentMetrics\[0\]\.resource\.current\.averageValue:\s(\S{1,20})$/m.exec(
          h.content,
        )?.[1];
        const min = field(/^[ \t]*minReplicas:[ \t](\d{1,5})\b/m);
        const tolerance = `HorizontalPodAutoscaler ${name} shows ${current}%${resource ? ` ${resource} utilization` : ''} against its ${target}% target, a ratio of ${ratio.toFixed(2)}: that is within the HPA's tolerance of 10% (0.1, the default of --horizontal-pod-autoscaler-tolerance), inside which the controller deliberately does not scale, so it stays at ${replicas} replicas by design. It is not stuck and the metrics work; it scales ${ratio > 1 ? 'out' : 'in'} once utilization moves past ${ratio > 1 ? Math.floor(target * 1.1) + 1 : Math.ceil(target * 0.9) - 1}%.`;
        // https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details:
        // desired = ceil(current * currentValue / target). Memory, unlike CPU, is not shared out by load:
        // a pod keeps what its runtime took (heap, caches) when traffic falls or replicas are added.
        if (resource === 'memory' && ratio < 1 && replicas > (min || 1)) {
          return `${tolerance} It scales on memory, and per-pod memory does not fall when the load does: each pod stays at ${value ? `${value} (` : ''}${current}% of its memory request${value ? ')' : ''} with the traffic gone, because a runtime holds on to the memory it took (a JVM keeps its heap, caches stay filled), and adding or removing replicas does not change what each pod holds. So the ratio stays near 1, the recommendation stays at ${replicas} and it will not go back to minReplicas ${min || 1} by itself; neither the stabilization window nor the metrics pipeline is at fault. Scale on CPU or a request rate instead (or lower what each pod holds, then set the memory target above that level).`;
        }
        return `${tolerance} No need to add replicas by hand (the HPA would undo it).`;
      }
      return undefined;
    },
  },
  // https://www.rabbitmq.com/docs/alarms : a resource alarm blocks the connections that publish over
  // the messaging protocols (AMQP 0-9-1 on 5672 and the like) until it clears; the management plugin's
  // HTTP API publishes over an internal direct connection, which that blocking does not stop (as
  // rabbitmq/rabbitmq-server#1986 shows), and the API is meant for tests, not production traffic.
  {
    name: 'rabbitmq-alarm-cleared',
    asks: /\balarm\b|\bblock(?:ed|ing)?\b|publish/i,
    holds(ctx) {
      for (const l of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
        const lines = l.content.split('\n').slice(-5000);
        const set = lines.find((x) => /\b(?:disk|memory) resource limit alarm set\b/i.test(x));
        if (!set || !alarmCleared(lines.join('\n'), set)) continue;
        const kind = /\b(disk|memory) resource limit alarm set\b/i.exec(set)?.[1]?.toLowerCase() ?? 'disk';
        const from = lines.indexOf(set);
        const cleared = lines
          .slice(from + 1)
          .find((x) => x.toLowerCase().includes(`${kind} resource limit alarm cleared`));
        const until = cleared ? lines.indexOf(cleared) : lines.length;
        const during = lines.slice(from + 1, until);
        const http = during.find(
          (x) => /\bHTTP API\b|rabbitmqadmin|\bmanagement\b/i.test(x) && /publish/i.test(x),
        );
        const blocked = during.find((x) => /blocked by resource alarm|connection\.blocked/i.test(x));
        const pod = String(l.args['name'] ?? '');
        return `RabbitMQ's ${kind} alarm on ${pod} worked as designed and is over: it was set ("${clip(set.trim(), 120)}")${blocked ? `, AMQP client connections that published were blocked ("${clip(blocked.trim(), 120)}")` : ''} and it cleared ("${clip((cleared ?? '').trim(), 120)}"), after which the connections were unblocked. A resource alarm only blocks client connections that publish over the messaging protocols (AMQP on port 5672 and the like); ${http ? `the message published through the management HTTP API during the alarm ("${clip(http.trim(), 120)}") is not subject to it, ` : 'a publish through the management HTTP API (port 15672, rabbitmqadmin) is not subject to it, '}because the management plugin publishes over an internal connection that the alarm does not block, and that API is meant for tests, not production traffic. Publisher blocking is not broken: nothing to fix and no action is needed; for the drill, count only AMQP publishers as the blocked ones.`;
      }
      return undefined;
    },
  },
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/cluster-health.html : yellow means
  // every primary shard is assigned and some replicas are not; a replica is never placed on the node
  // that holds its primary, so a one-node cluster with replicas configured stays yellow.
  {
    name: 'elasticsearch-yellow-single-node',
    asks: /\byellow\b/i,
    holds(ctx) {
      const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns);
      const yellow = logs.find((o) =>
        /health status changed from \[[A-Z]{3,6}\] to \[YELLOW\]/.test(o.content),
      );
      if (!yellow) return undefined;
      const pod = String(yellow.args['name']);
      const set = /^(.+)-\d{1,3}$/.exec(pod)?.[1];
      if (!set) return undefined;
      const members = namespacePods(ctx).filter((r) =>
        new RegExp(`^${escapeRe(set)}-\\d{1,3}$`).test(r['NAME'] ?? ''),
      );
      if (members.length !== 1) return undefined;
      const index = /creating index[^"\n]{0,200}shards \[(\d{1,4})\]\/\[(\d{1,3})\]/.exec(yellow.content);
      return `Yellow on ${set} is expected and no data is lost: the cluster has a single node (${pod} is its only member), and Elasticsearch never places a replica shard on the same node as its primary, so every index's replica shards${index ? ` (new indices are created with shards [${index[1]}]/[${index[2]}]: ${index[1]} primary, ${index[2]} replica)` : ''} stay unassigned while all primary shards are assigned and serve reads and writes. Yellow means exactly that: primaries all assigned, some replicas not. Audit logs are not being lost, and scaling or restarting ${set} is not needed for this; to get green on one node set index.number_of_replicas to 0 (in the index template), or add data nodes.`;
    },
  },
  // https://argo-rollouts.readthedocs.io/en/stable/features/bluegreen/#prepromotionanalysis : a
  // blue-green Rollout runs its pre-promotion analysis before it pauses for promotion (argoproj/argo-rollouts#1174).
  {
    name: 'bluegreen-prepromotion-analysis',
    asks: /\brollout\b[^.?!]{0,200}\b(?:promot\w*|paus\w*|stuck|progressing)\b|\bpromot\w*/i,
    reads: (ctx) => [{ tool: 'list_resources', args: { kind: 'AnalysisRun', namespace: ctx.ns } }],
    holds(ctx) {
      const runs = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['kind'] === 'AnalysisRun' && o.args['namespace'] === ctx.ns,
      ).flatMap((o) => parseTable(o.content));
      const run = runs.find((r) => r['STATUS'] === 'Running' && /-pre$/.test(r['NAME'] ?? ''));
      if (!run) return undefined;
      const rollout = (run['NAME'] ?? '').replace(/-[a-z0-9]{5,10}-\d{1,6}-pre$/, '');
      return `Rollout ${rollout} is not stuck: it is running its pre-promotion analysis (AnalysisRun ${run['NAME']}, Running${run['AGE'] ? ` for ${run['AGE']}` : ''}). A blue-green Rollout with prePromotionAnalysis stays Progressing while that analysis runs against the preview version, and pauses for promotion (BlueGreenPause) only once the analysis has succeeded; if it fails, the rollout aborts by itself. That is by design, so no action is needed now: wait for the analysis to finish, then promote when the pause appears — promoting or aborting now would skip or discard the check.`;
    },
  },
  // https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits :
  // a container may use more memory than its request, up to its limit; only the limit is enforced (OOM kill).
  {
    name: 'memory-above-request',
    asks: /\bmemory\b[^.?!]{0,120}\brequests?\b|\b(?:above|over|exceeds?) (?:its|their) (?:memory )?requests?\b/i,
    reads: (ctx) => [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }],
    holds(ctx) {
      for (const { pod, oomKills, line: l } of metricLines(ctx.seen, ctx.ns)) {
        if (oomKills !== 0) continue;
        const m = /memory (\S{1,20}) \/ request (\S{1,20}) \/ limit (\S{1,20}) \((\d{1,3})%\)/.exec(l);
        if (!m) continue;
        const [use, req, lim] = [parseQuantity(m[1]), parseQuantity(m[2]), parseQuantity(m[3])];
        if (use === undefined || req === undefined || lim === undefined || use <= req || use >= lim * 0.9)
          continue;
        return `${pod} uses ${m[1]} of memory, ${Math.round((100 * use) / req)}% of its ${m[2]} request but only ${m[4]}% of its ${m[3]} limit, with no OOM kills: that is normal. A memory request is what the scheduler reserves on the node, not a cap; a container may use memory above its request up to its limit, and only the limit is enforced (past it the container is OOM-killed). A database's cache filling memory above its request is expected. Nothing is wrong and no restart is needed (a restart only empties its cache); only under node memory pressure are pods above their requests evicted first, so if that is a worry raise the request closer to what it uses.`;
      }
      return undefined;
    },
  },
  // kubernetes-mixin's CPUThrottlingHigh: the share of CFS periods (100 ms each) in which the container
  // was throttled (container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total), not how
  // much CPU it used; its runbook calls it informational
  // (https://runbooks.prometheus-operator.dev/runbooks/kubernetes/cputhrottlinghigh/).
  {
    name: 'cpu-throttling-alert-low-usage',
    asks: /\bCPUThrottlingHigh\b|\bthrottl\w{0,6}\b[^.?!]{0,80}\balert\w{0,3}\b|\balert\w{0,3}\b[^.?!]{0,80}\bthrottl/i,
    reads: (ctx) => [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }],
    holds(ctx) {
      for (const { pod, restarts, line: l } of metricLines(ctx.seen, ctx.ns)) {
        if (restarts !== 0) continue;
        const m =
          /^\s*([a-z0-9][a-z0-9.-]{0,62}):\s*cpu (\S{1,20}) \/ (?:request \S{1,20} \/ )?limit (\S{1,20}) \((\d{1,3})%\)/.exec(
            l,
          );
        if (!m || !ctx.hints.some((h) => pod.startsWith(`${h}-`) || pod.includes(h)) || Number(m[4]) > 25)
          continue;
        return `CPUThrottlingHigh measures how often the container was throttled, not how much CPU it uses: it is the share of 100 ms CFS periods in which container ${m[1]} of ${pod} hit its CPU quota. It uses ${m[2]} of its ${m[3]} limit (${m[4]}%), so it is mostly idle and well below the limit; the throttled periods come from short bursts of work (a batch, a start of a cycle) that use the quota up within one period. With the service healthy and its latency fine, that is harmless: nothing is broken and no action is needed. Silence or tune the alert for this container (it is informational), or raise the limit a little only if the bursts' latency matters; removing the CPU limit also ends it.`;
      }
      return undefined;
    },
  },
  // https://github.com/kubernetes/autoscaler/blob/master/vertical-pod-autoscaler/docs/faq.md : the updater
  // evicts a pod only when its requests fall outside the recommendation's [lowerBound, upperBound].
  {
    name: 'vpa-within-bounds',
    asks: /\bvpa\b|vertical pod autoscaler|\brecommend\w*/i,
    reads(ctx) {
      const listed = outputs(
        ctx.seen,
        'list_resources',
        (o) => o.args['kind'] === 'VerticalPodAutoscaler' && o.args['namespace'] === ctx.ns,
      );
      if (listed.length === 0)
        return [{ tool: 'list_resources', args: { kind: 'VerticalPodAutoscaler', namespace: ctx.ns } }];
      return listed
        .flatMap((o) => parseTable(o.content))
        .slice(0, 1)
        .map((r) => ({
          tool: 'describe_resource',
          args: { kind: 'VerticalPodAutoscaler', name: r['NAME'], namespace: ctx.ns },
        }));
    },
    holds(ctx) {
      for (const v of outputs(
        ctx.seen,
        'describe_resource',
        (o) => o.args['kind'] === 'VerticalPodAutoscaler',
      )) {
        const field = (f: string) =>
          new RegExp(`containerRecommendations\\[0\\]\\.${f}:\\s(\\S{1,20})$`, 'm').exec(v.content)?.[1];
        const target = String(/^\s*targetRef\.name:\s(\S{1,253})$/m.exec(v.content)?.[1] ?? '');
        const pod = outputs(ctx.seen, 'describe_pod', (o) =>
          String(o.args['name']).startsWith(`${target}-`),
        ).pop();
        if (!target || !pod) continue;
        const requests = containerSections(pod.content).find((c) => !c.init)?.body ?? '';
        const req = (r: string) =>
          new RegExp(`Requests:[\\s\\S]{0,200}?\\n\\s+${r}:\\s+(\\S{1,20})`).exec(requests)?.[1];
        const inside = (['cpu', 'memory'] as const).map((r) => {
          const [lo, hi, now] = [field(`lowerBound.${r}`), field(`upperBound.${r}`), req(r)];
          const [l, h, n] = [parseQuantity(lo), parseQuantity(hi), parseQuantity(now)];
          return l !== undefined && h !== undefined && n !== undefined && n >= l && n <= h
            ? `${r} ${now} (between ${lo} and ${hi})`
            : undefined;
        });
        if (inside.some((x) => x === undefined)) continue;
        return `The VPA updater is not broken: ${target}'s pods run with requests ${inside.join(' and ')}, which are within the recommendation's bounds (lowerBound to upperBound). The updater evicts a pod to apply a new target only when its requests fall outside that recommended range; a target that differs from the current requests but within the bounds (target ${field('target.cpu')} CPU, ${field('target.memory')} memory) is applied when the pods are next re-created, without eviction. That is by design: no action is needed, and restarting the pods only to apply the target is not necessary (it would pick the target up, at the cost of a restart).`;
      }
      return undefined;
    },
  },
  // https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
  {
    name: 'init-container-completed',
    asks: /\bterminated\b|\binit[- ]?containers?\b|\bmigrat/i,
    reads(ctx) {
      // One Running pod per workload the task names: its init containers' final state.
      const rows = namespacePods(ctx).filter((r) => r['STATUS'] === 'Running');
      const named = rows.filter((r) =>
        ctx.hints.some((h) => (r['NAME'] ?? '').replace(/-[a-z0-9]{5,10}-[a-z0-9]{5}$/, '') === h),
      );
      return named
        .slice(0, 1)
        .map((r) => ({ tool: 'describe_pod', args: { namespace: ctx.ns, name: r['NAME'] } }));
    },
    holds(ctx) {
      for (const d of outputs(ctx.seen, 'describe_pod')) {
        if (!/^Status:\s+Running/m.test(d.content)) continue;
        const done = containerSections(d.content).find(
          (c) =>
            c.init &&
            /State:\s+Terminated/.test(c.body) &&
            /Reason:\s+Completed/.test(c.body) &&
            /Exit Code:\s+0\b/.test(c.body),
        );
        if (done)
          return `The init container ${done.name} of pod ${d.args['name']} shows State: Terminated, Reason: Completed, Exit Code: 0. That is an init container's success state: init containers run to completion, one after another, before the app containers start, and the app containers started only because it succeeded (exit code 0); the pod is Running, so what it does (a migration, say) finished. Nothing needs re-running.`;
      }
      return undefined;
    },
  },
  // https://kubernetes.io/docs/concepts/services-networking/service/#type-clusterip ; .../ingress/
  {
    name: 'clusterip-no-external-ip',
    asks: /external[- ]?ip|\bloadbalancer\b|from the internet/i,
    reads: (ctx) => [{ tool: 'list_resources', args: { kind: 'Ingress', namespace: ctx.ns } }],
    holds(ctx) {
      const svc = parseTable(
        outputs(ctx.seen, 'list_services')
          .map((o) => o.content)
          .pop() ?? '',
      ).find((r) => r['TYPE'] === 'ClusterIP' && ctx.hints.some((h) => (r['NAME'] ?? '').startsWith(h)));
      if (!svc) return undefined;
      const ingresses = parseTable(
        outputs(ctx.seen, 'list_resources', (o) => o.args['kind'] === 'Ingress')
          .map((o) => o.content)
          .pop() ?? '',
      )
        .map((r) => r['NAME'])
        .filter(Boolean);
      return `Service ${svc['NAME']} is of type ClusterIP: a virtual IP inside the cluster, reachable only from within it, so EXTERNAL-IP <none> is what a ClusterIP Service always shows and not a fault. Traffic from the internet reaches it through an Ingress${ingresses.length ? ` (here: ${ingresses.join(', ')})` : ''}, whose ingress controller has the external address, or through a Service of type LoadBalancer or NodePort; changing this Service to LoadBalancer would add a second, separate entry point (and a cloud load balancer), not fix anything.`;
    },
  },
  // https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies
  {
    name: 'clusterip-ping',
    // Pinging a Service's address, not an HTTP /ping endpoint.
    asks: /(?<![/\w])ping\b[^.?!]{0,80}\b(?:cluster ?ip|service|svc|10\.\d{1,3}\.)|\b(?:cluster ?ip|service ip)\b[^.?!]{0,80}(?<![/\w])ping|\bicmp\b/i,
    holds: () =>
      "A Service's ClusterIP is a virtual IP: kube-proxy's iptables, IPVS or nftables rules forward only the Service's declared ports (TCP, UDP or SCTP) to the pods, and nothing answers ICMP, so ping to a ClusterIP fails by design even when the Service works. Test it on its port (curl or nc to the ClusterIP and port), not with ping.",
  },
  // https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token ;
  // https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#auto-generated-legacy-serviceaccount-token-clean-up
  {
    name: 'serviceaccount-token-secret',
    asks: /\b(?:service ?account|sa)\b[^.?!]{0,120}\btokens?\b|\btokens?\b[^.?!]{0,120}\bservice ?account\b|Tokens:\s*<none>/i,
    // Only when the account is found to have no token Secret (its description, or the person's paste).
    holds: (ctx) =>
      !/Tokens:\s*<none>|token Secret is gone|token secret is gone|no token secret/i.test(ctx.task) &&
      !ctx.seen.some((o) => o.status === 'ok' && /Tokens:\s*<none>/.test(o.content))
        ? undefined
        : 'Since Kubernetes 1.24 a ServiceAccount no longer gets a long-lived token Secret generated for it ("Tokens: <none>" is normal), and since 1.29 unused legacy token Secrets are cleaned up automatically. Pods get a short-lived, audience-bound token from the TokenRequest API, mounted as a projected volume (kube-api-access-…) that the kubelet refreshes and rotates automatically before it expires, so the workload is not running on a cached credential that will lapse. Create a token Secret by hand only for a client outside the cluster.',
  },
  // https://kubernetes.io/docs/concepts/security/pod-security-policy/ (removed in v1.25) ;
  // https://kubernetes.io/docs/concepts/security/pod-security-admission/
  {
    name: 'podsecuritypolicy-removed',
    early: true,
    asks: /\bpod ?security ?polic(?:y|ies)\b|\bpsp(?:s|enabled)?\b/i,
    reads: (ctx) =>
      ctx.seen.some((o) => o.tool === 'list_nodes' && o.status === 'ok')
        ? []
        : [{ tool: 'list_nodes', args: {} }],
    holds(ctx) {
      const nodes = tableOf(ctx.seen, 'list_nodes');
      const versions = nodes
        .map((r) => /^v1\.(\d{1,3})\b/.exec(r['VERSION'] ?? '')?.[1])
        .filter((v) => v !== undefined);
      if (versions.length === 0 || versions.length !== nodes.length || versions.some((v) => Number(v) < 25))
        return undefined;
      // Only an all-clear: pods that fail are explained by the findings, not by this note.
      if (healthyPods(ctx).length === 0 || healthyPods(ctx).length !== namespacePods(ctx).length)
        return undefined;
      const shown = [...new Set(nodes.map((r) => r['VERSION']))].join(', ');
      return `PodSecurityPolicy (policy/v1beta1) was removed in Kubernetes 1.25, and this cluster's nodes run ${shown}: the API no longer exists here, so no pod was admitted by a PodSecurityPolicy and none lost one. A chart's warning that PSP is disabled by default only says it no longer creates PodSecurityPolicy objects: informational and harmless, and setting pspEnabled to true again would ask the API server for a kind it does not serve. Pod security on 1.25 and later is Pod Security Admission (the namespace's pod-security.kubernetes.io labels).`;
    },
  },
  // https://cert-manager.io/docs/releases/release-notes/release-notes-1.18/ (the rotationPolicy default) ;
  // https://cert-manager.io/docs/usage/certificate/#configuring-private-key-rotation
  {
    name: 'certificate-rotation-policy-default',
    asks: /\brotationPolicy\b/,
    holds(ctx) {
      const pods = namespacePods(ctx);
      if (pods.length === 0 || healthyPods(ctx).length !== pods.length) return undefined;
      return "The rotationPolicy warning is cert-manager's admission warning for a Certificate that leaves spec.privateKey.rotationPolicy unset: since cert-manager 1.18 the default is Always (a new private key at each renewal) where it used to be Never. It is informational and harmless: the Certificate was accepted and is issued as before; setting rotationPolicy explicitly (Always, the recommended value, or Never) silences it.";
    },
  },
  // https://cert-manager.io/docs/usage/certificate/#renewal ; Let's Encrypt certificates last 90 days.
  {
    name: 'certificate-renewed-early',
    asks: /\b(?:new|re-?issued|renewed)\b[^.?!]{0,40}\bcert(?:ificate)?s?\b|\bcert(?:ificate)?s?\b[^.?!]{0,40}\b(?:issued|renewed|re-?issued)\b/i,
    holds(ctx) {
      // A certificate that was not issued ("no certificate was issued", "not ready") is a failure to
      // explain, not a renewal to explain away.
      if (
        /\b(?:no|not|never|failed to|isn't|wasn't|hasn't|why)\b[^.?!]{0,40}\b(?:issued|ready)\b/i.test(
          ctx.task,
        )
      )
        return undefined;
      const certManager = ctx.seen.some((o) => o.status === 'ok' && /cert-manager/.test(o.content));
      if (!certManager) return undefined;
      return "cert-manager renews a Certificate before it expires: by default when two thirds of its duration have passed (renewBefore; 30 days before expiry for a 90-day Let's Encrypt certificate), so a new certificate for the domain about 30 days before the old one's expiry is the routine automatic renewal, not a compromise: the Certificate's status (renewalTime, Ready) and its CertificateRequest show it. The new certificate is written to the same Secret, and the ingress controller picks up the updated Secret without a restart.";
    },
  },
  // A pod that waited for room a moment and was then scheduled, by preempting a lower-priority placeholder
  // pod that keeps room free (cluster-autoscaler's FAQ, "How can I configure overprovisioning";
  // kubernetes.io, "Pod Priority and Preemption": a pending pod of higher priority evicts lower ones).
  {
    name: 'preempted-placeholder',
    early: true,
    asks: /\bFailedScheduling\b|\bInsufficient (?:cpu|memory)\b|\b0\/\d{1,4} nodes are available\b/i,
    reads(ctx) {
      const reads: Read[] = [{ tool: 'list_resources', args: { kind: 'PriorityClass' } }];
      const low = lowPriorityClass(ctx);
      if (low) reads.push({ tool: 'find_objects', args: { name: low } });
      const searched = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === low).length > 0;
      if (low && searched && !placeholderNamespace(ctx, low))
        reads.push({ tool: 'find_objects', args: { name: 'placeholder' } });
      const at = placeholderNamespace(ctx, low);
      if (at && at !== ctx.ns) reads.push({ tool: 'get_events', args: { namespace: at } });
      return reads;
    },
    holds(ctx) {
      // Every pod Running and Ready, and the pod that failed to schedule was scheduled since.
      if (healthyPods(ctx).length !== namespacePods(ctx).length || namespacePods(ctx).length === 0)
        return undefined;
      const events = outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === ctx.ns)
        .map((o) => o.content)
        .join('\n');
      const failed = /FailedScheduling\s+pod\/([a-z0-9][a-z0-9.-]{0,252})/.exec(events)?.[1];
      const node = failed
        ? new RegExp(
            `Successfully assigned [a-z0-9-]{1,63}/${failed.replace(/\./g, '\\.')} to ([a-z0-9][a-z0-9.-]{0,252})`,
          ).exec(events)?.[1]
        : undefined;
      if (!failed || !node) return undefined;
      const low = lowPriorityClass(ctx);
      const at = placeholderNamespace(ctx, low);
      const preempted = at
        ? outputs(ctx.seen, 'get_events', (o) => o.args['namespace'] === at)
            .flatMap((o) => o.content.split('\n'))
            .find((l) => /\bPreempted\b/.test(l) && l.includes(`on node ${node}`))
        : undefined;
      return `The FailedScheduling warning was transient: pod ${failed} found no node with room at first, and was scheduled a minute later (to ${node}), and every pod is Running and Ready now, so nothing is wrong and no nodes need adding.${
        preempted
          ? ` It got its room by preemption: a lower-priority placeholder pod of the overprovisioning setup (PriorityClass ${low}, namespace ${at}) was preempted on ${node} ("${clip(preempted.replace(/\s{2,}/g, ' ').trim(), 160)}"): placeholder pods hold spare capacity exactly so that a scale-up gets room at once, and the cluster autoscaler adds a node for the evicted placeholder, not for your pods. The warning is that short wait, by design.`
          : ' A scheduler that waits for room (a preemption or a node the autoscaler adds) logs this warning first; it is harmless once the pod runs.'
      }`;
    },
  },
  // https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-limits-are-run
  {
    name: 'cpu-above-request',
    // Usage above the request, not above an autoscaler's target or a limit.
    asks: /\b(?:cpu|kubectl top)\b[^.?!]{0,120}\b(?:above|over|exceeds?|more than)\b[^.?!]{0,60}\brequests?\b|\b(?:cpu|kubectl top)\b[^.?!]{0,120}\bwhile the (?:cpu )?request\b|%\s?of (?:its |the )?cpu request/i,
    reads: (ctx) => [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }],
    holds(ctx) {
      const m = outputs(ctx.seen, 'get_pod_metrics')
        .map((o) => o.content)
        .join('\n')
        .split('\n')
        .find((l) => /cpu \S+ \/ request \S+ \/ no limit/.test(l));
      if (!m) return undefined;
      return 'These pods will not be killed or evicted for using CPU above their request: CPU is a compressible resource, so a container may use more CPU than its request whenever the node has CPU to spare, and with no CPU limit it is not throttled at any figure; only memory above a limit gets a container killed (OOMKilled), and eviction follows node memory, disk or PID pressure, not CPU. The request is only what the scheduler reserves. Nothing needs doing unless the node itself runs out of CPU.';
    },
  },
  // https://kubernetes.io/docs/concepts/storage/persistent-volumes/ (a claim is bound to a volume of at
  // least the requested size); Filestore tiers' minimum capacities: cloud.google.com/filestore/docs/service-tiers;
  // Azure Files premium shares' 100 GiB minimum: learn.microsoft.com/azure/storage/files/understanding-billing
  {
    name: 'pvc-capacity-above-request',
    // A question about a claim's size, not any question that names a volume.
    asks: /\b(?:capacity|resiz\w{0,4}|bigger than|larger than)\b/i,
    holds(ctx) {
      for (const o of outputs(ctx.seen, 'describe_resource', (x) =>
        /^(persistentvolumeclaims?|pvc)$/i.test(String(x.args['kind'])),
      )) {
        const asked = flat(o.content, 'resources.requests.storage');
        const got = flat(o.content, 'capacity.storage');
        const a = parseQuantity(asked);
        const g = parseQuantity(got);
        if (!asked || !got || a === undefined || g === undefined || g <= a) continue;
        const provisioner =
          /storage-provisioner=(\S{1,253})/.exec(o.content)?.[1] ??
          /storage-provisioner:\s*(\S{1,253})/.exec(o.content)?.[1];
        const known =
          provisioner && /filestore/i.test(provisioner)
            ? " Google Cloud Filestore (its CSI driver here) creates instances no smaller than its tier's minimum capacity (1 TiB for the basic HDD tier), so a smaller request is rounded up to that minimum size."
            : provisioner && /file\.csi\.azure/i.test(provisioner)
              ? ' Azure Files premium shares have a 100 GiB minimum size, so a smaller request is rounded up.'
              : '';
        // No provisioner: the claim was bound to a PersistentVolume someone created beforehand, which
        // it gets whole; nothing was rounded.
        const volume = flat(o.content, 'volumeName');
        const why = provisioner
          ? `a claim is bound to a volume of at least the requested size, and the provisioner (${provisioner}) rounded the request up to the smallest volume its storage back end creates (its minimum size or allocation unit).${known}`
          : `a claim is bound to an available PersistentVolume at least as large as its request and gets that volume's whole capacity; no provisioner created this one, it was bound to the existing PersistentVolume${volume ? ` ${volume}` : ''} of ${got}.`;
        return `PersistentVolumeClaim ${String(o.args['name'])} asked for ${asked} and is bound with a capacity of ${got}: ${why} Nobody resized it; this is expected, and shrinking it is not possible (a PVC can only grow) nor needed: the request stays ${asked}.`;
      }
      return undefined;
    },
  },
  // cAdvisor's container_memory_usage_bytes counts page cache; the kubelet's eviction and `kubectl top`
  // use the working set (usage minus inactive file pages): kubernetes.io, "Node-pressure Eviction"
  // (memory.available) and "Resource metrics pipeline"; the kernel reclaims clean page cache before it
  // OOM-kills a cgroup.
  {
    name: 'memory-usage-includes-page-cache',
    asks: /\bContainerMemory\w{0,40}|\bcontainer_memory_usage_bytes\b|\bmemory\b[^.?!]{0,120}(?:\d{2,3} ?%|\bnear\b|\bclose to\b)[^.?!]{0,60}\blimit\b|(?:\d{2,3} ?%|\bnear\b|\bclose to\b)[^.?!]{0,60}\bmemory limit\b|\buses \d{1,5}(?:\.\d{1,3})? ?[KMGT]i?B? of (?:its|the) \d{1,5}(?:\.\d{1,3})? ?[KMGT]i?B? (?:memory )?limit\b/i,
    reads: (ctx) => [{ tool: 'get_pod_metrics', args: { namespace: ctx.ns } }],
    holds(ctx) {
      // Only when nothing was OOM-killed: then the high figure is not what the kernel acts on.
      const metrics = outputs(ctx.seen, 'get_pod_metrics')
        .map((o) => o.content)
        .join('\n');
      if (!metrics || /oomKills: [1-9]/.test(metrics)) return undefined;
      const limited = metrics
        .split('\n')
        .map((l) => ({ l, pct: /memory \S+ \/ (?:request \S+ \/ )?limit \S+ \((\d+)%\)/.exec(l)?.[1] }))
        .filter((x) => x.pct !== undefined);
      // The metrics API reports the working set: near the limit, it is the program's own memory, not
      // cache, unless the person saw the process itself much smaller (its RSS in ps or top inside the
      // container): then the rest of the working set is active file cache (an mmap'd index).
      const rssSmaller = /\b(?:RSS|resident|ps\b|top inside)/i.test(ctx.task);
      if (limited.some((x) => Number(x.pct) >= 85) && !rssSmaller) return undefined;
      // A JVM whose heap is what fills the working set: jvm-heap-bounded says so instead.
      if (jvmHeapNote(ctx) !== undefined) return undefined;
      const named = limited[0]?.l.trim();
      const active = rssSmaller
        ? "The process's own RSS is the smaller figure; kubectl top's working set also counts the page cache the kernel keeps active for the program's reads (an index, memory-mapped files), which it can still reclaim under pressure. "
        : '';
      return `A memory figure near the limit with no OOM kill is usually the page cache: container_memory_usage_bytes (what most dashboards and alerts chart) counts file pages the kernel caches for the program's reads (an index, memory-mapped files), while the kubelet's eviction, the OOM decision and kubectl top use the working set (usage minus inactive_file), and the kernel reclaims clean cache before it would OOM-kill the container. ${named ? `The metrics API's working set here: ${named}. ` : ''}${active}The pods have no OOM kills, so they are not at risk and there is no need to double the limit; alert on container_memory_working_set_bytes instead.`;
    },
  },
  // https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/ (the scheduler places pods
  // that have no node yet); moving running pods is the descheduler's job (kubernetes-sigs/descheduler).
  {
    name: 'scheduler-does-not-rebalance',
    asks: /\b(?:new|added|fresh)\b[^.?!]{0,60}\bnode\b[^?]{0,300}\b(?:empty|idle|no pods|unused|rebalanc\w*|move)\b/i,
    reads: () => [{ tool: 'list_nodes', args: {} }],
    holds(ctx) {
      const nodes = outputs(ctx.seen, 'list_nodes').pop();
      if (!nodes) return undefined;
      // A node that is not Ready or is cordoned takes no pods: that is a fault, not the scheduler's way.
      if (/\bNotReady\b|\bUnknown\b|SchedulingDisabled/.test(nodes.content)) return undefined;
      return 'kube-scheduler only places pods that have no node yet (new pods, Pending ones); it never moves pods that are already running, so a node added later stays nearly empty until new pods are created (a rollout, a scale-up, replacements) or something evicts running ones. The scheduler is not broken and there is no need to restart kube-scheduler; to spread existing pods, run a rollout restart of the busy workloads or the descheduler (its LowNodeUtilization strategy), rather than cordoning the other nodes.';
    },
  },
  // https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/ (ndots:5 and the search
  // list in a pod's resolv.conf); resolv.conf(5).
  {
    name: 'ndots-search-expansion',
    asks: /\bNXDOMAIN\b/i,
    holds(ctx) {
      // <service>.<namespace>.svc.cluster.local is a Service's own name: its NXDOMAIN means no such
      // Service, whatever the search list did; only a longer name is an external one expanded.
      const expanded = ctx.task
        .slice(0, 4000)
        .match(
          /\b[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}\.(?:[a-z0-9-]{1,63}\.svc\.cluster\.local|svc\.cluster\.local|cluster\.local|[a-z0-9-]{1,63}\.compute\.internal)\b/gi,
        )
        ?.find((n) => !/^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}\.svc\.cluster\.local$/i.test(n));
      if (!expanded) return undefined;
      return `NXDOMAIN answers for names such as ${expanded} are the resolver's search-list expansion, not tunnelling: a pod's resolv.conf sets options ndots:5 and a search list (<namespace>.svc.cluster.local, svc.cluster.local, cluster.local, and the node's domain), so an external name with fewer than five dots is first tried with each search domain appended, each answered NXDOMAIN, before the name itself resolves. It is expected and nothing is broken or compromised; to cut the queries, use the fully qualified name with a trailing dot (api.example.com.) or set dnsConfig options ndots: 2 on the pod.`;
    },
  },
  // https://kubernetes.io/docs/concepts/configuration/secret/ ("base64-encoded")
  {
    name: 'secret-base64',
    asks: /\bsecrets?\b[\s\S]{0,300}\b(garbled|gibberish|encoded|encrypted|scrambled|corrupt\w*|base64|unreadable|weird)\b|\b(garbled|gibberish|encoded|encrypted|scrambled|corrupt\w*|base64|unreadable)\b[\s\S]{0,300}\bsecrets?\b/i,
    holds: () =>
      "A Secret's data is shown base64-encoded (kubectl get -o yaml, the API's data field): that is an encoding so that any bytes fit in JSON, not encryption, and it decodes to the value (kubectl get secret <name> -o jsonpath='{.data.<key>}' | base64 -d); the Secret is not corrupted. Pods receive the decoded value.",
  },
  // kube-bench reports a check of type manual as WARN (kube-bench docs, "Test and config files": checks
  // whose type is manual are not run and are reported as WARN, for a person to review); the CIS
  // Benchmark marks such recommendations "(Manual)". A report with 0 FAIL and only Manual WARNs passes.
  {
    name: 'benchmark-manual-warnings',
    asks: /\bWARN(?:S|INGS?)?\b[^?!]{0,300}\b(?:benchmark|CIS|kube-bench|compliance|audit)|\b(?:benchmark|CIS|kube-bench|compliance)\b[^?!]{0,300}\bWARN/i,
    holds(ctx) {
      for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
        const lines = o.content.slice(-200_000).split('\n');
        const warn = lines.filter((l) => l.length <= 2000 && /^\s{0,4}\[WARN\] \d/.test(l));
        if (warn.length === 0 || !warn.every((l) => /\(Manual\)\s*$/.test(l))) continue;
        const fails = lines.filter((l) => /^\s{0,4}\[FAIL\] \d/.test(l)).length;
        const total = (label: string) =>
          // The last of them: kube-bench prints each section's summary, then the report's (`== Summary total ==`).
          lines
            .map((l) => new RegExp(`^(\\d{1,6}) checks ${label}\\s*$`).exec(l)?.[1])
            .filter(Boolean)
            .pop();
        if (fails > 0 || (total('FAIL') ?? '0') !== '0') continue;
        const pass = total('PASS');
        return `The benchmark report in ${o.args['name']}'s log has 0 FAIL results${pass ? ` (${pass} checks PASS)` : ''}: the cluster is not failing it. Every one of its WARN results is a check the benchmark marks Manual ("${clip(warn[0]!.trim(), 140)}"; ${total('WARN') ?? warn.length} WARN in all): kube-bench cannot decide a manual check by itself, so it reports each one as WARN for a person to review (kube-bench's documentation: checks of type manual are reported as WARN). They are the auditors' review list, not failures, and nothing needs fixing for them; review them by hand (each line names what to look at) and record the decisions.`;
      }
      return undefined;
    },
  },
  // A consumer that logs an error for each message it cannot process and dead-letters it is handling
  // bad input by design (RabbitMQ "Dead Letter Exchanges", Amazon SQS dead-letter queues): the error
  // lines are not a crash while the pods stay Ready with no restarts and the log goes on after them.
  {
    name: 'handled-errors',
    asks: /\berrors?\b|tracebacks?|exceptions?|stack ?traces?/i,
    reads(ctx) {
      // The error lines of one healthy pod of the workload asked about, wherever they are in its log.
      const healthy = healthyPods(ctx).filter((r) =>
        ctx.hints.some((h) => (r['NAME'] ?? '').startsWith(`${h}-`)),
      );
      return healthy.slice(0, 1).map((r) => ({
        tool: 'search_pod_logs',
        args: {
          namespace: ctx.ns,
          name: r['NAME'],
          pattern: 'error|exception|traceback',
          context: 1,
          maxMatches: 5,
        },
      }));
    },
    holds(ctx) {
      const healthy = new Set(healthyPods(ctx).map((r) => r['NAME']));
      const logs = [
        ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns),
        ...outputs(ctx.seen, 'search_pod_logs', (o) => o.args['namespace'] === ctx.ns),
      ];
      for (const l of logs) {
        const pod = String(l.args['name'] ?? '');
        if (!healthy.has(pod)) continue;
        const lines = l.content.split('\n').filter((x) => x.trim());
        const handledAt = lines.findIndex(
          (x) => /\berror\b|traceback|exception/i.test(x) && HANDLED.some((w) => x.toLowerCase().includes(w)),
        );
        if (handledAt < 0) continue;
        // It goes on after them: later lines in its log (a search says how many lines it read).
        const read = /in the newest (\d{1,7}) line/.exec(l.content)?.[1];
        const lastMatch = [...l.content.matchAll(/^(\d{1,7})[:-]/gm)].pop()?.[1];
        const goesOn = read && lastMatch ? Number(lastMatch) < Number(read) : handledAt < lines.length - 1;
        if (!goesOn) continue;
        const t = lines[handledAt]!.trim()
          .replace(/^\d{1,7}:/, '')
          .replace(/\s+/g, ' ');
        return `The error lines in ${pod}'s log are messages the program rejected and handled ("${t.length > 160 ? `${t.slice(0, 159)}…` : t}"): it logs each one, sets the message aside (dead-letter queue, DLQ) and goes on processing — the log continues after them and the pod is Running and Ready with 0 restarts. That is the program handling bad input by design, not a crash and not a cluster fault, and a restart would change nothing; the rejected messages (kept in the dead-letter queue) are a follow-up with whoever sent them.`;
      }
      return undefined;
    },
  },
];

/**
 * States people ask about that Kubernetes documents as expected (an init container Terminated with
 * Completed, a ClusterIP without an external IP, no ServiceAccount token Secret since 1.24, an early
 * certificate renewal, CPU above its request, base64 in a Secret): said in the answer when the question
 * raises them and the reads show them.
 */
export const misconceptionsAnalyzer: Analyzer = {
  name: 'misconceptions',
  reads(ctx) {
    return MISCONCEPTIONS.filter((m) => m.asks.test(ctx.task.slice(0, 4000))).flatMap(
      (m) => m.reads?.(ctx) ?? [],
    );
  },
  finds: () => [],
  notes(ctx) {
    return MISCONCEPTIONS.filter((m) => m.asks.test(ctx.task.slice(0, 4000)))
      .map((m) => m.holds(ctx))
      .filter((n): n is string => n !== undefined);
  },
};

/** The reads of the misconceptions marked early, among the first of the investigation. */
export const earlyMisconceptionsAnalyzer: Analyzer = {
  name: 'misconceptions-early',
  first: true,
  reads(ctx) {
    return MISCONCEPTIONS.filter((m) => m.early && m.asks.test(ctx.task.slice(0, 4000))).flatMap(
      (m) => m.reads?.(ctx) ?? [],
    );
  },
  finds: () => [],
};
