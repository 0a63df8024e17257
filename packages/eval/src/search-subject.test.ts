// The first search the baseline makes: the object the task is about, not a word from its symptoms.
import { describe, expect, it } from 'vitest';
import { firstSearch } from './first-search.fixture.js';

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
