import { parseTable } from '../k8s-text.js';
import { splitImage } from './dev-tag.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerImage,
  containerSections,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  podDescription,
  type Read,
  unmadeReads,
} from './types.js';

/** A failure line of a log: an error level or an error word. */
const FAILURE_LINE = /\b(?:ERROR|FATAL|CRITICAL)\b|\berror\b|\bexception\b|\bunregistered\b|\bunknown\b/i;
/** A line the program logged at an error level, or an error it printed (`Error: …`). */
const ERROR_LEVEL = /\b(?:ERROR|FATAL|CRITICAL)\b|^\s*(?:\w+)?(?:Error|Exception):\s/;
/** A line at an informational level: a result that holds an `error` key is no failure. */
const INFO_LEVEL = /\b(?:INFO|DEBUG)\b/;
/** A release tag: a version with at least two parts (`5.2.0`, `v7.4`), not a build number. */
const VERSION_TAG = /^v?\d{1,6}\.\d{1,6}(?:[.-][0-9a-z.]{1,30})?$/i;

/** -1, 0 or 1 as version `a` is older than, the same as or newer than `b` (numeric parts; undefined when not comparable). */
function compareVersions(a: string, b: string): number | undefined {
  const parts = (v: string) =>
    v
      .replace(/^v/i, '')
      .split(/[.-]/)
      .map((x) => (/^\d+$/.test(x) ? Number(x) : Number.NaN));
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? 0;
    const q = y[i] ?? 0;
    if (Number.isNaN(p) || Number.isNaN(q)) return undefined;
    if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

interface Skew {
  /** The Deployment left on another version, and its image. */
  readonly lagging: string;
  readonly image: string;
  /** The release the task names, and the Deployments that run it. */
  readonly release: string;
  readonly current: readonly string[];
  /** Other Deployments left on the old tag (at most three). */
  readonly alsoLagging: readonly string[];
}

/**
 * Deployments of the namespace that run one image repository at two tags, when the task names one of the
 * tags (`release 5.2.0`): the Deployment on the other tag was left out of the release (at most the first
 * such one). From the Deployments' IMAGES column.
 */
function skew(ctx: AnalyzerContext): Skew | undefined {
  const task = ctx.task.slice(0, 4000);
  const byRepo = new Map<string, { dep: string; image: string; tag: string }[]>();
  // The newest listing: a Deployment moved since shows its new image there.
  const o = outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns).pop();
  for (const r of parseTable(o?.content.slice(0, 200_000) ?? ''))
    for (const image of (r['IMAGES'] ?? '').split(',').slice(0, 8)) {
      const i = splitImage(image.trim());
      if (!r['NAME'] || !i.tag || !VERSION_TAG.test(i.tag)) continue;
      const list = byRepo.get(i.repo) ?? [];
      if (!list.some((x) => x.dep === r['NAME']))
        list.push({ dep: r['NAME'], image: image.trim(), tag: i.tag });
      byRepo.set(i.repo, list);
    }
  for (const list of byRepo.values()) {
    const tags = [...new Set(list.map((x) => x.tag))];
    if (tags.length !== 2) continue;
    // The release the task names, as a whole version (`5.2.0` or `v5.2.0`, not inside `15.2.0`), and the
    // newer of the two: naming the version it ran before is no release.
    const named = tags.filter((t) => namesVersion(task, t) || namesVersion(task, t.replace(/^v/i, '')));
    if (named.length !== 1) continue;
    const release = named[0]!;
    const other = tags.find((t) => t !== release)!;
    if (compareVersions(release, other) !== 1) continue;
    const current = list.filter((x) => x.tag === release).map((x) => x.dep);
    const lagging = list.filter((x) => x.tag !== release);
    if (lagging.length === 0 || current.length === 0) continue;
    return {
      lagging: lagging[0]!.dep,
      image: lagging[0]!.image,
      release,
      current,
      alsoLagging: lagging.slice(1, 4).map((x) => x.dep),
    };
  }
  return undefined;
}

/** Whether `text` names version `v` whole: not as part of a longer version or word. */
function namesVersion(text: string, v: string): boolean {
  for (let at = text.indexOf(v); at >= 0; at = text.indexOf(v, at + 1)) {
    const before = text[at - 1];
    const next = text.slice(at + v.length, at + v.length + 2);
    if ((before === undefined || !/[\w.]/.test(before)) && !/^[\w-]/.test(next) && !/^\.\d/.test(next))
      return true;
  }
  return false;
}

/** One pod of the lagging Deployment, a Running one first (a crash-looping one still has a log). */
function laggingPod(ctx: AnalyzerContext, dep: string): string | undefined {
  const mine = namespacePods(ctx).filter((r) => ownerName(r['NAME'] ?? '') === dep);
  return (mine.find((r) => r['STATUS'] === 'Running') ?? mine[0])?.['NAME'];
}

/**
 * A release that left one component behind: the task names the version it rolled out (`release 5.2.0`), the
 * namespace's Deployments run that image at it, and one Deployment still runs the same repository at another
 * tag. The parts then run two versions at once, and what the new one sends, the old one does not know (a task
 * name, a message schema, an API). The lagging pod's log is read for what it fails on.
 */
export const versionSkewAnalyzer: Analyzer = {
  name: 'version-skew',
  reads(ctx): Read[] {
    const s = skew(ctx);
    const pod = s ? laggingPod(ctx, s.lagging) : undefined;
    return pod
      ? unmadeReads(ctx.seen, [{ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod } }])
      : [];
  },
  finds(ctx): Finding[] {
    const s = skew(ctx);
    if (!s) return [];
    const pod = laggingPod(ctx, s.lagging);
    const log = pod
      ? outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod,
        ).pop()
      : undefined;
    const failing = log
      ? boundedLogLines(log.content).filter((l) => FAILURE_LINE.test(l) && !INFO_LEVEL.test(l))
      : [];
    // An error-level line first (the last one), else the last line with an error word.
    const line = (failing.filter((l) => ERROR_LEVEL.test(l)).pop() ?? failing[failing.length - 1])?.trim();
    const means = line ? logGloss(line) : undefined;
    const released = `${splitImage(s.image).repo}:${s.release}`;
    // The container to move: the one the lagging Deployment's pod runs the old image in.
    const described = pod ? podDescription(ctx.seen, ctx.ns, pod) : undefined;
    const container = described
      ? containerSections(described).find((c) => !c.init && containerImage(c.body) === s.image)?.name
      : undefined;
    return [
      {
        weight: line ? 93 : 80,
        object: `deployment ${s.lagging}${pod ? ` (pod ${pod})` : ''}`,
        cause: `deployment ${s.lagging} still runs ${s.image} while ${s.current.join(', ')} run${s.current.length === 1 ? 's' : ''} ${released}, the release the task names: it was left out of the release (not updated with the rest${s.alsoLagging.length ? `, as ${s.alsoLagging.join(', ')} ${s.alsoLagging.length === 1 ? 'was' : 'were'}` : ''}), so the application runs two versions at once, and what the new version sends the old one does not know${line ? `; its log: "${clip(line, 200)}"${means ? ` — ${means}` : ''}` : ''}`,
        evidence: [
          `list_deployments: ${s.lagging} ${s.image}; ${s.current.join(', ')} ${released}`,
          ...(line && pod ? [`get_pod_logs ${pod}: "${clip(line, 200)}"`] : []),
        ],
        advice: `update deployment ${s.lagging} to ${released} with the rest of the release (or roll the release back everywhere)`,
        ...(container
          ? {
              fix: {
                tool: 'set_image',
                args: { namespace: ctx.ns, deployment: s.lagging, container, image: released },
                text: `set the image of container ${container} of ${s.lagging} to ${released}, the release the rest of the application runs`,
              },
            }
          : {}),
      },
    ];
  },
};
