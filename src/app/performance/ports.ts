import type { CollectorCounts } from '../../domain/performance/kpis.ts';
import type { AssessmentScheme, Targets } from '../../domain/performance/assessment.ts';
import type { Breach, IncentiveRules } from '../../domain/incentives/statement.ts';
import type { LocalDate } from '../../domain/time/date.ts';

/** What the period's counts are read for. */
export interface PeriodQuery {
  from: LocalDate;
  to: LocalDate;
  /** The business time zone: an attempt counts on its calendar day there. */
  timezone: string;
  /** A payment is credited for a contact or promise on its day or this many days before. */
  attributionDays: number;
  /** The ledger policy's buckets of accounts not past due: an account cured returns to one. */
  currentBuckets: readonly string[];
}

/** One collector's period as the data gives it. */
export interface CollectorPeriod {
  counts: CollectorCounts;
  name: string;
  team: string | null;
  /** Amount credited per currency, then per bucket the account was in the day before. */
  collectedByBucket: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** The targets of one period, by collector and by team. */
export interface TargetsDoc {
  collectors: Record<string, Targets>;
  teams: Record<string, Targets>;
}

export interface NewComplaint {
  collector: string;
  /** The account's external id, when the complaint is about one. */
  account: string | null;
  receivedOn: LocalDate;
  summary: string;
  breach: boolean;
  recordedBy: string;
}

export interface StoredComplaint {
  id: number;
  collector: string;
  account: string | null;
  customer: string | null;
  receivedOn: LocalDate;
  summary: string;
  breach: boolean;
  recordedBy: string;
  recordedAt: string;
}

export interface PerformanceStore {
  /** Every collector's counts for the period (zeros for those who did nothing). */
  counts(q: PeriodQuery): Promise<CollectorPeriod[]>;
  collectors(): Promise<{ id: string; name: string; team: string | null }[]>;
  teams(): Promise<{ id: string; name: string }[]>;
  /** Complaints upheld as breaches, received in the period, by collector. */
  breaches(from: LocalDate, to: LocalDate): Promise<Map<string, Breach[]>>;
  targets(period: string): Promise<TargetsDoc>;
  /** Replaces the period's targets. */
  setTargets(period: string, doc: TargetsDoc, by: string, at: Date): Promise<void>;
  scheme(): Promise<AssessmentScheme>;
  saveScheme(s: AssessmentScheme): Promise<void>;
  rules(): Promise<IncentiveRules>;
  saveRules(r: IncentiveRules): Promise<void>;
  /** The complaint, or which of the collector and the account is not known. */
  addComplaint(
    c: NewComplaint,
    at: Date,
  ): Promise<StoredComplaint | { missing: 'collector' | 'account' }>;
  complaints(from: LocalDate, to: LocalDate, collector?: string): Promise<StoredComplaint[]>;
}
