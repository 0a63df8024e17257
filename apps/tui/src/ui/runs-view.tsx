import { verdictLine } from '../eval-report.js';
import { compactNumber, duration, money } from '../format.js';
import { padCells } from '../safe-text.js';
import { scoreboard, type TuiState } from '../state.js';
import { type EntryView, entryStyle, figureCells, type SortKey } from './entries.js';
import { Lines, type Row } from './lines.js';

export { type ListEntry, listEntries } from './entries.js';

/** A text progress bar: `[#####.....] 5/10`. */
export function progressBar(done: number, total: number, width: number): string {
  const label = ` ${done}/${total}`;
  const inner = Math.max(5, Math.min(40, width - label.length - 2));
  const filled = total > 0 ? Math.round((done / total) * inner) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(inner - filled)}]${label}`;
}

type FigureKey = 'steps' | 'tokens' | 'cost' | 'time';
interface Column {
  readonly key: 'result' | FigureKey;
  readonly title: string;
  readonly width: number;
  readonly align: 'left' | 'right';
  readonly sort: SortKey;
}

const COLUMNS: readonly Column[] = [
  { key: 'result', title: 'RESULT', width: 20, align: 'left', sort: 'state' },
  { key: 'steps', title: 'STEPS', width: 6, align: 'right', sort: 'steps' },
  { key: 'tokens', title: 'TOKENS', width: 7, align: 'right', sort: 'tokens' },
  { key: 'cost', title: 'COST', width: 8, align: 'right', sort: 'cost' },
  { key: 'time', title: 'TIME', width: 7, align: 'right', sort: 'time' },
];
// Narrow terminals drop figures in this order, so the run's name keeps room to be read.
const DROP_ORDER: readonly Column['key'][] = ['cost', 'time', 'tokens', 'steps'];
const MIN_NAME = 28;
// "› ✓ ": the cursor, the glyph and their spaces.
const LEAD = 4;

/** The columns that fit `width`, and the cells left for the run's name. */
export function columnLayout(width: number, hasCost: boolean): { name: number; columns: Column[] } {
  let columns = COLUMNS.filter((c) => c.key !== 'cost' || hasCost);
  const nameWidth = () => width - LEAD - columns.reduce((s, c) => s + c.width + 2, 0);
  for (const key of DROP_ORDER) {
    if (nameWidth() >= MIN_NAME) break;
    columns = columns.filter((c) => c.key !== key);
  }
  return { name: Math.max(8, nameWidth()), columns };
}

function cellOf(v: EntryView, key: Column['key']): string {
  return key === 'result' ? v.result : figureCells(v)[key];
}

/** One list row: cursor, glyph, name, then each column lined up by terminal cells. */
export function entryRow(v: EntryView, selected: boolean, layout: ReturnType<typeof columnLayout>): Row {
  const style = entryStyle(v);
  const cells = layout.columns.map((c) => `  ${padCells(cellOf(v, c.key), c.width, c.align)}`).join('');
  return {
    key: v.id,
    text: `${selected ? '›' : ' '} ${style.mark} ${padCells(v.name, layout.name)}${cells}`,
    color: style.color,
    inverse: selected,
  };
}

/** The column header: the sorted column marked ▼ (or ▲ reversed). */
export function headerRow(layout: ReturnType<typeof columnLayout>, sort: SortKey, desc: boolean): Row {
  const arrow = desc ? '▲' : '▼';
  const name =
    sort === 'scenario' || sort === 'model'
      ? `RUN (scenario × model #trial) ${arrow} ${sort}`
      : 'RUN (scenario × model #trial)';
  const cells = layout.columns
    .map((c) => `  ${padCells(c.sort === sort ? `${c.title}${arrow}` : c.title, c.width, c.align)}`)
    .join('');
  return { key: 'header', text: `    ${padCells(name, layout.name)}${cells}`, bold: true, dim: true };
}

/** Props of the runs list. */
export interface RunsViewProps {
  readonly title: string;
  readonly state: TuiState;
  /** The entries as shown: filtered and sorted. */
  readonly views: readonly EntryView[];
  /** Entries before filtering. */
  readonly total: number;
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
  readonly filter: string;
  readonly typing: boolean;
  readonly sort: SortKey;
  readonly sortDesc: boolean;
  /** The clock, for elapsed time and ETA (ms since the epoch). */
  readonly now: number;
}

/** The progress line of an eval: bar, runs in flight, elapsed time and ETA (live) or time taken. */
export function progressText(state: TuiState, now: number, width: number): string {
  const total = state.rows.length;
  const done = state.rows.filter((r) => r.outcome).length;
  const running = state.rows.filter((r) => r.state === 'running').length;
  let time = '';
  if (state.startedAt !== undefined) {
    const elapsed = Math.max(0, (state.endedAt ?? now) - state.startedAt);
    if (done < total) {
      const eta = done > 0 ? (elapsed / done) * (total - done) : undefined;
      time = `  elapsed ${duration(elapsed)}  ETA ${eta === undefined ? '…' : duration(eta)}`;
    } else time = `  took ${duration(elapsed)}`;
  }
  return `${progressBar(done, total, Math.min(width, 60))}  ${running} running${time}`;
}

const MAX_REASONS = 3;

/** The gate verdict of a finished live eval: the verdict and exit code, its reasons, the files. */
export function verdictRows(state: TuiState): Row[] {
  const v = state.verdict;
  if (!v) return [];
  const color = v.verdict === 'ok' ? 'green' : v.verdict === 'error' ? 'yellowBright' : 'red';
  const rows: Row[] = [{ key: 'gate', text: verdictLine(v), color, bold: true }];
  v.reasons.slice(0, MAX_REASONS).forEach((r, i) => {
    rows.push({ key: `gate-r${i}`, text: `  - ${r}`, color });
  });
  if (v.reasons.length > MAX_REASONS)
    rows.push({
      key: 'gate-more',
      text: `  … ${v.reasons.length - MAX_REASONS} more in the summary`,
      dim: true,
    });
  if (v.verdict !== 'interrupted')
    rows.push({
      key: 'gate-files',
      text: v.files.length ? `reports: ${v.files.join(', ')}` : 'no report files written (--no-out)',
      dim: true,
    });
  return rows;
}

// The scoreboard's columns: model, then figures, each cut or padded to its cells.
const BOARD = [
  ['model', 20],
  ['passed', 7],
  ['refused', 7],
  ['errors', 6],
  ['avg steps', 9],
  ['tokens', 7],
  ['cost', 8],
] as const;

function boardLine(cells: readonly string[]): string {
  return cells.map((c, i) => padCells(c, BOARD[i]![1])).join('  ');
}

/**
 * The scoreboard in at most `room` rows: a header and one line per model; when there are more
 * models than rows, the last row says how many more and names them (never a model left out silently).
 */
export function boardRows(state: TuiState, room: number): Row[] {
  const board = scoreboard(state.rows);
  if (board.length === 0 || room < 2) return [];
  const rows: Row[] = [{ key: 'board', text: boardLine(BOARD.map(([t]) => t)), bold: true }];
  const fits = board.length + 1 <= room;
  const shown = fits ? board : board.slice(0, Math.max(0, room - 2));
  for (const s of shown) {
    rows.push({
      key: `board-${s.model}`,
      text: boardLine([
        s.model,
        `${s.passed}/${s.done}`,
        String(s.refused),
        String(s.errors),
        s.avgSteps.toFixed(1),
        compactNumber(s.tokens),
        money(s.costUsd),
      ]),
    });
  }
  if (!fits) {
    const rest = board.slice(shown.length);
    const names = rest.map((s) => s.model).join(', ');
    const text = `+${rest.length} more model${rest.length === 1 ? '' : 's'}: ${names}`;
    rows.push({ key: 'board-more', text, color: 'cyan' });
  }
  return rows;
}

/**
 * The runs list: title (with filter and sort), progress with elapsed time and ETA, the gate
 * verdict once the eval has ended, column headers, one line per run, and the scoreboard.
 */
export function RunsView(props: RunsViewProps) {
  const { title, state, views, total, cursor, width, height, filter, typing, sort, sortDesc, now } = props;
  // Filter and sort first, so a long title (a trace's path) never cuts them off.
  const head: string[] = [];
  if (filter || typing) head.push(`filter /${filter}${typing ? '_' : ''} (${views.length} of ${total})`);
  if (sort !== 'plan') head.push(`sort: ${sort} ${sortDesc ? '▲' : '▼'}`);
  head.push(title);
  const top: Row[] = [{ key: 'title', text: head.join('  ·  '), bold: true }];
  if (state.rows.length > 0) {
    top.push({ key: 'progress', text: progressText(state, now, width), color: 'cyan' });
    top.push(...verdictRows(state));
  }
  const layout = columnLayout(
    width,
    views.some((v) => v.cost !== undefined),
  );
  top.push(headerRow(layout, sort, sortDesc));
  // The scoreboard takes what it needs, up to half the view, leaving the list at least 3 rows.
  const boardRoom =
    state.rows.length > 0
      ? Math.min(
          scoreboard(state.rows).length + 1,
          Math.floor(height / 2),
          Math.max(0, height - top.length - 3),
        )
      : 0;
  const bottom = boardRows(state, boardRoom);
  const listHeight = Math.max(1, height - top.length - bottom.length);
  // Keep the cursor in view: the window starts so that the cursor sits inside it.
  const start = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), views.length - listHeight));
  const visible = views
    .slice(start, start + listHeight)
    .map((v, i) => entryRow(v, start + i === cursor, layout));
  if (views.length === 0) {
    visible.push(
      total > 0
        ? { key: 'empty', text: `  (no run matches /${filter}; esc clears the filter)`, dim: true }
        : { key: 'empty', text: '  (no runs yet)', dim: true },
    );
  }
  return <Lines rows={[...top, ...visible, ...bottom].slice(0, height)} width={width} />;
}
