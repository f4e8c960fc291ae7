/** A digest of what the daily cycle writes, to compare two runs of the same days. */
import type { Platform } from '../../src/adapters/platform.ts';

/** What the cycle writes, table by table: an md5 of its rows in order (ids and clocks left out). */
const TABLES: Record<string, string> = {
  account_states: 'SELECT s.* FROM account_states s ORDER BY account_id',
  bucket_transitions: 'SELECT * FROM bucket_transitions ORDER BY account_id, on_date',
  planned_actions: `SELECT idempotency_key, account_id, strategy_version_id, segment_id, step_id,
      channel, template, priority, on_fail, planned_for, status, reason
    FROM planned_actions ORDER BY idempotency_key`,
  strategy_path_events: `SELECT account_id, on_date, strategy_version_id, segment_id, bucket,
      exit_reason FROM strategy_path_events ORDER BY account_id, on_date, segment_id`,
  strategy_assignments: 'SELECT * FROM strategy_assignments ORDER BY account_id',
  experiment_assignments: 'SELECT * FROM experiment_assignments ORDER BY experiment_id, account_id',
  account_scores: 'SELECT * FROM account_scores ORDER BY account_id, purpose',
  account_tiers: 'SELECT * FROM account_tiers ORDER BY account_id',
  score_snapshots: 'SELECT * FROM score_snapshots ORDER BY purpose, as_of, account_id',
  score_snapshot_runs: `SELECT purpose, as_of, model_id, horizon_days, accounts, followed_to
    FROM score_snapshot_runs ORDER BY purpose, as_of`,
  score_runs: 'SELECT purpose, as_of, model_id, accounts FROM score_runs ORDER BY purpose, as_of',
  score_monitoring: `SELECT as_of, purpose, model_id, accounts, round(psi::numeric, 9) AS psi,
      alerts FROM score_monitoring ORDER BY as_of, purpose`,
  portfolio_snapshots:
    'SELECT * FROM portfolio_snapshots ORDER BY as_of, product, currency, bucket',
  cycle_runs: `SELECT as_of, accounts, transitions, strategy_version_id, actions
    FROM cycle_runs ORDER BY as_of`,
  promises: `SELECT id, account_id, status, paid, resolved_on, late FROM promises ORDER BY id`,
  promise_tasks: `SELECT account_id, promise_id, queue, due_on, state, reason FROM tasks
    WHERE source = 'broken_promise' ORDER BY promise_id`,
};

export async function digests(p: Platform): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, sql] of Object.entries(TABLES)) {
    const r = await p.db.query<{ md5: string | null; n: number }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY n)) AS md5, count(*)::int AS n
       FROM (SELECT x, row_number() OVER () AS n FROM (${sql}) x) q(t, n)`,
    );
    out[name] = `${r.rows[0]!.n}:${r.rows[0]!.md5 ?? '-'}`;
  }
  return out;
}
