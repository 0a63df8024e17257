import { KEY_HELP } from './keys.js';
import { SafeText } from './lines.js';
import { fit } from './theme.js';

/** The key list; short form by default, every binding with `?`. */
export function Footer({ width, full }: { width: number; full: boolean }) {
  const items = full
    ? KEY_HELP
    : KEY_HELP.filter(([k]) => ['j/k ↑/↓', 'enter', 'esc', 'tab', '?', 'q'].includes(k));
  const text = items.map(([k, what]) => `${k} ${what}`).join('  ·  ');
  return (
    <SafeText dimColor wrap="truncate-end">
      {fit(text, width)}
    </SafeText>
  );
}
