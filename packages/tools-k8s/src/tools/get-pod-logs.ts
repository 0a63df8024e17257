import { cutTextEnd, defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { defineBuiltinTool, memoSchema, namespaceArg, objectNameArg, readPodLog } from './tool-def.js';

/** `get_pod_logs`: reads the last lines of a pod container's log, or of its previous instance, keeping the end when cut. */
export const getPodLogs = defineBuiltinTool({
  name: 'get_pod_logs',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Read a pod container's log lines (like kubectl logs). previous=true reads the last terminated instance, which is where a crash or OOM leaves its last words.",
      input: memoSchema(`${self.name}|${ctx.defaultLogTail}`, () =>
        z.strictObject({
          namespace: namespaceArg,
          name: objectNameArg,
          container: z
            .string()
            .min(1)
            .optional()
            .describe(
              'Container name; left out, the only container, else the default-container annotation or the first',
            ),
          // Left out means false (the current instance); no policy can read absence as anything else.
          previous: z.boolean().optional(),
          tail: z.number().int().min(1).max(5000).default(ctx.defaultLogTail).describe('Last N lines'),
        }),
      ),
      async execute({ namespace, name, container, previous, tail }, { signal }) {
        const k8s = ctx.on(signal);
        ctx.checkNs(namespace);
        const { text, defaulted } = await readPodLog(k8s, { namespace, name, container, previous, tail });
        if (text.trim() === '')
          return `${defaulted}(no log lines${previous ? ' from the previous instance' : ''})`;
        // Keep the end of the log when cutting: the last lines are the ones that explain a failure.
        const room = Math.max(1, ctx.maxOutputChars - (defaulted ? defaulted.length + 80 : 0));
        if (text.length > room) {
          const kept = cutTextEnd(text, room);
          return `${defaulted}[output cut: showing the last ${kept.length} of ${text.length} characters; use tail]\n${kept}`;
        }
        return `${defaulted}${text.trimEnd()}`;
      },
    }),
});
