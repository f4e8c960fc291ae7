/** The daily cycle in SQL: one transaction per day, set-based over the whole portfolio. */
import type { CycleDayResult, CycleRun, CycleStore } from '../../app/cycle/ports.ts';
import type { AccountStateRow, StateExporter } from '../../app/export/ports.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { ledgerStateSql } from './ledger-state-sql.ts';
import { followPlans, rewindPlans } from './plan-follow.ts';
import { followPromises, rewindPromises } from './promise-follow.ts';
import { rewindScores, scoreDay, type SqlScoringStore } from './scoring-store.ts';
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
) {
  // Sort and hash millions of instalment rows in memory rather than in temporary files.
  await tx.query(`SET LOCAL work_mem = '${tx.engine === 'postgres' ? '256MB' : '64MB'}'`);
  await tx.query(`CREATE TEMP TABLE ${table} ON COMMIT DROP AS ${ledgerStateSql(policy)}`, [asOf]);
}

export class SqlCycleStore implements CycleStore {
  constructor(
    private readonly db: Database,
    /** Scores and classifies the portfolio each day, before the strategy plans it. */
    private readonly scoring?: SqlScoringStore,
  ) {}

  async lastCycled(): Promise<LocalDate | null> {
    const r = await this.db.query<{ d: string | null }>('SELECT max(as_of) AS d FROM cycle_runs');
    return r.rows[0]?.d ?? null;
  }

  runDay(
    asOf: LocalDate,
    policy: LedgerPolicy,
    startedAt: Date,
    planner?: DayPlanner,
  ): Promise<CycleDayResult> {
    return this.db.transaction(async (tx) => {
      const t0 = performance.now();
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CYCLE_LOCK]);
      const last = (await tx.query<{ d: string | null }>('SELECT max(as_of) AS d FROM cycle_runs'))
        .rows[0]?.d;
      if (last && last > asOf) {
        throw new Error(`cycle ${asOf} is before the last cycled date ${last}; rewind first`);
      }
      // plans paid or broken today change today's schedule, so they come before the state
      await followPlans(tx, asOf);
      await computeInto(tx, 'cycle_new', asOf, policy);
      // The bucket each account had before this date: on a re-run of the same date, the
      // transition recorded for it says what it was.
      await tx.query(
        `CREATE TEMP TABLE cycle_prev ON COMMIT DROP AS
         SELECT s.account_id,
                CASE WHEN t.account_id IS NULL THEN s.bucket ELSE t.from_bucket END AS bucket
         FROM account_states s
         LEFT JOIN bucket_transitions t ON t.account_id = s.account_id AND t.on_date = $1::date`,
        [asOf],
      );
      await tx.query('DELETE FROM bucket_transitions WHERE on_date = $1::date', [asOf]);
      const transitions = await tx.query(
        `INSERT INTO bucket_transitions (account_id, on_date, from_bucket, to_bucket)
         SELECT n.account_id, $1::date, p.bucket, n.bucket
         FROM cycle_new n LEFT JOIN cycle_prev p ON p.account_id = n.account_id
         WHERE p.bucket IS DISTINCT FROM n.bucket`,
        [asOf],
      );
      const cols = STATE_COLUMNS.join(', ');
      await tx.query(
        `INSERT INTO account_states (account_id, ${cols})
         SELECT account_id, ${cols} FROM cycle_new
         ON CONFLICT (account_id) DO UPDATE SET
           ${STATE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
         WHERE (${STATE_COLUMNS.map((c) => `account_states.${c}`).join(', ')})
           IS DISTINCT FROM (${STATE_COLUMNS.map((c) => `EXCLUDED.${c}`).join(', ')})`,
      );
      // promises kept or broken today change today's scores and plan
      await followPromises(tx, asOf);
      const score = this.scoring
        ? await scoreDay(tx, asOf, 'cycle_new', policy, await this.scoring.classification(tx))
        : undefined;
      const plan = planner
        ? await planDay(tx, asOf, 'cycle_new', planner)
        : { strategyVersionId: null, actions: 0, planMs: 0 };
      await tx.query('DELETE FROM portfolio_snapshots WHERE as_of = $1::date', [asOf]);
      const snap = await tx.query<{ n: number }>(
        `WITH s AS (
           INSERT INTO portfolio_snapshots (as_of, product, currency, bucket, accounts, outstanding, arrears)
           SELECT $1::date, product, currency, bucket, count(*), sum(outstanding), sum(arrears)
           FROM cycle_new GROUP BY product, currency, bucket
           RETURNING accounts)
         SELECT COALESCE(sum(accounts), 0)::bigint AS n FROM s`,
        [asOf],
      );
      const accounts = Number(snap.rows[0]?.n ?? 0);
      const durationMs = Math.round(performance.now() - t0);
      await tx.query(
        `INSERT INTO cycle_runs (as_of, accounts, transitions, started_at, finished_at, duration_ms,
           strategy_version_id, actions, plan_ms)
         VALUES ($1::date, $2, $3, $4, clock_timestamp(), $5, $6, $7, $8)
         ON CONFLICT (as_of) DO UPDATE SET accounts = EXCLUDED.accounts,
           transitions = EXCLUDED.transitions, started_at = EXCLUDED.started_at,
           finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms,
           strategy_version_id = EXCLUDED.strategy_version_id, actions = EXCLUDED.actions,
           plan_ms = EXCLUDED.plan_ms`,
        [
          asOf,
          accounts,
          transitions.rowCount,
          startedAt.toISOString(),
          durationMs,
          plan.strategyVersionId,
          plan.actions,
          plan.planMs,
        ],
      );
      return {
        asOf,
        accounts,
        transitions: transitions.rowCount,
        durationMs,
        ...plan,
        ...(score ? { scoreMs: score.scoreMs, scored: score.purposes } : {}),
      };
    });
  }

  rewind(from: LocalDate, policy: LedgerPolicy): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [CYCLE_LOCK]);
      await tx.query('DELETE FROM bucket_transitions WHERE on_date >= $1::date', [from]);
      await tx.query('DELETE FROM portfolio_snapshots WHERE as_of >= $1::date', [from]);
      await tx.query('DELETE FROM cycle_runs WHERE as_of >= $1::date', [from]);
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
