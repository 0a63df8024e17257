import { describe, expect, it } from 'vitest';
import { placesAnother } from './baseline-model.js';

// A namespace the task names belongs to the task's own workload unless the words put another object
// there (a hunch about a dependency), in which case where the workload was found decides.
describe('placesAnother: the task names a namespace for another object', () => {
  it.each([
    [
      "order-history has been crash-looping. I bet the new nodes can't reach orders-pg in the data namespace.",
      'data',
      'order-history',
      true,
    ],
    ['checkout is down, maybe redis-main in namespace cache is full?', 'cache', 'checkout', true],
    [
      'Security rolled out default-deny ingress in the orders namespace; storefront times out',
      'orders',
      'storefront',
      false,
    ],
    ['checkout fails to talk to cache/redis-main since noon', 'cache', 'checkout', true],
    ['the pods in the shop namespace keep restarting', 'shop', 'checkout', false],
    ['checkout in the shop namespace keeps restarting', 'shop', 'checkout', false],
    ['checkout-api in namespace shop is failing', 'shop', 'checkout-api', false],
  ])('%s', (task, ns, term, want) => {
    expect(placesAnother(task, ns, term)).toBe(want);
  });
});
