// A harness module as a user of the published packages writes it, loaded by the published
// `sre-eval run --harness mine=./harness/harness.config.ts` without a build step.
import type { Verifier } from '@sre-harness/core';
import { defineHarnessConfig } from '@sre-harness/eval';
import { summarizingMemory } from '@sre-harness/memory-summarizer';

const namesTheNamespace: Verifier = {
  name: 'names_the_namespace',
  verify: ({ answer }) => ({
    name: 'names_the_namespace',
    passed: typeof answer === 'string' && /namespace \S+/.test(answer),
    detail: 'the answer says which namespace it looked at',
  }),
};

export default defineHarnessConfig({
  name: 'mine',
  memory: summarizingMemory({ maxTokens: 4000 }),
  verifiers: () => [namesTheNamespace],
  guardrails: { maxSteps: 16 },
});
