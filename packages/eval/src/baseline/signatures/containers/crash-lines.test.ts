import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from '../../../baseline-model.js';
import { simEnvironment } from '../../../environment.js';
import { runEval } from '../../../runner.js';
import { parseScenario } from '../../../scenario-loader.js';

const world = (restarts: number) => `schemaVersion: 1
id: crash-settled
title: crash-settled table test
difficulty: easy
namespace: books
task: "ledger in namespace books shows restarts since last night, is it crashing?"
cluster:
  namespaces: [books]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      containers: [{ name: ledger, image: books/ledger:3, behavior: { logs: ['listening on :8080'] } }]
      pods:
        - restarts: ${restarts}
          ready: true
          state: { running: { startedAt: "2026-09-12T07:01:44Z" } }
          lastState: { terminated: { reason: Unknown, exitCode: 255, ago: 9h } }
expect:
  rootCause: { mustMention: [ledger] }
`;

const crashing = (logs: string) => `schemaVersion: 1
id: crash-lines
title: crash-lines table test
difficulty: easy
namespace: books
task: "ledger in namespace books keeps crashing"
cluster:
  namespaces: [books]
  nodes: [{ name: n1 }]
  deployments:
    - name: ledger
      namespace: books
      containers: [{ name: ledger, image: books/ledger:3, behavior: { crash: { exitCode: 1, logs: [${logs}] } } }]
expect:
  rootCause: { mustMention: [ledger] }
`;

async function answer(restarts: number | string): Promise<string> {
  const parsed = parseScenario(
    typeof restarts === 'string' ? restarts : world(restarts),
    'crash-settled.yaml',
  );
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const [run] = await runEval({
    scenarios: [parsed.loaded],
    models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
    environment: simEnvironment,
  });
  return run!.answer ?? '';
}

describe('crash signature', () => {
  it('does not call a container Running again after one restart a crash on start', async () => {
    expect(await answer(1)).not.toMatch(/crashes on start/);
  });
  it("names the missing variable, not the line's log level", async () => {
    expect(await answer(crashing("'ERROR LEDGER_DSN is not set'"))).toMatch(
      /required environment variable LEDGER_DSN is missing/,
    );
  });
  it('does not take a missing config file for a missing command', async () => {
    const text = await answer(crashing("'open /etc/ledger/config.yaml: no such file or directory'"));
    expect(text).not.toMatch(/command is not found/);
    expect(text).toMatch(/config\.yaml/);
  });
  it('still reads a container that keeps restarting as crashing', async () => {
    expect(await answer(7)).toMatch(/crashes on start with exit code 255/);
  });
});
