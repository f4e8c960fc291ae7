import { describe, expect, it } from 'vitest';
import { allocate, type Allocation } from './allocation.ts';
import type { Component, Instalment, Payment } from './types.ts';
import { COMPONENTS } from './types.ts';

/** Each instalment: principal 1000 + interest 100 + fees 50 = 1150. */
const inst = (seq: number, dueDate: string): Instalment => ({
  seq,
  dueDate,
  principal: 1000,
  interest: 100,
  fees: 50,
});
const I1 = inst(1, '2026-01-15');
const I2 = inst(2, '2026-02-15');
const I3 = inst(3, '2026-03-15');
const SCHEDULE = [I1, I2, I3];

let nextId = 0;
const pay = (paidOn: string, amount: number, id = `p${++nextId}`): Payment => ({
  id,
  paidOn,
  amount,
});

const DEFAULT: readonly Component[] = COMPONENTS; // fees, interest, principal
const PRINCIPAL_FIRST: readonly Component[] = ['principal', 'interest', 'fees'];
const INTEREST_FIRST: readonly Component[] = ['interest', 'fees', 'principal'];

/** Paid per instalment as [fees, interest, principal], plus the totals. */
function summary(a: Allocation) {
  return {
    order: a.instalments.map((p) => p.seq),
    paid: a.instalments.map((p) => [p.paid.fees, p.paid.interest, p.paid.principal]),
    unpaid: a.instalments.map((p) => p.unpaid),
    credit: a.credit,
    paidToDate: a.paidToDate,
  };
}

interface Case {
  name: string;
  instalments?: Instalment[];
  payments: Payment[];
  asOf: string;
  waterfall?: readonly Component[];
  expected: ReturnType<typeof summary>;
}

const none = [0, 0, 0];

describe('allocate', () => {
  it.each<Case>([
    {
      name: 'no payments',
      payments: [],
      asOf: '2026-02-20',
      expected: {
        order: [1, 2, 3],
        paid: [none, none, none],
        unpaid: [1150, 1150, 1150],
        credit: 0,
        paidToDate: 0,
      },
    },
    {
      name: 'exact payment of the first instalment on its due date',
      payments: [pay('2026-01-15', 1150)],
      asOf: '2026-01-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], none, none],
        unpaid: [0, 1150, 1150],
        credit: 0,
        paidToDate: 1150,
      },
    },
    {
      name: 'partial payment, default waterfall: fees 50, then interest 70 of 100',
      payments: [pay('2026-01-20', 120)],
      asOf: '2026-01-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 70, 0], none, none],
        unpaid: [1030, 1150, 1150],
        credit: 0,
        paidToDate: 120,
      },
    },
    {
      name: 'partial payment, principal-first waterfall: all 120 to principal',
      payments: [pay('2026-01-20', 120)],
      asOf: '2026-01-20',
      waterfall: PRINCIPAL_FIRST,
      expected: {
        order: [1, 2, 3],
        paid: [[0, 0, 120], none, none],
        unpaid: [1030, 1150, 1150],
        credit: 0,
        paidToDate: 120,
      },
    },
    {
      name: 'partial payment, principal-first: 1050 = principal 1000 + interest 50',
      payments: [pay('2026-01-20', 1050)],
      asOf: '2026-01-20',
      waterfall: PRINCIPAL_FIRST,
      expected: {
        order: [1, 2, 3],
        paid: [[0, 50, 1000], none, none],
        unpaid: [100, 1150, 1150],
        credit: 0,
        paidToDate: 1050,
      },
    },
    {
      name: 'partial payment, interest-first waterfall: interest 100, then fees 20 of 50',
      payments: [pay('2026-01-20', 120)],
      asOf: '2026-01-20',
      waterfall: INTEREST_FIRST,
      expected: {
        order: [1, 2, 3],
        paid: [[20, 100, 0], none, none],
        unpaid: [1030, 1150, 1150],
        credit: 0,
        paidToDate: 120,
      },
    },
    {
      name: 'two partial payments fill the waterfall in turn: 30 fees, then 20 fees + 40 interest',
      payments: [pay('2026-01-16', 30), pay('2026-01-17', 60)],
      asOf: '2026-01-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 40, 0], none, none],
        unpaid: [1060, 1150, 1150],
        credit: 0,
        paidToDate: 90,
      },
    },
    {
      name: 'one payment spanning two due instalments: 1150 to #1, 50 fees of #2',
      payments: [pay('2026-02-20', 1200)],
      asOf: '2026-02-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], [50, 0, 0], none],
        unpaid: [0, 1100, 1150],
        credit: 0,
        paidToDate: 1200,
      },
    },
    {
      name: 'overpayment before #2 falls due: 2000 - 1150 = 850 kept as credit',
      payments: [pay('2026-01-15', 2000)],
      asOf: '2026-02-14',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], none, none],
        unpaid: [0, 1150, 1150],
        credit: 850,
        paidToDate: 2000,
      },
    },
    {
      name: 'overpayment once #2 falls due: credit 850 = fees 50 + interest 100 + principal 700',
      payments: [pay('2026-01-15', 2000)],
      asOf: '2026-02-15',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], [50, 100, 700], none],
        unpaid: [0, 300, 1150],
        credit: 0,
        paidToDate: 2000,
      },
    },
    {
      name: 'overpayment covering two later instalments: 4000 - 3 * 1150 = 550 credit left',
      payments: [pay('2026-01-15', 4000)],
      asOf: '2026-03-15',
      expected: {
        order: [1, 2, 3],
        paid: [
          [50, 100, 1000],
          [50, 100, 1000],
          [50, 100, 1000],
        ],
        unpaid: [0, 0, 0],
        credit: 550,
        paidToDate: 4000,
      },
    },
    {
      name: 'payment before anything is due is all credit',
      payments: [pay('2026-01-01', 500)],
      asOf: '2026-01-14',
      expected: {
        order: [1, 2, 3],
        paid: [none, none, none],
        unpaid: [1150, 1150, 1150],
        credit: 500,
        paidToDate: 500,
      },
    },
    {
      name: 'that early payment settles #1 on its due date: fees 50, interest 100, principal 350',
      payments: [pay('2026-01-01', 500)],
      asOf: '2026-01-15',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 350], none, none],
        unpaid: [650, 1150, 1150],
        credit: 0,
        paidToDate: 500,
      },
    },
    {
      name: 'payments after D are ignored; a payment on D counts',
      payments: [pay('2026-01-20', 1150), pay('2026-01-21', 1150), pay('2026-03-01', 99)],
      asOf: '2026-01-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], none, none],
        unpaid: [0, 1150, 1150],
        credit: 0,
        paidToDate: 1150,
      },
    },
    {
      name: 'payments out of order in the input: the later-dated one after D is ignored',
      payments: [pay('2026-03-01', 500), pay('2026-02-16', 100), pay('2026-01-15', 1150)],
      asOf: '2026-02-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], [50, 50, 0], none],
        unpaid: [0, 1050, 1150],
        credit: 0,
        paidToDate: 1250,
      },
    },
    {
      name: 'instalments out of order in the input: the oldest (#1) is paid first',
      instalments: [I3, I1, I2],
      payments: [pay('2026-02-20', 1200)],
      asOf: '2026-02-20',
      expected: {
        order: [1, 2, 3],
        paid: [[50, 100, 1000], [50, 0, 0], none],
        unpaid: [0, 1100, 1150],
        credit: 0,
        paidToDate: 1200,
      },
    },
    {
      name: 'same due date: the lower seq is paid first whatever the input order',
      instalments: [inst(2, '2026-01-15'), inst(1, '2026-01-15')],
      payments: [pay('2026-01-15', 1200)],
      asOf: '2026-01-15',
      expected: {
        order: [1, 2],
        paid: [
          [50, 100, 1000],
          [50, 0, 0],
        ],
        unpaid: [0, 1100],
        credit: 0,
        paidToDate: 1200,
      },
    },
  ])('$name', ({ instalments = SCHEDULE, payments, asOf, waterfall = DEFAULT, expected }) => {
    expect(summary(allocate(instalments, payments, asOf, waterfall))).toEqual(expected);
  });

  it('marks instalments due on or before D as fallen due', () => {
    const a = allocate(SCHEDULE, [], '2026-02-15', DEFAULT);
    expect(a.instalments.map((p) => p.fallenDue)).toEqual([true, true, false]);
  });

  it('gives the same result whatever the order of payments in the input', () => {
    const payments = [pay('2026-01-10', 300), pay('2026-02-01', 900), pay('2026-02-15', 1000)];
    const inOrder = allocate(SCHEDULE, payments, '2026-03-01', DEFAULT);
    const reversed = allocate(SCHEDULE, [...payments].reverse(), '2026-03-01', DEFAULT);
    expect(reversed).toEqual(inOrder);
    // 2200 paid: #1 takes 1150, #2 takes the other 1050 (fees 50, interest 100, principal 900).
    expect(summary(inOrder).paid).toEqual([[50, 100, 1000], [50, 100, 900], none]);
  });

  it('does not modify its inputs', () => {
    const instalments = [I3, I1, I2];
    const payments = [pay('2026-02-01', 10), pay('2026-01-01', 20)];
    const before = JSON.stringify({ instalments, payments });
    allocate(instalments, payments, '2026-03-01', DEFAULT);
    expect(JSON.stringify({ instalments, payments })).toBe(before);
  });
});
