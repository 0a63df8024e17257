import { describe, expect, it } from 'vitest';
import { cleanLine, lineScore, lineShape, stateFields, targetOf } from './extract.js';

describe('extraction', () => {
  it('ranks reasons and non-zero exits above errors, errors above warnings, and drops healthy INFO lines', () => {
    const reason = lineScore('Last State: Terminated, Reason: OOMKilled, Exit Code: 137');
    const error = lineScore('ERROR connection refused');
    const warn = lineScore('WARN slow request took 900ms');
    const status = lineScore('Replicas: 3 desired | 3 available');
    expect(reason).toBeGreaterThan(error);
    expect(error).toBeGreaterThan(warn);
    expect(warn).toBeGreaterThan(status);
    expect(status).toBeGreaterThan(0);
    expect(lineScore('2026-11-24T07:00:00Z INFO GET /api/items/1 200 3ms')).toBe(0);
    expect(lineScore('Exit Code: 0')).toBe(1);
  });

  it('cleans timestamps and whitespace, and masks numbers in a line’s shape', () => {
    expect(cleanLine('2026-11-24T07:00:00.123Z   ERROR   boom')).toBe('ERROR boom');
    expect(lineShape('timed out after 250ms (3 retries)')).toBe(
      lineShape('timed out after 900ms (7 retries)'),
    );
    expect(lineShape('pod web-7f9c4 failed')).not.toBe(lineShape('pod web-8f9c4 failed'));
  });

  it('reads state fields and targets', () => {
    expect(
      stateFields(['  State:  Waiting', '    Reason:   CrashLoopBackOff', 'Node: n1', '  Exit Code: 137']),
    ).toEqual(['State Waiting', 'Reason CrashLoopBackOff', 'Exit Code 137']);
    expect(targetOf({ namespace: 'shop', deployment: 'cart' })).toBe('shop/cart');
    expect(targetOf({ kind: 'Node', name: 'n1' })).toBe('Node n1');
    expect(targetOf({ namespace: 'shop' })).toBe('shop');
    expect(targetOf(undefined)).toBe('');
  });
});
