/**
 * Days past due, delinquency days, buckets and ageing of one account as of a date D.
 *
 * - The overdue instalment is the oldest instalment due before D whose unpaid amount is above
 *   the product's arrears tolerance.
 * - past_due_days = D − its due date (0 when there is none).
 * - delinquent_date = its due date + grace days.
 * - delinquent_days = the days in (delinquent_date, D] not covered by a hold.
 * - bucket = the product's range that holds delinquent_days.
 * - ageing: each unpaid instalment due before D adds its unpaid amount to the range holding its
 *   own days past due (no grace); the ranges sum to the arrears.
 */
import { allocate, type InstalmentPosition } from './allocation.ts';
import { bucketFor, type LedgerPolicy, type ProductPolicy } from './policy.ts';
import type { AccountLedger, Hold } from './types.ts';
import { addDays, diffDays, maxDate, type LocalDate } from '../time/date.ts';

export interface DelinquencyState {
  asOf: LocalDate;
  /** Unpaid amounts fallen due plus principal not yet due, less any credit; never negative. */
  outstanding: number;
  /** Unpaid amounts of instalments due before D. */
  arrears: number;
  /** Paid beyond what has fallen due. */
  credit: number;
  overdueDueDate: LocalDate | null;
  delinquentDate: LocalDate | null;
  /** The earliest instalment due on or after D that payments so far do not cover. */
  nextDueDate: LocalDate | null;
  /** The latest payment on or before D. */
  lastPaidOn: LocalDate | null;
  /** True when a hold covers D itself. */
  onHold: boolean;
  pastDueDays: number;
  delinquentDays: number;
  bucket: string;
  /** Unpaid amount per ageing range; ranges with nothing in them are left out. */
  ageing: Record<string, number>;
  instalments: InstalmentPosition[];
}

/** Number of days in (after, upTo] that at least one hold covers. */
export function heldDays(holds: readonly Hold[], after: LocalDate, upTo: LocalDate): number {
  if (upTo <= after) return 0;
  // Clip each hold's interval (from, to] to (after, upTo], then merge overlaps.
  const spans = holds
    .map((h) => ({ lo: maxDate(h.from, after), hi: h.to === null || h.to > upTo ? upTo : h.to }))
    .filter((s) => s.hi > s.lo)
    .sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  let total = 0;
  let curLo: LocalDate | null = null;
  let curHi: LocalDate | null = null;
  for (const s of spans) {
    if (curHi !== null && s.lo <= curHi) {
      if (s.hi > curHi) curHi = s.hi;
      continue;
    }
    if (curLo !== null && curHi !== null) total += diffDays(curHi, curLo);
    curLo = s.lo;
    curHi = s.hi;
  }
  if (curLo !== null && curHi !== null) total += diffDays(curHi, curLo);
  return total;
}

export function productPolicyFor(ledger: AccountLedger, policy: LedgerPolicy): ProductPolicy {
  return policy[ledger.product];
}

/** The account's delinquency state as of `asOf`, a pure function of its ledger and the policy. */
export function delinquencyState(
  ledger: AccountLedger,
  asOf: LocalDate,
  policy: LedgerPolicy,
): DelinquencyState {
  const p = productPolicyFor(ledger, policy);
  const alloc = allocate(ledger.instalments, ledger.payments, asOf, p.waterfall);

  let arrears = 0;
  let notYetDuePrincipal = 0;
  let unpaidFallenDue = 0;
  let overdue: InstalmentPosition | null = null;
  let nextDueDate: LocalDate | null = null;
  let cumulative = 0;
  const ageing: Record<string, number> = {};
  for (const pos of alloc.instalments) {
    const total = pos.due.fees + pos.due.interest + pos.due.principal;
    cumulative += total;
    // What the payments so far leave of it, credit included (the prefix rule).
    const uncovered = Math.min(total, Math.max(0, cumulative - alloc.paidToDate));
    if (nextDueDate === null && pos.dueDate >= asOf && uncovered > 0) nextDueDate = pos.dueDate;
    if (!pos.fallenDue) {
      notYetDuePrincipal += pos.due.principal;
      continue;
    }
    unpaidFallenDue += pos.unpaid;
    if (pos.dueDate < asOf && pos.unpaid > 0) {
      arrears += pos.unpaid;
      const range = bucketFor(diffDays(asOf, pos.dueDate), p.buckets);
      ageing[range] = (ageing[range] ?? 0) + pos.unpaid;
      if (overdue === null && pos.unpaid > p.arrearsTolerance) overdue = pos;
    }
  }

  const grace = ledger.graceDays ?? p.graceDays;
  const overdueDueDate = overdue?.dueDate ?? null;
  const delinquentDate = overdueDueDate === null ? null : addDays(overdueDueDate, grace);
  const pastDueDays = overdueDueDate === null ? 0 : diffDays(asOf, overdueDueDate);
  const delinquentDays =
    delinquentDate === null || delinquentDate >= asOf
      ? 0
      : diffDays(asOf, delinquentDate) - heldDays(ledger.holds, delinquentDate, asOf);

  return {
    asOf,
    outstanding: Math.max(0, unpaidFallenDue + notYetDuePrincipal - alloc.credit),
    arrears,
    credit: alloc.credit,
    overdueDueDate,
    delinquentDate,
    nextDueDate,
    lastPaidOn: ledger.payments.reduce<LocalDate | null>(
      (last, p) => (p.paidOn <= asOf && (last === null || p.paidOn > last) ? p.paidOn : last),
      null,
    ),
    onHold: heldDays(ledger.holds, addDays(asOf, -1), asOf) === 1,
    pastDueDays,
    delinquentDays,
    bucket: bucketFor(delinquentDays, p.buckets),
    ageing,
    instalments: alloc.instalments,
  };
}
