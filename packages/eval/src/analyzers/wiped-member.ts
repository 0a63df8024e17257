import { memoByText } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  ORDINAL,
  outputs,
  podsOf,
  type Read,
} from './types.js';

/**
 * A member's log line saying it found no state of its own and made a new one: YugabyteDB's and Kudu's
 * "Could not find an existing instance metadata file …; creating a new filesystem layout" and
 * "Generated new instance metadata: uuid …", and the like ("initializing a new data directory",
 * "data directory is empty", "creating a new sys catalog … with an empty log").
 */
const FRESH: readonly RegExp[] = [
  /\b(?:could not find|did not find|found no|no) (?:an? )?existing\b[^\n]{0,120}?\b(?:creat|initiali[sz]|format|generat)/i,
  /\bgenerat(?:ed|ing) (?:a )?new (?:instance |node |member |server |peer )?(?:metadata|id|uuid)\b/i,
  /\b(?:creat(?:ed|ing|es?)|initiali[sz](?:ed|ing|es?)|format(?:ted|ting|s)?) (?:a )?(?:new|fresh|empty) (?:data director(?:y|ies)|data dir|filesystem layout|storage director(?:y|ies))\b/i,
  /\bdata director(?:y|ies) (?:is |are |was )?empty\b/i,
];
/**
 * A member's log line refusing a peer whose identity it does not know: "Rejecting Update request from
 * peer … for unknown peer UUID: not a member of the committed config", "Peer UUID mismatch: expected …,
 * got …", "member … has a different id", "unknown member".
 */
const REJECTS =
  /\b(?:unknown (?:peer|member|node|server)(?: uuid| id)?|not a member of|(?:uuid|member id|node id|server id|instance id|cluster id) mismatch|different (?:uuid|member id|node id|instance id))\b/i;
/** Hexadecimal identities a line names (a UUID with or without dashes, 12 to 36 characters). */
const HEX_ID = /\b[0-9a-f]{8}(?:-?[0-9a-f]{4}){3}-?[0-9a-f]{12}\b|\b[0-9a-f]{16,32}\b/gi;
/** Sibling logs read, at most. */
const MAX_SIBLINGS = 4;

interface LogFacts {
  /** The first line saying the member made its state anew, and the ids such lines name. */
  readonly fresh: string | undefined;
  readonly ids: ReadonlySet<string>;
  /** Lines refusing a peer's identity. */
  readonly rejects: readonly string[];
}

/** What one log says (see `FRESH`, `REJECTS`); kept by text, as every step reads the logs again. */
const factsOf: (log: string) => LogFacts = memoByText((log) => {
  let fresh: string | undefined;
  const ids = new Set<string>();
  const rejects: string[] = [];
  for (const line of log.slice(-200_000).split('\n')) {
    if (line.length > 4000) continue;
    if (REJECTS.test(line) && rejects.length < 20) rejects.push(line.trim());
    if (!FRESH.some((re) => re.test(line))) continue;
    fresh ??= line.trim();
    for (const m of line.matchAll(HEX_ID)) {
      const id = m[0].toLowerCase().replace(/-/g, '');
      if (!/^0+$/.test(id)) ids.add(id);
    }
  }
  return { fresh, ids, rejects };
});

interface Member {
  readonly ns: string;
  readonly pod: string;
  readonly set: string;
}

/** Every logged pod of a StatefulSet-like set (`<set>-<ordinal>`), by namespace, with what its logs say. */
function loggedMembers(ctx: AnalyzerContext): Map<string, { member: Member; facts: LogFacts[] }> {
  const out = new Map<string, { member: Member; facts: LogFacts[] }>();
  for (const o of outputs(ctx.seen, 'get_pod_logs')) {
    const pod = String(o.args['name'] ?? '');
    const m = ORDINAL.exec(pod);
    if (!m) continue;
    const ns = String(o.args['namespace'] ?? ctx.ns);
    const key = `${ns}/${pod}`;
    const entry = out.get(key) ?? { member: { ns, pod, set: m[1]! }, facts: [] };
    entry.facts.push(factsOf(o.content));
    out.set(key, entry);
  }
  return out;
}

/** The pods of `set` in the namespace's pod list, its own pod left out (none when the list was not read). */
function siblings(ctx: AnalyzerContext, m: Member): string[] {
  const listed = podsOf(ctx.seen, m.ns);
  if ('read' in listed) return [];
  return [...new Set(listed.rows.map((r) => r['NAME'] ?? ''))].filter(
    (n) => n !== m.pod && ORDINAL.exec(n)?.[1] === m.set,
  );
}

interface Wiped {
  readonly member: Member;
  readonly fresh: string;
  /** A sibling's line refusing it, and that sibling. */
  readonly by: string;
  readonly rejected: string;
}

/** A member that made its state anew and that a sibling refuses (naming its pod or one of its new ids). */
function wipedMembers(ctx: AnalyzerContext): Wiped[] {
  const members = loggedMembers(ctx);
  const out: Wiped[] = [];
  for (const { member, facts } of members.values()) {
    const fresh = facts.map((f) => f.fresh).find((f) => f !== undefined);
    if (fresh === undefined) continue;
    const ids = new Set(facts.flatMap((f) => [...f.ids]));
    for (const other of members.values()) {
      const o = other.member;
      if (o.ns !== member.ns || o.set !== member.set || o.pod === member.pod) continue;
      // A refuser that made its state anew too is a group on its first boot, not a member wiped later.
      if (other.facts.some((f) => f.fresh !== undefined)) continue;
      const rejected = other.facts
        .flatMap((f) => f.rejects)
        .find((line) => {
          if (line.toLowerCase().includes(`${member.pod}.`) || line.includes(` ${member.pod} `)) return true;
          for (const id of line.matchAll(HEX_ID))
            if (ids.has(id[0].toLowerCase().replace(/-/g, ''))) return true;
          return false;
        });
      if (rejected !== undefined) {
        out.push({ member, fresh, by: o.pod, rejected });
        break;
      }
    }
  }
  return out;
}

/**
 * A member of a replicated group (a StatefulSet's pod: a database's masters, a consensus group) that came
 * back with an empty data directory, after its node or its volume was replaced, and so with a new
 * identity the others do not know. Raft-style groups keep their membership by identity: the rejoined
 * member is not part of the committed configuration, the others refuse it, and the group is a member
 * short; with another member down it has no majority and cannot keep a leader. Found from the logs: a
 * member's own line saying it found no existing data and made a new layout or id, and a sibling's line
 * refusing it by its pod name or one of the ids its log names ("unknown peer UUID", "UUID mismatch").
 * Reads: once a member's log says either, its siblings' logs (at most four, those a refusal names
 * first). The fix is the group's own procedure for replacing a member (remove the old identity from the
 * configuration and add the new one); restarting the pods changes nothing.
 */
export const wipedMemberAnalyzer: Analyzer = {
  name: 'wiped-member',
  reads(ctx): Read[] {
    const members = loggedMembers(ctx);
    const out: Read[] = [];
    const asked = new Set<string>();
    for (const { member, facts } of members.values()) {
      const rejects = facts.flatMap((f) => f.rejects);
      if (!facts.some((f) => f.fresh !== undefined) && rejects.length === 0) continue;
      const sibs = siblings(ctx, member);
      if (sibs.length === 0) {
        const listed = podsOf(ctx.seen, member.ns);
        if ('read' in listed && !asked.has(`list/${member.ns}`)) {
          asked.add(`list/${member.ns}`);
          out.push(listed.read);
        }
        continue;
      }
      const named = sibs.filter((s) => rejects.some((l) => l.toLowerCase().includes(`${s}.`)));
      const order = [...named, ...sibs.filter((s) => !named.includes(s))].slice(0, MAX_SIBLINGS);
      for (const name of order) {
        const key = `${member.ns}/${name}`;
        if (members.has(key) || asked.has(key)) continue;
        asked.add(key);
        out.push({ tool: 'get_pod_logs', args: { namespace: member.ns, name } });
      }
    }
    return out;
  },
  finds(ctx): Finding[] {
    return wipedMembers(ctx).map((w) => {
      const listed = podsOf(ctx.seen, w.member.ns);
      const down =
        'rows' in listed
          ? listed.rows.find(
              (r) =>
                r['NAME'] !== w.member.pod &&
                ORDINAL.exec(r['NAME'] ?? '')?.[1] === w.member.set &&
                (r['STATUS'] !== 'Running' || (r['READY'] ?? '').startsWith('0/')),
            )
          : undefined;
      const quorum = down
        ? `with ${down['NAME']} also down (${down['STATUS']}), the group has no majority and cannot elect or keep a leader (no quorum)`
        : 'one more member down leaves it without a majority (no quorum), and so without a leader';
      return {
        weight: 96,
        object: `pod ${w.member.pod} in ${w.member.ns}`,
        cause: `${w.member.pod} came back with an empty data directory and so a new identity: its log says "${clip(w.fresh, 150)}", and ${w.by} refuses it as a member it does not know ("${clip(w.rejected, 170)}"). The ${w.member.set} group keeps its membership by identity, so the rejoined member is not part of the committed Raft configuration and the group runs a member short: ${quorum}`,
        evidence: [
          `get_pod_logs ${w.member.pod}: "${clip(w.fresh, 150)}"`,
          `get_pod_logs ${w.by}: "${clip(w.rejected, 150)}"`,
        ],
        advice: `replace the member the way the ${w.member.set} group's own tooling does it: remove ${w.member.pod}'s old identity from the group's configuration and add the new one (or restore its data directory), then let the group elect a leader; restarting the pods or changing the network changes nothing`,
        revisionSound: true,
      };
    });
  },
};
