import type { PurposeScoreRun } from '../scoring/ports.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';
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

/** Storage of the daily cycle. Each call is one transaction: all of it or none of it. */
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
  ): Promise<CycleDayResult>;
  /** Forgets every cycled date from `from` on and restores the states as of the date before. */
  rewind(from: LocalDate, policy: LedgerPolicy): Promise<void>;
  runs(limit: number): Promise<CycleRun[]>;
}
