import {
  type AnalyzerContext,
  bonus,
  clip,
  containerSections,
  describedField,
  describedLabels,
  metricLines,
  outputs,
  section,
  stateBlock,
} from './types.js';

/** At most this many objects are summed up, each with at most `MAX_FACTS` facts. */
const MAX_OBJECTS = 3;
const MAX_FACTS = 8;

/**
 * What the objects a question is about show, in the field names of `kubectl describe`: the facts an
 * engineer quotes when answering "is this broken?" or "why does it do that?", so that the answer says
 * what was seen and not only what was concluded. A pod's containers (init containers named as such)
 * with their state, reason, exit code and restarts, and its QoS class; a Service's type, address,
 * selector, ports, endpoints and traffic settings; a Deployment's replicas, strategy and conditions;
 * any other kind's scalar Spec fields (not its pod template) and Status. A pod whose usage was read
 * (`get_pod_metrics`) also gets each container's CPU and memory against its request and limit, the figure
 * a question about an alert, throttling or memory turns on. Only objects of `ns` whose
 * name a word of the task matches, that were described; one pod per controller; at most three objects.
 * Meant for an answer that found no fault: beside a root cause, healthy objects' fields are noise.
 * Returns one line per object, `Observed on <kind>/<name>: <fact>; <fact>.`
 */
export function askedState({ seen, ns, hints }: AnalyzerContext): string[] {
  const out: string[] = [];
  const owners = new Set<string>();
  const asked = (o: { args: Record<string, unknown> }) =>
    (o.args['namespace'] === undefined || o.args['namespace'] === ns) &&
    bonus(String(o.args['name'] ?? ''), hints) > 0;
  const add = (kind: string, name: string, facts: string[]) => {
    const kept = facts.filter(Boolean).slice(0, MAX_FACTS);
    if (kept.length > 0 && out.length < MAX_OBJECTS)
      out.push(`Observed on ${kind}/${name}: ${kept.map((f) => clip(f, 140)).join('; ')}.`);
  };
  const newest = <T extends { args: Record<string, unknown> }>(list: T[]): T[] => {
    const byName = new Map<string, T>();
    for (const o of list) byName.set(String(o.args['name']), o);
    return [...byName.values()];
  };

  for (const o of newest(outputs(seen, 'describe_pod', asked))) {
    const owner = describedField(o.content, 'Controlled By') ?? String(o.args['name']);
    if (owners.has(owner)) continue;
    owners.add(owner);
    const facts = containerSections(o.content).map((c) => {
      const now = stateBlock(c.body, 'State');
      const last = stateBlock(c.body, 'Last State');
      const restarts = describedField(c.body, 'Restart Count');
      const detail = [now.reason, now.exit !== undefined ? `exit code ${now.exit}` : undefined]
        .filter(Boolean)
        .join(', ');
      const before = last.state
        ? `, last state ${last.state}${last.reason ? ` (${last.reason}${last.exit !== undefined ? `, exit code ${last.exit}` : ''})` : ''}`
        : '';
      return `${c.init ? 'init container' : 'container'} ${c.name} ${now.state ?? 'state unknown'}${detail ? ` (${detail})` : ''}${before}${restarts ? `, ${restarts} restarts` : ''}`;
    });
    const qos = describedField(o.content, 'QoS Class');
    // Labels people set (a role, a tier), not the ones controllers stamp on every pod.
    const labels = Object.entries(describedLabels(o.content))
      .filter(
        ([k]) =>
          !/^(pod-template-hash|controller-revision-hash|controller-uid|job-name|statefulset\.kubernetes\.io\/pod-name|pod-template-generation)$|^batch\.kubernetes\.io\//.test(
            k,
          ),
      )
      .map(([k, v]) => `${k}=${v}`);
    // Usage as get_pod_metrics prints it: `sync: cpu 20m / request 180m / limit 500m (4%); memory …`.
    const usage = metricLines(seen, ns)
      .filter((m) => m.pod === o.args['name'])
      .map((m) => `usage ${m.line.trim()}`);
    add('Pod', String(o.args['name']), [
      ...facts,
      ...usage,
      qos ? `QoS class ${qos}` : '',
      labels.length > 0 ? `labels ${labels.slice(0, 4).join(', ')}` : '',
    ]);
  }

  for (const o of newest(outputs(seen, 'describe_service', asked))) {
    const field = (label: string, as = label) => {
      const v = describedField(o.content, label);
      return v ? `${as} ${v}` : '';
    };
    const endpoints = describedField(o.content, 'Endpoints');
    add('Service', String(o.args['name']), [
      field('Type', 'type'),
      field('IP', 'cluster IP'),
      field('Selector', 'selector'),
      field('Port', 'port'),
      field('TargetPort', 'targetPort'),
      endpoints
        ? endpoints === '<none>'
          ? 'no endpoints'
          : `${endpoints.split(',').length} endpoint(s) ${endpoints}`
        : '',
      field('Session Affinity', 'sessionAffinity'),
      field('Internal Traffic Policy', 'internalTrafficPolicy'),
    ]);
  }

  for (const o of newest(outputs(seen, 'describe_deployment', asked))) {
    const field = (label: string, as: string) => {
      const v = describedField(o.content, label);
      return v ? `${as} ${v}` : '';
    };
    const conditions = section(o.content, 'Conditions')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s{2,}/))
      .filter((c) => c.length >= 3)
      .map(([type, status, reason]) => `${type} ${status} (${reason})`);
    add('Deployment', String(o.args['name']), [
      field('Replicas', 'replicas'),
      field('StrategyType', 'strategy'),
      field('RollingUpdateStrategy', 'rolling update'),
      field('MinReadySeconds', 'minReadySeconds'),
      ...conditions,
    ]);
  }

  for (const o of newest(outputs(seen, 'describe_resource', asked))) {
    const kind = String(o.args['kind'] ?? '');
    if (/^(pods?|services?|deployments?)$/i.test(kind)) continue;
    // The object's own settings, not its pod template's (those are the containers' business).
    const spec = section(o.content, 'Spec')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[\w.[\]-]{1,120}: \S/.test(l) && !/template|containers\[/i.test(l.split(':')[0]!));
    const status = section(o.content, 'Status')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[\w.[\]-]{1,120}: \S/.test(l));
    add(kind, String(o.args['name']), [...spec.slice(0, 5), ...status.slice(0, MAX_FACTS)]);
  }
  return out;
}
