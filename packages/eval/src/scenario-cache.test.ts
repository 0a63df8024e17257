import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cachedScenario, hasSharedObjects, storeScenario } from './scenario-cache.js';
import { parseScenario } from './scenario-loader.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function parsed(text: string, file: string) {
  const out = parseScenario(text, file);
  if (!out.ok) throw new Error(`${file}: ${JSON.stringify(out.issues)}`);
  return out.loaded;
}

describe('the scenario cache', () => {
  it('gives back exactly what a parse of the same text gives, for every shipped scenario', () => {
    const dirs = readdirSync(repo).filter((d) => /^scenarios/.test(d) && !d.includes('.'));
    let files = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(join(repo, dir)).filter((f) => f.endsWith('.yaml'))) {
        const text = readFileSync(join(repo, dir, name), 'utf8');
        const first = parsed(text, name);
        // Stored by the first parse (or an earlier run), read back by the second; a scenario whose YAML
        // aliases left one object reached twice is not stored (a JSON copy would make two of it).
        if (hasSharedObjects(first.scenario)) expect(cachedScenario(sha(text))).toBeUndefined();
        else expect(cachedScenario(sha(text))).toStrictEqual(first.scenario);
        const second = parsed(text, name);
        // A text never seen before (a trailing comment changes nothing else) is parsed afresh.
        const fresh = parsed(`${text}\n# ${Math.random()}\n`, name);
        expect(second.scenario).toStrictEqual(fresh.scenario);
        expect(second.version).toBe(first.version);
        files++;
      }
    }
    expect(files).toBeGreaterThan(100);
    // Three parses of every shipped world (1,400 and growing): a budget for the work, not a timing target.
  }, 180_000);

  it('an entry the checks beyond the schema fault is parsed again, with the fault reported from the file', () => {
    const text = `schemaVersion: 1
id: cache-check-${Math.random().toString(36).slice(2)}
title: A tiny scenario
difficulty: easy
namespace: shop
task: Is anything wrong in the shop namespace?
cluster:
  namespaces: [shop]
expect:
  rootCause:
    mustMention: [nothing]
`;
    const good = parsed(text, 'tiny.yaml');
    // An entry saying the scenario allows a tool no world offers: the checks fault it, so the text is parsed.
    storeScenario(sha(text), {
      ...good.scenario,
      grants: { ...good.scenario.grants, allow: ['no_such_tool'] },
    });
    expect(parsed(text, 'tiny.yaml').scenario).toStrictEqual(good.scenario);
  });

  it('stores nothing a JSON copy would change', () => {
    const text = `# shared ${Math.random()}`;
    const shared = { a: 1 };
    storeScenario(sha(text), { x: shared, y: shared });
    expect(cachedScenario(sha(text))).toBeUndefined();
    storeScenario(sha(text), { x: undefined });
    expect(cachedScenario(sha(text))).toBeUndefined();
    storeScenario(sha(text), { x: -0 });
    expect(cachedScenario(sha(text))).toBeUndefined();
    storeScenario(sha(text), { x: [1, { y: 'z' }] });
    expect(cachedScenario(sha(text))).toStrictEqual({ x: [1, { y: 'z' }] });
  });
});
