import type { TraceEvent } from '@sre-harness/core';
import type { TraceLine } from '../format.js';
import { Lines, type Row } from './lines.js';
import { hangingWrap, toneColor, wrap } from './theme.js';

// Shown in the heading line, not as fields of their own.
const HEAD_FIELDS = new Set(['v', 'seq', 'ts', 'runId', 'kind']);

/**
 * Every field of one trace event, whole: strings as they are (multi-line output keeps its lines),
 * other values as indented JSON, everything wrapped to the width. Escaped like all other text.
 */
export function eventDetailRows(line: TraceLine, width: number): Row[] {
  const event = line.event as (TraceEvent & Record<string, unknown>) | undefined;
  const color = toneColor[line.tone];
  const rows: Row[] = [];
  const push = (text: string, extra: Partial<Row> = {}) => {
    rows.push({ key: `d${rows.length}`, text, ...extra });
  };
  const head = `#${line.seq} ${line.kind}`;
  for (const t of hangingWrap(head, event ? `  ${event.ts}  run ${event.runId}` : '', width, 2)) {
    push(t, { bold: true, color });
  }
  if (!event) {
    for (const t of wrap(line.text, width)) push(t);
    return rows;
  }
  for (const [name, value] of Object.entries(event)) {
    if (HEAD_FIELDS.has(name) || value === undefined) continue;
    if (typeof value === 'string') {
      if (!value.includes('\n')) {
        hangingWrap(`${name}: `, value, width, 2).forEach((t) => {
          push(t);
        });
        continue;
      }
      push(`${name}:`, { bold: true });
      for (const t of wrap(value, width - 2)) push(`  ${t}`);
      continue;
    }
    let json: string;
    try {
      json = JSON.stringify(value, null, 2) ?? String(value);
    } catch {
      json = String(value);
    }
    if (!json.includes('\n')) {
      hangingWrap(`${name}: `, json, width, 2).forEach((t) => {
        push(t);
      });
      continue;
    }
    push(`${name}:`, { bold: true });
    for (const t of wrap(json, width - 2)) push(`  ${t}`);
  }
  return rows;
}

/** Props of the event view. */
export interface EventViewProps {
  readonly label: string;
  readonly line: TraceLine | undefined;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

/** How many detail lines fit under the heading and the position line. */
export function detailRoom(height: number): number {
  return Math.max(1, height - 2);
}

/** One event, whole and scrollable. */
export function EventView({ label, line, offset, width, height }: EventViewProps) {
  const room = detailRoom(height);
  if (!line) {
    return (
      <Lines
        rows={[{ key: 'none', text: `${label}: that event is no longer kept`, dim: true }]}
        width={width}
      />
    );
  }
  const rows = eventDetailRows(line, width);
  const from = Math.max(0, Math.min(offset, rows.length - room));
  const to = Math.min(rows.length, from + room);
  const where =
    rows.length > room
      ? `lines ${from + 1}–${to} of ${rows.length}${to >= rows.length ? ' (end)' : `, ${rows.length - to} more below`} · j/k pgdn/pgup g/G scroll`
      : `all ${rows.length} lines`;
  return (
    <Lines
      rows={[
        {
          key: 'title',
          text: `${label} · event ${line.seq} · ${where} · n/N next/previous failure · esc back`,
          color: 'cyan',
        },
        ...rows.slice(from, to),
      ].slice(0, height)}
      width={width}
    />
  );
}
