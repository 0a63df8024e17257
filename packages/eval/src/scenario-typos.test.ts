import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './did-you-mean.js';
import { EvaluationError, formatIssue } from './errors.js';
import { loadScenarios, parseScenario } from './scenario-loader.js';

/** A scenario with typos in keys at several depths, one line each (line numbers on the left). */
const TYPOS = [
  /*  1 */ 'schemaVersion: 1',
  /*  2 */ 'id: typos',
  /*  3 */ 'titel: Typos everywhere',
  /*  4 */ 'difficulty: easy',
  /*  5 */ 'namespace: shop',
  /*  6 */ 'task: Is anything wrong in the shop namespace?',
  /*  7 */ 'cluster:',
  /*  8 */ '  namespaces: [shop]',
  /*  9 */ '  deployments:',
  /* 10 */ '    - name: web',
  /* 11 */ '      namespace: shop',
  /* 12 */ '      replicas: 1',
  /* 13 */ '      containers:',
  /* 14 */ '        - name: web',
  /* 15 */ '          image: shop/web:1',
  /* 16 */ '          behaviour:',
  /* 17 */ '            logs: [ready]',
  /* 18 */ 'expect:',
  /* 19 */ '  rootCause:',
  /* 20 */ '    mustMention: [nothing]',
  /* 21 */ '  endState:',
  /* 22 */ '    - { kind: Deployment, name: web, path: spec.replicas, equal: 1 }',
  /* 23 */ '  zzzqqqxx: true',
  '',
].join('\n');

describe('unknown keys in scenario files', () => {
  const out = parseScenario(TYPOS, 'typos.yaml');
  const issues = out.ok ? [] : out.issues;

  it('reports each unknown key at its own line, with what it probably meant', () => {
    expect(out.ok).toBe(false);
    const unknown = issues.filter((i) => i.message.startsWith('unknown key'));
    expect(unknown.map((i) => [i.line, i.path, i.message])).toEqual([
      [3, 'titel', 'unknown key `titel`: did you mean `title`?'],
      [
        16,
        'cluster.deployments[0].containers[0].behaviour',
        'unknown key `behaviour`: did you mean `behavior`?',
      ],
      [22, 'expect.endState[0].equal', 'unknown key `equal`: did you mean `equals`?'],
      // Nothing close: no guess.
      [23, 'expect.zzzqqqxx', 'unknown key `zzzqqqxx`'],
    ]);
    // The nested key is reported where it is written, not at its parent's line (14).
    expect(formatIssue(unknown[1]!)).toBe(
      'typos.yaml:16:11 cluster.deployments[0].containers[0].behaviour: unknown key `behaviour`: did you mean `behavior`?',
    );
  });

  it('lists the problems by line', () => {
    const lines = issues.map((i) => i.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    // The missing title (reported at the document) comes before the unknown key of line 3.
    expect(issues[0]?.path).toBe('title');
  });

  it('sorts the problems of several files by file, then line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'typos-'));
    writeFileSync(join(dir, 'b.yaml'), TYPOS);
    writeFileSync(
      join(dir, 'a.yaml'),
      TYPOS.replace('titel: Typos everywhere', 'title: A').replace('id: typos', 'id: Bad_Id'),
    );
    let err: unknown;
    try {
      loadScenarios([join(dir, 'b.yaml'), join(dir, 'a.yaml')], dir);
    } catch (e) {
      err = e;
    }
    expect(EvaluationError.isInstance(err)).toBe(true);
    const found = (err as EvaluationError).issues.map((i) => `${i.file}:${i.line}`);
    expect(found.slice(0, 4)).toEqual(['a.yaml:2', 'a.yaml:16', 'a.yaml:22', 'a.yaml:23']);
    expect(found.slice(4)).toEqual(['b.yaml:1', 'b.yaml:3', 'b.yaml:16', 'b.yaml:22', 'b.yaml:23']);
  });
});

describe('did you mean', () => {
  it.each([
    ['behaviour', 'behavior', 1],
    ['titel', 'title', 1],
    ['equal', 'equals', 1],
    ['kitten', 'sitting', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) = %i', (a, b, d) => {
    expect(editDistance(a, b, 5)).toBe(d);
  });

  it('stops counting past the bound, and never compares long names', () => {
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
    expect(editDistance('a'.repeat(65), 'a'.repeat(65), 2)).toBe(0);
    expect(editDistance('a'.repeat(65), `${'a'.repeat(64)}b`, 2)).toBe(3);
  });

  it('suggests the closest known name only when it is close', () => {
    const known = ['behavior', 'name', 'image', 'ports'];
    expect(closestName('behaviour', known)).toBe('behavior');
    expect(closestName('Behavior', known)).toBe('behavior');
    expect(closestName('nmae', known)).toBe('name');
    expect(closestName('port', known)).toBe('ports');
    expect(closestName('resources', known)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });
});

describe('grant matchers name the arguments the tool takes', () => {
  const scenario = (where: string) =>
    [
      'schemaVersion: 1',
      'id: grants',
      'title: Grants',
      'difficulty: easy',
      'namespace: shop',
      'task: Is anything wrong in the shop namespace?',
      'cluster: { namespaces: [shop] }',
      'grants:',
      `  allow: [{ tool: list_pods, where: { namespace: shop } }, { tool: set_service_selector, where: ${where} }]`,
      `  approve: [{ tool: set_service_selector, where: ${where} }]`,
      'expect: { rootCause: { mustMention: [shop] } }',
      '',
    ].join('\n');

  it('accepts arguments and fields inside them, as the tool defines them', () => {
    expect(parseScenario(scenario('{ namespace: shop, name: web, selector.app: web }'), 'g.yaml').ok).toBe(
      true,
    );
  });

  it('refuses a key no call carries, naming the arguments and the likely one', () => {
    const out = parseScenario(scenario('{ namespace: shop, nme: web }'), 'g.yaml');
    const issues = out.ok ? [] : out.issues;
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      [
        'grants.allow[1].where.nme',
        'set_service_selector takes no argument "nme"; did you mean "name"? (its arguments: namespace, name, selector, dryRun)',
      ],
      [
        'grants.approve[0].where.nme',
        'set_service_selector takes no argument "nme"; did you mean "name"? (its arguments: namespace, name, selector, dryRun)',
      ],
    ]);
  });
});
