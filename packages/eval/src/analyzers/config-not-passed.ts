import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  CUT_NOTICE,
  clip,
  containerSections,
  describedField,
  describedMounts,
  describedVolumes,
  type Finding,
  outputs,
  type Read,
  searchedLines,
} from './types.js';

/**
 * A program saying which configuration file it loads: `Loading config from ./proxy_server_config.yaml`
 * (LiteLLM), `Using config file: /etc/app/config.yaml` (Cobra/Viper), `loaded configuration file /x.toml`.
 */
const LOADS =
  /\b(?:Loading|Loaded|Reading|Read|Using|Parsing|Parsed)\s{1,3}(?:the\s{1,3})?(?:config(?:uration)?|settings)(?:\s{1,3}file)?(?:\s{1,3}(?:from|at))?:?\s{1,3}["'`]?((?:\.{1,2}\/|\/)?[\w.@+-]{1,100}(?:\/[\w.@+-]{1,100}){0,20}\.(?:ya?ml|json|toml|ini|conf|cfg|properties|hcl))\b/i;

interface NotPassed {
  pod: string;
  container: string;
  loaded: string;
  line: string;
  mount: string;
  configMap: string;
  args?: string;
}

const base = (p: string) => p.split('/').pop() ?? p;

/** What a long log is searched for: the words of `LOADS`'s lines. */
const SEARCH = 'config from|config file|configuration file|loading config|loaded config';

/** A config file's extension. */
const CONFIG_FILE = /\.(?:ya?ml|json|toml|ini|conf|cfg|properties|hcl)$/;

/** The mounts of a described pod that put a config file from a ConfigMap at a path (`/app/config.yaml`). */
function configFileMounts(described: string): string[] {
  const maps = new Set(
    describedVolumes(described)
      .filter((v) => v.type === 'ConfigMap')
      .map((v) => v.name),
  );
  return describedMounts(described)
    .filter((m) => maps.has(m.volume) && CONFIG_FILE.test(m.path))
    .map((m) => m.path);
}

/** The first pod whose log loads a config file other than the one a ConfigMap mounts into its container. */
function notPassed(ctx: AnalyzerContext): { found?: NotPassed; read?: Read } {
  return perSeen(ctx.seen, ['configNotPassed', ctx.ns], () => {
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(log.args['name'] ?? '');
      const searched = searchedLines(
        ctx.seen,
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod && o.args['pattern'] === SEARCH,
      );
      // Every file the log says it loads (defaults first, then the mounted file, as some programs do).
      const loads = [...boundedLogLines(log.content, 3000), ...searched]
        .filter((l) => l.length <= 2000)
        .map((l) => ({ l, m: LOADS.exec(l) }))
        .filter((x) => x.m)
        .slice(0, 20);
      const said = loads[0];
      const d = outputs(
        ctx.seen,
        'describe_pod',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
      ).pop();
      if (!said?.m) {
        // The start-up lines that name the file are cut off a long log's tail: searched for, once, when
        // the pod mounts a config file from a ConfigMap.
        const mountsConfigFile = d && configFileMounts(d.content).length > 0;
        const searchedBefore = outputs(
          ctx.seen,
          'search_pod_logs',
          (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod && o.args['pattern'] === SEARCH,
        ).length;
        if (mountsConfigFile && !searchedBefore && CUT_NOTICE.test(log.content))
          return {
            read: {
              tool: 'search_pod_logs',
              args: {
                namespace: ctx.ns,
                name: pod,
                ...(log.args['container'] ? { container: log.args['container'] } : {}),
                pattern: SEARCH,
                context: 0,
                maxMatches: 5,
              },
            },
          };
        continue;
      }
      const loaded = said.m[1]!;
      if (!d) return { read: { tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } } };
      const maps = new Map(
        describedVolumes(d.content)
          .filter((v) => v.type === 'ConfigMap' && v.source)
          .map((v) => [v.name, v.source] as const),
      );
      // The container whose log it is: the one named, else the first (a sidecar's mounts are its own).
      const all = containerSections(d.content.slice(0, 100_000));
      const sections = log.args['container']
        ? all.filter((c) => c.name === log.args['container'])
        : all.filter((c) => !c.init).slice(0, 1);
      for (const c of sections) {
        for (const line of c.body.split('\n')) {
          const m =
            /^\s{4,12}(\/\S{1,300}) from ([a-z0-9-]{1,63}) \((?:ro|rw)(?:,path="([^"]{1,253})")?\)/.exec(
              line,
            );
          const cm = m ? maps.get(m[2]!) : undefined;
          if (!m || !cm) continue;
          const mount = m[1]!;
          // A file mount (subPath) is the file itself; a directory mount holds the ConfigMap's keys.
          const file = m[3] !== undefined || CONFIG_FILE.test(mount);
          const same = file
            ? loaded === mount || (!loaded.startsWith('/') && base(loaded) === base(mount))
            : loaded.startsWith(`${mount.replace(/\/$/, '')}/`) || !loaded.startsWith('/');
          // Any line that loads the mounted file clears it.
          const loadsMount = loads.some(({ m: x }) =>
            file ? x![1] === mount || (!x![1]!.startsWith('/') && base(x![1]!) === base(mount)) : false,
          );
          if (same || loadsMount) continue;
          // Only a config file mount: the program names a config file, and the mount is one.
          if (!file || !CONFIG_FILE.test(mount)) continue;
          const args = [describedField(c.body, 'Command'), describedField(c.body, 'Args')]
            .filter(Boolean)
            .join(' ');
          if (args.includes(mount)) continue;
          return {
            found: {
              pod,
              container: c.name,
              loaded,
              line: said.l.trim(),
              mount,
              configMap: cm,
              ...(args ? { args } : {}),
            },
          };
        }
      }
    }
    return {};
  });
}

/**
 * A config file mounted from a ConfigMap that the program never reads: its log names the file it loads
 * (the image's default, `./proxy_server_config.yaml`), which is not the mounted one (`/app/config.yaml`),
 * and its command passes the mounted path nowhere (`--config`). Moving a service from a compose file that
 * passed `--config` to a manifest that only mounts the file does this: what the file defines (models,
 * routes, keys) does not exist in the running program, which runs the default instead.
 */
export const configNotPassedAnalyzer: Analyzer = {
  name: 'config-not-passed',
  reads(ctx): Read[] {
    const r = notPassed(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const n = notPassed(ctx).found;
    if (!n) return [];
    return [
      {
        weight: 86,
        object: `pod ${n.pod} in ${ctx.ns}`,
        cause: `the ${n.container} container loads ${n.loaded} ("${clip(n.line, 160)}"), not the config file mounted from ConfigMap ${n.configMap} at ${n.mount}: the mounted file is never passed to the program (${n.args ? `its command is "${clip(n.args, 120)}", without ${n.mount}` : `its container sets no command or args, so no --config ${n.mount}`}), so it runs with the image's default config instead of this one, and whatever the mounted file defines does not exist in the running program`,
        evidence: [
          `logs of ${n.pod}: "${clip(n.line, 160)}"`,
          `describe_pod ${n.pod}: Mounts: ${n.mount} from ConfigMap ${n.configMap}; ${n.args ? `command: ${clip(n.args, 120)}` : 'no command or args'}`,
        ],
        advice: `pass the mounted file to the program (for example args: ["--config", "${n.mount}"]) or mount it where the program reads its config (${n.loaded}), then restart the pods`,
      },
    ];
  },
};
