import {
  type Analyzer,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** Spring's failure on a property nothing set: `Could not resolve placeholder 'tracking.positions.queue'`. */
const PLACEHOLDER = /Could not resolve placeholder '([A-Za-z0-9._-]{1,200})'/;
/** One variable of a describe's Environment section: `    Tracking_Positions_Queue:  positionQueue`. */
const ENV_LINE = /^\s{4,}([A-Za-z_][A-Za-z0-9_.-]{0,200}):\s/;

/**
 * The environment variable name Spring Boot binds a property from: the property with dots (and
 * dashes) as underscores, upper case (docs.spring.io, "Externalized Configuration": Binding From
 * Environment Variables). Its SystemEnvironmentPropertySource also tries the name as written and
 * lower case, but not other casings.
 */
export function springEnvName(property: string): string {
  return property.replace(/[.-]/g, '_').toUpperCase();
}

/**
 * A Spring application that cannot start on an unresolved placeholder because the variable meant to
 * set it is spelled in another case: environment variable names are case-sensitive, so
 * `Tracking_Positions_Queue` does not set `tracking.positions.queue`, which binds only from
 * TRACKING_POSITIONS_QUEUE (or the lower-case or dotted name). Found from the container's environment
 * (describe_pod) and the placeholder its log names.
 */
export const springEnvCaseAnalyzer: Analyzer = {
  name: 'spring-env-case',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      const logs = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod)
        .map((o) => o.content.slice(-100_000))
        .join('\n');
      const line = logs.split('\n').find((l) => l.length <= 2000 && PLACEHOLDER.test(l));
      if (!line) continue;
      const property = PLACEHOLDER.exec(line)![1]!;
      const wanted = springEnvName(property);
      const accepted = new Set([wanted, wanted.toLowerCase(), property]);
      for (const c of containerSections(d.content)) {
        const env = c.body.split('\n').flatMap((l) => {
          const m = ENV_LINE.exec(l);
          return m ? [m[1]!] : [];
        });
        if (env.some((n) => accepted.has(n))) continue;
        const near = env.find((n) => n.toUpperCase() === wanted);
        if (!near) continue;
        const owner = ownerDeployment(d.content);
        const out: Finding = {
          weight: 90,
          object: podObject(owner, pod),
          cause: `the container ${c.name} cannot start because Spring cannot resolve the placeholder '${property}' ("${clip(line.trim(), 160)}"): the variable meant to set it is spelled ${near}, in another case than ${wanted}, the name Spring binds that property from; environment variable names are case-sensitive, so ${near} sets nothing Spring reads`,
          evidence: [
            `describe_pod ${pod}: container ${c.name} sets ${near}, not ${wanted}`,
            `get_pod_logs ${pod}: "${clip(line.trim(), 160)}"`,
          ],
          advice: `rename the variable ${near} to ${wanted} in ${owner ? `Deployment ${owner}` : `the pod`}'s container ${c.name}`,
        };
        return [out];
      }
    }
    return [];
  },
};
