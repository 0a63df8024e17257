import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  cronRunOf,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podEventLines,
  podsOf,
  type Read,
} from './types.js';

/** A registry refusing a pull for its rate limit (Docker Hub's `toomanyrequests`, an HTTP 429). */
const RATE_LIMITED = /toomanyrequests|429 Too Many Requests/i;
/** A log line of a program that pulls images itself (a pre-puller, a cache warmer, a CI builder). */
const PULLS = /\b(?:pull(?:s|ed|ing)?|pull[- ]policy)\b/i;
/** What marks such a line as spending the quota: a pull refused for the limit, or pulls forced on every run. */
const SPENDS = /toomanyrequests|\b429\b|pull[- ]?policy[ =:]{1,3}Always|manifest re-?fetched/i;

/**
 * The workload a generated pod name belongs to: a Deployment's pod (`<name>-<template hash>-<5>`), a
 * Job's (`<name>-<5>`), and for a CronJob's Job (`<cronjob>-<scheduled minute>`) the CronJob, the
 * generated parts from Kubernetes' SafeEncodeString alphabet (no vowels).
 */
function ownerOf(pod: string): { kind: 'CronJob' | 'workload'; name: string } {
  const run = cronRunOf(pod);
  return run ? { kind: 'CronJob', name: run.cronJob } : { kind: 'workload', name: ownerName(pod) };
}

/**
 * The asked namespace's rate-limited pull: the line that says so (an event, the pod's description)
 * and the pod it is about, when the read names it.
 */
function limitedPull({ seen, ns }: AnalyzerContext): { line: string; pod?: string } | undefined {
  for (const { line, from } of podEventLines(seen, ns)) {
    if (!RATE_LIMITED.test(line)) continue;
    const pod =
      from.tool === 'describe_pod'
        ? String(from.args['name'] ?? '')
        : /\bpod\/([a-z0-9][a-z0-9.-]{0,252})/.exec(line)?.[1];
    return { line: line.trim(), ...(pod ? { pod } : {}) };
  }
  return undefined;
}

/**
 * A registry's pull quota spent by another workload of the cluster. Docker Hub limits pulls per
 * account or, unauthenticated, per source address (docs.docker.com, "Usage and limits": a manifest
 * request counts as a pull, so `imagePullPolicy: Always` spends quota even when the layers are
 * cached), and the nodes of a pool share their egress address. A job that pre-pulls a list of images on
 * every node, every few minutes with pull policy Always, uses the quota up, and the pods that then need
 * a real pull get 429 toomanyrequests. Found by reading the pods of the other namespaces and their logs
 * for such pulls; names the CronJob (or workload) that makes them.
 */
export const registryQuotaConsumerAnalyzer: Analyzer = {
  name: 'registry-quota-consumer',
  reads(ctx): Read[] {
    if (!limitedPull(ctx)) return [];
    const names = namespaceNames(ctx.seen);
    if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const reads: Read[] = [];
    for (const n of names.filter((x) => x !== ctx.ns && !/^kube-/.test(x)).slice(0, 4)) {
      const listed = podsOf(ctx.seen, n);
      if ('read' in listed) {
        reads.push(listed.read);
        continue;
      }
      // One pod of each workload there: the newest Job pod of a CronJob is as good as any.
      const seenOwners = new Set<string>();
      for (const r of listed.rows) {
        const name = r['NAME'] ?? '';
        const owner = ownerOf(name).name;
        if (!name || seenOwners.has(owner)) continue;
        seenOwners.add(owner);
        reads.push({ tool: 'get_pod_logs', args: { namespace: n, name } });
        if (seenOwners.size >= 3) break;
      }
    }
    return reads;
  },
  finds(ctx) {
    const pull = limitedPull(ctx);
    if (!pull) return [];
    const limited = pull.line;
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] !== ctx.ns)) {
      const lines = o.content.slice(-200_000).split('\n');
      const spent = lines.find((l) => l.length <= 2000 && PULLS.test(l) && SPENDS.test(l));
      if (!spent) continue;
      const pod = String(o.args['name'] ?? '');
      const where = String(o.args['namespace'] ?? '');
      const owner = ownerOf(pod);
      const label = owner.kind === 'CronJob' ? `CronJob ${owner.name}` : owner.name;
      const summary = lines.find((l) => l !== spent && l.length <= 2000 && SPENDS.test(l));
      const out: Finding = {
        // Above the pull failure itself (88, +5 for the asked pod): this names what causes it.
        weight: 96,
        object: `${owner.kind === 'CronJob' ? 'cronjob' : 'workload'} ${owner.name} in ${where}`,
        cause: `the registry refuses the pull${pull.pod ? ` of pod ${pull.pod}` : ''} for its rate limit ("${clip(limited, 160)}"), and the quota is spent by another workload: ${label} in namespace ${where} pulls images from the same registry on the nodes itself (its log: "${clip(spent.trim(), 140)}"${summary ? `; "${clip(summary.trim(), 120)}"` : ''}). Each manifest request counts as a pull even when the image is cached, so a job that re-pulls a list of images with pull policy Always uses up the nodes' pull quota, and the pods that need a real pull get 429 toomanyrequests. The image exists and the pull secret is not the problem`,
        evidence: [
          `event: ${clip(limited, 200)}`,
          `get_pod_logs ${pod} (namespace ${where}): ${clip(spent.trim(), 160)}`,
        ],
        advice: `stop or slow ${label} (suspend it, run it rarely, pull with IfNotPresent, authenticate its pulls or pull through a registry mirror); the refused pods retry by themselves once the quota resets`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
