import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { goDurationUnitAnalyzer } from './go-duration-unit.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('pricing');
const describe_ = (env: string) =>
  obs(
    'describe_pod',
    `Name:             sync-7d9c8b6f5-fj7mh\nNamespace:        pricing\nControlled By:  ReplicaSet/sync-7d9c8b6f5\nContainers:\n  sync:\n    Image:          pricing/sync:3\n    Environment:\n${env}\nConditions:\n  Type   Status\n`,
    { name: 'sync-7d9c8b6f5-fj7mh' },
  );
const logs = (line: string) =>
  obs('get_pod_logs', `starting\n${line}`, {
    name: 'sync-7d9c8b6f5-fj7mh',
    container: 'sync',
    previous: true,
  });
const run = (seen: SeenObservation[]) =>
  goDurationUnitAnalyzer.finds({ task: 'sync crashes', ns: 'pricing', hints: [], seen });

describe('go-duration-unit: a Go duration written without its unit', () => {
  it.each([
    [
      '{"level":"fatal","error":"envconfig: POLL_INTERVAL: time: missing unit in duration \\"300\\""}',
      '      POLL_INTERVAL:  300\n      HTTP_TIMEOUT:  10s',
      { name: 'POLL_INTERVAL', value: '300s' },
    ],
    [
      'envconfig.Process: assigning POLL to Poll: converting \'45\' to type time.Duration. details: time: missing unit in duration "45"',
      '      POLL:  45\n      RETRY_BACKOFF:  250ms',
      { name: 'POLL', value: '45s' },
    ],
  ])('%s', (line, env, set) => {
    const [f] = run([describe_(env), logs(line)]);
    expect(f?.cause).toMatch(/has no unit: Go's time\.ParseDuration/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: { deployment: 'sync', container: 'sync', set: [set] },
    });
  });

  it('nothing when two variables hold the number, or none does, or the log says nothing of it', () => {
    const line = 'time: missing unit in duration "300"';
    expect(run([describe_('      A:  300\n      B:  300'), logs(line)])).toEqual([]);
    expect(run([describe_('      A:  30'), logs(line)])).toEqual([]);
    expect(run([describe_('      A:  300'), logs('listening on :8080')])).toEqual([]);
  });
});
