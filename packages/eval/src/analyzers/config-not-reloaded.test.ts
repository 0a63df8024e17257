import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { configNotReloadedAnalyzer } from './config-not-reloaded.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('auth');
const POD = 'portal-6dfp4nmm72-tgrrb';
const seen = (age: string, log: string) => [
  obs(
    'list_pods',
    `${'NAME'.padEnd(POD.length + 3)}READY   STATUS    RESTARTS   AGE\n${POD}   1/1     Running   0          ${age}\n`,
    {},
  ),
  obs(
    'describe_pod',
    `Name:  ${POD}\nControlled By:  ReplicaSet/portal-6dfp4nmm72\nVolumes:\n  config:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      portal-config\n    Optional:  false\n`,
    { name: POD },
  ),
  obs('get_pod_logs', log, { name: POD }),
  obs(
    'describe_resource',
    'Name: portal-config\n\nData\n====\nclusters:\n  - name: prod-eu\n  - name: staging-ap\n',
    {
      kind: 'ConfigMap',
      name: 'portal-config',
    },
  ),
];
const TASK =
  'I added staging-ap to portal with a helm upgrade about 40 minutes ago, but the page still lists prod-eu only.';
const run = (s: SeenObservation[], task = TASK) =>
  configNotReloadedAnalyzer.finds({ task, ns: 'auth', hints: ['portal', 'staging-ap', 'prod-eu'], seen: s });

describe('config-not-reloaded: pods older than the change, config read at start', () => {
  it('names the pods started before the change, the start-up line and what the ConfigMap now holds', () => {
    const [f] = run(seen('6d2h', 'Using config file: /app/config.yaml\nLoaded 1 clusters: prod-eu'));
    expect(f?.cause).toMatch(/started 6d2h ago, before the change 40 minutes ago/);
    expect(f?.cause).toMatch(
      /ConfigMap portal-config now holds staging-ap, which the running program never loaded/,
    );
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { namespace: 'auth', name: 'portal' } });
  });

  it("a watch on the file itself: the kubelet's symlink swap never fires it", () => {
    const task =
      'Forty minutes ago we raised the limit for portal by editing its ConfigMap. Customers still see the old one.';
    const [f] = run(
      seen(
        '3d',
        'INFO loaded /etc/portal/config.yaml: limit=50\nINFO watching /etc/portal/config.yaml for changes (inotify IN_MODIFY)',
      ),
      task,
    );
    expect(f?.cause).toMatch(/watches the file[\s\S]*swapping the \.\.data symlink/);
    expect(f?.fix?.tool).toBe('restart_deployment');
  });

  it('nothing when the pods are newer than the change, the log says nothing of loading, or nothing changed', () => {
    expect(run(seen('12m', 'Using config file: /app/config.yaml'))).toEqual([]);
    // A crash-looping pod re-reads its configuration at each restart: not this.
    const looping = seen('6d', 'Using config file: /app/config.yaml');
    looping[0] = { ...looping[0]!, content: looping[0]!.content.replace('Running   0 ', 'Running   7 ') };
    expect(run(looping)).toEqual([]);
    expect(run(seen('6d', 'GET / 200'))).toEqual([]);
    expect(run(seen('6d', 'Using config file: /app/config.yaml'), 'the portal is slow today')).toEqual([]);
  });
});
