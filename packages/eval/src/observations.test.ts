import { describe, expect, it } from 'vitest';
import { guessNamespace, parseContext } from './observations.js';

describe('guessNamespace', () => {
  it.each([
    ['We deployed notifier to the team-orion namespace but nothing runs', 'team-orion'],
    ['Checkout requests in the shop namespace fail intermittently', 'shop'],
    ['The invoice API in namespace billing is down', 'billing'],
    ['Alert KubePodCrashLooping: ... namespace=payments pod=x', 'payments'],
    ['is this namespace ok? kubectl get pods -n media', 'media'],
    ['check every namespace for trouble', undefined],
  ])('%s -> %s', (text, ns) => {
    expect(guessNamespace(text)).toBe(ns);
  });
});

describe('parseContext', () => {
  it('reads tool outcomes out of the default memory rendering', () => {
    const context = [
      'Task: look',
      '',
      '[step 1] list_pods {"namespace":"shop"} → ok',
      'NAME  READY',
      'web-1  1/1',
      '',
      '[step 2] note: Your previous output could not be used',
      '',
      '[step 3] describe_pod {"namespace":"shop","name":"x"} → error',
      'Error from server (NotFound): pods "x" not found',
    ].join('\n');
    expect(parseContext(context)).toEqual([
      {
        step: 1,
        tool: 'list_pods',
        args: { namespace: 'shop' },
        status: 'ok',
        content: 'NAME  READY\nweb-1  1/1',
      },
      {
        step: 3,
        tool: 'describe_pod',
        args: { namespace: 'shop', name: 'x' },
        status: 'error',
        content: 'Error from server (NotFound): pods "x" not found',
      },
    ]);
  });
});
