import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import type { Tone } from '../format.js';
import { commandsFor, KEY_HELP, type KeyCommand } from './keys.js';
import {
  editFilter,
  eventWindow,
  initialNav,
  type NavContext,
  type NavLine,
  type NavState,
  navigate,
} from './nav.js';

const key = (over: Partial<Key> = {}) => ({ ...over }) as Key;
// 50 events, seq 100..149; every tenth a refusal.
const lines: NavLine[] = Array.from({ length: 50 }, (_, i) => ({
  seq: 100 + i,
  tone: (i % 10 === 5 ? 'refusal' : 'tool') as Tone,
}));
const ctx: NavContext = {
  ids: ['a', 'b', 'c', 'd'],
  failed: (id) => id === 'b' || id === 'd',
  events: () => lines,
  resultSize: () => 8,
  detailSize: 30,
  page: 10,
  room: 20,
};
const run = (...commands: KeyCommand[]) => commands.reduce((nav, c) => navigate(nav, c, ctx), initialNav);
const shown = (nav: NavState) => {
  const w = eventWindow(lines, nav, ctx.room);
  return { selected: lines[w.sel]?.seq, first: lines[w.top]?.seq };
};

describe('keys', () => {
  it('binds letters, arrows and control keys to commands', () => {
    expect(commandsFor('j', key())).toEqual(['down']);
    expect(commandsFor('', key({ upArrow: true }))).toEqual(['up']);
    expect(commandsFor('\r', key({ return: true }))).toEqual(['open']);
    expect(commandsFor('', key({ escape: true, meta: true }))).toEqual(['back']);
    expect(commandsFor('u', key({ ctrl: true }))).toEqual(['page-up']);
    expect(commandsFor('/', key())).toEqual(['filter']);
    expect(commandsFor('s', key())).toEqual(['sort']);
    expect(commandsFor(']', key())).toEqual(['next-failure']);
    expect(commandsFor('N', key())).toEqual(['prev-failure']);
    expect(commandsFor('x', key())).toEqual([]);
  });

  it('splits a chunk of several keys into one command each', () => {
    expect(commandsFor('jj\r\tq', key())).toEqual(['down', 'down', 'open', 'tab', 'quit']);
  });

  it('documents every command in the help', () => {
    const all: KeyCommand[] = [
      'quit',
      'help',
      'up',
      'down',
      'page-up',
      'page-down',
      'top',
      'bottom',
      'open',
      'back',
      'tab',
      'filter',
      'sort',
      'sort-reverse',
      'next-failure',
      'prev-failure',
      'approve',
      'deny',
    ];
    const documented = new Set(KEY_HELP.flatMap((h) => h.commands));
    expect(all.filter((c) => !documented.has(c))).toEqual([]);
  });

  it('lists the same keys in the README’s keys table as in the help', () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const table = readme.slice(readme.indexOf('## Keys'), readme.indexOf('## Flags'));
    const rows = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(KEY_HELP.map((h) => h.keys));
  });
});

describe('navigate the runs list', () => {
  it('moves the cursor within the list and opens the entry under it', () => {
    expect(run('down', 'down', 'down').cursor).toBe(3);
    expect(run('down', 'down').selectedId).toBe('c');
    expect(run('up').cursor).toBe(0);
    expect(run('bottom', 'open')).toMatchObject({
      view: 'run',
      openId: 'd',
      tab: 'events',
      eventCursor: undefined,
    });
    expect(run('open', 'back')).toMatchObject({ view: 'runs', cursor: 0 });
  });

  it('jumps to the next and previous failure, wrapping around', () => {
    expect(run('next-failure').cursor).toBe(1);
    expect(run('next-failure', 'next-failure').cursor).toBe(3);
    expect(run('next-failure', 'next-failure', 'next-failure').cursor).toBe(1);
    expect(run('prev-failure').cursor).toBe(3);
    expect(run('next-failure').follow).toBe(false);
    const none = { ...ctx, failed: () => false };
    expect(navigate(initialNav, 'next-failure', none)).toBe(initialNav);
  });

  it('cycles the sort column with s and reverses it with S', () => {
    expect(run('sort').sort).toBe('state');
    expect(run('sort', 'sort').sort).toBe('scenario');
    expect(run('sort', 'sort-reverse').sortDesc).toBe(true);
    const all = Array.from({ length: 8 }, () => 'sort' as const);
    expect(run(...all).sort).toBe('plan');
    expect(run('open', 'sort').sort).toBe('plan');
  });

  it('stops riding on the running run once the user moves', () => {
    expect(initialNav.follow).toBe(true);
    expect(run('down').follow).toBe(false);
    expect(run('top').follow).toBe(false);
    expect(run('help').follow).toBe(true);
  });

  it('quits and toggles help; esc closes the help', () => {
    expect(run('quit').quitting).toBe(true);
    expect(run('help').help).toBe(true);
    expect(run('help', 'help').help).toBe(false);
    expect(run('help', 'back').help).toBe(false);
    expect(run('help', 'down').cursor).toBe(0);
  });
});

describe('the filter', () => {
  const typing = (nav: NavState, ...chunks: [string, Partial<Key>?][]) =>
    chunks.reduce((n, [input, k]) => editFilter(n, input, key(k)) ?? n, nav);

  it('takes what is typed after /, keeps it on enter and clears it on esc', () => {
    const open = run('filter');
    expect(open.typing).toBe(true);
    const typed = typing(open, ['oo'], ['m x'], ['', { backspace: true }], ['', { backspace: true }]);
    expect(typed).toMatchObject({ filter: 'oom', typing: true });
    expect(typing(typed, ['', { return: true }])).toMatchObject({ filter: 'oom', typing: false });
    expect(typing(typed, ['\r'])).toMatchObject({ filter: 'oom', typing: false });
    expect(typing(typed, ['', { escape: true }])).toMatchObject({ filter: '', typing: false });
    // q, a and d are text while typing: nothing quits or approves.
    expect(typing(open, ['qad'])).toMatchObject({ filter: 'qad', quitting: false });
    // Arrows still move.
    expect(editFilter(open, '', key({ downArrow: true }))).toBeUndefined();
  });

  it('esc clears a kept filter before it goes back', () => {
    const kept = { ...run('open'), eventFilter: 'refused' };
    expect(navigate(kept, 'back', ctx)).toMatchObject({ view: 'run', eventFilter: '' });
    expect(navigate({ ...initialNav, filter: 'x' }, 'back', ctx).filter).toBe('');
  });

  it('filters the events of the open run, from the newest match', () => {
    const open = run('open', 'up', 'up', 'filter');
    expect(open.typing).toBe(true);
    const typed = typing(open, ['ref']);
    expect(typed).toMatchObject({ eventFilter: 'ref', eventCursor: undefined });
  });
});

describe('navigate the events of a run', () => {
  it('follows the newest event until the person moves, by seq', () => {
    expect(shown(run('open'))).toEqual({ selected: 149, first: 130 });
    const up = run('open', 'up', 'up');
    expect(up.eventCursor).toBe(147);
    expect(shown(up)).toEqual({ selected: 147, first: 130 });
    expect(shown(run('open', 'top'))).toEqual({ selected: 100, first: 100 });
    expect(shown(run('open', 'top', 'page-down'))).toEqual({ selected: 110, first: 100 });
    expect(shown(run('open', 'top', 'page-down', 'page-down', 'down'))).toEqual({
      selected: 121,
      first: 102,
    });
    expect(run('open', 'top', 'bottom').eventCursor).toBeUndefined();
    expect(run('open', 'up', 'down').eventCursor).toBeUndefined();
    expect(run('open', 'down').eventCursor).toBeUndefined();
  });

  it('keeps what was scrolled to when new events arrive', () => {
    const nav = run('open', 'top', 'down');
    const more = [
      ...lines,
      ...Array.from({ length: 30 }, (_, i) => ({ seq: 150 + i, tone: 'tool' as Tone })),
    ];
    const w = eventWindow(more, nav, ctx.room);
    expect(more[w.sel]?.seq).toBe(101);
    expect(more[w.top]?.seq).toBe(100);
  });

  it('jumps between refusals and errors with n/N', () => {
    expect(shown(run('open', 'top', 'next-failure')).selected).toBe(105);
    expect(shown(run('open', 'top', 'next-failure', 'next-failure')).selected).toBe(115);
    expect(shown(run('open', 'prev-failure')).selected).toBe(145);
  });

  it('opens the selected event whole with enter and scrolls it', () => {
    const detail = run('open', 'up', 'open');
    expect(detail).toMatchObject({ view: 'event', detailSeq: 148, detailOffset: 0 });
    expect(navigate(detail, 'down', ctx).detailOffset).toBe(1);
    expect(navigate(detail, 'bottom', ctx).detailOffset).toBe(10);
    expect(navigate(detail, 'next-failure', ctx).detailSeq).toBe(105);
    expect(navigate(detail, 'back', ctx).view).toBe('run');
  });

  it('switches to the result pane and scrolls it from the top', () => {
    const nav = run('open', 'tab', 'down', 'down');
    expect(nav).toMatchObject({ tab: 'result', resultOffset: 2 });
    expect(run('open', 'tab', 'bottom').resultOffset).toBe(7);
    expect(run('tab').tab).toBe('events');
  });
});
