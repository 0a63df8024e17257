import type { Key } from 'ink';

/** Everything a key can ask the UI to do. */
export type KeyCommand =
  | 'quit'
  | 'help'
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'top'
  | 'bottom'
  | 'open'
  | 'back'
  | 'tab'
  | 'filter'
  | 'sort'
  | 'sort-reverse'
  | 'next-failure'
  | 'prev-failure'
  | 'approve'
  | 'deny';

/** One line of the help: the keys, what they do, and the commands they are bound to. */
export interface KeyHelp {
  readonly keys: string;
  readonly does: string;
  readonly commands: readonly KeyCommand[];
}

/** Every binding, in display order: the help (`?`) shows all of it, and a test holds it complete. */
export const KEY_HELP: readonly KeyHelp[] = [
  { keys: 'j/k ↑/↓', does: 'move; scroll the pane, the event or a long approval', commands: ['down', 'up'] },
  { keys: 'ctrl-d/ctrl-u pgdn/pgup', does: 'page down/up', commands: ['page-down', 'page-up'] },
  { keys: 'g/G', does: 'top/end (G follows a live run again)', commands: ['top', 'bottom'] },
  { keys: 'enter/l', does: 'open the run; on an event, the whole event', commands: ['open'] },
  { keys: 'esc/h/← backspace', does: 'clear the filter, else back', commands: ['back'] },
  { keys: 'tab', does: 'events/result of the open run', commands: ['tab'] },
  { keys: '/', does: 'filter rows or events (type; enter keeps it, esc clears it)', commands: ['filter'] },
  { keys: 's/S', does: 'sort by the next column / reverse the order', commands: ['sort', 'sort-reverse'] },
  {
    keys: 'n/N ]/[',
    does: 'next/previous failure (runs: failed or error; events: refusals, errors)',
    commands: ['next-failure', 'prev-failure'],
  },
  {
    keys: 'a/d',
    does: 'approve/deny the waiting mutation (a once all of it was on screen)',
    commands: ['approve', 'deny'],
  },
  { keys: '?', does: 'this help (esc or ? closes it)', commands: ['help'] },
  { keys: 'q ctrl-c', does: 'quit (waiting approvals denied, live runs cancelled)', commands: ['quit'] },
];

const NO_KEY = {} as Key;

/**
 * Maps what arrived from the terminal to commands. Keys typed quickly (or sent by tmux) can
 * arrive in one chunk such as "jj\r"; each character of such a chunk counts.
 */
export function commandsFor(input: string, key: Key): KeyCommand[] {
  const single = commandFor(input, key);
  if (single || input.length <= 1 || key.ctrl || key.meta) return single ? [single] : [];
  const out: KeyCommand[] = [];
  for (const ch of input) {
    const c = ch === '\r' || ch === '\n' ? 'open' : ch === '\t' ? 'tab' : commandFor(ch, NO_KEY);
    if (c) out.push(c);
  }
  return out;
}

/** Maps one keypress to a command; the only place keys are bound. */
export function commandFor(input: string, key: Key): KeyCommand | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp || (key.ctrl && input === 'u')) return 'page-up';
  if (key.pageDown || (key.ctrl && input === 'd')) return 'page-down';
  if (key.return) return 'open';
  if (key.escape || key.backspace || key.delete || key.leftArrow) return 'back';
  if (key.tab) return 'tab';
  if (key.ctrl || key.meta) return undefined;
  switch (input) {
    case 'q':
      return 'quit';
    case '?':
      return 'help';
    case 'j':
      return 'down';
    case 'k':
      return 'up';
    case 'g':
      return 'top';
    case 'G':
      return 'bottom';
    case 'l':
      return 'open';
    case 'h':
      return 'back';
    case '/':
      return 'filter';
    case 's':
      return 'sort';
    case 'S':
      return 'sort-reverse';
    case 'n':
    case ']':
      return 'next-failure';
    case 'N':
    case '[':
      return 'prev-failure';
    case 'a':
      return 'approve';
    case 'd':
      return 'deny';
    default:
      return undefined;
  }
}
