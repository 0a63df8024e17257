import { parseQuantity } from '@sre-harness/tools-k8s';
import { memoryLimit } from '../baseline/reading.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  stateBlock,
} from './types.js';

/**
 * A program stopping itself at its own memory cap: a queue worker's `Memory limit exceeded` (Laravel's
 * `queue:work --memory`), PHP's `Allowed memory size of N bytes exhausted` (memory_limit), a `memory cap
 * reached`. Not the kernel's OOM kill: the container's limit is not what is reached.
 */
const CAPPED =
  /\bmemory limit(?: of \d{1,15}(?:\.\d{1,3})? ?\w{0,5})? (?:exceeded|reached)\b|\ballowed memory size of (\d{1,15}) bytes exhausted\b|\bmemory (?:cap|budget) (?:exceeded|reached)\b/i;
/** A variable that holds a memory size (`WORKER_MEMORY_MB`, `PHP_MEMORY_LIMIT`, `MEM_LIMIT`), not a port or a host. */
const MEMORY_VAR = /MEMORY|(?:^|_)MEM(?:_|$)/i;
const NOT_A_SIZE = /PORT|HOST|ADDR|URL|URI|PATH|DIR/i;
/** A figure with a unit in a log line (`128MB`, `171.4 MB`, `512M`). */
const FIGURE = /(\d{1,9}(?:\.\d{1,3})?)\s?(KB|MB|GB|KiB|MiB|GiB|K|M|G)\b/g;
/** `FIGURE` without the global flag, for a test that keeps no state between calls. */
const HAS_FIGURE = new RegExp(FIGURE.source);
/** A variable's value: a number, maybe with a unit (`128`, `1024M`, `2G`, `512Mi`). */
const SIZE_VALUE = /^(\d{1,9})(K|M|G|KB|MB|GB|Ki|Mi|Gi)?$/i;

const UNIT: Readonly<Record<string, number>> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** Bytes of a figure or a value in the unit its name implies (`_MB` names count megabytes). */
function bytesOf(n: number, unit: string | undefined, name = ''): number {
  const u = (
    unit ?? (/_?MB$/i.test(name) ? 'M' : /_?GB$/i.test(name) ? 'G' : /_?KB$/i.test(name) ? 'K' : 'M')
  )
    .charAt(0)
    .toLowerCase();
  return n * (UNIT[u] ?? 2 ** 20);
}

/**
 * A worker that exits at the memory cap its own settings give it, below the container's limit: the
 * process counts its memory after each job and stops itself once it is above the cap (a queue worker's
 * `--memory`, PHP's memory_limit), so the pod restarts over and over with an exit code of the program's
 * (12 for a Laravel worker) and never an OOM kill. A release that needs more memory per job (a heavier
 * renderer) crosses the old cap. Found from the crashed container's previous log and its variables: the
 * one whose value the log gives as the cap, or that the command passes to a memory option, or the only
 * memory variable. The fix doubles that variable (above the memory the log measured), as long as it
 * stays below the container's limit.
 */
export const memoryCapSettingAnalyzer: Analyzer = {
  name: 'memory-cap-setting',
  reads() {
    return [];
  },
  finds({ ns, seen, hints }) {
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      const log = outputs(
        seen,
        'get_pod_logs',
        (o) => o.args['name'] === pod && o.args['previous'] === true && (o.args['namespace'] ?? ns) === ns,
      ).pop();
      if (!log) continue;
      const lines = boundedLogLines(log.content);
      // The line the program stopped on: one of its last two lines, or one that says it stops.
      const capped = lines
        .filter(
          (l, i) =>
            l.length <= 4000 &&
            CAPPED.test(l) &&
            (i >= lines.length - 2 || /\b(?:stop|exit|shut)\w{0,5}\b/i.test(l)),
        )
        .pop();
      if (!capped) continue;
      const apps = containerSections(d.content).filter((x) => !x.init);
      const logged = log.args['container'];
      for (const c of apps.filter((x) => logged === undefined || x.name === logged)) {
        const last = stateBlock(c.body, 'Last State');
        if (last.state !== 'Terminated' || last.reason === 'OOMKilled') continue;
        const vars = envOf(c.body).filter(
          (v) => MEMORY_VAR.test(v.name) && !NOT_A_SIZE.test(v.name) && SIZE_VALUE.test(v.value.trim()),
        );
        if (vars.length === 0) continue;
        // The cap the log states: a figure right before the cap line, or PHP's byte count.
        const near = lines
          .slice(Math.max(0, lines.indexOf(capped) - 2), lines.indexOf(capped) + 1)
          .join('\n');
        const figures = [...near.matchAll(FIGURE)].map((m) => bytesOf(Number(m[1]), m[2]));
        const phpBytes = Number(CAPPED.exec(capped)?.[1] ?? Number.NaN);
        const stated = [...figures, ...(Number.isFinite(phpBytes) ? [phpBytes] : [])];
        const valueBytes = (v: { name: string; value: string }) => {
          const m = SIZE_VALUE.exec(v.value.trim())!;
          return bytesOf(Number(m[1]), m[2], v.name);
        };
        const command = c.body.split('\n').filter((l) => /memory/i.test(l));
        const chosen =
          vars.find((v) => stated.some((b) => Math.abs(b - valueBytes(v)) < 2 ** 20 / 2)) ??
          vars.find((v) => command.some((l) => l.includes(`$(${v.name})`))) ??
          (vars.length === 1 ? vars[0] : undefined);
        if (!chosen) continue;
        const cap = valueBytes(chosen);
        // The memory the log measured above the cap, when it says so.
        const used = Math.max(0, ...figures.filter((b) => b > cap));
        const limitText = memoryLimit(c.body);
        const limit = limitText ? parseQuantity(limitText) : undefined;
        let factor = 2;
        while (cap * factor < used * 1.25 && factor < 8) factor *= 2;
        const m = SIZE_VALUE.exec(chosen.value.trim())!;
        const next = `${Number(m[1]) * factor}${m[2] ?? ''}`;
        // A value still below what the log measured would not stop the stops: no change is proposed then.
        const aboveUse = cap * factor >= used;
        const fits = (limit === undefined || cap * factor < limit) && aboveUse;
        const owner = ownerDeployment(d.content);
        // The line before the cap line, when it gives the figures (`memory after job: 171.4MB, limit 128MB`).
        const at = lines.indexOf(capped);
        const before =
          at > 0 && /memory/i.test(lines[at - 1]!) && HAS_FIGURE.test(lines[at - 1]!)
            ? lines[at - 1]
            : undefined;
        const out: Finding = {
          weight: 91 + (hints.some((h) => pod.startsWith(h)) ? 4 : 0),
          object: podObject(owner, pod),
          cause: `the container ${c.name} stops itself at its own memory cap, not the container's: ${chosen.name}=${chosen.value} is the cap the program is given, the log says it went past it ("${clip(capped.trim(), 160)}"${before ? `, after "${clip(before.trim(), 120)}"` : ''}), and it exits with code ${last.exit ?? '?'} (reason ${last.reason ?? 'Error'}, no OOM kill)${limitText ? `, far from the container's ${limitText} limit` : ''}. A job that needs more memory than the cap (a heavier release) makes every worker stop and restart, so the queue grows`,
          evidence: [
            `describe_pod ${pod}: container ${c.name} Last State Terminated, Reason ${last.reason ?? '?'}, Exit Code ${last.exit ?? '?'}`,
            `describe_pod ${pod}: ${chosen.name}: ${chosen.value}`,
            `get_pod_logs ${pod} (previous): "${clip(capped.trim(), 200)}"`,
          ],
          advice: aboveUse
            ? `raise ${chosen.name} from ${chosen.value} to ${next}${fits ? '' : ", and the container's memory limit above it"}; the container limit itself is not what stops the worker`
            : `raise ${chosen.name} above the ${Math.round(used / 2 ** 20)} MiB a job now takes (and the container's memory limit with it); the container limit itself is not what stops the worker`,
          ...(fits
            ? envFix(
                ns,
                owner,
                c.name,
                [{ name: chosen.name, value: next }],
                `set ${chosen.name}=${next} on ${owner}/${c.name}, above the memory a job now takes`,
              )
            : {}),
        };
        return [out];
      }
    }
    return [];
  },
};
