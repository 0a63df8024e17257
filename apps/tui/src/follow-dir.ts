import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parseTrace, type TraceEvent } from '@sre-harness/core';

/** Options of `followTraceFile`. */
export interface FollowOptions {
  /** How often the directory is read. Default 150 ms. */
  readonly intervalMs?: number;
  /** Problems with a line (a file that is not a trace); the line is skipped. */
  readonly onWarning?: (message: string) => void;
}

interface FileState {
  offset: number;
  partial: string;
  /** Holds back the first bytes of a character cut by a read, so no code point is split. */
  decoder: StringDecoder;
}

/** Reads what was appended to one file since the last call; whole lines only. */
function tailer(
  path: string,
  onEvents: (events: TraceEvent[]) => void,
  onWarning?: (message: string) => void,
) {
  const buffer = Buffer.alloc(1 << 16);
  let st: FileState | undefined;
  return () => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (!st || size < st.offset) {
      // New, or rewritten from the start (the runner clears a run's file before it begins).
      st = { offset: 0, partial: '', decoder: new StringDecoder('utf8') };
    }
    if (size === st.offset) return;
    let text = '';
    const fd = openSync(path, 'r');
    try {
      while (st.offset < size) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - st.offset), st.offset);
        if (n <= 0) break;
        st.offset += n;
        text += st.decoder.write(buffer.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    const all = st.partial + text;
    const cut = all.lastIndexOf('\n');
    st.partial = cut < 0 ? all : all.slice(cut + 1);
    if (cut < 0) return;
    const chunk = all.slice(0, cut + 1);
    try {
      const { events, warnings } = parseTrace(chunk, { source: path });
      for (const w of warnings) onWarning?.(w);
      if (events.length) onEvents([...events]);
    } catch {
      // One bad line must not cost the good ones around it: read this chunk line by line.
      const events: TraceEvent[] = [];
      for (const line of chunk.split('\n')) {
        if (line.trim() === '') continue;
        // A single line is its own last line, so a bad one comes back as a warning, not a throw.
        const one = parseTrace(`${line}\n`, { source: path });
        for (const e of one.events) events.push(e);
        for (const w of one.warnings) onWarning?.(w);
      }
      if (events.length) onEvents(events);
    }
  };
}

/**
 * Follows one trace file as a run appends to it, like `tail -f`: only whole lines are parsed, a line
 * still being written waits for its end. Returns `poll` (read what is new now) and `stop`.
 */
export function followTraceFile(
  path: string,
  onEvents: (events: TraceEvent[]) => void,
  options: FollowOptions = {},
): { poll: () => void; stop: () => void } {
  const poll = tailer(path, onEvents, options.onWarning);
  const timer = setInterval(poll, options.intervalMs ?? 150);
  timer.unref?.();
  return {
    poll,
    stop: () => {
      clearInterval(timer);
      poll();
    },
  };
}
