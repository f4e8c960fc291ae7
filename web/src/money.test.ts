import { describe, expect, it } from 'vitest';
import { sumAmounts } from './money.ts';

describe('sums of amounts on screen', () => {
  it('adds decimal strings exactly', () => {
    expect(sumAmounts(['0.10', '0.20'])).toBe('0.30');
    expect(sumAmounts(['1234.50', '-0.55', '7'])).toBe('1240.95');
    expect(sumAmounts(['90071992547409.91', '0.02'])).toBe('90071992547409.93');
    expect(sumAmounts([])).toBe('0');
  });
});

describe('minor units to amounts', () => {
  it('uses the currency exponent', async () => {
    const { minorToAmount } = await import('./money.ts');
    expect(minorToAmount(123456, 'CNY')).toBe('1234.56');
    expect(minorToAmount(-5, 'USD')).toBe('-0.05');
    expect(minorToAmount(1200, 'JPY')).toBe('1200');
  });
});
