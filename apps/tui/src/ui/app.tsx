import { Box, Static, useApp, useInput } from 'ink';
import { type ReactNode, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ApprovalQueue } from '../approvals.js';
import type { TraceLine } from '../format.js';
import { safeLine } from '../safe-text.js';
import type { FinishedLine } from '../state.js';
import type { TuiStore } from '../store.js';
import { ApprovalPanel, approvalLayout, scrollApproval } from './approval-panel.js';
import { type EntryView, entryView, listEntries, matches, STATE_COLOR, sortViews } from './entries.js';
import { detailRoom, EventView, eventDetailRows } from './event-view.js';
import { Footer, type FooterContext } from './footer.js';
import { HelpView } from './help-view.js';
import { useNow, usePendingApprovals, useTerminalSize, useTuiState } from './hooks.js';
import { commandsFor } from './keys.js';
import { SafeText } from './lines.js';
import {
  editFilter,
  eventWindow,
  indexOfSeq,
  initialNav,
  type NavContext,
  type NavState,
  navigate,
} from './nav.js';
import { RunsView } from './runs-view.js';
import { fit } from './theme.js';
import {
  type EventWindow,
  eventRowsFor,
  lineMatches,
  type RunSummary,
  resultRows,
  TraceView,
} from './trace-view.js';

/** Props of the root component. */
export interface AppProps {
  readonly store: TuiStore;
  readonly title: string;
  readonly approvals?: ApprovalQueue | undefined;
  /** Called once when the user quits, before the UI unmounts. */
  readonly onQuit?: (() => void) | undefined;
  /** Where to start (default: the runs list); the benchmark opens a run straight away. */
  readonly initialNav?: NavState;
  /** The clock for elapsed time and ETA (tests pin it). */
  readonly clock?: () => number;
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
// Rows the view under a waiting call keeps: its title, a line of it, the footer.
const VIEW_UNDER_PANEL = 4;

/** The line of the run's events with this seq, if it is still kept. */
function lineBySeq(lines: readonly TraceLine[], seq: number | undefined): TraceLine | undefined {
  if (seq === undefined) return undefined;
  const line = lines[indexOfSeq(lines, seq)];
  return line?.seq === seq ? line : lines.find((l) => l.seq === seq);
}

/**
 * The root component: runs list, run inspector or one event, the approval prompt on top, key
 * hints below, every key in the help (`?`).
 */
export function App({ store, title, approvals, onQuit, initialNav: startNav, clock }: AppProps) {
  const state = useTuiState(store);
  const pending = usePendingApprovals(approvals);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const [nav, setNavState] = useState<NavState>(startNav ?? initialNav);
  // Read and written by the key handler directly, so keys that arrive before the next render
  // each build on the one before instead of all starting from the same stale state.
  const navRef = useRef(nav);
  navRef.current = nav;
  const setNav = (next: NavState) => {
    navRef.current = next;
    setNavState(next);
  };
  const panelRef = useRef<PanelState>({ id: -1, offset: 0, seenEnd: false });
  const [, redraw] = useReducer((n: number) => n + 1, 0);

  const live = state.startedAt !== undefined && state.rows.some((r) => !r.outcome);
  const now = useNow(live, clock);
  const entries = useMemo(() => listEntries(state), [state]);
  const allViews = useMemo(() => entries.map((e, i) => entryView(e, i, now)), [entries, now]);
  const views = useMemo(
    () =>
      sortViews(
        allViews.filter((v) => matches(v, nav.filter)),
        nav.sort,
        nav.sortDesc,
      ),
    [allViews, nav.filter, nav.sort, nav.sortDesc],
  );
  const width = Math.max(20, columns);
  // The live region stays shorter than the terminal so Ink can always erase and redraw it.
  const liveHeight = Math.max(4, rows - 1);
  const warning = state.warnings.length > 0 ? state.warnings[state.warnings.length - 1] : undefined;
  // A waiting call takes what it needs, up to all but the few rows of the view below it.
  const approvalHeight = pending.length ? Math.max(5, liveHeight - VIEW_UNDER_PANEL - (warning ? 1 : 0)) : 0;

  // Runs list: until the person moves, ride on the run in flight, else the one that last ended.
  const clampCursor = (n: number) => Math.max(0, Math.min(n, views.length - 1));
  let cursor = clampCursor(nav.cursor);
  if (nav.follow) {
    const running = views.findIndex((v) => v.state === 'running');
    const active = views.findIndex((v) => v.id === state.lastActive);
    cursor = running >= 0 ? running : active >= 0 ? active : cursor;
  } else if (nav.selectedId !== undefined) {
    const at = views.findIndex((v) => v.id === nav.selectedId);
    if (at >= 0) cursor = at;
  }

  const openEntry = nav.openId === undefined ? undefined : entries.find((e) => e.id === nav.openId);
  const openView: EntryView | undefined =
    nav.openId === undefined ? undefined : allViews.find((v) => v.id === nav.openId);
  const openRun = openEntry?.run;
  const eventLines = useMemo(
    () =>
      openRun
        ? nav.eventFilter
          ? openRun.lines.filter((l) => lineMatches(l, nav.eventFilter))
          : openRun.lines
        : [],
    [openRun, nav.eventFilter],
  );
  const openSummary = useMemo<RunSummary | undefined>(() => {
    if (!openRun) return undefined;
    const { lines: _lines, ...summary } = openRun;
    return summary;
  }, [openRun]);
  const detailLine = nav.view === 'event' && openRun ? lineBySeq(openRun.lines, nav.detailSeq) : undefined;
  const detailSize = useMemo(
    () => (detailLine ? eventDetailRows(detailLine, width).length : 0),
    [detailLine, width],
  );

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
  // The events on screen: the window is all the inspector gets of them.
  const eventRoom = eventRowsFor(viewHeight);
  const { sel: eventSel, top: eventTop } = eventWindow(eventLines, nav, eventRoom);
  const eventWin: EventWindow = {
    rows: eventLines.slice(eventTop, eventTop + eventRoom),
    top: eventTop,
    sel: eventSel,
    total: eventLines.length,
  };

  useEffect(() => {
    if (!quitting) return;
    onQuit?.();
    exit();
  }, [quitting, exit, onQuit]);

  useInput((input, key) => {
    const base = navRef.current;
    if (base.typing) {
      const edited = editFilter(base, input, key);
      if (edited) {
        setNav(edited);
        return;
      }
    }
    const commands = commandsFor(input, key);
    if (commands.length === 0) return;
    const ctx: NavContext = {
      ids: views.map((v) => v.id),
      failed: (id) => views.find((v) => v.id === id)?.failure ?? false,
      events: () => eventLines,
      resultSize: (id) => {
        const e = entries.find((x) => x.id === id);
        return resultRows(e?.run, e?.row?.outcome, width).length;
      },
      detailSize,
      page: Math.max(1, viewHeight - 4),
      room: base.view === 'event' ? detailRoom(viewHeight) : eventRowsFor(viewHeight),
    };
    let next = base.cursor === cursor ? base : { ...base, cursor };
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
    if (next !== base) setNav(next);
  });

  // The last frame before exit is empty, so quitting leaves only the permanent lines behind.
  if (quitting)
    return (
      <Static items={state.finished as FinishedLine[]}>
        {(f) => <SafeText key={f.id}>{f.text}</SafeText>}
      </Static>
    );

  const label = openEntry?.row
    ? `${openEntry.row.scenario} × ${openEntry.row.model} #${openEntry.row.trial}`
    : (openRun?.label ?? nav.openId ?? '');
  const context: FooterContext = nav.help
    ? 'help'
    : nav.typing
      ? 'typing'
      : nav.view === 'runs'
        ? 'runs'
        : nav.view === 'event'
          ? 'event'
          : nav.tab;
  let body: ReactNode;
  if (nav.help) body = <HelpView width={width} height={viewHeight} />;
  else if (nav.view === 'runs') {
    body = (
      <RunsView
        title={title}
        state={state}
        views={views}
        total={allViews.length}
        cursor={cursor}
        width={width}
        height={viewHeight}
        filter={nav.filter}
        typing={nav.typing}
        sort={nav.sort}
        sortDesc={nav.sortDesc}
        now={now}
      />
    );
  } else if (nav.view === 'event') {
    body = (
      <EventView
        label={label}
        line={detailLine}
        offset={nav.detailOffset}
        width={width}
        height={viewHeight}
      />
    );
  } else {
    const runId = openEntry?.row?.runId ?? openEntry?.row?.outcome?.runId;
    body = (
      <TraceView
        run={openSummary}
        outcome={openEntry?.row?.outcome}
        entry={openView}
        label={label}
        note={runId ? state.traceNotes[runId] : undefined}
        window={eventWin}
        kept={openRun?.lines.length ?? 0}
        nav={nav}
        width={width}
        height={viewHeight}
      />
    );
  }

  return (
    <>
      <Static items={state.finished as FinishedLine[]}>
        {(f) => (
          <SafeText key={f.id} color={STATE_COLOR[f.state]}>
            {f.text}
          </SafeText>
        )}
      </Static>
      {/* No fixed width: while a resize is redrawn, Ink cuts the lines of the old frame to the new
          terminal width instead of letting the terminal wrap them into extra rows. */}
      <Box flexDirection="column">
        {layout.rows.length > 0 ? <ApprovalPanel layout={layout} width={width} /> : null}
        {body}
        {warning ? (
          <SafeText color="yellow" wrap="truncate-end">
            {fit(safeLine(`warning: ${warning}`), width)}
          </SafeText>
        ) : null}
        <Footer width={width} context={context} />
      </Box>
    </>
  );
}
