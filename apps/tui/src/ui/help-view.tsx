import { padCells } from '../safe-text.js';
import { KEY_HELP } from './keys.js';
import { Lines, type Row } from './lines.js';
import { hangingWrap } from './theme.js';

const KEYS_WIDTH = 24;

/** Every key, one binding per line (wrapped, never cut), as the README's keys table lists them. */
export function helpRows(width: number): Row[] {
  const rows: Row[] = [{ key: 'help-h', text: 'Keys (esc or ? closes this help)', bold: true }];
  const keysWidth = Math.min(KEYS_WIDTH, Math.max(8, Math.floor(width / 3)));
  for (const h of KEY_HELP) {
    hangingWrap(`${padCells(h.keys, keysWidth)}  `, h.does, width, keysWidth + 2).forEach((text, i) => {
      rows.push({ key: `help-${h.keys}-${i}`, text, bold: i === 0 });
    });
  }
  return rows;
}

/** The help: every binding. */
export function HelpView({ width, height }: { width: number; height: number }) {
  return <Lines rows={helpRows(width).slice(0, height)} width={width} />;
}
