import type { Key } from 'ink';
import type { Tone } from '../format.js';
import { SORT_KEYS, type SortKey } from './entries.js';
import type { KeyCommand } from './keys.js';

/** Which pane of a run is shown: its events, or its answer and verdicts. */
export type TraceTab = 'events' | 'result';

/** Where the user is: runs list, one run, or one event of it; what is filtered and sorted. */
export interface NavState {
  readonly view: 'runs' | 'run' | 'event';
  /** The open run's list id, when `view` is `run` or `event`. */
  readonly openId: string | undefined;
  /** Runs list: the cursor's position in the list as shown (filtered and sorted). */
  readonly cursor: number;
  /** Runs list: the id under the cursor, so a re-sort or a new row does not move the selection. */
  readonly selectedId: string | undefined;
  /** Until the user moves, the cursor rides on the run in flight (else the one that last ended). */
  readonly follow: boolean;
  readonly tab: TraceTab;
  /**
   * Events pane: the `seq` of the selected event, or undefined to follow the newest. By seq, not
   * position, so new events, a filter or dropped old lines do not move what a person scrolled to.
   */
  readonly eventCursor: number | undefined;
  /** Events pane: the `seq` of the first event shown (undefined: as low as the cursor allows). */
  readonly eventTop: number | undefined;
  readonly resultOffset: number;
  /** Event view: the `seq` of the event shown whole, and how far it is scrolled. */
  readonly detailSeq: number | undefined;
  readonly detailOffset: number;
  readonly help: boolean;
  readonly quitting: boolean;
  /** Runs list filter (`/`): space-separated terms, all must match. */
  readonly filter: string;
  /** Events pane filter. */
  readonly eventFilter: string;
  /** Keys go into the filter of the current view until enter or esc. */
  readonly typing: boolean;
  readonly sort: SortKey;
  readonly sortDesc: boolean;
}

/** An event line as navigation sees it. */
export interface NavLine {
  readonly seq: number;
  readonly tone: Tone;
}

/** What navigation needs to know about the data at the moment a key arrives. */
export interface NavContext {
  /** The runs list ids as shown (filtered and sorted). */
  readonly ids: readonly string[];
  /** Whether the run with this id failed (or ended in an error): where n/N stop. */
  readonly failed: (id: string) => boolean;
  /** The open run's event lines as shown (filtered). */
  readonly events: (id: string) => readonly NavLine[];
  /** How many lines the run's result pane has. */
  readonly resultSize: (id: string) => number;
  /** How many lines the open event's detail has. */
  readonly detailSize: number;
  /** Lines moved by page up/down. */
  readonly page: number;
  /** How many event lines (or detail lines) fit on screen. */
  readonly room: number;
}

/** Where the UI starts: the runs list, first entry, following, in plan order. */
export const initialNav: NavState = {
  view: 'runs',
  openId: undefined,
  cursor: 0,
  selectedId: undefined,
  follow: true,
  tab: 'events',
  eventCursor: undefined,
  eventTop: undefined,
  resultOffset: 0,
  detailSeq: undefined,
  detailOffset: 0,
  help: false,
  quitting: false,
  filter: '',
  eventFilter: '',
  typing: false,
  sort: 'plan',
  sortDesc: false,
};

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, n));

/** The first line whose seq is at least `seq` (lines are in seq order), or `lines.length`. */
export function indexOfSeq(lines: readonly NavLine[], seq: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The selected line and the first line shown of an events pane of `room` lines. */
export function eventWindow(
  lines: readonly NavLine[],
  nav: Pick<NavState, 'eventCursor' | 'eventTop'>,
  room: number,
): { sel: number; top: number } {
  const n = lines.length;
  if (n === 0) return { sel: -1, top: 0 };
  if (nav.eventCursor === undefined) return { sel: n - 1, top: Math.max(0, n - room) };
  const sel = Math.min(n - 1, indexOfSeq(lines, nav.eventCursor));
  let top = nav.eventTop === undefined ? sel - room + 1 : indexOfSeq(lines, nav.eventTop);
  top = clamp(top, sel - room + 1, sel);
  return { sel, top: clamp(top, 0, Math.max(0, n - room)) };
}

const FAILURE_TONES: ReadonlySet<Tone> = new Set<Tone>(['refusal', 'error', 'verify-fail']);

/** The next (or previous) position after `from` where `hit` holds, wrapping around; -1 when none. */
function seek(count: number, from: number, step: 1 | -1, hit: (i: number) => boolean): number {
  for (let k = 1; k <= count; k++) {
    const i = (((from + step * k) % count) + count) % count;
    if (hit(i)) return i;
  }
  return -1;
}

// Selects event line `to` of the open run, scrolling as little as needed; the last line follows.
function selectEvent(
  nav: NavState,
  lines: readonly NavLine[],
  room: number,
  to: number,
  follow: boolean,
): NavState {
  const n = lines.length;
  if (n === 0) return nav;
  if (follow && to >= n - 1) return { ...nav, eventCursor: undefined, eventTop: undefined };
  const cur = eventWindow(lines, nav, room);
  const sel = clamp(to, 0, n - 1);
  let top = cur.top;
  if (sel < top) top = sel;
  if (sel >= top + room) top = sel - room + 1;
  return { ...nav, eventCursor: lines[sel]!.seq, eventTop: lines[clamp(top, 0, n - 1)]!.seq };
}

/** Applies one key command; pure, so several keys in one chunk apply in order. */
export function navigate(nav: NavState, command: KeyCommand, ctx: NavContext): NavState {
  if (command === 'quit') return { ...nav, quitting: true };
  if (command === 'help') return { ...nav, help: !nav.help };
  if (nav.help) return command === 'back' ? { ...nav, help: false } : nav;
  if (command === 'approve' || command === 'deny') return nav;
  const lines = nav.openId === undefined ? [] : ctx.events(nav.openId);
  switch (command) {
    case 'filter':
      if (nav.view === 'runs' || (nav.view === 'run' && nav.tab === 'events'))
        return { ...nav, typing: true };
      return nav;
    case 'sort':
    case 'sort-reverse': {
      if (nav.view !== 'runs') return nav;
      if (command === 'sort-reverse') return { ...nav, sortDesc: !nav.sortDesc };
      const next = SORT_KEYS[(SORT_KEYS.indexOf(nav.sort) + 1) % SORT_KEYS.length]!;
      return { ...nav, sort: next, sortDesc: false };
    }
    case 'open': {
      if (nav.view === 'runs') {
        const id = ctx.ids[nav.cursor];
        if (id === undefined) return nav;
        return {
          ...nav,
          view: 'run',
          openId: id,
          selectedId: id,
          tab: 'events',
          eventCursor: undefined,
          eventTop: undefined,
          resultOffset: 0,
          eventFilter: '',
        };
      }
      if (nav.view === 'run' && nav.tab === 'events') {
        const { sel } = eventWindow(lines, nav, ctx.room);
        if (sel < 0) return nav;
        return { ...nav, view: 'event', detailSeq: lines[sel]!.seq, detailOffset: 0 };
      }
      return nav;
    }
    case 'back':
      if (nav.view === 'event') return { ...nav, view: 'run' };
      if (nav.view === 'run') {
        if (nav.eventFilter) return { ...nav, eventFilter: '', eventCursor: undefined, eventTop: undefined };
        return { ...nav, view: 'runs' };
      }
      return nav.filter ? { ...nav, filter: '' } : nav;
    case 'tab':
      return nav.view === 'run' ? { ...nav, tab: nav.tab === 'events' ? 'result' : 'events' } : nav;
    case 'next-failure':
    case 'prev-failure': {
      const step = command === 'next-failure' ? 1 : -1;
      if (nav.view === 'runs') {
        const at = seek(ctx.ids.length, nav.cursor, step, (i) => ctx.failed(ctx.ids[i]!));
        return at < 0 ? nav : { ...nav, follow: false, cursor: at, selectedId: ctx.ids[at] };
      }
      const from =
        nav.view === 'event' && nav.detailSeq !== undefined
          ? indexOfSeq(lines, nav.detailSeq)
          : eventWindow(lines, nav, ctx.room).sel;
      const at = seek(lines.length, from, step, (i) => FAILURE_TONES.has(lines[i]!.tone));
      if (at < 0) return nav;
      if (nav.view === 'event') return { ...nav, detailSeq: lines[at]!.seq, detailOffset: 0 };
      return nav.tab === 'events' ? selectEvent(nav, lines, ctx.room, at, false) : nav;
    }
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
    const cursor = command === 'top' ? 0 : command === 'bottom' ? last : clamp(nav.cursor + delta, 0, last);
    return { ...nav, follow: false, cursor, selectedId: ctx.ids[cursor] };
  }
  if (nav.view === 'event') {
    const max = Math.max(0, ctx.detailSize - ctx.room);
    if (command === 'top') return { ...nav, detailOffset: 0 };
    if (command === 'bottom') return { ...nav, detailOffset: max };
    return { ...nav, detailOffset: clamp(nav.detailOffset + delta, 0, max) };
  }
  if (nav.tab === 'events') {
    // Up moves back in time; reaching the last line (or G) returns to following the run live.
    if (command === 'bottom') return { ...nav, eventCursor: undefined, eventTop: undefined };
    if (command === 'top') return selectEvent(nav, lines, ctx.room, 0, false);
    const { sel } = eventWindow(lines, nav, ctx.room);
    return selectEvent(nav, lines, ctx.room, sel + delta, true);
  }
  const size = nav.openId === undefined ? 0 : ctx.resultSize(nav.openId);
  const max = Math.max(0, size - 1);
  if (command === 'top') return { ...nav, resultOffset: 0 };
  if (command === 'bottom') return { ...nav, resultOffset: max };
  return { ...nav, resultOffset: clamp(nav.resultOffset + delta, 0, max) };
}

/** Removes the last character (code point) of a string. */
function dropLast(text: string): string {
  const chars = [...text];
  chars.pop();
  return chars.join('');
}

/**
 * A key while a filter is being typed: printable text goes into it, backspace deletes, ctrl-u
 * clears, enter keeps the filter and stops typing, esc clears it and stops. Returns undefined for
 * keys that are not about the text (arrows, page keys), which then move as usual.
 */
export function editFilter(nav: NavState, input: string, key: Key): NavState | undefined {
  const field = nav.view === 'runs' ? 'filter' : 'eventFilter';
  const set = (text: string, typing = true): NavState => {
    const next = { ...nav, [field]: text, typing };
    // A new events filter starts from the newest match; a runs filter keeps the selection by id.
    return field === 'eventFilter' && text !== nav.eventFilter
      ? { ...next, eventCursor: undefined, eventTop: undefined }
      : next;
  };
  if (key.escape) return set('', false);
  if (key.return) return { ...nav, typing: false };
  if (key.backspace || key.delete) return set(dropLast(nav[field]));
  if (key.ctrl && input === 'u') return set('');
  if (key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.leftArrow || key.rightArrow)
    return undefined;
  if (key.ctrl || key.meta || key.tab) return nav;
  let text = nav[field];
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') return { ...set(text), typing: false };
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x20 && c !== 0x7f) text += ch;
  }
  return set(text);
}
