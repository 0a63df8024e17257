import { runExample } from './run.js';

const { result, flags, sink } = await runExample();
for (const e of sink.events) {
  if (e.kind === 'tool_result') console.log(`ran      ${e.tool}: ${e.output}`);
  if (e.kind === 'tool_refused') console.log(`refused  ${e.tool}: ${e.detail}`);
}
console.log(`answer   ${result.answer}`);
console.log(`flags    ${JSON.stringify(flags)}`);
