/**
 * Repayment plans as schedules: what a customer pays and when under an instalment plan, a
 * settlement or a deferral. Pure and exact: amounts in integer minor units, dates as local
 * dates; the collector's what-if and the ledger's new schedule come from the same functions.
 */
import { addDays, addMonths, type LocalDate } from '../time/date.ts';

export const FREQUENCIES = ['weekly', 'biweekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface ScheduledPayment {
  seq: number;
  dueDate: LocalDate;
  amountMinor: number;
}

/** The due date of the `k`-th payment (0-based) from `start`. */
export function nthDate(start: LocalDate, frequency: Frequency, k: number): LocalDate {
  if (frequency === 'weekly') return addDays(start, 7 * k);
  if (frequency === 'biweekly') return addDays(start, 14 * k);
  // monthly on the start's day of the month, the month's last day when it has fewer days
  return addMonths(start, k, Number(start.slice(8, 10)));
}

export interface InstalmentPlanTerms {
  /** What the plan repays (the arrears, or the whole balance). */
  amountMinor: number;
  /** Paid on the start date, before the instalments; 0 for none. */
  downPaymentMinor: number;
  count: number;
  frequency: Frequency;
  start: LocalDate;
}

/**
 * The payments of an instalment plan: the down payment (when there is one) on the start date,
 * then `count` instalments from one period after it when there is a down payment, or from the
 * start when there is none. The instalments are equal but for the minor units the division
 * leaves, which the first ones carry (one each), so that they add up to the amount exactly.
 */
export function instalmentPlan(t: InstalmentPlanTerms): ScheduledPayment[] {
  if (!Number.isSafeInteger(t.amountMinor) || t.amountMinor <= 0)
    throw new RangeError('the amount must be a positive whole number of minor units');
  if (!Number.isSafeInteger(t.downPaymentMinor) || t.downPaymentMinor < 0)
    throw new RangeError('the down payment must be zero or more');
  if (t.downPaymentMinor >= t.amountMinor)
    throw new RangeError('the down payment must be less than the amount');
  if (!Number.isInteger(t.count) || t.count < 1) throw new RangeError('at least one instalment');
  const rest = t.amountMinor - t.downPaymentMinor;
  if (rest < t.count) throw new RangeError('instalments of less than one minor unit');
  const out: ScheduledPayment[] = [];
  const first = t.downPaymentMinor > 0 ? 1 : 0;
  if (t.downPaymentMinor > 0)
    out.push({ seq: 1, dueDate: t.start, amountMinor: t.downPaymentMinor });
  const base = Math.floor(rest / t.count);
  const extra = rest - base * t.count;
  for (let k = 0; k < t.count; k++)
    out.push({
      seq: out.length + 1,
      dueDate: nthDate(t.start, t.frequency, k + first),
      amountMinor: base + (k < extra ? 1 : 0),
    });
  return out;
}

export interface SettlementTerms {
  /** What is owed in all. */
  balanceMinor: number;
  /** The share forgiven, in percent (0–100, up to two decimals). */
  discountPercent: number;
  /** The settlement paid in this many payments (1: a lump sum). */
  count: number;
  frequency: Frequency;
  start: LocalDate;
}

export interface Settlement {
  /** What the customer pays. */
  payMinor: number;
  /** What is written off when it is paid. */
  writeOffMinor: number;
  payments: ScheduledPayment[];
}

/** A settlement: the balance less the discount (rounded up to the minor unit), in payments. */
export function settlement(t: SettlementTerms): Settlement {
  if (!(t.discountPercent >= 0 && t.discountPercent < 100))
    throw new RangeError('the discount must be from 0 up to 100 percent');
  const basisPoints = Math.round(t.discountPercent * 100);
  if (Math.abs(basisPoints - t.discountPercent * 100) > 1e-6)
    throw new RangeError('the discount has at most two decimals');
  // the customer pays at least the discounted amount: the forgiven part is rounded down
  const writeOff = Math.floor((t.balanceMinor * basisPoints) / 10_000);
  const pay = t.balanceMinor - writeOff;
  return {
    payMinor: pay,
    writeOffMinor: writeOff,
    payments: instalmentPlan({
      amountMinor: pay,
      downPaymentMinor: 0,
      count: t.count,
      frequency: t.frequency,
      start: t.start,
    }),
  };
}

/**
 * A deferral: the due dates from `from` on moved `days` later, with an optional fee added to
 * the first moved payment. The payments before `from` stay as they are.
 */
export function defer(
  schedule: readonly ScheduledPayment[],
  from: LocalDate,
  days: number,
  feeMinor = 0,
): ScheduledPayment[] {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError('a deferral moves by a day or more');
  if (!Number.isSafeInteger(feeMinor) || feeMinor < 0)
    throw new RangeError('the fee must be zero or more');
  let feeAdded = feeMinor === 0;
  return schedule.map((p) => {
    if (p.dueDate < from) return { ...p };
    const moved = { ...p, dueDate: addDays(p.dueDate, days) };
    if (!feeAdded) {
      moved.amountMinor += feeMinor;
      feeAdded = true;
    }
    return moved;
  });
}
