import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
} from './types.js';

/** What the JDWP agent prints when it waits for a debugger to attach (its socket transport). */
const LISTENING = /Listening for transport dt_socket at address: ?(\S{1,100})/;
/** A JDWP agent option (`-agentlib:jdwp=…`, `-Xrunjdwp:…`) with its sub-options. */
const AGENT = /(?:-agentlib:jdwp=|-Xrunjdwp:)[^\s"']{0,300}/;
/** The variables the JVM reads options from by itself, as it says "Picked up X: …" (JDK launcher). */
const PICKED_UP = /Picked up (JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS): (.{1,1000})$/;
/**
 * A line that says the application started after all (a debugger attached, or the agent did not hold it):
 * Spring Boot's "Started X in N seconds", a web server started on its port, a program's own "started".
 */
const STARTED =
  /\bStarted \S{1,120} in [\d.]{1,8} seconds\b|\b(?:Tomcat|Jetty|Undertow|Netty) started on port\b|\bServer startup in\b|\bstartup completed?\b|\bapplication started\b/i;
/** A described environment variable and its value: `      JAVA_OPTS:  -Xmx1g …`. */
const ENV_LINE = /^\s{6}([A-Za-z_][A-Za-z0-9_]{0,100}):\s{1,20}(.{1,1000})$/;

/**
 * Whether an agent option holds the JVM: `suspend=y`, or no `suspend=` at all (y is the default of
 * -agentlib:jdwp and -Xrunjdwp).
 */
const holds = (option: string): boolean => !/\bsuspend=n\b/.test(option);

/** The value with the agent's own `suspend` set to n (added when the option leaves it at its default y). */
function released(value: string): string {
  return value.replace(AGENT, (option) =>
    /\bsuspend=y\b/.test(option) ? option.replace(/\bsuspend=y\b/, 'suspend=n') : `${option},suspend=n`,
  );
}

interface Held {
  /** The variable that holds the option (`JAVA_TOOL_OPTIONS`, `JPDA_SUSPEND`), or `the container's arguments`. */
  readonly where: string;
  readonly value: string;
  /** The container the variable is set in, when the description shows it; with its new value. */
  readonly container?: string | undefined;
  readonly set?: { name: string; value: string } | undefined;
}

/** What in a pod's description holds the JVM: an environment variable, Tomcat's JPDA_SUSPEND, or the arguments. */
function heldBy(described: string, container: string | undefined): Held | undefined {
  for (const c of containerSections(described)) {
    if (c.init || (container && c.name !== container)) continue;
    for (const l of c.body.split('\n').slice(0, 400)) {
      const env = ENV_LINE.exec(l);
      if (env) {
        const [, name, raw] = env;
        const value = raw!.trim();
        // A value taken from a ConfigMap or a Secret is changed there, not by set_env.
        const literal = !value.startsWith('<');
        const option = AGENT.exec(value)?.[0];
        if (option && holds(option))
          return {
            where: name!,
            value,
            container: c.name,
            set: literal ? { name: name!, value: released(value) } : undefined,
          };
        // Tomcat's `catalina.sh jpda run` builds the option itself from JPDA_SUSPEND (default n).
        if (name === 'JPDA_SUSPEND' && /^["']?y["']?$/i.test(value))
          return { where: name, value, container: c.name, set: { name, value: 'n' } };
        continue;
      }
      const run = /^\s{4}(?:Command|Args):\s*(.{0,2000})$/.exec(l)?.[1];
      const option = run ? AGENT.exec(run)?.[0] : undefined;
      if (option && holds(option))
        return { where: "the container's arguments", value: option, container: c.name };
    }
  }
  return undefined;
}

/**
 * A JVM that waits for a debugger before it runs any code: the JDWP agent with `suspend=y` (or no
 * `suspend`, whose default is y; in JAVA_TOOL_OPTIONS, JAVA_OPTS, the arguments, or Tomcat's JPDA_SUSPEND)
 * opens its debug port, prints "Listening for transport dt_socket at address: …" and holds the JVM there
 * until a debugger attaches, so the application never starts, never opens its own port, and its liveness
 * probe kills it over and over (Java SE docs, "Java Debug Wire Protocol" agent options). Found from a log
 * that shows the agent listening and no start after it, and the option (the container's environment or
 * arguments in its description, else the log's "Picked up …" line). The fix keeps the agent with suspend=n
 * in the same variable of the container that sets it (set_env on the Deployment), so the JVM starts and a
 * debugger can still attach; none for arguments or a value taken from a ConfigMap or a Secret.
 */
export const jvmDebugSuspendAnalyzer: Analyzer = {
  name: 'jvm-debug-suspend',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content).filter((l) => l.length <= 2000);
      const at = lines.findIndex((l) => LISTENING.test(l));
      if (at < 0 || lines.slice(at + 1).some((l) => STARTED.test(l))) continue;
      const listening = lines[at]!;
      const pod = String(o.args['name'] ?? '');
      const described = outputs(ctx.seen, 'describe_pod', (d) => d.args['name'] === pod).pop()?.content;
      const logged = typeof o.args['container'] === 'string' ? o.args['container'] : undefined;
      let held = described ? heldBy(described, logged) : undefined;
      if (!held) {
        const picked = lines
          .map((l) => PICKED_UP.exec(l))
          .find((m) => m && holds(AGENT.exec(m[2]!)?.[0] ?? 'suspend=n'));
        if (picked) {
          // The container that sets the variable the JVM picked up, when the description shows one.
          const setter = described
            ? containerSections(described).find(
                (c) => !c.init && new RegExp(`^\\s{6}${picked[1]}:`, 'm').test(c.body),
              )
            : undefined;
          held = { where: picked[1]!, value: picked[2]!.trim(), container: setter?.name ?? logged };
        }
      }
      if (!held) continue;
      const deployment = described ? ownerDeployment(described) : undefined;
      const port = LISTENING.exec(listening)![1];
      return [
        {
          weight: 95,
          object: deployment ? `deployment ${deployment}` : `pod ${pod}`,
          cause: `the JVM waits for a debugger and never starts the application: ${held.where} loads the JDWP debug agent so that it suspends the JVM ("${clip(held.value, 160)}"${held.where === 'JPDA_SUSPEND' ? ', which catalina.sh turns into the agent option suspend=y' : ''}), and the agent holds the JVM before any application code runs until a debugger attaches to port ${port} ("${clip(listening.trim(), 120)}"); nobody attaches, so the application never opens its own port and the liveness probe kills the container again and again. The probe and the application's dependencies are not at fault`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(listening.trim(), 160)}"`,
            `${held.where}: "${clip(held.value, 160)}"`,
          ],
          ...(held.set && held.container
            ? envFix(
                ctx.ns,
                deployment,
                held.container,
                [held.set],
                `set ${held.set.name} of ${deployment}/${held.container} to ${held.set.name === 'JPDA_SUSPEND' ? 'n' : 'suspend=n'}, so the JVM starts while the debug agent still listens`,
              )
            : {}),
          advice: `set suspend=n for the debug agent in ${held.where} (or remove the agent); the JVM then starts and a debugger can still attach to port ${port}`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
