import { useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ApprovalQueue, PendingApproval } from '../approvals.js';
import type { TuiState } from '../state.js';
import type { TuiStore } from '../store.js';

/** The store's state, re-read after each batched flush. */
export function useTuiState(store: TuiStore): TuiState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

const noApprovals: readonly PendingApproval[] = [];
const noSubscribe = () => () => {};
const noSnapshot = () => noApprovals;

/** The calls waiting for a person (none when there is no interactive approver). */
export function usePendingApprovals(queue: ApprovalQueue | undefined): readonly PendingApproval[] {
  return useSyncExternalStore(
    queue ? queue.subscribe : noSubscribe,
    queue ? queue.getSnapshot : noSnapshot,
    queue ? queue.getSnapshot : noSnapshot,
  );
}

// Erase the whole screen and put the cursor home.
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

/**
 * Terminal columns and rows, updated on resize. A resize also clears the screen: Ink erases its
 * previous frame by counting lines, and a terminal that re-wrapped the wider frame holds more rows
 * than that, which would stay on screen as stray rows above the new frame.
 */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout, write } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read only depends on stdout
  useEffect(() => {
    const onResize = () => {
      // Through Ink, which erases its frame, writes this, then draws the frame again.
      if (stdout.isTTY) write(CLEAR_SCREEN);
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, write]);
  return size;
}

/** The clock, ticking every `ms` while `live` (for elapsed time and ETA). */
export function useNow(live: boolean, clock: () => number = Date.now, ms = 1000): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    setNow(clock());
    if (!live) return;
    const timer = setInterval(() => setNow(clock()), ms);
    return () => clearInterval(timer);
  }, [live, clock, ms]);
  return now;
}
