/**
 * A day of the daily cycle in partitions as stored: what `recoup cycle status`, the API and the
 * console's panel show (shared with the console, which reads it from the API).
 */
import type { LocalDate } from '../time/date.ts';

/** A partition of a day's cycle as stored: its range of accounts and its progress. */
export interface CyclePartitionStatus {
  part: number;
  /** The range of account ids, (afterId, upToId]; the last has no upper bound. */
  afterId: number;
  upToId: number | null;
  /** Accounts in the range when the day was prepared. */
  planned: number;
  state: 'pending' | 'running' | 'done';
  worker: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  accounts: number | null;
  transitions: number | null;
  actions: number | null;
  lastError: string | null;
}

export interface CycleDayStatus {
  asOf: LocalDate;
  state: 'running' | 'done';
  partitions: number;
  done: number;
  startedAt: string;
  finishedAt: string | null;
  /** When what follows the day (alerts, dispatch) was done after it was finished. */
  followedAt: string | null;
  parts: CyclePartitionStatus[];
}
