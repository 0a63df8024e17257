import { escapeRe } from '../baseline/reading.js';
import { type Analyzer, bonus, clip, type Finding, outputs } from './types.js';

/**
 * Phrases the person quotes, 20 to 300 characters on one line: straight double quotes paired in order
 * (a split, so a short quote before a long one does not shift the pairs), and typographic ones.
 */
function quotedPhrases(task: string): string[] {
  const text = task.slice(0, 4000);
  const straight = text.split('"').filter((_, i) => i % 2 === 1);
  const curly = [...text.matchAll(/\u201c([^\u201d\n]{1,300})\u201d/g)].map((m) => m[1]!);
  return [...straight, ...curly]
    .map((q) => q.trim())
    .filter((q) => q.length >= 20 && q.length <= 300 && !q.includes('\n'));
}
/** A line's statement of the setting it needs: `needs record=1`, `requires sharing=true`. */
const NEEDS = /\b(?:needs?|requires?)\s+([A-Za-z][\w.-]{0,60})\s?=\s?([^\s;,)]{1,60})/;

/**
 * The person quotes the message their users see, and the program's own log prints that message with the
 * setting it needs to do otherwise ("recordings view needs record=1 for this instance; showing
 * 'Recordings were disabled on this server…'"): the message is the program's answer to a setting, not a
 * fault of the server. The value the setting has, when a line logged just before it shows it
 * (`record=0`), is named. Reads nothing of its own: it reads the logs other rules fetched.
 */
export const quotedMessageLoggedAnalyzer: Analyzer = {
  name: 'quoted-message-logged',
  reads: () => [],
  finds({ task, seen, hints }): Finding[] {
    const quotes = quotedPhrases(task).map((q) => q.toLowerCase().slice(0, 60));
    if (quotes.length === 0) return [];
    for (const o of outputs(seen, 'get_pod_logs')) {
      const lines = o.content.slice(-200_000).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line.length > 4000) continue;
        const lower = line.toLowerCase();
        if (!quotes.some((q) => lower.includes(q))) continue;
        const need = NEEDS.exec(line);
        if (!need) continue;
        const [, key, wanted] = need as unknown as [string, string, string];
        // The value it has, from the lines just before (`record=0`).
        const has = new RegExp(`(?<![\\w.-])${escapeRe(key)}=([^\\s;,)]{1,60})`);
        let before: { line: string; value: string } | undefined;
        for (let j = i - 1; j >= Math.max(0, i - 5); j--) {
          const m = lines[j]!.length <= 4000 ? has.exec(lines[j]!) : null;
          if (!m) continue;
          // The nearest line that gives the setting is the one about this request; one that already has
          // the needed value says nothing of what it has.
          if (m[1] !== wanted) before = { line: lines[j]!.trim(), value: m[1]! };
          break;
        }
        const pod = String(o.args['name'] ?? '');
        return [
          {
            weight: 70 + bonus(pod, hints),
            object: `pod ${pod}`,
            cause: `the program logs the very message the person quotes and says why it shows it: it needs ${key}=${wanted}${before ? `, and ${key} is ${before.value} ("${clip(before.line, 200)}")` : ''} ("${clip(line.trim(), 260)}"). The message is the program's answer to that setting, not a failure of the server it talks to`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line.trim(), 220)}"`,
              ...(before ? [`get_pod_logs ${pod}: "${clip(before.line, 200)}"`] : []),
            ],
            advice: `set ${key} to ${wanted} where the program reads it (the object the line names), as the line says it needs`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
