// Regenerates src/__fixtures__/demo.jsonl (and its killed-run twin) from the demo runs:
// pnpm exec tsx --conditions=@sre-harness/source apps/tui/test/make-fixture.ts
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { callbackApprover, denyAll, JsonlFileSink } from '@sre-harness/core';
import { runDemo } from '../src/demo.js';

const dir = fileURLToPath(new URL('../src/__fixtures__/', import.meta.url));
const path = `${dir}demo.jsonl`;
rmSync(path, { force: true });
const sink = new JsonlFileSink(path, { fsyncOnFlush: false });
await runDemo({ trace: sink, approver: callbackApprover(() => true, 'fixture-approver') });
await runDemo({ trace: sink, approver: denyAll('fixture-policy'), trial: 1 });
sink.close();
const text = readFileSync(path, 'utf8');
// A killed run leaves a cut-off last line; keep a copy with one.
writeFileSync(`${dir}killed.jsonl`, `${text}${text.split('\n')[0]!.slice(0, 37)}`);
console.log(`wrote ${text.split('\n').length - 1} events`);
