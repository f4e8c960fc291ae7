/**
 * Following a plan: where it stands at the end of a day, given what the ledger shows unpaid of
 * each plan payment (payments settle the schedule oldest-first, so a plan payment is paid when
 * the ledger has filled its instalment). Pure.
 *
 * - **completed** when every plan payment is paid (or short by no more than the tolerance once
 *   its grace has passed);
 * - **broken** when a plan payment is still short by more than the tolerance after its due
 *   date plus the grace, known on the day after the grace;
 * - otherwise **active**.
 */
import { addDays, type LocalDate } from '../time/date.ts';

export interface FollowedPayment {
  dueDate: LocalDate;
  amountMinor: number;
  /** What the ledger shows unpaid of it at the end of the day. */
  unpaidMinor: number;
}

export interface PlanStanding {
  status: 'active' | 'completed' | 'broken';
  /** Plan payments paid (or within the tolerance). */
  paidCount: number;
  /** The due date of the payment that broke it. */
  missedDueDate: LocalDate | null;
}

export function followPlan(
  payments: readonly FollowedPayment[],
  graceDays: number,
  tolerancePercent: number,
  today: LocalDate,
): PlanStanding {
  let paid = 0;
  let settled = true;
  for (const p of [...payments].sort((a, b) => (a.dueDate < b.dueDate ? -1 : 1))) {
    const tolerance = Math.floor((p.amountMinor * tolerancePercent) / 100);
    const pastGrace = today > addDays(p.dueDate, graceDays);
    if (p.unpaidMinor === 0 || (pastGrace && p.unpaidMinor <= tolerance)) paid++;
    else {
      settled = false;
      if (pastGrace) return { status: 'broken', paidCount: paid, missedDueDate: p.dueDate };
    }
  }
  return { status: settled ? 'completed' : 'active', paidCount: paid, missedDueDate: null };
}
