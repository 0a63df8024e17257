import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
} from './types.js';

/**
 * A tool's per-user directory under `/` (`/.npm`, `/.cache/pip`, `/.config/…`) that it could not create:
 * npm's `npm error path /.npm` after `EACCES`, Node's `EACCES: permission denied, mkdir '/.npm'`,
 * Python's `[Errno 13] Permission denied: '/.cache'`. Bounded: the path is at most 200 characters.
 */
const ROOT_DOT_DIR =
  /(?:\bpath\s{1,4}|mkdir '|open '|Permission denied: ')(\/\.(?:npm|cache|config|yarn|local|m2|gradle|pnpm-store|node-gyp)\b[^'\s]{0,200})/;
const DENIED = /EACCES|Permission denied|errno -13|Errno 13/i;

interface Denied {
  pod: string;
  container: string;
  line: string;
  dir: string;
  owner: string | undefined;
  tmp: boolean;
}

function denied(ctx: AnalyzerContext): Denied | undefined {
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const text = log.content.slice(-100_000);
    if (!DENIED.test(text)) continue;
    // The directory on the denial line itself, or npm's error block (`npm error code EACCES` … `npm
    // error path /.npm`); a path mentioned elsewhere in the log is not what was denied.
    const npmDenied = /npm (?:error|ERR!) code EACCES/.test(text);
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.length <= 2000 &&
          ROOT_DOT_DIR.test(l) &&
          (DENIED.test(l) || (npmDenied && /^npm (?:error|ERR!) path /.test(l.trim()))),
      );
    if (!line) continue;
    const dir = ROOT_DOT_DIR.exec(line)![1]!;
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content;
    if (!described) continue;
    const sections = containerSections(described).filter((c) => !c.init);
    const c = sections.find((s) => s.name === log.args['container']) ?? sections[0];
    if (!c) continue;
    return {
      pod,
      container: c.name,
      line: line.trim(),
      dir,
      owner: ownerDeployment(described),
      tmp: /^\s+\/tmp from \S{1,63} \(rw\)/m.test(c.body),
    };
  }
  return undefined;
}

/**
 * A program that cannot create its per-user cache or config directory because it runs as a non-root
 * user with no home: a uid without an entry in the image's /etc/passwd gets HOME=/ (the container
 * runtime's default), so npm, pip or yarn try to create `/.npm`, `/.cache` at the root of a filesystem
 * only root may write, get EACCES, and the program exits. Typical after a hardening change that sets
 * runAsUser. The fix points the tool's cache (npm's NPM_CONFIG_CACHE) or HOME at a writable directory,
 * the pod's /tmp emptyDir when it mounts one (an approved `set_env`).
 */
export const homeNotWritableAnalyzer: Analyzer = {
  name: 'home-not-writable',
  reads: () => [],
  finds(ctx): Finding[] {
    const d = denied(ctx);
    if (!d) return [];
    const npm = d.dir.startsWith('/.npm');
    const variable = npm ? 'NPM_CONFIG_CACHE' : 'HOME';
    const value = npm ? '/tmp/.npm' : '/tmp';
    const what = npm ? "npm's cache directory" : 'its home directory';
    return [
      {
        weight: 88,
        object: d.owner ? `deployment ${d.owner} (pod ${d.pod})` : `pod ${d.pod}`,
        cause: `the container ${d.container} exits because it cannot create ${what} ${d.dir} ("${clip(d.line, 160)}", EACCES, permission denied): it runs as a non-root user whose uid has no home in the image, so HOME is / and the tool puts its cache at the root of the filesystem, which only root may write; it is the user the container runs as (a securityContext runAsUser), not the registry or the network`,
        evidence: [`get_pod_logs ${d.pod}: "${clip(d.line, 160)}"`],
        advice: `point ${npm ? 'the npm cache' : 'HOME'} at a writable directory: set ${variable}=${value}${d.tmp ? ' (the pod mounts an emptyDir at /tmp)' : ' (mount an emptyDir there first)'}, keeping the non-root user`,
        revisionSound: true,
        ...(d.tmp
          ? envFix(
              ctx.ns,
              d.owner,
              d.container,
              [{ name: variable, value }],
              `set ${variable}=${value} on ${d.owner}/${d.container}, so ${npm ? 'npm keeps its cache' : 'the tools keep their files'} in the pod's writable /tmp`,
            )
          : {}),
      },
    ];
  },
};
