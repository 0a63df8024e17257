import { describe, expect, it } from 'vitest';
import { isQuantity, parseQuantity } from './quantity.js';

// The suffixes of Kubernetes' resource.Quantity (k8s.io/apimachinery/pkg/api/resource):
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI> ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI> ::= m | "" | k | M | G | T | P | E   (and n, u, which the API writes for CPU usage)
//   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
describe('parseQuantity: the suffixes Kubernetes defines', () => {
  it.each([
    // binary SI: powers of 1024
    ['1Ki', 2 ** 10],
    ['1Mi', 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1Ti', 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    // decimal SI: powers of 1000
    ['1n', 1e-9],
    ['1u', 1e-6],
    ['1m', 1e-3],
    ['250m', 0.25],
    ['1', 1],
    ['1k', 1e3],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['123456789n', 0.123456789],
    // decimal exponents
    ['1e3', 1e3],
    ['1E3', 1e3],
    ['1e-3', 1e-3],
    ['1e+2', 100],
    ['12e6', 12e6],
    // numbers: signs and the forms with a dot
    ['0', 0],
    ['+1', 1],
    ['-1', -1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1.', 1],
    ['-0.5Gi', -0.5 * 2 ** 30],
    ['  2Gi ', 2 * 2 ** 30],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
    expect(isQuantity(text)).toBe(true);
  });

  it('reads the same memory written five ways alike (the Kubernetes documentation example)', () => {
    const bytes = ['128974848', '129e6', '129M', '128974848000m', '123Mi'].map(parseQuantity);
    expect(bytes.slice(0, 1)).toEqual([128974848]);
    expect(bytes[1]).toBe(129e6);
    expect(bytes[2]).toBe(129e6);
    // A power of ten goes through the number's text: exact, not 128974848.00000001.
    expect(bytes[3]).toBe(128974848);
    expect(bytes[4]).toBe(123 * 2 ** 20);
  });

  it('tells 1E (an exa) from 1E3 (a thousand) and 1Ei (an exbi)', () => {
    expect([parseQuantity('1E'), parseQuantity('1E3'), parseQuantity('1Ei')]).toEqual([1e18, 1e3, 2 ** 60]);
  });

  it.each([
    '',
    ' ',
    'Mi',
    'abc',
    '1K', // Kubernetes has k, not K
    '1ki',
    '1mi',
    '1KI',
    '1 Mi',
    '1.2.3',
    '1e',
    '1e3Mi',
    '1Mi3',
    '--1',
    '.',
    '1,5',
    'Infinity',
    'NaN',
    '0x10',
  ])('%j is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
    expect(isQuantity(text)).toBe(false);
  });

  it('takes finite numbers as they are and nothing else', () => {
    expect(parseQuantity(2)).toBe(2);
    expect(parseQuantity(0.25)).toBe(0.25);
    expect(parseQuantity(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseQuantity(Number.NaN)).toBeUndefined();
    expect(parseQuantity(null)).toBeUndefined();
    expect(parseQuantity({})).toBeUndefined();
    // An exponent too large for a double is not a number.
    expect(parseQuantity('1e400')).toBeUndefined();
  });
});
