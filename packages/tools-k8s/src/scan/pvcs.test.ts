import { describe, expect, it } from 'vitest';
import { check, event, pod, pvc, type Row, storageClass } from './__fixtures__/build.js';
import { pvcsAnalyzer } from './pvcs.js';
import { quoteEnds } from './types.js';

const ROWS: Row[] = [
  {
    name: 'a bound claim',
    objects: [pvc('data', { storageClassName: 'std' }, { phase: 'Bound' }), storageClass('std')],
    want: [],
  },
  {
    name: 'a StorageClass that does not exist',
    objects: [
      pvc('data', { storageClassName: 'fast-ssd' }),
      storageClass('standard'),
      event(
        'PersistentVolumeClaim',
        'data',
        'ProvisioningFailed',
        'storageclass.storage.k8s.io "fast-ssd" not found',
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'data',
        reason: 'StorageClassNotFound',
        says: ['"fast-ssd" does not exist', 'standard', 'ProvisioningFailed'],
        fix: true,
      },
    ],
  },
  {
    name: "a provider's long error keeps its end, where the cause is",
    objects: [
      pvc('data', { storageClassName: 'enc' }),
      storageClass('enc'),
      event(
        'PersistentVolumeClaim',
        'data',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "enc": rpc error: ${'x'.repeat(400)} api error IncorrectState: KMS key is disabled`,
        { type: 'Warning' },
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'data',
        reason: 'ProvisioningFailed',
        says: ['failed to provision volume', 'KMS key is disabled'],
      },
    ],
  },
  {
    name: 'an error longer than the quote reads (20 000 characters) still keeps its end',
    objects: [
      pvc('data', { storageClassName: 'enc' }),
      storageClass('enc'),
      event(
        'PersistentVolumeClaim',
        'data',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "enc": rpc error: ${'x '.repeat(10_000)}api error IncorrectState: KMS key is disabled`,
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'data',
        reason: 'ProvisioningFailed',
        says: ['failed to provision volume', 'KMS key is disabled'],
      },
    ],
  },
  {
    name: 'a claim only waiting for an external provisioner: is it running?',
    objects: [
      pvc('data', { storageClassName: 'nfs' }),
      storageClass('nfs'),
      event(
        'PersistentVolumeClaim',
        'data',
        'ExternalProvisioning',
        "Waiting for a volume to be created either by the external provisioner 'cluster.local/nfs-provisioner' or manually by the system administrator.",
        { type: 'Normal' },
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'data',
        reason: 'WaitingForProvisioner',
        says: [
          "external provisioner 'cluster.local/nfs-provisioner'",
          'check that the provisioner is running',
        ],
      },
    ],
  },
  {
    name: 'no class named and no default',
    objects: [pvc('data', {}), storageClass('standard')],
    want: [{ kind: 'PersistentVolumeClaim', name: 'data', reason: 'NoDefaultStorageClass', fix: true }],
  },
  {
    name: 'no class named, a default exists: Pending for another reason',
    objects: [
      pvc('data', {}),
      storageClass('standard', true),
      event('PersistentVolumeClaim', 'data', 'ProvisioningFailed', 'quota exceeded on the backend'),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'data',
        reason: 'ProvisioningFailed',
        says: ['quota exceeded on the backend'],
      },
    ],
  },
  {
    // local-path (rancher.io/local-path) makes node-local volumes only; a ReadWriteMany claim is refused.
    name: 'an access mode the provisioner refuses: the mode asked for and the pods left Pending',
    objects: [
      pvc('shared', { storageClassName: 'local-path', accessModes: ['ReadWriteMany'] }),
      storageClass('local-path'),
      event(
        'PersistentVolumeClaim',
        'shared',
        'ProvisioningFailed',
        'failed to provision volume with StorageClass "local-path": Only support ReadWriteOnce access mode',
        { type: 'Warning' },
      ),
      pod(
        'rails-7c9d8-abcde',
        { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'shared' } }] },
        { phase: 'Pending' },
      ),
      pod(
        'other-7c9d8-abcde',
        { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] },
        { phase: 'Pending' },
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'shared',
        reason: 'ProvisioningFailed',
        says: [
          'asks for ReadWriteMany',
          'does not support',
          'rails-7c9d8-abcde',
          'Only support ReadWriteOnce',
        ],
        fix: true,
      },
    ],
  },
  {
    name: 'a refusal that names the asked mode as unsupported',
    objects: [
      pvc('shared', { storageClassName: 'ebs', accessModes: ['ReadWriteMany'] }),
      storageClass('ebs'),
      event(
        'PersistentVolumeClaim',
        'shared',
        'ProvisioningFailed',
        'rpc error: access mode ReadWriteMany is not supported',
      ),
    ],
    want: [
      {
        kind: 'PersistentVolumeClaim',
        name: 'shared',
        reason: 'ProvisioningFailed',
        says: ['asks for ReadWriteMany'],
      },
    ],
  },
  {
    name: 'an access-mode message that names the mode the claim asks for: nothing added',
    objects: [
      pvc('data', { storageClassName: 'local-path', accessModes: ['ReadWriteOnce'] }),
      storageClass('local-path'),
      event(
        'PersistentVolumeClaim',
        'data',
        'ProvisioningFailed',
        'Only support ReadWriteOnce access mode; node not ready',
      ),
    ],
    want: [
      { kind: 'PersistentVolumeClaim', name: 'data', reason: 'ProvisioningFailed', says: ['node not ready'] },
    ],
  },
  {
    name: 'StorageClasses unreadable: no claim about the class',
    objects: [pvc('data', { storageClassName: 'fast-ssd' })],
    read: ['PersistentVolumeClaim', 'Event'],
    want: [{ kind: 'PersistentVolumeClaim', name: 'data', reason: 'Pending' }],
  },
];

describe('pvcs analyzer', () => {
  it.each(ROWS)('$name', (row) => check(pvcsAnalyzer, row));
});

describe('quoteEnds', () => {
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  it.each([
    ['astral characters at every cut point', '😀a'.repeat(10_000), 300, 100],
    ['astral characters only, past the 8192 the start is read from', '😀'.repeat(20_000), 300, 100],
    ['a head as long as the whole', 'abc '.repeat(100), 50, 100],
    ['line breaks and quotes', `"a"\n'b'\r\n${'\u2028x'.repeat(500)}\nTHE END`, 40, 10],
  ])('%s: at most max code points, no lone surrogate, one line', (_what, text, max, head) => {
    const out = quoteEnds(text, max, head);
    expect([...out].length).toBeLessThanOrEqual(max);
    expect(out).not.toMatch(lone);
    expect(out).not.toMatch(/[\n\r]/);
  });
  it('keeps the end of a text longer than 8192 characters', () => {
    expect(quoteEnds(`${'x'.repeat(20_000)} THE CAUSE`, 300)).toMatch(/^x{100} … x+ THE CAUSE$/);
  });
});
