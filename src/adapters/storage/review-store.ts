/** The counts behind a strategy review, set-wise over path events, actions and payments. */
import type { ReviewStore } from '../../app/strategy/ports.ts';
import type { SegmentCounts, StepCounts } from '../../domain/review/review.ts';
import type { Channel } from '../../domain/strategy/document.ts';
import type { Database } from './sql-client.ts';

function byCurrency(rows: { key: string; currency: string; amount: number }[]) {
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const m = out.get(r.key) ?? {};
    m[r.currency] = (m[r.currency] ?? 0) + r.amount;
    out.set(r.key, m);
  }
  return out;
}

/**
 * Each entry in the range with the day it ended: the next path event, or `to`. A payment counts
 * for the segment the account was in when the day began: stays are (entered_on, until].
 */
const STAYS = `
  stays AS (
    SELECT e.account_id, e.segment_id, e.on_date AS entered_on,
           LEAST(COALESCE((SELECT min(n.on_date) FROM strategy_path_events n
                           WHERE n.account_id = e.account_id AND n.on_date > e.on_date),
                          $3::date), $3::date) AS until
    FROM strategy_path_events e
    WHERE e.strategy_version_id = $1 AND e.segment_id IS NOT NULL
      AND e.on_date BETWEEN $2::date AND $3::date
  )`;

export class SqlReviewStore implements ReviewStore {
  constructor(private readonly db: Database) {}

  async activeVersions(strategyId: string, from: string, to: string): Promise<number[]> {
    const r = await this.db.query<{ id: number }>(
      `SELECT v.id FROM strategy_versions v
       WHERE v.strategy_id = $1 AND (
         EXISTS (SELECT 1 FROM strategy_path_events e WHERE e.strategy_version_id = v.id
                 AND e.on_date BETWEEN $2::date AND $3::date)
         OR EXISTS (SELECT 1 FROM planned_actions a WHERE a.strategy_version_id = v.id
                 AND a.planned_for BETWEEN $2::date AND $3::date))
       ORDER BY v.version`,
      [strategyId, from, to],
    );
    return r.rows.map((x) => x.id);
  }

  async segmentCounts(
    versionId: number,
    from: string,
    to: string,
    cureBuckets: readonly { product: string; bucket: string }[],
  ): Promise<SegmentCounts[]> {
    const counts = await this.db.query<{ segment_id: string; entered: number; cured: number }>(
      `WITH cure AS (SELECT * FROM jsonb_to_recordset($4::jsonb) AS c(product text, bucket text)),
       ${STAYS}
       SELECT s.segment_id, count(*)::bigint AS entered,
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM bucket_transitions t
                JOIN accounts a ON a.id = t.account_id
                JOIN cure c ON c.product = a.product AND c.bucket = t.to_bucket
                WHERE t.account_id = s.account_id
                  AND t.on_date > s.entered_on AND t.on_date <= s.until))::bigint AS cured
       FROM stays s GROUP BY s.segment_id`,
      [versionId, from, to, JSON.stringify(cureBuckets)],
    );
    const collected = await this.db.query<{ key: string; currency: string; amount: number }>(
      `WITH ${STAYS}
       SELECT s.segment_id AS key, a.currency, sum(p.amount)::bigint AS amount
       FROM stays s
       JOIN payments p ON p.account_id = s.account_id AND p.paid_on > s.entered_on AND p.paid_on <= s.until
       JOIN accounts a ON a.id = s.account_id
       GROUP BY 1, 2`,
      [versionId, from, to],
    );
    const money = byCurrency(collected.rows);
    return counts.rows.map((r) => ({
      segmentId: r.segment_id,
      entered: r.entered,
      cured: r.cured,
      collected: money.get(r.segment_id) ?? {},
    }));
  }

  async stepCounts(
    versionId: number,
    from: string,
    to: string,
    windowDays: number,
  ): Promise<StepCounts[]> {
    const counts = await this.db.query<{
      segment_id: string;
      step_id: string;
      channel: Channel;
      planned: number;
      skipped: number;
      responders: number;
    }>(
      `SELECT pa.segment_id, pa.step_id, pa.channel,
              count(*) FILTER (WHERE pa.status = 'planned')::bigint AS planned,
              count(*) FILTER (WHERE pa.status = 'skipped')::bigint AS skipped,
              count(*) FILTER (WHERE pa.status = 'planned' AND EXISTS (
                SELECT 1 FROM payments p WHERE p.account_id = pa.account_id
                  AND p.paid_on BETWEEN pa.planned_for AND pa.planned_for + $4::integer))::bigint AS responders
       FROM planned_actions pa
       WHERE pa.strategy_version_id = $1 AND pa.planned_for BETWEEN $2::date AND $3::date
       GROUP BY 1, 2, 3 ORDER BY 1, 2`,
      [versionId, from, to, windowDays],
    );
    const collected = await this.db.query<{ key: string; currency: string; amount: number }>(
      `SELECT pa.segment_id || '/' || pa.step_id AS key, a.currency, sum(p.amount)::bigint AS amount
       FROM planned_actions pa
       JOIN payments p ON p.account_id = pa.account_id
         AND p.paid_on BETWEEN pa.planned_for AND pa.planned_for + $4::integer
       JOIN accounts a ON a.id = pa.account_id
       WHERE pa.strategy_version_id = $1 AND pa.planned_for BETWEEN $2::date AND $3::date
         AND pa.status = 'planned'
       GROUP BY 1, 2`,
      [versionId, from, to, windowDays],
    );
    const money = byCurrency(collected.rows);
    return counts.rows.map((r) => ({
      segmentId: r.segment_id,
      stepId: r.step_id,
      channel: r.channel,
      planned: r.planned,
      skipped: r.skipped,
      responders: r.responders,
      collected: money.get(`${r.segment_id}/${r.step_id}`) ?? {},
    }));
  }

  async channelCosts(): Promise<Record<string, number> | null> {
    const r = await this.db.query<{ value: Record<string, number> }>(
      "SELECT value FROM settings WHERE key = 'channel.costs'",
    );
    return r.rows[0]?.value ?? null;
  }
}
