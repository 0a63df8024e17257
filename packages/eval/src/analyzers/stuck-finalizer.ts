import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  type Finding,
  namespacePods,
  outputs,
  type Read,
} from './types.js';

/** The finalizers of a pod's YAML (`finalizers:` then `- name` lines), at most eight. */
function finalizersOf(yaml: string): string[] {
  const lines = yaml.split('\n');
  const at = lines.findIndex((l) => /^\s{0,4}finalizers:\s*$/.test(l));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1, at + 9)) {
    const m = /^\s{0,8}-\s+(\S{1,253})\s*$/.exec(l);
    if (!m) break;
    out.push(m[1]!);
  }
  return out;
}

/** The word a finalizer's owner is named by: its domain's first label (archive.corp.example/x → archive). */
function ownerWord(finalizer: string): string | undefined {
  const domain = finalizer.includes('/') ? finalizer.slice(0, finalizer.indexOf('/')) : undefined;
  const word = domain?.split('.')[0];
  return word && word.length >= 4 && !/^(kubernetes|k8s|foregrounddeletion|orphan)$/i.test(word)
    ? word
    : undefined;
}

/** Terminating pods of the namespace with their YAML (`get_resource`), when read. */
function terminating(ctx: AnalyzerContext) {
  return namespacePods(ctx)
    .filter((r) => r['STATUS'] === 'Terminating' && r['NAME'])
    .map((r) => ({
      pod: r['NAME']!,
      yaml: outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === 'Pod' && o.args['name'] === r['NAME'] && o.args['namespace'] === ctx.ns,
      ).pop()?.content,
    }));
}

/**
 * A pod held in Terminating by a finalizer: the API server deletes an object only once its finalizers
 * are gone, and each is removed by the controller that added it; when that controller is not running
 * (scaled to zero, uninstalled, replaced by a version that does not know the finalizer) nothing removes
 * it, and neither the kubelet nor a node reboot can. The controller is looked for by the finalizer's
 * domain. https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/
 */
export const stuckFinalizerAnalyzer: Analyzer = {
  name: 'stuck-finalizer',
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const t of terminating(ctx).slice(0, 1)) {
      reads.push({ tool: 'get_resource', args: { kind: 'Pod', name: t.pod, namespace: ctx.ns } });
      const word = t.yaml
        ? finalizersOf(t.yaml)
            .map(ownerWord)
            .find((w) => w !== undefined)
        : undefined;
      if (!word) continue;
      reads.push({ tool: 'find_objects', args: { name: word } });
      const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === word).pop();
      for (const r of parseTable(found?.content ?? '')
        .filter((x) => x['KIND'] === 'Deployment')
        .slice(0, 2))
        reads.push({ tool: 'describe_deployment', args: { namespace: r['NAMESPACE'], name: r['NAME'] } });
    }
    return reads;
  },
  finds(ctx) {
    for (const t of terminating(ctx)) {
      if (!t.yaml) continue;
      const finalizers = finalizersOf(t.yaml);
      if (finalizers.length === 0) continue;
      const since = /deletionTimestamp:\s*(\S{1,40})/.exec(t.yaml)?.[1];
      const word = finalizers.map(ownerWord).find((w) => w !== undefined);
      // The controller named like the finalizer's domain, and whether it runs.
      const controllers = word
        ? outputs(ctx.seen, 'describe_deployment', (o) => String(o.args['name'] ?? '').includes(word)).map(
            (o) => ({
              name: String(o.args['name']),
              namespace: String(o.args['namespace']),
              desired: /^Replicas:\s*(\d{1,5}) desired/m.exec(o.content)?.[1],
            }),
          )
        : [];
      const stopped = controllers.filter((c) => c.desired === '0');
      const running = controllers.filter((c) => c.desired !== undefined && c.desired !== '0');
      const controller =
        stopped.length > 0
          ? `; the controller that removes it, ${stopped.map((c) => `deployment ${c.name} in ${c.namespace}`).join(', ')}, is scaled to 0 replicas, so nothing removes the finalizer${running.length ? ` (${running.map((c) => c.name).join(', ')} runs, but does not handle it)` : ''}`
          : word
            ? `; no running controller was found to remove it (one named for ${word})`
            : '';
      const out: Finding = {
        weight: 93,
        object: `pod ${t.pod}`,
        cause: `pod ${t.pod} is held in Terminating by its finalizer ${finalizers.join(', ')}${since ? ` since ${since}` : ''}: the API server deletes an object only once its finalizers are removed, and only the controller that added one removes it${controller}. The kubelet and the node are fine (its containers have already stopped), and nothing done to the node removes a finalizer`,
        evidence: [
          `get_resource Pod ${t.pod}: finalizers ${finalizers.join(', ')}${since ? `, deletionTimestamp ${since}` : ''}`,
          ...stopped.map((c) => `describe_deployment ${c.name}: Replicas 0 desired`),
        ],
        advice: stopped.length
          ? `bring ${stopped[0]!.name} back long enough to finish (or, if its work for this pod can be dropped, remove the finalizer: kubectl patch pod ${t.pod} -n ${ctx.ns} --type=merge -p '{"metadata":{"finalizers":null}}'); the drain then completes`
          : `have the controller that owns ${finalizers[0]} remove it, or remove the finalizer by hand once its work is known to be done`,
      };
      return [out];
    }
    return [];
  },
};
