import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  describedField,
  type Finding,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/** An object a controller names as `namespace/name` (`billing/ledger-db`), not a path or a URL's part. */
const OBJECT_REF = /(?<![\w/.:-])([a-z0-9][a-z0-9-]{0,62})\/([a-z0-9][a-z0-9.-]{0,252}[a-z0-9])(?![\w/-])/g;
/** A line reporting a failure. */
const FAILS = /\b(?:error|failed|fail(?:ure)?|giving up|cannot|could not|denied|refused)\b/i;
/** A controller saying it made a key of its own. */
const OWN_KEY = /\bnew key\b|\bkey written\b|\bgenerat\w{0,5} (?:a )?(?:new )?(?:private )?key\b/i;

interface Twin {
  namespace: string;
  a: { deployment: string; pod: string };
  b: { deployment: string; pod: string };
  image: string;
  args?: string;
  object: string;
  failed: { pod: string; line: string };
  ok: { pod: string; line: string };
  keys: string[];
}

/** Pairs of Deployments of one namespace that run the same images, each with a Running pod. */
function pairs(
  ctx: AnalyzerContext,
): { ns: string; image: string; a: [string, string]; b: [string, string] }[] {
  const out: { ns: string; image: string; a: [string, string]; b: [string, string] }[] = [];
  for (const o of outputs(ctx.seen, 'list_deployments')) {
    const ns = String(o.args['namespace'] ?? '');
    const pods = parseTable(podListOf(ctx.seen, ns)?.content.slice(0, 200_000) ?? '').filter(
      (r) => r['STATUS'] === 'Running',
    );
    // A pod of the Deployment itself (`<name>-<template hash>-<suffix>`), not of one named `<name>-controller`.
    const podOf = (d: string) =>
      pods.find((r) => {
        const n = r['NAME'] ?? '';
        return n.startsWith(`${d}-`) && /^[a-z0-9]{5,10}-[a-z0-9]{5}$/.test(n.slice(d.length + 1));
      })?.['NAME'];
    const byImage = new Map<string, string[]>();
    for (const r of parseTable(o.content.slice(0, 200_000))) {
      const image = r['IMAGES'] ?? '';
      if (!image || !r['NAME']) continue;
      byImage.set(image, [...(byImage.get(image) ?? []), r['NAME']]);
    }
    for (const [image, names] of byImage) {
      if (names.length !== 2) continue;
      const pa = podOf(names[0]!);
      const pb = podOf(names[1]!);
      if (pa && pb) out.push({ ns, image, a: [names[0]!, pa], b: [names[1]!, pb] });
    }
  }
  return out.slice(0, 2);
}

function twins(ctx: AnalyzerContext): { found?: Twin; reads: Read[] } {
  return perSeen(ctx.seen, ['twinControllers'], () => {
    const reads: Read[] = [];
    for (const p of pairs(ctx)) {
      const pods = [p.a[1], p.b[1]];
      const described = pods.map((pod) =>
        outputs(
          ctx.seen,
          'describe_pod',
          (o) => o.args['namespace'] === p.ns && o.args['name'] === pod,
        ).pop(),
      );
      const logs = pods.map((pod) =>
        outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['namespace'] === p.ns && o.args['name'] === pod && !o.args['previous'],
        ).pop(),
      );
      // The descriptions first: two workloads of one image run with different commands or variables (a
      // web server and its worker, ROLE=web and ROLE=worker) are not twins, and their logs are not read.
      pods.forEach((pod, i) => {
        if (!described[i]) reads.push({ tool: 'describe_pod', args: { namespace: p.ns, name: pod } });
      });
      if (!described[0] || !described[1]) continue;
      const runs = described.map((d) => {
        const c = containerSections(d!.content.slice(0, 100_000)).find((x) => !x.init);
        return c
          ? {
              args: [describedField(c.body, 'Command'), describedField(c.body, 'Args')]
                .filter(Boolean)
                .join(' '),
              env: envOf(c.body, true)
                .map((e) => `${e.name}=${e.value}`)
                .sort()
                .join('\n'),
            }
          : { args: '', env: '' };
      });
      if (runs[0]!.args !== runs[1]!.args || runs[0]!.env !== runs[1]!.env) continue;
      const args = runs.map((r) => r.args);
      pods.forEach((pod, i) => {
        if (!logs[i]) reads.push({ tool: 'get_pod_logs', args: { namespace: p.ns, name: pod } });
      });
      if (!logs[0] || !logs[1]) continue;
      const lines = logs.map((l) => boundedLogLines(l!.content).filter((x) => x.length <= 2000));
      const refs = (ls: string[]) => {
        const m = new Map<string, { failed?: string; ok?: string }>();
        for (const l of ls)
          for (const r of l.matchAll(OBJECT_REF)) {
            const e = m.get(r[0]) ?? {};
            if (FAILS.test(l)) e.failed = l;
            else e.ok = l;
            m.set(r[0], e);
          }
        return m;
      };
      const [ra, rb] = [refs(lines[0]!), refs(lines[1]!)];
      for (const [ref, x] of ra) {
        const y = rb.get(ref);
        if (!y) continue;
        // One fails on it, the other handles it without a failure.
        const split =
          x.failed && y.ok && !y.failed
            ? { failed: { pod: pods[0]!, line: x.failed }, ok: { pod: pods[1]!, line: y.ok } }
            : y.failed && x.ok && !x.failed
              ? { failed: { pod: pods[1]!, line: y.failed }, ok: { pod: pods[0]!, line: x.ok } }
              : undefined;
        if (!split) continue;
        return {
          reads,
          found: {
            namespace: p.ns,
            a: { deployment: p.a[0], pod: p.a[1] },
            b: { deployment: p.b[0], pod: p.b[1] },
            image: p.image,
            ...(args[0] ? { args: args[0] } : {}),
            object: ref,
            ...split,
            keys: lines.map((ls) => ls.find((l) => OWN_KEY.test(l))).filter((l): l is string => !!l),
          },
        };
      }
    }
    return { reads };
  });
}

/**
 * One controller installed twice: two Deployments of a namespace run the same image with the same
 * arguments (an Argo CD application and a Terraform Helm release of the same chart), and both act on the
 * same objects, one failing where the other succeeds. Which one reaches an object first decides the
 * outcome, so results flip. A controller that makes its own key at start (Sealed Secrets) made two, and
 * each decrypts only what was sealed with its own.
 */
export const twinControllersAnalyzer: Analyzer = {
  name: 'twin-controllers',
  // Two installs of one image side by side: read right after the failing pods, before the reads of
  // services and metrics, so a short budget does not run out first.
  first: true,
  reads: (ctx) => twins(ctx).reads.slice(0, 4),
  finds(ctx): Finding[] {
    const t = twins(ctx).found;
    if (!t) return [];
    const keys =
      t.keys.length === 2
        ? `; each generated its own key at start ("${clip(t.keys[0]!, 100)}"; "${clip(t.keys[1]!, 100)}"), so each can decrypt only what was sealed with its own key, and a value sealed with one fails on the other`
        : '';
    return [
      {
        weight: 90,
        object: `deployments ${t.a.deployment} and ${t.b.deployment} in ${t.namespace}`,
        cause: `the controller is installed twice: deployments ${t.a.deployment} and ${t.b.deployment} in ${t.namespace} run the same image (${clip(t.image, 100)})${t.args ? ` with the same arguments (${clip(t.args, 100)})` : ''}, and both act on the same objects: for ${t.object}, ${t.failed.pod} logs "${clip(t.failed.line, 180)}" while ${t.ok.pod} logs "${clip(t.ok.line, 140)}"${keys}. Whichever of the two controllers reaches an object first decides the result, which is why it flips`,
        evidence: [
          `list_deployments ${t.namespace}: ${t.a.deployment} and ${t.b.deployment}, both ${clip(t.image, 100)}`,
          `logs of ${t.failed.pod}: "${clip(t.failed.line, 180)}"`,
          `logs of ${t.ok.pod}: "${clip(t.ok.line, 140)}"`,
        ],
        advice: `remove one of the two installs (keep the one its owners manage), and if each made its own key, keep both keys where the remaining controller reads them so everything sealed with either still decrypts`,
      },
    ];
  },
};
