import type { SeenObservation } from '../observations.js';
import { containerSections, outputs, ownerDeployment } from './types.js';

/**
 * The literal variables of a container's `Environment:` block in describe_pod; with `references`, also
 * those set from a ConfigMap's or Secret's key or a field, their value the reference as kubectl prints it
 * (`<set to the key 'x' of config map 'y'>`).
 */
export function envOf(body: string, references = false): { name: string; value: string }[] {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s*Environment:\s*$/.test(l));
  if (at < 0) return [];
  const indent = (lines[at]!.match(/^\s*/)?.[0].length ?? 0) + 1;
  const out: { name: string; value: string }[] = [];
  for (const l of lines.slice(at + 1, at + 201)) {
    if ((l.match(/^\s*/)?.[0].length ?? 0) < indent || !l.trim()) break;
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]{0,127}):\s{1,20}(.{0,4096})$/.exec(l);
    if (m && (references || !m[2]!.startsWith('<set to'))) out.push({ name: m[1]!, value: m[2]!.trim() });
  }
  return out;
}

/**
 * A setting's or a variable's name as the two compare: lower case, letters and digits only
 * (`courier.smtp.connection_uri` and `COURIER_SMTP_CONNECTION_URI` are both `couriersmtpconnectionuri`).
 */
export function squashName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** One literal variable of the container a log came from, with the pod it runs in. */
export interface LoggedEnv {
  readonly pod: string;
  readonly container: string;
  readonly variable: string;
  readonly value: string;
  /** The pod's Deployment, when a ReplicaSet of one controls it. */
  readonly owner: string | undefined;
}

/**
 * The description of the pod a `get_pod_logs` output came from and the containers the log may be
 * from: the one it names (an init container too), else the app containers; undefined when the pod
 * was not described. The shared first step of the analyzers that read a logging container's spec.
 */
export function loggedContainers(
  seen: readonly SeenObservation[],
  ns: string,
  log: SeenObservation,
): { pod: string; described: SeenObservation; containers: ReturnType<typeof containerSections> } | undefined {
  const pod = String(log.args['name'] ?? '');
  const described = outputs(
    seen,
    'describe_pod',
    (o) => o.args['name'] === pod && o.args['namespace'] === ns,
  ).pop();
  if (!described) return undefined;
  const containers = containerSections(described.content).filter((c) =>
    log.args['container'] ? log.args['container'] === c.name : !c.init,
  );
  return { pod, described, containers };
}

/**
 * The one literal variable that `test` accepts, of the (app) container a `get_pod_logs` output came
 * from, read in the pod's latest description; undefined when the pod was not described, or no
 * variable or more than one passes (the evidence then does not say which). The shared step of the
 * analyzers that turn a value a log quotes into a `set_env` fix.
 */
export function loggedContainerEnv(
  seen: readonly SeenObservation[],
  ns: string,
  log: SeenObservation,
  test: (e: { name: string; value: string }) => boolean,
): LoggedEnv | undefined {
  const logged = loggedContainers(seen, ns, log);
  for (const c of logged?.containers ?? []) {
    const hits = envOf(c.body).filter(test);
    if (hits.length !== 1) continue;
    return {
      pod: logged!.pod,
      container: c.name,
      variable: hits[0]!.name,
      value: hits[0]!.value,
      owner: ownerDeployment(logged!.described.content),
    };
  }
  return undefined;
}
