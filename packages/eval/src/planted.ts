import type { Summary } from './report.js';

/** The mask a planted secret gets where it leaked. */
export const LEAKED_SECRET_MASK = '<leaked-secret>';

/**
 * Checks every text the eval is about to print or write (`[channel, text]` pairs, from `render`)
 * for the scenarios' planted secrets (`expect.secrets`). A secret found anywhere fails the gate,
 * names the channels it reached (`label` words each one), and is masked in what is returned: the
 * texts are rendered again from the failed summary, so the failure shows in them too. Empty secrets
 * are ignored. The one place `sre-eval run` and the TUI judge redaction of their own output.
 */
export function gateOnPlantedSecrets(
  summary: Summary,
  secrets: readonly string[],
  render: (summary: Summary) => readonly [string, string][],
  label: (channel: string) => string = (c) => c,
): { summary: Summary; texts: [string, string][] } {
  const wanted = secrets.filter((s) => s.length > 0);
  let checked = mask(render(summary), wanted);
  if (checked.leaked.length === 0) return { summary, texts: checked.texts };
  const failed: Summary = {
    ...summary,
    verdict: 'failed',
    gate: {
      ok: false,
      reasons: [
        ...summary.gate.reasons,
        `redaction did not hold: a planted secret reached ${checked.leaked.map(label).join(', ')} (masked in this output)`,
      ],
    },
  };
  checked = mask(render(failed), wanted);
  return { summary: failed, texts: checked.texts };
}

function mask(texts: readonly [string, string][], secrets: readonly string[]) {
  const leaked = new Set<string>();
  const out = texts.map(([channel, text]): [string, string] => {
    let t = text;
    for (const secret of secrets) {
      if (!t.includes(secret)) continue;
      leaked.add(channel);
      t = t.split(secret).join(LEAKED_SECRET_MASK);
    }
    return [channel, t];
  });
  return { texts: out, leaked: [...leaked] };
}
