// Test helper: the first search the baseline makes for a task, as its first decision asks for it.
import { BaselineSreModel } from './baseline-model.js';

/** The read-only tools a first decision is offered: a search, a pod list and the scan. */
const TOOLS = ['find_objects', 'list_pods', 'scan'].map((name) => ({
  name,
  description: name,
  mutating: false,
  inputSchema: { type: 'object' as const, properties: {} },
}));

/** The name the baseline's first `find_objects` call searches for; undefined when its first call is another. */
export async function firstSearch(task: string): Promise<unknown> {
  const d = await new BaselineSreModel().decide({
    task,
    context: `Task: ${task}`,
    transcript: [{ role: 'user', parts: [{ type: 'text', source: 'task', text: `Task: ${task}` }] }],
    tools: TOOLS,
    step: 1,
    maxSteps: 20,
    runId: 'r',
    signal: new AbortController().signal,
  } as never);
  const call = d.type === 'tool_calls' ? d.calls[0] : undefined;
  return call?.tool === 'find_objects' ? (call.args as Record<string, unknown>)['name'] : undefined;
}
