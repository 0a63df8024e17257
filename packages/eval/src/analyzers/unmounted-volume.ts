import {
  type Analyzer,
  clip,
  containerSections,
  describedVolumes,
  type Finding,
  outputs,
  podOwnerObject,
} from './types.js';

/**
 * A shell tool refusing a directory that does not exist as its target: coreutils' `mv: target '/x/':
 * No such file or directory` and `cp: target '/x' is not a directory`, its quotes ASCII or typographic. The
 * path, bounded.
 */
const MISSING_TARGET =
  /\b(?:mv|cp|ln|install): (?:cannot move [^\n]{0,300} to |target )[‘'"`]?(\/[^’'"`\s]{1,300})[’'"`]?:? ?(?:No such file or directory|is not a directory)/;

/** The mount paths each container of a pod description has (`/var/www/html/storage from storage (rw)`). */
function mounts(described: string): Set<string> {
  const out = new Set<string>();
  for (const c of containerSections(described))
    for (const m of c.body.matchAll(/^\s+\/\S{0,250} from (\S{1,253}) \(/gm)) out.add(m[1]!);
  return out;
}

/**
 * A container whose start-up script moves or copies files into a directory the image does not have
 * (`mv: target '/var/www/html/public/': No such file or directory`) while the pod declares a volume no
 * container mounts, named like that directory (`public`, an emptyDir): the directory was meant to be that
 * volume, shared with the web server beside it, and the mount was dropped from the container. The fix is
 * the mount, not the image or the database.
 */
export const unmountedVolumeAnalyzer: Analyzer = {
  name: 'unmounted-volume',
  reads: () => [],
  finds({ ns, seen }): Finding[] {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const line = log.content
        .slice(-100_000)
        .split('\n')
        .find((l) => l.length <= 2000 && MISSING_TARGET.test(l));
      if (!line) continue;
      const path = MISSING_TARGET.exec(line)![1]!.replace(/\/$/, '');
      const pod = String(log.args['name'] ?? '');
      const d = outputs(
        seen,
        'describe_pod',
        (o) => o.args['name'] === pod && o.args['namespace'] === ns,
      ).pop();
      if (!d) continue;
      const mounted = mounts(d.content);
      const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
      const unused = describedVolumes(d.content).filter((v) => !mounted.has(v.name));
      const volume = unused.find(
        (v) => v.name.toLowerCase() === base || v.name.toLowerCase().endsWith(`-${base}`),
      );
      if (!volume) continue;
      const container = typeof log.args['container'] === 'string' ? log.args['container'] : undefined;
      return [
        {
          weight: 92,
          object: podOwnerObject(d.content, pod),
          cause: `the start-up script of ${container ? `container ${container} of ` : ''}${pod} moves files into ${path}, which the image does not have: it expects a volume there ("${clip(line.trim(), 160)}"). The pod declares the volume ${volume.name} (${volume.type || 'a volume'}) but no container mounts it, so the directory is missing: the mount was dropped from the container, and whatever serves that folder beside it (a web server sharing it) gets nothing`,
          evidence: [
            `logs of ${pod}: "${clip(line.trim(), 160)}"`,
            `describe_pod ${pod}: volume ${volume.name} (${volume.type || '?'}) is mounted by no container`,
          ],
          advice: `mount the volume ${volume.name} at ${path} in ${container ?? 'the container'} (and in the container that serves it), as the image expects; the image and the database need no change`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
