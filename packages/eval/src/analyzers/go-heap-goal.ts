import { envOf } from './env-values.js';
import { oomKilledContainers } from './oom-containers.js';
import { type Analyzer, bonus, clip, envFix, type Finding } from './types.js';

/** A Go program's heap goal as its log states it: `heap_goal=1048MiB`, `heap goal: 1.2GB`, `"heap_goal":1048`. */
const GOAL =
  /\bheap[ _-]?goal\b["']?\s{0,3}[:=]\s{0,3}(\d{1,9}(?:\.\d{1,3})?)\s{0,2}(b|kib|kb|k|mib|mb|m|gib|gb|g)?\b/i;
/** A line that says the program is a Go program: its toolchain (`go1.22.4`) or the runtime's own settings. */
const GO_RUNTIME = /\bgo1\.\d{1,2}(?:\.\d{1,2})?\b|\bGOGC=|\bGOMAXPROCS=/;
/** GOMEMLIMIT given a value in a log line (not `unset`, `off` or empty). */
const LIMIT_SET = /\bGOMEMLIMIT=(?!unset\b|off\b|none\b|\s|,|$)/i;

const UNIT: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * An OOM-killed Go program whose garbage collector aims above the container's memory limit: the runtime
 * lets the heap grow to the live heap times (1 + GOGC/100) before it collects (the heap goal; twice the
 * live heap at the default GOGC=100), and without GOMEMLIMIT (Go 1.19 and later) it does not know the
 * container's limit at all, so once the live heap passes half the limit the goal passes the limit and the
 * kernel kills the container before the next collection (go.dev/doc/gc-guide, "Memory limit"). Found when
 * the program's own log gives a heap goal above the limit and GOMEMLIMIT is not set (neither in the
 * container's environment nor in the log). The fix sets GOMEMLIMIT to about 90 % of the limit, which
 * makes the collector work harder near it instead of letting the heap double.
 */
export const goHeapGoalAnalyzer: Analyzer = {
  name: 'go-heap-goal',
  reads: () => [],
  finds(ctx): Finding[] {
    for (const c of oomKilledContainers(ctx)) {
      const env = envOf(c.body);
      if (env.some((v) => v.name === 'GOMEMLIMIT')) continue;
      if (!c.lines.some((l) => GO_RUNTIME.test(l)) && !env.some((v) => v.name === 'GOGC')) continue;
      if (c.lines.some((l) => LIMIT_SET.test(l))) continue;
      const over = c.lines.find((l) => {
        const m = GOAL.exec(l);
        return m !== null && Number(m[1]) * (UNIT[(m[2] ?? 'b').toLowerCase()] ?? 1) > c.limit;
      });
      if (!over) continue;
      const gogc = env.find((v) => v.name === 'GOGC')?.value ?? '100 (the default)';
      const target = `${Math.floor((c.limit * 0.9) / 1024 ** 2)}MiB`;
      const { pod, deployment, limitText } = c;
      return [
        {
          weight: 95 + bonus(pod, ctx.hints),
          object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
          cause: `the Go program in container ${c.container} is OOMKilled because its garbage collector's heap goal is above the ${limitText} memory limit: "${clip(over.trim(), 160)}". With GOGC=${gogc} the runtime lets the heap grow to the live heap times (1 + GOGC/100) before it collects (twice the live heap at 100), and with no GOMEMLIMIT set it does not know the container's limit, so once the live heap passes half the limit the heap grows past the limit and the kernel kills the container; the live heap itself fits, so this is not a leak`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(over.trim(), 160)}"`,
            `describe_pod ${pod}: memory limit ${limitText}, OOMKilled, no GOMEMLIMIT`,
          ],
          advice: `set GOMEMLIMIT to about 90 % of the limit (${target}), so the collector runs harder near the limit instead of letting the heap double; keep GOGC, or lower it for more headroom`,
          revisionSound: true,
          ...envFix(
            ctx.ns,
            deployment,
            c.container,
            [{ name: 'GOMEMLIMIT', value: target }],
            `set GOMEMLIMIT=${target} on ${deployment}/${c.container} (90 % of the ${limitText} limit)`,
          ),
        },
      ];
    }
    return [];
  },
};
