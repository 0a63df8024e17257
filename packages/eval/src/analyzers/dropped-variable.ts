import { latestRolloutChanges, VALUE_FROM } from './rollout-diff.js';
import { type Analyzer, boundedLogLines, clip, type Finding, outputs } from './types.js';

/** A name as a config key and a variable compare: lower case, letters and digits (`courier.smtp.connection_uri`). */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Words a program's configuration check uses for a setting it needs and has not got. */
const MISSING =
  /missing|required|<nil>|\bnot set\b|\bis empty\b|\bundefined\b|must be (?:set|provided|specified)/i;

/** `valueFrom secret <name>, entry <key>` (rollout-diff's words for a variable read from a Secret or ConfigMap). */
const FROM = /^valueFrom (secret|config map) ([a-z0-9][a-z0-9.-]{0,252}), entry ([\w.-]{1,253})$/;

/**
 * The latest rollout of a crashing Deployment removed a variable (a chart upgrade that no longer renders it),
 * and the program now stops because the setting that variable carried is missing: its configuration check
 * names the setting (`courier.smtp.connection_uri: <nil>` … `one or more required properties are missing`),
 * or the variable itself. Settings libraries map a variable to a key by its words (Viper's and koanf's
 * `COURIER_SMTP_CONNECTION_URI` for `courier.smtp.connection_uri`), so the two are compared by their letters.
 * The fix puts the variable back as it was: its literal value, or the same Secret or ConfigMap entry.
 */
export const droppedVariableAnalyzer: Analyzer = {
  name: 'dropped-variable',
  reads: () => [],
  finds(ctx): Finding[] {
    const rollout = latestRolloutChanges(ctx);
    if (!rollout) return [];
    const removed = rollout.list.filter(
      (c) => c.env && c.before !== undefined && c.after === undefined && !c.container.startsWith('#'),
    );
    if (removed.length === 0) return [];
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) =>
        o.args['namespace'] === ctx.ns && String(o.args['name'] ?? '').startsWith(`${rollout.deployment}-`),
    );
    for (const c of removed) {
      const want = squash(c.env!);
      if (want.length < 6) continue;
      for (const log of logs) {
        const lines = boundedLogLines(log.content);
        const at = lines.findIndex((l, i) => {
          if (l.length > 4000) return false;
          const names = l.match(/[A-Za-z][\w.-]{2,200}/g) ?? [];
          if (!names.some((n) => squash(n) === want)) return false;
          // The line, or the one after it (a pointer under the key), says the setting is missing.
          return MISSING.test(l) || MISSING.test(lines[i + 1] ?? '');
        });
        if (at < 0) continue;
        const line = lines[at]!.trim();
        const next = MISSING.test(line) ? '' : ` ${lines[at + 1]!.trim()}`;
        const from = FROM.exec(c.before!);
        const entry = from
          ? {
              name: c.env!,
              [from[1] === 'secret' ? 'secretKeyRef' : 'configMapKeyRef']: { name: from[2]!, key: from[3]! },
            }
          : c.before!.startsWith(VALUE_FROM)
            ? undefined
            : { name: c.env!, value: c.before! };
        const was = from ? `from ${from[1]} ${from[2]}, entry ${from[3]}` : c.before!;
        return [
          {
            weight: 93,
            object: `deployment ${rollout.deployment}`,
            cause: `the latest rollout of ${rollout.deployment} (revision ${rollout.rev.n}${rollout.rev.cause ? `: ${rollout.rev.cause}` : ''}) removed the variable ${c.env} of container ${c.container} (${was}), and the setting it carried is now missing: the program's configuration check says "${clip(`${line}${next}`, 200)}" and it stops, since that setting is required. The new release is not otherwise at fault`,
            evidence: [
              `describe_resource ReplicaSet ${rollout.sets.previous}: ${c.env} ${was}`,
              `describe_resource ReplicaSet ${rollout.sets.current}: no ${c.env}`,
              `get_pod_logs ${String(log.args['name'])}: "${clip(`${line}${next}`, 200)}"`,
            ],
            advice: `put ${c.env} back on ${rollout.deployment}/${c.container} (${was}), or set it in the chart's values so the next upgrade keeps it`,
            revisionSound: true,
            ...(entry
              ? {
                  fix: {
                    tool: 'set_env',
                    args: {
                      namespace: ctx.ns,
                      deployment: rollout.deployment,
                      container: c.container,
                      set: [entry],
                    },
                    text: `put ${c.env} back on ${rollout.deployment}/${c.container} (${was}), as the rollout before had it`,
                  },
                }
              : {}),
          },
        ];
      }
    }
    return [];
  },
};
