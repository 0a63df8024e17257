// Profiles one run of the core loop (status-run.mjs) in this fresh process, module loading excluded:
// the V8 CPU profile starts after the package is loaded and stops when the run ends.
// Usage: node bench/profile-run.mjs <steps> <memory|jsonl> <out.cpuprofile>
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore, statusHarness } from './status-run.mjs';

const [steps = '1000', kind = 'memory', out = 'run.cpuprofile'] = process.argv.slice(2);
const core = await loadCore();
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
const dir = kind === 'jsonl' ? mkdtempSync(join(tmpdir(), 'sre-prof-run-')) : undefined;
await session.post('Profiler.start');
const t0 = performance.now();
const sink = dir
  ? new core.JsonlFileSink(join(dir, 'run.jsonl'), { fsyncOnFlush: false })
  : new core.MemorySink();
await statusHarness(core, Number(steps), sink).run('is checkout healthy?');
if (dir) await sink.close();
const ms = performance.now() - t0;
const { profile } = await session.post('Profiler.stop');
if (dir) rmSync(dir, { recursive: true, force: true });
writeFileSync(out, JSON.stringify(profile));
console.log(JSON.stringify({ steps: Number(steps), kind, ms, usPerStep: (ms * 1000) / Number(steps), out }));
