import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from './baseline-model.js';
import { simEnvironment } from './environment.js';
import { runEval } from './runner.js';
import { loadScenarios } from './scenario-loader.js';

const root = (dir: string) => fileURLToPath(new URL(`../../../${dir}`, import.meta.url));

async function answerOf(dir: string, id: string): Promise<string> {
  const scenarios = loadScenarios([root(dir)]).filter((s) => s.scenario.id === id);
  expect(scenarios).toHaveLength(1);
  const [run] = await runEval({
    scenarios,
    models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
    environment: simEnvironment,
  });
  return run!.answer ?? '';
}

const alsoSeen = (answer: string) =>
  /^Also seen \(separate from this incident\): (.*)\.$/m.exec(answer)?.[1]?.split('; ') ?? [];

// The answer's "Also seen" line names other incidents, each workload once: not a second pod of a
// Deployment or a CronJob run already named, nor a pod of the root cause's own CronJob run.
describe('the answer names each other workload once', () => {
  it('a CronJob run pod of the root cause is not another incident; other runs are named by their Job', async () => {
    const seen = alsoSeen(await answerOf('scenarios-held-out-2', 'cronjob-pods-oomkilled'));
    expect(seen.length).toBeGreaterThan(0);
    for (const object of seen) expect(object).not.toMatch(/weekly-digest-29330280/);
  });

  it('two pods of one Deployment are one entry', async () => {
    const seen = alsoSeen(
      await answerOf('scenarios-held-out-7', 'node-memory-pressure-evicts-besteffort-pods'),
    );
    expect(seen.filter((o) => o.includes('thumbnailer'))).toHaveLength(1);
  });
});
