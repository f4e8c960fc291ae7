/**
 * The plan policy: the grace of a plan payment, what a broken plan does to the schedule, and
 * the limits per role within which a plan is agreed at once. Above them it waits for the
 * approval of someone whose limits cover it. Pure.
 */
import { maySupervise, ROLES, type Role } from '../access/roles.ts';
import type { PlanQuote } from './plan.ts';

/** Limits on the plans a role agrees by itself; null: no limit. */
export interface RoleLimits {
  /** The largest settlement discount, in percent. */
  maxDiscountPercent: number | null;
  /** The longest plan, in days from the day it is agreed to its last payment. */
  maxTermDays: number | null;
  /** The smallest plan payment, in percent of what the plan re-schedules. */
  minPaymentPercent: number | null;
  /** The longest deferral, in days. */
  maxDeferralDays: number | null;
}

/**
 * What a broken plan does to the schedule: `restore` brings back the schedule the plan
 * replaced (days past due count from the oldest instalment unpaid under it); `keep` leaves the
 * plan's schedule (days past due count from the missed plan payment).
 */
export const BREAK_RULES = ['restore', 'keep'] as const;
export type BreakRule = (typeof BREAK_RULES)[number];

export interface PlanPolicy {
  /** Days after a plan payment's due date before it counts as missed. */
  graceDays: number;
  /** A payment short by at most this share of it (percent) still counts as made. */
  tolerancePercent: number;
  onBreak: BreakRule;
  /** The roles that may propose plans, with their limits; a role not listed may not. */
  limits: Partial<Record<Role, RoleLimits>>;
}

const COLLECTOR: RoleLimits = {
  maxDiscountPercent: 10,
  maxTermDays: 366,
  minPaymentPercent: 5,
  maxDeferralDays: 31,
};

export const DEFAULT_PLAN_POLICY: PlanPolicy = Object.freeze({
  graceDays: 5,
  tolerancePercent: 0,
  onBreak: 'restore',
  limits: {
    collector: COLLECTOR,
    field_agent: COLLECTOR,
    supervisor: {
      maxDiscountPercent: 30,
      maxTermDays: 1096,
      minPaymentPercent: 2,
      maxDeferralDays: 92,
    },
    administrator: {
      maxDiscountPercent: null,
      maxTermDays: null,
      minPaymentPercent: null,
      maxDeferralDays: null,
    },
  },
}) as PlanPolicy;

export interface LimitIssue {
  at: string;
  reason: string;
}

/** Where a plan goes beyond a role's limits (nothing: the role may agree it by itself). */
export function beyondLimits(
  q: Pick<PlanQuote, 'kind' | 'termDays' | 'discountPercent' | 'coveredMinor'> & {
    payments: readonly { amountMinor: number }[];
  },
  limits: RoleLimits,
): LimitIssue[] {
  const out: LimitIssue[] = [];
  const l = limits;
  if (q.kind === 'deferral') {
    if (l.maxDeferralDays !== null && q.termDays > l.maxDeferralDays)
      out.push({ at: 'days', reason: `moves more than ${l.maxDeferralDays} days` });
    return out;
  }
  if (l.maxDiscountPercent !== null && q.discountPercent > l.maxDiscountPercent)
    out.push({ at: 'discount', reason: `is more than ${l.maxDiscountPercent}%` });
  if (l.maxTermDays !== null && q.termDays > l.maxTermDays)
    out.push({ at: 'term', reason: `ends more than ${l.maxTermDays} days from today` });
  if (l.minPaymentPercent !== null) {
    const min = Math.ceil((q.coveredMinor * l.minPaymentPercent) / 100);
    const smallest = Math.min(...q.payments.map((p) => p.amountMinor));
    if (smallest < min)
      out.push({
        at: 'payment',
        reason: `a payment is below ${l.minPaymentPercent}% of the amount re-scheduled (${min} minor units)`,
      });
  }
  return out;
}

export type PlanDecision =
  | { ok: false; reason: string }
  | {
      ok: true;
      /** Active at once, or pending a supervisor's approval. */
      status: 'active' | 'pending';
      /** Why it waits (the limits it goes beyond, or a hardship review). */
      beyond: LimitIssue[];
    };

/**
 * What becomes of a plan proposed by `role`: a role without limits may not propose; a plan
 * within the role's limits is active at once; above them, or a hardship plan proposed by a
 * role that does not supervise, it waits for approval.
 */
/** Why `role` may not propose plans at all (the policy gives it no limits); null when it may. */
export function proposerRefusal(role: Role, policy: PlanPolicy): string | null {
  return policy.limits[role] ? null : `the ${role} role may not propose repayment plans`;
}

export function decidePlan(q: PlanQuote, role: Role, policy: PlanPolicy): PlanDecision {
  const limits = policy.limits[role];
  if (!limits) return { ok: false, reason: proposerRefusal(role, policy)! };
  const beyond = beyondLimits(q, limits);
  if (q.kind === 'hardship' && !maySupervise(role))
    beyond.push({ at: 'kind', reason: 'a hardship plan is reviewed by a supervisor' });
  return { ok: true, status: beyond.length > 0 ? 'pending' : 'active', beyond };
}

/** Why `role` may not approve (or reject) a plan waiting for approval; null when it may. */
export function approvalRefusal(
  q: PlanQuote,
  approver: { user: string; role: Role },
  proposedBy: string,
  policy: PlanPolicy,
): string | null {
  if (!maySupervise(approver.role)) return `the ${approver.role} role may not approve plans`;
  if (approver.user === proposedBy) return 'a plan is approved by someone other than its proposer';
  const limits = policy.limits[approver.role];
  if (!limits) return `the policy gives the ${approver.role} role no plan limits`;
  const beyond = beyondLimits(q, limits);
  if (beyond.length > 0)
    return `the plan is beyond the ${approver.role}'s limits too (${beyond.map((b) => `${b.at} ${b.reason}`).join('; ')})`;
  return null;
}

/** Why `actor` may not reject a plan waiting for approval; null when it may. */
export function rejectionRefusal(actor: { role: Role }): string | null {
  return maySupervise(actor.role) ? null : `the ${actor.role} role may not reject plans`;
}

/**
 * Why `actor` may not cancel a plan: one waiting for approval is cancelled by its proposer or
 * a supervisor, an active one by a supervisor. Null when it may.
 */
export function cancellationRefusal(
  status: 'pending' | 'active',
  actor: { user: string; role: Role },
  proposedBy: string,
): string | null {
  if (maySupervise(actor.role)) return null;
  if (status === 'pending')
    return actor.user === proposedBy
      ? null
      : 'a plan waiting for approval is cancelled by its proposer or a supervisor';
  return 'an active plan is cancelled by a supervisor';
}

export interface PolicyIssue {
  at: string;
  reason: string;
}

const LIMIT_FIELDS: Record<keyof RoleLimits, [number, number]> = {
  maxDiscountPercent: [0, 99.99],
  maxTermDays: [1, 3660],
  minPaymentPercent: [0, 100],
  maxDeferralDays: [1, 366],
};

/** A plan policy from a document (missing settings take the defaults), or what is wrong. */
export function parsePlanPolicy(
  x: unknown,
): { ok: true; policy: PlanPolicy } | { ok: false; issues: PolicyIssue[] } {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(x)) return { ok: false, issues: [{ at: '', reason: 'must be an object' }] };
  const issues: PolicyIssue[] = [];
  const int = (name: 'graceDays' | 'tolerancePercent', min: number, max: number): number => {
    const v = x[name] ?? DEFAULT_PLAN_POLICY[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      issues.push({ at: name, reason: `must be a whole number from ${min} to ${max}` });
      return DEFAULT_PLAN_POLICY[name];
    }
    return v;
  };
  const graceDays = int('graceDays', 0, 60);
  const tolerancePercent = int('tolerancePercent', 0, 50);
  const onBreak = x.onBreak ?? DEFAULT_PLAN_POLICY.onBreak;
  if (!(BREAK_RULES as readonly unknown[]).includes(onBreak))
    issues.push({ at: 'onBreak', reason: `must be one of ${BREAK_RULES.join(', ')}` });
  const limitsDoc = x.limits ?? DEFAULT_PLAN_POLICY.limits;
  const limits: Partial<Record<Role, RoleLimits>> = {};
  if (!isObject(limitsDoc)) issues.push({ at: 'limits', reason: 'must be an object by role' });
  else
    for (const [role, doc] of Object.entries(limitsDoc)) {
      if (!(ROLES as readonly string[]).includes(role)) {
        issues.push({ at: `limits.${role}`, reason: 'is not a role' });
        continue;
      }
      if (!isObject(doc)) {
        issues.push({ at: `limits.${role}`, reason: 'must be an object' });
        continue;
      }
      const l = {} as RoleLimits;
      for (const [k, [min, max]] of Object.entries(LIMIT_FIELDS) as [
        keyof RoleLimits,
        [number, number],
      ][]) {
        const v = doc[k];
        if (v === null) l[k] = null;
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
          issues.push({
            at: `limits.${role}.${k}`,
            reason: `must be a number from ${min} to ${max}, or null for no limit`,
          });
        else l[k] = v;
      }
      for (const k of Object.keys(doc))
        if (!(k in LIMIT_FIELDS))
          issues.push({ at: `limits.${role}.${k}`, reason: 'is not a plan limit' });
      limits[role as Role] = l;
    }
  for (const k of Object.keys(x))
    if (!(k in DEFAULT_PLAN_POLICY)) issues.push({ at: k, reason: 'is not a plan setting' });
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    policy: { graceDays, tolerancePercent, onBreak: onBreak as BreakRule, limits },
  };
}
