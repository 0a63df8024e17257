import { cutTextEnd, defineTool } from '@sre-harness/core';
import { z } from 'zod';
import { searchLog } from './log-search.js';
import { defineBuiltinTool, memoSchema, namespaceArg, objectNameArg, readPodLog } from './tool-def.js';

/** `search_pod_logs`: searches a pod container's whole log for literal text and shows the newest matches with context. */
export const searchPodLogs = defineBuiltinTool({
  name: 'search_pod_logs',
  mutating: false,
  build: (ctx, self) =>
    defineTool({
      ...self,
      description:
        "Search a pod container's whole log for lines containing text (like kubectl logs | grep -n -C): the match count and the newest matching lines with line numbers and context. For long logs where the decisive line is not among the last ones.",
      input: memoSchema(self.name, () =>
        z.strictObject({
          namespace: namespaceArg,
          name: objectNameArg,
          pattern: z
            .string()
            .min(1)
            .max(500)
            .refine((p) => p.split('|').some((a) => a.trim() !== ''), {
              message: 'the pattern has no non-blank alternative',
            })
            .describe(
              'Text to find (literal, not a regular expression); separate alternatives with |, e.g. ERROR|FATAL',
            ),
          container: z
            .string()
            .min(1)
            .optional()
            .describe(
              'Container name; left out, the only container, else the default-container annotation or the first',
            ),
          previous: z.boolean().optional().describe('Search the last terminated instance'),
          ignoreCase: z.boolean().optional().describe('Default true'),
          context: z.number().int().min(0).max(20).default(2).describe('Lines shown around each match'),
          maxMatches: z
            .number()
            .int()
            .min(1)
            .max(200)
            .default(20)
            .describe('Most matches shown; the newest are kept'),
          lines: z
            .number()
            .int()
            .min(1)
            .max(100_000)
            .default(20_000)
            .describe('How many of the newest log lines to search'),
        }),
      ),
      async execute(
        { namespace, name, pattern, container, previous, ignoreCase, context, maxMatches, lines },
        { signal },
      ) {
        const k8s = ctx.on(signal);
        ctx.checkNs(namespace);
        const { text, defaulted } = await readPodLog(k8s, {
          namespace,
          name,
          container,
          previous,
          tail: lines,
        });
        const found = searchLog(text, {
          pattern,
          context,
          maxMatches,
          ...(ignoreCase === undefined ? {} : { ignoreCase }),
        });
        // The numbers count from the first line read; the log may go further back than that.
        const where = `the newest ${found.lines} line(s) read${previous ? ' from the previous instance' : ''}`;
        if (found.matches === 0) return `${defaulted}no line matches "${pattern}" in ${where}`;
        const head =
          found.shown < found.matches
            ? `${found.matches} line(s) match "${pattern}" in ${where}; the newest ${found.shown} shown`
            : `${found.matches} line(s) match "${pattern}" in ${where}`;
        // Cut from the start: the newest matches are at the end and are the ones promised.
        const room = Math.max(1, ctx.maxOutputChars - defaulted.length - head.length - 100);
        const body =
          found.text.length > room
            ? `[output cut: older matches not shown; ${found.text.length - cutTextEnd(found.text, room).length} characters left out; lower maxMatches or context]\n${cutTextEnd(found.text, room)}`
            : found.text;
        return `${defaulted}${head}\n${body}`;
      },
    }),
});
