import { describe, expect, it } from 'vitest';
import { decideMode, withoutCiEnv } from './mode.js';

describe('decideMode', () => {
  it('starts the UI only with a terminal on both ends and no --json', () => {
    expect(decideMode({ json: false, stdoutIsTTY: true, stdinIsTTY: true })).toBe('interactive');
    expect(decideMode({ json: true, stdoutIsTTY: true, stdinIsTTY: true })).toBe('json');
    expect(decideMode({ json: false, stdoutIsTTY: false, stdinIsTTY: true })).toBe('plain');
    expect(decideMode({ json: false, stdoutIsTTY: true, stdinIsTTY: false })).toBe('plain');
  });
});

describe('withoutCiEnv', () => {
  it('hides CI variables while Ink loads and puts them back', () => {
    const env: NodeJS.ProcessEnv = { CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/h' };
    const restore = withoutCiEnv(env);
    expect(env).toEqual({ HOME: '/h' });
    restore();
    expect(env).toEqual({ CI: 'true', CONTINUOUS_INTEGRATION: '1', HOME: '/h' });
  });
});
