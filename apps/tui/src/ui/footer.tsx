import { Text } from 'ink';
import { KEY_HELP } from './keys.js';
import { fit } from './theme.js';

/** The key list; short form by default, every binding with `?`. */
export function Footer({ width, full }: { width: number; full: boolean }) {
  const items = full
    ? KEY_HELP
    : KEY_HELP.filter(([k]) => ['j/k ↑/↓', 'enter', 'esc', 'tab', '?', 'q'].includes(k));
  const text = items.map(([k, what]) => `${k} ${what}`).join('  ·  ');
  return (
    <Text dimColor wrap="truncate-end">
      {fit(text, width)}
    </Text>
  );
}
