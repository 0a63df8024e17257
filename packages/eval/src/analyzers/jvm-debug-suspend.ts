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
/** A JDWP agent option that holds the JVM until a debugger attaches (`-agentlib:jdwp=…suspend=y…`, `-Xrunjdwp:…`). */
const SUSPENDING = /(?:-agentlib:jdwp=|-Xrunjdwp:)[^\s"']{0,300}\bsuspend=y\b/;
/** The variables the JVM reads options from by itself, as it says "Picked up X: …" (JDK launcher). */
const PICKED_UP = /Picked up (JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS): (.{1,1000})$/;

/**
 * A JVM that waits for a debugger before it runs any code: the JDWP agent with `suspend=y` (in
 * JAVA_TOOL_OPTIONS, JAVA_OPTS or the arguments) opens its debug port, prints "Listening for transport
 * dt_socket at address: …" and holds the JVM there until a debugger attaches, so the application never
 * starts, never opens its own port, and its liveness probe kills it over and over (Java SE docs, "Java
 * Debug Wire Protocol" agent options: suspend=y is the default of -agentlib:jdwp). Found from a log that
 * shows the agent listening and the option with suspend=y (the log's "Picked up …" line, or the
 * container's environment in its description). The fix keeps the agent with suspend=n in the same
 * variable (set_env on the Deployment's container), so the JVM starts and a debugger can still attach.
 */
export const jvmDebugSuspendAnalyzer: Analyzer = {
  name: 'jvm-debug-suspend',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content).filter((l) => l.length <= 2000);
      const listening = lines.find((l) => LISTENING.test(l));
      if (!listening) continue;
      const pod = String(o.args['name'] ?? '');
      const described = outputs(ctx.seen, 'describe_pod', (d) => d.args['name'] === pod).pop()?.content;
      // The variable and its value: the container's environment, else what the JVM says it picked up.
      let variable: string | undefined;
      let value: string | undefined;
      let container = typeof o.args['container'] === 'string' ? o.args['container'] : undefined;
      for (const c of described ? containerSections(described) : []) {
        if (c.init || (container && c.name !== container)) continue;
        const m = /^\s{6}([A-Za-z_][A-Za-z0-9_]{0,100}):\s{1,20}(.{1,1000})$/m.exec(
          c.body
            .split('\n')
            .filter((l) => SUSPENDING.test(l))
            .join('\n'),
        );
        if (m) {
          variable = m[1];
          value = m[2]!.trim();
          container = c.name;
          break;
        }
      }
      if (!variable) {
        const picked = lines.map((l) => PICKED_UP.exec(l)).find((m) => m && SUSPENDING.test(m[2]!));
        if (picked) {
          variable = picked[1];
          value = picked[2]!.trim();
        }
      }
      if (!variable || !value) continue;
      container ??= described ? containerSections(described).find((c) => !c.init)?.name : undefined;
      const deployment = described ? ownerDeployment(described) : undefined;
      const fixed = value.replace(/\bsuspend=y\b/, 'suspend=n');
      const port = LISTENING.exec(listening)![1];
      return [
        {
          weight: 95,
          object: deployment ? `deployment ${deployment}` : `pod ${pod}`,
          cause: `the JVM waits for a debugger and never starts the application: ${variable} loads the JDWP debug agent with suspend=y ("${clip(value, 160)}"), and the agent holds the JVM before any application code runs until a debugger attaches to port ${port} ("${clip(listening.trim(), 120)}"); nobody attaches, so the application never opens its own port and the liveness probe kills the container again and again. The probe and the application's dependencies are not at fault`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(listening.trim(), 160)}"`,
            `${variable}: "${clip(value, 160)}"`,
          ],
          ...(container
            ? envFix(
                ctx.ns,
                deployment,
                container,
                [{ name: variable, value: fixed }],
                `set ${variable} of ${deployment}/${container} to suspend=n, so the JVM starts while the debug agent still listens`,
              )
            : {}),
          advice: `set suspend=n in ${variable} (or remove the debug agent); the JVM then starts and a debugger can still attach to port ${port}`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
