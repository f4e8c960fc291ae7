import type { PurposeScoreRun } from '../scoring/ports.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { CycleDayStatus } from '../../domain/cycle/status.ts';
import type { DayPlanner } from '../strategy/ports.ts';

export interface CycleDayResult {
  asOf: LocalDate;
  accounts: number;
  transitions: number;
  durationMs: number;
  /** The strategy version in force that day, when one is published. */
  strategyVersionId: number | null;
  /** Actions planned (or recorded as skipped) for the day. */
  actions: number;
  planMs: number;
  /** Scoring and classifying the portfolio, when done. */
  scoreMs?: number;
  /** Per purpose with an active model: its version, accounts scored, scores changed, PSI. */
  scored?: PurposeScoreRun[];
}

export interface CycleRun extends CycleDayResult {
  startedAt: string;
  finishedAt: string;
}

/**
 * Storage of the daily cycle. Each call is one transaction: all of it or none of it, except
 * runDay, which is a day's preparation, partitions and finish (each one transaction, each
 * idempotent, so a day interrupted midway is completed by running it again).
 */
export interface CycleStore {
  /** The latest cycled date, or null before the first cycle. */
  lastCycled(): Promise<LocalDate | null>;
  /**
   * Recomputes every account's state as of `asOf` and records states, transitions, the
   * portfolio snapshot and the run. Must be called with `asOf` >= the last cycled date.
   */
  runDay(
    asOf: LocalDate,
    policy: LedgerPolicy,
    startedAt: Date,
    planner?: DayPlanner,
    /** Partitions the day is cycled in, one after the other (default 1). */
    partitions?: number,
  ): Promise<CycleDayResult>;
  /** Forgets every cycled date from `from` on and restores the states as of the date before. */
  rewind(from: LocalDate, policy: LedgerPolicy): Promise<void>;
  runs(limit: number): Promise<CycleRun[]>;
}

export type { CycleDayStatus, CyclePartitionStatus } from '../../domain/cycle/status.ts';

/** What one partition did. */
export interface CyclePartitionResult {
  asOf: LocalDate;
  part: number;
  accounts: number;
  transitions: number;
  actions: number;
  durationMs: number;
}

/**
 * The daily cycle in partitions, for workers that share a day: the day is prepared (its
 * partitions, balanced by account count), each partition is cycled by any worker, and the day is
 * finished once all are done. Each step is one transaction and idempotent.
 */
export interface PartitionedCycleStore extends CycleStore {
  /** Splits the day into (at most) `partitions` ranges of accounts, all pending; returns them. */
  prepareDay(asOf: LocalDate, startedAt: Date, partitions: number): Promise<CycleDayStatus>;
  runPartition(
    asOf: LocalDate,
    part: number,
    policy: LedgerPolicy,
    options?: { planner?: DayPlanner; worker?: string },
  ): Promise<CyclePartitionResult>;
  /** Records the day from its partitions; null while some are not done. */
  finishDay(asOf: LocalDate): Promise<CycleDayResult | null>;
  /** Records that what follows the finished day was done (the queue does it once). */
  dayFollowed(asOf: LocalDate): Promise<void>;
  /** The day's partitions and their progress (default: the latest day prepared). */
  status(asOf?: LocalDate): Promise<CycleDayStatus | null>;
}
