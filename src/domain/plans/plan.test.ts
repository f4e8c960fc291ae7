import { describe, expect, it } from 'vitest';
import { allocate, type Instalment } from '../ledger/index.ts';
import { followPlan } from './follow.ts';
import { quotePlan, type PlanLedger, type PlanQuote, type PlanTerms } from './plan.ts';
import {
  approvalRefusal,
  beyondLimits,
  cancellationRefusal,
  decidePlan,
  DEFAULT_PLAN_POLICY,
  parsePlanPolicy,
  rejectionRefusal,
} from './policy.ts';

// docs/ledger.md's example: three monthly instalments of 100.00 (90.00 principal, 8.00
// interest, 2.00 fees), 60.00 paid on 02-10; as of 03-15 the first has 40.00 unpaid, the
// second 100.00, the third is not yet due.
const row = (seq: number, dueDate: string): Instalment => ({
  seq,
  dueDate,
  principal: 90_00,
  interest: 8_00,
  fees: 2_00,
});
const LEDGER: PlanLedger = {
  instalments: [row(1, '2026-02-01'), row(2, '2026-03-01'), row(3, '2026-04-01')],
  payments: [{ id: 'p1', paidOn: '2026-02-10', amount: 60_00 }],
  waterfall: ['fees', 'interest', 'principal'],
};
const TODAY = '2026-03-15';

/** A plan's quote on the example ledger today, with 5 days of grace. */
const quote = (t: PlanTerms): PlanQuote => quotePlan(LEDGER, TODAY, t, 5);
const HARDSHIP: PlanTerms = {
  kind: 'hardship',
  paymentMinor: 10_00,
  count: 3,
  frequency: 'monthly',
  start: '2026-03-20',
  thenCount: 2,
};

/** The schedule after the plan: what stays, and what the plan adds. */
const after = (q: PlanQuote) => {
  const gone = new Set(q.removed.map((r) => r.seq));
  return [...LEDGER.instalments.filter((r) => !gone.has(r.seq)), ...q.added];
};
/** Unpaid per seq as of a day on a schedule, with the same payments. */
const unpaidOn = (schedule: Instalment[], day: string) =>
  Object.fromEntries(
    allocate(schedule, LEDGER.payments, day, LEDGER.waterfall).instalments.map((x) => [
      x.seq,
      x.unpaid,
    ]),
  );

describe('an instalment plan on the ledger', () => {
  it('re-schedules the arrears, keeping the paid part of a partially paid instalment', () => {
    const q = quote({
      kind: 'instalment',
      scope: 'arrears',
      downPaymentMinor: 0,
      count: 4,
      frequency: 'monthly',
      start: '2026-03-20',
    });
    expect(q.coveredMinor).toBe(140_00);
    expect(q.payments.map((p) => [p.dueDate, p.amountMinor, p.instalmentSeq])).toEqual([
      ['2026-03-20', 35_00, 4],
      ['2026-04-20', 35_00, 5],
      ['2026-05-20', 35_00, 6],
      ['2026-06-20', 35_00, 7],
    ]);
    expect(q.removed.map((r) => r.seq)).toEqual([1, 2]);
    // 60.00 paid: the fees, the interest and 50.00 of the principal of the first
    expect(q.added[0]).toEqual({
      seq: 1,
      dueDate: '2026-02-01',
      principal: 50_00,
      interest: 8_00,
      fees: 2_00,
    });
    expect(q.termDays).toBe(97);
    // on the new schedule nothing is overdue today; the third instalment stays as it was
    const u = unpaidOn(after(q), TODAY);
    expect(u).toEqual({ 1: 0, 3: 100_00, 4: 35_00, 5: 35_00, 6: 35_00, 7: 35_00 });
  });

  it('re-schedules the whole balance, with a down payment (future interest is not owed)', () => {
    const q = quote({
      kind: 'instalment',
      scope: 'balance',
      downPaymentMinor: 50_00,
      count: 3,
      frequency: 'weekly',
      start: '2026-03-16',
    });
    // 140.00 fallen due + 90.00 principal of the third
    expect(q.coveredMinor).toBe(230_00);
    expect(q.waivedInterestMinor).toBe(8_00);
    expect(q.payments.map((p) => [p.dueDate, p.amountMinor])).toEqual([
      ['2026-03-16', 50_00],
      ['2026-03-23', 60_00],
      ['2026-03-30', 60_00],
      ['2026-04-06', 60_00],
    ]);
    expect(q.removed.map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('refuses terms that cannot be met, naming the term', () => {
    const t = {
      kind: 'instalment',
      scope: 'arrears',
      downPaymentMinor: 0,
      count: 2,
      frequency: 'monthly',
      start: '2026-03-01',
    } as const;
    expect(() => quote(t)).toThrow(/before today/);
    expect(() => quote({ ...t, start: TODAY, downPaymentMinor: 140_00 })).toThrow(/down payment/);
  });
});

describe('a settlement on the ledger', () => {
  it('schedules the discounted sum and keeps the remainder due until it is written off', () => {
    const q = quote({
      kind: 'settlement',
      discountPercent: 30,
      count: 1,
      frequency: 'monthly',
      start: '2026-03-20',
    });
    // 30 % of 230.00: 69.00 forgiven, 161.00 paid
    expect([q.coveredMinor, q.payMinor, q.writeOffMinor]).toEqual([230_00, 161_00, 69_00]);
    expect(q.payments).toEqual([
      { seq: 1, dueDate: '2026-03-20', amountMinor: 161_00, instalmentSeq: 4 },
    ]);
    // the remainder falls due the day after the grace of the last payment
    expect(q.remainderSeq).toBe(5);
    expect(q.added.at(-1)).toEqual({
      seq: 5,
      dueDate: '2026-03-26',
      principal: 69_00,
      interest: 0,
      fees: 0,
    });
  });
});

describe('a deferral on the ledger', () => {
  it('moves the due dates from a day on, the fee on the first moved instalment', () => {
    const q = quote({ kind: 'deferral', from: '2026-03-01', days: 30, feeMinor: 15_00 });
    expect(q.removed.map((r) => r.seq)).toEqual([2, 3]);
    expect(q.added.map((r) => [r.seq, r.dueDate, r.fees])).toEqual([
      [2, '2026-03-31', 17_00],
      [3, '2026-05-01', 2_00],
    ]);
    expect(q.payments).toEqual([
      { seq: 1, dueDate: '2026-03-31', amountMinor: 115_00, instalmentSeq: 2 },
    ]);
    expect(q.termDays).toBe(30);
    // the first stays overdue; the moved one is no longer
    expect(unpaidOn(after(q), TODAY)).toMatchObject({ 1: 40_00, 2: 115_00 });
    expect(() => quote({ kind: 'deferral', from: '2026-05-01', days: 3, feeMinor: 0 })).toThrow(
      /no unpaid instalment/,
    );
  });
});

describe('a hardship plan on the ledger', () => {
  it('takes reduced payments for the period, interest frozen, and spreads the rest after it', () => {
    const q = quote(HARDSHIP);
    // 140.00 fallen due + the third's 90.00 principal and 2.00 fees; its 8.00 interest frozen
    expect([q.coveredMinor, q.waivedInterestMinor]).toEqual([232_00, 8_00]);
    expect(q.payments.map((p) => [p.dueDate, p.amountMinor])).toEqual([
      ['2026-03-20', 10_00],
      ['2026-04-20', 10_00],
      ['2026-05-20', 10_00],
      ['2026-06-20', 101_00],
      ['2026-07-20', 101_00],
    ]);
    expect(q.added.filter((r) => r.seq > 3).every((r) => r.interest === 0)).toBe(true);
  });
});

describe('limits per role', () => {
  const settle = (discountPercent: number) =>
    quote({
      kind: 'settlement',
      discountPercent,
      count: 1,
      frequency: 'monthly',
      start: '2026-03-20',
    });

  it('lets a collector agree a plan within the limits, and sends one above them for approval', () => {
    expect(decidePlan(settle(10), 'collector', DEFAULT_PLAN_POLICY)).toEqual({
      ok: true,
      status: 'active',
      beyond: [],
    });
    expect(decidePlan(settle(25), 'collector', DEFAULT_PLAN_POLICY)).toEqual({
      ok: true,
      status: 'pending',
      beyond: [{ at: 'discount', reason: 'is more than 10%' }],
    });
    expect(decidePlan(settle(25), 'supervisor', DEFAULT_PLAN_POLICY)).toMatchObject({
      status: 'active',
    });
    expect(decidePlan(settle(5), 'analyst', DEFAULT_PLAN_POLICY)).toEqual({
      ok: false,
      reason: 'the analyst role may not propose repayment plans',
    });
  });

  it('checks the term and the smallest payment; a hardship plan always waits for review', () => {
    const long = quote({
      kind: 'instalment',
      scope: 'arrears',
      downPaymentMinor: 0,
      count: 14,
      frequency: 'monthly',
      start: '2026-03-20',
    });
    // 14 payments of 10.00 on 140.00: 7.1 % each, above the 5 %; the last on 2027-04-20
    expect(beyondLimits(long, DEFAULT_PLAN_POLICY.limits.collector!)).toEqual([
      { at: 'term', reason: 'ends more than 366 days from today' },
    ]);
    const hardship = quote(HARDSHIP);
    // 5 % of 232.00 is 11.60
    expect(decidePlan(hardship, 'collector', DEFAULT_PLAN_POLICY)).toMatchObject({
      status: 'pending',
      beyond: [
        { at: 'payment', reason: expect.stringContaining('1160 minor units') },
        { at: 'kind', reason: 'a hardship plan is reviewed by a supervisor' },
      ],
    });
    expect(decidePlan(hardship, 'supervisor', DEFAULT_PLAN_POLICY).ok).toBe(true);
  });

  it('is approved by a supervisor whose limits cover it, not by a collector or the proposer', () => {
    const p = DEFAULT_PLAN_POLICY;
    expect(approvalRefusal(settle(25), { user: 'sam', role: 'collector' }, 'ann', p)).toBe(
      'the collector role may not approve plans',
    );
    expect(approvalRefusal(settle(25), { user: 'ann', role: 'supervisor' }, 'ann', p)).toMatch(
      /other than its proposer/,
    );
    expect(approvalRefusal(settle(25), { user: 'sue', role: 'supervisor' }, 'ann', p)).toBeNull();
    expect(approvalRefusal(settle(50), { user: 'sue', role: 'supervisor' }, 'ann', p)).toMatch(
      /beyond the supervisor's limits/,
    );
    expect(approvalRefusal(settle(50), { user: 'al', role: 'administrator' }, 'ann', p)).toBeNull();
  });

  it('is rejected by a supervisor, cancelled by its proposer while pending, by a supervisor once active', () => {
    expect(rejectionRefusal({ role: 'collector' })).toBe('the collector role may not reject plans');
    expect(rejectionRefusal({ role: 'supervisor' })).toBeNull();
    const ann = { user: 'ann', role: 'collector' } as const;
    expect(cancellationRefusal('pending', ann, 'ann')).toBeNull();
    expect(cancellationRefusal('pending', ann, 'bo')).toMatch(/its proposer or a supervisor/);
    expect(cancellationRefusal('active', ann, 'ann')).toBe(
      'an active plan is cancelled by a supervisor',
    );
    expect(cancellationRefusal('active', { user: 'sue', role: 'supervisor' }, 'ann')).toBeNull();
  });

  it('reads a policy document, naming what is wrong', () => {
    expect(parsePlanPolicy({})).toEqual({ ok: true, policy: DEFAULT_PLAN_POLICY });
    expect(
      parsePlanPolicy({
        graceDays: -1,
        onBreak: 'forget',
        limits: { collector: { maxDiscountPercent: 120 }, intern: {} },
        colour: 'red',
      }),
    ).toEqual({
      ok: false,
      issues: [
        { at: 'graceDays', reason: 'must be a whole number from 0 to 60' },
        { at: 'onBreak', reason: 'must be one of restore, keep' },
        {
          at: 'limits.collector.maxDiscountPercent',
          reason: 'must be a number from 0 to 99.99, or null for no limit',
        },
        {
          at: 'limits.collector.maxTermDays',
          reason: 'must be a number from 1 to 3660, or null for no limit',
        },
        {
          at: 'limits.collector.minPaymentPercent',
          reason: 'must be a number from 0 to 100, or null for no limit',
        },
        {
          at: 'limits.collector.maxDeferralDays',
          reason: 'must be a number from 1 to 366, or null for no limit',
        },
        { at: 'limits.intern', reason: 'is not a role' },
        { at: 'colour', reason: 'is not a plan setting' },
      ],
    });
  });
});

describe('following a plan', () => {
  const pay = (dueDate: string, unpaidMinor: number) => ({
    dueDate,
    amountMinor: 35_00,
    unpaidMinor,
  });

  it('is active until every payment is made, completed then', () => {
    expect(
      followPlan([pay('2026-03-20', 0), pay('2026-04-20', 35_00)], 5, 0, '2026-04-22'),
    ).toEqual({
      status: 'active',
      paidCount: 1,
      missedDueDate: null,
    });
    expect(followPlan([pay('2026-03-20', 0), pay('2026-04-20', 0)], 5, 0, '2026-04-22')).toEqual({
      status: 'completed',
      paidCount: 2,
      missedDueDate: null,
    });
  });

  it('breaks on the day after the grace of a payment not made, within the tolerance it does not', () => {
    const plan = [pay('2026-03-20', 10_00), pay('2026-04-20', 35_00)];
    expect(followPlan(plan, 5, 0, '2026-03-25').status).toBe('active');
    expect(followPlan(plan, 5, 0, '2026-03-26')).toEqual({
      status: 'broken',
      paidCount: 0,
      missedDueDate: '2026-03-20',
    });
    // 1.00 short of 35.00 is within 5 %
    const short = [pay('2026-03-20', 1_00), pay('2026-04-20', 0)];
    expect(followPlan(short, 5, 5, '2026-03-26').status).toBe('completed');
    expect(followPlan(short, 5, 5, '2026-03-25').status).toBe('active');
  });
});
