/** How the CLI presents itself: the Ink UI, plain progress lines, or JSON. */
export type OutputMode = 'interactive' | 'plain' | 'json';

/** What the mode decision looks at. */
export interface ModeInput {
  readonly json: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
}

/**
 * Picks the output mode before anything loads React. `--json` always means JSON; without a
 * terminal on both ends (piped output, or no keyboard to answer with) output is plain lines.
 * `CI` is deliberately not consulted: a wrapper that sets it around a real terminal still gets
 * the interactive UI (see `withoutCiEnv`).
 */
export function decideMode(input: ModeInput): OutputMode {
  if (input.json) return 'json';
  if (!input.stdoutIsTTY || !input.stdinIsTTY) return 'plain';
  return 'interactive';
}

// Ink 6.8 reads these through is-in-ci once, when its module is first evaluated, and then
// renders only the last frame and ignores resizes: the UI looks frozen.
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Removes the CI variables from `env` so that Ink, imported next, stays interactive; returns a
 * function that puts them back (call it once the import has resolved, so child processes and
 * the eval still see them).
 */
export function withoutCiEnv(env: NodeJS.ProcessEnv = process.env): () => void {
  const saved = new Map<string, string>();
  for (const name of CI_VARIABLES) {
    const value = env[name];
    if (value !== undefined) {
      saved.set(name, value);
      delete env[name];
    }
  }
  return () => {
    for (const [name, value] of saved) env[name] = value;
  };
}
