import { escapeRe } from '../baseline/reading.js';
import { appliedBack, readBack } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  describedVolumes,
  type Finding,
  loggedLines,
  namespaceNames,
  outputs,
  podsOf,
  type Read,
} from './types.js';

/** The person says log lines are missing from the log store. */
const MISSING_LOGS =
  /\blogs?\b[^.?!]{0,120}\b(?:missing|lost|gone|not (?:there|arriving|shipped|showing))\b|\b(?:cannot|can't|could not) find\b[^.?!]{0,120}\blogs?\b/i;
/** Log shippers by pod name. */
const SHIPPER = /^(?:fluent-?bit|fluentd|vector|promtail|filebeat|fluent)\b/;
/** Fluent Bit pausing an input at its memory buffer limit: `[input] tail.0 paused (mem buf overlimit)`. */
const PAUSED = /\[input\] (\S{1,100}) paused \(mem buf overlimit\)/;
/** A Mem_Buf_Limit in MB, as a Fluent Bit classic configuration writes it. */
const LIMIT = /^([ \t]*Mem_Buf_Limit[ \t]+)(\d{1,6})MB[ \t]*$/im;

/** The namespaces the task names (other than the one under investigation), and any named like a logging stack's. */
function shipperSpaces(ctx: AnalyzerContext): string[] {
  return namespaceNames(ctx.seen)
    .filter(
      (n) => n !== ctx.ns && (new RegExp(`\\b${escapeRe(n)}\\b`).test(ctx.task) || /logging|logs/.test(n)),
    )
    .slice(0, 2);
}

function pausedLog(ctx: AnalyzerContext) {
  for (const space of shipperSpaces(ctx)) {
    const [found] = loggedLines(ctx.seen, space, (l) => l.length <= 2000 && PAUSED.test(l));
    if (found)
      return { namespace: space, pod: String(found.log.args['name'] ?? ''), line: found.line.trim() };
  }
  return undefined;
}

/** The ConfigMap a shipper pod mounts (its description's volumes). */
function mountedConfig(ctx: AnalyzerContext, namespace: string, pod: string): string | undefined {
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['namespace'] === namespace && o.args['name'] === pod,
  ).pop();
  return d ? describedVolumes(d.content).find((v) => v.type === 'ConfigMap' && v.source)?.source : undefined;
}

/**
 * Log lines lost because Fluent Bit paused its input at the input's memory buffer limit
 * (Mem_Buf_Limit): when the output is slower than the input (a burst, a slow store), the buffered
 * chunks reach the limit and the input stops reading (`paused (mem buf overlimit)`) until they drain;
 * a tail input that is paused while its files rotate never reads the lines in between
 * (docs.fluentbit.io, "Backpressure": Mem_Buf_Limit; filesystem buffering, storage.type filesystem,
 * avoids it). Once the person says logs are missing, the shipper pods of the namespaces they name are
 * read; the fix raises Mem_Buf_Limit in the shipper's ConfigMap (an approved `apply_manifest`).
 */
export const logShipperBufferAnalyzer: Analyzer = {
  name: 'log-shipper-buffer',
  early: true,
  reads(ctx) {
    if (!MISSING_LOGS.test(ctx.task)) return [];
    const reads: Read[] = [];
    for (const space of shipperSpaces(ctx)) {
      const pods = podsOf(ctx.seen, space);
      if ('read' in pods) {
        reads.push(pods.read);
        continue;
      }
      const shipper = pods.rows.find((r) => SHIPPER.test(r['NAME'] ?? ''))?.['NAME'];
      if (!shipper) continue;
      reads.push({ tool: 'get_pod_logs', args: { namespace: space, name: shipper } });
    }
    const paused = pausedLog(ctx);
    if (paused) {
      reads.push({ tool: 'describe_pod', args: { namespace: paused.namespace, name: paused.pod } });
      const cm = mountedConfig(ctx, paused.namespace, paused.pod);
      if (cm)
        reads.push({
          tool: 'get_resource',
          args: { kind: 'ConfigMap', name: cm, namespace: paused.namespace },
        });
    }
    return reads;
  },
  finds(ctx) {
    if (!MISSING_LOGS.test(ctx.task)) return [];
    const paused = pausedLog(ctx);
    if (!paused) return [];
    const input = PAUSED.exec(paused.line)![1]!;
    const cm = mountedConfig(ctx, paused.namespace, paused.pod);
    const doc = cm
      ? readBack<{ metadata?: Record<string, unknown>; data?: Record<string, string> }>(ctx.seen, {
          kind: 'ConfigMap',
          name: cm,
        })
      : undefined;
    let fix: Finding['fix'];
    let current: string | undefined;
    if (doc) {
      try {
        for (const [key, value] of Object.entries(doc.data ?? {})) {
          const m = LIMIT.exec(value);
          if (!m) continue;
          current = `${m[2]}MB`;
          const raised = Math.max(50, Number(m[2]) * 10);
          doc.data![key] = value.replace(LIMIT, `$1${raised}MB`);
          fix = {
            tool: 'apply_manifest',
            args: { namespace: paused.namespace, manifest: appliedBack(doc) },
            text: `raise Mem_Buf_Limit in ConfigMap ${cm} (${key}) from ${current} to ${raised}MB, so the tail input is not paused while the output catches up`,
          };
          break;
        }
      } catch {
        fix = undefined;
      }
    }
    const out: Finding = {
      weight: 89,
      object: `pod ${paused.pod} in ${paused.namespace}`,
      cause: `the log shipper drops lines: Fluent Bit's input ${input} keeps pausing at its memory buffer limit ("${clip(paused.line, 120)}"${current ? `, Mem_Buf_Limit ${current} in ConfigMap ${cm}` : ''}): when the output is slower than the burst, the buffered chunks reach Mem_Buf_Limit and the input stops reading until they drain, and lines written while it is paused in files that rotate meanwhile are never read; the log store is not dropping them`,
      evidence: [
        `get_pod_logs ${paused.pod} (${paused.namespace}): "${clip(paused.line, 140)}"`,
        ...(current ? [`get_resource ConfigMap ${cm}: Mem_Buf_Limit ${current}`] : []),
      ],
      advice:
        "raise the input's Mem_Buf_Limit, or switch it to filesystem buffering (storage.type filesystem), so bursts are buffered instead of paused",
      ...(fix ? { fix } : {}),
    };
    return [out];
  },
};
