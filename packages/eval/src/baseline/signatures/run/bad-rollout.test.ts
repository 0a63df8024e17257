import { describe, expect, it } from 'vitest';
import { imageChanges, imagePairsChanged, previousImageFallback } from './bad-rollout.js';

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

describe('previousImageFallback: the narrower change in place of a refused rollback', () => {
  it('sets the one changed container back to its previous image', () => {
    const pairs = imagePairsChanged(
      'renderer=r.example/inv/renderer:3.9.2,fonts=r.example/fonts:1',
      'renderer=r.example/inv/renderer:4.0.0-jre11,fonts=r.example/fonts:1',
    );
    expect(pairs).toEqual([
      {
        container: 'renderer',
        before: 'r.example/inv/renderer:3.9.2',
        after: 'r.example/inv/renderer:4.0.0-jre11',
      },
    ]);
    expect(previousImageFallback('invoicing', 'invoice-renderer', pairs)).toEqual({
      tool: 'set_image',
      args: {
        namespace: 'invoicing',
        deployment: 'invoice-renderer',
        container: 'renderer',
        image: 'r.example/inv/renderer:3.9.2',
      },
      text: 'set the image of container renderer of invoice-renderer back to r.example/inv/renderer:3.9.2, the one it ran before the rollout',
    });
  });
  it('none when no image changed or more than one did (a rollback is the one change that restores both)', () => {
    expect(previousImageFallback('ns', 'd', imagePairsChanged('a=x:1', 'a=x:1'))).toBeUndefined();
    expect(previousImageFallback('ns', 'd', imagePairsChanged('a=x:1,b=y:1', 'a=x:2,b=y:2'))).toBeUndefined();
    expect(previousImageFallback('ns', 'd', [{ container: 'a', before: '', after: 'x:2' }])).toBeUndefined();
  });
});
