import { describe, expect, it } from 'vitest';
import { imageChanges } from './bad-rollout.js';

describe('imageChanges: which containers a revision gave a new image', () => {
  it('names a new version of the same repository by its tags, and a different image whole', () => {
    expect(
      imageChanges(
        'ui=r.example/ui:10.2.1,sync=r.example/sync:2.2.4',
        'ui=r.example/ui:10.2.1,sync=r.example/sync:2.3.0',
      ),
    ).toEqual(['sync from 2.2.4 to 2.3.0 (a new image version)']);
    expect(imageChanges('app=a/web:1', 'app=b/web:1')).toEqual(['app from a/web:1 to b/web:1 (a new image)']);
  });
  it('nothing when no image changed or the columns are empty', () => {
    expect(imageChanges('app=a/web:1', 'app=a/web:1')).toEqual([]);
    expect(imageChanges('', '')).toEqual([]);
  });
});
