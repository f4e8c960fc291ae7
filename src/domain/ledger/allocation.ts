/**
 * Payment allocation. Payments settle the oldest unpaid instalment first; within an instalment
 * the product's waterfall decides the order of fees, interest and principal. Money paid beyond
 * what has fallen due is kept as a credit that settles the next instalments as they fall due.
 *
 * Because allocation is strictly oldest-first, the amount applied as of a date D is a prefix of
 * the schedule: instalments (ordered by due date, then seq) are filled in turn by
 * min(total paid by D, total fallen due by D). The set-based daily cycle relies on this.
 */
import { compareInstalments } from './order.ts';
import type { Component, Instalment, Payment } from './types.ts';
import { instalmentTotal } from './types.ts';
import type { LocalDate } from '../time/date.ts';

export type Parts = Record<Component, number>;

export interface InstalmentPosition {
  seq: number;
  dueDate: LocalDate;
  due: Parts;
  paid: Parts;
  /** Unpaid amount of a fallen-due instalment; for one not yet due, its full amount. */
  unpaid: number;
  fallenDue: boolean;
}

export interface Allocation {
  instalments: InstalmentPosition[];
  /** Paid by D beyond everything fallen due by D. */
  credit: number;
  /** Sum of payments made on or before D. */
  paidToDate: number;
}

function settle(
  position: InstalmentPosition,
  amount: number,
  waterfall: readonly Component[],
): number {
  let left = amount;
  for (const c of waterfall) {
    const take = Math.min(left, position.due[c] - position.paid[c]);
    position.paid[c] += take;
    left -= take;
    if (left === 0) break;
  }
  position.unpaid -= amount - left;
  return left;
}

/** Allocates the payments made on or before `asOf` to the schedule. */
export function allocate(
  instalments: readonly Instalment[],
  payments: readonly Payment[],
  asOf: LocalDate,
  waterfall: readonly Component[],
): Allocation {
  const positions: InstalmentPosition[] = [...instalments].sort(compareInstalments).map((i) => ({
    seq: i.seq,
    dueDate: i.dueDate,
    due: { fees: i.fees, interest: i.interest, principal: i.principal },
    paid: { fees: 0, interest: 0, principal: 0 },
    unpaid: instalmentTotal(i),
    fallenDue: i.dueDate <= asOf,
  }));
  const paid = payments
    .filter((p) => p.paidOn <= asOf)
    .sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.id < b.id ? -1 : 1));

  let credit = 0;
  let next = 0; // first position not yet fully settled
  let paidToDate = 0;
  // Settle the credit against every instalment fallen due by `day`, oldest first.
  const applyCredit = (day: LocalDate) => {
    while (credit > 0 && next < positions.length) {
      const pos = positions[next]!;
      if (pos.dueDate > day) break;
      credit = settle(pos, credit, waterfall);
      if (pos.unpaid === 0) next++;
    }
  };
  for (const p of paid) {
    paidToDate += p.amount;
    credit += p.amount;
    applyCredit(p.paidOn);
  }
  applyCredit(asOf);
  return { instalments: positions, credit, paidToDate };
}
