// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the catalogue quotes source code that contains template literals.
// The harness mutants `pnpm test:mutants` applies one at a time: each breaks one rail of the harness
// the way a careless change would, and `pnpm eval` must go red for every one. Each edit replaces an
// exact text that must occur exactly once in its file, so a refactor that moves the text makes the
// mutant fail loudly as stale instead of silently testing nothing.

/** @typedef {{ file: string, find: string, replace: string }} Edit */
/** @typedef {{ id: string, rail: string, what: string, edits: Edit[] }} Mutant */

const HARNESS = 'packages/core/src/harness.ts';

/** @type {Mutant[]} */
export const MUTANTS = [
  {
    id: 'allowlist-allows-all',
    rail: 'allowlist',
    what: 'the allowlist allows every call',
    edits: [
      {
        file: 'packages/core/src/allowlist.ts',
        find: '  check(tool: string, args: unknown): AllowCheck {\n',
        replace:
          '  check(tool: string, args: unknown): AllowCheck {\n    if (tool) return { allowed: true };\n',
      },
    ],
  },
  {
    id: 'allowlist-matchers-ignored',
    rail: 'allowlist',
    what: 'the allowlist ignores its argument matchers',
    edits: [
      {
        file: 'packages/core/src/allowlist.ts',
        find: '  if (!where) return { ok: true };',
        replace: '  if (where || !where) return { ok: true };',
      },
    ],
  },
  {
    id: 'approval-gate-removed',
    rail: 'approval',
    what: 'mutating tools run without asking the approver',
    edits: [
      { file: HARNESS, find: '    if (tool.mutating) {\n', replace: '    if (tool.mutating && false) {\n' },
    ],
  },
  {
    id: 'denial-ignored',
    rail: 'approval',
    what: 'a denial is ignored',
    edits: [
      {
        file: HARNESS,
        find: '    if (!granted) {\n      return {',
        replace: '    if (!granted && false) {\n      return {',
      },
    ],
  },
  {
    id: 'denial-written-as-grant',
    rail: 'approval',
    what: 'the denial is ignored and the trace says granted: true',
    edits: [
      {
        file: HARNESS,
        find: '    const granted = decision.granted && stillSame;',
        replace: '    const granted = true;',
      },
    ],
  },
  {
    id: 'hash-over-tool-name-only',
    rail: 'binding',
    what: "the approval hash covers the tool's name only",
    edits: [
      {
        file: 'packages/core/src/canonical.ts',
        find: ".update('\\u0000').update(canonicalJson(args))",
        replace: ".update('\\u0000').update('')",
      },
    ],
  },
  {
    id: 'grant-cached-per-tool',
    rail: 'binding',
    what: 'a grant is remembered per tool and reused for other arguments',
    edits: [
      {
        file: HARNESS,
        find: '    const decision = await this.#askApprover(step, callId, tool, args, argsHash);',
        replace:
          '    const cached = (globalThis.__grants ??= new Map()).get(this.#runId + tool);\n    const decision = cached ?? (await this.#askApprover(step, callId, tool, args, argsHash));\n    if (decision.granted) globalThis.__grants.set(this.#runId + tool, decision);',
      },
    ],
  },
  {
    id: 'approver-edits-what-runs',
    rail: 'binding',
    what: 'the approver is shown the live arguments and edits after approval are not checked',
    edits: [
      { file: HARNESS, find: '            args: frozenCopy(args),', replace: '            args,' },
      {
        file: HARNESS,
        find: '    const stillSame = callHash(tool, args) === argsHash;',
        replace: '    const stillSame = true;',
      },
    ],
  },
  {
    id: 'approver-throw-is-grant',
    rail: 'approver_faults',
    what: 'an approver that throws counts as a grant',
    edits: [
      {
        file: HARNESS,
        find: "      return { granted: false, by: 'harness', reason: `the approver failed: ${describeError(e)}` };",
        replace:
          "      return { granted: true, by: 'harness', reason: `the approver failed: ${describeError(e)}` };",
      },
    ],
  },
  {
    id: 'approver-timeout-is-grant',
    rail: 'approver_faults',
    what: 'an approver that never answers counts as a grant',
    edits: [
      {
        file: HARNESS,
        find: "        return {\n          granted: false,\n          by: 'harness',\n          reason: `the approver did not answer within",
        replace:
          "        return {\n          granted: true,\n          by: 'harness',\n          reason: `the approver did not answer within",
      },
    ],
  },
  {
    id: 'non-decision-is-grant',
    rail: 'approver_faults',
    what: 'an answer that is not a decision counts as a grant',
    edits: [
      {
        file: HARNESS,
        find: "        return {\n          granted: false,\n          by: 'harness',\n          reason: 'the approver returned something that is not a decision',",
        replace:
          "        return {\n          granted: true,\n          by: 'harness',\n          reason: 'the approver returned something that is not a decision',",
      },
    ],
  },
  {
    id: 'other-call-hash-accepted',
    rail: 'approver_faults',
    what: 'a grant for another call (another argsHash) is accepted',
    edits: [
      {
        file: HARNESS,
        find: '      if (answer.argsHash !== undefined && answer.argsHash !== argsHash) {',
        replace: '      if (answer.argsHash !== undefined && answer.argsHash !== argsHash && false) {',
      },
    ],
  },
  {
    id: 'budget-off-by-one',
    rail: 'budget',
    what: 'the step budget allows one decision too many',
    edits: [
      {
        file: HARNESS,
        find: "      if (this.#steps >= c.maxSteps) return { reason: 'budget_exhausted' };",
        replace: "      if (this.#steps > c.maxSteps) return { reason: 'budget_exhausted' };",
      },
    ],
  },
  {
    id: 'invalid-decisions-not-counted',
    rail: 'budget',
    what: 'invalid decisions do not count against the budget',
    edits: [
      {
        file: HARNESS,
        find: 'Call one of the tools or give a final answer.`,\n        });\n        if (pending) await pending;\n        continue;',
        replace:
          'Call one of the tools or give a final answer.`,\n        });\n        if (pending) await pending;\n        this.#steps--;\n        continue;',
      },
    ],
  },
  {
    id: 'budget-not-enforced',
    rail: 'budget',
    what: 'the step budget is not enforced',
    edits: [
      {
        file: HARNESS,
        find: "      if (this.#steps >= c.maxSteps) return { reason: 'budget_exhausted' };",
        replace: '',
      },
    ],
  },
  {
    id: 'evidence-required-passes',
    rail: 'verifiers',
    what: 'evidence_required always passes',
    edits: [
      {
        file: 'packages/verifiers/src/evidence-required.ts',
        find: '    verify(input) {\n',
        replace:
          "    verify(input) {\n      if (input) return { name: 'evidence_required', passed: true, detail: 'ok' };\n",
      },
    ],
  },
  {
    id: 'evidence-required-fails-everything',
    rail: 'verifiers',
    what: 'evidence_required fails every answer, honest ones too',
    edits: [
      {
        file: 'packages/verifiers/src/evidence-required.ts',
        find: '    verify(input) {\n',
        replace:
          "    verify(input) {\n      if (input) return { name: 'evidence_required', passed: false, detail: 'no' };\n",
      },
    ],
  },
  {
    id: 'no-unapproved-mutation-passes',
    rail: 'verifiers',
    what: 'no_unapproved_mutation always passes',
    edits: [
      {
        file: 'packages/verifiers/src/no-unapproved-mutation.ts',
        find: '    verify(input) {\n',
        replace: "    verify(input) {\n      if (input) return { name, passed: true, detail: 'ok' };\n",
      },
    ],
  },
  {
    id: 'claimed-actions-passes',
    rail: 'verifiers',
    what: 'claimed_actions always passes',
    edits: [
      {
        file: 'packages/verifiers/src/claimed-actions.ts',
        find: '    verify(input) {\n',
        replace: "    verify(input) {\n      if (input) return { name, passed: true, detail: 'ok' };\n",
      },
    ],
  },
  {
    id: 'redaction-off',
    rail: 'redaction',
    what: 'redaction is turned off',
    edits: [
      {
        file: 'packages/core/src/harness-options.ts',
        find: '    redact: options.redact === false ? (t: string) => t : (options.redact ?? redactSecrets),',
        replace: '    redact: (t: string) => t,',
      },
    ],
  },
  {
    id: 'task-not-redacted',
    rail: 'redaction',
    what: 'the task reaches the model and the trace unredacted',
    edits: [
      { file: HARNESS, find: '    this.#task = config.redact(task);', replace: '    this.#task = task;' },
    ],
  },
  {
    id: 'fence-removed',
    rail: 'fence',
    what: 'tool output is not fenced as untrusted data',
    edits: [
      {
        file: 'packages/core/src/memory.ts',
        find: '  return `${TOOL_OUTPUT_OPEN}\\n${inner}\\n${TOOL_OUTPUT_CLOSE}`;',
        replace: '  return inner;',
      },
    ],
  },
  {
    id: 'fence-forgeable',
    rail: 'fence',
    what: 'tool output can close the fence early',
    edits: [
      {
        file: 'packages/core/src/memory.ts',
        find: 'content.replace(FORGED_FENCE, (m) => `\\u2039${m.slice(1)}`)',
        replace: 'content',
      },
    ],
  },
  {
    id: 'summary-unfenced',
    rail: 'fence',
    what: "the summarizing memory's summary is shown outside the fence",
    edits: [
      {
        file: 'packages/memory-summarizer/src/summarizing-memory.ts',
        find: 'untrusted: true, header: SUMMARY_HEADER',
        replace: 'untrusted: false, header: SUMMARY_HEADER',
      },
    ],
  },
  {
    id: 'transcript-summary-unfenced',
    rail: 'fence',
    what: 'the transcript shows a summary made of tool output outside the fence',
    edits: [
      {
        file: 'packages/core/src/transcript.ts',
        find: '${fenceToolOutput(text(e.content))}`',
        replace: '${text(e.content)}`',
      },
    ],
  },
  {
    id: 'transcript-result-unfenced',
    rail: 'fence',
    what: "the transcript hands a tool result's output to the model unfenced",
    edits: [
      {
        file: 'packages/core/src/transcript.ts',
        find: '        const content = fenceToolOutput(output);',
        replace: '        const content = output;',
      },
    ],
  },
  {
    id: 'allowlist-first-matcher-only',
    rail: 'grants',
    what: 'argument matchers after the first are ignored (the allowlist and the approval policy share them)',
    edits: [
      {
        file: 'packages/core/src/allowlist.ts',
        find: '    if (!matchesArg(matcher, argAt(args, path))) return { ok: false, arg: path };\n',
        replace:
          '    if (!matchesArg(matcher, argAt(args, path))) return { ok: false, arg: path };\n    break;\n',
      },
    ],
  },
  {
    id: 'policy-where-ignored',
    rail: 'grants',
    what: "the approval policy ignores its rules' argument constraints",
    edits: [
      {
        file: 'packages/core/src/approvals.ts',
        find: '      if (!matchAll(rule.where, req.args).ok) continue;',
        replace: '',
      },
    ],
  },
  {
    id: 'max-calls-per-decision-ignored',
    rail: 'budget',
    what: 'every call of a decision runs, however many',
    edits: [
      {
        file: 'packages/core/src/call-checks.ts',
        find: '    if (call.index >= maxCalls)',
        replace: '    if (call.index >= maxCalls && false)',
      },
    ],
  },
  {
    id: 'tools-outside-allowlist-offered',
    rail: 'allowlist',
    what: 'the model is told about tools the allowlist does not name',
    edits: [
      {
        file: 'packages/core/src/harness-options.ts',
        find: "    options.exposeTools === 'all'",
        replace: "    options.exposeTools === 'all' || true",
      },
    ],
  },
  {
    id: 'approval-timeout-not-enforced',
    rail: 'approver_faults',
    what: 'the harness waits for an approver forever',
    edits: [
      {
        file: HARNESS,
        find: '        c.approvalTimeoutMs,\n',
        replace: '        Number.POSITIVE_INFINITY,\n',
      },
    ],
  },
  {
    id: 'denied-approval-counts',
    rail: 'verifiers',
    what: 'no_unapproved_mutation counts a denied approval as one',
    edits: [
      {
        file: 'packages/verifiers/src/no-unapproved-mutation.ts',
        find: '.filter((a) => a.granted && a.seq < ex.seq)',
        replace: '.filter((a) => a.seq < ex.seq)',
      },
    ],
  },
  {
    id: 'no-loops-passes',
    rail: 'verifiers',
    what: 'no_loops always passes',
    edits: [
      {
        file: 'packages/verifiers/src/no-loops.ts',
        find: '    verify(input) {\n',
        replace: "    verify(input) {\n      if (input) return { name, passed: true, detail: 'ok' };\n",
      },
    ],
  },
  {
    id: 'long-output-not-redacted',
    rail: 'redaction',
    what: 'tool output longer than 2,000 characters skips redaction',
    edits: [
      {
        file: HARNESS,
        find: '    const text = this.#c.redact(head);',
        replace: '    const text = head.length > 2000 ? head : this.#c.redact(head);',
      },
    ],
  },
  {
    id: 'fence-neutralises-first-only',
    rail: 'fence',
    what: 'only the first forged fence tag in an output is neutralised',
    edits: [
      {
        file: 'packages/core/src/memory.ts',
        find: 'output/gi;',
        replace: 'output/i;',
      },
    ],
  },
  {
    id: 'fence-case-sensitive',
    rail: 'fence',
    what: 'a forged fence tag in capitals is not neutralised',
    edits: [
      {
        file: 'packages/core/src/memory.ts',
        find: 'output/gi;',
        replace: 'output/g;',
      },
    ],
  },
  {
    id: 'no-checkpoint-before-approval-or-mutation',
    rail: 'durability',
    what: 'the sinks are not flushed before an approver is asked or a mutation runs',
    edits: [
      { file: HARNESS, find: '    this.#checkpoint(critical);', replace: '    this.#checkpoint(false);' },
    ],
  },
  {
    id: 'approval-event-not-written',
    rail: 'durability',
    what: 'a granted approval is not written to the trace',
    edits: [
      {
        file: HARNESS,
        find: "    this.#emit({\n      kind: 'approval',",
        replace: "    if (!granted) this.#emit({\n      kind: 'approval',",
      },
    ],
  },
  {
    id: 'dry-run-sent-for-real',
    rail: 'approval',
    what: "a write tool's approved dry run is sent as a real write",
    edits: [
      {
        file: 'packages/tools-k8s/src/tools/tool-def.ts',
        find: '  return { dryRun: dry };',
        replace: '  return { dryRun: dry && false };',
      },
    ],
  },
  {
    id: 'manifest-namespace-unconfined',
    rail: 'namespace',
    what: 'apply_manifest sends an object to the namespace its manifest names, not the one approved',
    edits: [
      {
        file: 'packages/tools-k8s/src/tools/apply-manifest.ts',
        find: '  if (meta.namespace !== undefined && meta.namespace !== namespace)',
        replace: '  if (false && meta.namespace !== undefined && meta.namespace !== namespace)',
      },
      {
        file: 'packages/tools-k8s/src/tools/apply-manifest.ts',
        find: '  const metadata: Record<string, unknown> = { ...meta, namespace };',
        replace: '  const metadata: Record<string, unknown> = { namespace, ...meta };',
      },
    ],
  },
];
