/** Experiments and the per-account outcomes their results are computed from. */
import type {
  ArmAccountOutcome,
  Experiment,
  ExperimentStatus,
  ExperimentStore,
} from '../../app/experiment/ports.ts';
import type { ArmDoc } from '../../domain/experiment/experiment.ts';
import type { Database } from './sql-client.ts';

interface Row {
  id: string;
  name: string;
  population: string;
  arms: ArmDoc[];
  status: ExperimentStatus;
  starts_on: string;
  ends_on: string | null;
  created_by: string;
  created_at: string;
  promoted_arm: string | null;
  closed_by: string | null;
  closed_at: string | null;
}

const toExperiment = (r: Row): Experiment => ({
  id: r.id,
  name: r.name,
  population: r.population,
  arms: r.arms,
  status: r.status,
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  createdBy: r.created_by,
  createdAt: r.created_at,
  promotedArm: r.promoted_arm,
  closedBy: r.closed_by,
  closedAt: r.closed_at,
});

export class SqlExperimentStore implements ExperimentStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<Experiment[]> {
    const r = await this.db.query<Row>('SELECT * FROM experiments ORDER BY starts_on DESC, id');
    return r.rows.map(toExperiment);
  }

  async get(id: string): Promise<Experiment | null> {
    const r = await this.db.query<Row>('SELECT * FROM experiments WHERE id = $1', [id]);
    return r.rows[0] ? toExperiment(r.rows[0]) : null;
  }

  async insert(e: Parameters<ExperimentStore['insert']>[0]): Promise<Experiment> {
    const r = await this.db.query<Row>(
      `INSERT INTO experiments (id, name, population, arms, status, starts_on, ends_on, created_by)
       VALUES ($1, $2, $3, $4::jsonb, 'running', $5::date, $6::date, $7) RETURNING *`,
      [e.id, e.name, e.population, JSON.stringify(e.arms), e.startsOn, e.endsOn, e.createdBy],
    );
    return toExperiment(r.rows[0]!);
  }

  async close(
    id: string,
    status: 'stopped' | 'promoted',
    by: string,
    arm: string | null,
    on: string,
  ) {
    const r = await this.db.query<Row>(
      `UPDATE experiments SET status = $2, closed_by = $3, promoted_arm = $4, closed_at = now(),
         ends_on = LEAST(COALESCE(ends_on, $5::date), $5::date)
       WHERE id = $1 AND status = 'running' RETURNING *`,
      [id, status, by, arm, on],
    );
    if (!r.rows[0]) throw new Error(`experiment ${id} is not running`);
    return toExperiment(r.rows[0]);
  }

  async outcomes(
    id: string,
    asOf: string,
    buckets: readonly { product: string; bucket: string; ord: number }[],
  ): Promise<ArmAccountOutcome[]> {
    const r = await this.db.query<{
      arm: string;
      currency: string;
      delinquent_at_entry: boolean;
      cured: boolean;
      rolled_forward: boolean;
      balance: number;
      collected: number;
      actions: Record<string, number> | null;
    }>(
      `WITH b AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS b(product text, bucket text, ord integer)),
       m AS (
         SELECT ea.account_id, ea.arm, ea.assigned_on, ea.balance, a.currency, a.product,
                eb.ord AS entry_ord
         FROM experiment_assignments ea
         JOIN accounts a ON a.id = ea.account_id
         JOIN b eb ON eb.product = a.product AND eb.bucket = ea.bucket
         WHERE ea.experiment_id = $1 AND ea.assigned_on <= $2::date
       )
       SELECT m.arm, m.currency, m.entry_ord > 0 AS delinquent_at_entry, m.balance,
              m.entry_ord > 0 AND EXISTS (
                SELECT 1 FROM bucket_transitions t JOIN b tb ON tb.product = m.product AND tb.bucket = t.to_bucket
                WHERE t.account_id = m.account_id AND t.on_date > m.assigned_on AND t.on_date <= $2::date
                  AND tb.ord = 0) AS cured,
              EXISTS (
                SELECT 1 FROM bucket_transitions t JOIN b tb ON tb.product = m.product AND tb.bucket = t.to_bucket
                WHERE t.account_id = m.account_id AND t.on_date > m.assigned_on AND t.on_date <= $2::date
                  AND tb.ord > m.entry_ord) AS rolled_forward,
              COALESCE((SELECT sum(p.amount) FROM payments p WHERE p.account_id = m.account_id
                AND p.paid_on > m.assigned_on AND p.paid_on <= $2::date), 0)::bigint AS collected,
              (SELECT jsonb_object_agg(x.channel, x.n) FROM (
                 SELECT pa.channel, count(*) AS n FROM planned_actions pa
                 WHERE pa.account_id = m.account_id AND pa.status = 'planned'
                   AND pa.planned_for >= m.assigned_on AND pa.planned_for <= $2::date
                 GROUP BY pa.channel) x) AS actions
       FROM m`,
      [id, asOf, JSON.stringify(buckets)],
    );
    return r.rows.map((x) => ({
      arm: x.arm,
      currency: x.currency,
      delinquentAtEntry: x.delinquent_at_entry,
      cured: x.cured,
      rolledForward: x.rolled_forward,
      balanceAtEntry: x.balance,
      collected: x.collected,
      actions: x.actions ?? {},
    }));
  }
}
