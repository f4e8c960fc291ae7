import { describe, expect, it } from 'vitest';
import { COMPONENTS } from '../ledger/types.ts';
import { repaymentHabits, settlementsOf, type HabitAccount } from './habits.ts';

const inst = (seq: number, dueDate: string, amount: number) => ({
  seq,
  dueDate,
  principal: amount,
  interest: 0,
  fees: 0,
});
const pay = (id: string, paidOn: string, amount: number) => ({ id, paidOn, amount });

// Four monthly instalments of 100.00: the first paid on its day; the second in two parts, the
// last 10 days late; the third on its day; the fourth not paid (10 days open on 04-20).
const A: HabitAccount = {
  id: 'A',
  currency: 'USD',
  waterfall: COMPONENTS,
  arrearsTolerance: 0,
  instalments: [
    inst(1, '2026-01-10', 10000),
    inst(2, '2026-02-10', 10000),
    inst(3, '2026-03-10', 10000),
    inst(4, '2026-04-10', 10000),
  ],
  payments: [
    pay('p1', '2026-01-10', 10000),
    pay('p2', '2026-02-15', 6000),
    pay('p3', '2026-02-20', 4000),
    pay('p4', '2026-03-10', 10000),
  ],
};
// One instalment of 50.00 paid a week early: settled when it falls due, on time.
const B: HabitAccount = {
  id: 'B',
  currency: 'USD',
  waterfall: COMPONENTS,
  arrearsTolerance: 0,
  instalments: [inst(1, '2026-04-01', 5000)],
  payments: [pay('q1', '2026-03-25', 5000)],
};

describe('repayment habits', () => {
  it('settles each instalment on the day allocation leaves nothing of it', () => {
    expect(settlementsOf(A, '2026-04-20')).toEqual([
      { account: 'A', seq: 1, dueDate: '2026-01-10', settledOn: '2026-01-10', daysLate: 0 },
      { account: 'A', seq: 2, dueDate: '2026-02-10', settledOn: '2026-02-20', daysLate: 10 },
      { account: 'A', seq: 3, dueDate: '2026-03-10', settledOn: '2026-03-10', daysLate: 0 },
      { account: 'A', seq: 4, dueDate: '2026-04-10', settledOn: null, daysLate: 10 },
    ]);
    // paid early: settled on its due date, not before
    expect(settlementsOf(B, '2026-04-20')[0]).toMatchObject({
      settledOn: '2026-04-01',
      daysLate: 0,
    });
  });

  it('derives the ratios over all accounts (hand-computed)', () => {
    const h = repaymentHabits(
      [A, B],
      [
        { status: 'kept', amountMinor: 100, paidMinor: 100, late: false },
        { status: 'broken', amountMinor: 100, paidMinor: 0, late: false },
        { status: 'partially_kept', amountMinor: 100, paidMinor: 50, late: false },
        { status: 'open', amountMinor: 100, paidMinor: 0, late: false },
        { status: 'cancelled', amountMinor: 100, paidMinor: 0, late: false },
      ],
      '2026-04-20',
    );
    expect(h).toMatchObject({
      instalmentsDue: 5,
      onTime: 3,
      onTimeRatio: 0.6,
      // (0 + 10 + 0 + 10 + 0) / 5
      averageDaysLate: 4,
      // payments on the 10th, 15th, 20th, 10th and 25th
      usualPaymentDay: 10,
      usualPaymentDayShare: 0.4,
      payments: 5,
      // p2 paid 60 of 100 due; B's payment came when nothing was due
      partialPayments: 1,
      partialPaymentRatio: 0.25,
      promisesMade: 5,
      promisesKeptRatio: 1 / 3,
      lastPayment: { account: 'B', paidOn: '2026-03-25', amountMinor: 5000, currency: 'USD' },
    });
  });

  it('counts a remainder within the arrears tolerance as settled', () => {
    const acc = { ...B, arrearsTolerance: 5, payments: [pay('q1', '2026-04-03', 4996)] };
    expect(settlementsOf(acc, '2026-04-20')[0]).toMatchObject({
      settledOn: '2026-04-03',
      daysLate: 2,
    });
    expect(repaymentHabits([acc], [], '2026-04-20').partialPaymentRatio).toBe(0);
  });

  it('has no ratios without history, and ignores what comes after the day', () => {
    expect(repaymentHabits([], [], '2026-04-20')).toMatchObject({
      onTimeRatio: null,
      averageDaysLate: null,
      usualPaymentDay: null,
      partialPaymentRatio: null,
      promisesKeptRatio: null,
      lastPayment: null,
    });
    const h = repaymentHabits([A], [], '2026-02-16');
    expect(h).toMatchObject({ instalmentsDue: 2, onTime: 1, payments: 2, averageDaysLate: 3 });
  });
});
