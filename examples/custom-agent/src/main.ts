import { runExample } from './run.js';

const { result, snapshot } = await runExample((line) => console.log(line));
console.log('');
console.log(`result: ${result.stoppedReason}, ${result.steps} steps, verified: ${result.verified}`);
for (const m of snapshot.mutations)
  console.log(`cluster change: ${m.verb} ${m.kind} ${m.namespace ?? ''}/${m.name}`);
process.exitCode = result.verified ? 0 : 1;
