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
