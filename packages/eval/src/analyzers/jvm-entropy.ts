import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  loggedLines,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** A JVM blocked seeding SecureRandom from the blocking /dev/random (a thread dump or a watchdog line). */
const BLOCKED_SEEDING =
  /sun\.security\.provider\.SeedGenerator|NativePRNGBlocking|SecureRandom\.(?:generateSeed|nextBytes)[^\n]{0,200}\/dev\/random|reading file:\/dev\/random/;
/** The JVM options variables a container sets: JAVA_OPTS (start scripts) or JAVA_TOOL_OPTIONS (the JVM itself). */
const OPTS = /^\s{4,}(JAVA_OPTS|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS):\s+(.{0,1000})$/m;
const EGD = '-Djava.security.egd=file:/dev/./urandom';

/**
 * A JVM whose start-up blocks seeding SecureRandom from /dev/random: on a host with little entropy
 * (a fresh VM, no hardware RNG) the read blocks for minutes, so a program that makes TLS keys or
 * session ids at start is still starting when its liveness probe gives up, and is restarted in a
 * loop. Pointing the seed source at the non-blocking /dev/urandom (`-Djava.security.egd=
 * file:/dev/./urandom`, Oracle's "Java Security Standard Algorithm Names" and the java.security file's
 * securerandom.source) ends it. Found from the program's own log (a thread dump or watchdog line in
 * SeedGenerator); the fix adds the option to the container's JVM options (an approved `set_env`).
 */
export const jvmEntropyAnalyzer: Analyzer = {
  name: 'jvm-entropy',
  reads() {
    return [];
  },
  finds({ seen, ns }) {
    for (const { log: o, line } of loggedLines(
      seen,
      ns,
      (l) => l.length <= 2000 && BLOCKED_SEEDING.test(l),
    )) {
      const pod = String(o.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      const owner = d ? ownerDeployment(d.content) : undefined;
      const c = d
        ? (containerSections(d.content).find((s) => !s.init && s.name === o.args['container']) ??
          containerSections(d.content).find((s) => !s.init))
        : undefined;
      const opts = c ? OPTS.exec(c.body) : null;
      const variable = opts?.[1] ?? 'JAVA_TOOL_OPTIONS';
      const current = opts?.[2]?.trim() ?? '';
      const value = current.includes('java.security.egd')
        ? undefined
        : `${current ? `${current} ` : ''}${EGD}`;
      const out: Finding = {
        weight: 90,
        object: podObject(owner, pod),
        cause: `the JVM blocks at start seeding SecureRandom from /dev/random ("${clip(line.trim(), 170)}"): /dev/random blocks while the node's entropy pool is low, so start-up takes minutes and the program is still starting when its probes give up; it is not slow code or too little memory, it is waiting for entropy`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(line.trim(), 170)}"`,
          ...(opts ? [`describe_pod ${pod}: ${variable}: ${clip(current, 100)}`] : []),
        ],
        advice: `point the JVM's seed source at the non-blocking /dev/urandom: add ${EGD} to ${variable}${owner ? ` of ${owner}` : ''}`,
        ...(value && c
          ? envFix(
              ns,
              owner,
              c.name,
              [{ name: variable, value }],
              `add ${EGD} to ${variable} of ${owner}/${c.name}, so SecureRandom seeds from /dev/urandom and start-up no longer waits for entropy`,
            )
          : {}),
      };
      return [out];
    }
    return [];
  },
};
