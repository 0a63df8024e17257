import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { commandsFor } from './keys.js';
import { initialNav, type NavContext, navigate } from './nav.js';

const key = (over: Partial<Key> = {}) => ({ ...over }) as Key;
const ctx: NavContext = {
  ids: ['a', 'b', 'c'],
  sizes: () => ({ events: 50, result: 8 }),
  page: 10,
  room: 20,
};
const run = (...commands: ReturnType<typeof commandsFor>) =>
  commands.reduce((nav, c) => navigate(nav, c, ctx), initialNav);

describe('keys', () => {
  it('binds letters, arrows and control keys to commands', () => {
    expect(commandsFor('j', key())).toEqual(['down']);
    expect(commandsFor('', key({ upArrow: true }))).toEqual(['up']);
    expect(commandsFor('\r', key({ return: true }))).toEqual(['open']);
    expect(commandsFor('', key({ escape: true, meta: true }))).toEqual(['back']);
    expect(commandsFor('u', key({ ctrl: true }))).toEqual(['page-up']);
    expect(commandsFor('x', key())).toEqual([]);
  });

  it('splits a chunk of several keys into one command each', () => {
    expect(commandsFor('jj\r\tq', key())).toEqual(['down', 'down', 'open', 'tab', 'quit']);
  });
});

describe('navigate', () => {
  it('moves the cursor within the list and opens the entry under it', () => {
    expect(run('down', 'down', 'down').cursor).toBe(2);
    expect(run('up').cursor).toBe(0);
    expect(run('bottom', 'open')).toMatchObject({
      view: 'run',
      openId: 'c',
      tab: 'events',
      scrollEnd: undefined,
    });
    expect(run('open', 'back')).toMatchObject({ view: 'runs', cursor: 0 });
  });

  it('scrolls events back from the live end and returns to following', () => {
    expect(run('open').scrollEnd).toBeUndefined();
    expect(run('open', 'up', 'up').scrollEnd).toBe(48);
    expect(run('open', 'top').scrollEnd).toBe(20);
    expect(run('open', 'top', 'up').scrollEnd).toBe(20);
    expect(run('open', 'top', 'page-down').scrollEnd).toBe(30);
    expect(run('open', 'top', 'bottom').scrollEnd).toBeUndefined();
    expect(run('open', 'up', 'down').scrollEnd).toBeUndefined();
    expect(run('open', 'down').scrollEnd).toBeUndefined();
  });

  it('has nothing to scroll when every event fits', () => {
    const small: NavContext = { ...ctx, sizes: () => ({ events: 12, result: 0 }) };
    const nav = ['open', 'up', 'top'].reduce(
      (n, c) => navigate(n, c as Parameters<typeof navigate>[1], small),
      initialNav,
    );
    expect(nav.scrollEnd).toBeUndefined();
  });

  it('switches to the result pane and scrolls it from the top', () => {
    const nav = run('open', 'tab', 'down', 'down');
    expect(nav).toMatchObject({ tab: 'result', resultOffset: 2 });
    expect(run('open', 'tab', 'bottom').resultOffset).toBe(7);
    expect(run('tab').tab).toBe('events');
  });

  it('stops riding on the running run once the user moves', () => {
    expect(initialNav.follow).toBe(true);
    expect(run('down').follow).toBe(false);
    expect(run('top').follow).toBe(false);
    expect(run('help').follow).toBe(true);
  });

  it('quits and toggles help', () => {
    expect(run('quit').quitting).toBe(true);
    expect(run('help').help).toBe(true);
    expect(run('help', 'help').help).toBe(false);
  });
});
