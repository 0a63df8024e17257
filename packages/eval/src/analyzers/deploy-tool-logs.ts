import { parseTable } from '../k8s-text.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  type Read,
} from './types.js';

// A question about a release that did not reach the cluster.
const ASKED =
  /did(?: not|n't) (?:roll ?out|happen|deploy|reach)|not rolled out|still (?:run|runs|running|on|enforces|shows?)\b|release (?:did not|didn't|shows as failed|failed)|upgrade did not|never (?:rolled|deployed)/i;
// Namespaces where the tools that apply releases run: GitOps controllers and CI runners.
const GITOPS_NS = /^(flux-system|argocd|argo-cd|gitops|fleet-system)$/;
const CI_NS =
  /^(ci|cicd|ci-cd|gitlab-runner|github-runners?|actions-runner-system|jenkins|tekton-pipelines|buildkite)$/;
// The controllers of those tools whose log says why an apply failed.
const APPLIER = /kustomize-controller|helm-controller|application-controller|argocd-application|fleet-agent/;
// A line that reports a failure.
const FAILED = /\b(error|failed|invalid|forbidden|denied)\b/i;

/** Namespaces the cluster has (from a namespace list read), that match a pattern. */
function namespaces(ctx: AnalyzerContext, match: RegExp): string[] {
  return namespaceNames(ctx.seen).filter((n) => match.test(n));
}

/** The workloads of the namespace under investigation, by name (deployments, and pods' set names). */
function workloads(ctx: AnalyzerContext): string[] {
  const names = new Set<string>();
  for (const o of outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns))
    for (const r of parseTable(o.content)) if (r['NAME']) names.add(r['NAME']);
  for (const o of outputs(ctx.seen, 'list_pods', (x) => x.args['namespace'] === ctx.ns))
    for (const r of parseTable(o.content)) {
      const m = /^(.+)-\d{1,4}$/.exec(r['NAME'] ?? '');
      if (m) names.add(m[1]!);
    }
  return [...names];
}

/** A deploy Job's pod in the application's namespace: `etherpad-deploy-4411-x7k2p`, `release-api-29012-abcde`. */
const DEPLOY_JOB = /(?:^|-)(?:deploy|release|apply|rollout)(?:-|$)/;

/**
 * kubectl's refusal of an apply, as a deploy script's log prints it: `Error from server (BadRequest): error
 * when applying patch:` … `Name: "etherpad", Namespace: "collab"` … `for: "x.yaml": error when patching
 * "x.yaml": <the API server's reason>`. The workload it names (one of the namespace's), the reason, and a
 * variable of the patch whose value is not a string (`{"name":"DB_PORT","value":5432}`).
 */
function kubectlRefusal(ctx: AnalyzerContext, names: readonly string[]): Finding | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const lines = log.content.slice(-200_000).split('\n');
    // Every refusal block of the log, the first that names a workload of this namespace.
    let at = -1;
    let block: string[] = [];
    let named: RegExpExecArray | null | undefined;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.length > 4000 || !/^Error from server \([A-Za-z]{1,40}\)/.test(lines[i]!)) continue;
      const b = lines.slice(i, i + 12).filter((l) => l.length <= 20_000);
      const n = b
        .map((l) => /^Name: "([a-z0-9][a-z0-9.-]{0,252})", Namespace: "([a-z0-9][a-z0-9-]{0,62})"/.exec(l))
        .find((m) => m !== null);
      if (n && n[2] === ctx.ns && names.includes(n[1]!)) {
        at = i;
        block = b;
        named = n;
        break;
      }
    }
    if (at < 0 || !named) continue;
    // A later run of the deploy job that applied the workload (`deployment.apps/etherpad configured`) clears it.
    const applied = new RegExp(
      `^(?:deployment|statefulset|daemonset)\\.apps/${named[1]!.replace(/\./g, '\\.')} (?:configured|created)\\b`,
      'm',
    );
    if (
      outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] !== log.args['name'],
      ).some((o) => applied.test(o.content.slice(-200_000)))
    )
      continue;
    const reasonLine = block.find((l) => /^for: /.test(l)) ?? lines[at]!;
    const reason =
      /error when (?:patching|creating|applying patch)[^:]{0,300}: (.{1,600})$/.exec(reasonLine)?.[1] ??
      reasonLine;
    const variable = block
      .map((l) =>
        /\{"name":"([A-Za-z_][A-Za-z0-9_.-]{0,127})","value":(-?\d[\d.]{0,30}|true|false)\}/.exec(l),
      )
      .find((m) => m !== null);
    const means = logGloss(reasonLine);
    const pod = String(log.args['name'] ?? '');
    return {
      weight: 92,
      object: `${named[1]} (namespace ${ctx.ns})`,
      cause: `the new release of ${named[1]} was never applied: the deploy job's kubectl apply (pod ${pod}) was rejected by the API server ("${clip(lines[at]!.trim(), 120)}" … "${clip(reason.trim(), 240)}")${variable ? `: the variable ${variable[1]} has the value ${variable[2]}, unquoted, so it is a number, not a string` : ''}${means ? ` — ${means}` : ''}. ${named[1]} keeps running the previous version; restarting it would only restart that version`,
      evidence: [
        `get_pod_logs ${pod}: "${clip(lines[at]!.trim(), 160)}"`,
        `get_pod_logs ${pod}: "${clip(reason.trim(), 200)}"`,
      ],
      advice: variable
        ? `quote ${variable[1]}'s value ("${variable[2]}") in the manifest the job applies, then run the deploy job again; no restart of ${named[1]} is needed`
        : `fix what the API server refused in the manifest the job applies, then run the deploy job again`,
      revisionSound: true,
    };
  }
  return undefined;
}

/**
 * A release that did not reach the cluster because the tool that applies it failed: a GitOps
 * controller (Flux's kustomize-controller or helm-controller, Argo CD's application controller) or a
 * CI runner's deploy job, whose log names the workload and the API server's refusal (an immutable
 * selector, a StatefulSet field that cannot change, a webhook's denial). Asked why a new version did
 * not roll out, read those logs; the workload itself is healthy on the old version.
 */
export const deployToolLogsAnalyzer: Analyzer = {
  name: 'deploy-tool-logs',
  reads(ctx): Read[] {
    if (!ASKED.test(ctx.task)) return [];
    const reads: Read[] = [];
    for (const ns of [...namespaces(ctx, GITOPS_NS), ...namespaces(ctx, CI_NS)].slice(0, 3)) {
      const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ns);
      if (listed.length === 0) {
        reads.push({ tool: 'list_pods', args: { namespace: ns } });
        continue;
      }
      const rows = listed.flatMap((o) => parseTable(o.content));
      const wanted = GITOPS_NS.test(ns)
        ? rows.filter((r) => APPLIER.test(r['NAME'] ?? ''))
        : rows.filter((r) => /Error|Failed|CrashLoopBackOff/.test(r['STATUS'] ?? ''));
      for (const r of wanted.slice(0, 2))
        reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: r['NAME'] } });
    }
    // A deploy Job of the namespace itself (`<app>-deploy-<run>`) that failed: its kubectl log says why.
    if (reads.length === 0) {
      const listed = outputs(
        ctx.seen,
        'list_pods',
        (o) => o.args['namespace'] === ctx.ns && !o.args['labelSelector'],
      ).pop();
      for (const r of listed ? parseTable(listed.content) : [])
        if (
          DEPLOY_JOB.test(r['NAME'] ?? '') &&
          /Error|Failed/.test(r['STATUS'] ?? '') &&
          !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === r['NAME']).length
        ) {
          reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r['NAME'] } });
          break;
        }
    }
    return reads;
  },
  finds(ctx) {
    if (!ASKED.test(ctx.task)) return [];
    const names = workloads(ctx);
    if (names.length === 0) return [];
    const tools = new Set([...namespaces(ctx, GITOPS_NS), ...namespaces(ctx, CI_NS)]);
    const applied = kubectlRefusal(ctx, names);
    if (applied) return [applied];
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => tools.has(String(o.args['namespace'])))) {
      const lines = log.content.slice(-200_000).split('\n');
      const line = lines.find(
        (l) =>
          FAILED.test(l) &&
          names.some((n) => l.includes(`"${n}"`) || l.includes(`/${n} `) || l.includes(`${n}\\"`)),
      );
      if (!line) continue;
      const name = names.find((n) => line.includes(n))!;
      const means = logGloss(line);
      const out: Finding = {
        weight: 92,
        object: `${name} (namespace ${ctx.ns})`,
        cause: `the new release of ${name} never reached the cluster: the tool that applies it failed, and ${name} keeps running the previous version. Its log (${log.args['namespace']}/${log.args['name']}) says "${clip(line.trim(), 300)}"${means ? ` — ${means}` : ''}`,
        evidence: [`get_pod_logs ${log.args['namespace']}/${log.args['name']}: "${clip(line.trim(), 200)}"`],
        advice: means
          ? 'make the change the API server accepts (see above), then let the tool apply the release again'
          : 'fix what the apply error names, then let the tool apply the release again',
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
