/**
 * A repayment plan on the ledger: what an instalment plan, a settlement, a deferral or a
 * hardship plan does to an account's schedule. Pure: the account's instalments and payments,
 * the day and the terms come in; out come the plan's payments and the change to the schedule
 * (the rows it supersedes and the rows it adds). The collector's what-if and the ledger's new
 * schedule are the same computation.
 *
 * The ledger allocates payments oldest-first, so what was paid always fills a prefix of the
 * schedule. A plan keeps that true: the instalments already paid stay, the paid part of a
 * partially paid one stays as a settled row with the same due date, and only what is unpaid is
 * re-scheduled. A plan's rows are principal: what they repay is already owed.
 */
import { allocate, type Component, type Instalment, type Payment } from '../ledger/index.ts';
import { addDays, diffDays, type LocalDate } from '../time/date.ts';
import {
  defer,
  instalmentPlan,
  nthDate,
  settlement,
  type Frequency,
  type ScheduledPayment,
} from './schedule.ts';

export const PLAN_KINDS = ['instalment', 'settlement', 'deferral', 'hardship'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export const PLAN_STATUSES = [
  'pending',
  'active',
  'completed',
  'broken',
  'rejected',
  'cancelled',
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** What an instalment plan re-schedules: what has fallen due unpaid, or the whole balance. */
export const PLAN_SCOPES = ['arrears', 'balance'] as const;
export type PlanScope = (typeof PLAN_SCOPES)[number];

export interface InstalmentTerms {
  kind: 'instalment';
  scope: PlanScope;
  downPaymentMinor: number;
  count: number;
  frequency: Frequency;
  start: LocalDate;
}

export interface SettlementPlanTerms {
  kind: 'settlement';
  discountPercent: number;
  /** 1: a lump sum; more: a short plan. */
  count: number;
  frequency: Frequency;
  start: LocalDate;
}

export interface DeferralTerms {
  kind: 'deferral';
  /** Every instalment due on or after this day moves. */
  from: LocalDate;
  days: number;
  feeMinor: number;
}

export interface HardshipTerms {
  kind: 'hardship';
  /** The reduced payment during the period. */
  paymentMinor: number;
  /** The period, in payments. */
  count: number;
  frequency: Frequency;
  start: LocalDate;
  /** What the reduced payments leave is re-scheduled after the period into this many. */
  thenCount: number;
}

export type PlanTerms = InstalmentTerms | SettlementPlanTerms | DeferralTerms | HardshipTerms;

/** A plan payment: the instalment of the new schedule that carries it. */
export interface PlanPayment extends ScheduledPayment {
  /** The instalment's seq in the account's schedule. */
  instalmentSeq: number;
}

export interface PlanQuote {
  kind: PlanKind;
  /** What the plan re-schedules (for a deferral: what is unpaid of the moved instalments). */
  coveredMinor: number;
  /** What the customer pays under the plan. */
  payMinor: number;
  /** Written off when a settlement is paid. */
  writeOffMinor: number;
  /** A settlement's discount, in percent. */
  discountPercent: number;
  /** Interest of the instalments the plan replaces that is not charged. */
  waivedInterestMinor: number;
  feeMinor: number;
  payments: PlanPayment[];
  /** Days from the day it is agreed to its last payment (a deferral: the days moved). */
  termDays: number;
  /** The rows of the schedule the plan supersedes (kept as history). */
  removed: Instalment[];
  /** The rows it adds in their place. */
  added: Instalment[];
  /** A settlement's remainder, the row written off when it is paid. */
  remainderSeq: number | null;
}

export interface PlanLedger {
  instalments: readonly Instalment[];
  payments: readonly Payment[];
  waterfall: readonly Component[];
}

/** A plan's terms that cannot be met on this ledger; `at` names the term. */
export class PlanTermsError extends Error {
  constructor(
    readonly at: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'PlanTermsError';
  }
}

const fail = (at: string, reason: string): never => {
  throw new PlanTermsError(at, reason);
};

/** The domain's RangeErrors of a schedule, as an error on the term `at`. */
function terms<T>(at: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) return fail(at, e.message);
    throw e;
  }
}

const principalRow = (seq: number, dueDate: LocalDate, amount: number): Instalment => ({
  seq,
  dueDate,
  principal: amount,
  interest: 0,
  fees: 0,
});

/**
 * The effect of a plan agreed on `today` with these terms. `graceDays` is the plan's grace:
 * a settlement's remainder falls due the day after the grace of its last payment, so that it
 * is written off before it is ever overdue.
 */
export function quotePlan(
  ledger: PlanLedger,
  today: LocalDate,
  t: PlanTerms,
  graceDays: number,
): PlanQuote {
  const alloc = allocate(ledger.instalments, ledger.payments, today, ledger.waterfall);
  if (alloc.credit > 0 && t.kind !== 'deferral')
    fail('account', 'is in credit: nothing to re-schedule');
  const original = new Map(ledger.instalments.map((i) => [i.seq, i]));
  let nextSeq = Math.max(0, ...ledger.instalments.map((i) => i.seq)) + 1;
  const base = {
    writeOffMinor: 0,
    discountPercent: 0,
    waivedInterestMinor: 0,
    feeMinor: 0,
    remainderSeq: null as number | null,
  };

  if (t.kind === 'deferral') {
    const moved = alloc.instalments.filter((x) => x.dueDate >= t.from);
    const first = moved.find((x) => x.unpaid > 0);
    if (!first) return fail('from', `no unpaid instalment is due on or after ${t.from}`);
    const shifted = terms('days', () =>
      defer(
        moved.map((x) => ({ seq: x.seq, dueDate: x.dueDate, amountMinor: x.due.fees })),
        t.from,
        t.days,
        0,
      ),
    );
    if (!Number.isSafeInteger(t.feeMinor) || t.feeMinor < 0) fail('fee', 'must be zero or more');
    const removed = moved.map((x) => original.get(x.seq)!);
    const added = removed.map((r, k) => ({
      ...r,
      dueDate: shifted[k]!.dueDate,
      fees: r.fees + (r.seq === first.seq ? t.feeMinor : 0),
    }));
    const carrier = added.find((r) => r.seq === first.seq)!;
    return {
      ...base,
      kind: 'deferral',
      coveredMinor: moved.reduce((s, x) => s + x.unpaid, 0),
      payMinor: first.unpaid + t.feeMinor,
      feeMinor: t.feeMinor,
      payments: [
        {
          seq: 1,
          dueDate: carrier.dueDate,
          amountMinor: first.unpaid + t.feeMinor,
          instalmentSeq: first.seq,
        },
      ],
      termDays: t.days,
      removed,
      added,
    };
  }

  // What is re-scheduled: every unpaid instalment the plan covers. One fallen due counts in
  // full; one not yet due counts its principal (its interest is not yet owed; a hardship plan
  // also keeps its fees, and freezes its interest).
  const end =
    t.kind === 'hardship' ? terms('count', () => nthDate(t.start, t.frequency, t.count)) : null;
  const covered = alloc.instalments.filter(
    (x) =>
      x.unpaid > 0 &&
      (t.kind === 'instalment' && t.scope === 'arrears' ? x.fallenDue : true) &&
      (end === null || x.dueDate < end),
  );
  let amount = 0;
  let waived = 0;
  for (const x of covered) {
    if (x.fallenDue) amount += x.unpaid;
    else {
      amount += x.due.principal + (t.kind === 'hardship' ? x.due.fees : 0);
      waived += x.due.interest;
    }
  }
  if (amount <= 0) fail('account', 'owes nothing that the plan could re-schedule');
  const removed = covered.map((x) => original.get(x.seq)!);
  // the paid part of a partially paid instalment stays, settled, on its due date
  const settled: Instalment[] = covered
    .filter((x) => x.paid.fees + x.paid.interest + x.paid.principal > 0)
    .map((x) => ({ seq: x.seq, dueDate: x.dueDate, ...x.paid }));
  if (t.start < today) fail('start', `is before today (${today})`);

  let schedule: ScheduledPayment[];
  let extra: Partial<PlanQuote> = {};
  if (t.kind === 'instalment') {
    schedule = terms('count', () =>
      instalmentPlan({
        amountMinor: amount,
        downPaymentMinor: t.downPaymentMinor,
        count: t.count,
        frequency: t.frequency,
        start: t.start,
      }),
    );
  } else if (t.kind === 'settlement') {
    const s = terms('discount', () =>
      settlement({
        balanceMinor: amount,
        discountPercent: t.discountPercent,
        count: t.count,
        frequency: t.frequency,
        start: t.start,
      }),
    );
    schedule = s.payments;
    extra = { writeOffMinor: s.writeOffMinor, discountPercent: t.discountPercent };
  } else {
    if (!Number.isSafeInteger(t.paymentMinor) || t.paymentMinor <= 0)
      fail('payment', 'must be more than zero');
    if (!Number.isInteger(t.count) || t.count < 1) fail('count', 'at least one payment');
    if (t.paymentMinor * t.count >= amount)
      fail('payment', 'the reduced payments repay everything: make it an instalment plan');
    const reduced = Array.from({ length: t.count }, (_, k) => ({
      seq: k + 1,
      dueDate: nthDate(t.start, t.frequency, k),
      amountMinor: t.paymentMinor,
    }));
    const then = terms('thenCount', () =>
      instalmentPlan({
        amountMinor: amount - t.paymentMinor * t.count,
        downPaymentMinor: 0,
        count: t.thenCount,
        frequency: t.frequency,
        start: end!,
      }),
    );
    schedule = [...reduced, ...then.map((p) => ({ ...p, seq: p.seq + t.count }))];
  }
  const payments: PlanPayment[] = schedule.map((p) => ({ ...p, instalmentSeq: nextSeq++ }));
  const added: Instalment[] = [
    ...settled,
    ...payments.map((p) => principalRow(p.instalmentSeq, p.dueDate, p.amountMinor)),
  ];
  const last = payments.at(-1)!;
  let remainderSeq: number | null = null;
  if (extra.writeOffMinor) {
    remainderSeq = nextSeq++;
    added.push(
      principalRow(remainderSeq, addDays(last.dueDate, graceDays + 1), extra.writeOffMinor),
    );
  }
  return {
    ...base,
    ...extra,
    kind: t.kind,
    coveredMinor: amount,
    payMinor: payments.reduce((s, p) => s + p.amountMinor, 0),
    waivedInterestMinor: waived,
    payments,
    termDays: diffDays(last.dueDate, today),
    removed,
    added,
    remainderSeq,
  };
}
