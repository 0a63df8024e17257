import { callHash } from './canonical.js';
import { LINE_HASH_SUFFIX, lineHash } from './trace.js';

/** One problem found in a trace file, at a 1-based line. */
export interface TraceProblem {
  readonly line: number;
  readonly message: string;
}

/** What `verifyTrace` found. `ok` is false when any problem was found; the first one is the one to read. */
export interface TraceVerification {
  readonly ok: boolean;
  readonly lines: number;
  readonly runs: number;
  readonly mutations: number;
  readonly problems: readonly TraceProblem[];
  /** Tolerated oddities: a cut-off last line, a run with no stop event (a killed run). */
  readonly warnings: readonly TraceProblem[];
}

interface RunState {
  nextSeq: number;
  mutating: Set<string>;
  requested: Map<string, { args: unknown; line: number }>;
  approvals: Map<string, { granted: boolean; argsHash: string; tool: string; line: number }[]>;
  stopped: boolean;
  firstLine: number;
}

/**
 * Checks a JSONL trace as written by `JsonlFileSink`: the hash chain (each line's own hash and its
 * link to the line before, so an edited, deleted or reordered line is caught where it happened), seq
 * continuity within each run, and that every mutating call that ran had a granted approval for the
 * same tool and arguments before it ran.
 */
export function verifyTrace(text: string): TraceVerification {
  const problems: TraceProblem[] = [];
  const warnings: TraceProblem[] = [];
  const rawLines = text.split('\n');
  while (rawLines.length > 0 && rawLines.at(-1) === '') rawLines.pop();
  const runs = new Map<string, RunState>();
  let prevHash: string | null = null;
  let mutations = 0;

  for (let i = 0; i < rawLines.length; i++) {
    const lineNo = i + 1;
    const raw = rawLines[i]!;
    const isLast = i === rawLines.length - 1;
    let event: { prev?: unknown; hash?: unknown };
    try {
      event = JSON.parse(raw);
      if (typeof event !== 'object' || event === null || Array.isArray(event))
        throw new Error('not an object');
    } catch {
      if (isLast) {
        warnings.push({
          line: lineNo,
          message: 'the last line is cut off (a run killed while writing); ignored',
        });
        break;
      }
      problems.push({ line: lineNo, message: 'not a JSON object' });
      prevHash = null;
      continue;
    }

    // The chain: this line's own hash, then its link to the line before.
    const suffix = LINE_HASH_SUFFIX.exec(raw);
    if (!suffix) {
      problems.push({
        line: lineNo,
        message: 'carries no hash (not written by a chained trace sink, or altered)',
      });
    } else {
      const own = lineHash(raw.slice(0, suffix.index));
      if (own !== suffix[1])
        problems.push({ line: lineNo, message: 'content does not match its hash: the line was edited' });
      else if (event.prev !== prevHash) {
        problems.push({
          line: lineNo,
          message:
            i === 0
              ? 'the first line links to a line before it: lines were removed from the start'
              : `does not follow line ${lineNo - 1}: a line was deleted, inserted or moved here`,
        });
      }
    }
    prevHash = typeof event.hash === 'string' ? event.hash : null;

    // Envelope and seq continuity within the run.
    const { runId, seq, kind } = event as { runId?: unknown; seq?: unknown; kind?: unknown };
    if (typeof runId !== 'string' || typeof seq !== 'number' || typeof kind !== 'string') {
      problems.push({ line: lineNo, message: 'not a trace event (runId, seq and kind are required)' });
      continue;
    }
    let run = runs.get(runId);
    if (!run) {
      run = {
        nextSeq: 0,
        mutating: new Set(),
        requested: new Map(),
        approvals: new Map(),
        stopped: false,
        firstLine: lineNo,
      };
      runs.set(runId, run);
    }
    if (seq !== run.nextSeq) {
      problems.push({ line: lineNo, message: `run ${runId}: seq ${seq} where ${run.nextSeq} was expected` });
    }
    run.nextSeq = seq + 1;

    // Approvals and mutations; fields are checked, because the file is outside data.
    const e = event as Record<string, unknown>;
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const callId = str(e.callId);
    const tool = str(e.tool);
    if (kind === 'run_start' && Array.isArray(e.tools)) {
      for (const t of e.tools as unknown[]) {
        const name = str((t as { name?: unknown } | null)?.name);
        if (name && (t as { mutating?: unknown }).mutating === true) run.mutating.add(name);
      }
    }
    if (kind === 'tool_call' && tool && e.mutating === true) run.mutating.add(tool);
    if (kind === 'approval_requested' && callId) run.requested.set(callId, { args: e.args, line: lineNo });
    if (kind === 'approval' && callId) {
      const list = run.approvals.get(callId) ?? [];
      list.push({
        granted: e.granted === true,
        argsHash: str(e.argsHash) ?? '',
        tool: tool ?? '',
        line: lineNo,
      });
      run.approvals.set(callId, list);
    }
    if (kind === 'stop') run.stopped = true;
    if ((kind === 'tool_result' || kind === 'tool_error') && tool && run.mutating.has(tool)) {
      const granted = (run.approvals.get(callId ?? '') ?? []).filter((a) => a.granted);
      if (kind === 'tool_error' && e.reason === 'cancelled' && granted.length === 0) continue;
      mutations++;
      const requested = run.requested.get(callId ?? '');
      if (granted.length !== 1) {
        problems.push({
          line: lineNo,
          message:
            granted.length === 0
              ? `mutating call ${callId} (${tool}) ran without a granted approval`
              : `mutating call ${callId} (${tool}) has ${granted.length} approvals; an approval is for one call`,
        });
      } else if (
        !requested ||
        granted[0]!.tool !== tool ||
        callHash(tool, requested.args) !== granted[0]!.argsHash
      ) {
        problems.push({
          line: lineNo,
          message: `mutating call ${callId} (${tool}) ran, but its approval (line ${granted[0]!.line}) is for another tool or other arguments`,
        });
      }
    }
  }
  for (const [runId, run] of runs) {
    if (!run.stopped)
      warnings.push({
        line: run.firstLine,
        message: `run ${runId} has no stop event (killed, or still running)`,
      });
  }
  return {
    ok: problems.length === 0,
    lines: rawLines.length,
    runs: runs.size,
    mutations,
    problems,
    warnings,
  };
}
