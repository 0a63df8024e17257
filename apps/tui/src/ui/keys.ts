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
  | 'approve'
  | 'deny';

/** The help footer: key and what it does, in display order. */
export const KEY_HELP: readonly (readonly [string, string])[] = [
  ['j/k ↑/↓', 'move'],
  ['enter', 'open'],
  ['esc', 'back'],
  ['tab', 'events/result'],
  ['g/G', 'top/end'],
  ['a/d', 'approve/deny'],
  ['?', 'help'],
  ['q', 'quit'],
];

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
    case 'a':
      return 'approve';
    case 'd':
      return 'deny';
    default:
      return undefined;
  }
}
