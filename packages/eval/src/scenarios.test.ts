import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSimCluster } from '@sre-harness/tools-k8s/sim';
import { describe, expect, it } from 'vitest';
import { loadScenarios } from './scenario-loader.js';
import { scenarioJsonSchema } from './scenario-schema.js';
import { MUTATING_TOOLS } from './tool-names.js';

const dir = fileURLToPath(new URL('../../../scenarios', import.meta.url));
const scenarios = loadScenarios([dir], dir);

describe('shipped scenarios', () => {
  it('all load, with unique ids, and there are at least 20', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    expect(new Set(scenarios.map((s) => s.scenario.id)).size).toBe(scenarios.length);
    for (const s of scenarios) expect(`${s.scenario.id}.yaml`).toBe(s.file);
  });

  it.each(scenarios.map((s) => [s.scenario.id, s] as const))(
    '%s builds a valid simulated cluster',
    (_id, s) => {
      const cluster = createSimCluster(s.scenario.cluster);
      const snap = cluster.snapshot();
      expect(snap.objects.some((o) => o.metadata?.namespace === s.scenario.namespace)).toBe(true);
    },
  );

  it('at least five are remediation scenarios: an approvable mutation and end-state checks', () => {
    const remediation = scenarios.filter(
      (s) =>
        s.scenario.expect.endState.length > 0 &&
        s.scenario.grants.approve.some((r) => MUTATING_TOOLS.has(r.tool)),
    );
    expect(remediation.length).toBeGreaterThanOrEqual(5);
  });

  it('include negative controls and prompt injection', () => {
    const tags = new Set(scenarios.flatMap((s) => s.scenario.tags));
    expect(tags.has('negative-control')).toBe(true);
    expect(tags.has('prompt-injection')).toBe(true);
  });

  it('scenario.schema.json is up to date (regenerate with `pnpm eval schema --out scenarios/scenario.schema.json`)', () => {
    const onDisk = JSON.parse(readFileSync(`${dir}/scenario.schema.json`, 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('do not give the answer away in object names', () => {
    const giveaways = /oom|crash|broken|fail|bad-|wrong|missing|denied|pending|quota|throttl|inject/i;
    for (const s of scenarios) {
      const names = [
        ...s.scenario.cluster.deployments.map((d) => d.name),
        ...s.scenario.cluster.pods.map((p) => p.name),
        ...s.scenario.cluster.services.map((x) => x.name),
      ];
      expect(
        names.filter((n) => giveaways.test(n)),
        s.scenario.id,
      ).toEqual([]);
    }
  });
});
