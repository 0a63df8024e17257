/** A cancellation signal wired to process signals. */
export interface SignalCancellation {
  /** Aborted on the first SIGINT or SIGTERM; pass it to `harness.run(task, { signal })`. */
  readonly signal: AbortSignal;
  /** The process signal that arrived, if any. */
  received(): NodeJS.Signals | undefined;
  /** The exit code a shell expects after that signal (130 for SIGINT, 143 for SIGTERM), else undefined. */
  exitCode(): number | undefined;
  /** Removes the handlers. */
  dispose(): void;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/**
 * Turns SIGINT/SIGTERM into a cancelled run instead of a dead process: the first signal aborts the
 * returned signal, so the run ends with stoppedReason `cancelled` and writes its stop event before the
 * program exits; a second signal of the same kind exits at once, for a run that will not stop.
 */
export function cancelOnSignals(
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): SignalCancellation {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handlers = new Map<NodeJS.Signals, () => void>();
  const dispose = () => {
    for (const [sig, h] of handlers) process.off(sig, h);
    handlers.clear();
  };
  for (const sig of signals) {
    const handler = () => {
      if (received !== undefined) {
        dispose();
        process.exit(128 + (SIGNAL_NUMBERS[sig] ?? 0));
      }
      received = sig;
      controller.abort(new Error(`received ${sig}`));
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received === undefined ? undefined : 128 + (SIGNAL_NUMBERS[received] ?? 0)),
    dispose,
  };
}
