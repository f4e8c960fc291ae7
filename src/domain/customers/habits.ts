/**
 * A customer's repayment habits, derived from the history of all their accounts: how often
 * instalments were settled on time, how late the others were, the day of the month they
 * usually pay, how often a payment covered only part of what was due, how many promises were
 * kept, and the last payment. Instalments are settled by the ledger's own allocation (oldest
 * first, the product's waterfall), so an instalment is settled on the first day allocation
 * leaves nothing of it unpaid (beyond the arrears tolerance) — never before its due date, for a
 * payment made early settles it only when it falls due.
 */
import { allocate } from '../ledger/allocation.ts';
import { compareInstalments } from '../ledger/order.ts';
import type { Component, Instalment, Payment } from '../ledger/types.ts';
import { ratesOf, type PromiseRecord } from '../promises/rates.ts';
import { diffDays, type LocalDate } from '../time/date.ts';

export interface HabitAccount {
  id: string;
  currency: string;
  instalments: readonly Instalment[];
  payments: readonly Payment[];
  waterfall: readonly Component[];
  /** An unpaid remainder at or below this does not keep an instalment open (minor units). */
  arrearsTolerance: number;
}

export interface InstalmentSettlement {
  account: string;
  seq: number;
  dueDate: LocalDate;
  /** The day it was settled; null while it is not. */
  settledOn: LocalDate | null;
  /** Days after the due date it was settled, or (not settled) has been open by `asOf`. */
  daysLate: number;
}

export interface RepaymentHabits {
  asOf: LocalDate;
  /** Instalments fallen due by `asOf`. */
  instalmentsDue: number;
  /** Of those, settled on or before their due date. */
  onTime: number;
  /** onTime ÷ instalmentsDue; null when nothing has fallen due. */
  onTimeRatio: number | null;
  /** Mean days late of the instalments fallen due (0 for those on time; open ones count to asOf). */
  averageDaysLate: number | null;
  /** The day of the month most payments were made on (ties: the earlier day); null without payments. */
  usualPaymentDay: number | null;
  /** The share of payments on that day of the month. */
  usualPaymentDayShare: number | null;
  payments: number;
  /** Payments made while something was due that covered less than it. */
  partialPayments: number;
  /** partialPayments ÷ payments made while something was due; null when there were none. */
  partialPaymentRatio: number | null;
  promisesMade: number;
  /** Kept ÷ decided (kept, partially kept, broken), as the promise rates count them. */
  promisesKeptRatio: number | null;
  lastPayment: { account: string; paidOn: LocalDate; amountMinor: number; currency: string } | null;
  settlements: InstalmentSettlement[];
}

const byDateThenId = (a: Payment, b: Payment) =>
  a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** When each instalment of an account fallen due by `asOf` was settled. */
export function settlementsOf(acc: HabitAccount, asOf: LocalDate): InstalmentSettlement[] {
  const due = [...acc.instalments].filter((i) => i.dueDate <= asOf).sort(compareInstalments);
  // allocation only changes on a payment day or a due date
  const days = [
    ...new Set([
      ...acc.payments.filter((p) => p.paidOn <= asOf).map((p) => p.paidOn),
      ...due.map((i) => i.dueDate),
    ]),
  ].sort();
  const settledOn = new Map<number, LocalDate>();
  for (const day of days) {
    if (settledOn.size === due.length) break;
    const a = allocate(acc.instalments, acc.payments, day, acc.waterfall);
    for (const pos of a.instalments)
      if (pos.fallenDue && pos.unpaid <= acc.arrearsTolerance && !settledOn.has(pos.seq))
        settledOn.set(pos.seq, day);
  }
  return due.map((i) => {
    const on = settledOn.get(i.seq) ?? null;
    return {
      account: acc.id,
      seq: i.seq,
      dueDate: i.dueDate,
      settledOn: on,
      daysLate: Math.max(0, diffDays(on ?? asOf, i.dueDate)),
    };
  });
}

/** How many payments of an account were made while something was due, and how many were partial. */
function partialsOf(acc: HabitAccount): { whileDue: number; partial: number } {
  const sorted = [...acc.payments].sort(byDateThenId);
  let whileDue = 0;
  let partial = 0;
  sorted.forEach((p, i) => {
    // what was due on the day, before this payment
    const before = allocate(acc.instalments, sorted.slice(0, i), p.paidOn, acc.waterfall);
    const owed = before.instalments.filter((x) => x.fallenDue).reduce((s, x) => s + x.unpaid, 0);
    if (owed > acc.arrearsTolerance) {
      whileDue++;
      if (p.amount < owed - acc.arrearsTolerance) partial++;
    }
  });
  return { whileDue, partial };
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

export function repaymentHabits(
  accounts: readonly HabitAccount[],
  promises: readonly PromiseRecord[],
  asOf: LocalDate,
): RepaymentHabits {
  const settlements = accounts.flatMap((a) => settlementsOf(a, asOf));
  const onTime = settlements.filter((s) => s.settledOn !== null && s.daysLate === 0).length;
  const lateDays = settlements.reduce((s, x) => s + x.daysLate, 0);

  const payments = accounts.flatMap((a) =>
    a.payments
      .filter((p) => p.paidOn <= asOf)
      .map((p) => ({ ...p, account: a.id, currency: a.currency })),
  );
  const perDay = new Map<number, number>();
  for (const p of payments) {
    const d = Number(p.paidOn.slice(8, 10));
    perDay.set(d, (perDay.get(d) ?? 0) + 1);
  }
  let usualDay: number | null = null;
  for (const [d, n] of perDay)
    if (
      usualDay === null ||
      n > perDay.get(usualDay)! ||
      (n === perDay.get(usualDay)! && d < usualDay)
    )
      usualDay = d;

  let whileDue = 0;
  let partial = 0;
  for (const a of accounts) {
    const r = partialsOf({ ...a, payments: a.payments.filter((p) => p.paidOn <= asOf) });
    whileDue += r.whileDue;
    partial += r.partial;
  }

  const last = [...payments].sort(byDateThenId).at(-1);
  const rates = ratesOf(promises);
  return {
    asOf,
    instalmentsDue: settlements.length,
    onTime,
    onTimeRatio: ratio(onTime, settlements.length),
    averageDaysLate: ratio(lateDays, settlements.length),
    usualPaymentDay: usualDay,
    usualPaymentDayShare: usualDay === null ? null : perDay.get(usualDay)! / payments.length,
    payments: payments.length,
    partialPayments: partial,
    partialPaymentRatio: ratio(partial, whileDue),
    promisesMade: rates.made,
    promisesKeptRatio: rates.keptRate,
    lastPayment: last
      ? {
          account: last.account,
          paidOn: last.paidOn,
          amountMinor: last.amount,
          currency: last.currency,
        }
      : null,
    settlements,
  };
}
