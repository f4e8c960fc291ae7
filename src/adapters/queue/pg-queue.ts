/**
 * The job queue, on the database itself: the same SQL on PGlite (in-process) and on a
 * PostgreSQL server, where any number of worker processes on any number of machines share it.
 * Claims use `FOR UPDATE SKIP LOCKED`; a claimed job is leased to one worker and the lease is
 * extended while it works; a job whose worker died is taken over when its lease runs out.
 * Jobs in one group never run at the same time (the dispatcher's shards rely on it).
 */
import type { JobQueue, NewJob } from '../../app/dispatch/ports.ts';
import type { SqlConnection } from '../storage/sql-client.ts';

export interface Job {
  id: number;
  kind: string;
  key: string | null;
  group: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
}

interface JobRow {
  id: string | number;
  kind: string;
  key: string | null;
  grp: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

export class PgJobQueue implements JobQueue {
  /** On the database, or inside a transaction on the transaction's connection. */
  constructor(private readonly db: SqlConnection) {}

  async enqueue(jobs: NewJob[]): Promise<number> {
    if (jobs.length === 0) return 0;
    // A pending job with the same key is kept, moved earlier if the new one is due sooner.
    const r = await this.db.query(
      `INSERT INTO jobs (kind, key, grp, payload, state, priority, run_at, max_attempts)
       SELECT j.kind, j.key, j.grp, coalesce(j.payload, '{}'::jsonb), 'pending',
              coalesce(j.priority, 0), j.run_at, coalesce(j.max_attempts, 10)
       FROM jsonb_to_recordset($1::jsonb) AS j(kind text, key text, grp text, payload jsonb,
            priority integer, run_at timestamptz, max_attempts integer)
       ON CONFLICT (key) WHERE state = 'pending'
       DO UPDATE SET run_at = LEAST(jobs.run_at, excluded.run_at)`,
      [
        JSON.stringify(
          jobs.map((j) => ({
            kind: j.kind,
            key: j.key ?? null,
            grp: j.group ?? null,
            payload: j.payload ?? {},
            priority: j.priority ?? 0,
            run_at: j.runAt.toISOString(),
            max_attempts: j.maxAttempts ?? 10,
          })),
        ),
      ],
    );
    return r.rowCount;
  }

  /**
   * Claims up to `limit` due jobs of `kinds` for `worker`, at most one per group, none of a group
   * that is running under a live lease. Expired leases of dead workers are released first.
   */
  async claim(
    worker: string,
    kinds: string[],
    limit: number,
    leaseMs: number,
    now: Date,
  ): Promise<Job[]> {
    await this.releaseExpired(now);
    const r = await this.db.query<JobRow>(
      `WITH ready AS (
         SELECT id, grp, priority, run_at FROM jobs c
         WHERE c.state = 'pending' AND c.kind = ANY($2::text[]) AND c.run_at <= $4::timestamptz
           AND (c.grp IS NULL OR NOT EXISTS (
             SELECT 1 FROM jobs r WHERE r.grp = c.grp AND r.state = 'running'))
         ORDER BY c.priority DESC, c.run_at, c.id
         LIMIT $3 * 4
         FOR UPDATE SKIP LOCKED),
       one_per_group AS (
         SELECT DISTINCT ON (coalesce(grp, id::text)) id, priority, run_at FROM ready
         ORDER BY coalesce(grp, id::text), priority DESC, run_at, id),
       picked AS (SELECT id FROM one_per_group ORDER BY priority DESC, run_at, id LIMIT $3)
       UPDATE jobs j SET state = 'running', locked_by = $1, attempts = j.attempts + 1,
              locked_until = $4::timestamptz + ($5::text || ' milliseconds')::interval
       FROM picked WHERE j.id = picked.id
       RETURNING j.id, j.kind, j.key, j.grp, j.payload, j.attempts, j.max_attempts`,
      [worker, kinds, limit, now.toISOString(), String(leaseMs)],
    );
    return r.rows.map((x) => ({
      id: Number(x.id),
      kind: x.kind,
      key: x.key,
      group: x.grp,
      payload: x.payload,
      attempts: x.attempts,
      maxAttempts: x.max_attempts,
    }));
  }

  /** Jobs whose worker stopped renewing its lease go back to pending (or die out of attempts). */
  async releaseExpired(now: Date): Promise<number> {
    const r = await this.db.query(
      `UPDATE jobs j SET
         state = CASE WHEN j.attempts >= j.max_attempts THEN 'dead'
                      WHEN EXISTS (SELECT 1 FROM jobs p WHERE p.key = j.key AND p.state = 'pending')
                        THEN 'done' ELSE 'pending' END,
         last_error = 'the worker ' || coalesce(j.locked_by, '?') || ' stopped renewing its lease',
         finished_at = CASE WHEN j.attempts >= j.max_attempts THEN $1::timestamptz END,
         locked_by = NULL, locked_until = NULL
       WHERE j.state = 'running' AND j.locked_until < $1::timestamptz`,
      [now.toISOString()],
    );
    return r.rowCount;
  }

  /** Extends the leases of jobs this worker still holds; returns the ids it holds. */
  async heartbeat(worker: string, ids: number[], leaseMs: number, now: Date): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const r = await this.db.query<{ id: string | number }>(
      `UPDATE jobs SET locked_until = $3::timestamptz + ($4::text || ' milliseconds')::interval
       WHERE id = ANY($1::bigint[]) AND state = 'running' AND locked_by = $2 RETURNING id`,
      [ids, worker, now.toISOString(), String(leaseMs)],
    );
    return new Set(r.rows.map((x) => Number(x.id)));
  }

  async complete(worker: string, id: number, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE jobs SET state = 'done', finished_at = $3::timestamptz, locked_by = NULL, locked_until = NULL
       WHERE id = $1 AND locked_by = $2 AND state = 'running'`,
      [id, worker, now.toISOString()],
    );
  }

  /** A failed job is tried again after `retryAt`, or dead when out of attempts. */
  async fail(worker: string, job: Job, error: string, retryAt: Date, now: Date): Promise<void> {
    const dead = job.attempts >= job.maxAttempts;
    await this.db.query(
      `UPDATE jobs SET state = $4, last_error = $3, run_at = $5::timestamptz,
              finished_at = CASE WHEN $4 = 'dead' THEN $6::timestamptz END,
              locked_by = NULL, locked_until = NULL
       WHERE id = $1 AND locked_by = $2 AND state = 'running'
         AND ($4 = 'dead' OR NOT EXISTS (SELECT 1 FROM jobs p WHERE p.key = jobs.key AND p.state = 'pending'))`,
      [
        job.id,
        worker,
        error.slice(0, 2000),
        dead ? 'dead' : 'pending',
        retryAt.toISOString(),
        now.toISOString(),
      ],
    );
    // Another pending job of the same key already carries the work: this one is done.
    await this.db.query(
      `UPDATE jobs SET state = 'done', last_error = $3, finished_at = $4::timestamptz,
              locked_by = NULL, locked_until = NULL
       WHERE id = $1 AND locked_by = $2 AND state = 'running'`,
      [job.id, worker, error.slice(0, 2000), now.toISOString()],
    );
  }

  /** Ends the pending jobs of a kind whose work was done another way. */
  async discardPending(kind: string, now: Date): Promise<number> {
    const r = await this.db.query(
      `UPDATE jobs SET state = 'done', finished_at = $2::timestamptz WHERE kind = $1 AND state = 'pending'`,
      [kind, now.toISOString()],
    );
    return r.rowCount;
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const r = await this.db.query<{ kind: string; state: string; n: string | number }>(
      'SELECT kind, state, count(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state',
    );
    const out: Record<string, Record<string, number>> = {};
    for (const x of r.rows) (out[x.kind] ??= {})[x.state] = Number(x.n);
    return out;
  }
}

export type JobHandler = (job: Job, ctx: { signal: AbortSignal; worker: string }) => Promise<void>;

export interface WorkerOptions {
  queue: PgJobQueue;
  worker: string;
  handlers: Record<string, JobHandler>;
  now: () => Date;
  /** Jobs run at once by this worker. */
  concurrency?: number;
  leaseMs?: number;
  pollMs?: number;
  signal: AbortSignal;
  /** The longest wait between two claims while the database does not answer (ms). */
  maxBackoffMs?: number;
  onError?: (job: Job, error: unknown) => void;
}

/** The placeholder job of errors that are the worker's own (claims, lease renewals). */
const workerJob = (kind: string): Job => ({
  id: 0,
  kind,
  key: null,
  group: null,
  payload: {},
  attempts: 0,
  maxAttempts: 0,
});

/**
 * Runs jobs until `signal` aborts: claims, renews leases, completes or fails each. A database
 * that does not answer (restarted, unreachable) stops nothing: claims are tried again with a
 * growing delay (up to `maxBackoffMs`), a job whose work failed with it is failed as any other
 * (its transaction rolled back, tried again later), and the completion or failure of a job is
 * written once the database answers again; meanwhile the job keeps its lease (renewed once the
 * database is back) or, if that runs out, another worker takes it over.
 */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const concurrency = o.concurrency ?? 2;
  const leaseMs = o.leaseMs ?? 30_000;
  const pollMs = o.pollMs ?? 250;
  const maxBackoffMs = o.maxBackoffMs ?? 5000;
  const kinds = Object.keys(o.handlers);
  const running = new Map<number, Promise<void>>();
  const backoff = (failures: number) =>
    Math.min(maxBackoffMs, pollMs * 2 ** Math.min(failures, 10));
  /** Writes a job's outcome, again and again while the database does not answer. */
  const record = async (job: Job, write: () => Promise<void>) => {
    for (let failures = 0; ; failures++) {
      try {
        return await write();
      } catch (e) {
        if (o.signal.aborted) return;
        o.onError?.(job, e);
        await sleep(backoff(failures), o.signal);
      }
    }
  };
  const beat = setInterval(
    () => {
      o.queue
        .heartbeat(o.worker, [...running.keys()], leaseMs, o.now())
        .catch((e: unknown) => o.onError?.(workerJob('heartbeat'), e));
    },
    Math.max(1000, leaseMs / 3),
  );
  let claimFailures = 0;
  try {
    while (!o.signal.aborted) {
      const free = concurrency - running.size;
      let claimed: Job[] = [];
      if (free > 0) {
        try {
          claimed = await o.queue.claim(o.worker, kinds, free, leaseMs, o.now());
          claimFailures = 0;
        } catch (e) {
          if (o.signal.aborted) break;
          o.onError?.(workerJob('claim'), e);
          claimFailures++;
        }
      }
      for (const job of claimed) {
        const p = (async () => {
          try {
            let failed = false;
            let error: unknown;
            try {
              await o.handlers[job.kind]!(job, { signal: o.signal, worker: o.worker });
            } catch (e) {
              failed = true;
              error = e;
            }
            if (!failed) {
              await record(job, () => o.queue.complete(o.worker, job.id, o.now()));
              return;
            }
            o.onError?.(job, error);
            const delay = Math.min(60_000, 1000 * 2 ** Math.min(job.attempts, 6));
            const message = error instanceof Error ? error.message : String(error);
            await record(job, () =>
              o.queue.fail(o.worker, job, message, new Date(o.now().getTime() + delay), o.now()),
            );
          } finally {
            running.delete(job.id);
          }
        })();
        running.set(job.id, p);
      }
      if (claimFailures > 0) {
        await sleepUntilDone(backoff(claimFailures), o.signal, running.values());
      } else if (claimed.length === 0 || running.size >= concurrency) {
        await sleepUntilDone(pollMs, o.signal, running.values());
      }
    }
    await Promise.allSettled(running.values());
  } finally {
    clearInterval(beat);
  }
}

/**
 * Waits `ms`, or less if one of the running jobs ends first or `signal` aborts; the timer and
 * its abort listener go as soon as the wait ends (a worker finishing many short jobs would
 * otherwise leave one pending timer and listener per job).
 */
async function sleepUntilDone(
  ms: number,
  signal: AbortSignal,
  running: Iterable<Promise<void>>,
): Promise<void> {
  if (signal.aborted) return;
  const wait = new AbortController();
  const stop = () => wait.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.race([sleep(ms, wait.signal), ...running]);
  } finally {
    wait.abort();
    signal.removeEventListener('abort', stop);
  }
}

/** Waits `ms`, or less if `signal` aborts (then at once). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Whether a job of one of `kinds` is waiting or running (queued by anyone). */
export async function jobsOpen(
  db: Pick<SqlConnection, 'query'>,
  kinds: readonly string[],
): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM jobs WHERE kind = ANY($1::text[]) AND state IN ('pending', 'running') LIMIT 1`,
    [kinds],
  );
  return r.rows.length > 0;
}
