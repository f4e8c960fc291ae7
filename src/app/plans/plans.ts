/**
 * Use cases of repayment plans: the what-if (the schedule and the amounts, nothing stored),
 * proposing one (active at once within the proposer's limits, waiting for a supervisor above
 * them), approving, rejecting and cancelling, listing, a file of plans (all or none), and the
 * policy. The cycle follows the active ones (adapters/storage/plan-follow.ts, by the domain's
 * rules).
 */
import type { Actor } from '../../domain/access/roles.ts';
import { parseAmount } from '../../domain/money/currency.ts';
import {
  PLAN_KINDS,
  PLAN_SCOPES,
  PLAN_STATUSES,
  PlanTermsError,
  quotePlan,
  type PlanQuote,
  type PlanStatus,
  type PlanTerms,
} from '../../domain/plans/plan.ts';
import {
  approvalRefusal,
  cancellationRefusal,
  decidePlan,
  parsePlanPolicy,
  proposerRefusal,
  rejectionRefusal,
  type LimitIssue,
  type PlanPolicy,
} from '../../domain/plans/policy.ts';
import { FREQUENCIES, type Frequency } from '../../domain/plans/schedule.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import { localDateOf } from '../../domain/time/zone.ts';
import type { PolicyStore } from '../policy/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import {
  SILENT_NOTIFIER,
  type NewPlan,
  type PlanAccount,
  type PlanEvent,
  type PlanNotifier,
  type PlanStore,
  type StoredPlan,
} from './ports.ts';

export interface PlanDeps {
  plans: PlanStore;
  /** The ledger policy: the product's waterfall allocates payments to the schedule. */
  policies: PolicyStore;
  clock: Clock;
  notifier?: PlanNotifier | undefined;
}

/** A plan's terms as a collector gives them: amounts in the account currency ("120.50"). */
export interface PlanInput {
  kind: string;
  /** instalment: arrears (default) or balance. */
  scope?: string | undefined;
  count?: number | string | undefined;
  frequency?: string | undefined;
  start?: string | undefined;
  downPayment?: string | undefined;
  /** settlement: the share forgiven, in percent. */
  discountPercent?: number | string | undefined;
  /** deferral: the instalments due on or after this day move, by `days`, with `fee`. */
  from?: string | undefined;
  days?: number | string | undefined;
  fee?: string | undefined;
  /** hardship: the reduced payment, for `count` payments, the rest then in `thenCount`. */
  payment?: string | undefined;
  thenCount?: number | string | undefined;
  notes?: string | undefined;
  /** The client's key for this request: the same key again returns the same plan. */
  requestKey?: string | undefined;
}

/** The terms of an input, in minor units of `currency`, or what is wrong (fields as given). */
function termsOf(
  input: PlanInput,
  currency: string,
): { terms?: PlanTerms; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const bad = (at: string, reason: string) => void details.push({ at, reason });
  const int = (at: keyof PlanInput, min: number, fallback?: number): number => {
    const v = input[at] ?? fallback;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      bad(at, `must be a whole number of at least ${min}`);
      return min;
    }
    return n;
  };
  const money = (at: keyof PlanInput, optional: boolean): number => {
    const v = input[at];
    if (v === undefined || v === '') {
      if (!optional) bad(at, 'is required');
      return 0;
    }
    const a = parseAmount(String(v), currency);
    if (!a.ok) bad(at, a.reason);
    else if (a.minor < 0) bad(at, 'must not be negative');
    return a.ok ? a.minor : 0;
  };
  const date = (at: keyof PlanInput): LocalDate => {
    const v = String(input[at] ?? '');
    if (!isLocalDate(v)) bad(at, 'is not a date (YYYY-MM-DD)');
    return v;
  };
  const frequency = (): Frequency => {
    const f = input.frequency ?? 'monthly';
    if (!(FREQUENCIES as readonly string[]).includes(f))
      bad('frequency', `must be one of ${FREQUENCIES.join(', ')}`);
    return f as Frequency;
  };
  let terms: PlanTerms | undefined;
  switch (input.kind) {
    case 'instalment': {
      const scope = input.scope ?? 'arrears';
      if (!(PLAN_SCOPES as readonly string[]).includes(scope))
        bad('scope', `must be one of ${PLAN_SCOPES.join(', ')}`);
      terms = {
        kind: 'instalment',
        scope: scope as 'arrears' | 'balance',
        downPaymentMinor: money('downPayment', true),
        count: int('count', 1),
        frequency: frequency(),
        start: date('start'),
      };
      break;
    }
    case 'settlement': {
      const d = Number(input.discountPercent);
      if (input.discountPercent === undefined || !Number.isFinite(d))
        bad('discountPercent', 'is required: the share forgiven, in percent');
      terms = {
        kind: 'settlement',
        discountPercent: d,
        count: int('count', 1, 1),
        frequency: frequency(),
        start: date('start'),
      };
      break;
    }
    case 'deferral':
      terms = {
        kind: 'deferral',
        from: date('from'),
        days: int('days', 1),
        feeMinor: money('fee', true),
      };
      break;
    case 'hardship':
      terms = {
        kind: 'hardship',
        paymentMinor: money('payment', false),
        count: int('count', 1),
        frequency: frequency(),
        start: date('start'),
        thenCount: int('thenCount', 1, Number(input.count ?? 1)),
      };
      break;
    default:
      bad('kind', `must be one of ${PLAN_KINDS.join(', ')}`);
  }
  return details.length > 0 ? { details } : { terms, details };
}

interface Quoted {
  terms: PlanTerms;
  quote: PlanQuote;
  today: LocalDate;
}

/** Quotes terms on an account's ledger as it stands today; what is wrong, if anything. */
async function quoteOn(
  deps: PlanDeps,
  acc: PlanAccount,
  terms: PlanTerms,
  policy: PlanPolicy,
): Promise<{ quoted?: Quoted; details: ErrorDetail[] }> {
  const today = localDateOf(deps.clock.now(), acc.timezone);
  const waterfall = (await deps.policies.ledgerPolicy())[acc.product].waterfall;
  try {
    const quote = quotePlan(
      { instalments: acc.instalments, payments: acc.payments, waterfall },
      today,
      terms,
      policy.graceDays,
    );
    return { quoted: { terms, quote, today }, details: [] };
  } catch (e) {
    if (e instanceof PlanTermsError) return { details: [{ at: e.at, reason: e.message }] };
    throw e;
  }
}

/** Checks a plan for an account by an actor: the plan to record, or what is wrong. */
async function planOf(
  deps: PlanDeps,
  acc: PlanAccount,
  input: PlanInput,
  actor: Actor,
  policy: PlanPolicy,
): Promise<{ plan?: NewPlan; details: ErrorDetail[] }> {
  const t = termsOf(input, acc.currency);
  if (!t.terms) return { details: t.details };
  const { quoted, details } = await quoteOn(deps, acc, t.terms, policy);
  if (!quoted) return { details };
  const decision = decidePlan(quoted.quote, actor.role, policy);
  if (!decision.ok) return { details: [{ at: 'role', reason: decision.reason }] };
  if (acc.openPlanId !== null)
    return {
      details: [
        { at: 'account', reason: `already has plan ${acc.openPlanId} open (cancel it first)` },
      ],
    };
  return {
    details: [],
    plan: {
      account: acc,
      terms: quoted.terms,
      quote: quoted.quote,
      status: decision.status,
      beyond: decision.beyond,
      today: quoted.today,
      at: deps.clock.now(),
      actor,
      policy,
      hardshipHold: quoted.terms.kind === 'hardship' && decision.status === 'pending',
      requestKey: input.requestKey ?? null,
      notes: input.notes ?? null,
    },
  };
}

/** Refuses an actor whose role may not propose plans at all. */
function mayPropose(actor: Actor, policy: PlanPolicy): void {
  const reason = proposerRefusal(actor.role, policy);
  if (reason) throw refused('the plan is refused', reason);
}

async function accountOf(deps: PlanDeps, ext: string): Promise<PlanAccount> {
  const acc = (await deps.plans.accounts([ext])).get(ext);
  if (!acc) throw notFound(`account ${ext}`);
  return acc;
}

/** The what-if: the quote's amounts, what proposing it now would make of it, the rows. */
export type PlanPreview = Omit<PlanQuote, 'payments' | 'removed' | 'added' | 'remainderSeq'> & {
  currency: string;
  payments: { seq: number; dueDate: LocalDate; amountMinor: number }[];
  status: 'active' | 'pending';
  beyond: LimitIssue[];
  /** The rows of the schedule it would supersede, and those it would add. */
  supersedes: PlanQuote['removed'];
  adds: PlanQuote['added'];
};

/** The what-if: the schedule and the amounts of a plan, as `actor` would agree it now. */
export async function previewPlan(
  deps: PlanDeps,
  accountExt: string,
  input: PlanInput,
  actor: Actor,
): Promise<PlanPreview> {
  const policy = await deps.plans.policy();
  mayPropose(actor, policy);
  const acc = await accountOf(deps, accountExt);
  // an open plan does not keep the collector from looking at another
  const { plan, details } = await planOf(deps, { ...acc, openPlanId: null }, input, actor, policy);
  if (!plan) throw invalid('the plan is not valid', details);
  const { payments, removed, added, remainderSeq: _, ...amounts } = plan.quote;
  return {
    ...amounts,
    currency: acc.currency,
    payments: payments.map((x) => ({ seq: x.seq, dueDate: x.dueDate, amountMinor: x.amountMinor })),
    status: plan.status,
    beyond: plan.beyond,
    supersedes: removed,
    adds: added,
  };
}

/** Proposes a plan on an account (idempotent by the request key, when given). */
export async function proposePlan(
  deps: PlanDeps,
  accountExt: string,
  input: PlanInput,
  actor: Actor,
): Promise<{ plan: StoredPlan; created: boolean }> {
  if (input.requestKey) {
    const seen = await deps.plans.byRequestKey(input.requestKey);
    if (seen) {
      if (seen.account !== accountExt || seen.kind !== input.kind)
        throw new AppError(
          'CONFLICT',
          `request ${input.requestKey} already made another plan (${seen.id})`,
        );
      return { plan: seen, created: false };
    }
  }
  const policy = await deps.plans.policy();
  mayPropose(actor, policy);
  const acc = await accountOf(deps, accountExt);
  const { plan, details } = await planOf(deps, acc, input, actor, policy);
  if (!plan) throw invalid('the plan is not valid', details);
  const stored = await deps.plans.insert(plan);
  if (stored.status === 'pending') await (deps.notifier ?? SILENT_NOTIFIER).reviewNeeded(stored);
  return { plan: stored, created: true };
}

export interface PlanFileRow extends PlanInput {
  account: string;
}

/**
 * Proposes many plans at once (a file of them), by one actor: every row is checked first, and
 * either all are recorded or, when any row is wrong, none; the details name the line and field.
 */
export async function importPlans(
  deps: PlanDeps,
  rows: readonly { line: number; row: PlanFileRow }[],
  actor: Actor,
): Promise<{ imported: number; pending: number }> {
  const policy = await deps.plans.policy();
  mayPropose(actor, policy);
  const accounts = await deps.plans.accounts([...new Set(rows.map((r) => r.row.account))]);
  const details: ErrorDetail[] = [];
  const out: NewPlan[] = [];
  const planned = new Set<number>();
  for (const { line, row } of rows) {
    const acc = accounts.get(row.account);
    if (!acc) {
      details.push({ at: `line ${line}: account`, reason: `account ${row.account} not found` });
      continue;
    }
    if (planned.has(acc.id)) {
      details.push({ at: `line ${line}: account`, reason: 'has a plan earlier in the file' });
      continue;
    }
    const r = await planOf(deps, acc, row, actor, policy);
    for (const d of r.details) details.push({ at: `line ${line}: ${d.at}`, reason: d.reason });
    if (r.plan) {
      out.push(r.plan);
      planned.add(acc.id);
    }
  }
  if (details.length > 0)
    throw invalid(`${details.length} problems; nothing was recorded`, details);
  const ids = await deps.plans.insertMany(out);
  const pending = ids.filter((_, k) => out[k]!.status === 'pending');
  for (const id of pending)
    await (deps.notifier ?? SILENT_NOTIFIER).reviewNeeded((await deps.plans.get(id))!);
  return { imported: ids.length, pending: pending.length };
}

/** A refusal for the actor's role: the role may not do this. */
const refused = (what: string, reason: string) =>
  new AppError('FORBIDDEN', `${what}: ${reason}`, [{ at: 'role', reason }]);

const noteOf = (note: string | undefined) => (note?.trim() ? note.trim() : null);

async function pendingPlan(deps: PlanDeps, id: number): Promise<StoredPlan> {
  const p = await deps.plans.get(id);
  if (!p) throw notFound(`plan ${id}`);
  if (p.status !== 'pending')
    throw new AppError('INVALID_STATE', `plan ${id} is ${p.status}, not waiting for approval`);
  return p;
}

/**
 * Approves a plan waiting for approval: the approver must supervise, be someone other than the
 * proposer, and have limits that cover it. The plan is quoted again on the ledger as it is now;
 * when that changed its payments (a payment came, a day passed its start), it cannot be
 * approved as proposed.
 */
export async function approvePlan(
  deps: PlanDeps,
  id: number,
  actor: Actor,
  note?: string,
): Promise<StoredPlan> {
  const p = await pendingPlan(deps, id);
  const policy = await deps.plans.policy();
  const acc = await accountOf(deps, p.account);
  const { quoted, details } = await quoteOn(deps, acc, p.terms, policy);
  const same =
    quoted !== undefined &&
    quoted.quote.payments.length === p.payments.length &&
    quoted.quote.payments.every(
      (x, k) =>
        x.dueDate === p.payments[k]!.dueDate && x.amountMinor === p.payments[k]!.amountMinor,
    );
  if (!quoted || !same)
    throw new AppError(
      'INVALID_STATE',
      `plan ${id} no longer fits the account (${details.map((d) => `${d.at} ${d.reason}`).join('; ') || 'its ledger changed since it was proposed'}): reject it and propose again`,
    );
  const refusal = approvalRefusal(quoted.quote, actor, p.proposedBy, policy);
  if (refusal) throw refused('the approval is refused', refusal);
  return deps.plans.approve(id, acc, quoted.quote, {
    actor,
    today: quoted.today,
    at: deps.clock.now(),
    note: noteOf(note),
  });
}

/** A person's decision on a plan now, on the account's today. */
async function decisionOn(deps: PlanDeps, p: StoredPlan, actor: Actor, note: string) {
  const acc = await accountOf(deps, p.account);
  const now = deps.clock.now();
  return { actor, today: localDateOf(now, acc.timezone), at: now, note };
}

/** Rejects a plan waiting for approval (a supervisor, with the reason). */
export async function rejectPlan(
  deps: PlanDeps,
  id: number,
  actor: Actor,
  reason: string,
): Promise<StoredPlan> {
  if (!reason?.trim())
    throw invalid('the rejection is not valid', [{ at: 'reason', reason: 'is required' }]);
  const p = await pendingPlan(deps, id);
  const refusal = rejectionRefusal(actor);
  if (refusal) throw refused('the rejection is refused', refusal);
  return deps.plans.reject(id, await decisionOn(deps, p, actor, reason.trim()));
}

/**
 * Cancels a plan: one waiting for approval by its proposer or a supervisor; an active one by a
 * supervisor, the schedule it replaced restored.
 */
export async function cancelPlan(
  deps: PlanDeps,
  id: number,
  actor: Actor,
  reason: string,
): Promise<StoredPlan> {
  if (!reason?.trim())
    throw invalid('the cancellation is not valid', [{ at: 'reason', reason: 'is required' }]);
  const p = await deps.plans.get(id);
  if (!p) throw notFound(`plan ${id}`);
  if (p.status !== 'pending' && p.status !== 'active')
    throw new AppError('INVALID_STATE', `plan ${id} is ${p.status}: there is nothing to cancel`);
  const refusal = cancellationRefusal(p.status, actor, p.proposedBy);
  if (refusal) throw refused('the cancellation is refused', refusal);
  return deps.plans.cancel(id, await decisionOn(deps, p, actor, reason.trim()));
}

export interface PlanQuery {
  account?: string | undefined;
  status?: string | undefined;
  before?: number | undefined;
  limit?: number | undefined;
}

export async function listPlans(deps: PlanDeps, q: PlanQuery): Promise<StoredPlan[]> {
  const details: ErrorDetail[] = [];
  if (q.status !== undefined && !(PLAN_STATUSES as readonly string[]).includes(q.status))
    details.push({ at: 'status', reason: `must be one of ${PLAN_STATUSES.join(', ')}` });
  const limit = q.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    details.push({ at: 'limit', reason: 'must be from 1 to 1000' });
  if (details.length > 0) throw invalid('the query is not valid', details);
  return deps.plans.list({
    account: q.account,
    status: q.status as PlanStatus | undefined,
    before: q.before,
    limit,
  });
}

export async function planEvents(deps: PlanDeps, id: number): Promise<PlanEvent[]> {
  if (!(await deps.plans.get(id))) throw notFound(`plan ${id}`);
  return deps.plans.events(id);
}

/** Sets the plan policy (its limits included): an administrator's decision. */
export async function setPlanPolicy(
  deps: PlanDeps,
  doc: unknown,
  actor: Actor,
): Promise<PlanPolicy> {
  if (actor.role !== 'administrator')
    throw refused('the policy is not changed', 'the plan policy is set by an administrator');
  const r = parsePlanPolicy(doc);
  if (!r.ok) throw invalid('the plan policy is not valid', r.issues);
  await deps.plans.savePolicy(r.policy);
  return r.policy;
}

/** Tells the notifier of the plans the cycle found broken on `day` (after the cycle ran). */
export async function notifyBroken(deps: PlanDeps, day: LocalDate): Promise<number> {
  const broken = await deps.plans.brokenOn(day);
  if (broken.length > 0) await (deps.notifier ?? SILENT_NOTIFIER).planBroken(broken);
  return broken.length;
}
