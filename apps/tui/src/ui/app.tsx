import { Box, Static, useApp, useInput } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ApprovalQueue } from '../approvals.js';
import { safeLine } from '../safe-text.js';
import type { FinishedLine } from '../state.js';
import type { TuiStore } from '../store.js';
import { ApprovalPanel, approvalLayout, scrollApproval } from './approval-panel.js';
import { Footer } from './footer.js';
import { usePendingApprovals, useTerminalSize, useTuiState } from './hooks.js';
import { commandsFor } from './keys.js';
import { SafeText } from './lines.js';
import { initialNav, type NavContext, type NavState, navigate } from './nav.js';
import { listEntries, RunsView } from './runs-view.js';
import { fit } from './theme.js';
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

/** Where the person is in the approval panel of one waiting call. */
interface PanelState {
  /** The waiting call this is about; another call starts at the top again. */
  readonly id: number;
  readonly offset: number;
  /** The last line of the call has been on screen. */
  readonly seenEnd: boolean;
  readonly notice?: string | undefined;
}

const MUST_READ = 'scroll to the end of the call (G) before approving; [d] denies now';

/** The root component: runs list or run inspector, approval prompt on top, key help below. */
export function App({ store, title, approvals, onQuit, initialNav: startNav }: AppProps) {
  const state = useTuiState(store);
  const pending = usePendingApprovals(approvals);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const [nav, setNav] = useState<NavState>(startNav ?? initialNav);
  // Read and written by the key handler directly, so keys that arrive before the next render
  // (a held-down arrow) each move the panel instead of all starting from the same stale offset.
  const panelRef = useRef<PanelState>({ id: -1, offset: 0, seenEnd: false });
  const [, redraw] = useReducer((n: number) => n + 1, 0);

  const entries = useMemo(() => listEntries(state), [state]);
  const width = Math.max(20, columns);
  // The live region stays shorter than the terminal so Ink can always erase and redraw it.
  const liveHeight = Math.max(4, rows - 1);
  const warning = state.warnings.length > 0 ? state.warnings[state.warnings.length - 1] : undefined;
  // A waiting call takes what it needs, up to all but a few lines of the view below it.
  const approvalHeight = pending.length ? Math.max(5, liveHeight - 8) : 0;
  const selected = nav.view === 'run' ? entries.find((e) => e.id === nav.openId) : undefined;
  const runningAt = nav.follow
    ? entries.findIndex((e) => (e.row ? e.row.state === 'running' : e.run?.status === 'running'))
    : -1;
  const cursor = runningAt >= 0 ? runningAt : nav.cursor;
  const quitting = nav.quitting;
  const person = approvals?.person ?? '';
  const asked = pending[0];
  const panelOf = (saved: PanelState): PanelState =>
    asked && saved.id === asked.id ? saved : { id: asked?.id ?? -1, offset: 0, seenEnd: false };
  const panel = panelOf(panelRef.current);
  const layout = approvalLayout(
    pending,
    person,
    width,
    approvalHeight,
    panel.offset,
    asked ? state.runs[asked.request.runId]?.label : undefined,
    panel.notice,
  );
  const viewHeight = Math.max(2, liveHeight - layout.rows.length - 1 - (warning ? 1 : 0));

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
    const before = panelOf(panelRef.current);
    let nextPanel = before;
    let answered = false;
    const overflowing = layout.total > layout.room;
    for (const command of commands) {
      if ((command === 'approve' || command === 'deny') && asked && approvals && !answered) {
        // What a person approves is the exact call: all of it must have been on screen.
        if (command === 'approve' && overflowing && !nextPanel.seenEnd) {
          nextPanel = { ...nextPanel, notice: MUST_READ };
          continue;
        }
        // One answer per keypress batch: the next request must be seen before it is answered.
        approvals.answer(asked.id, command === 'approve');
        answered = true;
        continue;
      }
      // While a call longer than the panel waits, the movement keys scroll it.
      const offset =
        asked && !answered && overflowing
          ? scrollApproval(nextPanel.offset, command, layout.total, layout.room)
          : undefined;
      if (offset !== undefined) {
        nextPanel = {
          ...nextPanel,
          offset,
          seenEnd: nextPanel.seenEnd || offset + layout.room >= layout.total,
          notice: undefined,
        };
        continue;
      }
      next = navigate(next, command, ctx);
    }
    if (nextPanel !== before) {
      panelRef.current = nextPanel;
      redraw();
    }
    if (next !== nav) setNav(next);
  });

  // The last frame before exit is empty, so quitting leaves only the permanent lines behind.
  if (quitting)
    return (
      <Static items={state.finished as FinishedLine[]}>
        {(f) => <SafeText key={f.id}>{f.text}</SafeText>}
      </Static>
    );

  return (
    <>
      <Static items={state.finished as FinishedLine[]}>
        {(f) => (
          <SafeText
            key={f.id}
            color={f.state === 'passed' ? 'green' : f.state === 'refused' ? 'magenta' : 'red'}
          >
            {f.text}
          </SafeText>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        {layout.rows.length > 0 ? <ApprovalPanel layout={layout} width={width} /> : null}
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
          <SafeText color="yellow" wrap="truncate-end">
            {fit(safeLine(`warning: ${warning}`), width)}
          </SafeText>
        ) : null}
        <Footer width={width} full={nav.help} />
      </Box>
    </>
  );
}
