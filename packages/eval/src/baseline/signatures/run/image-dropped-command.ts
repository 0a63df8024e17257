import { latestRolloutChanges } from '../../../analyzers/rollout-diff.js';
import type { RunSignature } from '../types.js';

/**
 * A command that is not found right after a rollout that changed only the container's image (the command
 * stayed): the previous image shipped the executable and the new one does not (a slimmer build, another
 * variant of the product's image), so the command is not the fault and removing the override is no repair.
 * The strongest finding's `set_command` fix gives way to `set_image` back to the previous revision's image,
 * with the Deployment's rollback as the fallback, and the cause says what the rollout changed (read from the
 * two ReplicaSets' templates).
 */
export const imageDroppedCommand = {
  name: 'image-dropped-command',
  refine(f, found) {
    const top = [...found].sort((a, b) => b.weight - a.weight)[0];
    // The command-not-found finding, with its proposed override removal or none (set_command not offered).
    if (!top || !/its command \S{1,200} is not found/.test(top.cause)) return;
    if (top.fix && top.fix.tool !== 'set_command') return;
    const deployment = String(
      top.fix?.args['deployment'] ?? /^deployment ([a-z0-9][a-z0-9.-]{0,252})/.exec(top.object)?.[1] ?? '',
    );
    const container = String(
      top.fix?.args['container'] ?? /\bthe container (\S{1,63}) exits\b/.exec(top.cause)?.[1] ?? '',
    );
    if (!deployment || !container) return;
    const changes = latestRolloutChanges({ task: f.task, ns: f.ns, hints: f.hints, seen: f.seen });
    if (!changes || changes.deployment !== deployment) return;
    const mine = changes.list.filter((c) => c.container === container);
    const image = mine.find((c) => c.field === 'image');
    if (!image?.before || !image.after || mine.some((c) => c.field === 'command' || c.field === 'args'))
      return;
    const executable = /its command (\S{1,200}) is not found/.exec(top.cause)?.[1] ?? 'its command';
    top.cause += `; the latest rollout (revision ${changes.rev.n}${changes.rev.cause ? `: "${changes.rev.cause}"` : ''}) changed only the image of ${container}, from ${image.before} to ${image.after}, and kept the command: the new image does not ship ${executable}, which the previous one did`;
    top.evidence.push(
      `describe_resource ReplicaSet ${changes.sets.previous} (previous revision): image ${image.before}, same command`,
    );
    top.fix = f.tools.has('set_image')
      ? {
          tool: 'set_image',
          args: { namespace: f.ns, deployment, container, image: image.before },
          text: `set the image of container ${container} of ${deployment} back to ${image.before}, the previous revision's, which ships ${executable}`,
        }
      : {
          tool: 'rollback_deployment',
          args: { namespace: f.ns, name: deployment },
          text: `roll ${deployment} back to the previous revision (image ${image.before}, which ships ${executable})`,
        };
    if (top.fix.tool === 'set_image' && f.tools.has('rollback_deployment'))
      top.fallback = {
        tool: 'rollback_deployment',
        args: { namespace: f.ns, name: deployment },
        text: `roll ${deployment} back to the previous revision (image ${image.before})`,
      };
    top.advice = `pin ${container} to ${image.before} until an image that ships ${executable} is chosen (or point the command at what the new image ships)`;
  },
} satisfies RunSignature;
