/** Strategy versions: drafts, published versions with effective dates, retired ones. */
import type {
  ActionFilter,
  ActionView,
  NewVersion,
  StrategyStore,
  StrategyVersion,
  VersionStatus,
} from '../../app/strategy/ports.ts';
import type { Database, SqlConnection } from './sql-client.ts';

interface Row {
  id: number;
  strategy_id: string;
  version: number;
  name: string;
  source: string;
  status: VersionStatus;
  effective_from: string | null;
  created_by: string;
  created_at: string;
  published_by: string | null;
  published_at: string | null;
  publish_reason: string | null;
  retired_at: string | null;
}

const toVersion = (r: Row): StrategyVersion => ({
  id: r.id,
  strategyId: r.strategy_id,
  version: r.version,
  name: r.name,
  source: r.source,
  status: r.status,
  effectiveFrom: r.effective_from,
  createdBy: r.created_by,
  createdAt: r.created_at,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
  publishReason: r.publish_reason,
  retiredAt: r.retired_at,
});

const LOCK = 7_146_235_003;

/** The published version of a strategy in force on a date. */
export async function versionInForce(
  q: SqlConnection,
  strategyId: string,
  date: string,
): Promise<StrategyVersion | null> {
  const r = await q.query<Row>(
    `SELECT * FROM strategy_versions
     WHERE strategy_id = $1 AND status = 'published' AND effective_from <= $2::date
     ORDER BY effective_from DESC, version DESC LIMIT 1`,
    [strategyId, date],
  );
  return r.rows[0] ? toVersion(r.rows[0]) : null;
}

export async function versionRow(
  q: SqlConnection,
  strategyId: string,
  version: number,
): Promise<StrategyVersion | null> {
  const r = await q.query<Row>(
    'SELECT * FROM strategy_versions WHERE strategy_id = $1 AND version = $2',
    [strategyId, version],
  );
  return r.rows[0] ? toVersion(r.rows[0]) : null;
}

export async function activeStrategyId(q: SqlConnection): Promise<string> {
  const r = await q.query<{ value: string }>(
    "SELECT value FROM settings WHERE key = 'strategy.active'",
  );
  return r.rows[0]?.value ?? 'default';
}

export class SqlStrategyStore implements StrategyStore {
  constructor(private readonly db: Database) {}

  async actions(
    filter: ActionFilter,
    after: number | undefined,
    limit: number,
  ): Promise<ActionView[]> {
    const r = await this.db.query<{
      id: number;
      idempotency_key: string;
      account: string;
      planned_for: string;
      strategy_version_id: number;
      segment_id: string;
      step_id: string;
      channel: string;
      template: string;
      priority: number;
      on_fail: unknown;
      status: string;
      reason: string | null;
    }>(
      `SELECT pa.*, a.external_id AS account FROM planned_actions pa
       JOIN accounts a ON a.id = pa.account_id
       WHERE ($1::text IS NULL OR a.external_id = $1)
         AND ($2::date IS NULL OR pa.planned_for = $2)
         AND ($3::text IS NULL OR pa.channel = $3)
         AND ($4::bigint IS NULL OR pa.id < $4)
       ORDER BY pa.id DESC LIMIT $5`,
      [filter.accountId ?? null, filter.date ?? null, filter.channel ?? null, after ?? null, limit],
    );
    return r.rows.map((x) => ({
      id: x.id,
      idempotencyKey: x.idempotency_key,
      accountId: x.account,
      plannedFor: x.planned_for,
      strategyVersionId: x.strategy_version_id,
      segmentId: x.segment_id,
      stepId: x.step_id,
      channel: x.channel,
      template: x.template,
      priority: x.priority,
      onFail: x.on_fail,
      status: x.status,
      reason: x.reason,
    }));
  }

  async list(strategyId?: string): Promise<StrategyVersion[]> {
    const r = await this.db.query<Row>(
      `SELECT * FROM strategy_versions WHERE ($1::text IS NULL OR strategy_id = $1)
       ORDER BY strategy_id, version`,
      [strategyId ?? null],
    );
    return r.rows.map(toVersion);
  }

  get(strategyId: string, version: number): Promise<StrategyVersion | null> {
    return versionRow(this.db, strategyId, version);
  }

  async byId(id: number): Promise<StrategyVersion | null> {
    const r = await this.db.query<Row>('SELECT * FROM strategy_versions WHERE id = $1', [id]);
    return r.rows[0] ? toVersion(r.rows[0]) : null;
  }

  insert(v: NewVersion): Promise<StrategyVersion> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const r = await tx.query<Row>(
        `INSERT INTO strategy_versions (strategy_id, version, name, source, status, effective_from,
           created_by, published_by, published_at, publish_reason)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5::date, $6, $7,
                CASE WHEN $4 = 'published' THEN now() END, $8
         FROM strategy_versions WHERE strategy_id = $1
         RETURNING *`,
        [
          v.strategyId,
          v.name,
          v.source,
          v.published ? 'published' : 'draft',
          v.published?.effectiveFrom ?? null,
          v.createdBy,
          v.published?.by ?? null,
          v.published?.reason ?? null,
        ],
      );
      return toVersion(r.rows[0]!);
    });
  }

  async publishDraft(id: number, by: string, reason: string, effectiveFrom: string) {
    const r = await this.db.query<Row>(
      `UPDATE strategy_versions SET status = 'published', published_by = $2, publish_reason = $3,
         effective_from = $4::date, published_at = now()
       WHERE id = $1 AND status = 'draft' RETURNING *`,
      [id, by, reason, effectiveFrom],
    );
    if (!r.rows[0]) throw new Error(`version ${id} is not a draft`);
    return toVersion(r.rows[0]);
  }

  async retire(id: number): Promise<StrategyVersion> {
    const r = await this.db.query<Row>(
      `UPDATE strategy_versions SET status = 'retired', retired_at = now()
       WHERE id = $1 AND status = 'published' RETURNING *`,
      [id],
    );
    if (!r.rows[0]) throw new Error(`version ${id} is not published`);
    return toVersion(r.rows[0]);
  }

  inForce(strategyId: string, date: string): Promise<StrategyVersion | null> {
    return versionInForce(this.db, strategyId, date);
  }
}
