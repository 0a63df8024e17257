import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../../../__fixtures__/baseline-answer.js';

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

const answer = (restarts: number | string) =>
  baselineAnswer(typeof restarts === 'string' ? restarts : world(restarts), 'crash-settled.yaml');

const redis = (logs: string) => `schemaVersion: 1
id: redis-oom
title: redis-oom table test
difficulty: easy
namespace: cache
task: "sessions-redis in namespace cache keeps getting OOMKilled"
cluster:
  namespaces: [cache]
  nodes: [{ name: n1, memory: 16Gi }]
  deployments:
    - name: sessions-redis
      namespace: cache
      containers: [{ name: redis, image: redis:7.2, resources: { limits: { memory: 2Gi } } }]
      pods:
        - restarts: 6
          state: { waiting: { reason: CrashLoopBackOff } }
          lastState: { terminated: { reason: OOMKilled, exitCode: 137, ago: 2m } }
          previousLogs: [${logs}]
expect:
  rootCause: { mustMention: [redis] }
`;

describe('oom-killed signature', () => {
  it('names the Redis fork for a background save behind the kill', async () => {
    expect(
      await answer(redis("'* Ready to accept connections', '* Background saving started by pid 88'")),
    ).toMatch(/Redis forks for the RDB snapshot, and the child's copy-on-write pages/);
    expect(await answer(redis("'* Ready to accept connections'"))).not.toMatch(/copy-on-write/);
  });
});

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
