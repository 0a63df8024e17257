import { Box, Static, Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { ApprovalQueue } from '../approvals.js';
import type { FinishedLine } from '../state.js';
import type { TuiStore } from '../store.js';
import { ApprovalPanel, approvalRows } from './approval-panel.js';
import { Footer } from './footer.js';
import { usePendingApprovals, useTerminalSize, useTuiState } from './hooks.js';
import { commandFor } from './keys.js';
import { listEntries, RunsView } from './runs-view.js';
import { resultRows, type TraceTab, TraceView } from './trace-view.js';

/** Props of the root component. */
export interface AppProps {
  readonly store: TuiStore;
  readonly title: string;
  readonly approvals?: ApprovalQueue | undefined;
  /** Called once when the user quits, before the UI unmounts. */
  readonly onQuit?: () => void;
}

type View = { name: 'runs' } | { name: 'run'; id: string };

/** The root component: runs list or run inspector, approval prompt on top, key help below. */
export function App({ store, title, approvals, onQuit }: AppProps) {
  const state = useTuiState(store);
  const pending = usePendingApprovals(approvals);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const [view, setView] = useState<View>({ name: 'runs' });
  const [cursor, setCursor] = useState(0);
  const [tab, setTab] = useState<TraceTab>('events');
  const [fromEnd, setFromEnd] = useState(0);
  const [resultOffset, setResultOffset] = useState(0);
  const [help, setHelp] = useState(false);
  const [quitting, setQuitting] = useState(false);

  const entries = useMemo(() => listEntries(state), [state]);
  const width = Math.max(20, columns);
  // The live region stays shorter than the terminal so Ink can always erase and redraw it.
  const liveHeight = Math.max(4, rows - 1);
  const warning = state.warnings.length > 0 ? state.warnings[state.warnings.length - 1] : undefined;
  const approvalHeight = pending.length ? Math.min(14, Math.max(5, Math.floor(liveHeight / 2))) : 0;
  const viewHeight = Math.max(2, liveHeight - approvalHeight - 1 - (warning ? 1 : 0));

  const selected = view.name === 'run' ? entries.find((e) => e.id === view.id) : undefined;
  const eventCount = selected?.run?.lines.length ?? 0;
  const resultCount =
    view.name === 'run' ? resultRows(selected?.run, selected?.row?.outcome, width).length : 0;

  useEffect(() => {
    if (!quitting) return;
    onQuit?.();
    exit();
  }, [quitting, exit, onQuit]);

  useInput((input, key) => {
    const command = commandFor(input, key);
    if (!command) return;
    const first = pending[0];
    if (first && approvals && (command === 'approve' || command === 'deny')) {
      approvals.answer(first.id, command === 'approve');
      return;
    }
    const page = Math.max(1, viewHeight - 4);
    switch (command) {
      case 'quit':
        setQuitting(true);
        return;
      case 'help':
        setHelp((h) => !h);
        return;
      case 'open':
        if (view.name === 'runs' && entries[cursor]) {
          setView({ name: 'run', id: entries[cursor].id });
          setTab('events');
          setFromEnd(0);
          setResultOffset(0);
        }
        return;
      case 'back':
        if (view.name === 'run') setView({ name: 'runs' });
        return;
      case 'tab':
        if (view.name === 'run') setTab((t) => (t === 'events' ? 'result' : 'events'));
        return;
      default:
        break;
    }
    const delta =
      command === 'up'
        ? -1
        : command === 'down'
          ? 1
          : command === 'page-up'
            ? -page
            : command === 'page-down'
              ? page
              : 0;
    if (view.name === 'runs') {
      const last = Math.max(0, entries.length - 1);
      if (command === 'top') setCursor(0);
      else if (command === 'bottom') setCursor(last);
      else if (delta) setCursor((c) => Math.max(0, Math.min(last, c + delta)));
      return;
    }
    if (tab === 'events') {
      // Up scrolls back in time; bottom returns to following the run live.
      const max = Math.max(0, eventCount - 1);
      if (command === 'top') setFromEnd(max);
      else if (command === 'bottom') setFromEnd(0);
      else if (delta) setFromEnd((f) => Math.max(0, Math.min(max, f - delta)));
    } else {
      const max = Math.max(0, resultCount - 1);
      if (command === 'top') setResultOffset(0);
      else if (command === 'bottom') setResultOffset(max);
      else if (delta) setResultOffset((o) => Math.max(0, Math.min(max, o + delta)));
    }
  });

  // The last frame before exit is empty, so quitting leaves only the permanent lines behind.
  if (quitting)
    return (
      <Static items={state.finished as FinishedLine[]}>{(f) => <Text key={f.id}>{f.text}</Text>}</Static>
    );

  const person = approvals?.person ?? '';
  return (
    <>
      <Static items={state.finished as FinishedLine[]}>
        {(f) => (
          <Text key={f.id} color={f.state === 'passed' ? 'green' : f.state === 'refused' ? 'magenta' : 'red'}>
            {f.text}
          </Text>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {approvalHeight > 0 && approvalRows(pending, person, width, approvalHeight).length > 0 ? (
          <ApprovalPanel pending={pending} person={person} width={width} height={approvalHeight} />
        ) : null}
        {view.name === 'runs' ? (
          <RunsView
            title={title}
            state={state}
            entries={entries}
            cursor={cursor}
            width={width}
            height={viewHeight}
          />
        ) : (
          <TraceView
            run={selected?.run}
            outcome={selected?.row?.outcome}
            label={
              selected?.row
                ? `${selected.row.scenario} × ${selected.row.model} #${selected.row.trial}`
                : view.id
            }
            tab={tab}
            fromEnd={fromEnd}
            resultOffset={resultOffset}
            width={width}
            height={viewHeight}
          />
        )}
        {warning ? (
          <Text color="yellow" wrap="truncate-end">
            {`warning: ${warning}`.slice(0, width)}
          </Text>
        ) : null}
        <Footer width={width} full={help} />
      </Box>
    </>
  );
}
