import type { StoppedReason, TraceEvent } from './trace.js';

/** What a verifier sees after a run: the answer, the task and the run's whole trace. */
export interface VerifyInput {
  readonly task: string;
  readonly answer: string | null;
  readonly trace: readonly TraceEvent[];
  readonly runId: string;
  readonly stoppedReason: StoppedReason;
}

/** A verifier's finding; `detail` says what a person should look at, not just pass or fail. */
export interface Verification {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** The verification port: checks an answer against what actually happened. */
export interface Verifier {
  readonly name: string;
  verify(input: VerifyInput, ctx: { signal: AbortSignal }): Verification | Promise<Verification>;
}
