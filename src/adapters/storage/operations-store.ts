/**
 * What the operations endpoints read: the readiness checks and the gauges counted at each
 * metrics scrape. Every reading is one set-based query over an index (see
 * migrations/020_operations_indexes.sql), so a scrape every few seconds costs next to nothing.
 */
import { toInstant, type Database } from './sql-client.ts';

export interface LastCycle {
  asOf: string;
  accounts: number;
  transitions: number;
  actions: number;
  durationMs: number;
  finishedAt: Date;
}

const n = (v: unknown) => Number(v ?? 0);

export class SqlOperationsStore {
  constructor(private readonly db: Database) {}

  /** The database answers. */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** The versions recorded in schema_migrations (none when the table is missing). */
  async appliedMigrations(): Promise<number[]> {
    const t = await this.db.query<{ t: string | null }>(
      "SELECT to_regclass('schema_migrations')::text AS t",
    );
    if (!t.rows[0]?.t) return [];
    const r = await this.db.query<{ version: number }>('SELECT version FROM schema_migrations');
    return r.rows.map((x) => n(x.version));
  }

  /** Jobs not done, by kind and state (pending, running, dead). */
  async openJobs(): Promise<{ kind: string; state: string; jobs: number }[]> {
    const r = await this.db.query<{ kind: string; state: string; n: unknown }>(
      "SELECT kind, state, count(*) AS n FROM jobs WHERE state <> 'done' GROUP BY 1, 2",
    );
    return r.rows.map((x) => ({ kind: x.kind, state: x.state, jobs: n(x.n) }));
  }

  /** A planned day's dispatches by channel and state. */
  async dispatchesOn(
    day: string,
  ): Promise<{ channel: string; state: string; dispatches: number }[]> {
    const r = await this.db.query<{ channel: string; state: string; n: unknown }>(
      'SELECT channel, state, count(*) AS n FROM dispatches WHERE planned_for = $1::date GROUP BY 1, 2',
      [day],
    );
    return r.rows.map((x) => ({ channel: x.channel, state: x.state, dispatches: n(x.n) }));
  }

  /** Contacts the compliance rules blocked on a day of the business zone, by rule. */
  async blocksOn(day: string, zone: string): Promise<{ rule: string; blocks: number }[]> {
    const r = await this.db.query<{ rule: string | null; n: unknown }>(
      `SELECT r->>'rule' AS rule, count(*) AS n
       FROM compliance_decisions d CROSS JOIN LATERAL jsonb_array_elements(d.reasons) r
       WHERE d.decision = 'DENY'
         AND d.proposed_at >= ($1::date)::timestamp AT TIME ZONE $2
         AND d.proposed_at < ($1::date + 1)::timestamp AT TIME ZONE $2
       GROUP BY 1`,
      [day, zone],
    );
    return r.rows.map((x) => ({ rule: x.rule ?? 'unknown', blocks: n(x.n) }));
  }

  /** The cycle run that finished last. */
  async lastCycle(): Promise<LastCycle | null> {
    const r = await this.db.query<Record<string, unknown>>(
      `SELECT as_of::text AS as_of, accounts, transitions, actions, duration_ms, finished_at
       FROM cycle_runs ORDER BY finished_at DESC LIMIT 1`,
    );
    const x = r.rows[0];
    if (!x) return null;
    return {
      asOf: String(x.as_of),
      accounts: n(x.accounts),
      transitions: n(x.transitions),
      actions: n(x.actions),
      durationMs: n(x.duration_ms),
      finishedAt: toInstant(x.finished_at)!,
    };
  }
}
