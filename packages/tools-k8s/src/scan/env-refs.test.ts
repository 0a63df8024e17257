import { describe, expect, it } from 'vitest';
import { check, pod, type Row } from './__fixtures__/build.js';
import { envQuotedAnalyzer, envReferences, envRefsAnalyzer, quotedValues } from './env-refs.js';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';

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

describe('env-quoted analyzer: quotes that Kubernetes passes on as part of the value', () => {
  const QUOTED: Row[] = [
    {
      name: 'a list wrapped in double quotes, as copied from a compose .env file',
      objects: [withEnv([{ name: 'PENPOT_FLAGS', value: '"enable-login-with-password enable-smtp"' }])],
      want: [
        {
          kind: 'Pod',
          name: 'worker-1',
          reason: 'EnvValueQuoted',
          says: ['PENPOT_FLAGS', 'quotes as part of the value', 'takes the quote characters literally'],
          fix: true,
        },
      ],
    },
    { name: 'a value without quotes', objects: [withEnv([{ name: 'FLAGS', value: 'a b' }])], want: [] },
    {
      name: 'quotes inside the value (JSON, a quoted word)',
      objects: [
        withEnv([
          { name: 'J', value: '{"a": "b"}' },
          { name: 'W', value: '"a" and "b"' },
        ]),
      ],
      want: [],
    },
    { name: 'a quoted empty string', objects: [withEnv([{ name: 'E', value: '""' }])], want: [] },
  ];
  it.each(QUOTED)('$name', (row) => check(envQuotedAnalyzer, row));

  it('never prints the value of a variable named like a secret', () => {
    const [f] = analyze(factsFrom([withEnv([{ name: 'DB_PASSWORD', value: "'hunter2'" }])], {}), [
      envQuotedAnalyzer,
    ]);
    expect(f?.reason).toBe('EnvValueQuoted');
    expect(`${f?.message} ${f?.evidence.join(' ')}`).not.toContain('hunter2');
    expect(quotedValues({ name: 'c', image: 'i', env: [{ name: 'X', value: "'a'" }] })).toHaveLength(1);
  });
});
