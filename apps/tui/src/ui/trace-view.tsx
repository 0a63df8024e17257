import { compactNumber, money, oneLine } from '../format.js';
import type { RunOutcome } from '../outcome.js';
import type { RunView } from '../state.js';
import { Lines, type Row } from './lines.js';
import { statusStyle, toneColor, wrap } from './theme.js';

/** Which pane of a run is shown: its events, or its answer and verdicts. */
export type TraceTab = 'events' | 'result';

/** Props of the run inspector. */
export interface TraceViewProps {
  readonly run: RunView | undefined;
  readonly outcome: RunOutcome | undefined;
  readonly label: string;
  readonly tab: TraceTab;
  /** Events tab: lines up to the last one shown, or undefined to follow the newest. */
  readonly scrollEnd: number | undefined;
  /** Result tab: first line shown. */
  readonly resultOffset: number;
  readonly width: number;
  readonly height: number;
}

/** The answer, the verifiers and (for eval runs) the checks, as wrapped display rows. */
export function resultRows(run: RunView | undefined, outcome: RunOutcome | undefined, width: number): Row[] {
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
    const head = `  ${v.passed ? '✓' : '✗'} ${v.group} ${v.name}: `;
    wrap(oneLine(v.detail, 2000), Math.max(10, width - 6)).forEach((l, j) => {
      rows.push({
        key: `verdict-${i}-${j}`,
        text: j === 0 ? `${head}${l}` : `      ${l}`,
        color: v.passed ? 'green' : 'red',
      });
    });
  });
  if (outcome?.error) rows.push({ key: 'error', text: `error: ${oneLine(outcome.error)}`, color: 'red' });
  return rows;
}

function headerRows(props: TraceViewProps): Row[] {
  const { run, outcome, label } = props;
  if (run) {
    const verified = run.verifications.length ? run.verifications.every((v) => v.passed) : undefined;
    const style = statusStyle(run.status, verified);
    const budget = run.maxSteps !== undefined ? `${run.steps}/${run.maxSteps}` : String(run.steps);
    return [
      {
        key: 'h1',
        text: `${style.mark} ${run.label}  ${run.status}  step ${budget}  ${compactNumber(run.inputTokens)} in / ${compactNumber(run.outputTokens)} out tok  ${money(run.costUsd)}  ${run.lines.length} events`,
        color: style.color,
        bold: true,
      },
      { key: 'h2', text: `task: ${oneLine(run.task)}`, dim: true },
    ];
  }
  if (outcome) {
    return [
      {
        key: 'h1',
        text: `${outcome.passed ? '✓' : '✗'} ${label}  ${outcome.stoppedReason}  ${outcome.steps} steps  ${compactNumber(outcome.usage.inputTokens + outcome.usage.outputTokens)} tok  ${money(outcome.usage.costUsd)}`,
        color: outcome.passed ? 'green' : 'red',
        bold: true,
      },
      { key: 'h2', text: outcome.tracePath ? `trace: ${outcome.tracePath}` : 'no trace recorded', dim: true },
    ];
  }
  return [{ key: 'h1', text: `${label}: waiting to start`, dim: true }];
}

/** How many event lines fit under the header and tab bar. */
export function eventRowsFor(height: number): number {
  return Math.max(1, height - 3);
}

// The index after the last event line shown: the newest when following, never above the first screen.
function eventsEnd(total: number, scrollEnd: number | undefined, room: number): number {
  if (scrollEnd === undefined) return total;
  return Math.min(total, Math.max(Math.min(room, total), scrollEnd));
}

/** The run inspector: header, then the event log (following the tail) or the result pane. */
export function TraceView(props: TraceViewProps) {
  const { run, tab, width, height } = props;
  const header = headerRows(props);
  const finished = run ? run.status !== 'running' : props.outcome !== undefined;
  const room0 = Math.max(1, height - header.length - 1);
  const back = (run?.lines.length ?? 0) - eventsEnd(run?.lines.length ?? 0, props.scrollEnd, room0);
  header.push({
    key: 'tabs',
    text: `${tab === 'events' ? '[events]' : ' events '} ${tab === 'result' ? '[result]' : ' result '}${finished ? '' : '  (live)'}${tab === 'events' && back > 0 ? `  scrolled back ${back} (G follows)` : ''}`,
    color: 'cyan',
  });
  const room = Math.max(1, height - header.length);
  let body: Row[];
  if (tab === 'events') {
    const lines = run?.lines ?? [];
    const end = eventsEnd(lines.length, props.scrollEnd, room);
    const start = Math.max(0, end - room);
    body = lines.slice(start, end).map((l) => ({
      key: `e${l.seq}-${l.kind}`,
      text: `${String(l.seq).padStart(5)} ${l.text}`,
      color: toneColor[l.tone],
    }));
    if (lines.length === 0) body.push({ key: 'none', text: '  (no events yet)', dim: true });
  } else {
    const rows = resultRows(run, props.outcome, width);
    const offset = Math.max(0, Math.min(props.resultOffset, rows.length - room));
    body = rows.slice(offset, offset + room);
  }
  return <Lines rows={[...header, ...body].slice(0, height)} width={width} />;
}
