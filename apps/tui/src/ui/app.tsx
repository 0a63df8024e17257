import { Box, Static, Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { ApprovalQueue } from '../approvals.js';
import type { FinishedLine } from '../state.js';
import type { TuiStore } from '../store.js';
import { ApprovalPanel, approvalRows } from './approval-panel.js';
import { Footer } from './footer.js';
import { usePendingApprovals, useTerminalSize, useTuiState } from './hooks.js';
import { commandsFor } from './keys.js';
import { initialNav, type NavContext, type NavState, navigate } from './nav.js';
import { listEntries, RunsView } from './runs-view.js';
import { eventRowsFor, resultRows, TraceView } from './trace-view.js';

/** Props of the root component. */
export interface AppProps {
  readonly store: TuiStore;
  readonly title: string;
  readonly approvals?: ApprovalQueue | undefined;
  /** Called once when the user quits, before the UI unmounts. */
  readonly onQuit?: (() => void) | undefined;
  /** Where to start (default: the runs list); the benchmark opens a run straight away. */
  readonly initialNav?: NavState;
}

/** The root component: runs list or run inspector, approval prompt on top, key help below. */
export function App({ store, title, approvals, onQuit, initialNav: startNav }: AppProps) {
  const state = useTuiState(store);
  const pending = usePendingApprovals(approvals);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const [nav, setNav] = useState<NavState>(startNav ?? initialNav);

  const entries = useMemo(() => listEntries(state), [state]);
  const width = Math.max(20, columns);
  // The live region stays shorter than the terminal so Ink can always erase and redraw it.
  const liveHeight = Math.max(4, rows - 1);
  const warning = state.warnings.length > 0 ? state.warnings[state.warnings.length - 1] : undefined;
  const approvalHeight = pending.length ? Math.min(14, Math.max(5, Math.floor(liveHeight / 2))) : 0;
  const viewHeight = Math.max(2, liveHeight - approvalHeight - 1 - (warning ? 1 : 0));
  const selected = nav.view === 'run' ? entries.find((e) => e.id === nav.openId) : undefined;
  const runningAt = nav.follow
    ? entries.findIndex((e) => (e.row ? e.row.state === 'running' : e.run?.status === 'running'))
    : -1;
  const cursor = runningAt >= 0 ? runningAt : nav.cursor;
  const quitting = nav.quitting;

  useEffect(() => {
    if (!quitting) return;
    onQuit?.();
    exit();
  }, [quitting, exit, onQuit]);

  useInput((input, key) => {
    const commands = commandsFor(input, key);
    if (commands.length === 0) return;
    const ctx: NavContext = {
      ids: entries.map((e) => e.id),
      sizes: (id) => {
        const e = entries.find((x) => x.id === id);
        return {
          events: e?.run?.lines.length ?? 0,
          result: resultRows(e?.run, e?.row?.outcome, width).length,
        };
      },
      page: Math.max(1, viewHeight - 4),
      room: eventRowsFor(viewHeight),
    };
    let next = nav.cursor === cursor ? nav : { ...nav, cursor };
    let answered = false;
    for (const command of commands) {
      const first = pending[0];
      if ((command === 'approve' || command === 'deny') && first && approvals && !answered) {
        // One answer per keypress batch: the next request must be seen before it is answered.
        approvals.answer(first.id, command === 'approve');
        answered = true;
        continue;
      }
      next = navigate(next, command, ctx);
    }
    if (next !== nav) setNav(next);
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
          <ApprovalPanel
            pending={pending}
            person={person}
            width={width}
            height={approvalHeight}
            runLabel={pending[0] ? state.runs[pending[0].request.runId]?.label : undefined}
          />
        ) : null}
        {nav.view === 'runs' ? (
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
                : (nav.openId ?? '')
            }
            tab={nav.tab}
            scrollEnd={nav.scrollEnd}
            resultOffset={nav.resultOffset}
            width={width}
            height={viewHeight}
          />
        )}
        {warning ? (
          <Text color="yellow" wrap="truncate-end">
            {`warning: ${warning}`.slice(0, width)}
          </Text>
        ) : null}
        <Footer width={width} full={nav.help} />
      </Box>
    </>
  );
}
