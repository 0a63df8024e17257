import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

// A sidecar told to listen on the port the app container already binds (one network namespace).
const world = `schemaVersion: 1
id: port-collision-fix
title: port-collision-fix table test
difficulty: medium
namespace: pricing
task: "quote in namespace pricing crash-loops since the metrics sidecar was added"
cluster:
  namespaces: [pricing]
  nodes: [{ name: n1 }]
  deployments:
    - name: quote
      namespace: pricing
      containers:
        - name: app
          image: corp/quote:7
          ports: [8080]
          behavior: { listenPorts: [8080], logs: [listening on 8080] }
        - name: exporter
          image: corp/exporter:1
          env: { LISTEN_ADDRESS: ":8080" }
          behavior:
            logs: [exporter up]
            byConfig:
              - env: LISTEN_ADDRESS
                equals: ":8080"
                behavior: { crash: { exitCode: 1, logs: ['level=error msg="Error starting HTTP server" err="listen tcp :8080: bind: address already in use"'] } }
grants:
  approve:
    - tool: set_env
      where: { namespace: pricing, deployment: quote, container: exporter }
expect:
  rootCause: { mustMention: [quote] }
`;

describe('a port taken inside the pod: the set_env fix moves the crashing container to a free port', () => {
  it('rewrites its listen setting to the next port no container declares, and the pods recover', async () => {
    const text = await baselineAnswer(world);
    expect(text).toMatch(/Fix applied \(approved\): set LISTEN_ADDRESS of quote\/exporter to :8081/);
    expect(text).toMatch(/every pod of quote is Running and Ready/);
  });
});
