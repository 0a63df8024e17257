import { describe, expect, it } from 'vitest';
import { check, pod, type Row } from './__fixtures__/build.js';
import { envReferences, envRefsAnalyzer } from './env-refs.js';

const withEnv = (env: unknown[], extra: Record<string, unknown> = {}) =>
  pod('worker-1', { containers: [{ name: 'worker', image: 'w:1', env, ...extra }] }, { phase: 'Running' });

const ROWS: Row[] = [
  {
    name: 'references defined earlier are expanded',
    objects: [
      withEnv([
        { name: 'USER', value: 'a' },
        { name: 'URL', value: 'pg://$(USER)@db' },
      ]),
    ],
    want: [],
  },
  {
    name: 'a reference defined later stays literal',
    objects: [
      withEnv([
        { name: 'URL', value: 'pg://$(USER):$(PASS)@db' },
        { name: 'PASS', value: 'p' },
        { name: 'USER', value: 'u' },
      ]),
    ],
    want: [
      {
        kind: 'Pod',
        name: 'worker-1',
        reason: 'EnvVarReferenceNotExpanded',
        says: ['$(USER)', '$(PASS)', 'defined later', 'defined after it'],
        fix: true,
      },
    ],
  },
  {
    name: 'an escaped $$(X) is a literal by intent',
    objects: [
      withEnv([
        { name: 'TPL', value: 'echo $$(HOME)' },
        { name: 'HOME', value: '/root' },
      ]),
    ],
    want: [],
  },
  {
    name: 'an undefined reference with envFrom may be defined there',
    objects: [
      withEnv([{ name: 'URL', value: '$(FROM_CM)' }], { envFrom: [{ configMapRef: { name: 'cm' } }] }),
    ],
    want: [],
  },
  {
    name: 'an undefined reference without envFrom stays literal',
    objects: [withEnv([{ name: 'URL', value: 'x$(NOPE)' }])],
    want: [
      {
        kind: 'Pod',
        name: 'worker-1',
        reason: 'EnvVarReferenceNotExpanded',
        says: ['$(NOPE)', 'not defined'],
      },
    ],
  },
];

describe('env-refs analyzer', () => {
  it.each(ROWS)('$name', (row) => check(envRefsAnalyzer, row));

  it('finds references in one linear pass', () => {
    expect(envReferences('a$(X)b$(Y)$(X)$$(Z)$(')).toEqual(['X', 'Y']);
    const long = `${'$('.repeat(50_000)}`;
    expect(envReferences(long)).toEqual([]);
  });
});
