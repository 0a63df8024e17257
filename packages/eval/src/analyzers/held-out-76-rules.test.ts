// Table tests of the general rules written after held-out set 76's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { controllerCrdAnalyzer } from './controller-crd.js';
import { eventGloss } from './event-glosses.js';
import { ctx, log, observed } from './observed.fixture.js';
import { clipEnds } from './types.js';

describe('clipEnds: the start and the end of a nested error', () => {
  const message =
    'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "0c93fe1a7d25": plugin type="multus-shim" name="multus-cni-network" failed (add): CmdAdd (shim): CNI request failed with status 400: \'[market-data/feed-handler:mcast-feed]: error adding container to network "mcast-feed": failed to lookup master "ens1f1": Link not found\'';

  it('keeps the cause at the end of a long message', () => {
    const q = clipEnds(message, 240);
    expect(q.length).toBeLessThanOrEqual(240);
    expect(q.startsWith('Failed to create pod sandbox')).toBe(true);
    expect(q).toContain('failed to lookup master "ens1f1": Link not found');
    expect(q).toContain(' … ');
  });

  it('leaves a short message whole and never splits a surrogate pair', () => {
    expect(clipEnds('pull failed: not found')).toBe('pull failed: not found');
    const emoji = `${'a'.repeat(118)}😀${'b'.repeat(200)}😀${'c'.repeat(119)}`;
    const q = clipEnds(emoji, 240);
    expect(q).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('event glosses: a CSI provider not on the node, a macvlan master the node lacks', () => {
  it.each([
    [
      'MountVolume.SetUp failed for volume "secrets-store-inline" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod payments/gw-1, err: error connecting to provider "vault": provider not found: provider "vault"',
      'not installed in this cluster or not running on that node',
    ],
    [
      'Failed to create pod sandbox: … error adding container to network "mcast-feed": failed to lookup master "ens1f1": Link not found',
      'does not exist on this node',
    ],
  ])('%s', (message, want) => {
    expect(eventGloss(message)).toContain(want);
  });

  it('does not read another provider error as a missing provider', () => {
    expect(
      eventGloss(
        'failed to mount secrets store objects: error connecting to provider "vault": permission denied',
      ),
    ).toBeUndefined();
  });
});

describe('controller-crd: a controller listing a kind the cluster does not serve', () => {
  const NS = 'kong';
  const POD = 'ingress-kong-6f9d4c7b8-7mv5m';
  const line = (lead: string) =>
    `E0820 10:03:41.331570       1 reflector.go:178] pkg/mod/k8s.io/client-go@v0.18.6/tools/cache/reflector.go:125: Failed to list *v1.KongCredential: ${lead} server could not find the requested resource (get kongcredentials.configuration.konghq.com)`;
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      'Containers:',
      '  proxy:',
      '    Image:          kong:2.1',
      '  ingress-controller:',
      '    Image:          kong/kubernetes-ingress-controller:0.9.1',
      'Conditions:',
    ].join('\n'),
  );

  it.each([['the'], ['<redacted>']])(
    'reads the line with "%s" before "server", and names the release',
    (lead) => {
      const seen = [
        log(NS, POD, ['Kong Ingress controller', '  Release:    0.9.1', line(lead)], {
          container: 'ingress-controller',
          previous: true,
        }),
        described,
      ];
      const [f] = controllerCrdAnalyzer.finds(ctx(NS, seen));
      expect(f?.object).toBe('customresourcedefinition kongcredentials.configuration.konghq.com');
      expect(f?.cause).toContain('the controller runs image kong/kubernetes-ingress-controller:0.9.1');
    },
  );

  it("takes the release from the controller's banner when its pod was not described", () => {
    const seen = [
      log(NS, POD, ['Kong Ingress controller', '  Release:    0.9.1', line('the')], {
        container: 'ingress-controller',
      }),
    ];
    expect(controllerCrdAnalyzer.finds(ctx(NS, seen))[0]?.cause).toContain(
      'the controller runs release 0.9.1',
    );
  });
});
