import { runExample } from './run.js';

const { grounded, invented, context } = await runExample();
for (const [label, run] of [
  ['grounded answer', grounded],
  ['invented answer', invented],
] as const) {
  for (const v of run.verifications)
    console.log(`${label}: ${v.name} ${v.passed ? 'PASS' : 'FAIL'} (${v.detail})`);
}
console.log('\ncontext the model saw on its last step:\n' + context);
