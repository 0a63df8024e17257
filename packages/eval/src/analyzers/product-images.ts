import { parseTable } from '../k8s-text.js';
import { type Analyzer, type AnalyzerContext, knownNamespaces, outputs, type Read } from './types.js';

/** Words of a task too common to stand for a product's image (`ghcr.io/acme/server`). */
const COMMON = new Set(
  'server client agent worker api app apps web portal backend frontend proxy gateway service cluster image images latest stable release registry mirror library system default controller operator manager'.split(
    ' ',
  ),
);

/** The product words of a task: lower-cased runs of five or more letters and digits, common words aside. */
function taskWords(task: string): Set<string> {
  const out = new Set<string>();
  for (const m of task
    .slice(0, 4000)
    .toLowerCase()
    .matchAll(/[a-z][a-z0-9]{4,39}/g))
    if (!COMMON.has(m[0])) out.add(m[0]);
  return out;
}

/**
 * The Deployments of the namespace whose image a product the task names publishes: a path part of an image
 * (`ghcr.io/openfaas/gateway` → `openfaas`, `gateway`) is a word of the task. From the deployment list's
 * IMAGES column, one image per container in the pod template's order; `index` is the container's place.
 */
function productImages(ctx: AnalyzerContext): { deployment: string; index: number }[] {
  const listed = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).pop();
  if (!listed) return [];
  const text = ctx.task.slice(0, 4000).toLowerCase();
  // A namespace's name is no product's (`registry/newsroom/app` in namespace newsroom).
  const words = taskWords(ctx.task);
  for (const n of knownNamespaces(ctx.seen)) words.delete(n);
  words.delete(ctx.ns);
  const named = new Set(text.match(/[a-z0-9]{3,40}/g) ?? []);
  const rows = parseTable(listed.content.slice(0, 200_000)).slice(0, 200);
  // The task names a workload of the namespace by its whole name: the usual walk reads it.
  const whole = (name: string) => {
    const at = text.indexOf(name);
    return (
      at >= 0 && !/[a-z0-9-]/.test(text[at - 1] ?? ' ') && !/[a-z0-9-]/.test(text[at + name.length] ?? ' ')
    );
  };
  if (rows.some((r) => r['NAME'] && whole(r['NAME']))) return [];
  const out: { deployment: string; index: number; ready: boolean }[] = [];
  for (const r of rows) {
    const deployment = r['NAME'] ?? '';
    // A Deployment named for the product is read the usual way.
    if (!deployment || deployment.split('-').some((p) => named.has(p))) continue;
    // `0/0` is a part scaled to zero, not one that runs.
    const ready = /^([1-9]\d{0,5})\/\1$/.test(r['READY'] ?? '');
    (r['IMAGES'] ?? '')
      .split(',')
      .slice(0, 10)
      .forEach((image, index) => {
        if (imagePath(image).some((p) => words.has(p))) out.push({ deployment, index, ready });
      });
  }
  // A part of the product that fails is read the usual way, from its failing pods, and leads on from there.
  if (out.some((x) => !x.ready)) return [];
  return out;
}

/**
 * An image reference's repository path parts, without its registry host and its tag or digest
 * (`ghcr.io/openfaas/gateway:0.27.5` and `openfaas/gateway:0.27.5` → `openfaas`, `gateway`;
 * `registry.local:5000/openfaas/gateway` → the same). As Docker's reference grammar reads it, the first
 * part is a host only when it has a dot or a port, or is `localhost`.
 */
export function imagePath(image: string): string[] {
  const parts = image.trim().split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  const last = parts.length - 1;
  if (last >= 0) parts[last] = parts[last]!.replace(/[:@].*$/, '');
  return parts.filter(Boolean);
}

/** The containers of a pod as `get_pod_logs` names them when it picks one (`Defaulted container "a" out of: a, b`). */
function containersOf(log: string): string[] {
  const m = /^Defaulted container "[^"\n]{1,63}" out of: ([a-z0-9, -]{1,700})/m.exec(log.slice(0, 2000));
  return m
    ? m[1]!
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c && !c.includes(' '))
    : [];
}

/**
 * A product the task names whose workloads are not named for it (OpenFaaS runs as `gateway`, `nats` and
 * `queue-worker`), all Running: its own logs say what it refuses, and nothing else leads to them. The
 * containers whose image the product publishes have their logs read, at most three, after the failing
 * pods' own reads.
 */
export const productImagesAnalyzer: Analyzer = {
  name: 'product-images',
  first: true,
  reads(ctx): Read[] {
    const wanted = productImages(ctx);
    if (wanted.length === 0) return [];
    const pods = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).pop();
    if (!pods) return [];
    const rows = parseTable(pods.content.slice(0, 200_000)).filter((r) => r['STATUS'] === 'Running');
    const reads: Read[] = [];
    for (const w of wanted.slice(0, 3)) {
      const pod = rows
        .map((r) => r['NAME'] ?? '')
        .find(
          (n) =>
            n.startsWith(`${w.deployment}-`) &&
            /^[a-z0-9]{5,10}-[a-z0-9]{5}$/.test(n.slice(w.deployment.length + 1)),
        );
      if (!pod) continue;
      const logs = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
      );
      // The pod's default container first: its log names the others.
      const first = logs.find((o) => o.args['container'] === undefined);
      if (!first) {
        if (!reads.some((r) => r.args['name'] === pod))
          reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod } });
        continue;
      }
      const names = containersOf(first.content);
      const container = names[w.index];
      if (w.index === 0 || !container) continue;
      if (!logs.some((o) => o.args['container'] === container))
        reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod, container } });
    }
    return reads;
  },
  finds: () => [],
};
