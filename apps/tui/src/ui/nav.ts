import type { KeyCommand } from './keys.js';
import type { TraceTab } from './trace-view.js';

/** Where the user is: runs list or one run, which pane, how far scrolled. */
export interface NavState {
  readonly view: 'runs' | 'run';
  /** The open run's list id, when `view` is `run`. */
  readonly openId: string | undefined;
  readonly cursor: number;
  /** Until the user moves, the cursor rides on the first running run of a live list. */
  readonly follow: boolean;
  readonly tab: TraceTab;
  /**
   * Events pane: how many lines there are up to the last one shown, or undefined to follow the
   * run live. Absolute, so new events do not move what a person scrolled back to read.
   */
  readonly scrollEnd: number | undefined;
  readonly resultOffset: number;
  readonly help: boolean;
  readonly quitting: boolean;
}

/** What navigation needs to know about the data at the moment a key arrives. */
export interface NavContext {
  readonly ids: readonly string[];
  /** How many event lines and result lines the run with this id has. */
  readonly sizes: (id: string) => { events: number; result: number };
  /** Lines moved by page up/down. */
  readonly page: number;
  /** How many event lines fit on screen. */
  readonly room: number;
}

/** Where the UI starts: the runs list, first entry. */
export const initialNav: NavState = {
  view: 'runs',
  openId: undefined,
  cursor: 0,
  follow: true,
  tab: 'events',
  scrollEnd: undefined,
  resultOffset: 0,
  help: false,
  quitting: false,
};

const clamp = (n: number, max: number) => Math.max(0, Math.min(max, n));

/** Applies one key command; pure, so several keys in one chunk apply in order. */
export function navigate(nav: NavState, command: KeyCommand, ctx: NavContext): NavState {
  switch (command) {
    case 'quit':
      return { ...nav, quitting: true };
    case 'help':
      return { ...nav, help: !nav.help };
    case 'open': {
      const id = ctx.ids[nav.cursor];
      if (nav.view !== 'runs' || id === undefined) return nav;
      return { ...nav, view: 'run', openId: id, tab: 'events', scrollEnd: undefined, resultOffset: 0 };
    }
    case 'back':
      return nav.view === 'run' ? { ...nav, view: 'runs' } : nav;
    case 'tab':
      return nav.view === 'run' ? { ...nav, tab: nav.tab === 'events' ? 'result' : 'events' } : nav;
    case 'approve':
    case 'deny':
      return nav;
    default:
      break;
  }
  const delta =
    command === 'up'
      ? -1
      : command === 'down'
        ? 1
        : command === 'page-up'
          ? -ctx.page
          : command === 'page-down'
            ? ctx.page
            : 0;
  if (nav.view === 'runs') {
    const last = Math.max(0, ctx.ids.length - 1);
    if (command === 'top') return { ...nav, follow: false, cursor: 0 };
    if (command === 'bottom') return { ...nav, follow: false, cursor: last };
    return { ...nav, follow: false, cursor: clamp(nav.cursor + delta, last) };
  }
  const size = nav.openId === undefined ? { events: 0, result: 0 } : ctx.sizes(nav.openId);
  if (nav.tab === 'events') {
    // Up scrolls back in time; reaching the end (or G) returns to following the run live.
    const first = Math.min(ctx.room, size.events);
    if (command === 'bottom' || size.events <= ctx.room) return { ...nav, scrollEnd: undefined };
    if (command === 'top') return { ...nav, scrollEnd: first };
    const end = Math.max(first, (nav.scrollEnd ?? size.events) + delta);
    return { ...nav, scrollEnd: end >= size.events ? undefined : end };
  }
  const max = Math.max(0, size.result - 1);
  if (command === 'top') return { ...nav, resultOffset: 0 };
  if (command === 'bottom') return { ...nav, resultOffset: max };
  return { ...nav, resultOffset: clamp(nav.resultOffset + delta, max) };
}
