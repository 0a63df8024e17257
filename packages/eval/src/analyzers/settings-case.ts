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

/** A ConfigMap key that holds a Python settings module (`settings.py`, `prod_settings.py`, `local_settings.py`). */
const SETTINGS_KEY = /^([\w.-]{0,80}settings[\w.-]{0,40}\.py):\s*$/m;

interface Miscased {
  name: string;
  upper: string;
  value: string;
}

/**
 * The assignments of a settings module read from a ConfigMap (`describe_resource` or `get_resource`
 * output) whose name has lower-case letters while its upper-case form is a setting the program reads: one
 * of Django's documented settings, or a name that starts like an upper-case setting the same file assigns
 * (`Email_Port` beside `EMAIL_HOST`). Django takes only upper-case module attributes as settings
 * (django.conf.Settings copies `setting.isupper()` names; the docs: "Setting names must be all
 * uppercase"), so such an assignment is ignored.
 */
export function miscasedSettings(text: string): Miscased[] {
  if (!SETTINGS_KEY.test(text.slice(0, 200_000))) return [];
  const lines = text.split('\n', 5000);
  const assigned = lines.flatMap((l) => {
    const m = l.length <= 500 ? ASSIGNMENT.exec(l) : null;
    return m ? [{ name: m[1]!, value: m[2]!.trim() }] : [];
  });
  const upper = new Set(assigned.map((a) => a.name).filter((n) => n === n.toUpperCase()));
  const prefixes = new Set([...upper].map((n) => n.split('_')[0]!).filter((p) => p.length >= 3));
  return assigned
    .filter((a) => /[a-z]/.test(a.name) && /[A-Z]/.test(a.name) && a.name.includes('_'))
    .map((a) => ({ ...a, upper: a.name.toUpperCase() }))
    .filter(
      (a) =>
        !upper.has(a.upper) &&
        (DJANGO_DEFAULTS[a.upper] !== undefined || prefixes.has(a.upper.split('_')[0]!)),
    );
}

/** A log line that connects to a host and port (`connect: to ('relay.example', 25)`, `relay.example:25`). */
function connectLine(text: string, port: string): string | undefined {
  return boundedLogLines(text).find(
    (l) =>
      l.length <= 2000 &&
      (l.includes(`', ${port})`) || new RegExp(`[a-z0-9.-]:${port}\\b`).test(l)) &&
      /connect|send|smtp|dial|timed out|timeout/i.test(l),
  );
}

/** The ports an egress NetworkPolicy read in the namespace allows to outside addresses, or undefined. */
function egressPorts(ctx: AnalyzerContext): { policy: string; ports: string[] } | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_resource',
    (o) => o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === ctx.ns,
  )) {
    const text = o.content.slice(0, 100_000);
    if (!/policyTypes:[\s\S]{0,80}Egress/.test(text) || !/ipBlock:/.test(text)) continue;
    const ports = [...text.matchAll(/^\s{0,40}-?\s{0,4}port:\s{0,4}(\d{1,5})\s*$/gm)].map((m) => m[1]!);
    if (ports.length > 0) return { policy: String(o.args['name']), ports: [...new Set(ports)] };
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
    for (const m of maps) {
      const wrong = miscasedSettings(m.content);
      if (wrong.length === 0) continue;
      const name = String(m.args['name']);
      const key = SETTINGS_KEY.exec(m.content.slice(0, 200_000))?.[1] ?? 'settings.py';
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
        if (egress && !egress.ports.includes('25'))
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
