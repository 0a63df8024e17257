import { SafeText } from './lines.js';
import { fit } from './theme.js';

/** Where the person is, for the footer's hints. */
export type FooterContext = 'runs' | 'events' | 'result' | 'event' | 'help' | 'typing';

const HINTS: Readonly<Record<FooterContext, string>> = {
  runs: 'j/k move · enter open · / filter · s sort · n/N failure · ? help · q quit',
  events: 'j/k move · enter event · tab result · / filter · n/N failure · esc back · ? help · q quit',
  result: 'j/k scroll · tab events · esc back · ? help · q quit',
  event: 'j/k scroll · n/N failure · esc back · ? help · q quit',
  help: 'esc or ? close · q quit',
  typing: 'type to filter · enter keeps it · esc clears it · ↑/↓ move',
};

/** The hints for where the person is; `?` shows every key. */
export function Footer({ width, context }: { width: number; context: FooterContext }) {
  return (
    <SafeText dimColor wrap="truncate-end">
      {fit(HINTS[context], width)}
    </SafeText>
  );
}
