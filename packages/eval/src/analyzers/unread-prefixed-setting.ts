import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** A connection refused on the pod's own loopback address: `ECONNREFUSED 127.0.0.1:6379`, `localhost:6379`. */
const LOOPBACK_REFUSED =
  /(?<![\w.:])(?:127\.0\.0\.1|localhost|\[::1\]|::1):(\d{2,5})\b[^\n]{0,80}?(?:refused|ECONNREFUSED)|(?:refused|ECONNREFUSED)[^\n]{0,80}?(?<![\w.:])(?:127\.0\.0\.1|localhost|\[::1\]|::1):(\d{2,5})\b|\bserver at "(?:localhost|127\.0\.0\.1|::1)"[^\n]{0,60}?\bport (\d{2,5}) failed:[^\n]{0,40}?\brefused/i;
/** An address's host and port in a variable's value: `redis://cms-redis:6379/0`, `cms-redis:6379`. */
const HOST_PORT =
  /^(?:[a-z][a-z0-9+.-]{0,20}:\/\/)?(?:[^@/\s]{1,200}@)?([a-z0-9][a-z0-9.-]{0,252}):(\d{2,5})(?:[/?#]|$)/i;

/**
 * Settings a program no longer reads. When a release replaces per-feature variables (`CACHE_REDIS_URL`,
 * `RATE_LIMITER_REDIS_URL`) by one (`REDIS_URL`) and the deployment still sets only the old ones, the
 * program finds its one variable unset and falls back to its default, the pod's own loopback address,
 * where nothing listens: every connection is refused though the server the old variables name is up.
 * Found from a pod's log (a connection refused on 127.0.0.1 or localhost at a port) and its description:
 * one or more variables, all named `<prefix>_<name>`, hold the same address at that port on another host,
 * and no variable is named `<name>` itself. The fix sets `<name>` to that address (`set_env`).
 */
export const unreadPrefixedSettingAnalyzer: Analyzer = {
  name: 'unread-prefixed-setting',
  reads: () => [],
  finds({ seen, ns }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => String(x.args['namespace'] ?? ns) === ns)) {
      const line = o.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 4000 && LOOPBACK_REFUSED.test(l));
      if (!line) continue;
      const m = LOOPBACK_REFUSED.exec(line)!;
      const port = m[1] ?? m[2] ?? m[3]!;
      const pod = String(o.args['name'] ?? '');
      const described = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!described) continue;
      // The container whose log refused: the one named, else the pod's first (the tool's default).
      const sections = containerSections(described.content).filter((x) => !x.init);
      const logged = o.args['container']
        ? sections.filter((x) => x.name === o.args['container'])
        : sections.slice(0, 1);
      for (const c of logged) {
        // Variables from a ConfigMap or Secret (`envFrom`) are not listed one by one: the name may be set there.
        if (c.body.includes('<all keys from')) continue;
        const env = envOf(c.body);
        const names = new Set(env.map((e) => e.name));
        const pointing = env.filter((e) => {
          const hp = HOST_PORT.exec(e.value);
          return hp && hp[2] === port && !/^(?:127\.|localhost$)/.test(hp[1]!);
        });
        // The name the variables share after their prefixes, when every one has one and it is not set.
        const suffixes = new Set(
          pointing.map(
            (e) =>
              // A word before URL/HOST/… in the shared name (`REDIS_URL`): a plain `DATABASE_URL` shares nothing.
              /^[A-Z0-9]{1,40}(?:_[A-Z0-9]{1,40}){0,4}?_([A-Z0-9]{1,40}_(?:URL|URI|HOST|ADDR|ADDRESS|DSN|ENDPOINT))$/.exec(
                e.name,
              )?.[1],
          ),
        );
        if (pointing.length === 0 || suffixes.size !== 1) continue;
        const name = [...suffixes][0];
        const values = new Set(pointing.map((e) => e.value));
        if (!name || names.has(name) || values.size !== 1) continue;
        const value = [...values][0]!;
        const owner = ownerDeployment(described.content);
        const old = pointing.map((e) => e.name).join(' and ');
        return [
          {
            weight: 90,
            object: podObject(owner, pod),
            cause: `${pod} connects to its own loopback address on port ${port}, where nothing listens ("${clip(line.trim(), 160)}"), although ${old} point${pointing.length === 1 ? 's' : ''} at ${value}: the program does not read ${pointing.length === 1 ? 'that variable' : 'those variables'} (a release that replaced them by one ${name}, no longer reading the old names), finds ${name} unset and falls back to its default, localhost. The server at ${value} is not the problem`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line.trim(), 160)}"`,
              `describe_pod ${pod}: ${pointing.map((e) => `${e.name}=${e.value}`).join(', ')}; ${name} unset`,
            ],
            advice: `set ${name}=${value} on ${owner ?? pod}/${c.name} (the variable the program reads now), and drop the old ones once it works`,
            revisionSound: true,
            ...envFix(
              ns,
              owner,
              c.name,
              [{ name, value }],
              `set ${name}=${value} on ${owner}/${c.name}, the address ${old} already hold`,
            ),
          },
        ];
      }
    }
    return [];
  },
};
