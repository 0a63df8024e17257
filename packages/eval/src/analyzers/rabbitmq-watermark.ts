import { parseQuantity } from '@sre-harness/tools-k8s';
import { memoryLimit } from '../baseline/reading.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  envFix,
  type Finding,
  logOutputLines,
  outputs,
  ownerDeployment,
  podDeployment,
  podDescription,
  podOwnerObject,
  type Read,
} from './types.js';

/** RabbitMQ's memory alarm raised: "memory resource limit alarm set on node 'rabbit@…'". */
const ALARM = /\bmemory resource limit alarm set on node\b/;

/** The line before it, with the figures in bytes: "vm_memory_high_watermark set. Memory used:281493504 allowed:268435456". */
const FIGURES = /\bvm_memory_high_watermark set\. Memory used:(\d{1,16}) allowed:(\d{1,16})\b/;

/** The variable RabbitMQ's container images read the watermark from. */
const VARIABLE = 'RABBITMQ_VM_MEMORY_HIGH_WATERMARK';

/** `vm_memory_high_watermark.absolute = …` or `.relative = …` in rabbitmq.conf (a ConfigMap read). */
const CONF_LINE =
  /^[ \t]*vm_memory_high_watermark\.(absolute|relative)[ \t]*=[ \t]*([0-9][0-9.]{0,15}[A-Za-z]{0,3})[ \t]*$/m;

/** RabbitMQ's default share of the memory it detects (0.4 up to 3.13; "Memory Threshold and Limit"). */
const DEFAULT_SHARE = 0.4;

/** A watermark under this share of the container's memory limit is set far below what the limit allows. */
const LOW_SHARE = 0.25;

/**
 * A watermark as RabbitMQ reads it, in bytes, or a share of the memory it detects: a bare number of bytes
 * (`268435456`), a number with an information unit (k/kiB/M/MiB/G/GiB are powers of 1,024, kB/MB/GB of
 * 1,000: RabbitMQ's "Memory Threshold and Limit" guide), or a fraction below 1 (relative). Undefined for
 * anything else.
 */
export function watermark(value: string): { bytes: number } | { share: number } | undefined {
  const m = /^([0-9]{1,16}(?:\.[0-9]{1,6})?)([kKmMgG]?)(i?)([bB]?)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (!unit) {
    if (n > 0 && n < 1) return { share: n };
    return m[1]!.includes('.') ? undefined : { bytes: n };
  }
  const power = { k: 1, m: 2, g: 3 }[unit]!;
  // "kB", "MB", "GB" are decimal; "k", "M", "G", "kiB", "MiB", "GiB" binary.
  const decimal = m[4] !== '' && m[3] === '';
  return { bytes: n * (decimal ? 1000 : 1024) ** power };
}

/** Bytes as whole MiB, for a setting RabbitMQ reads (`819MiB`). */
function mib(bytes: number): string {
  return `${Math.floor(bytes / 1024 ** 2)}MiB`;
}

/** The pods whose log read in the namespace shows RabbitMQ's memory alarm, with the alarm's lines. */
function alarmed(ctx: AnalyzerContext): { pod: string; alarm: string; figures?: string }[] {
  const out: { pod: string; alarm: string; figures?: string }[] = [];
  for (const o of [...outputs(ctx.seen, 'get_pod_logs'), ...outputs(ctx.seen, 'search_pod_logs')]) {
    if (String(o.args['namespace'] ?? ctx.ns) !== ctx.ns) continue;
    const pod = String(o.args['name'] ?? '');
    if (!pod || out.some((x) => x.pod === pod)) continue;
    const lines = logOutputLines(o).filter((l) => l.length <= 4000);
    const alarm = lines.find((l) => ALARM.test(l));
    if (alarm) out.push({ pod, alarm: alarm.trim(), figures: lines.find((l) => FIGURES.test(l))?.trim() });
  }
  return out;
}

/**
 * RabbitMQ's memory alarm raised because its watermark is set far below what its container may use: the
 * alarm blocks every publishing connection until memory falls under the watermark (consumers go on), so a
 * watermark set as a small absolute figure (or a small share) blocks publishers under normal load while the
 * container has room to spare. Found from the alarm in a pod's log, the watermark (the
 * `RABBITMQ_VM_MEMORY_HIGH_WATERMARK` variable of the pod's description, a `vm_memory_high_watermark.*` line
 * of a ConfigMap read, or the "allowed:" figure of the alarm's own log line) and the container's memory limit:
 * a watermark under a quarter of the limit. RabbitMQ's guide recommends an absolute watermark in containers
 * (it does not always detect the cgroup limit) and uses 40 % of the memory by default, so the fix sets the
 * variable to 40 % of the limit, in MiB. Reads: the alarmed pod's description.
 */
export const rabbitmqWatermarkAnalyzer: Analyzer = {
  name: 'rabbitmq-watermark',
  first: true,
  reads(ctx): Read[] {
    const a = alarmed(ctx)[0];
    if (!a || podDescription(ctx.seen, ctx.ns, a.pod)) return [];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: a.pod } }];
  },
  finds(ctx): Finding[] {
    for (const a of alarmed(ctx)) {
      const d = podDescription(ctx.seen, ctx.ns, a.pod);
      if (!d) continue;
      for (const c of containerSections(d).filter((x) => !x.init)) {
        const limitText = memoryLimit(c.body);
        const limit = limitText ? parseQuantity(limitText) : undefined;
        if (!limit) continue;
        const variable = envOf(c.body).find((v) => v.name === VARIABLE);
        const conf = confLine(ctx);
        const set = variable ? watermark(variable.value) : conf ? watermark(conf.value) : undefined;
        const allowed = a.figures ? Number(FIGURES.exec(a.figures)?.[2]) : undefined;
        const bytes = allowed ?? (set && 'bytes' in set ? set.bytes : set ? set.share * limit : undefined);
        if (bytes === undefined || bytes >= LOW_SHARE * limit) continue;
        const where = variable
          ? `${VARIABLE}=${variable.value} on container ${c.name}`
          : conf
            ? `"${clip(conf.line, 120)}" in ConfigMap ${conf.map}`
            : `a watermark of ${mib(bytes)}`;
        const share = Math.round((bytes / limit) * 100);
        const target = mib(DEFAULT_SHARE * limit);
        const deployment = ownerDeployment(d) ?? podDeployment(a.pod);
        // The workload as the answer names it (`statefulset rabbitmq`, `daemonset traefik`), whatever its kind.
        const workload = podOwnerObject(d, a.pod);
        const text = `set ${VARIABLE}=${target} on container ${c.name} of ${workload} (40 % of its ${limitText} memory limit, RabbitMQ's default share)`;
        return [
          {
            weight: 88,
            object: workload.startsWith('pod ') ? workload : `${workload} (pod ${a.pod})`,
            cause: `RabbitMQ in pod ${a.pod} raised its memory alarm ("${clip(a.alarm, 160)}"), which blocks every connection that publishes until its memory falls under the watermark (consumers keep working), because the watermark is set far too low: ${where} allows ${mib(bytes)}, ${share} % of the container's ${limitText} memory limit, so normal load passes it while the container has room to spare${a.figures ? ` ("${clip(a.figures, 140)}")` : ''}; raising the watermark to a share of the limit clears the alarm`,
            evidence: [
              `get_pod_logs ${a.pod}: "${clip(a.alarm, 200)}"`,
              ...(a.figures ? [`get_pod_logs ${a.pod}: "${clip(a.figures, 200)}"`] : []),
              `describe_pod ${a.pod}: container ${c.name} memory limit ${limitText}${variable ? `, ${VARIABLE}=${variable.value}` : ''}`,
            ],
            ...(variable
              ? envFix(ctx.ns, deployment, c.name, [{ name: VARIABLE, value: target }], text)
              : {}),
            advice: variable
              ? `${text}; RabbitMQ recommends an absolute watermark in containers, a share of the container's limit`
              : `set the watermark to about 40 % of the container's ${limitText} memory limit (vm_memory_high_watermark.absolute = ${target}) and restart the broker`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};

/** The first `vm_memory_high_watermark.*` line of a ConfigMap read in the namespace. */
function confLine(ctx: AnalyzerContext): { map: string; line: string; value: string } | undefined {
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) => /^configmaps?$/i.test(String(x.args['kind'])) && String(x.args['namespace'] ?? ctx.ns) === ctx.ns,
  )) {
    const m = CONF_LINE.exec(o.content.slice(0, 200_000));
    if (m) return { map: String(o.args['name']), line: m[0].trim(), value: m[2]! };
  }
  return undefined;
}
