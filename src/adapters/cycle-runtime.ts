/**
 * The daily cycle on the job queue, for workers on any number of machines: a day is a
 * `cycle.prepare` job (its partitions stored, pending), one `cycle.partition` job per partition
 * (claimed by any worker under a lease; a worker that dies midway has its transaction rolled
 * back and its job taken over when the lease runs out) and a `cycle.finish` job, enqueued by
 * each partition when it is done, which records the day once all are and runs what follows a
 * day; then the next day of the range is prepared. Every step is idempotent, so a job done twice
 * changes nothing.
 */
import { addDays, type LocalDate } from '../domain/time/date.ts';
import type { CycleDayStatus } from '../app/cycle/ports.ts';
import type { Platform } from './platform.ts';
import { jobsOpen, type JobHandler } from './queue/pg-queue.ts';
import type { JobQueue } from '../app/dispatch/ports.ts';
import type { SqlConnection } from './storage/sql-client.ts';

export const CYCLE_PREPARE = 'cycle.prepare';
export const CYCLE_PARTITION = 'cycle.partition';
export const CYCLE_FINISH = 'cycle.finish';

/** What each job of a queued cycle carries: the day, the last day of the range, how to split. */
export interface CycleJob {
  asOf: LocalDate;
  to: LocalDate;
  partitions: number;
  /** Whether each day's actions are prepared for dispatch once it is cycled. */
  dispatch: CycleDispatch;
  part?: number;
}

export type CycleDispatch = 'live' | 'none';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function payloadOf(x: Record<string, unknown>): CycleJob {
  const asOf = String(x.asOf);
  const to = String(x.to ?? x.asOf);
  const partitions = Number(x.partitions ?? 1);
  const dispatch = x.dispatch === 'none' ? 'none' : 'live';
  if (!DATE.test(asOf) || !DATE.test(to) || !Number.isInteger(partitions) || partitions < 1)
    throw new Error(`not a cycle job: ${JSON.stringify(x)}`);
  return {
    asOf,
    to,
    partitions,
    dispatch,
    ...(x.part === undefined ? {} : { part: Number(x.part) }),
  };
}

/** Jobs of one queued day share a group only for the preparation and the finish. */
const prepareJob = (j: CycleJob, runAt: Date) => ({
  kind: CYCLE_PREPARE,
  key: `${CYCLE_PREPARE}:${j.asOf}`,
  group: 'cycle',
  payload: { asOf: j.asOf, to: j.to, partitions: j.partitions, dispatch: j.dispatch },
  runAt,
});

/**
 * Queues the days `from`..`to` for the workers, one after the other (a day before the last
 * cycled one rewinds the timeline first, as `recoup cycle` does in process).
 */
export async function enqueueCycle(
  p: Platform,
  range: { from: LocalDate; to: LocalDate },
  partitions: number,
  dispatch: CycleDispatch = 'live',
): Promise<void> {
  const last = await p.cycles.lastCycled();
  let to = range.to;
  if (last !== null && range.from < last) {
    await p.cycles.rewind(range.from, await p.policies.ledgerPolicy());
    to = last > to ? last : to;
  }
  await queueDays(p.jobs, { from: range.from, to }, partitions, dispatch, p.clock.now());
}

/**
 * Queues the days `from`..`to` as they are (no rewind): the first day's preparation, due `at`,
 * on `jobs` (inside a transaction: the transaction's queue).
 */
export async function queueDays(
  jobs: Pick<JobQueue, 'enqueue'>,
  range: { from: LocalDate; to: LocalDate },
  partitions: number,
  dispatch: CycleDispatch,
  at: Date,
): Promise<void> {
  await jobs.enqueue([prepareJob({ asOf: range.from, to: range.to, partitions, dispatch }, at)]);
}

/** The handlers of the cycle's jobs; `afterDay` runs once a day is recorded. */
export function cycleHandlers(
  p: Platform,
  afterDay: (day: LocalDate, dispatch: CycleDispatch) => Promise<void>,
): Record<string, JobHandler> {
  return {
    [CYCLE_PREPARE]: async (job) => {
      const j = payloadOf(job.payload);
      const day = await p.cycles.prepareDay(j.asOf, p.clock.now(), j.partitions);
      const now = p.clock.now();
      await p.jobs.enqueue(
        day.parts.map((x) => ({
          kind: CYCLE_PARTITION,
          key: `${CYCLE_PARTITION}:${j.asOf}:${x.part}`,
          payload: { ...prepareJob(j, now).payload, part: x.part },
          runAt: now,
        })),
      );
    },
    [CYCLE_PARTITION]: async (job, ctx) => {
      const j = payloadOf(job.payload);
      // a partition tried again after its commit was lost with the connection may find its day
      // finished (by the other partitions' finish) and the next begun: nothing is left to do
      if ((await p.cycles.status(j.asOf))?.state === 'done') return;
      await p.cycles.runPartition(j.asOf, j.part ?? 1, await p.policies.ledgerPolicy(), {
        planner: p.planner,
        worker: ctx.worker,
      });
      const now = p.clock.now();
      // the finish looks whether this was the last; one pending finish per day is enough
      await p.jobs.enqueue([
        {
          kind: CYCLE_FINISH,
          key: `${CYCLE_FINISH}:${j.asOf}`,
          group: 'cycle',
          payload: prepareJob(j, now).payload,
          runAt: now,
        },
      ]);
    },
    [CYCLE_FINISH]: async (job) => {
      const j = payloadOf(job.payload);
      // every partition queues a finish: the first after the last partition finishes the day,
      // the later ones find it finished and followed, and stop
      const before = await p.cycles.status(j.asOf);
      if (before?.followedAt) return;
      if (before?.state !== 'done' && !(await p.cycles.finishDay(j.asOf))) return;
      await afterDay(j.asOf, j.dispatch);
      if (j.asOf < j.to)
        await p.jobs.enqueue([prepareJob({ ...j, asOf: addDays(j.asOf, 1) }, p.clock.now())]);
      // a worker that stops before this does the day's followers again (each is idempotent)
      await p.cycles.dayFollowed(j.asOf);
    },
  };
}

/** Whether a job of the cycle is waiting or running. */
export function cycleQueued(p: { db: Pick<SqlConnection, 'query'> }): Promise<boolean> {
  return jobsOpen(p.db, [CYCLE_PREPARE, CYCLE_PARTITION, CYCLE_FINISH]);
}

/** The database's clock: what a day's finish is compared with. */
export async function databaseNow(p: Platform): Promise<Date> {
  const r = await p.db.query<{ t: Date | string }>('SELECT clock_timestamp() AS t');
  return new Date(r.rows[0]!.t);
}

/**
 * Waits until the day `last` is finished after `since` (the database's clock), calling
 * `onStatus` with the progress of the day being cycled.
 */
export async function waitForDay(
  p: Platform,
  last: LocalDate,
  since: Date,
  onStatus: (s: CycleDayStatus) => void,
  signal?: AbortSignal,
  pollMs = 500,
): Promise<void> {
  while (!signal?.aborted) {
    const s = await p.cycles.status();
    if (s) onStatus(s);
    const end = s?.asOf === last ? s : await p.cycles.status(last);
    if (end?.state === 'done' && end.finishedAt && new Date(end.finishedAt) >= since) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
