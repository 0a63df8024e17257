// The first search the baseline makes: the object the task is about, not a word from its symptoms.
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from './baseline-model.js';

const TOOLS = ['find_objects', 'list_pods', 'scan'].map((name) => ({
  name,
  description: name,
  mutating: false,
  inputSchema: { type: 'object' as const, properties: {} },
}));

async function firstSearch(task: string): Promise<unknown> {
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

describe('a task that opens with a one-word name placed in a namespace', () => {
  it.each([
    [
      'hydra in namespace oauth has been crash looping since the chart move; every service that needs a client-credentials token is failing.',
      'hydra',
    ],
    [
      'The indexer in the search namespace keeps restarting every couple of minutes; the heap-dump volume is full.',
      'indexer',
    ],
    ['Redash in namespace bi has been useless since yesterday: every query-runner job hangs.', 'redash'],
  ])('searches for that word first: %s', async (task, name) => {
    expect(await firstSearch(task)).toBe(name);
  });

  it.each([
    ['Everything in namespace shop is slow since the cart-api rollout.', 'cart-api'],
    ['Logins in the identity namespace fail since the token-service upgrade.', 'token-service'],
    ['Please check the payments namespace: the ledger-writer pods crash.', 'ledger-writer'],
  ])('a generic opening word, or none, leaves the pasted name first: %s', async (task, name) => {
    expect(await firstSearch(task)).toBe(name);
  });
});
