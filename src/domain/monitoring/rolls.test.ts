import { describe, expect, it } from 'vitest';
import { cureRates, monthEnd, monthEndsBefore, rollRateMatrices, type PairCount } from './rolls.ts';

const ORDER = ['current', 'M1', 'M2', 'M3'];
const pair = (
  from: string,
  to: string,
  accounts: number,
  balanceMinor: number,
  extra: Partial<PairCount> = {},
): PairCount => ({
  start: '2025-01-31',
  end: '2025-02-28',
  product: 'loan',
  currency: 'USD',
  from,
  to,
  accounts,
  balanceMinor,
  ...extra,
});

// January → February: 10 accounts in M1 at 31 Jan (1000.00 USD): 3 cured, 5 stayed, 2 rolled
// to M2; 4 in M2 (800.00): 1 back to M1, 3 to M3; 20 current (5000.00), 2 of them to M1.
const COUNTS = [
  pair('M1', 'current', 3, 30_000),
  pair('M1', 'M1', 5, 50_000),
  pair('M1', 'M2', 2, 20_000),
  pair('M2', 'M1', 1, 20_000),
  pair('M2', 'M3', 3, 60_000),
  pair('current', 'current', 18, 450_000),
  pair('current', 'M1', 2, 50_000),
];
const isCurrent = (_p: string, b: string) => b === 'current';

describe('month-ends', () => {
  it('is the last day of the month, February in a leap year included', () => {
    expect(monthEnd('2024-02-10')).toBe('2024-02-29');
    expect(monthEnd('2025-12-01')).toBe('2025-12-31');
  });
  it('lists the month-ends before the month of a date, oldest first', () => {
    expect(monthEndsBefore('2025-03-15', 3)).toEqual(['2024-12-31', '2025-01-31', '2025-02-28']);
  });
});

describe('roll-rate matrix', () => {
  const [m] = rollRateMatrices(COUNTS, ORDER);
  it('has one row per bucket with accounts at the start, in order', () => {
    expect(m!.start).toBe('2025-01-31');
    expect(m!.end).toBe('2025-02-28');
    expect(m!.accounts).toBe(34);
    expect(m!.rows.map((r) => r.from)).toEqual(['current', 'M1', 'M2']);
  });
  it('gives each cell its share of the row, by count and by balance', () => {
    const m1 = m!.rows[1]!;
    expect(m1.accounts).toBe(10);
    expect(m1.balances).toEqual({ USD: 100_000 });
    const toM2 = m1.cells.find((c) => c.to === 'M2')!;
    expect(toM2.accounts).toBe(2);
    expect(toM2.rate).toBe(0.2);
    expect(toM2.balanceRates).toEqual({ USD: 0.2 });
    expect(m1.cells.map((c) => c.accounts)).toEqual([3, 5, 2, 0]);
    expect(m1.rollForwardRate).toBe(0.2);
    expect(m1.rollBackRate).toBe(0.3);
    const m2 = m!.rows[2]!;
    // M2: 1 of 4 back (20000 of 80000 by balance), 3 of 4 forward
    expect(m2.rollForwardRate).toBe(0.75);
    expect(m2.cells.find((c) => c.to === 'M1')!.balanceRates).toEqual({ USD: 0.25 });
  });
  it('keeps the balances of each currency apart', () => {
    const [x] = rollRateMatrices(
      [pair('M1', 'M2', 1, 1000), pair('M1', 'M1', 1, 3000, { currency: 'CNY' })],
      ORDER,
    );
    const toM2 = x!.rows[0]!.cells.find((c) => c.to === 'M2')!;
    expect(toM2.rate).toBe(0.5);
    expect(toM2.balances).toEqual({ USD: 1000 });
    expect(toM2.balanceRates).toEqual({ USD: 1, CNY: 0 });
  });
  it('orders periods oldest first', () => {
    const ms = rollRateMatrices(
      [pair('M1', 'M1', 1, 1, { start: '2025-02-28', end: '2025-03-31' }), ...COUNTS],
      ORDER,
    );
    expect(ms.map((x) => x.start)).toEqual(['2025-01-31', '2025-02-28']);
  });
});

describe('cure rates', () => {
  it('is the share of the delinquent at the start that are current at the end', () => {
    const [p] = cureRates(COUNTS, ORDER, isCurrent);
    expect(p!.buckets.map((b) => [b.bucket, b.accounts, b.cured, b.rate])).toEqual([
      ['M1', 10, 3, 0.3],
      ['M2', 4, 0, 0],
    ]);
    expect(p!.buckets[0]!.curedBalances).toEqual({ USD: 30_000 });
    // 3 cured of 14 delinquent
    expect(p!.total).toEqual({ accounts: 14, cured: 3, rate: 3 / 14 });
  });
  it('has a null total rate when no one was delinquent', () => {
    const [p] = cureRates([pair('current', 'current', 5, 100)], ORDER, isCurrent);
    expect(p!.buckets).toEqual([]);
    expect(p!.total.rate).toBeNull();
  });
});
