/**
 * The scheduler's use case: at an instant, queue the portfolio's business dates that are due
 * and not yet cycled or queued, for the workers. The decision is made in the database, in one
 * transaction that no other scheduler of the portfolio runs at the same time, and each day is
 * recorded there as queued in the same transaction as its job: any number of schedulers on any
 * number of machines queue each day once.
 */
import { dueDates, nextFire, type CycleSchedule } from '../../domain/cycle/schedule.ts';
import { maxDate, type LocalDate } from '../../domain/time/date.ts';

export type ScheduledDispatch = 'live' | 'none';

/** What a scheduler sees and does inside its transaction. */
export interface ScheduleTransaction {
  /** The last day cycled (null: none). */
  lastCycled(): Promise<LocalDate | null>;
  /** The last day a scheduler queued (null: none). */
  lastScheduled(): Promise<LocalDate | null>;
  /** Whether a job of the cycle is waiting or running (queued by anyone). */
  cycleQueued(): Promise<boolean>;
  /** Records the days as queued; returns those that were not recorded before. */
  record(days: LocalDate[], at: Date, by: string): Promise<LocalDate[]>;
  /** Queues the days `from`..`to` for the workers, one after the other. */
  enqueue(
    range: { from: LocalDate; to: LocalDate },
    partitions: number,
    dispatch: ScheduledDispatch,
    at: Date,
  ): Promise<void>;
}

export interface CycleScheduleStore {
  /** Runs `fn` in one transaction, never at the same time as another scheduler's. */
  exclusively<T>(fn: (tx: ScheduleTransaction) => Promise<T>): Promise<T>;
}

export interface PortfolioSchedule extends CycleSchedule {
  partitions: number;
  dispatch: ScheduledDispatch;
}

export type ScheduleOutcome =
  /** The days were queued by this scheduler. */
  | { kind: 'queued'; days: LocalDate[] }
  /** Nothing is due before `next`. */
  | { kind: 'waiting'; next: Date }
  /** A cycle is queued or running; the scheduler looks again when it is done. */
  | { kind: 'busy' }
  /**
   * The day was queued but is not cycled and nothing of the cycle is queued (its jobs failed):
   * the scheduler does not go on past it; `recoup cycle --queue --as-of day` cycles it.
   */
  | { kind: 'stalled'; day: LocalDate };

/** Queues what is due at `now`, once across every scheduler of the portfolio. */
export function scheduleDueDays(
  store: CycleScheduleStore,
  s: PortfolioSchedule,
  now: Date,
  by: string,
): Promise<ScheduleOutcome> {
  return store.exclusively(async (tx): Promise<ScheduleOutcome> => {
    if (await tx.cycleQueued()) return { kind: 'busy' };
    const cycled = await tx.lastCycled();
    const scheduled = await tx.lastScheduled();
    if (scheduled !== null && (cycled === null || scheduled > cycled))
      return { kind: 'stalled', day: scheduled };
    const after = cycled === null ? scheduled : maxDate(cycled, scheduled ?? cycled);
    const due = dueDates(now, s, after);
    if (due.length === 0) return { kind: 'waiting', next: nextFire(now, s) };
    const days = await tx.record(due, now, by);
    // inside the exclusive transaction no other scheduler recorded them; should one have (the
    // lock lost), the days it recorded are its own to queue
    if (days.length !== due.length) return { kind: 'busy' };
    await tx.enqueue({ from: due[0]!, to: due.at(-1)! }, s.partitions, s.dispatch, now);
    return { kind: 'queued', days };
  });
}
