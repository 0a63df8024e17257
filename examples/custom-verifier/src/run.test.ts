import { describeMemoryConformance, describeVerifierConformance } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { DedupeMemory } from './dedupe-memory.js';
import { numbersGrounded } from './numbers-grounded.js';
import { runExample } from './run.js';

describe('custom verifier example', () => {
  it('passes the grounded answer and fails the one that invents numbers, saying which', async () => {
    const { grounded, invented } = await runExample();
    expect(grounded.verified).toBe(true);
    expect(invented.verified).toBe(false);
    expect(invented.verifications[0]?.detail).toContain('256Mi, 1Gi');
  });

  it('the memory folds a repeated output into a reference and says so in the trace', async () => {
    const { grounded, context } = await runExample();
    expect(context.match(/limit 512Mi/g)).toHaveLength(1);
    expect(context).toContain('same output as step 1');
    expect(grounded.trace.filter((e) => e.kind === 'memory_compacted')).toHaveLength(1);
  });
});

// The core's conformance kits check the contracts every Memory and Verifier must keep.
describeMemoryConformance('DedupeMemory', () => new DedupeMemory({ keep: 20 }), { describe, it });
describeVerifierConformance('numbersGrounded', () => numbersGrounded(), { describe, it });
