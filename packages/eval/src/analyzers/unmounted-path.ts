import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  podDeployment,
} from './types.js';

/** A line that passes over work for a path: skipped, or not within the place the program keeps. */
const SKIPS =
  /\bskipp(?:ing|ed)\b|\bnot (?:in|within|under|inside) (?:a |the |any )?(?:root|library|base|media|data)[ -]?(?:folder|folders|directory|dir|path)\b|\boutside (?:of )?(?:the |any |a )?(?:root|library|base|media|data)[ -]?(?:folder|folders|directory|dir|path)\b/i;
/** An absolute path in a line, after a space, a quote, a bracket or an `=`; its first directory is read. */
const ABS_PATH = /(?:^|[\s'"(=])\/([A-Za-z0-9._-]{1,100})\//g;
/** Directories an image brings itself: a path there is the program's, not a volume's. */
const SYSTEM_DIR = /^(?:usr|etc|var|tmp|bin|sbin|lib|lib64|opt|proc|sys|dev|run|root|home|app|boot|srv|\.)$/;
/** An HTTP request's method right before a path: the path is a route, not a file. */
const HTTP_METHOD = /\b(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s{1,3}$/;
/** The service account token Kubernetes mounts in every container: not a volume of the program's. */
const TOKEN_MOUNT = /^\/var\/run\/secrets\//;
/** A container's volume mount in describe_pod: `/data from pgdata (rw)`. */
const MOUNT = /^\s+(\/\S{0,250}) from (\S{1,253}) \((?:rw|ro)\b/gm;

/**
 * A program that passes over its work because the paths it keeps lie under a directory no volume is
 * mounted at any more: settings saved while a volume was mounted there (a library's folders, an author's
 * path) outlive a change of the pod's mounts (a chart that mounts the share elsewhere), so each item is
 * skipped as outside the places the program may write, while the program itself runs and reports no error.
 * Found from two or more lines of one container's log that skip paths under the same top directory, and
 * the pod's description, whose mounts do not include that directory. Reads nothing of its own (the failing
 * pod's description is read for every pod with logged trouble).
 */
export const unmountedPathAnalyzer: Analyzer = {
  name: 'unmounted-path',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const pod = String(o.args['name'] ?? '');
      const described = outputs(ctx.seen, 'describe_pod', (d) => d.args['name'] === pod).pop();
      if (!described) continue;
      const container = o.args['container'];
      const mounts = containerSections(described.content)
        .filter((c) => !c.init && (container === undefined || c.name === container))
        .flatMap((c) => [...c.body.matchAll(MOUNT)].map((m) => m[1]!))
        .filter((p) => !TOKEN_MOUNT.test(p));
      // A container with no volume at all is not one whose mounts moved.
      if (mounts.length === 0) continue;
      const lines = boundedLogLines(o.content);
      const byDir = new Map<string, string[]>();
      for (const l of lines) {
        if (l.length > 2000 || !SKIPS.test(l)) continue;
        for (const m of l.matchAll(ABS_PATH)) {
          const dir = m[1]!;
          if (SYSTEM_DIR.test(dir) || HTTP_METHOD.test(l.slice(Math.max(0, m.index - 12), m.index + 1)))
            continue;
          const top = `/${dir}`;
          if (mounts.some((p) => p === top || p.startsWith(`${top}/`) || top.startsWith(`${p}/`))) continue;
          const list = byDir.get(top) ?? [];
          if (!list.includes(l)) list.push(l);
          byDir.set(top, list);
          break;
        }
      }
      const [dir, skipped] = [...byDir].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
      if (!dir || !skipped || skipped.length < 2) continue;
      // The place the program does keep, when its log says so ("Root folders: /shared/eBooks/").
      const kept = lines.find((l) => l.length <= 2000 && /\broot folders?\s*[:=]/i.test(l));
      const owner = podDeployment(pod);
      const last = `"${clip(skipped[skipped.length - 1]!.trim(), 220)}"`;
      const shown = mounts.slice(0, 4).join(', ');
      return [
        {
          weight: 86 + bonus(pod, ctx.hints),
          object: owner ? `deployment ${owner}` : `pod ${pod}`,
          cause: `${pod} skips its work for paths under ${dir} (${skipped.length} lines, the last ${last}), and ${dir} is not mounted in the container: its volumes are mounted at ${shown}. The paths it keeps were saved while a volume was mounted at ${dir}, and the pod's mounts changed since, so every item under ${dir} is passed over as outside the places it may write${kept ? ` (the root folder it has now: "${clip(kept.trim(), 160)}")` : ''}, and nothing reports an error`,
          evidence: [
            `get_pod_logs ${pod}: ${last}`,
            `describe_pod ${pod}: mounts ${shown}; none at ${dir}`,
            ...(kept ? [`get_pod_logs ${pod}: "${clip(kept.trim(), 160)}"`] : []),
          ],
          advice: `point the saved paths at the directory the volume is mounted at now (the program's bulk edit of the folders), or mount the volume at ${dir} again; the skipped items are then picked up on the next run`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
