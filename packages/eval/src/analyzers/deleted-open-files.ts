import { type Analyzer, clip, containerSections, type Finding, outputs, type Read } from './types.js';

/** A `df` reading of a mount's used space and a `du` reading of what its files add up to, in GiB-like units. */
const DF = /\bdf\b[^\n]{0,120}?\bused ([\d.]{1,8})\s?([GMT])/i;
const DU = /\bdu\b[^\n]{0,80}?:\s*([\d.]{1,8})\s?([GMT])\b/i;
/** A monitor that says the two disagree outright. */
const DIFFER = /\bdf and du differ\b|\bdu and df differ\b/i;
/** A full disk, as programs and the kernel say it. */
const FULL = /No space left on device|ENOSPC/;
/** Share of the used space that no file accounts for, past which deleted-but-open files are the explanation. */
const GAP = 0.3;

const gib = (n: string, unit: string) =>
  Number(n) * (unit.toUpperCase() === 'T' ? 1024 : unit.toUpperCase() === 'M' ? 1 / 1024 : 1);

/**
 * A volume that `df` says is (nearly) full while `du` finds far less in its files: the difference is
 * space held by files that were deleted while a process still has them open. A deleted file's blocks are
 * freed only when its last open descriptor closes, so a program that keeps writing to a log that log
 * rotation renamed and deleted (without telling it to reopen: no postrotate signal, no copytruncate)
 * fills the disk with a file nobody can see (lsof +L1 lists them). The space comes back when the program
 * reopens its log (nginx -s reopen, USR1) or restarts; rotation must signal it from then on.
 */
export const deletedOpenFilesAnalyzer: Analyzer = {
  name: 'deleted-open-files',
  first: true,
  // A pod that logs a full disk: its other containers' logs (a disk monitor, a log rotator beside the
  // program say how the space is used), two at most.
  reads(ctx): Read[] {
    for (const o of outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
    )) {
      if (!FULL.test(o.content.slice(-100_000))) continue;
      const pod = String(o.args['name']);
      const described = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!described) continue;
      const read = new Set(
        outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === pod).map((x) =>
          String(x.args['container'] ?? ''),
        ),
      );
      const sections = containerSections(described.content).filter((c) => !c.init);
      if (sections.length < 2) continue;
      return sections
        .slice(1)
        .filter((c) => !read.has(c.name))
        .slice(0, 2)
        .map((c) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod, container: c.name } }));
    }
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .slice(-5000)
        .filter((l) => l.length <= 4000);
      const df = [...lines].reverse().find((l) => DF.test(l));
      const du = [...lines].reverse().find((l) => DU.test(l));
      const used = df ? gib(DF.exec(df)![1]!, DF.exec(df)![2]!) : undefined;
      const files = du ? gib(DU.exec(du)![1]!, DU.exec(du)![2]!) : undefined;
      const said = lines.find((l) => DIFFER.test(l));
      const gap = used !== undefined && files !== undefined ? used - files : undefined;
      if (!said && !(gap !== undefined && used! > 0 && gap / used! >= GAP)) continue;
      const pod = String(o.args['name']);
      // A log-rotation container beside the program: the usual way a log is deleted under it.
      const described = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      const rotator = described
        ? containerSections(described.content).find(
            (c) => /logrotate|rotat/i.test(c.name) || /logrotate/i.test(c.body),
          )?.name
        : undefined;
      return [
        {
          weight: 90,
          object: `pod ${pod}`,
          cause: `the volume is full of deleted files that are still open, not of the files on it: df says ${df ? `"${clip(df.trim(), 120)}"` : 'it is full'} while du counts only ${du ? `"${clip(du.trim(), 120)}"` : 'a fraction of it'}${gap !== undefined ? ` (${gap.toFixed(1)}G unaccounted for)` : ''}${said ? `; "${clip(said.trim(), 80)}"` : ''}. A deleted file's space is freed only when the last process that holds it open closes it, so a program that keeps writing to a log file that log rotation renamed and deleted (with no postrotate reopen signal and no copytruncate) grows a file nobody can see until the disk is full${rotator ? `; this pod runs a log rotation container, ${rotator}, beside the program` : ''}. A larger volume would only delay it`,
          evidence: [
            ...(df ? [`get_pod_logs ${pod}: "${clip(df.trim(), 160)}"`] : []),
            ...(du ? [`get_pod_logs ${pod}: "${clip(du.trim(), 160)}"`] : []),
          ],
          advice:
            'make the program reopen its log files (nginx -s reopen, or its USR1 signal) or restart it to free the space now, and make the rotation signal it after each rotation (postrotate) or use copytruncate; check with lsof +L1 which deleted files are held open',
        },
      ];
    }
    return [];
  },
};
