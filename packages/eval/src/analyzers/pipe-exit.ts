import { errorLines } from './app-errors.js';
import { glossedLine } from './log-glosses.js';
import { type Analyzer, clip, containerSections, type Finding, outputs, stateBlock } from './types.js';

/**
 * A run that exits 0 while its log shows a command failing: its shell script pipes that command into
 * another (`pg_dump … | gzip > file`), and a pipeline's exit status is the last command's unless
 * `set -o pipefail` is on (bash(1), "Pipelines"), so the failure of the first is hidden and the Job
 * counts as Complete with an empty or useless result. Found from a Completed pod's description (the
 * pipeline in its command or args, without pipefail) and its log (an error line).
 */
export const pipeExitAnalyzer: Analyzer = {
  name: 'pipe-exit',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      // The run is a (non-init) container that Completed: an init container always exits before the app.
      const ran = containerSections(d.content).find(
        (c) => !c.init && stateBlock(c.body, 'State').reason === 'Completed',
      );
      if (!ran || /pipefail/.test(d.content)) continue;
      const pipeline = ran.body
        .split('\n')
        .map((l) => l.trim())
        .find((l) => / \| (?!\|)/.test(l) && !/^(?:Labels|Annotations|Image|Events):/.test(l))
        ?.slice(0, 2000);
      if (!pipeline) continue;
      const pod = String(d.args['name'] ?? '');
      const log = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop();
      if (!log) continue;
      const known = glossedLine(log.content);
      const line =
        known?.line ??
        errorLines(log.content)[0] ??
        log.content.split('\n').find((l) => /\berror\b|failed/i.test(l));
      if (!line) continue;
      // The command before the first pipe and the one after the last, read by splitting (linear).
      const stages = pipeline.replace(/^(?:Command|Args):\s*/, '').split('|');
      const word = (t: string | undefined) => /[A-Za-z0-9_./-]{1,64}/.exec(t ?? '')?.[0];
      const first = stages.length > 1 ? word(stages[0]!.split(/[;&]/).pop()) : undefined;
      const last = stages.length > 1 ? word(stages.at(-1)) : undefined;
      out.push({
        weight: 88,
        object: `pod ${pod}`,
        cause: `pod ${pod} Completed with exit code 0 although its log shows ${first ?? 'a command'} failing ("${clip(line.trim(), 160)}"${known ? ` — ${known.means}` : ''}): its script runs a shell pipeline ("${clip(pipeline, 120)}"), and a pipeline's exit status is the exit status of the last command${last ? ` (${last})` : ''}, which succeeded on empty input, so the failure is hidden and the run counts as successful with an empty result`,
        evidence: [
          `describe_pod ${pod}: ${clip(pipeline, 140)}`,
          `get_pod_logs ${pod}: "${clip(line.trim(), 140)}"`,
        ],
        advice: `add set -o pipefail (with set -e) at the top of the script so a failing ${first ?? 'command'} fails the run, then fix what it reports`,
      });
      break;
    }
    return out;
  },
};
