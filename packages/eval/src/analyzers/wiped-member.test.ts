// Table tests of wiped-member: a group member that came back with an empty data directory and that its
// siblings refuse by its new identity. Log lines in the style of Raft-based stores (no product's rule).
import { describe, expect, it } from 'vitest';
import { ctx, log, pods } from './observed.fixture.js';
import { wipedMemberAnalyzer } from './wiped-member.js';

const NS = 'store';
const NEW_ID = '9f1c2e3d4b5a69788796a5b4c3d2e1f0';
const OLD_ID = '1a2b3c4d5e6f70819293a4b5c6d7e8f9';
const listed = pods(NS, [
  ['meta-0', '1/1', 'Running', '0', '40d'],
  ['meta-1', '0/1', 'CrashLoopBackOff', '12 (1m ago)', '40d'],
  ['meta-2', '1/1', 'Running', '0', '3h'],
  ['api-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '2h'],
]);
const wiped = log(NS, 'meta-2', [
  'I1201 02:10:00.1 fs.cc:560] Could not find an existing instance metadata file under /data/meta; creating a new filesystem layout',
  `I1201 02:10:00.2 fs.cc:628] Generated new instance metadata: uuid ${NEW_ID}`,
  'I1201 02:10:01.0 server.cc:312] meta server starting',
]);
const refusesById = log(NS, 'meta-0', [
  `I1201 02:15:00.0 raft.cc:1211] [term 23 FOLLOWER]: Rejecting Update request from peer ${NEW_ID} for unknown peer UUID: not a member of the committed config {${OLD_ID}, 00aa}`,
]);
const refusesByName = log(NS, 'meta-1', [
  `W1201 07:00:00.0 peers.cc:544] -> Peer ${OLD_ID} (meta-2.meta.store.svc.cluster.local:7100): Couldn't send request. Status: Not found: Peer UUID mismatch: expected ${OLD_ID}, got ${NEW_ID}`,
]);

describe('wiped-member: a member back with an empty data directory, refused by its siblings', () => {
  it("reads the siblings' logs once a member says it started over, those a refusal names first", () => {
    expect(wipedMemberAnalyzer.reads(ctx(NS, [listed, wiped]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'meta-0' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'meta-1' } },
    ]);
    expect(wipedMemberAnalyzer.reads(ctx(NS, [listed, refusesByName]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'meta-2' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'meta-0' } },
    ]);
  });

  it('lists the namespace first when its pods were not listed', () => {
    expect(wipedMemberAnalyzer.reads(ctx('app', [wiped]))).toEqual([
      { tool: 'list_pods', args: { namespace: NS } },
    ]);
  });

  it('names the member, its empty data directory, the refusal and the missing quorum', () => {
    for (const refusal of [refusesById, refusesByName]) {
      const found = wipedMemberAnalyzer.finds(ctx(NS, [listed, wiped, refusal]));
      expect(found.map((f) => f.object)).toEqual([`pod meta-2 in ${NS}`]);
      expect(found[0]?.cause).toMatch(/^meta-2 came back with an empty data directory and so a new identity/);
      expect(found[0]?.cause).toMatch(/not part of the committed Raft configuration/);
      expect(found[0]?.cause).toMatch(
        /with meta-1 also down \(CrashLoopBackOff\), the group has no majority/,
      );
    }
  });

  it('says nothing when no sibling refuses it, or a refusal names another member', () => {
    expect(wipedMemberAnalyzer.finds(ctx(NS, [listed, wiped]))).toEqual([]);
    const other = log(NS, 'meta-0', [
      'I1201 02:15:00.0 raft.cc:1211] Rejecting Update request from peer 77777777777777777777777777777777 for unknown peer UUID',
    ]);
    expect(wipedMemberAnalyzer.finds(ctx(NS, [listed, wiped, other]))).toEqual([]);
    // An all-zero id (a system tablet every member names) is no one's identity.
    const zeros = log(NS, 'meta-0', [
      'I1201 02:15:00.0 raft.cc:1211] T 00000000000000000000000000000000: Rejecting request for unknown peer UUID',
    ]);
    const wipedZeros = log(NS, 'meta-2', [
      'Generated new instance metadata: uuid 00000000000000000000000000000000',
    ]);
    expect(wipedMemberAnalyzer.finds(ctx(NS, [listed, wipedZeros, zeros]))).toEqual([]);
  });

  it('takes a refusal from a member of the same set only, in the same namespace', () => {
    const otherSet = log(NS, 'data-0', [`Rejecting request from peer ${NEW_ID}: unknown member`]);
    expect(wipedMemberAnalyzer.finds(ctx(NS, [listed, wiped, otherSet]))).toEqual([]);
    const otherNs = log('elsewhere', 'meta-0', [`Rejecting request from peer ${NEW_ID}: unknown member`]);
    expect(wipedMemberAnalyzer.finds(ctx(NS, [listed, wiped, otherNs]))).toEqual([]);
  });

  it('says the group runs a member short when no other member is down', () => {
    const allUp = pods(NS, [
      ['meta-0', '1/1', 'Running', '0', '40d'],
      ['meta-1', '1/1', 'Running', '0', '40d'],
      ['meta-2', '1/1', 'Running', '0', '3h'],
    ]);
    const found = wipedMemberAnalyzer.finds(ctx(NS, [allUp, wiped, refusesById]));
    expect(found[0]?.cause).toMatch(/one more member down leaves it without a majority/);
  });

  it('does not take a member that made its first start with the others (none refuses it)', () => {
    const first = (pod: string) =>
      log(NS, pod, ['data directory is empty, bootstrapping', 'won election for term 1']);
    expect(
      wipedMemberAnalyzer.finds(ctx(NS, [listed, first('meta-0'), first('meta-1'), first('meta-2')])),
    ).toEqual([]);
  });

  it('recognises the usual ways a program says it started over', () => {
    for (const line of [
      'No existing data found under /var/lib/store; initializing a fresh data directory',
      'initializing new data directory /data',
      'formatting empty storage directory /data',
      'data directory is empty',
      'generated new node id',
    ]) {
      const w = log(NS, 'meta-2', [line, `instance ${NEW_ID}`]);
      const r = log(NS, 'meta-0', ['Peer UUID mismatch for meta-2.meta.store.svc:7100']);
      expect(wipedMemberAnalyzer.finds(ctx(NS, [listed, w, r])), line).toHaveLength(1);
    }
  });
});
