import type { PendingApproval } from '../approvals.js';
import { shortRunId } from '../format.js';
import type { KeyCommand } from './keys.js';
import { Lines, type Row } from './lines.js';
import { hangingWrap, wrap } from './theme.js';

/** Every line of the exact call a person is asked about: tool, argsHash, arguments, target. */
export function approvalDetail(item: PendingApproval, width: number): Row[] {
  const { request, args, target } = item;
  const inner = Math.max(1, width - 2);
  const detail: Row[] = [];
  const field = (key: string, label: string, text: string) => {
    hangingWrap(label, text, width, 2).forEach((l, i) => {
      detail.push({ key: `${key}${i}`, text: l });
    });
  };
  field('ap-tool', 'tool: ', request.tool);
  field('ap-hash', 'argsHash: ', request.argsHash);
  detail.push({ key: 'ap-args-h', text: 'arguments:', bold: true });
  wrap(args, inner).forEach((l, i) => {
    detail.push({ key: `ap-a${i}`, text: `  ${l}` });
  });
  detail.push({ key: 'ap-t-h', text: 'target now:', bold: true });
  wrap(target ?? '(the caller did not describe the target)', inner).forEach((l, i) => {
    detail.push({ key: `ap-t${i}`, text: `  ${l}`, dim: target === undefined });
  });
  return detail;
}

/** How many detail lines fit in a panel of `height` rows that overflows (head, position, keys). */
export function approvalRoom(height: number, headRows = 1): number {
  return Math.max(1, height - headRows - 2);
}

/** The first detail line shown, kept so the last page is full. */
export function clampApprovalOffset(offset: number, total: number, room: number): number {
  return Math.max(0, Math.min(offset, total - room));
}

/**
 * Applies a movement key to the panel's scroll offset; undefined for keys that do not scroll it.
 * Pure, like `navigate`, so several keys in one chunk apply in order.
 */
export function scrollApproval(
  offset: number,
  command: KeyCommand,
  total: number,
  room: number,
): number | undefined {
  const page = Math.max(1, room - 1);
  const moves: Partial<Record<KeyCommand, number>> = {
    up: offset - 1,
    down: offset + 1,
    'page-up': offset - page,
    'page-down': offset + page,
    top: 0,
    bottom: total,
  };
  const to = moves[command];
  return to === undefined ? undefined : clampApprovalOffset(to, total, room);
}

/** What the panel shows: its rows, and whether the person has been shown every line yet. */
export interface ApprovalLayout {
  readonly rows: Row[];
  /** Lines of the call in all, the first one shown, and how many are shown at once. */
  readonly total: number;
  readonly offset: number;
  readonly room: number;
  /** True when the last line of the call is on screen. */
  readonly atEnd: boolean;
}

/**
 * The approval panel, at most `height` rows: a head naming the run and tool, the exact call
 * (scrolled to `offset` when it is longer than the panel, with its position shown), the keys.
 */
export function approvalLayout(
  pending: readonly PendingApproval[],
  person: string,
  width: number,
  height: number,
  offset = 0,
  runLabel?: string,
  notice?: string,
): ApprovalLayout {
  const first = pending[0];
  if (!first || height < 4) return { rows: [], total: 0, offset: 0, room: 0, atEnd: true };
  const { request } = first;
  // The head names the run and the tool in full: wrapped, never cut.
  const head: Row[] = wrap(
    `Approval needed${pending.length > 1 ? ` (1 of ${pending.length})` : ''}: run ${runLabel ?? shortRunId(request.runId, 12)} step ${request.step} wants to run ${request.tool}`,
    width,
  ).map((text, i) => ({ key: `ap-h${i}`, text, color: 'magenta', bold: true }));
  const keys: Row = {
    key: 'ap-f',
    text: notice ?? `[a] approve   [d] deny   (decided as ${person})`,
    color: notice ? 'yellow' : 'magenta',
    bold: true,
  };
  const detail = approvalDetail(first, width);
  const total = detail.length;
  if (total <= height - head.length - 1) {
    return { rows: [...head, ...detail, keys], total, offset: 0, room: total, atEnd: true };
  }
  // Longer than the panel: a window on the call, and a line saying where it is and how to move.
  const room = approvalRoom(height, head.length);
  const from = clampApprovalOffset(offset, total, room);
  const to = from + room;
  const atEnd = to >= total;
  const position: Row = {
    key: 'ap-pos',
    text: `── lines ${from + 1}–${to} of ${total}${atEnd ? ' (end)' : `, ${total - to} more below`} · ↑/↓ j/k PgUp/PgDn g/G scroll ──`,
    color: 'cyan',
  };
  return { rows: [...head, ...detail.slice(from, to), position, keys], total, offset: from, room, atEnd };
}

/** The approval prompt for the oldest waiting call: the exact call, scrollable, and the keys. */
export function ApprovalPanel(props: { layout: ApprovalLayout; width: number }) {
  return <Lines rows={props.layout.rows} width={props.width} />;
}
