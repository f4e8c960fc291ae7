import type { Actor } from '../../domain/access/roles.ts';
import type { Instalment, Payment, Product } from '../../domain/ledger/types.ts';
import type { PlanKind, PlanQuote, PlanStatus, PlanTerms } from '../../domain/plans/plan.ts';
import type { LimitIssue, PlanPolicy } from '../../domain/plans/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';

/** What agreeing a plan on an account needs to know about it: its ledger as it stands. */
export interface PlanAccount {
  id: number;
  ext: string;
  product: Product;
  currency: string;
  timezone: string;
  instalments: Instalment[];
  payments: Payment[];
  /** A plan waiting for approval or running. */
  openPlanId: number | null;
  strategyVersionId: number | null;
  segmentId: string | null;
}

export interface StoredPlanPayment {
  seq: number;
  dueDate: LocalDate;
  amountMinor: number;
}

export interface StoredPlan {
  id: number;
  account: string;
  kind: PlanKind;
  status: PlanStatus;
  terms: PlanTerms;
  currency: string;
  coveredMinor: number;
  payMinor: number;
  writeOffMinor: number;
  waivedInterestMinor: number;
  feeMinor: number;
  termDays: number;
  payments: StoredPlanPayment[];
  paidCount: number;
  missedDueDate: LocalDate | null;
  /** The limits it went beyond when proposed. */
  beyond: LimitIssue[];
  proposedOn: LocalDate;
  proposedBy: string;
  proposedRole: string;
  decidedBy: string | null;
  decidedRole: string | null;
  decisionNote: string | null;
  startedOn: LocalDate | null;
  endedOn: LocalDate | null;
  graceDays: number;
  onBreak: string;
  requestKey: string | null;
  notes: string | null;
}

export interface PlanEvent {
  planId: number;
  account: string;
  at: string;
  actor: string;
  role: string;
  action: string;
  detail: Record<string, unknown>;
}

/** A new plan: the account's ledger it was quoted on, its terms and the quote. */
export interface NewPlan {
  account: PlanAccount;
  terms: PlanTerms;
  quote: PlanQuote;
  status: 'pending' | 'active';
  beyond: LimitIssue[];
  today: LocalDate;
  at: Date;
  actor: Actor;
  policy: PlanPolicy;
  /** The hold placed while a hardship plan is reviewed. */
  hardshipHold: boolean;
  requestKey: string | null;
  notes: string | null;
}

export interface PlanDecision {
  actor: Actor;
  today: LocalDate;
  at: Date;
  note: string | null;
}

export interface PlanFilter {
  account?: string | undefined;
  status?: PlanStatus | undefined;
  /** Ids below this one (the list is newest first). */
  before?: number | undefined;
  limit: number;
}

export interface PlanStore {
  /** Accounts with their ledgers, by external id. */
  accounts(exts: readonly string[]): Promise<Map<string, PlanAccount>>;
  byRequestKey(key: string): Promise<StoredPlan | null>;
  get(id: number): Promise<StoredPlan | null>;
  /**
   * Records a plan; an active one changes the schedule in the same transaction. Throws a
   * CONFLICT when the account's ledger is no longer the one quoted, or it has an open plan.
   */
  insert(plan: NewPlan): Promise<StoredPlan>;
  /** Records all of them in one transaction, or none (throws); their ids, in order. */
  insertMany(plans: readonly NewPlan[]): Promise<number[]>;
  /** Starts a pending plan with the quote made now (its schedule change), approved. */
  approve(id: number, account: PlanAccount, quote: PlanQuote, d: PlanDecision): Promise<StoredPlan>;
  reject(id: number, d: PlanDecision): Promise<StoredPlan>;
  /** Cancels a pending plan, or an active one (its schedule restored). */
  cancel(id: number, d: PlanDecision): Promise<StoredPlan>;
  list(filter: PlanFilter): Promise<StoredPlan[]>;
  events(planId: number): Promise<PlanEvent[]>;
  /** The plans the cycle found broken on a day. */
  brokenOn(day: LocalDate): Promise<StoredPlan[]>;
  policy(): Promise<PlanPolicy>;
  savePolicy(policy: PlanPolicy): Promise<void>;
}

/**
 * Where plans meet the collectors' work: a plan waiting for a supervisor (above the limits, or
 * a hardship plan under review) needs a review task; a broken plan needs the collector told.
 * The work queues connect to it; until then the need is recorded in plan_events only.
 */
export interface PlanNotifier {
  reviewNeeded(plan: StoredPlan): Promise<void>;
  planBroken(plans: readonly StoredPlan[]): Promise<void>;
}

export const SILENT_NOTIFIER: PlanNotifier = {
  reviewNeeded: async () => {},
  planBroken: async () => {},
};
