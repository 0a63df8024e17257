import type { PendingApproval } from '../approvals.js';
import { Lines, type Row } from './lines.js';
import { wrap } from './theme.js';

function prettyArgs(args: unknown): string {
  try {
    return JSON.stringify(args, null, 2) ?? String(args);
  } catch {
    return String(args);
  }
}

/** The rows of the approval panel, at most `height` of them. */
export function approvalRows(
  pending: readonly PendingApproval[],
  person: string,
  width: number,
  height: number,
  runLabel?: string,
): Row[] {
  const first = pending[0];
  if (!first || height < 3) return [];
  const { request, target } = first;
  const head: Row[] = [
    {
      key: 'ap-h',
      text: `Approval needed${pending.length > 1 ? ` (1 of ${pending.length})` : ''}: run ${runLabel ?? request.runId.slice(0, 12)} step ${request.step} wants to run ${request.tool}`,
      color: 'magenta',
      bold: true,
    },
  ];
  const foot: Row[] = [
    { key: 'ap-f', text: `[a] approve   [d] deny   (decided as ${person})`, color: 'magenta', bold: true },
  ];
  const room = height - head.length - foot.length;
  const detail: Row[] = [];
  detail.push({ key: 'ap-args-h', text: 'arguments:', bold: true });
  wrap(prettyArgs(request.args), width - 2).forEach((l, i) => {
    detail.push({ key: `ap-a${i}`, text: `  ${l}` });
  });
  detail.push({ key: 'ap-t-h', text: 'target now:', bold: true });
  wrap(target ?? '(the caller did not describe the target)', width - 2).forEach((l, i) => {
    detail.push({ key: `ap-t${i}`, text: `  ${l}`, dim: target === undefined });
  });
  const shown = detail.slice(0, room);
  if (detail.length > room && room > 0) shown[room - 1] = { key: 'ap-more', text: '  …', dim: true };
  return [...head, ...shown, ...foot];
}

/** The approval prompt for the oldest waiting call: tool, arguments, the target's state, keys. */
export function ApprovalPanel(props: {
  pending: readonly PendingApproval[];
  person: string;
  width: number;
  height: number;
  runLabel?: string | undefined;
}) {
  return (
    <Lines
      rows={approvalRows(props.pending, props.person, props.width, props.height, props.runLabel)}
      width={props.width}
    />
  );
}
