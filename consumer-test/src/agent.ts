// A small agent composed from the published packages, as a user outside this repository would write it.
// scripts/consumer-test.mjs packs every package, installs the tarballs into a fresh project, then
// type-checks and runs this file there. It exits non-zero if anything is off. The MCP/OTel agent is
// here; the Kubernetes one (simulated cluster over HTTP, real adapter) is in k8s-agent.ts.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createHarness, HarnessError, MemorySink, policyApprover } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { summarizingMemory } from '@sre-harness/memory-summarizer';
import { otelSink } from '@sre-harness/otel';
import { importMcpTools, McpToolsError } from '@sre-harness/tools-mcp';
import { evidenceRequired, noUnapprovedMutation } from '@sre-harness/verifiers';
import { runK8sAgent } from './k8s-agent.js';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`consumer check failed: ${what}`);
}

const journal = join(mkdtempSync(join(tmpdir(), 'consumer-')), 'journal.txt');
const tools = await importMcpTools(
  {
    command: process.execPath,
    args: [fileURLToPath(new URL('./mcp-server.js', import.meta.url)), journal],
  },
  // We wrote this server, so we trust its read-only hint for the one tool that reads.
  { trustReadOnlyHints: ['pod_logs'] },
);

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const events = new MemorySink();
const harness = createHarness({
  model: new ScriptedModel([
    callTool('pod_logs', { pod: 'checkout-7f9c' }),
    callTool('restart_pod', { pod: 'checkout-7f9c' }),
    finalAnswer('checkout-7f9c runs out of Java heap (OutOfMemoryError at a 512Mi limit); raise the limit.'),
  ]),
  tools: tools.tools,
  guardrails: {
    maxSteps: 6,
    allow: [{ tool: 'pod_logs' }, { tool: 'restart_pod' }],
    approver: policyApprover({ rules: [{ tool: 'restart_pod', action: 'deny', reason: 'read-only shift' }] }),
  },
  memory: summarizingMemory({ maxTokens: 2_000 }),
  verifiers: [evidenceRequired(), noUnapprovedMutation()],
  trace: [events, otelSink({ tracer: provider.getTracer('consumer'), agentName: 'consumer' })],
});

try {
  const result = await harness.run('checkout-7f9c keeps restarting. Why?');
  check(result.stoppedReason === 'completed', `run completed (got ${result.stoppedReason})`);
  check(result.verified, `verifiers passed: ${JSON.stringify(result.verifications)}`);
  check(events.ofKind('tool_result').length === 1, 'the read-only MCP tool ran');
  check(
    events.ofKind('tool_refused').some((e) => e.tool === 'restart_pod' && e.reason === 'approval_denied'),
    'the destructive MCP tool went through the approval gate and was denied',
  );
  check(
    !existsSync(journal) || !readFileSync(journal, 'utf8').includes('restarted'),
    'no restart reached the server',
  );
  const spans = exporter.getFinishedSpans().map((s) => s.name);
  check(
    spans.includes('invoke_agent consumer') && spans.includes('execute_tool pod_logs'),
    `spans: ${spans}`,
  );
  check(HarnessError.isInstance(new HarnessError('invalid_option', 'x')), 'HarnessError.isInstance');
  check(McpToolsError.isInstance(new McpToolsError('tool_failed', 'x')), 'McpToolsError.isInstance');
  process.stdout.write(
    `consumer ok: ${result.steps} steps, verifiers ${result.verifications.map((v) => v.name).join(', ')}, ${spans.length} spans\n`,
  );
} finally {
  await tools.close();
}

// The Kubernetes agent, on a simulated cluster served over HTTP and read through the real adapter.
process.stdout.write(`${await runK8sAgent()}\n`);
