import { parse as parseYaml } from 'yaml';
import { parsedObject } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  configMapVolumes,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * Django's documented defaults of the settings a miscased name most often means to set
 * (docs.djangoproject.com, "Settings" reference): what the program uses when the name it reads is absent.
 */
const DJANGO_DEFAULTS: Readonly<Record<string, string>> = {
  EMAIL_PORT: '25',
  EMAIL_USE_TLS: 'False',
  EMAIL_USE_SSL: 'False',
  EMAIL_HOST: "'localhost'",
  EMAIL_HOST_USER: "''",
  EMAIL_HOST_PASSWORD: "''",
  EMAIL_TIMEOUT: 'None',
  DEFAULT_FROM_EMAIL: "'webmaster@localhost'",
  SERVER_EMAIL: "'root@localhost'",
  DEBUG: 'False',
  ALLOWED_HOSTS: '[]',
  TIME_ZONE: "'America/Chicago'",
  CSRF_TRUSTED_ORIGINS: '[]',
  SESSION_COOKIE_SECURE: 'False',
  SECURE_PROXY_SSL_HEADER: 'None',
  DATA_UPLOAD_MAX_MEMORY_SIZE: '2621440',
  CONN_MAX_AGE: '0',
};

/** A top-level assignment of a Python settings file: `Name = value`. Bounded: the name is at most 100 characters. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]{0,99})\s{0,8}=\s{0,8}([^=\n].{0,300})$/;

interface Miscased {
  name: string;
  upper: string;
  value: string;
}

/** A ConfigMap key that names a Python settings module. */
const SETTINGS_NAME = /^[\w.-]{0,80}settings[\w.-]{0,40}\.py$/;

/**
 * The Python settings modules of a ConfigMap's read text: the keys named like `settings.py` and their
 * contents, from `describe_resource` (`key:` then `----` then the value, up to the next key or `Events:`)
 * or from `get_resource`'s YAML (`data:`).
 */
export function settingsModules(text: string): { key: string; body: string }[] {
  if (text.length > 300_000) return [];
  const out: { key: string; body: string }[] = [];
  if (/^data:\s*$/m.test(text)) {
    try {
      const doc = parseYaml(text) as { data?: Record<string, unknown> } | null;
      for (const [key, value] of Object.entries(doc?.data ?? {}))
        if (SETTINGS_NAME.test(key) && typeof value === 'string') out.push({ key, body: value });
      return out;
    } catch {
      return [];
    }
  }
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const key = /^([\w.-]{1,160}):$/.exec(lines[i]!)?.[1];
    if (!key || lines[i + 1] !== '----' || !SETTINGS_NAME.test(key)) continue;
    const body: string[] = [];
    for (let j = i + 2; j < lines.length; j++) {
      const l = lines[j]!;
      if ((/^[\w.-]{1,160}:$/.test(l) && lines[j + 1] === '----') || /^(?:Events|BinaryData):/.test(l)) break;
      body.push(l);
    }
    out.push({ key, body: body.join('\n') });
  }
  return out;
}

/**
 * The assignments of a settings module (its text) whose name has lower-case letters while its upper-case
 * form is a setting the program reads: one of Django's documented settings, or a name that starts like an
 * upper-case setting the same file assigns (`Email_Port` beside `EMAIL_HOST`), and that the module does not
 * use itself (a helper variable read by another setting is no setting). Django takes only upper-case
 * module attributes as settings (django.conf.Settings copies `setting.isupper()` names; the docs: "Setting
 * names must be all uppercase"), so such an assignment is ignored.
 */
export function miscasedSettings(body: string): Miscased[] {
  const lines = body.split('\n', 5000);
  const assigned = lines.flatMap((l) => {
    const m = l.length <= 500 ? ASSIGNMENT.exec(l) : null;
    return m ? [{ name: m[1]!, value: m[2]!.trim() }] : [];
  });
  const upper = new Set(assigned.map((a) => a.name).filter((n) => n === n.toUpperCase()));
  const prefixes = new Set([...upper].map((n) => n.split('_')[0]!).filter((p) => p.length >= 3));
  // How often each name is written as a word in the module, comments and conditions aside (an `if` that
  // compares it is no use of a helper): an assignment alone is once. One pass over the words.
  const written = new Map<string, number>();
  for (const l of lines) {
    if (l.length > 2000 || /^\s*(?:#|if\b|elif\b|while\b|assert\b)/.test(l)) continue;
    for (const m of l.matchAll(/[A-Za-z_][A-Za-z0-9_]{0,99}/g))
      written.set(m[0], (written.get(m[0]) ?? 0) + 1);
  }
  const uses = (name: string) => written.get(name) ?? 0;
  return assigned
    .filter((a) => /[a-z]/.test(a.name) && /[A-Z]/.test(a.name) && a.name.includes('_'))
    .map((a) => ({ ...a, upper: a.name.toUpperCase() }))
    .filter(
      (a) =>
        !upper.has(a.upper) &&
        (DJANGO_DEFAULTS[a.upper] !== undefined || prefixes.has(a.upper.split('_')[0]!)) &&
        uses(a.name) === 1,
    );
}

/**
 * A log line that connects to a host and port: `('relay.example', 25)` as Python prints an address,
 * `relay.example:25` or `10.0.0.5:25` (a name ending in a letter, or an IPv4 address; a time stamp's
 * `13:25:07` is neither).
 */
function connectLine(text: string, port: string): string | undefined {
  const hostPort = new RegExp(`(?:[a-z-]|(?:^|[^\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}):${port}\\b(?!:)`, 'i');
  return boundedLogLines(text).find(
    (l) =>
      l.length <= 2000 &&
      (l.includes(`', ${port})`) || hostPort.test(l)) &&
      /connect|send|smtp|dial|timed out|timeout/i.test(l),
  );
}

/**
 * The ports an egress NetworkPolicy read in the namespace allows to outside addresses (its egress rules
 * whose peers include an ipBlock, `port` to `endPort` as ranges), or undefined when it allows every port
 * there (a rule to outside addresses without ports) or has no such rule.
 */
function egressPorts(
  ctx: AnalyzerContext,
): { policy: string; ports: string[]; allows: (p: number) => boolean } | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_resource',
    (o) => o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === ctx.ns,
  )) {
    const doc = parsedObject<{ spec?: { egress?: unknown } }>(o.content);
    const rules = Array.isArray(doc?.spec?.egress) ? (doc.spec.egress as Record<string, unknown>[]) : [];
    const outside = rules.filter(
      (r) =>
        !Array.isArray(r?.['to']) ||
        (r['to'] as Record<string, unknown>[]).some((t) => t && typeof t === 'object' && 'ipBlock' in t),
    );
    if (outside.length === 0) continue;
    const ranges: [number, number][] = [];
    for (const r of outside) {
      const ports = r['ports'];
      // A rule to outside addresses without ports allows every port.
      if (!Array.isArray(ports) || ports.length === 0) return undefined;
      for (const p of ports as Record<string, unknown>[]) {
        const from = typeof p?.['port'] === 'number' ? (p['port'] as number) : undefined;
        // A named port or none: every port, as far as this reading goes.
        if (from === undefined) return undefined;
        const to = typeof p['endPort'] === 'number' ? (p['endPort'] as number) : from;
        ranges.push([from, to]);
      }
    }
    return {
      policy: String(o.args['name']),
      ports: [...new Set(ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)))],
      allows: (p) => ranges.some(([a, b]) => p >= a && p <= b),
    };
  }
  return undefined;
}

/**
 * A Python (Django) settings module in a ConfigMap that sets a setting under a miscased name
 * (`Email_Port = 587` for `EMAIL_PORT`): the program ignores it and uses the default, which the answer
 * names, with the log line that shows the default in use (a connection to port 25) and an egress policy
 * of the namespace that does not allow that default port. The read: the ConfigMaps mounted by the pods
 * described in the namespace.
 */
export const settingsCaseAnalyzer: Analyzer = {
  name: 'settings-case',
  reads(ctx) {
    const reads: Read[] = [];
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      if (!/settings[\w.-]{0,40}\.py\b/.test(d.content)) continue;
      for (const name of configMapVolumes(d.content))
        if (
          !outputs(
            ctx.seen,
            'describe_resource',
            (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name,
          ).length &&
          !outputs(ctx.seen, 'get_resource', (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name)
            .length
        )
          reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', name, namespace: ctx.ns } });
    }
    return reads.slice(0, 1);
  },
  finds(ctx) {
    const maps = [
      ...outputs(ctx.seen, 'describe_resource', (o) => o.args['kind'] === 'ConfigMap'),
      ...outputs(ctx.seen, 'get_resource', (o) => o.args['kind'] === 'ConfigMap'),
    ].filter((o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns);
    for (const m of maps)
      for (const { key, body } of settingsModules(m.content)) {
        const wrong = miscasedSettings(body);
        if (wrong.length === 0) continue;
        const name = String(m.args['name']);
        const logs = outputs(ctx.seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)
          .map((o) => o.content)
          .join('\n');
        const listed = wrong
          .slice(0, 4)
          .map((w) => `${w.name} = ${clip(w.value, 40)} (Django reads ${w.upper})`)
          .join(', ');
        const defaults = wrong
          .filter((w) => DJANGO_DEFAULTS[w.upper] !== undefined)
          .map((w) => `${w.upper} keeps its default ${DJANGO_DEFAULTS[w.upper]}`);
        let cause = `ConfigMap ${name} (${key}) sets ${listed}: the names are not all upper case, and Django takes only upper-case names as settings (they are case-sensitive), so these lines are ignored${defaults.length > 0 ? ` and ${defaults.join(', ')}` : ''}`;
        const evidence = [
          `describe_resource ConfigMap ${name}: ${wrong.map((w) => w.name).join(', ')} in ${key}`,
        ];
        const port = wrong.find((w) => w.upper === 'EMAIL_PORT');
        if (port) {
          const used = connectLine(logs, DJANGO_DEFAULTS['EMAIL_PORT']!);
          if (used) {
            cause += `; the program connects to port 25, the default, not ${port.value}: "${clip(used.trim(), 160)}"`;
            evidence.push(`get_pod_logs: "${clip(used.trim(), 160)}"`);
          }
          const egress = egressPorts(ctx);
          if (egress && !egress.allows(25))
            cause += `; the namespace's egress NetworkPolicy ${egress.policy} allows ports ${egress.ports.join(', ')} to outside addresses, not 25, so the connection to the relay on port 25 times out`;
        }
        const finding: Finding = {
          weight: 88 + bonus(name, ctx.hints),
          object: `configmap ${name}`,
          cause,
          evidence,
          advice: `write the settings in upper case in ${key} (${wrong.map((w) => `${w.upper} = ${clip(w.value, 40)}`).join(', ')}) and restart the pods that mount ConfigMap ${name}`,
        };
        return [finding];
      }
    return [];
  },
};
