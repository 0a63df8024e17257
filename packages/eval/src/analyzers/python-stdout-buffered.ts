import {
  type Analyzer,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/** A warning the Python interpreter prints to stderr (`/app/sync.py:88: DeprecationWarning: …`). */
const PY_WARNING = /\.py:\d{1,6}: [A-Za-z]{0,40}Warning: /;

/**
 * A Python program whose own output does not reach its log: when stdout is not a terminal (a
 * container's log pipe), Python block-buffers it ("When interactive, stdout is line-buffered.
 * Otherwise, it is block-buffered like regular text files", docs.python.org, sys.stdout), so print()
 * lines reach `kubectl logs` only when a block fills or the process exits, while warnings go to stderr,
 * which is written at once. The log then holds only warnings although the program works. `python -u`
 * or PYTHONUNBUFFERED=1 turns the buffering off. Found when the person asks about missing log lines,
 * the pod's log is a few Python warnings only, and its container runs python without either.
 */
export const pythonStdoutBufferedAnalyzer: Analyzer = {
  name: 'python-stdout-buffered',
  reads() {
    return [];
  },
  finds({ seen, ns, task }) {
    if (!/\blogs?\b/i.test(task.slice(0, 4000))) return [];
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ns && !x.args['previous'],
    )) {
      const lines = log.content
        .split('\n')
        .filter((l) => l.trim() && !/^\(no log lines|^Defaulted container "/.test(l));
      if (lines.length > 10 || !lines.every((l) => l.length <= 2000 && PY_WARNING.test(l))) continue;
      const pod = String(log.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      if (!d) continue;
      const c = containerSections(d.content).find(
        (s) => !s.init && (!log.args['container'] || s.name === log.args['container']),
      );
      const command = c ? /^\s{2,}(?:Command|Args):\s+(.{1,300})$/m.exec(c.body)?.[1]?.trim() : undefined;
      const image = c ? /^\s{2,}Image:\s+(\S{1,300})/m.exec(c.body)?.[1] : undefined;
      if (!c || !(/\bpython[\d.]{0,5}\b/.test(command ?? '') || /python/i.test(image ?? ''))) continue;
      if (/PYTHONUNBUFFERED:\s+\S/.test(c.body) || /\bpython[\d.]{0,5}\s+(?:-\w*u\w*\s)/.test(command ?? ''))
        continue;
      // A sibling in the namespace that sets it and logs normally, for the answer.
      const sibling = outputs(
        seen,
        'describe_pod',
        (x) =>
          x.args['namespace'] === ns && x.args['name'] !== pod && /PYTHONUNBUFFERED:\s+1/.test(x.content),
      ).pop();
      const owner = ownerDeployment(d.content);
      const out: Finding = {
        weight: 80,
        object: podObject(owner, pod),
        cause: `the program's stdout is block-buffered, so its own lines do not reach the log: container ${c.name} runs ${command ? `"${command}"` : `the Python image ${image}`} without PYTHONUNBUFFERED=1 or python -u, and when stdout is a pipe (a container's log) rather than a terminal Python buffers print() output in blocks that are written only when full or at exit, while warnings go to stderr, which is written at once. That is why the log shows only ${lines.length} warning line(s) though the program works; it is not hung and the log pipeline loses nothing${sibling ? `; pod ${String(sibling.args['name'])} of the same namespace sets PYTHONUNBUFFERED=1 and logs normally` : ''}`,
        evidence: [
          `get_pod_logs ${pod}: ${lines.length} line(s), all Python warnings (stderr)`,
          `describe_pod ${pod}: ${command ? `Command ${command}; ` : ''}no PYTHONUNBUFFERED in its environment`,
        ],
        advice: `set PYTHONUNBUFFERED=1 on ${owner ?? pod}/${c.name} (or run python -u), so each line is written as it is printed`,
        revisionSound: true,
        ...envFix(
          ns,
          owner,
          c.name,
          [{ name: 'PYTHONUNBUFFERED', value: '1' }],
          `set PYTHONUNBUFFERED=1 on ${owner}/${c.name}, so Python writes stdout unbuffered`,
        ),
      };
      return [out];
    }
    return [];
  },
};
