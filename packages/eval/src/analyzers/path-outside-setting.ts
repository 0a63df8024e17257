import { envOf } from './env-values.js';
import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  cronRunOf,
  type Finding,
  outputs,
  ownerName,
  podDeployment,
} from './types.js';

/** A variable that names a directory: `MUSIC_DIRECTORY_PATH`, `DATA_DIR`, `MEDIA_ROOT`, `IMPORT_PATH`. */
const DIR_VARIABLE = /^[A-Z][A-Z0-9_]{0,60}_(?:PATH|DIR|DIRECTORY|ROOT)$/;
/** A flag that makes a program use files where they are instead of copying them in. */
const IN_PLACE = /^--?in[-_]?place$/;
/** A line that reports a failure. */
const FAILED = /\b(?:error|abort(?:ing|ed)?|failed|refus(?:ed|ing)|not allowed|denied|no file)\b/i;

/** The words of a container's `Command:` and `Args:` in describe_pod (one line, or one per line). */
function commandWords(body: string): string[] {
  const out: string[] = [];
  let inCommand = false;
  for (const l of body.split('\n').slice(0, 400)) {
    const head = /^\s{4}(Command|Args):\s*(.{0,4000})$/.exec(l);
    if (head) {
      inCommand = true;
      out.push(...head[2]!.split(/\s+/).filter(Boolean));
      continue;
    }
    if (inCommand && /^\s{6,}\S/.test(l) && !/^\s{6,}[A-Za-z][\w -]{0,40}:\s{2,}/.test(l)) {
      out.push(...l.trim().split(/\s+/));
      continue;
    }
    inCommand = false;
  }
  return out.slice(0, 200);
}

/**
 * A program that checks the paths it is given against a directory its own setting names, and is given
 * a path outside it: the container's variable names a directory (`MUSIC_DIRECTORY_PATH:
 * /srv/funkwhale/data/music`), the program's log names that setting as it checks the paths, then fails,
 * and the command's path argument lies outside that directory (`/imports/vinyl-rips/**\/*.flac`). With an
 * in-place flag (`--in-place`: files are used where they are, not copied in) the program can only use
 * files under its directory, so none of the given ones qualifies. Reads nothing of its own: the failing
 * pod's description and log.
 */
export const pathOutsideSettingAnalyzer: Analyzer = {
  name: 'path-outside-setting',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const pod = String(d.args['name'] ?? '');
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop();
      if (!log) continue;
      const lines = boundedLogLines(log.content).map((l) => l.slice(0, 4000));
      for (const c of containerSections(d.content)) {
        if (log.args['container'] && log.args['container'] !== c.name) continue;
        const words = commandWords(c.body);
        // The paths given to the program: not the program itself (the first word), an interpreter or a
        // shell wrapper (`/venv/bin/python`, `/bin/sh -c …`), which live in bin directories.
        const paths = words.filter(
          (w, i) => i > 0 && w.startsWith('/') && w.length > 1 && !/\/s?bin\//.test(w),
        );
        for (const v of envOf(c.body)) {
          if (!DIR_VARIABLE.test(v.name) || !v.value.startsWith('/')) continue;
          const dir = v.value.replace(/\/+$/, '');
          // The log names the setting as it checks, and fails after it.
          const said = lines.findIndex((l) => l.includes(v.name));
          if (said < 0) continue;
          const failed = lines.slice(said + 1).find((l) => FAILED.test(l));
          if (!failed) continue;
          const outside = paths.filter((p) => p !== dir && !p.startsWith(`${dir}/`));
          if (outside.length === 0) continue;
          const inPlace = words.find((w) => IN_PLACE.test(w));
          const run = cronRunOf(pod);
          const job = /Controlled By:\s*Job\/(\S{1,253})/.exec(d.content)?.[1];
          const deployment = podDeployment(pod);
          const object = job
            ? `job ${job}`
            : run
              ? `job ${ownerName(pod)}`
              : deployment
                ? `deployment ${deployment}`
                : `pod ${pod}`;
          return [
            {
              weight: 90 + bonus(job ?? deployment ?? pod, ctx.hints),
              object,
              cause: `the command gives the program ${outside.length === 1 ? 'a path' : 'paths'} outside the directory its own setting names: ${outside.map((p) => `"${clip(p, 100)}"`).join(', ')} is not under ${v.name} (${dir}), and the program checks what it is given against that setting ("${clip(lines[said]!.trim(), 120)}"), then fails: "${clip(failed.trim(), 140)}"${inPlace ? `. With ${inPlace} (an in-place import: the files are used where they are, not copied in) it only works for files under ${v.name}, so none of the given files qualifies` : ''}; the path given is the fault, not the volume`,
              evidence: [
                `describe_pod ${pod}: ${v.name}: ${dir}; command ${clip(words.join(' '), 200)}`,
                `get_pod_logs ${pod}: "${clip(lines[said]!.trim(), 140)}"`,
                `get_pod_logs ${pod}: "${clip(failed.trim(), 140)}"`,
              ],
              advice: inPlace
                ? `put the files under ${dir} (a folder of the volume mounted there) and point the command at that path, or drop ${inPlace} so the files are copied in; then run the job again`
                : `point the command at a path under ${dir}, or set ${v.name} to the directory the files are in; then run it again`,
            },
          ];
        }
      }
    }
    return [];
  },
};
