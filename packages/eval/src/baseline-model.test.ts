import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from './baseline-model.js';
import { simEnvironment } from './environment.js';
import { runEval } from './runner.js';
import { type LoadedScenario, parseScenario } from './scenario-loader.js';

/*
 * Held-out worlds: written for this test only, after the model, with names, namespaces and shapes
 * that appear in no shipped scenario. The model must diagnose them from general signatures.
 */
const HELD_OUT: Record<string, string> = {
  'slow-site-db-throttled': `schemaVersion: 1
id: slow-site-db-throttled
title: held out
difficulty: hard
namespace: blog
task: The blog in namespace blog became very slow today; pages take seconds. Nothing restarts. Why?
cluster:
  namespaces: [blog]
  nodes: [{ name: n1, cpu: '8' }]
  deployments:
    - name: frontend
      namespace: blog
      replicas: 2
      containers:
        - name: php
          image: blog/frontend:8.3
          resources: { limits: { cpu: '2' } }
          behavior: { cpu: { need: 200m }, logs: ['GET / 200 2841ms', 'GET /post/99 200 3120ms'] }
    - name: mariadb
      namespace: blog
      replicas: 1
      containers:
        - name: db
          image: mariadb:11.4
          resources: { limits: { cpu: 250m } }
          behavior: { cpu: { need: '1.5' }, logs: ['mariadbd: ready for connections.'] }
expect:
  rootCause: { mustMention: [mariadb, [throttl, CPU limit]] }
`,
  'standalone-pod-permission': `schemaVersion: 1
id: standalone-pod-permission
title: held out
difficulty: easy
namespace: tools
task: The backup-agent pod in namespace tools keeps failing. What is the cause?
cluster:
  namespaces: [tools]
  nodes: [{ name: n1 }]
  pods:
    - name: backup-agent
      namespace: tools
      age: 2h
      containers:
        - name: agent
          image: tools/backup-agent:2.0
          behavior:
            crash:
              exitCode: 1
              logs: ['backup-agent 2.0', 'scanning /var/backups', "open /var/backups/.lock: permission denied"]
expect:
  rootCause: { mustMention: [backup-agent, permission denied] }
`,
  'alert-only-taint': `schemaVersion: 1
id: alert-only-taint
title: held out
difficulty: medium
namespace: edge
task: Please look at this alert and tell me what is going on.
alert:
  name: KubeDeploymentReplicasMismatch
  summary: Deployment geoip has not matched the expected number of replicas for 15 minutes
  labels: { namespace: edge, deployment: geoip }
cluster:
  namespaces: [edge]
  nodes:
    - { name: n1, taints: [{ key: dedicated, value: batch, effect: NoSchedule }] }
    - { name: n2, taints: [{ key: dedicated, value: batch, effect: NoSchedule }] }
  deployments:
    - name: geoip
      namespace: edge
      replicas: 2
      containers:
        - { name: geoip, image: edge/geoip:5.1, resources: { requests: { cpu: 100m } } }
      pods: [{ age: 20m }, { age: 20m }]
expect:
  rootCause: { mustMention: [geoip, [taint, dedicated]] }
`,
  'sidecar-oom': `schemaVersion: 1
id: sidecar-oom
title: held out
difficulty: medium
namespace: telemetry
task: The collector in namespace telemetry keeps dropping spans and its pods restart. Fix it if you can.
cluster:
  namespaces: [telemetry]
  nodes: [{ name: n1 }]
  deployments:
    - name: collector
      namespace: telemetry
      replicas: 1
      containers:
        - name: otel
          image: otel/collector:0.104.0
          resources: { limits: { memory: 600Mi } }
          behavior: { memory: { need: 900Mi }, oomLogs: ['exporter queue is full, dropping 512 spans'] }
        - name: reloader
          image: tools/config-reloader:0.9
          behavior: { logs: ['watching /etc/otel'] }
      pods: [{ age: 30m }]
grants:
  approve:
    - { tool: set_resources, where: { namespace: telemetry, deployment: collector, container: otel, limits.memory: { atLeast: 900Mi } } }
expect:
  rootCause: { mustMention: [collector, otel, OOMKilled] }
  endState:
    - { kind: Deployment, name: collector, path: spec.template.spec.containers.otel.resources.limits.memory, atLeast: 900Mi }
`,
  'readiness-port': `schemaVersion: 1
id: readiness-port
title: held out
difficulty: medium
namespace: docs
task: The wiki in namespace docs returns 503 through the ingress although nothing restarts. Why?
cluster:
  namespaces: [docs]
  nodes: [{ name: n1 }]
  deployments:
    - name: wiki
      namespace: docs
      replicas: 2
      containers:
        - name: web
          image: docs/wiki:2024.11
          ports: [3000]
          readinessProbe: { httpGet: { path: /ready, port: 8000 } }
          behavior: { listenPorts: [3000], logs: ['wiki listening on 3000'] }
  services:
    - { name: wiki, namespace: docs, selector: { app: wiki }, ports: [{ port: 80, targetPort: 3000 }] }
expect:
  rootCause: { mustMention: [wiki, readiness, '8000'] }
`,
  'envfrom-secret': `schemaVersion: 1
id: envfrom-secret
title: held out
difficulty: easy
namespace: crm
task: Pods of leads in namespace crm never start after the migration. What is the root cause?
cluster:
  namespaces: [crm]
  nodes: [{ name: n1 }]
  deployments:
    - name: leads
      namespace: crm
      replicas: 1
      containers:
        - name: leads
          image: crm/leads:3.2.1
          envFrom: [{ secretRef: { name: leads-env } }]
expect:
  rootCause: { mustMention: [leads, leads-env, [not found, does not exist]] }
`,
  'python-keyerror': `schemaVersion: 1
id: python-keyerror
title: held out
difficulty: easy
namespace: etl
task: The exporter job runner in namespace etl restarts constantly since Tuesday. What is wrong?
cluster:
  namespaces: [etl]
  nodes: [{ name: n1 }]
  deployments:
    - name: exporter
      namespace: etl
      replicas: 1
      containers:
        - name: runner
          image: etl/exporter:1.0.0
          behavior:
            crash:
              exitCode: 1
              logs:
                - 'Traceback (most recent call last):'
                - '  File "/app/main.py", line 12, in <module>'
                - "    bucket = os.environ['S3_BUCKET']"
                - "KeyError: 'S3_BUCKET'"
expect:
  rootCause: { mustMention: [exporter, S3_BUCKET] }
`,
  // Prose compounds and kubectl's column names are not object names: no "There is no …" for them.
  'prose-words-are-not-names': `schemaVersion: 1
id: prose-words-are-not-names
title: words of the task that name nothing
difficulty: easy
namespace: shop
task: "During the post-upgrade checks I saw EXTERNAL-IP <none> for web, and the web pods in shop keep crashing. Is the follow-up-ticket right that it is the network?"
cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: web
      namespace: shop
      containers:
        - name: web
          image: shop/web:2
          behavior: { crash: { exitCode: 1, logs: ['FATAL: database files are incompatible with server'] } }
expect:
  rootCause:
    mustMention: [web, major version]
    mustNotClaim: [There is no post-upgrade, There is no external-ip, There is no follow-up-ticket]
`,
  // A selector that matches nothing here is not a move when the only match elsewhere is another
  // workload whose name merely starts with the label value (api-gateway is not a pod of api).
  'selector-not-moved': `schemaVersion: 1
id: selector-not-moved
title: a selector for the old label, and an unrelated api-gateway elsewhere
difficulty: medium
namespace: shop
task: "Since the v2 rollout, calls to the api Service in shop fail with connection refused. What broke?"
cluster:
  namespaces: [shop, platform]
  nodes: [{ name: n1 }]
  deployments:
    - { name: api-v2, namespace: shop, containers: [{ name: api, image: acme/api:2, ports: [8080], behavior: { listenPorts: [8080], logs: ['GET /healthz 200'] } }] }
    - { name: api-gateway, namespace: platform, containers: [{ name: gw, image: acme/gw:1, ports: [8080], behavior: { listenPorts: [8080], logs: ['proxying'] } }] }
  services:
    - { name: api, namespace: shop, selector: { app: api }, ports: [{ port: 80, targetPort: 8080 }] }
    - { name: api-gateway, namespace: platform, selector: { app: api-gateway }, ports: [{ port: 80, targetPort: 8080 }] }
expect:
  rootCause:
    mustMention: [selector]
    mustNotClaim: [another namespace, platform]
`,
  // A one-off Warning a kubelet emits at start does not make its node the fault.
  'benign-node-warning': `schemaVersion: 1
id: benign-node-warning
title: one replica logs an application error; its node has an old one-off warning
difficulty: medium
namespace: reports
task: "report-exporter in reports fails to export the daily report. Is one of the nodes bad?"
cluster:
  namespaces: [reports]
  nodes:
    - name: n1
      events: [{ type: Warning, reason: InvalidDiskCapacity, message: 'invalid capacity 0 on image filesystem', count: 1, age: 2d, source: kubelet }]
    - { name: n2 }
  deployments:
    - name: report-exporter
      namespace: reports
      replicas: 2
      containers: [{ name: x, image: acme/exporter:3, behavior: { logs: ['idle'] } }]
      pods:
        - { node: n1, logs: ['level=ERROR msg="export failed" err="render: template daily_v3 references undefined field Region"'] }
        - { node: n2 }
expect:
  rootCause:
    mustMention: [template]
    mustNotClaim: [cordon, the fault is that one node]
`,
};

function load(id: string): LoadedScenario {
  const out = parseScenario(HELD_OUT[id]!, `${id}.yaml`);
  if (!out.ok) throw new Error(out.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return out.loaded;
}

describe('baseline SRE model on held-out worlds', () => {
  it.each(Object.keys(HELD_OUT))('diagnoses %s from general signatures', async (id) => {
    const [run] = await runEval({
      scenarios: [load(id)],
      models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
      environment: simEnvironment,
    });
    const failed = [...run!.gates, ...run!.checks].filter((c) => !c.passed);
    expect(failed, run!.answer ?? '').toEqual([]);
    expect(run!.passed).toBe(true);
  });

  it('proposes no mutation when it is only given read-only tools', async () => {
    const loaded = load('sidecar-oom');
    const scenario = {
      ...loaded.scenario,
      grants: {
        ...loaded.scenario.grants,
        allow: [
          'list_pods',
          'list_deployments',
          'get_events',
          'describe_pod',
          'get_pod_logs',
          'get_pod_metrics',
        ],
      },
      expect: { ...loaded.scenario.expect, endState: [] },
    };
    const [run] = await runEval({
      scenarios: [{ ...loaded, scenario }],
      models: [{ id: 'baseline', role: 'agent', create: () => new BaselineSreModel() }],
      environment: simEnvironment,
    });
    expect(run!.mutationsExecuted).toBe(0);
    expect(run!.stops.notAllowed + run!.stops.unapprovedMutationsRefused).toBe(0);
    expect(run!.answer).toMatch(
      /Recommended fix: raise the memory limit of collector\/otel from 600Mi to 1200Mi/,
    );
  });
});
