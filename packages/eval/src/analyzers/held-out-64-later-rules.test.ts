// Table tests of the rules written for held-out set 64's misses after its review (each reads what the tools
// print; none names a product of the set).
import { describe, expect, it } from 'vitest';
import { nullExternalIdAnalyzer } from './null-external-id.js';
import { ctx, log } from './observed.fixture.js';

describe('null-external-id: requests fail for one item whose upstream metadata lacks an id', () => {
  const NS = 'media';
  const POD = 'requests-fnmkdbd4zf-p2qxn';
  const LOOKUP = '[debug][Meta]: tv/248731 external_ids {"imdb_id":"tt31277451","tvdb_id":null}';
  const FAILED =
    '[error][Media Request]: Request failed with status code 400 {"mediaType":"tv","tmdbId":248731}';
  const SENT = '[info][Media Request]: Sent request {"title":"Fjord Line","tvdbId":412233}';

  it('names the item, the missing id and a request that carried one', () => {
    const [f] = nullExternalIdAnalyzer.finds(ctx(NS, [log(NS, POD, [SENT, LOOKUP, FAILED])]));
    expect(f?.cause).toMatch(
      /for one item only, tmdbId 248731 .* upstream metadata has no tvdb_id \(tvdb_id is null: .*\), while the requests that go through carry one/,
    );
  });

  it.each([
    // [lines, finds]
    [[SENT, LOOKUP, FAILED], true],
    // logfmt, the id as item_id
    [
      [
        'msg=sent isbnId=9781 ok',
        'lookup item=5531 isbn_id=None',
        'level=error msg="request failed" item_id=5531',
      ],
      true,
    ],
    // No request ever carried that id: nothing says the downstream needs it.
    [[LOOKUP, FAILED], false],
    // The lookup is of another item.
    [[SENT, LOOKUP.replace('248731', '248732'), FAILED], false],
    // Nothing failed.
    [[SENT, LOOKUP], false],
  ])('%j', (lines, finds) => {
    expect(nullExternalIdAnalyzer.finds(ctx(NS, [log(NS, POD, lines)])).length > 0).toBe(finds);
  });
});
