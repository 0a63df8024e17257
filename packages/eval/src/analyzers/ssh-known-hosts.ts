import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedField,
  describedVolumes,
  type Finding,
  outputs,
  type Read,
  secretDataKeys,
} from './types.js';

/**
 * OpenSSH's refusals of a server whose host key it cannot check (ssh(1), "VERIFYING HOST KEYS"): no
 * key for the host in known_hosts with StrictHostKeyChecking on ("Host key verification failed."), or
 * a key that differs from the one recorded ("REMOTE HOST IDENTIFICATION HAS CHANGED").
 */
const REFUSED =
  /Host key verification failed|No (?:ED25519|RSA|ECDSA) host key is known for|REMOTE HOST IDENTIFICATION HAS CHANGED/;

interface Refusal {
  pod: string;
  container: string;
  line: string;
  secret: string;
  path: string;
  changed: boolean;
}

/** The first logged SSH host-key refusal of the namespace whose container mounts a Secret at a `.ssh` path. */
function refusal(ctx: AnalyzerContext): Refusal | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const line = log.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 2000 && REFUSED.test(l));
    if (!line) continue;
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content;
    if (!described) continue;
    const sections = containerSections(described);
    const wanted = log.args['container'];
    const c = sections.find((s) => s.name === wanted) ?? sections.find((s) => /\.ssh\b/.test(s.body));
    if (!c) continue;
    const mount = /^\s+(\S{1,400}\.ssh\S{0,200}) from ([a-z0-9-]{1,63})\b/m.exec(c.body);
    if (!mount) continue;
    const volume = describedVolumes(described).find((v) => v.name === mount[2]);
    if (volume?.type !== 'Secret' || !volume.source) continue;
    return {
      pod,
      container: c.name,
      line: line.trim(),
      secret: volume.source,
      path: mount[1]!,
      changed: /HAS CHANGED/.test(line),
    };
  }
  return undefined;
}

/**
 * An SSH client (a git clone in an init container, an rsync, a deploy step) that refuses the server
 * because it cannot verify the server's host key. The client reads its keys and `known_hosts` from the
 * Secret it mounts at a `.ssh` path; a Secret recreated by a key rotation with only the private key
 * leaves no known_hosts, so every new pod fails while pods that started before keep running. Reads the
 * Secret's description (its data keys, its age); the finding names the missing or stale known_hosts.
 */
export const sshKnownHostsAnalyzer: Analyzer = {
  name: 'ssh-known-hosts',
  first: true,
  reads(ctx): Read[] {
    const r = refusal(ctx);
    if (!r) return [];
    const read = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'Secret' && o.args['name'] === r.secret && o.args['namespace'] === ctx.ns,
    ).length;
    return read
      ? []
      : [{ tool: 'describe_resource', args: { kind: 'Secret', name: r.secret, namespace: ctx.ns } }];
  },
  finds(ctx): Finding[] {
    const r = refusal(ctx);
    if (!r) return [];
    const described = outputs(
      ctx.seen,
      'describe_resource',
      (o) => o.args['kind'] === 'Secret' && o.args['name'] === r.secret && o.args['namespace'] === ctx.ns,
    ).pop()?.content;
    if (!described) return [];
    const keys = secretDataKeys(described);
    const age = describedField(described, 'Age');
    const hasKnownHosts = keys.includes('known_hosts');
    if (hasKnownHosts && !r.changed) return [];
    const held = keys.length ? keys.join(', ') : 'no keys';
    return [
      {
        weight: 88,
        object: `pod ${r.pod}`,
        cause: hasKnownHosts
          ? `the SSH client in ${r.container} refuses the server because its host key changed ("${clip(r.line, 160)}"): the known_hosts in Secret ${r.secret}, mounted at ${r.path}, records another key for that host; the server's key was rotated (or the name points at another host). Verify the new fingerprint and update known_hosts in the Secret`
          : `the SSH client in ${r.container} cannot verify the server's host key ("${clip(r.line, 160)}"): it reads ${r.path} from Secret ${r.secret}${age ? `, recreated ${age} ago` : ''}, which holds only ${held} and no known_hosts, so with strict host key checking every connection (the git clone) is refused before any key is offered. Pods that started before the Secret changed keep running; each new pod fails. Add the server's host key back to the Secret as known_hosts (ssh-keyscan the host and check its fingerprint); the deploy key itself is not the problem`,
        evidence: [
          `get_pod_logs ${r.pod} (${r.container}): "${clip(r.line, 160)}"`,
          `describe_resource Secret ${r.secret}: data ${held}`,
          `describe_pod ${r.pod}: ${r.path} from Secret ${r.secret}`,
        ],
        advice: `put the Git server's host key (known_hosts) back into Secret ${r.secret}, then let the pod restart`,
        revisionSound: true,
      },
    ];
  },
};
