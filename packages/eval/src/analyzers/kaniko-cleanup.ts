import { errorLines } from './app-errors.js';
import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerName,
} from './types.js';

/** One run of kaniko's executor in a container's command or arguments (`/kaniko/executor --context=…`). */
const EXECUTOR = /\/kaniko\/executor(?![\w/.-])/g;
/** kaniko's line for an image it pushed (`Pushed harbor.example/team/app@sha256:…`). */
const PUSHED = /\bPushed\s+\S{1,300}@sha256:/;

/**
 * A container that runs kaniko's executor more than once (`/kaniko/executor … && /kaniko/executor …`,
 * the debug image's shell) without `--cleanup`: kaniko builds in the container's own root filesystem, and
 * only `--cleanup` clears it at the end of a build (kaniko's README: the flag is for building multiple
 * images in the same container). The second build starts on what the first one unpacked, so it fails
 * while taking a snapshot or resolving a path the first image left behind, after the first image was
 * pushed. Found from the described command and the log: an image pushed, then a failure.
 */
export const kanikoCleanupAnalyzer: Analyzer = {
  name: 'kaniko-cleanup',
  reads: () => [],
  finds({ ns, seen, hints }) {
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      const pod = String(d.args['name'] ?? '');
      for (const c of containerSections(d.content)) {
        const body = c.body.slice(0, 20_000);
        const runs = body.match(EXECUTOR)?.length ?? 0;
        if (runs < 2) continue;
        // Each run but the last needs its own --cleanup: a --cleanup on the last run clears nothing before
        // the builds that came earlier.
        const segments = body.split(EXECUTOR).slice(1, -1);
        if (segments.every((seg) => seg.includes('--cleanup'))) continue;
        const log = outputs(
          seen,
          'get_pod_logs',
          (o) =>
            o.args['namespace'] === ns &&
            o.args['name'] === pod &&
            (o.args['container'] === undefined || o.args['container'] === c.name),
        ).pop();
        if (!log) continue;
        const lines = boundedLogLines(log.content);
        const pushedAt = lines.findIndex((l) => l.length <= 4000 && PUSHED.test(l));
        if (pushedAt < 0) continue;
        // The last failure after the push; a Go command line tool's own last word (`error building image:
        // …`, cobra's `Error: …`) has no level.
        const after = lines.slice(pushedAt + 1).filter((l) => l.length <= 4000);
        const failed = new Set([
          ...errorLines(after.join('\n')),
          ...after.filter((l) => /^error\b/i.test(l.trim())),
        ]);
        const line = after.filter((l) => failed.has(l)).pop();
        if (!line) continue;
        // A build refused by the registry (a push without rights) failed for another reason than leftover files.
        if (/\bpush(?:ing)?\b|UNAUTHORIZED|\bdenied\b|\bforbidden\b|\b40[13]\b/i.test(line)) continue;
        const pushed = lines[pushedAt]!.trim();
        const out: Finding = {
          // The workload's own name weighs as much here as in the scan's finding of its failed Job.
          weight: 91 + bonus(ownerName(pod), hints),
          object: `pod ${pod} (container ${c.name})`,
          cause: `the container ${c.name} runs kaniko's executor ${runs} times in one container without --cleanup: kaniko builds in the container's own filesystem and only --cleanup clears it after a build, so the second build starts on the files the first build left behind and fails ("${clip(line.trim(), 200)}") after the first image was pushed ("${clip(pushed, 120)}"). The registry and its credentials are not at fault`,
          evidence: [
            `describe_pod ${pod}: ${runs} runs of /kaniko/executor in ${c.name}'s command, none with --cleanup`,
            `get_pod_logs ${pod}: "${clip(pushed, 160)}"`,
            `get_pod_logs ${pod}: "${clip(line.trim(), 200)}"`,
          ],
          advice: `add --cleanup to every /kaniko/executor run but the last (kaniko then clears the filesystem after each build), or build each image in its own container or pod`,
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
