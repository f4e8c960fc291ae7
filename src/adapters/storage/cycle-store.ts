/**
 * The daily cycle in SQL, set-based: a day is prepared (split into partitions, ranges of
 * account ids balanced by count), each partition is one transaction over its accounts (run
 * here one after the other, or by workers from the job queue side by side), and the day is
 * finished from what the partitions recorded.
 */
import type {
  CycleDayResult,
  CycleDayStatus,
  CyclePartitionResult,
  CycleRun,
  PartitionedCycleStore,
} from '../../app/cycle/ports.ts';
import type { AccountStateRow, StateExporter } from '../../app/export/ports.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { ledgerStateSql } from './ledger-state-sql.ts';
import { followPlans, rewindPlans } from './plan-follow.ts';
import { followPromises, rewindPromises } from './promise-follow.ts';
import {
  finishScores,
  removeStaleScores,
  rewindScores,
  scoreAccounts,
  type ScorePartial,
  type SqlScoringStore,
} from './scoring-store.ts';
import { inRange, type IdRange } from './id-range.ts';
import type { Database, SqlConnection } from './sql-client.ts';
import type { DayPlanner } from '../../app/strategy/ports.ts';
import { planDay, restoreStrategyState } from './strategy-planning.ts';

const CYCLE_LOCK = 7_146_235_002;

/** The columns of account_states the cycle writes (besides account_id). */
export const STATE_COLUMNS = [
  'outstanding',
  'arrears',
  'credit',
  'overdue_due_date',
  'delinquent_date',
  'next_due_date',
  'last_paid_on',
  'on_hold',
  'past_due_days',
  'delinquent_days',
  'bucket',
  'ageing',
] as const;

async function computeInto(
  tx: SqlConnection,
  table: string,
  asOf: LocalDate,
  policy: LedgerPolicy,
  range?: IdRange,
) {
  // Sort and hash millions of instalment rows in memory rather than in temporary files.
  await tx.query(`SET LOCAL work_mem = '${tx.engine === 'postgres' ? '256MB' : '64MB'}'`);
  // The just-in-time compiler of a PostgreSQL server spends seconds compiling these large
  // queries (a third of a partition's time at a million accounts) and saves less than that.
  if (tx.engine === 'postgres') await tx.query('SET LOCAL jit = off');
  // A partition of a day is one of several running side by side, each on a core of its own:
  // no parallel workers of its own on top, which would crowd out the API's requests.
  if (tx.engine === 'postgres' && range)
    await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
  await tx.query(`CREATE TEMP TABLE ${table} ON COMMIT DROP AS ${ledgerStateSql(policy, range)}`, [
    asOf,
  ]);
}

/** A day before the last cycled one is cycled again only after a rewind to it. */
async function refuseBeforeLast(tx: SqlConnection, asOf: LocalDate): Promise<void> {
  const last = (await tx.query<{ d: string | null }>('SELECT max(as_of) AS d FROM cycle_runs'))
    .rows[0]?.d;
  if (last && last > asOf) {
    throw new Error(`cycle ${asOf} is before the last cycled date ${last}; rewind first`);
  }
}

async function dayStatus(q: SqlConnection, asOf: LocalDate): Promise<CycleDayStatus | null> {
  const day = (
    await q.query<{
      as_of: string;
      state: 'running' | 'done';
      partitions: number;
      started_at: Date | string;
      finished_at: Date | string | null;
      followed_at: Date | string | null;
    }>(
      'SELECT as_of::text AS as_of, state, partitions, started_at, finished_at, followed_at FROM cycle_days WHERE as_of = $1::date',
      [asOf],
    )
  ).rows[0];
  if (!day) return null;
  const parts = await q.query<{
    part: number;
    after_id: string | number;
    up_to_id: string | number | null;
    planned: number;
    state: 'pending' | 'running' | 'done';
    worker: string | null;
    attempts: number;
    started_at: Date | string | null;
    finished_at: Date | string | null;
    duration_ms: number | null;
    accounts: number | null;
    transitions: number | null;
    actions: number | null;
    last_error: string | null;
  }>(
    `SELECT part, after_id, up_to_id, planned, state, worker, attempts, started_at, finished_at,
            duration_ms, accounts, transitions, actions, last_error
     FROM cycle_partitions WHERE as_of = $1::date ORDER BY part`,
    [asOf],
  );
  const iso = (x: Date | string | null) => (x === null ? null : new Date(x).toISOString());
  return {
    asOf: day.as_of,
    state: day.state,
    partitions: day.partitions,
    done: parts.rows.filter((x) => x.state === 'done').length,
    startedAt: iso(day.started_at)!,
    finishedAt: iso(day.finished_at),
    followedAt: iso(day.followed_at),
    parts: parts.rows.map((x) => ({
      part: x.part,
      afterId: Number(x.after_id),
      upToId: x.up_to_id === null ? null : Number(x.up_to_id),
      planned: x.planned,
      state: x.state,
      worker: x.worker,
      attempts: x.attempts,
      startedAt: iso(x.started_at),
      finishedAt: iso(x.finished_at),
      durationMs: x.duration_ms,
      accounts: x.accounts,
      transitions: x.transitions,
      actions: x.actions,
      lastError: x.last_error,
    })),
  };
}

export class SqlCycleStore implements PartitionedCycleStore {
  constructor(
    private readonly db: Database,
    /** Scores and classifies the portfolio each day, before the strategy plans it. */
    private readonly scoring?: SqlScoringStore,
  ) {}

  async lastCycled(): Promise<LocalDate | null> {
    const r = await this.db.query<{ d: string | null }>('SELECT max(as_of) AS d FROM cycle_runs');
    return r.rows[0]?.d ?? null;
  }

  /** A day in `partitions` partitions, one after the other: the same steps as the workers'. */
  async runDay(
    asOf: LocalDate,
    policy: LedgerPolicy,
    startedAt: Date,
    planner?: DayPlanner,
    partitions = 1,
  ): Promise<CycleDayResult> {
    const day = await this.prepareDay(asOf, startedAt, partitions);
    for (const x of day.parts) await this.runPartition(asOf, x.part, policy, { planner });
    const r = await this.finishDay(asOf);
    if (!r) throw new Error(`cycle ${asOf}: a partition is not done`);
    return r;
  }

  prepareDay(asOf: LocalDate, startedAt: Date, partitions: number): Promise<CycleDayStatus> {
    if (!Number.isInteger(partitions) || partitions < 1)
      throw new RangeError(`partitions: ${partitions} is not a positive whole number`);
    return this.db.transaction(async (tx) => {
      // no partition of any day runs while a day is prepared
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CYCLE_LOCK]);
      await refuseBeforeLast(tx, asOf);
      if (this.scoring) await removeStaleScores(tx);
      // ranges balanced by count: the last id of each of `partitions` equal tiles of the ids
      const tiles = await tx.query<{ hi: string | number; n: number }>(
        `SELECT max(id) AS hi, count(*)::int AS n
         FROM (SELECT id, ntile($1) OVER (ORDER BY id) AS k FROM accounts) t
         GROUP BY k ORDER BY k`,
        [partitions],
      );
      const bounds = tiles.rows.length > 0 ? tiles.rows : [{ hi: 0, n: 0 }];
      await tx.query('DELETE FROM cycle_days WHERE as_of = $1::date', [asOf]);
      await tx.query(
        `INSERT INTO cycle_days (as_of, partitions, state, started_at, prepared_at)
         VALUES ($1::date, $2, 'running', $3, clock_timestamp())`,
        [asOf, bounds.length, startedAt.toISOString()],
      );
      await tx.query(
        `INSERT INTO cycle_partitions (as_of, part, after_id, up_to_id, planned)
         SELECT $1::date, b.part, b.after_id, b.up_to_id, b.planned
         FROM jsonb_to_recordset($2::jsonb) AS b(part integer, after_id bigint, up_to_id bigint,
           planned integer)`,
        [
          asOf,
          JSON.stringify(
            bounds.map((b, i) => ({
              part: i + 1,
              after_id: i === 0 ? 0 : Number(bounds[i - 1]!.hi),
              up_to_id: i === bounds.length - 1 ? null : Number(b.hi),
              planned: b.n,
            })),
          ),
        ],
      );
      return (await dayStatus(tx, asOf))!;
    });
  }

  /**
   * One partition of a day: every step of the day that is an account's own, for the accounts of
   * its range, in one transaction (plans and promises followed, the states, the transitions,
   * scores and tiers, the strategy's plan), and its share of the snapshot and of the scoring
   * recorded with it. Running it again changes nothing.
   */
  async runPartition(
    asOf: LocalDate,
    part: number,
    policy: LedgerPolicy,
    options: { planner?: DayPlanner; worker?: string; fault?: (step: string) => void } = {},
  ): Promise<CyclePartitionResult> {
    await this.db.query(
      `UPDATE cycle_partitions SET state = 'running', worker = $3, started_at = clock_timestamp(),
         attempts = attempts + 1, last_error = NULL
       WHERE as_of = $1::date AND part = $2`,
      [asOf, part, options.worker ?? 'in-process'],
    );
    const fault = options.fault ?? (() => {});
    try {
      return await this.db.transaction(async (tx) => {
        const t0 = performance.now();
        // partitions of a day run side by side; a preparation or a rewind waits for them
        await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [CYCLE_LOCK]);
        await refuseBeforeLast(tx, asOf);
        const row = (
          await tx.query<{ after_id: string | number; up_to_id: string | number | null }>(
            'SELECT after_id, up_to_id FROM cycle_partitions WHERE as_of = $1::date AND part = $2',
            [asOf, part],
          )
        ).rows[0];
        if (!row) throw new Error(`cycle ${asOf} has no partition ${part}; prepare the day first`);
        const range: IdRange = {
          after: Number(row.after_id),
          upTo: row.up_to_id === null ? null : Number(row.up_to_id),
        };
        const mine = (column: string) => inRange(column, range);
        // plans paid or broken today change today's schedule, so they come before the state
        await followPlans(tx, asOf, range);
        await computeInto(tx, 'cycle_new', asOf, policy, range);
        fault('state');
        // The bucket each account had before this date: on a re-run of the same date, the
        // transition recorded for it says what it was.
        await tx.query(
          `CREATE TEMP TABLE cycle_prev ON COMMIT DROP AS
           SELECT s.account_id,
                  CASE WHEN t.account_id IS NULL THEN s.bucket ELSE t.from_bucket END AS bucket
           FROM account_states s
           LEFT JOIN bucket_transitions t ON t.account_id = s.account_id AND t.on_date = $1::date
           WHERE ${mine('s.account_id')}`,
          [asOf],
        );
        await tx.query(
          `DELETE FROM bucket_transitions WHERE on_date = $1::date AND ${mine('account_id')}`,
          [asOf],
        );
        const transitions = await tx.query(
          `INSERT INTO bucket_transitions (account_id, on_date, from_bucket, to_bucket)
           SELECT n.account_id, $1::date, p.bucket, n.bucket
           FROM cycle_new n LEFT JOIN cycle_prev p ON p.account_id = n.account_id
           WHERE p.bucket IS DISTINCT FROM n.bucket`,
          [asOf],
        );
        const cols = STATE_COLUMNS.join(', ');
        await tx.query(
          // only the new and the changed states reach the upsert (most accounts keep theirs
          // from one day to the next, and an unchanged row would still be locked)
          `INSERT INTO account_states (account_id, ${cols})
           SELECT n.account_id, ${STATE_COLUMNS.map((c) => `n.${c}`).join(', ')}
           FROM cycle_new n LEFT JOIN account_states s ON s.account_id = n.account_id
           WHERE s.account_id IS NULL
              OR (${STATE_COLUMNS.map((c) => `s.${c}`).join(', ')})
                 IS DISTINCT FROM (${STATE_COLUMNS.map((c) => `n.${c}`).join(', ')})
           ON CONFLICT (account_id) DO UPDATE SET
             ${STATE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
           WHERE (${STATE_COLUMNS.map((c) => `account_states.${c}`).join(', ')})
             IS DISTINCT FROM (${STATE_COLUMNS.map((c) => `EXCLUDED.${c}`).join(', ')})`,
        );
        fault('states');
        // promises kept or broken today change today's scores and plan
        await followPromises(tx, asOf, range);
        const score = this.scoring
          ? await scoreAccounts(
              tx,
              asOf,
              'cycle_new',
              policy,
              await this.scoring.classification(tx),
              undefined,
              range,
            )
          : undefined;
        fault('scores');
        const plan = options.planner
          ? await planDay(tx, asOf, 'cycle_new', options.planner, range)
          : { strategyVersionId: null, actions: 0, planMs: 0 };
        fault('plan');
        await tx.query(
          'DELETE FROM cycle_partition_snapshots WHERE as_of = $1::date AND part = $2',
          [asOf, part],
        );
        const snap = await tx.query<{ n: number }>(
          `WITH s AS (
             INSERT INTO cycle_partition_snapshots (as_of, part, product, currency, bucket,
               accounts, outstanding, arrears)
             SELECT $1::date, $2, product, currency, bucket, count(*), sum(outstanding), sum(arrears)
             FROM cycle_new GROUP BY product, currency, bucket
             RETURNING accounts)
           SELECT COALESCE(sum(accounts), 0)::bigint AS n FROM s`,
          [asOf, part],
        );
        const accounts = Number(snap.rows[0]?.n ?? 0);
        const durationMs = Math.round(performance.now() - t0);
        await tx.query(
          `UPDATE cycle_partitions SET state = 'done', finished_at = clock_timestamp(),
             duration_ms = $3, accounts = $4, transitions = $5, actions = $6, plan_ms = $7,
             score_ms = $8, strategy_version_id = $9, scoring = $10::jsonb
           WHERE as_of = $1::date AND part = $2`,
          [
            asOf,
            part,
            durationMs,
            accounts,
            transitions.rowCount,
            plan.actions,
            plan.planMs,
            score?.scoreMs ?? null,
            plan.strategyVersionId,
            score ? JSON.stringify(score.partials) : null,
          ],
        );
        fault('done');
        return {
          asOf,
          part,
          accounts,
          transitions: transitions.rowCount,
          actions: plan.actions,
          durationMs,
        };
      });
    } catch (e) {
      // what it did is rolled back; the partition waits to be done again
      await this.db
        .query(
          `UPDATE cycle_partitions SET state = 'pending', last_error = $3
           WHERE as_of = $1::date AND part = $2 AND state = 'running'`,
          [asOf, part, (e instanceof Error ? e.message : String(e)).slice(0, 2000)],
        )
        .catch(() => {});
      throw e;
    }
  }

  /**
   * Finishes a day whose partitions are all done: the portfolio snapshot and the day's scoring
   * summed from theirs, and the run recorded. Running it again changes nothing.
   */
  finishDay(asOf: LocalDate): Promise<CycleDayResult | null> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CYCLE_LOCK]);
      await refuseBeforeLast(tx, asOf);
      const parts = await tx.query<{
        state: string;
        accounts: number | null;
        transitions: number | null;
        actions: number | null;
        plan_ms: number | null;
        score_ms: number | null;
        strategy_version_id: string | number | null;
        scoring: ScorePartial[] | null;
      }>(
        `SELECT state, accounts, transitions, actions, plan_ms, score_ms, strategy_version_id,
                scoring
         FROM cycle_partitions WHERE as_of = $1::date ORDER BY part`,
        [asOf],
      );
      if (parts.rows.length === 0 || parts.rows.some((x) => x.state !== 'done')) return null;
      const sum = (f: (x: (typeof parts.rows)[number]) => number | null) =>
        parts.rows.reduce((t, x) => t + (f(x) ?? 0), 0);
      await tx.query('DELETE FROM portfolio_snapshots WHERE as_of = $1::date', [asOf]);
      await tx.query(
        `INSERT INTO portfolio_snapshots (as_of, product, currency, bucket, accounts, outstanding, arrears)
         SELECT as_of, product, currency, bucket, sum(accounts), sum(outstanding), sum(arrears)
         FROM cycle_partition_snapshots WHERE as_of = $1::date
         GROUP BY as_of, product, currency, bucket`,
        [asOf],
      );
      const t0 = performance.now();
      const scored = this.scoring
        ? await finishScores(
            tx,
            asOf,
            parts.rows.map((x) => x.scoring ?? []),
          )
        : undefined;
      const accounts = sum((x) => x.accounts);
      const transitions = sum((x) => x.transitions);
      const actions = sum((x) => x.actions);
      const planMs = sum((x) => x.plan_ms);
      const scoreMs = sum((x) => x.score_ms) + Math.round(performance.now() - t0);
      const version = parts.rows.find((x) => x.strategy_version_id !== null)?.strategy_version_id;
      const strategyVersionId = version === undefined || version === null ? null : Number(version);
      const run = await tx.query<{ duration_ms: number }>(
        `INSERT INTO cycle_runs (as_of, accounts, transitions, started_at, finished_at, duration_ms,
           strategy_version_id, actions, plan_ms)
         SELECT $1::date, $2, $3, d.started_at, clock_timestamp(),
                round(extract(epoch FROM clock_timestamp() - d.prepared_at) * 1000)::int,
                $4, $5, $6
         FROM cycle_days d WHERE d.as_of = $1::date
         ON CONFLICT (as_of) DO UPDATE SET accounts = EXCLUDED.accounts,
           transitions = EXCLUDED.transitions, started_at = EXCLUDED.started_at,
           finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms,
           strategy_version_id = EXCLUDED.strategy_version_id, actions = EXCLUDED.actions,
           plan_ms = EXCLUDED.plan_ms
         RETURNING duration_ms`,
        [asOf, accounts, transitions, strategyVersionId, actions, planMs],
      );
      await tx.query(
        `UPDATE cycle_days SET state = 'done', finished_at = clock_timestamp() WHERE as_of = $1::date`,
        [asOf],
      );
      return {
        asOf,
        accounts,
        transitions,
        durationMs: run.rows[0]?.duration_ms ?? 0,
        strategyVersionId,
        actions,
        planMs,
        ...(scored ? { scoreMs, scored } : {}),
      };
    });
  }

  async dayFollowed(asOf: LocalDate): Promise<void> {
    await this.db.query(
      `UPDATE cycle_days SET followed_at = clock_timestamp() WHERE as_of = $1::date AND state = 'done'`,
      [asOf],
    );
  }

  async status(asOf?: LocalDate): Promise<CycleDayStatus | null> {
    const day =
      asOf ??
      (await this.db.query<{ d: string | null }>('SELECT max(as_of)::text AS d FROM cycle_days'))
        .rows[0]?.d;
    return day ? dayStatus(this.db, day) : null;
  }

  rewind(from: LocalDate, policy: LedgerPolicy): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CYCLE_LOCK]);
      await tx.query('DELETE FROM bucket_transitions WHERE on_date >= $1::date', [from]);
      await tx.query('DELETE FROM portfolio_snapshots WHERE as_of >= $1::date', [from]);
      await tx.query('DELETE FROM cycle_runs WHERE as_of >= $1::date', [from]);
      await tx.query('DELETE FROM cycle_days WHERE as_of >= $1::date', [from]);
      await rewindScores(tx, from);
      await rewindPromises(tx, from);
      await rewindPlans(tx, from);
      await restoreStrategyState(tx, from);
      await tx.query('DELETE FROM account_states');
      const prev = (await tx.query<{ d: string | null }>('SELECT max(as_of) AS d FROM cycle_runs'))
        .rows[0]?.d;
      if (!prev) return;
      await computeInto(tx, 'cycle_new', prev, policy);
      const cols = STATE_COLUMNS.join(', ');
      await tx.query(
        `INSERT INTO account_states (account_id, ${cols}) SELECT account_id, ${cols} FROM cycle_new`,
      );
    });
  }

  async runs(limit: number): Promise<CycleRun[]> {
    const r = await this.db.query<{
      as_of: string;
      accounts: number;
      transitions: number;
      duration_ms: number;
      started_at: string;
      finished_at: string;
      strategy_version_id: number | null;
      actions: number;
      plan_ms: number;
    }>('SELECT * FROM cycle_runs ORDER BY as_of DESC LIMIT $1', [limit]);
    return r.rows.map((x) => ({
      asOf: x.as_of,
      accounts: x.accounts,
      transitions: x.transitions,
      durationMs: x.duration_ms,
      startedAt: x.started_at,
      finishedAt: x.finished_at,
      strategyVersionId: x.strategy_version_id,
      actions: x.actions,
      planMs: x.plan_ms,
    }));
  }
}

const EXPORT_PAGE = 20_000;

/** Computes states as of a date without recording them, for export. */
export class SqlStateExporter implements StateExporter {
  constructor(private readonly db: Database) {}

  statesAsOf(
    asOf: LocalDate,
    policy: LedgerPolicy,
    sink: (rows: AccountStateRow[]) => Promise<void>,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      await computeInto(tx, 'export_states', asOf, policy);
      let after = 0;
      let total = 0;
      for (;;) {
        const r = await tx.query<{
          id: number;
          account_id: string;
          customer_id: string;
          product: string;
          currency: string;
          outstanding: number;
          arrears: number;
          past_due_days: number;
          delinquent_days: number;
          bucket: string;
          next_due_date: string | null;
          last_paid_on: string | null;
          on_hold: boolean;
          ageing: Record<string, number>;
        }>(
          `SELECT s.account_id AS id, a.external_id AS account_id, c.external_id AS customer_id,
                  s.product, s.currency, s.outstanding, s.arrears, s.past_due_days,
                  s.delinquent_days, s.bucket, s.next_due_date, s.last_paid_on,
                  s.on_hold, s.ageing
           FROM export_states s
           JOIN accounts a ON a.id = s.account_id
           JOIN customers c ON c.id = a.customer_id
           WHERE s.account_id > $1 ORDER BY s.account_id LIMIT $2`,
          [after, EXPORT_PAGE],
        );
        if (r.rows.length === 0) break;
        after = r.rows.at(-1)!.id;
        total += r.rows.length;
        await sink(
          r.rows.map((x) => ({
            accountId: x.account_id,
            customerId: x.customer_id,
            product: x.product,
            currency: x.currency,
            outstanding: x.outstanding,
            arrears: x.arrears,
            pastDueDays: x.past_due_days,
            delinquentDays: x.delinquent_days,
            bucket: x.bucket,
            nextDueDate: x.next_due_date,
            lastPaidOn: x.last_paid_on,
            onHold: x.on_hold,
            ageing: x.ageing,
          })),
        );
      }
      return total;
    });
  }
}
