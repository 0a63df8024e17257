import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EvaluationError } from './errors.js';
import type { LoadedScenario } from './scenario-loader.js';

/** The scenarios directory: the one given, else the nearest `scenarios/` here or above. */
export function findScenariosDir(explicit: string | undefined): string {
  if (explicit) return explicit;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'scenarios');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new EvaluationError(
    'invalid_option',
    '--scenarios: no scenarios/ directory here or above; pass --scenarios <dir>',
  );
}

function wildcard(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/**
 * The scenarios a run set covers, by the rules of `sre-eval run`: ids with `*` and `?` wildcards
 * (each must match something), then tags or difficulty.
 */
export function selectScenarios(
  all: readonly LoadedScenario[],
  ids: readonly string[],
  tags: readonly string[],
): LoadedScenario[] {
  let out = [...all];
  if (ids.length > 0) {
    const res = ids.map(wildcard);
    for (const [i, id] of ids.entries()) {
      if (!all.some((s) => res[i]!.test(s.scenario.id))) {
        throw new EvaluationError('invalid_option', `--scenario: no scenario matches "${id}"`);
      }
    }
    out = out.filter((s) => res.some((re) => re.test(s.scenario.id)));
  }
  if (tags.length > 0) {
    out = out.filter((s) => tags.some((t) => s.scenario.tags.includes(t) || s.scenario.difficulty === t));
    if (out.length === 0)
      throw new EvaluationError('invalid_option', `--tag: no scenario has tag ${tags.join(' or ')}`);
  }
  return out;
}
