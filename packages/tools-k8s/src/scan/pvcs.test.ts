import { describe, it } from 'vitest';
import { check, event, pvc, type Row, storageClass } from './__fixtures__/build.js';
import { pvcsAnalyzer } from './pvcs.js';

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
    name: 'StorageClasses unreadable: no claim about the class',
    objects: [pvc('data', { storageClassName: 'fast-ssd' })],
    read: ['PersistentVolumeClaim', 'Event'],
    want: [{ kind: 'PersistentVolumeClaim', name: 'data', reason: 'Pending' }],
  },
];

describe('pvcs analyzer', () => {
  it.each(ROWS)('$name', (row) => check(pvcsAnalyzer, row));
});
