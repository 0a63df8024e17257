import { type Analyzer, type Finding, flat, outputs } from './types.js';

// JVM options that commit the whole heap up front: an initial heap equal to the maximum, or pre-touch.
const XMS = /-Xms(\d{1,7}[kKmMgG]?)\b/;
const XMX = /-Xmx(\d{1,7}[kKmMgG]?)\b/;

/**
 * A HorizontalPodAutoscaler that scales on memory utilization over JVM pods whose heap is committed
 * up front (`-Xms` equal to `-Xmx`, or `-XX:+AlwaysPreTouch`): the JVM takes its whole heap at start
 * and its garbage collector keeps it, so the pods' memory stays flat whatever the load and the HPA's
 * memory figure never drops. It scales out and never scales in. The HPA algorithm follows the metric
 * (kubernetes.io, "Horizontal Pod Autoscaling": algorithm details); the heap options are the JVM's own
 * (docs.oracle.com, the java command: -Xms, -Xmx, -XX:+AlwaysPreTouch).
 */
export const jvmMemoryHpaAnalyzer: Analyzer = {
  name: 'jvm-memory-hpa',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const h of outputs(
      seen,
      'describe_resource',
      (o) => /^(horizontalpodautoscalers?|hpa)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
    )) {
      const lines = h.content.split('\n').map((l) => l.trim());
      if (!lines.some((l) => /^metrics\[\d{1,2}\]\.resource\.name: memory$/.test(l))) continue;
      const target = flat(h.content, 'scaleTargetRef.name');
      if (!target) continue;
      // The target's own pods (<deployment>-<template hash>-<suffix>, <statefulset>-<ordinal>), not
      // those of a workload whose name merely starts with the target's (billing-worker beside billing).
      const pod = outputs(seen, 'describe_pod', (o) => {
        const n = String(o.args['name']);
        return (
          n.startsWith(`${target}-`) &&
          /^(?:[a-z0-9]{5,10}-[a-z0-9]{5}|\d{1,5})$/.test(n.slice(target.length + 1))
        );
      }).pop();
      if (!pod) continue;
      const opts = pod.content
        .split('\n')
        .find((l) => /-Xmx|\+AlwaysPreTouch/.test(l))
        ?.trim();
      if (!opts) continue;
      const xms = XMS.exec(opts)?.[1];
      const xmx = XMX.exec(opts)?.[1];
      const fixed = xms !== undefined && xms.toLowerCase() === xmx?.toLowerCase();
      // -XX:+AlwaysPreTouch turns pre-touch on; -XX:-AlwaysPreTouch (the default) turns it off.
      const touch = opts.includes('+AlwaysPreTouch');
      if (!fixed && !touch) continue;
      const current = flat(h.content, 'currentMetrics[0].resource.current.averageUtilization');
      const replicas = flat(h.content, 'currentReplicas');
      const max = flat(h.content, 'maxReplicas');
      out.push({
        weight: 84,
        object: `horizontalpodautoscaler ${String(h.args['name'])}`,
        cause: `HorizontalPodAutoscaler ${String(h.args['name'])} scales ${target} on memory utilization, but its pods run a JVM whose heap is committed up front (${[fixed ? `-Xms${xms} equal to -Xmx${xmx}` : '', touch ? '-XX:+AlwaysPreTouch' : ''].filter(Boolean).join(', ')}): the JVM takes its whole heap at start and the garbage collector keeps it, so memory stays flat regardless of load and never drops, and the HPA scales out but never scales back in${current ? ` (memory at ${current} % of the request` : ''}${replicas && max ? `${current ? ', ' : ' ('}${replicas} of at most ${max} replicas)` : current ? ')' : ''}`,
        evidence: [
          `describe_resource HorizontalPodAutoscaler ${String(h.args['name'])}: metric Resource memory`,
          `describe_pod ${String(pod.args['name'])}: ${opts.slice(0, 160)}`,
        ],
        advice: `scale ${target} on CPU or a load metric (requests per second, queue length) instead of memory; a JVM's memory does not follow its load`,
      });
    }
    return out.slice(0, 1);
  },
};
