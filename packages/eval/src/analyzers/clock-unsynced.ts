import { parseTable } from '../k8s-text.js';
import { type Analyzer, boundedLogLines, clip, type Finding, outputs, podsOf, type Read } from './types.js';

/**
 * A credential or a one-time code refused for its time: OAuth/OIDC codes (Keycloak's `expired_code`, "Code not
 * valid"), JWTs whose `iat`/`nbf` lie ahead ("token used before issued", "not yet valid"), Kerberos' skew.
 */
const TIME_REFUSAL =
  /\bexpired_code\b|\bCode not valid\b|token used before issued|\b(?:token|assertion|jwt|signature) (?:is )?(?:not yet valid|not valid yet)|\bnot valid yet\b|\biat\b[^\n]{0,40}\bin the future\b|\bClock skew too great\b|\bclock skew\b/i;
/** A node's time agent: chrony, ntpd, systemd-timesyncd, as a DaemonSet's pods are usually named. */
const TIME_AGENT =
  /^(?:chrony|chronyd|ntp|ntpd|timesyncd|systemd-timesyncd|time-?sync)(?:-[a-z0-9-]{1,60})?$/;
/** What such an agent logs when it cannot keep the clock: chrony's, ntpd's and timesyncd's wording. */
const UNSYNCED =
  /Can't synchroni[sz]e: no selectable sources|no selectable sources|\bclock (?:is )?(?:not |un)synchroni[sz]ed\b|\bno servers? (?:can be used|reachable)\b|\btime (?:is )?not synchroni[sz]ed\b/i;
/** What it logs once it keeps time again: chrony's "Selected source", timesyncd's "Synchronized to time server", ntpd's sync. */
const SYNCED =
  /\bSelected source\b|\bSynchroni[sz]ed to time server\b|\bkernel time sync (?:status|enabled)\b|\bsynchroni[sz]ed to \d/i;

/** The agent's lines since it last kept time: its unsynced lines after its last synced one (none when it synced last). */
function unsyncedNow(lines: readonly string[]): string[] {
  const back = lines.findLastIndex((l) => SYNCED.test(l));
  return lines.slice(back + 1).filter((l) => UNSYNCED.test(l));
}

/** The pods of a namespace's list with their nodes. */
function podNodes(content: string): { name: string; node: string }[] {
  return parseTable(content)
    .map((r) => ({ name: r['NAME'] ?? '', node: r['NODE'] ?? '' }))
    .filter((r) => r.name && r.node && r.node !== '<none>');
}

/**
 * One node's clock drifting because its time agent cannot reach a time source: a replica on that node stamps
 * codes and tokens with a clock that is off, so a replica on another node finds them expired or not yet valid,
 * and the logins that land on the two replicas in turn fail part of the time ("Code not valid"; trying again
 * works). Found from the refusals in the namespace's logs and the time agent's log on the node of one of the
 * replicas (chrony: "Can't synchronise: no selectable sources").
 */
export const clockUnsyncedAnalyzer: Analyzer = {
  name: 'clock-unsynced',
  // A refusal for time is a strong signal: the time agents' logs come before the routine reads.
  early: true,
  reads({ ns, seen }): Read[] {
    const refused = outputs(seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ns) === ns).some((o) =>
      boundedLogLines(o.content, 500).some((l) => TIME_REFUSAL.test(l)),
    );
    if (!refused) return [];
    const system = podsOf(seen, 'kube-system');
    if ('read' in system) return [system.read];
    const agents = system.rows.filter((r) => TIME_AGENT.test(r['NAME'] ?? ''));
    return agents
      .slice(0, 4)
      .map((r) => ({ tool: 'get_pod_logs', args: { namespace: 'kube-system', name: r['NAME'] } }));
  },
  finds({ ns, seen }): Finding[] {
    const refusal = outputs(seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ns) === ns)
      .map((o) => ({
        pod: String(o.args['name']),
        line: boundedLogLines(o.content, 500).find((l) => TIME_REFUSAL.test(l)),
      }))
      .find((x) => x.line);
    if (!refusal?.line) return [];
    const system = outputs(seen, 'list_pods', (o) => o.args['namespace'] === 'kube-system').pop();
    const here = outputs(
      seen,
      'list_pods',
      (o) => o.args['namespace'] === ns && !o.args['labelSelector'],
    ).pop();
    if (!system || !here) return [];
    const local = podNodes(here.content);
    // Each agent whose log was read, with its lines since it last kept time.
    const agents = podNodes(system.content)
      .filter((p) => TIME_AGENT.test(p.name))
      .map((a) => {
        const log = outputs(
          seen,
          'get_pod_logs',
          (o) => o.args['namespace'] === 'kube-system' && o.args['name'] === a.name,
        ).pop();
        return {
          ...a,
          read: log !== undefined,
          unsynced: log ? unsyncedNow(boundedLogLines(log.content)) : [],
        };
      });
    for (const agent of agents) {
      const unsynced = agent.unsynced;
      if (unsynced.length === 0) continue;
      // Its node runs part of the namespace's pods, and not all of them: the others keep good time.
      const onIt = local.filter((p) => p.node === agent.node);
      if (onIt.length === 0 || onIt.length === local.length) continue;
      // Only nodes whose agents were read and keep time are said to be in sync.
      const synced = agents
        .filter((a) => a !== agent && a.read && a.unsynced.length === 0)
        .map((a) => a.node);
      const alsoLost = agents.filter((a) => a !== agent && a.unsynced.length > 0).map((a) => a.node);
      return [
        {
          weight: 88,
          object: `node ${agent.node}`,
          cause: `node ${agent.node}'s clock is no longer synchronised: its time agent ${agent.name} cannot reach a time source ("${clip(unsynced[unsynced.length - 1]!.trim(), 120)}"${unsynced.length > 1 ? `, ${unsynced.length} times` : ''}), so the clock drifts; ${onIt.map((p) => p.name).join(', ')} on it stamp${onIt.length === 1 ? 's' : ''} codes and tokens with that clock, and a replica on another node${synced.length ? ` (${[...new Set(synced)].join(', ')}, in sync)` : ''} finds them expired or not yet valid ("${clip(refusal.line.trim(), 140)}" in ${refusal.pod}'s log): only requests that cross between the nodes fail, so a retry often works${alsoLost.length ? `; the time agents of ${[...new Set(alsoLost)].join(', ')} lost their sources too, so the time servers may be unreachable from the cluster and those clocks drift as well` : ''}`,
          evidence: [
            `get_pod_logs ${agent.name} (kube-system, node ${agent.node}): "${clip(unsynced[unsynced.length - 1]!.trim(), 160)}"`,
            `get_pod_logs ${refusal.pod}: "${clip(refusal.line.trim(), 160)}"`,
            `list_pods ${ns}: ${onIt.map((p) => `${p.name} on ${agent.node}`).join(', ')}`,
          ],
          advice: `restore time sync on ${agent.node} (the time agent's sources: reachable NTP servers, its network path), check the offset (chronyc tracking), then restart the pods on it if they cached a wrong time; meanwhile cordon ${agent.node} and move the replicas off it`,
        },
      ];
    }
    return [];
  },
};
