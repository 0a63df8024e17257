import { describe, expect, it } from 'vitest';
import { createSimCluster } from './sim-cluster.js';
import { checkoutOomWorld } from './worlds.js';

describe("the simulated clock with { clock: 'wall' }", () => {
  it('follows wall time in whole seconds; requests and mutations do not move it, advance does', async () => {
    let wall = 1_000_000;
    const cluster = createSimCluster(checkoutOomWorld(), { clock: 'wall', wallNow: () => wall });
    const t0 = (await cluster.now()).getTime();
    for (let i = 0; i < 20; i++) await cluster.list({ kind: 'Pod', namespace: 'shop' });
    expect((await cluster.now()).getTime()).toBe(t0);
    await cluster.patch(
      { kind: 'Deployment', name: 'checkout', namespace: 'shop' },
      { type: 'merge', body: { spec: { replicas: 3 } } },
    );
    expect(cluster.elapsedSeconds).toBe(0);
    wall += 2_700;
    expect((await cluster.now()).getTime()).toBe(t0 + 2_000);
    wall += 61_000;
    await cluster.get({ kind: 'Deployment', name: 'checkout', namespace: 'shop' });
    expect(cluster.elapsedSeconds).toBe(63);
    cluster.advance(100);
    expect(cluster.elapsedSeconds).toBe(163);
    wall += 1_000;
    expect((await cluster.now()).getTime()).toBe(t0 + 164_000);
    // The wall clock going back does not move the simulated one back.
    wall -= 50_000;
    expect((await cluster.now()).getTime()).toBe(t0 + 164_000);
  });

  it('lets the world react as wall time passes: a rollout becomes available without further requests', async () => {
    let wall = 0;
    const world = checkoutOomWorld();
    const cart = world.deployments!.find((d) => d.name === 'cart')!;
    cart.minReadySeconds = 10;
    const cluster = createSimCluster(world, { clock: 'wall', wallNow: () => wall });
    await cluster.patch(
      { kind: 'Deployment', name: 'cart', namespace: 'shop' },
      { type: 'merge', body: { spec: { replicas: 3 } } },
    );
    const ready = () =>
      (
        cluster.getNow({ kind: 'Deployment', name: 'cart', namespace: 'shop' }).status as {
          availableReplicas?: number;
        }
      ).availableReplicas ?? 0;
    const before = ready();
    wall += 120_000;
    await cluster.now();
    expect(ready()).toBeGreaterThan(before);
  });

  it('keeps the logical clock by default: each request moves it by clock.perRequest', async () => {
    const cluster = createSimCluster(checkoutOomWorld());
    const before = cluster.elapsedSeconds;
    await cluster.list({ kind: 'Pod', namespace: 'shop' });
    expect(cluster.elapsedSeconds).toBe(before + 2);
  });
});
