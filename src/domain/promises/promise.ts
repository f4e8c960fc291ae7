/**
 * Promises to pay: what a customer agreed to pay and by when, checked against the payments that
 * came. Pure: the day and the payments come in as arguments.
 *
 * - A promise counts the payments on its account from the day it was made to the promised date
 *   plus its grace days.
 * - It is **kept** on the day those payments reach the promised amount less its tolerance
 *   (*late* when that day is after the promised date, within the grace).
 * - When the grace has passed without that, it is **partially kept** (something was paid) or
 *   **broken** (nothing was), known on the day after the grace.
 * - Until then it is **open**, and the account's treatment path waits.
 */
import { addDays, diffDays, type LocalDate } from '../time/date.ts';

export const PROMISE_STATUSES = ['open', 'kept', 'partially_kept', 'broken', 'cancelled'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

export const PROMISE_CHANNELS = [
  'phone',
  'field_visit',
  'sms',
  'email',
  'letter',
  'self_service',
  'other',
] as const;
export type PromiseChannel = (typeof PROMISE_CHANNELS)[number];

export interface PromisePolicy {
  /** Days after the promised date that a payment still keeps the promise. */
  graceDays: number;
  /** A promise is kept when at least this much less than the amount was paid (percent). */
  tolerancePercent: number;
  /** The promised date is at most this many days ahead. */
  maxDaysAhead: number;
}

export const DEFAULT_PROMISE_POLICY: PromisePolicy = Object.freeze({
  graceDays: 3,
  tolerancePercent: 5,
  maxDaysAhead: 30,
});

export interface PromiseTerms {
  amountMinor: number;
  promisedFor: LocalDate;
  madeOn: LocalDate;
  graceDays: number;
  /** How much less than the amount still keeps the promise. */
  toleranceMinor: number;
}

export interface PromisePayment {
  paidOn: LocalDate;
  amountMinor: number;
}

export interface PromiseOutcome {
  status: Exclude<PromiseStatus, 'cancelled'>;
  /** What was paid towards it (up to the day it was decided, or today while open). */
  paidMinor: number;
  /** The day it was kept, or the day after its grace when it was not; null while open. */
  resolvedOn: LocalDate | null;
  /** Kept after the promised date, within the grace. */
  late: boolean;
}

/** The tolerance of a promise of `amountMinor` under `policy` (whole minor units, down). */
export function toleranceFor(amountMinor: number, policy: PromisePolicy): number {
  return Math.floor((amountMinor * policy.tolerancePercent) / 100);
}

/** The last day a payment counts towards a promise. */
export function lastDayOf(p: Pick<PromiseTerms, 'promisedFor' | 'graceDays'>): LocalDate {
  return addDays(p.promisedFor, p.graceDays);
}

/** Where a promise stands at the end of `today`, given the payments on its account. */
export function evaluatePromise(
  p: PromiseTerms,
  payments: readonly PromisePayment[],
  today: LocalDate,
): PromiseOutcome {
  const last = lastDayOf(p);
  const needed = p.amountMinor - p.toleranceMinor;
  const counted = payments
    .filter((x) => x.paidOn >= p.madeOn && x.paidOn <= last && x.paidOn <= today)
    .sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0));
  let paid = 0;
  for (const x of counted) {
    paid += x.amountMinor;
    if (paid >= needed) {
      // every payment of the day it was kept counts towards it
      const sameDay = counted
        .filter((y) => y.paidOn === x.paidOn)
        .reduce((t, y) => t + y.amountMinor, 0);
      const before = counted
        .filter((y) => y.paidOn < x.paidOn)
        .reduce((t, y) => t + y.amountMinor, 0);
      return {
        status: 'kept',
        paidMinor: before + sameDay,
        resolvedOn: x.paidOn,
        late: x.paidOn > p.promisedFor,
      };
    }
  }
  if (today > last)
    return {
      status: paid > 0 ? 'partially_kept' : 'broken',
      paidMinor: paid,
      resolvedOn: addDays(last, 1),
      late: false,
    };
  return { status: 'open', paidMinor: paid, resolvedOn: null, late: false };
}

export interface NewPromise {
  amountMinor: number;
  promisedFor: LocalDate;
}

export interface PromiseContext {
  today: LocalDate;
  /** What the account owes in all (minor units). */
  outstandingMinor: number;
  /** The account already has an open promise. */
  hasOpenPromise: boolean;
  policy: PromisePolicy;
}

export interface PromiseIssue {
  at: 'amount' | 'promisedFor' | 'account';
  reason: string;
}

/** What is wrong with a new promise, if anything (nothing: it may be recorded). */
export function checkNewPromise(p: NewPromise, ctx: PromiseContext): PromiseIssue[] {
  const issues: PromiseIssue[] = [];
  if (!Number.isSafeInteger(p.amountMinor) || p.amountMinor <= 0)
    issues.push({ at: 'amount', reason: 'must be more than zero' });
  else if (p.amountMinor > ctx.outstandingMinor)
    issues.push({ at: 'amount', reason: 'is more than the account owes' });
  if (p.promisedFor < ctx.today)
    issues.push({ at: 'promisedFor', reason: `is before today (${ctx.today})` });
  else if (diffDays(p.promisedFor, ctx.today) > ctx.policy.maxDaysAhead)
    issues.push({
      at: 'promisedFor',
      reason: `is more than ${ctx.policy.maxDaysAhead} days ahead`,
    });
  if (ctx.hasOpenPromise)
    issues.push({ at: 'account', reason: 'already has an open promise (cancel it first)' });
  return issues;
}

export interface PolicyIssue {
  at: string;
  reason: string;
}

/** A promise policy from a document (missing settings take the defaults), or what is wrong. */
export function parsePromisePolicy(
  x: unknown,
): { ok: true; policy: PromisePolicy } | { ok: false; issues: PolicyIssue[] } {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    return { ok: false, issues: [{ at: '', reason: 'must be an object' }] };
  const o = x as Record<string, unknown>;
  const issues: PolicyIssue[] = [];
  const field = (name: keyof PromisePolicy, min: number, max: number): number => {
    const v = o[name] ?? DEFAULT_PROMISE_POLICY[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      issues.push({ at: name, reason: `must be a whole number from ${min} to ${max}` });
      return DEFAULT_PROMISE_POLICY[name];
    }
    return v;
  };
  const policy: PromisePolicy = {
    graceDays: field('graceDays', 0, 30),
    tolerancePercent: field('tolerancePercent', 0, 50),
    maxDaysAhead: field('maxDaysAhead', 1, 365),
  };
  for (const k of Object.keys(o))
    if (!(k in DEFAULT_PROMISE_POLICY)) issues.push({ at: k, reason: 'is not a promise setting' });
  return issues.length ? { ok: false, issues } : { ok: true, policy };
}
