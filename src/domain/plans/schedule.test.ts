import { describe, expect, it } from 'vitest';
import { defer, instalmentPlan, nthDate, settlement } from './schedule.ts';

const sum = (xs: { amountMinor: number }[]) => xs.reduce((t, x) => t + x.amountMinor, 0);

describe('instalment plans', () => {
  it('splits the amount into equal instalments, the first carrying the remainder', () => {
    const s = instalmentPlan({
      amountMinor: 100_00,
      downPaymentMinor: 0,
      count: 3,
      frequency: 'monthly',
      start: '2026-01-31',
    });
    expect(s).toEqual([
      { seq: 1, dueDate: '2026-01-31', amountMinor: 33_34 },
      { seq: 2, dueDate: '2026-02-28', amountMinor: 33_33 },
      { seq: 3, dueDate: '2026-03-31', amountMinor: 33_33 },
    ]);
    expect(sum(s)).toBe(100_00);
  });

  it('takes a down payment on the start date, then the instalments a period apart', () => {
    const s = instalmentPlan({
      amountMinor: 1_000_00,
      downPaymentMinor: 250_00,
      count: 4,
      frequency: 'biweekly',
      start: '2026-03-02',
    });
    expect(s.map((x) => [x.dueDate, x.amountMinor])).toEqual([
      ['2026-03-02', 250_00],
      ['2026-03-16', 187_50],
      ['2026-03-30', 187_50],
      ['2026-04-13', 187_50],
      ['2026-04-27', 187_50],
    ]);
    expect(sum(s)).toBe(1_000_00);
  });

  it('refuses terms that cannot be met', () => {
    const t = {
      amountMinor: 5,
      downPaymentMinor: 0,
      count: 6,
      frequency: 'weekly',
      start: '2026-01-01',
    } as const;
    expect(() => instalmentPlan(t)).toThrow(/less than one minor unit/);
    expect(() => instalmentPlan({ ...t, amountMinor: 600, downPaymentMinor: 600 })).toThrow(
      /down payment/,
    );
    expect(() => instalmentPlan({ ...t, amountMinor: 0 })).toThrow(/positive/);
    expect(() => instalmentPlan({ ...t, amountMinor: 600, count: 0 })).toThrow(/at least one/);
  });

  it('steps weekly, every two weeks and monthly', () => {
    expect(nthDate('2026-12-28', 'weekly', 1)).toBe('2027-01-04');
    expect(nthDate('2026-12-28', 'biweekly', 2)).toBe('2027-01-25');
    expect(nthDate('2024-01-31', 'monthly', 1)).toBe('2024-02-29');
    expect(nthDate('2024-01-31', 'monthly', 2)).toBe('2024-03-31');
  });
});

describe('settlements', () => {
  it('forgives the discount, rounded down, and schedules the rest', () => {
    const s = settlement({
      balanceMinor: 1_234_57,
      discountPercent: 30,
      count: 1,
      frequency: 'monthly',
      start: '2026-05-10',
    });
    // 30 % of 1,234.57 is 370.371: 370.37 written off, 864.20 paid
    expect(s).toEqual({
      payMinor: 864_20,
      writeOffMinor: 370_37,
      payments: [{ seq: 1, dueDate: '2026-05-10', amountMinor: 864_20 }],
    });
    const short = settlement({
      balanceMinor: 1_000_00,
      discountPercent: 12.5,
      count: 3,
      frequency: 'weekly',
      start: '2026-05-10',
    });
    expect(short.payMinor + short.writeOffMinor).toBe(1_000_00);
    expect(sum(short.payments)).toBe(short.payMinor);
  });

  it('refuses a discount out of range or with more than two decimals', () => {
    const t = { balanceMinor: 100, count: 1, frequency: 'weekly', start: '2026-01-01' } as const;
    expect(() => settlement({ ...t, discountPercent: 100 })).toThrow(/0 up to 100/);
    expect(() => settlement({ ...t, discountPercent: 10.125 })).toThrow(/two decimals/);
  });
});

describe('deferrals', () => {
  const s = [
    { seq: 1, dueDate: '2026-01-10', amountMinor: 100 },
    { seq: 2, dueDate: '2026-02-10', amountMinor: 100 },
    { seq: 3, dueDate: '2026-03-10', amountMinor: 100 },
  ];

  it('moves the due dates from a day on, with the fee on the first moved', () => {
    expect(defer(s, '2026-02-01', 30, 15)).toEqual([
      { seq: 1, dueDate: '2026-01-10', amountMinor: 100 },
      { seq: 2, dueDate: '2026-03-12', amountMinor: 115 },
      { seq: 3, dueDate: '2026-04-09', amountMinor: 100 },
    ]);
    // the schedule given is left as it was
    expect(s[1]!.dueDate).toBe('2026-02-10');
  });

  it('refuses a move of no days or a negative fee', () => {
    expect(() => defer(s, '2026-01-01', 0)).toThrow(/a day or more/);
    expect(() => defer(s, '2026-01-01', 5, -1)).toThrow(/fee/);
  });
});
