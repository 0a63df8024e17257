// The run the core benchmarks time, in one place: a scripted model that calls one read-only tool
// (`get_status`, returning the same JSON string) steps − 1 times, then answers. The package is the
// built one, or another build's copy of dist/ when CORE_DIST is set (to compare two builds).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

/** The core package's exports and its ScriptedModel, from the build CORE_DIST names or the installed one. */
export async function loadCore() {
  const dist = process.env.CORE_DIST;
  const core = await import(dist ? pathToFileURL(join(dist, 'index.js')).href : '@sre-harness/core');
  const { ScriptedModel } = await import(
    dist ? pathToFileURL(join(dist, 'testing/index.js')).href : '@sre-harness/core/testing'
  );
  return { ...core, ScriptedModel };
}

const OUTPUT = JSON.stringify({ service: 'checkout', status: 'Running', ready: '3/3', restarts: 0 });

/** A harness that runs the benchmark's script of `steps` steps into `sink`. */
export function statusHarness(core, steps, sink) {
  const tool = core.defineTool({
    name: 'get_status',
    description: 'status of a service',
    input: z.object({ service: z.string() }),
    mutating: false,
    execute: () => OUTPUT,
  });
  function* script() {
    const call = { type: 'tool_calls', calls: [{ tool: 'get_status', args: { service: 'checkout' } }] };
    for (let i = 1; i < steps; i++) yield call;
    yield { type: 'final', answer: 'checkout is healthy' };
  }
  return core.createHarness({
    model: new core.ScriptedModel(script(), { record: false }),
    tools: [tool],
    guardrails: { maxSteps: steps, allow: ['get_status'] },
    trace: sink,
  });
}
