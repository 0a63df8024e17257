import { compactNumber, money, oneLine, type TraceLine } from '../format.js';
import type { RunOutcome } from '../outcome.js';
import { MAX_RUN_LINES, type RunView } from '../state.js';
import { type EntryView, entryStyle } from './entries.js';
import { Lines, type Row } from './lines.js';
import type { NavState } from './nav.js';
import { hangingWrap, toneColor, wrap } from './theme.js';

export type { TraceTab } from './nav.js';

/** What the inspector shows of a run besides its event lines. */
export type RunSummary = Omit<RunView, 'lines'>;

/** The event lines on screen: a window on the (filtered) lines, and where it sits. */
export interface EventWindow {
  /** The lines shown, from `top`. */
  readonly rows: readonly TraceLine[];
  readonly top: number;
  /** The selected line (absolute), or -1. */
  readonly sel: number;
  /** Lines in all (filtered). */
  readonly total: number;
}

/**
 * Props of the run inspector. Only what it draws: the run without its lines, and the lines on
 * screen (React's development build diffs props deeply; 5,000 lines shifting under the cap each
 * batch would cost more than drawing them).
 */
export interface TraceViewProps {
  readonly run: RunSummary | undefined;
  readonly outcome: RunOutcome | undefined;
  /** The run's list entry (its glyph and verdict), when it has one. */
  readonly entry: EntryView | undefined;
  readonly label: string;
  /** For a report's run without a trace: where the trace was looked for. */
  readonly note: string | undefined;
  /** The event lines on screen (the events filter applied). */
  readonly window: EventWindow;
  /** Lines the run keeps, before the filter. */
  readonly kept: number;
  readonly nav: Pick<NavState, 'tab' | 'eventCursor' | 'resultOffset' | 'eventFilter' | 'typing'>;
  readonly width: number;
  readonly height: number;
}

/** Matches an event line against the events filter: every term, case-insensitive. */
export function lineMatches(line: TraceLine, filter: string): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return true;
  const hay = `${line.kind} ${line.text}`.toLowerCase();
  return terms.every((t) => hay.includes(t));
}

/** The answer, the verifiers and (for eval runs) the checks, as wrapped display rows. */
export function resultRows(
  run: Pick<RunView, 'answer' | 'verifications'> | undefined,
  outcome: RunOutcome | undefined,
  width: number,
): Row[] {
  const rows: Row[] = [];
  const answer = run?.answer ?? outcome?.answer ?? null;
  rows.push({ key: 'answer-h', text: 'Answer', bold: true });
  const answerLines = answer === null ? ['(no answer)'] : wrap(answer, width - 2);
  answerLines.forEach((l, i) => {
    rows.push({ key: `answer-${i}`, text: `  ${l}` });
  });
  const verdicts: { group: string; name: string; passed: boolean; detail: string }[] = [];
  const verifications = run?.verifications.length ? run.verifications : (outcome?.verifications ?? []);
  for (const v of verifications) verdicts.push({ group: 'verifier', ...v });
  for (const g of outcome?.gates ?? []) verdicts.push({ group: 'gate', ...g });
  for (const c of outcome?.checks ?? []) verdicts.push({ group: 'check', ...c });
  rows.push({
    key: 'verdict-h',
    text: verdicts.length ? 'Verifiers and checks' : 'No verifier ran',
    bold: true,
  });
  verdicts.forEach((v, i) => {
    // The head is part of the first line's width, so a wrapped detail loses nothing.
    const head = `  ${v.passed ? '✓' : '✗'} ${v.group} ${v.name}: `;
    hangingWrap(head, oneLine(v.detail, 2000), width, 6).forEach((l, j) => {
      rows.push({ key: `verdict-${i}-${j}`, text: l, color: v.passed ? 'green' : 'red' });
    });
  });
  if (outcome?.error) {
    hangingWrap('error: ', oneLine(outcome.error, 2000), width, 7).forEach((l, j) => {
      rows.push({ key: `error-${j}`, text: l, color: 'red' });
    });
  }
  return rows;
}

function headerRows(props: TraceViewProps): Row[] {
  const { run, outcome, label, entry, width } = props;
  const style = entry ? entryStyle(entry) : undefined;
  if (run) {
    const budget = run.maxSteps !== undefined ? `${run.steps}/${run.maxSteps}` : String(run.steps);
    const verdict = entry?.entry.row?.outcome ? `  ${entry.result}` : '';
    return [
      {
        key: 'h1',
        text: `${style?.mark ?? '?'} ${run.label}  ${run.status}${verdict}  step ${budget}  ${compactNumber(run.inputTokens)} in / ${compactNumber(run.outputTokens)} out tok  ${money(run.costUsd)}  ${run.eventCount} events`,
        color: style?.color,
        bold: true,
      },
      { key: 'h2', text: `task: ${oneLine(run.task)}`, dim: true },
    ];
  }
  if (outcome) {
    const note =
      props.note ?? (outcome.tracePath ? `trace: ${outcome.tracePath} (not loaded)` : 'no trace recorded');
    return [
      {
        key: 'h1',
        text: `${style?.mark ?? (outcome.passed ? '✓' : '✗')} ${label}  ${entry?.result ?? ''}  ${outcome.stoppedReason}  ${outcome.steps} steps  ${compactNumber(outcome.usage.inputTokens + outcome.usage.outputTokens)} tok  ${money(outcome.usage.costUsd)}`,
        color: style?.color ?? (outcome.passed ? 'green' : 'red'),
        bold: true,
      },
      // Where the trace was looked for, in full: a person needs the paths to fix it.
      ...wrap(note, width)
        .slice(0, 4)
        .map((text, i) => ({ key: `note-${i}`, text, color: 'yellow' })),
    ];
  }
  return [{ key: 'h1', text: `${label}: waiting to start`, dim: true }];
}

/** How many event lines fit under the run header, the tab bar and the column header. */
export function eventRowsFor(height: number): number {
  return Math.max(1, height - 4);
}

/** The run inspector: header, then the event log (following the tail) or the result pane. */
export function TraceView(props: TraceViewProps) {
  const { run, nav, width, height, window: win } = props;
  const header = headerRows(props);
  const finished = run ? run.status !== 'running' : props.outcome !== undefined;
  const room = Math.max(1, height - header.length - 2);
  const below = Math.max(0, win.total - (win.top + room));
  const parts = [
    `${nav.tab === 'events' ? '[events]' : ' events '} ${nav.tab === 'result' ? '[result]' : ' result '}${finished ? '' : '  (live)'}`,
  ];
  if (nav.tab === 'events') {
    if (nav.eventFilter || nav.typing)
      parts.push(`filter /${nav.eventFilter}${nav.typing ? '_' : ''} (${win.total} of ${props.kept})`);
    if (nav.eventCursor !== undefined)
      parts.push(below > 0 ? `scrolled back ${below} (G follows)` : 'paused (G follows)');
    if (run && run.droppedLines > 0)
      parts.push(
        `${run.droppedLines} earlier events dropped (the UI keeps the newest ${MAX_RUN_LINES}; the trace file has all)`,
      );
  }
  header.push({ key: 'tabs', text: parts.join('  ·  '), color: 'cyan' });
  let body: Row[];
  if (nav.tab === 'events') {
    header.push({ key: 'cols', text: '    SEQ EVENT (enter shows all of it)', dim: true });
    const picked = nav.eventCursor !== undefined;
    body = win.rows.slice(0, room).map((l, i) => {
      const at = win.top + i;
      return {
        key: `e${l.seq}-${l.kind}-${at}`,
        text: `${at === win.sel && picked ? '›' : ' '}${String(l.seq).padStart(5)} ${l.text}`,
        color: toneColor[l.tone],
        inverse: at === win.sel && picked,
      };
    });
    if (win.total === 0)
      body.push({
        key: 'none',
        text: nav.eventFilter
          ? `  (no event matches /${nav.eventFilter}; esc clears it)`
          : '  (no events yet)',
        dim: true,
      });
  } else {
    const rows = resultRows(run, props.outcome, width);
    const space = Math.max(1, height - header.length);
    const offset = Math.max(0, Math.min(nav.resultOffset, rows.length - space));
    body = rows.slice(offset, offset + space);
  }
  return <Lines rows={[...header, ...body].slice(0, height)} width={width} />;
}
