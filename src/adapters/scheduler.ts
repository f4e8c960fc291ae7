/**
 * The scheduler: starts each portfolio's daily cycle at its local time of day by queueing the
 * due days for the workers (`recoup scheduler`, and in process `recoup start`). The decision
 * is made in the database (see app/cycle/schedule.ts): a transaction-level advisory lock per
 * schema, and the days recorded in `cycle_schedule` in the same transaction as their job.
 */
import { hostname } from 'node:os';
import {
  scheduleDueDays,
  type CycleScheduleStore,
  type PortfolioSchedule,
  type ScheduleOutcome,
  type ScheduleTransaction,
} from '../app/cycle/schedule.ts';
import type { Clock } from '../app/shared/clock.ts';
import { formatTimeOfDay } from '../domain/cycle/schedule.ts';
import type { LocalDate } from '../domain/time/date.ts';
import { parseInstant } from '../domain/time/zone.ts';
import { ConfigError, cyclePartitions, type Config } from './config.ts';
import { cycleQueued, queueDays } from './cycle-runtime.ts';
import { errorContext, type Logger } from './log.ts';
import { systemClock, type Platform } from './platform.ts';
import { PgJobQueue, sleep } from './queue/pg-queue.ts';
import type { Database, SqlConnection } from './storage/sql-client.ts';

/** The decision's store: one transaction at a time per schema, on any number of machines. */
export class SqlCycleScheduleStore implements CycleScheduleStore {
  constructor(private readonly db: Database) {}

  exclusively<T>(fn: (tx: ScheduleTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `SELECT pg_advisory_xact_lock(hashtext('recoup.cycle.schedule'), hashtext(current_schema()))`,
      );
      return fn(scheduleTransaction(tx));
    });
  }
}

const lastOf = async (tx: SqlConnection, table: string): Promise<LocalDate | null> =>
  (await tx.query<{ d: string | null }>(`SELECT max(as_of)::text AS d FROM ${table}`)).rows[0]?.d ??
  null;

function scheduleTransaction(tx: SqlConnection): ScheduleTransaction {
  return {
    lastCycled: () => lastOf(tx, 'cycle_runs'),
    lastScheduled: () => lastOf(tx, 'cycle_schedule'),
    cycleQueued: () => cycleQueued({ db: tx }),
    record: async (days, at, by) => {
      const r = await tx.query<{ d: string }>(
        `INSERT INTO cycle_schedule (as_of, queued_at, queued_by)
         SELECT d::date, $2, $3 FROM unnest($1::text[]) AS d
         ON CONFLICT (as_of) DO NOTHING RETURNING as_of::text AS d`,
        [days, at, by],
      );
      return r.rows.map((x) => x.d).sort();
    },
    enqueue: (range, partitions, dispatch, at) =>
      queueDays(new PgJobQueue(tx), range, partitions, dispatch, at),
  };
}

/** The days a portfolio's schedule queued, oldest first (for tests and `cycle status`). */
export async function scheduledDays(
  db: SqlConnection,
): Promise<{ asOf: LocalDate; queuedAt: Date; queuedBy: string }[]> {
  const r = await db.query<{ as_of: string; queued_at: Date | string; queued_by: string }>(
    'SELECT as_of::text AS as_of, queued_at, queued_by FROM cycle_schedule ORDER BY as_of',
  );
  return r.rows.map((x) => ({
    asOf: x.as_of,
    queuedAt: new Date(x.queued_at),
    queuedBy: x.queued_by,
  }));
}

/** A portfolio's schedule from the configuration (`over`: an entry of its `portfolios`). */
export function scheduleOf(
  config: Pick<
    Config,
    'timezone' | 'cycleAt' | 'cyclePartitions' | 'databaseUrl' | 'cycleDispatch'
  >,
  over: Partial<Pick<Config, 'timezone' | 'cycleAt' | 'cyclePartitions'>> = {},
): PortfolioSchedule {
  const c = { ...config, ...over };
  return {
    zone: c.timezone,
    at: c.cycleAt,
    partitions: cyclePartitions(c),
    dispatch: c.cycleDispatch,
  };
}

/** The scheduler's name in `cycle_schedule.queued_by`: host and process. */
export const schedulerId = (): string => `${hostname()}:${process.pid}`;

/**
 * The scheduler's clock: the system's, or for tests RECOUP_CLOCK (an instant with its offset,
 * e.g. 2026-06-30T02:30:00+08:00), from which it runs on in real time.
 */
export function schedulerClock(env: NodeJS.ProcessEnv = process.env): Clock {
  const v = env.RECOUP_CLOCK?.trim();
  if (!v) return systemClock;
  const start = parseInstant(v);
  if (!start)
    throw new ConfigError(
      `invalid configuration:\n  RECOUP_CLOCK: "${v}" is not an instant with its offset (e.g. 2026-06-30T02:30:00Z)`,
    );
  const t0 = Date.now();
  return { now: () => new Date(start.getTime() + (Date.now() - t0)) };
}

/**
 * One look at a portfolio: queues what is due now and logs what it did (a change of what it
 * waits for is logged once, not at every tick).
 */
export async function scheduleTick(
  p: Platform,
  s: PortfolioSchedule,
  by: string,
  log: Logger,
  seen: { last?: string } = {},
): Promise<ScheduleOutcome> {
  const outcome = await scheduleDueDays(new SqlCycleScheduleStore(p.db), s, p.clock.now(), by);
  const said = JSON.stringify(outcome);
  if (outcome.kind === 'queued')
    log.info(
      { from: outcome.days[0], to: outcome.days.at(-1), days: outcome.days.length },
      outcome.days.length > 1 ? 'missed days queued for the cycle' : 'day queued for the cycle',
    );
  else if (said !== seen.last) {
    if (outcome.kind === 'stalled')
      log.warn(
        { day: outcome.day },
        'the queued day was not cycled and nothing of it is queued: queue it again with recoup cycle --queue --as-of',
      );
    else if (outcome.kind === 'waiting')
      log.info(
        { next: outcome.next.toISOString(), at: formatTimeOfDay(s.at), zone: s.zone },
        'waiting for the next day',
      );
    else log.debug('a cycle is queued or running');
  }
  seen.last = said;
  return outcome;
}

/** A portfolio served by `recoup scheduler`, opened (and opened again) when it can be. */
export interface ScheduledPortfolio {
  name: string;
  schedule: PortfolioSchedule;
  open: () => Promise<Platform>;
}

/**
 * Ticks every `everyMs` until the signal aborts: each portfolio looked at in turn. A portfolio
 * whose database cannot be reached is logged and tried again on the next tick.
 */
export async function runScheduler(o: {
  portfolios: ScheduledPortfolio[];
  everyMs: number;
  signal: AbortSignal;
  log: Logger;
  by?: string;
}): Promise<void> {
  const by = o.by ?? schedulerId();
  const open = new Map<string, Platform>();
  const seen = new Map<string, { last?: string }>();
  const failing = new Set<string>();
  while (!o.signal.aborted) {
    for (const x of o.portfolios) {
      if (o.signal.aborted) break;
      const log = o.log.child({ portfolio: x.name });
      try {
        let p = open.get(x.name);
        if (!p) {
          p = await x.open();
          open.set(x.name, p);
        }
        const state = seen.get(x.name) ?? {};
        seen.set(x.name, state);
        await scheduleTick(p, x.schedule, by, log, state);
        if (failing.delete(x.name)) log.info('the database answers again');
      } catch (e) {
        failing.add(x.name);
        seen.delete(x.name);
        log.error(errorContext(e), 'scheduling failed: trying again at the next tick');
      }
    }
    await sleep(o.everyMs, o.signal);
  }
  await Promise.allSettled([...open.values()].map((p) => p.close()));
}
