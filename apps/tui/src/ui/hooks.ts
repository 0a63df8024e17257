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

/** Terminal columns and rows, updated on resize. */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read only depends on stdout
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
