import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMinor, isCurrency, parseAmount } from './currency.ts';

describe('currencyExponent', () => {
  it.each([
    ['CNY', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('%s has %i decimals', (code, exp) => {
    expect(currencyExponent(code)).toBe(exp);
    expect(isCurrency(code)).toBe(true);
  });

  it.each(['XYZ', 'usd', ''])('rejects unknown code %j', (code) => {
    expect(isCurrency(code)).toBe(false);
    expect(() => currencyExponent(code)).toThrow(RangeError);
  });
});

describe('parseAmount', () => {
  it.each([
    { text: '1234.50', currency: 'CNY', minor: 123450, why: '1234 * 100 + 50' },
    { text: '1234.5', currency: 'CNY', minor: 123450, why: 'one decimal padded to 50' },
    { text: '1234', currency: 'CNY', minor: 123400, why: 'no decimals: 1234 * 100' },
    { text: '0.01', currency: 'USD', minor: 1, why: 'one cent' },
    { text: '0', currency: 'USD', minor: 0, why: 'zero' },
    { text: '007.25', currency: 'USD', minor: 725, why: 'leading zeros ignored' },
    { text: '10.500', currency: 'USD', minor: 1050, why: 'trailing zero beyond 2 decimals' },
    { text: '10.5000000', currency: 'USD', minor: 1050, why: 'many trailing zeros' },
    { text: '1500', currency: 'JPY', minor: 1500, why: 'JPY has no minor unit' },
    { text: '1500.0', currency: 'JPY', minor: 1500, why: 'trailing zero beyond 0 decimals' },
    { text: '1.234', currency: 'KWD', minor: 1234, why: '1 * 1000 + 234' },
    { text: '1.2', currency: 'KWD', minor: 1200, why: '.2 padded to .200' },
    { text: '0.005', currency: 'KWD', minor: 5, why: '5 fils' },
    { text: '-12.34', currency: 'USD', minor: -1234, why: 'negative' },
    { text: '-0.01', currency: 'CNY', minor: -1, why: 'negative fen' },
    { text: '-1', currency: 'JPY', minor: -1, why: 'negative yen' },
    { text: '-1.5', currency: 'KWD', minor: -1500, why: 'negative, padded' },
    {
      text: '90071992547409.91',
      currency: 'USD',
      minor: Number.MAX_SAFE_INTEGER,
      why: '2^53 - 1 cents: the largest safe amount',
    },
    {
      text: '-9007199254740991',
      currency: 'JPY',
      minor: -Number.MAX_SAFE_INTEGER,
      why: '-(2^53 - 1) yen',
    },
  ])('$text $currency = $minor ($why)', ({ text, currency, minor }) => {
    expect(parseAmount(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    { text: '10.505', currency: 'USD', reason: /more than 2 decimals for USD/, why: '3 decimals' },
    { text: '0.001', currency: 'CNY', reason: /more than 2 decimals/, why: '3 decimals' },
    { text: '10.5001', currency: 'USD', reason: /more than 2 decimals/, why: 'non-zero 4th' },
    { text: '1.5', currency: 'JPY', reason: /more than 0 decimals for JPY/, why: 'JPY: none' },
    { text: '1.2345', currency: 'KWD', reason: /more than 3 decimals/, why: '4 decimals' },
    { text: '1e5', currency: 'USD', reason: /not a decimal amount/, why: 'exponent' },
    { text: '1E5', currency: 'USD', reason: /not a decimal amount/, why: 'exponent' },
    { text: '1,000', currency: 'USD', reason: /not a decimal amount/, why: 'thousands sep.' },
    { text: '1,000.00', currency: 'USD', reason: /not a decimal amount/, why: 'thousands sep.' },
    { text: '1 000', currency: 'USD', reason: /not a decimal amount/, why: 'space separator' },
    { text: '10,50', currency: 'EUR', reason: /not a decimal amount/, why: 'decimal comma' },
    { text: '', currency: 'USD', reason: /not a decimal amount/, why: 'empty' },
    { text: '   ', currency: 'USD', reason: /not a decimal amount/, why: 'blank' },
    { text: '.5', currency: 'USD', reason: /not a decimal amount/, why: 'no integer part' },
    { text: '5.', currency: 'USD', reason: /not a decimal amount/, why: 'dangling point' },
    { text: '+5', currency: 'USD', reason: /not a decimal amount/, why: 'plus sign' },
    { text: '--5', currency: 'USD', reason: /not a decimal amount/, why: 'double minus' },
    { text: '$5', currency: 'USD', reason: /not a decimal amount/, why: 'currency symbol' },
    { text: 'abc', currency: 'USD', reason: /not a decimal amount/, why: 'letters' },
    { text: 'NaN', currency: 'USD', reason: /not a decimal amount/, why: 'NaN' },
    { text: 'Infinity', currency: 'USD', reason: /not a decimal amount/, why: 'Infinity' },
    { text: '0x10', currency: 'USD', reason: /not a decimal amount/, why: 'hex' },
    { text: '12.34', currency: 'XYZ', reason: /unknown currency "XYZ"/, why: 'unknown code' },
    { text: '12.34', currency: 'usd', reason: /unknown currency "usd"/, why: 'lower case' },
    { text: '12.34', currency: '', reason: /unknown currency/, why: 'empty code' },
    {
      text: '90071992547409.92',
      currency: 'USD',
      reason: /too large/,
      why: '2^53 cents is not a safe integer',
    },
    { text: '9007199254740992', currency: 'JPY', reason: /too large/, why: '2^53 yen' },
    { text: '-9007199254740992', currency: 'JPY', reason: /too large/, why: '-(2^53) yen' },
    { text: '99999999999999999999', currency: 'JPY', reason: /too large/, why: '1e20 yen' },
    { text: '9007199254740.992', currency: 'KWD', reason: /too large/, why: '2^53 fils' },
  ])('rejects $text $currency ($why)', ({ text, currency, reason }) => {
    const r = parseAmount(text, currency);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  // Names inherited from Object.prototype are not ISO 4217 codes. They must be rejected like any
  // other unknown code, not parsed with a garbage exponent (which silently drops the decimals).
  it.each(['toString', 'constructor', '__proto__'])(
    'rejects the Object.prototype name %j as a currency',
    (currency) => {
      const r = parseAmount('12.34', currency);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/unknown currency/);
      expect(() => currencyExponent(currency)).toThrow(RangeError);
    },
  );
});

describe('formatMinor', () => {
  it.each([
    { minor: 123450, currency: 'CNY', text: '1234.50' },
    { minor: 1, currency: 'USD', text: '0.01' },
    { minor: 10, currency: 'USD', text: '0.10' },
    { minor: 0, currency: 'USD', text: '0.00' },
    { minor: -5, currency: 'USD', text: '-0.05' },
    { minor: -1234, currency: 'USD', text: '-12.34' },
    { minor: 1500, currency: 'JPY', text: '1500' },
    { minor: 0, currency: 'JPY', text: '0' },
    { minor: -7, currency: 'JPY', text: '-7' },
    { minor: 1234, currency: 'KWD', text: '1.234' },
    { minor: 5, currency: 'KWD', text: '0.005' },
    { minor: -1, currency: 'KWD', text: '-0.001' },
    { minor: Number.MAX_SAFE_INTEGER, currency: 'USD', text: '90071992547409.91' },
  ])('$minor $currency = $text', ({ minor, currency, text }) => {
    expect(formatMinor(minor, currency)).toBe(text);
    // Round trip: the formatted text parses back to the same minor units.
    expect(parseAmount(text, currency)).toEqual({ ok: true, minor });
  });

  it.each([
    { text: '10.500', currency: 'USD', canonical: '10.50' },
    { text: '007.25', currency: 'USD', canonical: '7.25' },
    { text: '1.2', currency: 'KWD', canonical: '1.200' },
    { text: '1500.00', currency: 'JPY', canonical: '1500' },
    { text: '-0.5', currency: 'CNY', canonical: '-0.50' },
  ])('parse then format $text $currency gives $canonical', ({ text, currency, canonical }) => {
    const r = parseAmount(text, currency);
    expect(r.ok).toBe(true);
    if (r.ok) expect(formatMinor(r.minor, currency)).toBe(canonical);
  });

  it.each([
    { minor: 1.5, currency: 'USD', why: 'fraction of a minor unit' },
    { minor: Number.NaN, currency: 'USD', why: 'NaN' },
    { minor: 2 ** 53, currency: 'USD', why: 'beyond the safe integers' },
    { minor: 100, currency: 'XYZ', why: 'unknown currency' },
  ])('throws on $minor $currency ($why)', ({ minor, currency }) => {
    expect(() => formatMinor(minor, currency)).toThrow(RangeError);
  });
});
