import type { TraceSink } from '../trace.js';

/** Sends each event to several sinks. */
export function teeSink(...sinks: TraceSink[]): TraceSink {
  return {
    write: (e) => {
      for (const s of sinks) s.write(e);
    },
    checkpoint: (critical) => {
      for (const s of sinks) s.checkpoint?.(critical);
    },
    flush: async () => {
      for (const s of sinks) await s.flush?.();
    },
    close: async () => {
      for (const s of sinks) await s.close?.();
    },
  };
}
