/**
 * The daily cycle: recompute every account's delinquency state for each day of a range, in
 * order. Re-running a day changes nothing; running a day before the last cycled one rewinds the
 * timeline to it and replays every day up to the last again, so later history stays consistent
 * (a back-dated payment or hold is then reflected in every day it touches).
 */
import { addDays, dateRange, maxDate, type LocalDate } from '../../domain/time/date.ts';
import type { Clock } from '../shared/clock.ts';
import { invalid } from '../shared/errors.ts';
import type { PolicyStore } from '../policy/ports.ts';
import type { DayPlanner } from '../strategy/ports.ts';
import type { CycleDayResult, CycleStore } from './ports.ts';

export interface CycleDeps {
  cycles: CycleStore;
  policies: PolicyStore;
  clock: Clock;
  /** Plans each day's strategy actions after the delinquency update. */
  planner?: DayPlanner;
  /** Runs after each day is cycled, before the next (the day's dispatch). */
  afterDay?: (day: LocalDate) => Promise<void>;
  /** Partitions each day is cycled in, one after the other (default 1). */
  partitions?: number;
}

export interface CycleRange {
  from: LocalDate;
  to: LocalDate;
}

export async function runCycles(
  deps: CycleDeps,
  range: CycleRange,
  onDay?: (result: CycleDayResult, index: number, total: number) => void,
): Promise<CycleDayResult[]> {
  if (range.from > range.to) {
    throw invalid('the cycle range is empty', [
      { at: 'from', reason: `${range.from} is after ${range.to}` },
    ]);
  }
  const policy = await deps.policies.ledgerPolicy();
  const last = await deps.cycles.lastCycled();
  let to = range.to;
  if (last !== null && range.from < last) {
    await deps.cycles.rewind(range.from, policy);
    to = maxDate(range.to, last);
  }
  const days = dateRange(range.from, to);
  const results: CycleDayResult[] = [];
  for (const [i, day] of days.entries()) {
    const r = await deps.cycles.runDay(
      day,
      policy,
      deps.clock.now(),
      deps.planner,
      deps.partitions,
    );
    if (deps.afterDay) await deps.afterDay(day);
    results.push(r);
    onDay?.(r, i, days.length);
  }
  return results;
}

/** The days from the one after the last cycled date up to `today`, at most `maxDays` of them. */
export function catchUpRange(
  last: LocalDate | null,
  today: LocalDate,
  maxDays: number,
): CycleRange | null {
  const earliest = addDays(today, -(maxDays - 1));
  const from = last === null ? earliest : maxDate(addDays(last, 1), earliest);
  return from > today ? null : { from, to: today };
}
