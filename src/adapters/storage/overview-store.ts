/**
 * The overview's figures, aggregated in SQL: snapshot rows of a day, daily totals over a range
 * (one row per day and currency), and the day's planned actions, contacts, payments, promises
 * and finished calls and visits, each one grouped query.
 */
import type { DayWork, OverviewReader, SnapshotRow } from '../../app/overview/ports.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { SqlConnection } from './sql-client.ts';

const n = (v: unknown): number => Number(v);
const day = (v: unknown): LocalDate =>
  (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)) as LocalDate;

export class SqlOverviewReader implements OverviewReader {
  constructor(private readonly db: SqlConnection) {}

  async lastCycled(): Promise<LocalDate | null> {
    const r = await this.db.query<{ d: unknown }>('SELECT max(as_of)::text AS d FROM cycle_runs');
    const d = r.rows[0]?.d;
    return d ? day(d) : null;
  }

  async snapshotsOn(d: LocalDate): Promise<SnapshotRow[]> {
    const r = await this.db.query<Record<string, unknown>>(
      `SELECT as_of::text AS as_of, product, currency, bucket, accounts, outstanding, arrears
         FROM portfolio_snapshots WHERE as_of = $1 ORDER BY product, currency, bucket`,
      [d],
    );
    return r.rows.map((x) => ({
      asOf: day(x.as_of),
      product: String(x.product),
      currency: String(x.currency),
      bucket: String(x.bucket),
      accounts: n(x.accounts),
      outstanding: n(x.outstanding),
      arrears: n(x.arrears),
    }));
  }

  async dailyTotals(from: LocalDate, to: LocalDate) {
    const r = await this.db.query<Record<string, unknown>>(
      `SELECT as_of::text AS as_of, currency, sum(accounts) AS accounts,
              sum(accounts) FILTER (WHERE bucket <> 'current') AS delinquent,
              sum(outstanding) AS outstanding, sum(arrears) AS arrears
         FROM portfolio_snapshots WHERE as_of BETWEEN $1 AND $2
        GROUP BY as_of, currency ORDER BY as_of, currency`,
      [from, to],
    );
    return r.rows.map((x) => ({
      asOf: day(x.as_of),
      currency: String(x.currency),
      accounts: n(x.accounts),
      delinquent: n(x.delinquent ?? 0),
      outstanding: n(x.outstanding),
      arrears: n(x.arrears),
    }));
  }

  async dayWork(d: LocalDate): Promise<DayWork> {
    const [actions, dispatches, payments, promises, outcomes] = [
      await this.db.query<Record<string, unknown>>(
        `SELECT channel, status, count(*) AS count FROM planned_actions WHERE planned_for = $1
          GROUP BY channel, status ORDER BY channel, status`,
        [d],
      ),
      await this.db.query<Record<string, unknown>>(
        `SELECT channel, state, count(*) AS count FROM dispatches WHERE planned_for = $1
          GROUP BY channel, state ORDER BY channel, state`,
        [d],
      ),
      await this.db.query<Record<string, unknown>>(
        `SELECT a.currency, count(*) AS count, sum(p.amount) AS amount
           FROM payments p JOIN accounts a ON a.id = p.account_id WHERE p.paid_on = $1
          GROUP BY a.currency ORDER BY a.currency`,
        [d],
      ),
      await this.db.query<Record<string, unknown>>(
        `SELECT a.currency, count(*) AS count, sum(pr.amount) AS amount
           FROM promises pr JOIN accounts a ON a.id = pr.account_id WHERE pr.made_on = $1
          GROUP BY a.currency ORDER BY a.currency`,
        [d],
      ),
      await this.db.query<Record<string, unknown>>(
        `SELECT kind, outcome, count(*) AS count FROM tasks
          WHERE state = 'done' AND due_on = $1 AND outcome IS NOT NULL
          GROUP BY kind, outcome ORDER BY kind, outcome`,
        [d],
      ),
    ];
    return {
      actions: actions.rows.map((x) => ({
        channel: String(x.channel),
        status: String(x.status),
        count: n(x.count),
      })),
      dispatches: dispatches.rows.map((x) => ({
        channel: String(x.channel),
        state: String(x.state),
        count: n(x.count),
      })),
      payments: payments.rows.map((x) => ({
        currency: String(x.currency),
        count: n(x.count),
        amount: n(x.amount),
      })),
      promises: promises.rows.map((x) => ({
        currency: String(x.currency),
        count: n(x.count),
        amount: n(x.amount),
      })),
      outcomes: outcomes.rows.map((x) => ({
        kind: String(x.kind),
        outcome: String(x.outcome),
        count: n(x.count),
      })),
    };
  }
}
