import { BaselineSreModel } from '../baseline-model.js';
import { simEnvironment } from '../environment.js';
import { runEval } from '../runner.js';
import { parseScenario } from '../scenario-loader.js';

/**
 * The baseline's final answer on one scenario given as YAML text (a table test's small world), run
 * through the eval on the simulated cluster. Throws with each schema issue when the YAML is invalid.
 */
export async function baselineAnswer(yaml: string, file = 'row.yaml'): Promise<string> {
  const parsed = parseScenario(yaml, file);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const [run] = await runEval({
    scenarios: [parsed.loaded],
    models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
    environment: simEnvironment,
  });
  return run!.answer ?? '';
}

/**
 * The head of a table test's scenario (schema version, id, namespace, the person's task and a
 * placeholder rubric), to be followed by its `cluster:` block.
 */
export const scenarioHead = (id: string, ns: string, task: string): string => `schemaVersion: 1
id: ${id}
title: ${id} table test
difficulty: medium
namespace: ${ns}
task: ${JSON.stringify(task)}
expect:
  rootCause: { mustMention: [x] }
`;
