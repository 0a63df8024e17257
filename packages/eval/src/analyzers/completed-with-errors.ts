import { type Analyzer, boundedLogLines, clipAround, completedPods, type Finding, outputs } from './types.js';

/** A file the program could not read because the user it runs as may not: EACCES in its words. */
const UNREADABLE =
  /\b(?:(?:cannot|could not|couldn't|failed to|unable to) (?:open|read|access|stat|backup|back up)\b[^\n]{0,300}|\bopen \/[^\s:]{0,300}: )(?:permission denied|EACCES|operation not permitted)/i;
/** A read the program recovered from: it went on with defaults or another source. */
const RECOVERED = /using defaults?|fall(?:ing)? ?back|fallback|ignor(?:ing|ed)\b/i;
/** The words the quote keeps in view. */
const DENIED = /permission denied|EACCES|operation not permitted/i;

/** A log line quoted with the denial in view (a long structured line is cut around it). */
function quote(line: string, n = 200): string {
  return clipAround(line.trim(), DENIED.exec(line)?.[0] ?? 'permission denied', n);
}

/**
 * The user a container of a pod manifest runs as: its own securityContext's runAsUser, else the pod's
 * (the `securityContext` beside `containers`), with whether runAsNonRoot is set. `container` is the
 * one whose log was read (the only or first one when not given).
 */
function runAs(manifest: string, container: unknown): { user: string | undefined; nonRoot: boolean } {
  const lines = manifest.split('\n').slice(0, 5000);
  const at = lines.findIndex((l) => /^\s*containers:\s*$/.test(l));
  const indent = at >= 0 ? lines[at]!.search(/\S/) : -1;
  // The pod's own fields: lines at the containers key's indentation or deeper, outside the containers list.
  let podUser: string | undefined;
  let podNonRoot = false;
  let inContainers = false;
  const blocks: { name: string; text: string[] }[] = [];
  for (let i = at + 1; at >= 0 && i < lines.length; i++) {
    const l = lines[i]!;
    const ind = l.search(/\S/);
    if (ind < 0) continue;
    if (ind < indent) break;
    const item = /^\s*-\s+name:\s*(\S{1,253})\s*$/.exec(l);
    if (ind >= indent && item && (ind === indent || ind === indent + 2)) {
      inContainers = true;
      blocks.push({ name: item[1]!, text: [] });
      continue;
    }
    if (ind === indent && !l.trimStart().startsWith('-')) inContainers = false;
    if (inContainers) blocks[blocks.length - 1]?.text.push(l);
    else {
      podUser ??= /^\s*runAsUser:\s*(\d{1,10})\s*$/.exec(l)?.[1];
      podNonRoot ||= /^\s*runAsNonRoot:\s*true\s*$/.test(l);
    }
  }
  // No containers list read: the manifest's first runAsUser is the pod's.
  if (at < 0) {
    podUser = lines.map((l) => /^\s*runAsUser:\s*(\d{1,10})\s*$/.exec(l)?.[1]).find((u) => u !== undefined);
    podNonRoot = lines.some((l) => /^\s*runAsNonRoot:\s*true\s*$/.test(l));
  }
  const mine = blocks.find((b) => b.name === container) ?? (container === undefined ? blocks[0] : undefined);
  const own = mine?.text
    .map((l) => /^\s*runAsUser:\s*(\d{1,10})\s*$/.exec(l)?.[1])
    .find((u) => u !== undefined);
  const ownNonRoot = mine?.text.some((l) => /^\s*runAsNonRoot:\s*true\s*$/.test(l)) ?? false;
  return { user: own ?? podUser, nonRoot: ownNonRoot || podNonRoot };
}

/**
 * A run that exits 0 (its pod Completed) while its own log says it could not read what it was meant to
 * (`error cannot open on file /data/.env … permission denied`): a backup or a copy that "succeeds"
 * without those files, which a restore or a later reader finds missing. The user the pod runs as
 * (`runAsUser` in its manifest, when read) is named, since a user without read access is the usual cause.
 */
export const completedWithErrorsAnalyzer: Analyzer = {
  name: 'completed-with-errors',
  reads: () => [],
  finds({ ns, seen }): Finding[] {
    const completed = new Set(completedPods(seen, ns));
    if (completed.size === 0) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const pod = String(o.args['name'] ?? '');
      if (!completed.has(pod)) continue;
      const lines = boundedLogLines(o.content).filter(
        (l) => l.length <= 4000 && UNREADABLE.test(l) && !RECOVERED.test(l),
      );
      if (lines.length === 0) continue;
      // The files, not the lines: a retry logs one file twice.
      const files = new Set(lines.map((l) => /\/[\w.@%+~-][\w./@%+~-]{0,300}/.exec(l)?.[0] ?? l));
      const manifest = outputs(
        seen,
        'get_resource',
        (x) => x.args['kind'] === 'Pod' && x.args['name'] === pod && x.args['namespace'] === ns,
      ).pop()?.content;
      const { user, nonRoot } = runAs(manifest ?? '', o.args['container']);
      const runsAs = user
        ? `the pod runs as user ${user} (securityContext runAsUser${nonRoot ? ', runAsNonRoot' : ''}), which may not read them`
        : 'the user the pod runs as may not read them';
      return [
        {
          weight: 84,
          object: `pod ${pod}`,
          cause: `the run in pod ${pod} exited 0 (Completed) but could not read ${files.size === 1 ? 'a file' : `${files.size} files or directories`} it was meant to: "${quote(lines[0]!)}"; ${runsAs}, so the run reports success without them and what it produced (a backup, a copy) lacks them`,
          evidence: [
            ...lines.slice(0, 2).map((l) => `get_pod_logs ${pod}: "${quote(l, 160)}"`),
            ...(user ? [`get_resource Pod ${pod}: securityContext runAsUser ${user}`] : []),
          ],
          advice: `run it as a user that may read the files (the files' owner or group: runAsUser / fsGroup / supplementalGroups in the pod's securityContext), or make the files readable to it; then check the next run logs no permission denied`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
