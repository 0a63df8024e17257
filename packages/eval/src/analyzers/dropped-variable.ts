import { redactSecrets } from '@sre-harness/core';
import { squashName as squash } from './env-values.js';
import { type Change, described, latestRolloutChanges, VALUE_FROM } from './rollout-diff.js';
import { type Analyzer, boundedLogLines, clip, type Finding, outputs } from './types.js';

/**
 * Whether a setting's name in a log is the one a variable carries, as settings libraries map them: the same
 * letters (Viper and koanf: `COURIER_SMTP_CONNECTION_URI` for `courier.smtp.connection_uri`; .NET's
 * `Smtp__ConnectionUri` for `Smtp:ConnectionUri`), or after an application prefix of one or two words
 * (`MYAPP_DATABASE_URL` for `database.url`, Viper's SetEnvPrefix).
 */
function carries(variable: string, setting: string): boolean {
  const want = squash(setting);
  if (want.length < 3) return false;
  const words = variable.split(/_+/).filter(Boolean);
  for (let drop = 0; drop <= Math.min(2, words.length - 1); drop++)
    if (squash(words.slice(drop).join('')) === want) return true;
  return false;
}

/** Words of a configuration check for a setting it needs and has not got. */
const MISSING =
  /missing|required|<nil>|\bnot set\b|\bis empty\b|\bundefined\b|must be (?:set|provided|specified)/i;
/** Words of a program that goes on without a setting (an optional one): not what stopped it. */
const OPTIONAL = /disabl|default|skipp|optional|continu|ignor|fall(?:s|ing)? back|without it/i;
/** A request's own missing field (an access log or an API answer), not the program's configuration. */
const REQUEST = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD)\s+\/|\s[45]\d\d\s|\bHTTP\/\d/;
/** A pointer under a key the line above names (`    ^-- one or more required properties are missing`). */
const POINTER = /^\s*[\^~]/;

/** `valueFrom secret <name>, entry <key>` (rollout-diff's words for a variable read from a Secret or ConfigMap). */
const FROM = /^valueFrom (secret|config map) ([a-z0-9][a-z0-9.-]{0,252}), entry ([\w.-]{1,253})$/;

/**
 * The init containers' variables of a ReplicaSet's described template (`template.spec.initContainers[i]…`),
 * each as rollout-diff words its value (a literal, or `valueFrom secret x, entry y`): rollout-diff compares the
 * app containers only.
 */
function initVariables(text: string): Map<string, { container: string; env: string; value: string }> {
  const flat = new Map<string, string>();
  for (const line of text.split('\n').slice(0, 4000)) {
    const m =
      line.length <= 2400
        ? /^\s{0,8}template\.spec\.(initContainers\[\d{1,2}\]\.\S{1,200}): (.{0,2000})$/.exec(line)
        : null;
    if (m) flat.set(m[1]!, m[2]!.trim());
  }
  const out = new Map<string, { container: string; env: string; value: string }>();
  for (const [k, v] of flat) {
    const m = /^initContainers\[(\d{1,2})\]\.env\[(\d{1,3})\]\.name$/.exec(k);
    if (!m) continue;
    const at = `initContainers[${m[1]}].env[${m[2]}]`;
    const container = flat.get(`initContainers[${m[1]}].name`) ?? `#init${m[1]}`;
    let value = flat.get(`${at}.value`);
    for (const [ref, said] of [
      ['secretKeyRef', 'secret'],
      ['configMapKeyRef', 'config map'],
    ] as const) {
      const name = flat.get(`${at}.valueFrom.${ref}.name`);
      if (value === undefined && name !== undefined)
        value = `${VALUE_FROM}${said} ${name}, entry ${flat.get(`${at}.valueFrom.${ref}.key`) ?? '?'}`;
    }
    out.set(`${container}\u0000${v}`, { container, env: v, value: value ?? `${VALUE_FROM}field` });
  }
  return out;
}

/** The variables the latest rollout removed, app and init containers alike. */
function removedVariables(
  ctx: Parameters<Analyzer['finds']>[0],
  rollout: NonNullable<ReturnType<typeof latestRolloutChanges>>,
): Change[] {
  const out: Change[] = rollout.list.filter(
    (c) =>
      c.env !== undefined && c.before !== undefined && c.after === undefined && !c.container.startsWith('#'),
  );
  const before = described(ctx, rollout.sets.previous)?.content;
  const after = described(ctx, rollout.sets.current)?.content;
  if (before && after) {
    const was = initVariables(before);
    const now = initVariables(after);
    for (const [k, v] of was)
      if (!now.has(k) && !v.container.startsWith('#'))
        out.push({
          container: v.container,
          field: `env ${v.env}`,
          env: v.env,
          before: v.value,
          after: undefined,
        });
  }
  return out;
}

/** Whether the harness's redaction would mask this assignment's value (it is then never quoted). */
function secretValued(variable: string, value: string): boolean {
  const text = `${variable}=${value}`;
  return redactSecrets(text) !== text;
}

/**
 * The latest rollout of a crashing Deployment removed a variable (a chart upgrade that no longer renders it),
 * and the program now stops because the setting that variable carried is missing: its configuration check
 * names the setting (`courier.smtp.connection_uri: <nil>` with a pointer under it saying required properties
 * are missing), or the variable itself (`DATABASE_URL must be set`). The setting and the variable are compared
 * as settings libraries map them (see `carries`). Not a program that goes on without the setting, nor a
 * request's own missing field. The fix puts the variable back on the container whose log says so, as it was: its
 * literal value (never one the redactor masked, never quoted in the text when the name says it is a secret), or
 * the same Secret or ConfigMap entry.
 */
export const droppedVariableAnalyzer: Analyzer = {
  name: 'dropped-variable',
  reads: () => [],
  finds(ctx): Finding[] {
    const rollout = latestRolloutChanges(ctx, true);
    if (!rollout) return [];
    const removed = removedVariables(ctx, rollout);
    if (removed.length === 0) return [];
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) =>
        o.args['namespace'] === ctx.ns && String(o.args['name'] ?? '').startsWith(`${rollout.deployment}-`),
    );
    for (const log of logs) {
      const lines = boundedLogLines(log.content);
      // The container the log is from, when it says; else any container that lost the variable.
      const from = log.args['container'] ? String(log.args['container']) : undefined;
      for (const c of removed.filter((x) => !from || x.container === from)) {
        const at = lines.findIndex((l, i) => {
          if (l.length > 4000 || REQUEST.test(l) || OPTIONAL.test(l)) return false;
          const names = l.match(/[A-Za-z][\w.:-]{2,200}/g) ?? [];
          if (!names.some((n) => carries(c.env!, n.replace(/[.:]+$/, '')))) return false;
          // The line, or a pointer under it, says the setting is missing.
          return MISSING.test(l) || (POINTER.test(lines[i + 1] ?? '') && MISSING.test(lines[i + 1] ?? ''));
        });
        if (at < 0) continue;
        const line = lines[at]!.trim();
        const next = MISSING.test(line) ? '' : ` ${lines[at + 1]!.trim()}`;
        const ref = FROM.exec(c.before!);
        const literal = !c.before!.startsWith(VALUE_FROM);
        // A literal the redactor masked cannot be put back; neither can a field or resource reference.
        const entry = ref
          ? {
              name: c.env!,
              [ref[1] === 'secret' ? 'secretKeyRef' : 'configMapKeyRef']: { name: ref[2]!, key: ref[3]! },
            }
          : literal && !c.before!.includes('<redacted>')
            ? { name: c.env!, value: c.before! }
            : undefined;
        const was = ref
          ? `from ${ref[1]} ${ref[2]}, entry ${ref[3]}`
          : literal
            ? secretValued(c.env!, c.before!) || c.before!.includes('<redacted>')
              ? 'its former value'
              : c.before!
            : c.before!.slice(VALUE_FROM.length);
        const said = clip(`${line}${next}`, 200);
        return [
          {
            weight: 93,
            object: `deployment ${rollout.deployment}`,
            cause: `the latest rollout of ${rollout.deployment} (revision ${rollout.rev.n}${rollout.rev.cause ? `: ${rollout.rev.cause}` : ''}) removed the variable ${c.env} of container ${c.container} (${was}), and the setting it carried is now missing: the program's configuration check says "${said}" and it stops, since that setting is required. The new release is not otherwise at fault`,
            evidence: [
              `describe_resource ReplicaSet ${rollout.sets.previous}: ${c.env} ${was}`,
              `describe_resource ReplicaSet ${rollout.sets.current}: no ${c.env}`,
              `get_pod_logs ${String(log.args['name'])}${from ? ` (${from})` : ''}: "${said}"`,
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
