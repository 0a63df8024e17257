import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EvaluationError } from './errors.js';
import { EXAMPLE_SCENARIOS } from './init-command.js';
import { scenarioJsonSchema } from './scenario-schema.js';

export { addInitCommand, EXAMPLE_SCENARIOS } from './init-command.js';

/** Where the example scenarios ship: `templates/scenarios/` beside `src/` and `dist/`. */
const TEMPLATES = new URL('../templates/scenarios/', import.meta.url);

const README = `# Scenarios

One incident per YAML file, checked against \`scenario.schema.json\` (the first line of each file points
editors at it). \`oom-crashloop.yaml\` is a fault to diagnose and fix; \`healthy-namespace.yaml\` is a
negative control (the right answer is that nothing is wrong; tag such scenarios \`negative-control\`, as it
is: in any other scenario an answer that says "no fault found" or "nothing is wrong" fails its
diagnosis). Copy one to write your own.

Run them from the directory above this one (\`sre-eval\` finds the nearest \`scenarios/\`):

    npx sre-eval validate                     # every problem with its file and line
    npx sre-eval run --model baseline         # the offline baseline agent: no key needed
    npx sre-eval run                          # the baseline and the personas that attack the harness
    npx sre-eval run --model openai:gpt-4.1   # a real model (OPENAI_API_KEY)

Reports go to \`reports/\`; \`npx sre-eval run --help\` lists the flags and exit codes.
`;

/** The files `init` writes under `<dir>/scenarios/`, by name. */
export function initFiles(): [string, string][] {
  return [
    ...EXAMPLE_SCENARIOS.map((name): [string, string] => [
      name,
      readFileSync(new URL(name, TEMPLATES), 'utf8'),
    ]),
    ['scenario.schema.json', `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`],
    ['README.md', README],
  ];
}

/**
 * Writes `<dir>/scenarios/` with the example scenarios, the schema and a README. Refuses, writing
 * nothing, when any of those files exists, unless `force`. Returns the paths written.
 */
export function initScenarios(dir: string, options: { force?: boolean } = {}): string[] {
  const target = join(resolve(dir), 'scenarios');
  const files = initFiles().map(([name, text]): [string, string] => [join(target, name), text]);
  const existing = files.filter(([path]) => existsSync(path)).map(([path]) => path);
  if (existing.length > 0 && !options.force) {
    const shown = existing.map((p) => relative(process.cwd(), p) || p);
    throw new EvaluationError(
      'invalid_option',
      `init: ${shown.join(', ')} already exist(s); nothing written (pass --force to overwrite)`,
    );
  }
  try {
    mkdirSync(target, { recursive: true });
    for (const [path, text] of files) writeFileSync(path, text);
  } catch (cause) {
    throw new EvaluationError('io_error', `init: cannot write ${target}: ${(cause as Error).message}`, {
      cause,
    });
  }
  return files.map(([path]) => path);
}
