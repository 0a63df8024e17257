// Reads a world the way an on-call engineer would (pods, events, describe, logs) with the simulated
// cluster and the Kubernetes tools. No agent is run. Usage:
//   node_modules/.bin/tsx scripts/held-out/inspect.ts <folder>/<world>.yaml [tool json-args ...]
// (the held-out sets' authors checked their worlds with it; see their READMEs)
import { readFileSync } from 'node:fs';
import { parse } from '../../packages/eval/node_modules/yaml/dist/index.js';
import { k8sTools } from '../../packages/tools-k8s/dist/index.js';
import { createSimCluster } from '../../packages/tools-k8s/dist/sim/index.js';

const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const [file, ...extra] = process.argv.slice(2);
const doc = parse(readFileSync(file!, 'utf8'));
const cluster = createSimCluster(doc.cluster);
const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
const ctx = { signal: new AbortController().signal, runId: 'inspect', callId: 'c1' };
async function call(name: string, args: Record<string, unknown>): Promise<void> {
  const tool = tools.get(name)!;
  let text: string;
  try {
    text = String(await tool.execute(tool.input.parse(args) as never, ctx));
  } catch (e) {
    text = `ERROR ${(e as Error).message}`;
  }
  say(`\n### ${name} ${JSON.stringify(args)}\n${text}`);
}
const ns = doc.namespace as string;
if (extra.length) {
  for (let i = 0; i < extra.length; i += 2) await call(extra[i]!, JSON.parse(extra[i + 1]!));
} else {
  await call('list_pods', { namespace: ns });
  await call('get_events', { namespace: ns });
  await call('list_deployments', { namespace: ns });
  await call('list_services', { namespace: ns });
  const pods = cluster.listNow({ kind: 'Pod', namespace: ns }) as { metadata: { name: string } }[];
  const bad = pods.find((p) =>
    JSON.stringify((p as { status?: unknown }).status).match(/waiting|Pending|false|Failed|Unknown/),
  );
  if (bad) {
    await call('describe_pod', { namespace: ns, name: bad.metadata.name });
    await call('get_pod_logs', { namespace: ns, name: bad.metadata.name });
  }
}
