import { describe, expect, it } from 'vitest';
import { delinquencyState, type DelinquencyState } from './delinquency.ts';
import {
  DEFAULT_LEDGER_POLICY,
  DEFAULT_PRODUCT_POLICY,
  type BucketRange,
  type LedgerPolicy,
  type ProductPolicy,
} from './policy.ts';
import type { AccountLedger, Hold, Instalment, Payment, Product } from './types.ts';

/** An instalment of 1000: principal 800 + interest 150 + fees 50. */
const inst = (seq: number, dueDate: string): Instalment => ({
  seq,
  dueDate,
  principal: 800,
  interest: 150,
  fees: 50,
});
// Days between due dates in 2026: Jan 10 -> Feb 10 = 31, Feb 10 -> Mar 10 = 28, -> Apr 10 = 31.
const I1 = inst(1, '2026-01-10');
const I2 = inst(2, '2026-02-10');
const I3 = inst(3, '2026-03-10');
const I4 = inst(4, '2026-04-10');
const SCHEDULE = [I1, I2, I3, I4];

let nextId = 0;
const pay = (paidOn: string, amount: number): Payment => ({ id: `p${++nextId}`, paidOn, amount });
const hold = (from: string, to: string | null): Hold => ({ kind: 'hardship', from, to });

function ledger(l: Partial<AccountLedger> = {}): AccountLedger {
  return {
    product: 'loan',
    currency: 'CNY',
    graceDays: null,
    instalments: SCHEDULE,
    payments: [],
    holds: [],
    ...l,
  };
}

function policyFor(change: Partial<ProductPolicy>, product: Product = 'loan'): LedgerPolicy {
  return { ...DEFAULT_LEDGER_POLICY, [product]: { ...DEFAULT_PRODUCT_POLICY, ...change } };
}

function view(s: DelinquencyState) {
  return {
    overdueDueDate: s.overdueDueDate,
    delinquentDate: s.delinquentDate,
    pastDueDays: s.pastDueDays,
    delinquentDays: s.delinquentDays,
    bucket: s.bucket,
    arrears: s.arrears,
    outstanding: s.outstanding,
    credit: s.credit,
    ageing: s.ageing,
  };
}
type View = ReturnType<typeof view>;

const CURRENT = {
  overdueDueDate: null,
  delinquentDate: null,
  pastDueDays: 0,
  delinquentDays: 0,
  bucket: 'current',
} as const;

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

describe('delinquencyState: schedule, payments and allocation', () => {
  it.each<{ name: string; l?: Partial<AccountLedger>; asOf: string; expected: View }>([
    {
      name: 'no payments, before anything is due: outstanding = 4 * 800 principal',
      asOf: '2026-01-09',
      expected: { ...CURRENT, arrears: 0, outstanding: 3200, credit: 0, ageing: {} },
    },
    {
      name: 'no payments, #1 due exactly on D: not overdue, not arrears, in outstanding',
      // outstanding = 1000 unpaid fallen due + 3 * 800 future principal = 3400.
      asOf: '2026-01-10',
      expected: { ...CURRENT, arrears: 0, outstanding: 3400, credit: 0, ageing: {} },
    },
    {
      name: 'no payments, one day after #1: 1 day past due, M1',
      asOf: '2026-01-11',
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 1,
        delinquentDays: 1,
        bucket: 'M1',
        arrears: 1000,
        outstanding: 3400,
        credit: 0,
        ageing: { M1: 1000 },
      },
    },
    {
      name: 'no payments, D = #2 due date: Feb 10 - Jan 10 = 31 days, #2 not yet arrears',
      // outstanding = 2000 unpaid fallen due + 2 * 800 = 3600.
      asOf: '2026-02-10',
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 31,
        delinquentDays: 31,
        bucket: 'M2',
        arrears: 1000,
        outstanding: 3600,
        credit: 0,
        ageing: { M2: 1000 },
      },
    },
    {
      name: 'no payments, the day after: #1 at 32 days (M2), #2 at 1 day (M1)',
      asOf: '2026-02-11',
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 32,
        delinquentDays: 32,
        bucket: 'M2',
        arrears: 2000,
        outstanding: 3600,
        credit: 0,
        ageing: { M2: 1000, M1: 1000 },
      },
    },
    {
      name: 'exact payments of #1 and #2: current, outstanding = 2 * 800',
      l: { payments: [pay('2026-01-10', 1000), pay('2026-02-10', 1000)] },
      asOf: '2026-02-20',
      expected: { ...CURRENT, arrears: 0, outstanding: 1600, credit: 0, ageing: {} },
    },
    {
      name: 'partial payment 300 on #1: 1000 - 300 = 700 in arrears, 10 days past due',
      // outstanding = 700 + 3 * 800 = 3100.
      l: { payments: [pay('2026-01-10', 300)] },
      asOf: '2026-01-20',
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 10,
        delinquentDays: 10,
        bucket: 'M1',
        arrears: 700,
        outstanding: 3100,
        credit: 0,
        ageing: { M1: 700 },
      },
    },
    {
      name: 'overpayment 1600 before #2 is due: 600 credit reduces outstanding',
      // outstanding = 0 + 3 * 800 - 600 = 1800.
      l: { payments: [pay('2026-01-10', 1600)] },
      asOf: '2026-02-09',
      expected: { ...CURRENT, arrears: 0, outstanding: 1800, credit: 600, ageing: {} },
    },
    {
      name: 'overpayment, D = #2 due date: credit 600 pays #2, 400 left unpaid, not yet arrears',
      // outstanding = 400 unpaid of #2 + 2 * 800 = 2000.
      l: { payments: [pay('2026-01-10', 1600)] },
      asOf: '2026-02-10',
      expected: { ...CURRENT, arrears: 0, outstanding: 2000, credit: 0, ageing: {} },
    },
    {
      name: 'overpayment, the day after #2 is due: its 400 is 1 day past due',
      l: { payments: [pay('2026-01-10', 1600)] },
      asOf: '2026-02-11',
      expected: {
        overdueDueDate: '2026-02-10',
        delinquentDate: '2026-02-10',
        pastDueDays: 1,
        delinquentDays: 1,
        bucket: 'M1',
        arrears: 400,
        outstanding: 2000,
        credit: 0,
        ageing: { M1: 400 },
      },
    },
    {
      name: 'credit beyond future principal: outstanding floored at 0 (0 + 2400 - 4000 < 0)',
      l: { payments: [pay('2026-01-10', 5000)] },
      asOf: '2026-01-10',
      expected: { ...CURRENT, arrears: 0, outstanding: 0, credit: 4000, ageing: {} },
    },
    {
      name: 'credit after everything fell due: 5000 - 4 * 1000 = 1000',
      l: { payments: [pay('2026-01-10', 5000)] },
      asOf: '2026-04-10',
      expected: { ...CURRENT, arrears: 0, outstanding: 0, credit: 1000, ageing: {} },
    },
    {
      name: 'payment the day after D is ignored: 9 days past due',
      l: { payments: [pay('2026-01-20', 1000)] },
      asOf: '2026-01-19',
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 9,
        delinquentDays: 9,
        bucket: 'M1',
        arrears: 1000,
        outstanding: 3400,
        credit: 0,
        ageing: { M1: 1000 },
      },
    },
    {
      name: 'the same payment on D counts: current again',
      // outstanding = 0 + 3 * 800 = 2400.
      l: { payments: [pay('2026-01-20', 1000)] },
      asOf: '2026-01-20',
      expected: { ...CURRENT, arrears: 0, outstanding: 2400, credit: 0, ageing: {} },
    },
    {
      name: 'payments out of order in the input, one after D: #2 is 5 days past due',
      // 1000 on Jan 10 pays #1; the Mar 1 payment is after D. outstanding = 1000 + 2 * 800.
      l: { payments: [pay('2026-03-01', 1000), pay('2026-01-10', 1000)] },
      asOf: '2026-02-15',
      expected: {
        overdueDueDate: '2026-02-10',
        delinquentDate: '2026-02-10',
        pastDueDays: 5,
        delinquentDays: 5,
        bucket: 'M1',
        arrears: 1000,
        outstanding: 2600,
        credit: 0,
        ageing: { M1: 1000 },
      },
    },
    {
      name: 'instalments out of order in the input: the payment still settles #1 (the oldest)',
      l: { instalments: [I3, I1, I4, I2], payments: [pay('2026-01-10', 1000)] },
      asOf: '2026-02-15',
      expected: {
        overdueDueDate: '2026-02-10',
        delinquentDate: '2026-02-10',
        pastDueDays: 5,
        delinquentDays: 5,
        bucket: 'M1',
        arrears: 1000,
        outstanding: 2600,
        credit: 0,
        ageing: { M1: 1000 },
      },
    },
  ])('$name', ({ l, asOf, expected }) => {
    expect(view(delinquencyState(ledger(l), asOf, DEFAULT_LEDGER_POLICY))).toEqual(expected);
  });

  it.each([
    {
      name: 'default waterfall: 300 = fees 50 + interest 150 + principal 100',
      policy: DEFAULT_LEDGER_POLICY,
      paid: { fees: 50, interest: 150, principal: 100 },
    },
    {
      name: 'principal-first waterfall: 300 all to principal',
      policy: policyFor({ waterfall: ['principal', 'interest', 'fees'] }),
      paid: { fees: 0, interest: 0, principal: 300 },
    },
  ])('partial payment components, $name', ({ policy, paid }) => {
    const s = delinquencyState(
      ledger({ payments: [pay('2026-01-10', 300)] }),
      '2026-01-20',
      policy,
    );
    expect(s.instalments[0]).toMatchObject({ seq: 1, paid, unpaid: 700 });
    expect(s.arrears).toBe(700);
  });

  it.each([
    {
      name: '2024 (leap): Feb 28 -> Feb 29 -> Mar 1 = 2 days',
      due: '2024-02-28',
      asOf: '2024-03-01',
      days: 2,
    },
    { name: '2023: Feb 28 -> Mar 1 = 1 day', due: '2023-02-28', asOf: '2023-03-01', days: 1 },
  ])('leap year, $name', ({ due, asOf, days }) => {
    const s = delinquencyState(
      ledger({ instalments: [inst(1, due)] }),
      asOf,
      DEFAULT_LEDGER_POLICY,
    );
    expect([s.pastDueDays, s.delinquentDays]).toEqual([days, days]);
  });
});

describe('delinquencyState: arrears tolerance', () => {
  const tol50 = policyFor({ arrearsTolerance: 50 });
  it.each<{ name: string; paid: number; asOf: string; policy: LedgerPolicy; expected: View }>([
    {
      name: 'unpaid 1000 - 950 = 50, at tolerance 50: skipped, #2 (10 days) is the overdue one',
      // #1 is Jan 10 -> Feb 20 = 41 days (M2), #2 is 10 days (M1). outstanding = 1050 + 1600.
      paid: 950,
      asOf: '2026-02-20',
      policy: tol50,
      expected: {
        overdueDueDate: '2026-02-10',
        delinquentDate: '2026-02-10',
        pastDueDays: 10,
        delinquentDays: 10,
        bucket: 'M1',
        arrears: 1050,
        outstanding: 2650,
        credit: 0,
        ageing: { M2: 50, M1: 1000 },
      },
    },
    {
      name: 'unpaid 1000 - 949 = 51, above tolerance 50: #1 is overdue, 41 days',
      paid: 949,
      asOf: '2026-02-20',
      policy: tol50,
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 41,
        delinquentDays: 41,
        bucket: 'M2',
        arrears: 1051,
        outstanding: 2651,
        credit: 0,
        ageing: { M2: 51, M1: 1000 },
      },
    },
    {
      name: 'within tolerance and nothing else due: current, yet the 50 is arrears (26 days, M1)',
      // outstanding = 50 + 3 * 800 = 2450.
      paid: 950,
      asOf: '2026-02-05',
      policy: tol50,
      expected: { ...CURRENT, arrears: 50, outstanding: 2450, credit: 0, ageing: { M1: 50 } },
    },
    {
      name: 'default tolerance 0: a 1-unit shortfall counts',
      paid: 999,
      asOf: '2026-02-05',
      policy: DEFAULT_LEDGER_POLICY,
      expected: {
        overdueDueDate: '2026-01-10',
        delinquentDate: '2026-01-10',
        pastDueDays: 26,
        delinquentDays: 26,
        bucket: 'M1',
        arrears: 1,
        outstanding: 2401,
        credit: 0,
        ageing: { M1: 1 },
      },
    },
  ])('$name', ({ paid, asOf, policy, expected }) => {
    const l = ledger({ payments: [pay('2026-01-10', paid)] });
    expect(view(delinquencyState(l, asOf, policy))).toEqual(expected);
  });
});

describe('delinquencyState: grace days', () => {
  // One instalment due 2026-01-10, never paid.
  const single = (graceDays: number | null) => ledger({ instalments: [I1], graceDays });
  it.each([
    {
      name: 'product grace 5, D inside grace: 4 days past due, 0 delinquent',
      product: 5,
      account: null,
      asOf: '2026-01-14',
      expected: {
        delinquentDate: '2026-01-15',
        pastDueDays: 4,
        delinquentDays: 0,
        bucket: 'current',
      },
    },
    {
      name: 'product grace 5, D = delinquent date: (Jan 15, Jan 15] is empty',
      product: 5,
      account: null,
      asOf: '2026-01-15',
      expected: {
        delinquentDate: '2026-01-15',
        pastDueDays: 5,
        delinquentDays: 0,
        bucket: 'current',
      },
    },
    {
      name: 'product grace 5, one day after: 6 past due, 1 delinquent',
      product: 5,
      account: null,
      asOf: '2026-01-16',
      expected: { delinquentDate: '2026-01-15', pastDueDays: 6, delinquentDays: 1, bucket: 'M1' },
    },
    {
      name: 'account grace 10 overrides product 5: Jan 10 + 10 = Jan 20, still in grace',
      product: 5,
      account: 10,
      asOf: '2026-01-16',
      expected: {
        delinquentDate: '2026-01-20',
        pastDueDays: 6,
        delinquentDays: 0,
        bucket: 'current',
      },
    },
    {
      name: 'account grace 10: Jan 25 - Jan 20 = 5 delinquent days',
      product: 5,
      account: 10,
      asOf: '2026-01-25',
      expected: { delinquentDate: '2026-01-20', pastDueDays: 15, delinquentDays: 5, bucket: 'M1' },
    },
    {
      name: 'account grace 0 overrides product 5 (0 is not "unset")',
      product: 5,
      account: 0,
      asOf: '2026-01-16',
      expected: { delinquentDate: '2026-01-10', pastDueDays: 6, delinquentDays: 6, bucket: 'M1' },
    },
    {
      name: 'grace keeps the bucket at M1 although 35 days past due: Feb 14 - Jan 15 = 30',
      product: 5,
      account: null,
      asOf: '2026-02-14',
      expected: { delinquentDate: '2026-01-15', pastDueDays: 35, delinquentDays: 30, bucket: 'M1' },
    },
  ])('$name', ({ product, account, asOf, expected }) => {
    const s = delinquencyState(single(account), asOf, policyFor({ graceDays: product }));
    expect(s).toMatchObject({ overdueDueDate: '2026-01-10', ...expected });
  });
});

describe('delinquencyState: holds', () => {
  // One instalment due 2026-01-10, never paid, no grace: delinquent date Jan 10.
  // D = 2026-02-09: (Jan 10, Feb 9] has 21 + 9 = 30 days; past_due_days is 30 whatever the holds.
  it.each<{ name: string; holds: Hold[]; grace?: number; held: number }>([
    { name: 'no holds', holds: [], held: 0 },
    {
      name: 'starts before the delinquency, ends before D: (Jan 10, Jan 20] = 10',
      holds: [hold('2026-01-01', '2026-01-20')],
      held: 10,
    },
    {
      name: 'starts after the delinquency, ends before D: (Jan 20, Jan 25] = 5',
      holds: [hold('2026-01-20', '2026-01-25')],
      held: 5,
    },
    {
      name: 'entirely before the delinquency: 0',
      holds: [hold('2025-12-01', '2026-01-05')],
      held: 0,
    },
    {
      name: 'ends exactly on the delinquent date: covers up to Jan 10 only, 0',
      holds: [hold('2026-01-01', '2026-01-10')],
      held: 0,
    },
    {
      name: 'starts exactly on the delinquent date: (Jan 10, Jan 15] = 5',
      holds: [hold('2026-01-10', '2026-01-15')],
      held: 5,
    },
    {
      name: 'open, from Jan 31: covers Feb 1..Feb 9 = 9',
      holds: [hold('2026-01-31', null)],
      held: 9,
    },
    {
      name: 'open, from before the delinquency: covers all 30',
      holds: [hold('2026-01-01', null)],
      held: 30,
    },
    {
      name: 'open, starting on D: covers only days after D, 0',
      holds: [hold('2026-02-09', null)],
      held: 0,
    },
    {
      name: 'covering the day D itself: (Feb 8, Feb 9] = 1',
      holds: [hold('2026-02-08', '2026-02-09')],
      held: 1,
    },
    {
      name: 'ending after D: (Feb 1, Mar 1] clipped to (Feb 1, Feb 9] = 8',
      holds: [hold('2026-02-01', '2026-03-01')],
      held: 8,
    },
    {
      name: 'starting after D: 0',
      holds: [hold('2026-02-10', '2026-03-01')],
      held: 0,
    },
    {
      name: 'overlapping: (Jan 15, Jan 25] and (Jan 20, Jan 30] = (Jan 15, Jan 30] = 15',
      holds: [hold('2026-01-15', '2026-01-25'), hold('2026-01-20', '2026-01-30')],
      held: 15,
    },
    {
      name: 'overlapping, listed latest first: still 15',
      holds: [hold('2026-01-20', '2026-01-30'), hold('2026-01-15', '2026-01-25')],
      held: 15,
    },
    {
      name: 'nested: (Jan 12, Jan 30] contains (Jan 15, Jan 20], 18',
      holds: [hold('2026-01-12', '2026-01-30'), hold('2026-01-15', '2026-01-20')],
      held: 18,
    },
    {
      name: 'identical holds counted once: 10',
      holds: [hold('2026-01-15', '2026-01-25'), hold('2026-01-15', '2026-01-25')],
      held: 10,
    },
    {
      name: 'adjacent: (Jan 15, Jan 20] and (Jan 20, Jan 25] = 5 + 5',
      holds: [hold('2026-01-15', '2026-01-20'), hold('2026-01-20', '2026-01-25')],
      held: 10,
    },
    {
      name: 'disjoint: (Jan 11, Jan 13] and (Jan 20, Jan 22] = 2 + 2',
      holds: [hold('2026-01-11', '2026-01-13'), hold('2026-01-20', '2026-01-22')],
      held: 4,
    },
    {
      name: 'overlapping an open hold: (Jan 15, Jan 25] and (Jan 20, ...) = (Jan 15, Feb 9] = 25',
      holds: [hold('2026-01-15', '2026-01-25'), hold('2026-01-20', null)],
      held: 25,
    },
    {
      name: 'with grace 5 (delinquent Jan 15): (Jan 10, Jan 20] counts only (Jan 15, Jan 20] = 5',
      // delinquent days before holds: Feb 9 - Jan 15 = 25.
      holds: [hold('2026-01-10', '2026-01-20')],
      grace: 5,
      held: 5,
    },
  ])('$name', ({ holds, grace = 0, held }) => {
    const l = ledger({ instalments: [I1], holds, graceDays: grace });
    const s = delinquencyState(l, '2026-02-09', DEFAULT_LEDGER_POLICY);
    expect(s.pastDueDays).toBe(30);
    expect(s.delinquentDays).toBe(30 - grace - held);
  });

  it('a hold brings 31 delinquent days back into M1: (Feb 1, Feb 2] held, 31 - 1 = 30', () => {
    const l = ledger({ instalments: [I1], holds: [hold('2026-02-01', '2026-02-02')] });
    const s = delinquencyState(l, '2026-02-10', DEFAULT_LEDGER_POLICY);
    expect([s.pastDueDays, s.delinquentDays, s.bucket]).toEqual([31, 30, 'M1']);
  });
});

describe('delinquencyState: buckets', () => {
  // One instalment due 2026-01-10: Jan 10 + 30 = Feb 9; + 180 = Jul 9 (21+28+31+30+31+30+9).
  it.each([
    { asOf: '2026-01-10', days: 0, bucket: 'current' },
    { asOf: '2026-01-11', days: 1, bucket: 'M1' },
    { asOf: '2026-02-09', days: 30, bucket: 'M1' },
    { asOf: '2026-02-10', days: 31, bucket: 'M2' },
    { asOf: '2026-07-09', days: 180, bucket: 'M6' },
    { asOf: '2026-07-10', days: 181, bucket: 'M7+' },
  ])('default ranges: $asOf is $days days, $bucket', ({ asOf, days, bucket }) => {
    const s = delinquencyState(ledger({ instalments: [I1] }), asOf, DEFAULT_LEDGER_POLICY);
    expect([s.delinquentDays, s.bucket]).toEqual([days, bucket]);
  });

  const custom: BucketRange[] = [
    { name: 'current', min: 0, max: 0 },
    { name: 'early', min: 1, max: 5 },
    { name: 'mid', min: 6, max: 30 },
    { name: 'late', min: 31, max: null },
  ];
  // The custom ranges are configured for the card product only; the ledger is a card.
  const cardPolicy = policyFor({ buckets: custom }, 'card');
  it.each([
    { asOf: '2026-01-10', days: 0, bucket: 'current' },
    { asOf: '2026-01-11', days: 1, bucket: 'early' },
    { asOf: '2026-01-15', days: 5, bucket: 'early' },
    { asOf: '2026-01-16', days: 6, bucket: 'mid' },
    { asOf: '2026-02-09', days: 30, bucket: 'mid' },
    { asOf: '2026-02-10', days: 31, bucket: 'late' },
    { asOf: '2026-07-10', days: 181, bucket: 'late' },
  ])('custom card ranges: $asOf is $days days, $bucket', ({ asOf, days, bucket }) => {
    const s = delinquencyState(ledger({ product: 'card', instalments: [I1] }), asOf, cardPolicy);
    expect([s.delinquentDays, s.bucket]).toEqual([days, bucket]);
  });

  it('a loan under that policy keeps the default ranges', () => {
    const s = delinquencyState(ledger({ instalments: [I1] }), '2026-01-16', cardPolicy);
    expect(s.bucket).toBe('M1');
  });
});

describe('delinquencyState: ageing', () => {
  it.each<{
    name: string;
    l: Partial<AccountLedger>;
    asOf: string;
    policy: LedgerPolicy;
    arrears: number;
    ageing: Record<string, number>;
  }>([
    {
      name: '300 paid, D Apr 20: #1 100 days (M4) 700, #2 69 (M3), #3 41 (M2), #4 10 (M1)',
      // #1: 21 + 28 + 31 + 20 = 100; #2: 18 + 31 + 20 = 69; #3: 21 + 20 = 41; #4: 10.
      // arrears = 700 + 3 * 1000 = 3700.
      l: { payments: [pay('2026-01-10', 300)] },
      asOf: '2026-04-20',
      policy: DEFAULT_LEDGER_POLICY,
      arrears: 3700,
      ageing: { M4: 700, M3: 1000, M2: 1000, M1: 1000 },
    },
    {
      name: 'custom ranges: #4 (10 days) early, #1..#3 (100, 69, 41 days) late',
      l: { product: 'card' },
      asOf: '2026-04-20',
      policy: policyFor(
        {
          buckets: [
            { name: 'current', min: 0, max: 0 },
            { name: 'early', min: 1, max: 30 },
            { name: 'late', min: 31, max: null },
          ],
        },
        'card',
      ),
      arrears: 4000,
      ageing: { early: 1000, late: 3000 },
    },
    {
      name: 'ageing ignores grace: with grace 30, #1 is still 41 days (M2), #2 10 days (M1)',
      l: { graceDays: 30 },
      asOf: '2026-02-20',
      policy: DEFAULT_LEDGER_POLICY,
      arrears: 2000,
      ageing: { M2: 1000, M1: 1000 },
    },
    {
      name: 'paid-off instalments leave no range: #1 paid, #2 at 10 days',
      l: { payments: [pay('2026-01-10', 1000)] },
      asOf: '2026-02-20',
      policy: DEFAULT_LEDGER_POLICY,
      arrears: 1000,
      ageing: { M1: 1000 },
    },
  ])('$name', ({ l, asOf, policy, arrears, ageing }) => {
    const s = delinquencyState(ledger(l), asOf, policy);
    expect(s.ageing).toEqual(ageing);
    expect(s.arrears).toBe(arrears);
    expect(sum(s.ageing)).toBe(s.arrears);
  });

  it('the account bucket with grace differs from the ageing of its oldest instalment', () => {
    // Grace 30: delinquent date Feb 9, so Feb 20 gives 11 delinquent days (M1), while the
    // oldest instalment ages 41 days (M2).
    const s = delinquencyState(ledger({ graceDays: 30 }), '2026-02-20', DEFAULT_LEDGER_POLICY);
    expect([s.pastDueDays, s.delinquentDays, s.bucket]).toEqual([41, 11, 'M1']);
  });
});
