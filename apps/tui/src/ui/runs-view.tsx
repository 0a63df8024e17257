import { cutText } from '@sre-harness/core';
import { compactNumber, money } from '../format.js';
import { type EvalRow, type RunView, scoreboard, type TuiState } from '../state.js';
import { Lines, type Row } from './lines.js';
import { rowStyle, statusStyle } from './theme.js';

/** One selectable entry of the runs list: an eval row, or a run found in a trace. */
export interface ListEntry {
  readonly id: string;
  readonly row: EvalRow | undefined;
  readonly run: RunView | undefined;
}

/** The entries the runs list shows, in display order. */
export function listEntries(state: TuiState): ListEntry[] {
  if (state.rows.length > 0) {
    return state.rows.map((row) => ({
      id: row.key,
      row,
      run: row.runId ? state.runs[row.runId] : undefined,
    }));
  }
  return state.runOrder.map((id) => ({ id, row: undefined, run: state.runs[id] }));
}

function entryRow(entry: ListEntry, selected: boolean): Row {
  const { row, run } = entry;
  const usage = (r: RunView | undefined) =>
    r
      ? `steps ${r.steps}${r.maxSteps !== undefined ? `/${r.maxSteps}` : ''}  ${compactNumber(r.inputTokens + r.outputTokens)} tok  ${money(r.costUsd)}`
      : '';
  if (row) {
    const style = rowStyle[row.state];
    const o = row.outcome;
    const figures = o
      ? `steps ${o.steps}  ${compactNumber(o.usage.inputTokens + o.usage.outputTokens)} tok  ${money(o.usage.costUsd)}`
      : usage(run);
    const verdict =
      row.state === 'refused' && o ? `refused mutation, ${o.passed ? 'passed' : 'failed'}` : style.label;
    return {
      key: entry.id,
      text: `${selected ? '›' : ' '} ${style.mark} ${row.scenario} × ${row.model} #${row.trial}  ${verdict}  ${figures}`,
      color: style.color,
      inverse: selected,
    };
  }
  if (!run) return { key: entry.id, text: `  ? ${entry.id}` };
  const verified = run.verifications.length ? run.verifications.every((v) => v.passed) : undefined;
  const style = statusStyle(run.status, verified);
  const refused = run.refusedMutations ? `  ${run.refusedMutations} refused mutation` : '';
  return {
    key: entry.id,
    text: `${selected ? '›' : ' '} ${style.mark} ${run.label}  ${run.status}  ${usage(run)}${refused}`,
    color: style.color,
    inverse: selected,
  };
}

/** A text progress bar: `[#####.....] 5/10`. */
export function progressBar(done: number, total: number, width: number): string {
  const label = ` ${done}/${total}`;
  const inner = Math.max(5, Math.min(40, width - label.length - 2));
  const filled = total > 0 ? Math.round((done / total) * inner) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(inner - filled)}]${label}`;
}

/** Props of the runs list. */
export interface RunsViewProps {
  readonly title: string;
  readonly state: TuiState;
  readonly entries: readonly ListEntry[];
  readonly cursor: number;
  readonly width: number;
  readonly height: number;
}

/** The runs list: title, progress bar and scoreboard for an eval, one line per run. */
export function RunsView({ title, state, entries, cursor, width, height }: RunsViewProps) {
  const top: Row[] = [{ key: 'title', text: title, bold: true }];
  const bottom: Row[] = [];
  if (state.rows.length > 0) {
    const done = state.rows.filter((r) => r.outcome).length;
    const running = state.rows.filter((r) => r.state === 'running').length;
    top.push({
      key: 'progress',
      text: `${progressBar(done, state.rows.length, Math.min(width, 60))}  ${running} running`,
      color: 'cyan',
    });
    const board = scoreboard(state.rows);
    const room = Math.max(0, Math.floor(height / 3) - 1);
    if (room > 0 && board.length > 0) {
      bottom.push({
        key: 'board',
        text: 'model                 passed   refused  avg steps  tokens   cost',
        bold: true,
      });
      for (const s of board.slice(0, room)) {
        bottom.push({
          key: `board-${s.model}`,
          text: `${cutText(s.model, 20).padEnd(20)}  ${`${s.passed}/${s.done}`.padEnd(7)}  ${String(s.refused).padEnd(7)}  ${s.avgSteps.toFixed(1).padEnd(9)}  ${compactNumber(s.tokens).padEnd(7)}  ${money(s.costUsd)}`,
        });
      }
    }
  }
  const listHeight = Math.max(1, height - top.length - bottom.length);
  // Keep the cursor in view: the window starts so that the cursor sits inside it.
  const start = Math.max(0, Math.min(cursor - Math.floor(listHeight / 2), entries.length - listHeight));
  const visible = entries.slice(start, start + listHeight).map((e, i) => entryRow(e, start + i === cursor));
  if (entries.length === 0) visible.push({ key: 'empty', text: '  (no runs yet)', dim: true });
  return <Lines rows={[...top, ...visible, ...bottom].slice(0, height)} width={width} />;
}
