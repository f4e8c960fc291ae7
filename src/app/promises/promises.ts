/**
 * Use cases of promises to pay: making one (from a collector, the customer's own page, or a
 * file of them), cancelling one, listing them, the promise and kept rates, and the policy. The
 * cycle follows the open ones (adapters/storage/promise-follow.ts, by the domain's rules).
 */
import { parseAmount } from '../../domain/money/currency.ts';
import {
  checkNewPromise,
  PROMISE_CHANNELS,
  PROMISE_STATUSES,
  parsePromisePolicy,
  toleranceFor,
  type PromiseChannel,
  type PromisePolicy,
  type PromiseStatus,
} from '../../domain/promises/promise.ts';
import { ratesBy, type PromiseRates } from '../../domain/promises/rates.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import { localDateOf } from '../../domain/time/zone.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import type { NewPromiseRow, PromiseAccount, PromiseStore, StoredPromise } from './ports.ts';

export interface PromiseDeps {
  promises: PromiseStore;
  clock: Clock;
}

export interface PromiseInput {
  /** In the account's currency, e.g. "120.50". */
  amount: string;
  promisedFor: string;
  channel?: string | undefined;
  by: string;
  notes?: string | undefined;
  /** The client's key for this request: the same key again returns the same promise. */
  requestKey?: string | undefined;
}

/** Checks a promise for an account; the row to store, or what is wrong (fields as given). */
function rowOf(
  acc: PromiseAccount,
  input: PromiseInput,
  policy: PromisePolicy,
  now: Date,
): { row?: NewPromiseRow; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const amount = parseAmount(String(input.amount ?? ''), acc.currency);
  if (!amount.ok) details.push({ at: 'amount', reason: amount.reason });
  const channel = input.channel ?? 'phone';
  if (!(PROMISE_CHANNELS as readonly string[]).includes(channel))
    details.push({ at: 'channel', reason: `must be one of ${PROMISE_CHANNELS.join(', ')}` });
  if (typeof input.by !== 'string' || input.by.trim() === '')
    details.push({ at: 'by', reason: 'is required: who took the promise' });
  if (!isLocalDate(String(input.promisedFor)))
    details.push({ at: 'promisedFor', reason: 'is not a date (YYYY-MM-DD)' });
  const today = localDateOf(now, acc.timezone);
  if (acc.outstandingMinor === null)
    details.push({ at: 'account', reason: 'has no state yet: run the cycle first' });
  if (details.length === 0 && amount.ok) {
    const terms = { amountMinor: amount.minor, promisedFor: input.promisedFor as LocalDate };
    details.push(
      ...checkNewPromise(terms, {
        today,
        outstandingMinor: acc.outstandingMinor ?? 0,
        hasOpenPromise: acc.hasOpenPromise,
        policy,
      }),
    );
  }
  if (details.length > 0 || !amount.ok) return { details };
  return {
    details,
    row: {
      accountId: acc.id,
      customerId: acc.customerId,
      amountMinor: amount.minor,
      currency: acc.currency,
      promisedFor: input.promisedFor as LocalDate,
      madeOn: today,
      madeAt: now,
      graceDays: policy.graceDays,
      toleranceMinor: toleranceFor(amount.minor, policy),
      channel: channel as PromiseChannel,
      madeBy: input.by.trim(),
      strategyVersionId: acc.strategyVersionId,
      segmentId: acc.segmentId,
      requestKey: input.requestKey ?? null,
      notes: input.notes ?? null,
    },
  };
}

/** Records a promise to pay on an account (idempotent by the request key, when given). */
export async function makePromise(
  deps: PromiseDeps,
  accountExt: string,
  input: PromiseInput,
): Promise<{ promise: StoredPromise; created: boolean }> {
  if (input.requestKey) {
    const seen = await deps.promises.byRequestKey(input.requestKey);
    if (seen) {
      if (seen.account !== accountExt || seen.promisedFor !== input.promisedFor)
        throw new AppError(
          'CONFLICT',
          `request ${input.requestKey} already made another promise (${seen.id})`,
        );
      return { promise: seen, created: false };
    }
  }
  const acc = await deps.promises.account(accountExt);
  if (!acc) throw notFound(`account ${accountExt}`);
  const { row, details } = rowOf(acc, input, await deps.promises.policy(), deps.clock.now());
  if (!row) throw invalid('the promise is not valid', details);
  const stored = await deps.promises.insert(row);
  if (!stored)
    throw invalid('the promise is not valid', [
      { at: 'account', reason: 'already has an open promise (cancel it first)' },
    ]);
  return { promise: stored, created: true };
}

export interface PromiseFileRow extends PromiseInput {
  account: string;
}

/**
 * Records many promises at once (a file of them): every row is checked first, and either all
 * are recorded or, when any row is wrong, none; the details name the row and the field.
 */
export async function importPromises(
  deps: PromiseDeps,
  rows: readonly { line: number; row: PromiseFileRow }[],
): Promise<{ imported: number }> {
  const accounts = await deps.promises.accounts([...new Set(rows.map((r) => r.row.account))]);
  const policy = await deps.promises.policy();
  const now = deps.clock.now();
  const details: ErrorDetail[] = [];
  const out: NewPromiseRow[] = [];
  const promised = new Set<number>();
  for (const { line, row } of rows) {
    const acc = accounts.get(row.account);
    if (!acc) {
      details.push({ at: `line ${line}: account`, reason: `account ${row.account} not found` });
      continue;
    }
    // two promises for one account in the same file: the second finds the first open
    const r = rowOf(
      { ...acc, hasOpenPromise: acc.hasOpenPromise || promised.has(acc.id) },
      row,
      policy,
      now,
    );
    for (const d of r.details) details.push({ at: `line ${line}: ${d.at}`, reason: d.reason });
    if (r.row) {
      out.push(r.row);
      promised.add(acc.id);
    }
  }
  if (details.length > 0)
    throw invalid(`${details.length} problems; nothing was recorded`, details);
  return { imported: await deps.promises.insertMany(out) };
}

export async function cancelPromise(
  deps: PromiseDeps,
  id: number,
  by: string,
  reason: string,
): Promise<StoredPromise> {
  const details: ErrorDetail[] = [];
  if (!by?.trim()) details.push({ at: 'by', reason: 'is required' });
  if (!reason?.trim()) details.push({ at: 'reason', reason: 'is required' });
  if (details.length > 0) throw invalid('the cancellation is not valid', details);
  const p = await deps.promises.get(id);
  if (!p) throw notFound(`promise ${id}`);
  const done = await deps.promises.cancel(id, by.trim(), reason.trim());
  if (!done) throw new AppError('INVALID_STATE', `promise ${id} is ${p.status}, not open`);
  return done;
}

export interface PromiseQuery {
  account?: string | undefined;
  status?: string | undefined;
  madeBy?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: number | undefined;
  limit?: number | undefined;
}

export async function listPromises(deps: PromiseDeps, q: PromiseQuery): Promise<StoredPromise[]> {
  const details: ErrorDetail[] = [];
  if (q.status !== undefined && !(PROMISE_STATUSES as readonly string[]).includes(q.status))
    details.push({ at: 'status', reason: `must be one of ${PROMISE_STATUSES.join(', ')}` });
  for (const k of ['from', 'to'] as const)
    if (q[k] !== undefined && !isLocalDate(q[k]!))
      details.push({ at: k, reason: 'is not a date (YYYY-MM-DD)' });
  const limit = q.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    details.push({ at: 'limit', reason: 'must be from 1 to 1000' });
  if (details.length > 0) throw invalid('the query is not valid', details);
  return deps.promises.list({
    account: q.account,
    status: q.status as PromiseStatus | undefined,
    madeBy: q.madeBy,
    from: q.from as LocalDate | undefined,
    to: q.to as LocalDate | undefined,
    before: q.before,
    limit,
  });
}

export interface RatesGroup {
  key: string;
  currency: string;
  rates: PromiseRates;
}

/** Promise and kept rates of the promises made from `from` to `to`, per collector or segment. */
export async function promiseRates(
  deps: PromiseDeps,
  from: string,
  to: string,
  by: string,
): Promise<RatesGroup[]> {
  const details: ErrorDetail[] = [];
  if (!isLocalDate(from)) details.push({ at: 'from', reason: 'is not a date (YYYY-MM-DD)' });
  if (!isLocalDate(to)) details.push({ at: 'to', reason: 'is not a date (YYYY-MM-DD)' });
  if (by !== 'collector' && by !== 'segment')
    details.push({ at: 'by', reason: 'must be collector or segment' });
  if (details.length > 0) throw invalid('the query is not valid', details);
  const rows = await deps.promises.records(from as LocalDate, to as LocalDate);
  // amounts add up within a currency only
  return ratesBy(
    rows,
    (r) => `${by === 'collector' ? r.madeBy : (r.segmentId ?? '')}\u0000${r.currency}`,
  ).map((g) => {
    const [key, currency] = g.key.split('\u0000') as [string, string];
    return { key, currency, rates: g.rates };
  });
}

export async function setPromisePolicy(deps: PromiseDeps, doc: unknown): Promise<PromisePolicy> {
  const r = parsePromisePolicy(doc);
  if (!r.ok) throw invalid('the promise policy is not valid', r.issues);
  await deps.promises.savePolicy(r.policy);
  return r.policy;
}
