/**
 * What the self-service page offers a customer for an account as it stands, and the checks of
 * its forms. The customer acts alone, so a plan is offered only within the tightest limits the
 * plan policy gives any role (no settlement discount: that is agreed with a person), and only
 * if it would be active at once. Pure.
 */
import { beyondLimits, type PlanPolicy, type RoleLimits } from '../plans/policy.ts';
import type { PlanQuote } from '../plans/plan.ts';
import { addDays, type LocalDate } from '../time/date.ts';

/** The plan terms of an option, as the plan use cases take them (amounts as text). */
export interface OptionTerms {
  kind: 'instalment' | 'deferral';
  scope?: 'arrears';
  count?: number;
  frequency?: 'monthly';
  start?: LocalDate;
  from?: LocalDate;
  days?: number;
}

/** The instalment counts and deferral lengths a customer may choose from. */
export const INSTALMENT_COUNTS = [2, 3, 4, 6, 9, 12] as const;
export const DEFERRAL_DAYS = [14, 30] as const;
/** Days from today to the first payment of a plan chosen on the page. */
export const FIRST_PAYMENT_IN_DAYS = 7;

/**
 * The limits of a customer acting alone: for each limit the tightest any role of the policy
 * has, and no discount. Null when the policy lets no role propose plans.
 */
export function selfServiceLimits(policy: PlanPolicy): RoleLimits | null {
  const all = Object.values(policy.limits).filter((l): l is RoleLimits => l !== undefined);
  if (all.length === 0) return null;
  const tightest = (k: keyof RoleLimits, pick: (a: number, b: number) => number) => {
    const set = all.map((l) => l[k]).filter((v): v is number => v !== null);
    return set.length === 0 ? null : set.reduce((a, b) => pick(a, b));
  };
  return {
    maxDiscountPercent: 0,
    maxTermDays: tightest('maxTermDays', Math.min),
    minPaymentPercent: tightest('minPaymentPercent', Math.max),
    maxDeferralDays: tightest('maxDeferralDays', Math.min),
  };
}

/** An option's id on the page: `instalment-3`, `deferral-30`. */
export type OptionId = string;

export interface AccountPosition {
  arrearsMinor: number;
  /** The next instalment not yet due, if any. */
  nextDueDate: LocalDate | null;
  /** An open plan or promise leaves nothing to choose. */
  hasOpenPlan: boolean;
}

/** The candidate options for an account (each is then quoted and kept if within limits). */
export function candidateOptions(a: AccountPosition, limits: RoleLimits | null): OptionId[] {
  if (!limits || a.hasOpenPlan) return [];
  const out: OptionId[] = [];
  if (a.arrearsMinor > 0) for (const n of INSTALMENT_COUNTS) out.push(`instalment-${n}`);
  if (a.nextDueDate !== null)
    for (const d of DEFERRAL_DAYS)
      if (limits.maxDeferralDays === null || d <= limits.maxDeferralDays) out.push(`deferral-${d}`);
  return out;
}

/** The terms of an option on `today`, or null when the id is not one the page offers. */
export function optionTerms(
  id: string,
  a: Pick<AccountPosition, 'nextDueDate'>,
  today: LocalDate,
): OptionTerms | null {
  const m = /^(instalment|deferral)-(\d{1,3})$/.exec(id);
  if (!m) return null;
  const n = Number(m[2]);
  if (m[1] === 'instalment') {
    if (!(INSTALMENT_COUNTS as readonly number[]).includes(n)) return null;
    return {
      kind: 'instalment',
      scope: 'arrears',
      count: n,
      frequency: 'monthly',
      start: addDays(today, FIRST_PAYMENT_IN_DAYS),
    };
  }
  if (!(DEFERRAL_DAYS as readonly number[]).includes(n) || a.nextDueDate === null) return null;
  return { kind: 'deferral', from: a.nextDueDate, days: n };
}

/** The quote's figures the limits look at. */
export type QuoteFigures = Pick<
  PlanQuote,
  'kind' | 'termDays' | 'discountPercent' | 'coveredMinor'
> & {
  payments: readonly { amountMinor: number }[];
};

/** Why a quoted option is not for a customer acting alone (empty: it may be chosen). */
export function selfServiceIssues(
  q: QuoteFigures,
  limits: RoleLimits | null,
): { at: string; reason: string }[] {
  if (!limits) return [{ at: 'plan', reason: 'plans are not offered on this page' }];
  if (q.kind !== 'instalment' && q.kind !== 'deferral')
    return [{ at: 'kind', reason: 'only instalment plans and deferrals are chosen on this page' }];
  return beyondLimits(q, limits);
}

/** Preferred hours "HH:MM"–"HH:MM" as the times of day that are inconvenient (the rest). */
export function inconvenientOutside(
  from: string,
  to: string,
): { ok: true; times: string[] } | { ok: false; reason: string } {
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!hhmm.test(from) || !(hhmm.test(to) || to === '24:00'))
    return { ok: false, reason: 'hours are HH:MM, e.g. 18:00' };
  if (to <= from) return { ok: false, reason: 'the end is after the start' };
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  if (minutes(to) - minutes(from) < 120)
    return { ok: false, reason: 'give at least two hours in which we may call' };
  const times: string[] = [];
  if (from !== '00:00') times.push(`00:00-${from}`);
  if (to !== '24:00') times.push(`${to}-24:00`);
  return { ok: true, times };
}

export const STATEMENT_KINDS = ['hardship', 'dispute'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];
export const STATEMENT_MAX = 2000;

/** A hardship or dispute statement's problems (empty: it may be recorded). */
export function statementIssues(kind: string, text: string): { at: string; reason: string }[] {
  const out: { at: string; reason: string }[] = [];
  if (!(STATEMENT_KINDS as readonly string[]).includes(kind))
    out.push({ at: 'kind', reason: `must be one of ${STATEMENT_KINDS.join(', ')}` });
  const t = text.trim();
  if (t.length === 0) out.push({ at: 'text', reason: 'tell us briefly what has happened' });
  else if (t.length > STATEMENT_MAX)
    out.push({ at: 'text', reason: `is longer than ${STATEMENT_MAX} characters` });
  return out;
}

/** A payment intent's amount against what the account owes (empty: it may be recorded). */
export function paymentIntentIssues(
  amountMinor: number,
  outstandingMinor: number,
): { at: string; reason: string }[] {
  if (amountMinor <= 0) return [{ at: 'amount', reason: 'must be more than zero' }];
  if (amountMinor > outstandingMinor)
    return [{ at: 'amount', reason: 'is more than the account owes' }];
  return [];
}

/** The preferred hours the page's form starts with. */
export const DEFAULT_HOURS: readonly [string, string] = ['09:00', '20:00'];
