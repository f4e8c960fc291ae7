/** Domain values to API shapes: amounts become decimal strings in the currency's major units. */
import type { AccountDetail } from '../../app/ledger/ledger-service.ts';
import type { AccountSummary, StoredPayment, StoredState } from '../../app/ledger/ports.ts';
import type { Parts } from '../../domain/ledger/allocation.ts';
import { formatMinor } from '../../domain/money/currency.ts';

const money = (v: number, currency: string) => formatMinor(v, currency);

function parts(p: Parts, currency: string) {
  return {
    fees: money(p.fees, currency),
    interest: money(p.interest, currency),
    principal: money(p.principal, currency),
  };
}

export function presentState(s: StoredState, currency: string) {
  return {
    asOf: s.asOf,
    outstanding: money(s.outstanding, currency),
    arrears: money(s.arrears, currency),
    credit: money(s.credit, currency),
    pastDueDays: s.pastDueDays,
    delinquentDays: s.delinquentDays,
    bucket: s.bucket,
    ageing: Object.fromEntries(Object.entries(s.ageing).map(([k, v]) => [k, money(v, currency)])),
  };
}

export function presentSummary(a: AccountSummary) {
  return {
    id: a.id,
    customerId: a.customerId,
    product: a.product,
    currency: a.currency,
    principal: money(a.principal, a.currency),
    openedOn: a.openedOn,
    graceDays: a.graceDays,
    state: a.state ? presentState(a.state, a.currency) : null,
  };
}

export function presentPayment(p: StoredPayment, currency: string) {
  return {
    id: p.id,
    paidOn: p.paidOn,
    paidAt: p.paidAt,
    amount: money(p.amount, currency),
    source: p.source,
  };
}

export function presentDetail(a: AccountDetail) {
  const c = a.currency;
  return {
    ...presentSummary(a),
    timezone: a.timezone,
    live: {
      ...presentState(a.live, c),
      overdueDueDate: a.live.overdueDueDate,
      delinquentDate: a.live.delinquentDate,
    },
    instalments: a.live.instalments.map((i) => ({
      seq: i.seq,
      dueDate: i.dueDate,
      due: parts(i.due, c),
      paid: parts(i.paid, c),
      unpaid: money(i.unpaid, c),
      fallenDue: i.fallenDue,
    })),
    payments: a.payments.map((p) => presentPayment(p, c)),
    holds: a.holds,
    transitions: a.transitions,
  };
}
