/**
 * Use cases on the ledger: reading customers and accounts (with the account's live state as of
 * today in its own time zone), recording payments (idempotent by payment id) and holds.
 */
import { delinquencyState, type DelinquencyState } from '../../domain/ledger/delinquency.ts';
import { HOLD_KINDS, type HoldKind } from '../../domain/ledger/types.ts';
import { formatMinor, parseAmount } from '../../domain/money/currency.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import { localDateOf, parseInstant } from '../../domain/time/zone.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import type { PolicyStore } from '../policy/ports.ts';
import type { AccountRecord, LedgerStore, StoredHold, StoredPayment } from './ports.ts';
import { ID_RE } from '../../domain/import/rows.ts';

export interface LedgerDeps {
  ledger: LedgerStore;
  policies: PolicyStore;
  clock: Clock;
}

export interface AccountDetail extends AccountRecord {
  /** The state computed now, as of today in the account's time zone. */
  live: DelinquencyState;
}

export async function accountDetail(deps: LedgerDeps, id: string): Promise<AccountDetail> {
  const acc = await deps.ledger.account(id);
  if (!acc) throw notFound(`account ${id}`);
  const today = localDateOf(deps.clock.now(), acc.timezone);
  const live = delinquencyState(acc, today, await deps.policies.ledgerPolicy());
  return { ...acc, live };
}

export interface PaymentInput {
  paymentId: string;
  amount: string;
  /** A date in the account's zone, or an instant with offset. */
  paidOn?: string | undefined;
}

export interface PaymentOutcome {
  payment: StoredPayment;
  currency: string;
  /** False when the payment id had been recorded before with the same content. */
  created: boolean;
}

/**
 * Records a payment. The payment id is the idempotency key: posting the same payment again
 * returns the stored one; reusing the id for a different payment is a conflict.
 */
export async function recordPayment(
  deps: LedgerDeps,
  accountId: string,
  input: PaymentInput,
): Promise<PaymentOutcome> {
  // One light look-up: posting needs only the currency and the customer's zone.
  const acc = await deps.ledger.accountBasics(accountId);
  if (!acc) throw notFound(`account ${accountId}`);
  const details: { at: string; reason: string }[] = [];
  if (!ID_RE.test(input.paymentId)) details.push({ at: 'paymentId', reason: 'is not a valid id' });
  const amount = parseAmount(input.amount, acc.currency);
  if (!amount.ok) details.push({ at: 'amount', reason: amount.reason });
  else if (amount.minor <= 0) details.push({ at: 'amount', reason: 'must be greater than zero' });
  const now = deps.clock.now();
  let paidOn: LocalDate = localDateOf(now, acc.timezone);
  let paidAt: string | null = now.toISOString();
  if (input.paidOn !== undefined) {
    if (isLocalDate(input.paidOn)) {
      paidOn = input.paidOn;
      paidAt = null;
    } else {
      const instant = parseInstant(input.paidOn);
      if (!instant)
        details.push({ at: 'paidOn', reason: 'is neither a date nor a timestamp with offset' });
      else {
        paidOn = localDateOf(instant, acc.timezone);
        paidAt = instant.toISOString();
      }
    }
  }
  if (paidOn > localDateOf(now, acc.timezone))
    details.push({ at: 'paidOn', reason: 'is in the future' });
  if (details.length > 0 || !amount.ok) throw invalid('the payment is not valid', details);

  const payment: StoredPayment = {
    id: input.paymentId,
    paidOn,
    paidAt,
    amount: amount.minor,
    source: 'api',
  };
  // the insert decides (a unique key): of two posts at the same instant one inserts, the
  // other finds the stored payment and answers it as a retry would
  if (await deps.ledger.insertPayment(accountId, payment))
    return { payment, currency: acc.currency, created: true };
  const stored = await deps.ledger.payment(input.paymentId);
  if (!stored) throw new Error(`payment ${input.paymentId} was neither inserted nor found`);
  return replay(stored, accountId, input.paidOn, payment, acc.currency);
}

/**
 * A payment id posted again: the stored payment when the post says the same (a retry), else a
 * conflict naming each field that differs. A post without `paidOn` matches any stored date
 * (the first post was dated when it arrived).
 */
function replay(
  stored: StoredPayment & { accountId: string },
  accountId: string,
  sentPaidOn: string | undefined,
  wanted: StoredPayment,
  currency: string,
): PaymentOutcome {
  const details: { at: string; reason: string }[] = [];
  if (stored.accountId !== accountId)
    details.push({
      at: 'accountId',
      reason: `the payment is recorded on account ${stored.accountId}`,
    });
  if (stored.amount !== wanted.amount)
    details.push({
      at: 'amount',
      reason: `the payment is recorded with ${formatMinor(stored.amount, currency)}`,
    });
  if (sentPaidOn !== undefined) {
    const at = stored.paidAt === null ? null : new Date(stored.paidAt).toISOString();
    const same =
      wanted.paidAt === null || at === null
        ? stored.paidOn === wanted.paidOn
        : at === wanted.paidAt;
    if (!same)
      details.push({
        at: 'paidOn',
        reason: `the payment is recorded as paid ${at ?? stored.paidOn}`,
      });
  }
  if (details.length > 0)
    throw new AppError(
      'CONFLICT',
      `payment ${wanted.id} was already recorded with other details`,
      details,
    );
  const { accountId: _a, ...payment } = stored;
  return { payment, currency, created: false };
}

export interface HoldInput {
  kind: string;
  from: string;
  to?: string | null | undefined;
  note?: string | null | undefined;
}

export async function recordHold(
  deps: LedgerDeps,
  accountId: string,
  input: HoldInput,
): Promise<StoredHold> {
  const details: { at: string; reason: string }[] = [];
  if (!(HOLD_KINDS as readonly string[]).includes(input.kind)) {
    details.push({ at: 'kind', reason: `must be one of ${HOLD_KINDS.join(', ')}` });
  }
  if (!isLocalDate(input.from)) details.push({ at: 'from', reason: 'is not a date (YYYY-MM-DD)' });
  const to = input.to ?? null;
  if (to !== null && !isLocalDate(to))
    details.push({ at: 'to', reason: 'is not a date (YYYY-MM-DD)' });
  else if (to !== null && to < input.from) details.push({ at: 'to', reason: 'is before from' });
  if (details.length > 0) throw invalid('the hold is not valid', details);
  const acc = await deps.ledger.account(accountId);
  if (!acc) throw notFound(`account ${accountId}`);
  if (acc.holds.some((h) => h.kind === input.kind && h.from === input.from)) {
    throw new AppError('CONFLICT', `a ${input.kind} hold from ${input.from} already exists`);
  }
  return deps.ledger.insertHold(accountId, {
    kind: input.kind as HoldKind,
    from: input.from,
    to,
    note: input.note ?? null,
  });
}

export async function endHold(
  deps: LedgerDeps,
  accountId: string,
  holdId: number,
  to: string,
): Promise<StoredHold> {
  if (!isLocalDate(to))
    throw invalid('the end date is not valid', [{ at: 'to', reason: 'is not a date' }]);
  const acc = await deps.ledger.account(accountId);
  if (!acc) throw notFound(`account ${accountId}`);
  const hold = acc.holds.find((h) => h.id === holdId);
  if (!hold) throw notFound(`hold ${holdId}`);
  if (to < hold.from)
    throw invalid('the end date is not valid', [{ at: 'to', reason: 'is before the hold starts' }]);
  const ended = await deps.ledger.endHold(accountId, holdId, to);
  if (!ended) throw notFound(`hold ${holdId}`);
  return ended;
}
