import { clip } from '../../../analyzers/types.js';
import { logLines } from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/** A program that finishes (exit code 0) under restartPolicy Always, so it loops in CrashLoopBackOff. */
export const exitZero: ContainerSignature = {
  name: 'exit-zero',
  stops: true,
  find(x) {
    const { pod, objectLabel, bonus: b, container: c, kind, last, now, restarts, exit, logs } = x;
    // A program that finishes (exit 0) under a controller that keeps it running loops all the same.
    // A program the kubelet stopped for failing its liveness probe exits 0 too when it handles SIGTERM
    // cleanly: that is the probe's doing, not a program that finishes.
    const killed = /failed liveness probe, will be restarted|Liveness probe failed/.test(x.described.content);
    if (exit === 0 && !killed && /CrashLoopBackOff/.test(now.reason ?? '') && Number(restarts ?? 0) > 0) {
      const said = logLines(logs?.content ?? '').pop();
      return {
        weight: 78 + b,
        object: objectLabel,
        cause: `the ${kind} ${c.name} exits with code 0 (Completed: it finishes instead of staying in the foreground), and the pod's restartPolicy Always starts it again, so it loops in CrashLoopBackOff${said ? `; its last words: "${clip(said, 100)}"` : ''}`,
        evidence: [
          `describe_pod ${pod}: ${kind} ${c.name} Last State Terminated, Reason ${last.reason ?? 'Completed'}, Exit Code 0${restarts ? `, Restart Count ${restarts}` : ''}`,
        ],
        advice:
          'run the program in the foreground (fix the command or args), or run a one-shot task as a Job',
      };
    }
    return undefined;
  },
};
