// pnpm bench: CPU cost of the UI while a trace of 100,000 events is replayed.
//   1. reducer only, the events applied in 50 ms batches as the store would;
//   2. the real Ink app rendering into a null terminal (120×40), following the run live,
//      events pushed as fast as the process can, the store batching them;
//   3. the same app fed at 10,000 events/s for 3 s: the share of one core it uses, with the
//      default 50 ms batches and with 250 ms ones.
import { Readable, Writable } from 'node:stream';
import type { TraceEvent } from '@sre-harness/core';
import { withoutCiEnv } from '../src/mode.js';
import { initialState, reduce } from '../src/state.js';
import { TuiStore } from '../src/store.js';
import { initialNav } from '../src/ui/nav.js';
import { syntheticTrace } from '../test/synthetic-trace.js';

const TOTAL = 100_000;
const events = syntheticTrace(TOTAL, 4);

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

class NullTerminal extends Writable {
  isTTY = true;
  columns = 120;
  rows = 40;
  bytes = 0;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

class IdleKeyboard extends Readable {
  isTTY = true;
  override _read(): void {}
  setRawMode(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function reducerOnly(): void {
  const batch = 500; // 10,000 events/s arriving in 50 ms flushes
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let state = initialState;
  for (let i = 0; i < events.length; i += batch) {
    state = reduce(state, { type: 'events', events: events.slice(i, i + batch) });
  }
  const wall = performance.now() - t0;
  const used = cpuMs(cpu);
  console.log(
    `reducer only:      ${TOTAL} events, ${state.runOrder.length} runs, cpu ${used.toFixed(0)} ms, wall ${wall.toFixed(0)} ms, ${Math.round(TOTAL / (wall / 1000)).toLocaleString('en')} events/s`,
  );
}

async function mountApp(flushMs = 50) {
  const restore = withoutCiEnv();
  const [{ render }, { App }, React] = await Promise.all([
    import('ink'),
    import('../src/ui/app.js'),
    import('react'),
  ]);
  restore();
  const store = new TuiStore({ flushMs });
  const stdout = new NullTerminal();
  const stdin = new IdleKeyboard();
  const instance = render(
    React.createElement(App, {
      store,
      title: 'bench',
      initialNav: { ...initialNav, view: 'run', openId: 'run-0' },
    }),
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      patchConsole: false,
      exitOnCtrlC: false,
      maxFps: 30,
    },
  );
  return { store, stdout, instance };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

async function fullSpeed(): Promise<void> {
  const { store, stdout, instance } = await mountApp();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const chunk = 1000;
  for (let i = 0; i < events.length; i += chunk) {
    for (const e of events.slice(i, i + chunk)) store.push(e as TraceEvent);
    await tick();
  }
  store.flush();
  await new Promise((r) => setTimeout(r, 100));
  const wall = performance.now() - t0;
  const used = cpuMs(cpu);
  console.log(
    `ink, full speed:   ${TOTAL} events, cpu ${used.toFixed(0)} ms, wall ${wall.toFixed(0)} ms, ${Math.round(TOTAL / (wall / 1000)).toLocaleString('en')} events/s, ${(stdout.bytes / 1024).toFixed(0)} KiB drawn, final state ${store.getSnapshot().eventCount} events`,
  );
  instance.unmount();
}

async function realTime(flushMs = 50): Promise<void> {
  const { store, stdout, instance } = await mountApp(flushMs);
  const rate = 10_000;
  const seconds = 3;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  const n = rate * seconds;
  while (sent < n) {
    const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * rate));
    for (; sent < due; sent++) store.push(events[sent % events.length] as TraceEvent);
    await new Promise((r) => setTimeout(r, 5));
  }
  store.flush();
  await new Promise((r) => setTimeout(r, 100));
  const wall = performance.now() - t0;
  const used = cpuMs(cpu);
  console.log(
    `ink, 10k events/s, ${flushMs} ms batches: ${sent} events in ${(wall / 1000).toFixed(1)} s, cpu ${used.toFixed(0)} ms = ${((used / wall) * 100).toFixed(0)}% of one core, ${(stdout.bytes / 1024).toFixed(0)} KiB drawn`,
  );
  instance.unmount();
}

console.log(`node ${process.version}, replaying a synthetic trace of ${TOTAL} events over 4 runs`);
reducerOnly();
await fullSpeed();
await realTime();
// The same feed with slower batches: what the per-frame render costs, by difference.
await realTime(250);
