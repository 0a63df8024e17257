import { clip, describedField } from '../../../analyzers/types.js';
import { escapeRe, firstLine, lastStateMessage } from '../../reading.js';
import type { ContainerSignature } from '../types.js';

/** A command that is not in the image (exit code 127, `executable file not found`). */
export const commandNotFound: ContainerSignature = {
  name: 'command-not-found',
  stops: true,
  find(x, f) {
    const { pod, owner, objectLabel, bonus: b, container: c, kind, now, exit, logs } = x;
    const { ns, events, tools } = f;
    // The runtime's own words when the command cannot even start (exec: "x": executable file not
    // found in $PATH) are in the Last State message or an event, not in the logs.
    // A bare "No such file or directory" is a missing command only with the shell's exit code 127;
    // otherwise it is a file the program opens (a config file), not its command.
    // A program's own bare error ("Error: not found", a lookup that found nothing) is no shell's missing command.
    const said = (line: string | undefined) =>
      line !== undefined &&
      // "Error: not found", "2026-03-13T02:11:41Z Error: not found", helm's "Error: release: not found":
      // an error word, then at most one name, then "not found". A shell says `sh: 1: foo: not found`.
      !/(?:^|\s)(?:error|err|fatal|failed|warning)\s*:(?:\s*[^:\s][^:]{0,80}:)?\s*not found\s*$/i.test(line)
        ? line
        : undefined;
    const notFound =
      (logs
        ? said(
            firstLine(
              logs.content,
              exit === 127
                ? /executable file not found|command not found|: not found\s*$|No such file or directory\s*$|exec: .*no such file/i
                : /executable file not found|command not found|: not found\s*$|exec: .*no such file/i,
            ),
          )
        : undefined) ??
      (/executable file not found|no such file or directory/i.test(lastStateMessage(c.body) ?? '')
        ? lastStateMessage(c.body)
        : undefined) ??
      // An exec probe's own command missing (`Liveness probe errored: … exec: "curl": executable file
      // not found`) is the probe's fault, not the container's command: the probe signature reads it.
      events
        .split('\n')
        .find(
          (l) =>
            new RegExp(`${escapeRe(pod)}.{0,500}executable file not found`).test(l) &&
            !/\b(?:Liveness|Readiness|Startup) probe (?:errored|failed)\b/.test(l),
        );
    if (exit === 127 || (notFound && exit !== undefined && exit !== 0)) {
      // The executable that is missing is the one the deployment's command override names: with
      // the override removed the image runs its own entrypoint, which the image ships.
      const command = describedField(c.body, 'Command');
      const executable = command?.split(/\s+/)[0];
      const overrideMissing = executable !== undefined && notFound?.includes(executable) === true;
      const fix =
        overrideMissing && owner && tools.has('set_command')
          ? {
              tool: 'set_command',
              args: { namespace: ns, deployment: owner, container: c.name, command: [] },
              text: `remove the command override ${executable} of ${owner}/${c.name}, so the image's own entrypoint runs`,
            }
          : undefined;
      // The image is named: a command the image does not ship is a wrong command or a wrong image (another
      // component's image of the same product, a CLI's instead of a server's).
      const image = describedField(c.body, 'Image');
      return {
        weight: 85 + b,
        object: objectLabel,
        cause: `the ${kind} ${c.name} exits with code ${exit ?? 127}: its command${executable ? ` ${executable}` : ''} is not found in the image${image ? ` ${image}` : ''} (a bad command, or an image that does not ship it)`,
        evidence: [
          `describe_pod ${pod}: ${kind} ${c.name} terminated with Exit Code ${exit ?? 127}${now.reason ? `, now ${now.reason}` : ''}`,
          ...(notFound ? [`logs: "${clip(notFound, 120)}"`] : []),
          ...(command ? [`Command: ${command}`] : []),
        ],
        ...(fix ? { fix } : {}),
        advice: `fix the ${kind} command to one that exists in the image${image ? `, or check that ${image} is the image this ${kind} should run` : ''}`,
      };
    }
    return undefined;
  },
};
