/**
 * The stored portfolio as the simulation's starting point, and what really happened after it.
 *
 * `recordsFromHistory` turns stored accounts (their schedules, payments and holds) into the
 * simulation's records as of a start date: only payments made by then count, and each account
 * gets a payer type from its own payment history by then (the behaviour model's risk class).
 * `observedOutcome` replays the payments actually received between the start and the end with
 * the same ledger rules, so the simulated strategies can be set beside what was observed.
 */
import type { LedgerPolicy } from '../ledger/policy.ts';
import type { Hold, HoldKind, Product } from '../ledger/types.ts';
import type {
  CustomerRecord,
  Instalment,
  Language,
  PayerType,
  Region,
} from '../portfolio/generator.ts';
import { toEpochDay, type LocalDate } from '../time/date.ts';
import { outcomeMeasures, simAccountOf, type OutcomeMeasures } from './simulate.ts';

export interface StoredAccount {
  id: string;
  customerId: string;
  timezone: string;
  language: string;
  jurisdiction: string;
  product: Product;
  currency: string;
  principal: number;
  openedOn: LocalDate;
  graceDays: number | null;
  instalments: Instalment[];
  /** Payments in date order. */
  payments: { paidOn: LocalDate; amount: number }[];
  holds: { kind: HoldKind; from: LocalDate; to: LocalDate | null }[];
}

/** Past due this long at the start (days after the oldest unpaid due date): defaulted. */
export const DEFAULTED_AFTER_DAYS = 90;

/**
 * The payer type an account's history by `asOf` shows:
 * - paid more than has fallen due: `overpayer`;
 * - nothing owed: `onTime` when every instalment was covered by its due date, else `late`;
 * - owed, the oldest unpaid due date more than 90 days back: `defaulted`;
 * - owed, the oldest unpaid instalment partly paid: `partial`; otherwise `late`.
 */
export function payerFromHistory(
  instalments: readonly Instalment[],
  payments: readonly { paidOn: LocalDate; amount: number }[],
  asOf: LocalDate,
): PayerType {
  const fallen = [...instalments]
    .filter((i) => i.dueDate <= asOf)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.seq - b.seq));
  const paidBy = (date: LocalDate) =>
    payments.reduce((s, p) => (p.paidOn <= date ? s + p.amount : s), 0);
  const paid = paidBy(asOf);
  let due = 0;
  let onTime = true;
  let oldestUnpaid: { dueDate: LocalDate; before: number } | null = null;
  for (const i of fallen) {
    const before = due;
    due += i.principalDue + i.interestDue + i.feesDue;
    if (paidBy(i.dueDate) < due) onTime = false;
    if (oldestUnpaid === null && paid < due) oldestUnpaid = { dueDate: i.dueDate, before };
  }
  if (paid > due) return 'overpayer';
  if (oldestUnpaid === null) return onTime ? 'onTime' : 'late';
  if (toEpochDay(asOf) - toEpochDay(oldestUnpaid.dueDate) > DEFAULTED_AFTER_DAYS)
    return 'defaulted';
  return paid > oldestUnpaid.before ? 'partial' : 'late';
}

/** The hold the simulation starts with: the latest one begun by `asOf`. */
function holdAt(holds: StoredAccount['holds'], asOf: LocalDate): Hold | null {
  let found: Hold | null = null;
  for (const h of holds) if (h.from <= asOf && (!found || h.from > found.from)) found = { ...h };
  return found;
}

/**
 * The simulation's records as of `asOf`: accounts opened by then, grouped by customer in the
 * order given; payments after `asOf` are left out (the simulation decides them).
 */
export function recordsFromHistory(
  accounts: readonly StoredAccount[],
  asOf: LocalDate,
): CustomerRecord[] {
  const byCustomer = new Map<string, CustomerRecord>();
  for (const a of accounts) {
    if (a.openedOn > asOf) continue;
    const payments = a.payments.filter((p) => p.paidOn <= asOf);
    let record = byCustomer.get(a.customerId);
    if (!record) {
      record = {
        // The simulation needs where and how the customer is contacted, not who it is.
        customer: {
          id: a.customerId,
          name: '',
          phone: '',
          email: '',
          address: '',
          latitude: 0,
          longitude: 0,
          timezone: a.timezone,
          language: a.language as Language,
          jurisdiction: a.jurisdiction as Region,
        },
        accounts: [],
      };
      byCustomer.set(a.customerId, record);
    }
    record.accounts.push({
      account: {
        id: a.id,
        customerId: a.customerId,
        product: a.product,
        currency: a.currency,
        principal: a.principal,
        openedOn: a.openedOn,
        graceDays: a.graceDays,
      },
      payer: payerFromHistory(a.instalments, payments, asOf),
      instalments: a.instalments,
      payments: payments.map((p) => ({ ...p, timestamp: null })),
      hold: holdAt(a.holds, asOf),
    });
  }
  return [...byCustomer.values()];
}

export type ObservedOutcome = OutcomeMeasures;

/**
 * What the stored history shows between `from` and `to` for the accounts opened by `from`:
 * the measures of the simulation, from the payments and holds actually recorded.
 */
export function observedOutcome(
  accounts: readonly StoredAccount[],
  from: LocalDate,
  to: LocalDate,
  policy: LedgerPolicy,
): ObservedOutcome {
  const start = toEpochDay(from);
  const end = toEpochDay(to);
  const collected: Record<string, number> = {};
  let count = 0;
  let delinquent = 0;
  let cured = 0;
  let rolled = 0;
  const ratios: number[] = [];
  for (const a of accounts) {
    if (a.openedOn > from) continue;
    count++;
    const p = policy[a.product];
    const account = simAccountOf(
      a.instalments,
      a.graceDays,
      p,
      a.holds.filter((h) => h.from <= to),
    );
    let got = 0;
    for (const pay of a.payments) if (pay.paidOn <= from) account.pay(pay.amount);
    const s0 = account.stateOn(start, from);
    for (const pay of a.payments) {
      if (pay.paidOn <= from || pay.paidOn > to) continue;
      account.pay(pay.amount);
      got += pay.amount;
      collected[a.currency] = (collected[a.currency] ?? 0) + pay.amount;
    }
    const s1 = account.stateOn(end, to);
    const ord = (bucket: string) => p.buckets.findIndex((b) => b.name === bucket);
    if (ord(s1.bucket) > ord(s0.bucket)) rolled++;
    if (s0.delinquentDays > 0) {
      delinquent++;
      if (s1.delinquentDays === 0) cured++;
      if (s0.outstanding > 0) ratios.push(Math.min(1, got / s0.outstanding));
    }
  }
  return outcomeMeasures({
    accounts: count,
    delinquentAtStart: delinquent,
    cured,
    rolledForward: rolled,
    recoveryRatios: ratios,
    collected,
  });
}
