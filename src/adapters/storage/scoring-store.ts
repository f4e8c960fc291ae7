/**
 * Scoring the portfolio on the database: the day's scores, tiers and monitoring inside the
 * cycle's transaction (`scoreDay`), training tables built from history, and what the API and
 * CLI read back. All of it set-wise: one statement per purpose, never one per account.
 */
import { parseClassification, type Classification } from '../../domain/scoring/classification.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import { parseModel, type ScorecardModel } from '../../domain/scoring/model.ts';
import {
  alertsFor,
  DEFAULT_MONITORING_LIMITS,
  parseMonitoringLimits,
  stability,
  type Alert,
  type BandCalibration,
  type MonitoringLimits,
} from '../../domain/scoring/monitoring.ts';
import {
  EARLY_WARNING_DPD,
  isPurposeName,
  PURPOSES,
  type PurposeName,
} from '../../domain/scoring/purposes.ts';
import { addDays, type LocalDate } from '../../domain/time/date.ts';
import { ledgerStateSql } from './ledger-state-sql.ts';
import {
  computeBehaviourFeatures,
  BEHAVIOUR_FEATURES,
  classificationSql,
  scorecardSql,
} from './score-sql.ts';
import type { Database, SqlConnection } from './sql-client.ts';
import type {
  AccountScores,
  MonitoringRow,
  PurposeScoreRun,
  ScoringStore,
  TrainingTable,
} from '../../app/scoring/ports.ts';

const CLASSIFICATION_KEY = 'scoring.classification';
const LIMITS_KEY = 'scoring.monitoring';

export interface ScoreDayStats {
  purposes: PurposeScoreRun[];
  tiers: number;
  scoreMs: number;
}

interface ActiveModel {
  id: number;
  purpose: string;
  version: number;
  model: ScorecardModel;
}

async function activeModels(tx: SqlConnection): Promise<ActiveModel[]> {
  const r = await tx.query<{ id: number; purpose: string; version: number; document: unknown }>(
    'SELECT id, purpose, version, document FROM score_models WHERE active ORDER BY purpose',
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    purpose: x.purpose,
    version: x.version,
    model: parseModel(x.document),
  }));
}

async function setting<T>(tx: SqlConnection, key: string): Promise<T | undefined> {
  const r = await tx.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
  return r.rows[0]?.value;
}

/** The bin of the training distribution a score falls in: how many breaks lie below it. */
const binOfPoints = (breaks: number[]) =>
  breaks.length === 0
    ? '0'
    : `(SELECT count(*) FROM unnest(ARRAY[${breaks.map((b) => `${b}::float8`).join(', ')}]) b WHERE b < sc.points)`;

/**
 * Scores every account of `states` (the day's states) with each purpose's active model,
 * classifies every account, follows the open snapshots, takes a new one on the first day of
 * a month (or when the model has none), and records the day's monitoring. In the caller's
 * transaction; $1 is the day.
 */
export async function scoreDay(
  tx: SqlConnection,
  asOf: LocalDate,
  states: string,
  policy: LedgerPolicy,
  classification: Classification,
): Promise<ScoreDayStats> {
  const t0 = performance.now();
  const models = await activeModels(tx);
  const limits = parseMonitoringLimits(await setting(tx, LIMITS_KEY));
  const stats: ScoreDayStats = { purposes: [], tiers: 0, scoreMs: 0 };
  // a purpose without an active model has no scores
  await tx.query('DELETE FROM account_scores WHERE NOT (purpose = ANY($1::text[]))', [
    models.map((m) => m.purpose),
  ]);
  if (models.length > 0) {
    await computeBehaviourFeatures(tx, states, policy, 'score_features', asOf);
  }
  for (const m of models) {
    const tm = performance.now();
    const missing = m.model.characteristics
      .map((c) => c.name)
      .filter((c) => !BEHAVIOUR_FEATURES.some((f) => f.name === c));
    if (missing.length > 0)
      throw new Error(
        `the active ${m.purpose} model v${m.version} uses characteristics the portfolio does not have: ${missing.join(', ')}`,
      );
    await tx.exec(
      `CREATE TEMP TABLE score_new ON COMMIT DROP AS ${scorecardSql(m.model, 'score_features')}`,
    );
    // only what changed is written: an update of the changed rows, an insert of the new ones
    // (cheaper on a million rows than an upsert that looks at every one)
    await tx.exec('ANALYZE score_new');
    const updated = await tx.query(
      `UPDATE account_scores a SET model_id = $2, changed_on = $3::date, points = n.points,
         probability = n.probability, band = n.band, reasons = n.reasons
       FROM score_new n
       WHERE a.account_id = n.account_id AND a.purpose = $1
         AND (a.model_id, a.points, a.probability, a.band, a.reasons)
           IS DISTINCT FROM ($2::bigint, n.points, n.probability, n.band, n.reasons)`,
      [m.purpose, m.id, asOf],
    );
    const inserted = await tx.query(
      `INSERT INTO account_scores (account_id, purpose, model_id, changed_on, points, probability, band, reasons)
       SELECT n.account_id, $1, $2, $3::date, n.points, n.probability, n.band, n.reasons FROM score_new n
       WHERE NOT EXISTS (SELECT 1 FROM account_scores a WHERE a.account_id = n.account_id AND a.purpose = $1)`,
      [m.purpose, m.id, asOf],
    );
    const changed = { rowCount: updated.rowCount + inserted.rowCount };
    const accounts = Number(
      (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM score_new')).rows[0]?.n ?? 0,
    );
    await tx.query(
      `INSERT INTO score_runs (purpose, as_of, model_id, accounts, changed, duration_ms)
       VALUES ($1, $2::date, $3, $4, $5, $6)
       ON CONFLICT (purpose, as_of) DO UPDATE SET model_id = EXCLUDED.model_id,
         accounts = EXCLUDED.accounts, changed = EXCLUDED.changed, duration_ms = EXCLUDED.duration_ms`,
      [m.purpose, asOf, m.id, accounts, changed.rowCount, Math.round(performance.now() - tm)],
    );
    const monitored = await monitor(tx, asOf, states, m, limits);
    await tx.exec('DROP TABLE score_new');
    stats.purposes.push({
      purpose: m.purpose,
      version: m.version,
      accounts,
      changed: changed.rowCount,
      psi: monitored.psi,
      alerts: monitored.alerts.length,
    });
  }
  await tx.query(
    `CREATE TEMP TABLE tier_new ON COMMIT DROP AS ${classificationSql(classification, states)}`,
  );
  await tx.exec('ANALYZE tier_new');
  const tiersUpdated = await tx.query(
    `UPDATE account_tiers a SET changed_on = $1::date, purpose = n.purpose, tier = n.tier, rule = n.rule
     FROM tier_new n
     WHERE a.account_id = n.account_id AND (a.purpose, a.tier, a.rule) IS DISTINCT FROM (n.purpose, n.tier, n.rule)`,
    [asOf],
  );
  const tiersInserted = await tx.query(
    `INSERT INTO account_tiers (account_id, changed_on, purpose, tier, rule)
     SELECT n.account_id, $1::date, n.purpose, n.tier, n.rule FROM tier_new n
     WHERE NOT EXISTS (SELECT 1 FROM account_tiers a WHERE a.account_id = n.account_id)`,
    [asOf],
  );
  await tx.exec('DROP TABLE tier_new');
  const tiers = { rowCount: tiersUpdated.rowCount + tiersInserted.rowCount };
  stats.tiers = tiers.rowCount;
  stats.scoreMs = Math.round(performance.now() - t0);
  return stats;
}

/** Follows the open snapshots, takes today's when due, and records the monitoring figures. */
async function monitor(
  tx: SqlConnection,
  asOf: LocalDate,
  states: string,
  m: ActiveModel,
  limits: MonitoringLimits,
): Promise<{ psi: number; alerts: Alert[] }> {
  const known = isPurposeName(m.purpose) ? PURPOSES[m.purpose] : null;
  // the model is judged on the accounts it is for: those it was trained on
  const population = !known
    ? 'true'
    : known.population === 'current'
      ? 's.past_due_days = 0 AND s.outstanding > 0'
      : 's.past_due_days > 0';
  // today's distribution over the training deciles, and the bands
  const { breaks, counts: trainingCounts } = m.model.scoreDistribution;
  // today's scores of the purpose (score_new), of its population
  const dist = await tx.query<{ bin: number; n: number }>(
    `SELECT ${binOfPoints(breaks)}::int AS bin, count(*)::int AS n
     FROM score_new sc JOIN ${states} s ON s.account_id = sc.account_id
     WHERE ${population} GROUP BY 1`,
  );
  const today = new Array<number>(trainingCounts.length).fill(0);
  for (const r of dist.rows) today[r.bin] = r.n;
  const psi = stability(trainingCounts, today);
  const bands = await tx.query<{ band: string; accounts: number; mean_probability: number }>(
    `SELECT sc.band, count(*)::int AS accounts, avg(sc.probability) AS mean_probability
     FROM score_new sc JOIN ${states} s ON s.account_id = sc.account_id
     WHERE ${population} GROUP BY sc.band`,
  );
  let calibration: (BandCalibration & { snapshot: LocalDate })[] | null = null;
  if (known) {
    // follow the open snapshots with today's states
    await tx.query(
      `UPDATE score_snapshots sn SET
         worst_past_due_days = greatest(sn.worst_past_due_days, s.past_due_days),
         cured_or_paid = sn.cured_or_paid OR s.past_due_days = 0 OR COALESCE(s.last_paid_on > sn.as_of, false)
       FROM score_snapshot_runs r, ${states} s
       WHERE r.purpose = $1 AND r.followed_to < $2::date AND $2::date <= r.as_of + r.horizon_days
         AND sn.purpose = r.purpose AND sn.as_of = r.as_of AND s.account_id = sn.account_id
         AND (s.past_due_days > sn.worst_past_due_days
              OR (NOT sn.cured_or_paid AND (s.past_due_days = 0 OR COALESCE(s.last_paid_on > sn.as_of, false))))`,
      [m.purpose, asOf],
    );
    await tx.query(
      `UPDATE score_snapshot_runs SET followed_to = $2::date
       WHERE purpose = $1 AND followed_to < $2::date AND $2::date <= as_of + horizon_days`,
      [m.purpose, asOf],
    );
    // a snapshot on the first day of a month, and on the first day a model is scored
    const due = await tx.query<{ due: boolean }>(
      `SELECT (extract(day FROM $2::date) = 1
               OR NOT EXISTS (SELECT 1 FROM score_snapshot_runs WHERE purpose = $1 AND model_id = $3))
              AND NOT EXISTS (SELECT 1 FROM score_snapshot_runs WHERE purpose = $1 AND as_of = $2::date) AS due`,
      [m.purpose, asOf, m.id],
    );
    if (due.rows[0]?.due) {
      await tx.query(
        `INSERT INTO score_snapshot_runs (purpose, as_of, model_id, horizon_days, accounts, followed_to)
         VALUES ($1, $2::date, $3, $4, 0, $2::date)`,
        [m.purpose, asOf, m.id, known.horizonDays],
      );
      const ins = await tx.query(
        `INSERT INTO score_snapshots (purpose, as_of, account_id, model_id, band, probability, past_due_days,
           worst_past_due_days, cured_or_paid)
         SELECT $1, $2::date, sc.account_id, $3, sc.band, sc.probability, s.past_due_days, 0, false
         FROM account_scores sc JOIN ${states} s ON s.account_id = sc.account_id
         WHERE sc.purpose = $1 AND ${population}`,
        [m.purpose, asOf, m.id],
      );
      await tx.query(
        'UPDATE score_snapshot_runs SET accounts = $3 WHERE purpose = $1 AND as_of = $2::date',
        [m.purpose, asOf, ins.rowCount],
      );
    }
    // the latest snapshot whose horizon has passed: predicted against actual by band
    const event =
      m.purpose === 'early_warning'
        ? `sn.worst_past_due_days >= ${EARLY_WARNING_DPD}`
        : 'NOT sn.cured_or_paid';
    const cal = await tx.query<{
      snapshot: string;
      band: string;
      accounts: number;
      predicted: number;
      actual: number;
    }>(
      `WITH r AS (
         SELECT as_of FROM score_snapshot_runs
         WHERE purpose = $1 AND followed_to >= as_of + horizon_days AND as_of + horizon_days <= $2::date
         ORDER BY as_of DESC LIMIT 1)
       SELECT r.as_of::text AS snapshot, sn.band, count(*)::int AS accounts,
              avg(sn.probability) AS predicted, avg(CASE WHEN ${event} THEN 1.0 ELSE 0.0 END)::float8 AS actual
       FROM r JOIN score_snapshots sn ON sn.purpose = $1 AND sn.as_of = r.as_of
       GROUP BY r.as_of, sn.band ORDER BY sn.band`,
      [m.purpose, asOf],
    );
    if (cal.rows.length > 0)
      calibration = cal.rows.map((r) => ({
        snapshot: String(r.snapshot).slice(0, 10),
        band: r.band,
        accounts: r.accounts,
        predicted: Number(r.predicted),
        actual: Number(r.actual),
      }));
  }
  const alerts = alertsFor(m.purpose, { psi, calibration }, limits);
  await tx.query(
    `INSERT INTO score_monitoring (as_of, purpose, model_id, accounts, psi, bands, calibration, alerts)
     VALUES ($1::date, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)
     ON CONFLICT (as_of, purpose) DO UPDATE SET model_id = EXCLUDED.model_id, accounts = EXCLUDED.accounts,
       psi = EXCLUDED.psi, bands = EXCLUDED.bands, calibration = EXCLUDED.calibration, alerts = EXCLUDED.alerts`,
    [
      asOf,
      m.purpose,
      m.id,
      today.reduce((s, c) => s + c, 0),
      psi,
      JSON.stringify(
        m.model.bands.map((b) => {
          const r = bands.rows.find((x) => x.band === b.name);
          return {
            band: b.name,
            accounts: r?.accounts ?? 0,
            meanProbability: r ? Number(r.mean_probability) : null,
          };
        }),
      ),
      calibration ? JSON.stringify(calibration) : null,
      JSON.stringify(alerts),
    ],
  );
  return { psi, alerts };
}

/** Removes what scoring recorded from `from` on (a rewind of the cycle). */
export async function rewindScores(tx: SqlConnection, from: LocalDate): Promise<void> {
  await tx.query('DELETE FROM score_monitoring WHERE as_of >= $1::date', [from]);
  await tx.query('DELETE FROM score_runs WHERE as_of >= $1::date', [from]);
  await tx.query('DELETE FROM score_snapshots WHERE as_of >= $1::date', [from]);
  await tx.query('DELETE FROM score_snapshot_runs WHERE as_of >= $1::date', [from]);
}

export class SqlScoringStore implements ScoringStore {
  constructor(
    private readonly db: Database,
    private readonly defaultClassification: unknown,
  ) {}

  /** The classification standard in force (read on `conn`, e.g. the cycle's transaction). */
  async classification(conn: SqlConnection = this.db): Promise<Classification> {
    return parseClassification(
      (await setting(conn, CLASSIFICATION_KEY)) ?? this.defaultClassification,
    );
  }

  private async save(key: string, value: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  /** Stores a classification document (checked first; throws ClassificationError). */
  async saveClassification(doc: unknown): Promise<Classification> {
    const c = parseClassification(doc);
    await this.save(CLASSIFICATION_KEY, doc);
    return c;
  }

  async monitoringLimits(): Promise<MonitoringLimits> {
    return parseMonitoringLimits((await setting(this.db, LIMITS_KEY)) ?? DEFAULT_MONITORING_LIMITS);
  }

  async saveMonitoringLimits(doc: unknown): Promise<MonitoringLimits> {
    const limits = parseMonitoringLimits(doc);
    await this.save(LIMITS_KEY, limits);
    return limits;
  }

  /**
   * A training table for a purpose as of a day: the behaviour characteristics as of `asOf`
   * of the purpose's population, and the target observed over the horizon after it (which
   * must have passed: every day of it is computed from the ledger, exactly as the cycle would).
   */
  async buildTrainingSet(
    purpose: PurposeName,
    asOf: LocalDate,
    policy: LedgerPolicy,
  ): Promise<TrainingTable> {
    const def = PURPOSES[purpose];
    return this.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '${tx.engine === 'postgres' ? '256MB' : '64MB'}'`);
      const stateSql = ledgerStateSql(policy);
      await tx.query(`CREATE TEMP TABLE ts_states ON COMMIT DROP AS ${stateSql}`, [asOf]);
      const population =
        def.population === 'current'
          ? 'past_due_days = 0 AND outstanding > 0'
          : 'past_due_days > 0';
      await tx.exec(`DELETE FROM ts_states WHERE NOT (${population})`);
      await computeBehaviourFeatures(tx, 'ts_states', policy, 'ts_features', asOf);
      await tx.exec(
        'CREATE TEMP TABLE ts_outcome ON COMMIT DROP AS SELECT account_id, 0 AS worst, false AS cured_or_paid FROM ts_states',
      );
      await tx.exec('CREATE INDEX ON ts_outcome (account_id)');
      if (purpose === 'early_warning') {
        // 30 days past due cannot come before the 30th day; every day from then on counts
        for (let d = EARLY_WARNING_DPD; d <= def.horizonDays; d++) {
          await tx.query(`CREATE TEMP TABLE ts_day ON COMMIT DROP AS ${stateSql}`, [
            addDays(asOf, d),
          ]);
          await tx.exec(
            `UPDATE ts_outcome o SET worst = s.past_due_days FROM ts_day s
             WHERE s.account_id = o.account_id AND s.past_due_days > o.worst`,
          );
          await tx.exec('DROP TABLE ts_day');
        }
      } else {
        const end = addDays(asOf, def.horizonDays);
        await tx.query(`CREATE TEMP TABLE ts_day ON COMMIT DROP AS ${stateSql}`, [end]);
        await tx.query(
          `UPDATE ts_outcome o SET cured_or_paid = true
           WHERE EXISTS (SELECT 1 FROM ts_day s WHERE s.account_id = o.account_id AND s.past_due_days = 0)
              OR EXISTS (SELECT 1 FROM payments p WHERE p.account_id = o.account_id
                           AND p.paid_on > $1::date AND p.paid_on <= $2::date)`,
          [asOf, end],
        );
      }
      const target =
        purpose === 'early_warning'
          ? `CASE WHEN o.worst >= ${EARLY_WARNING_DPD} THEN 1 ELSE 0 END`
          : 'CASE WHEN o.cured_or_paid THEN 0 ELSE 1 END';
      const cols = BEHAVIOUR_FEATURES.map((f) => `f.${f.name}`).join(', ');
      const r = await tx.query<Record<string, unknown>>(
        `SELECT a.external_id AS account, ${cols}, ${target} AS ${def.target}
         FROM ts_features f JOIN accounts a ON a.id = f.account_id
         JOIN ts_outcome o ON o.account_id = f.account_id
         ORDER BY a.external_id`,
      );
      const header = ['account', 'as_of', ...BEHAVIOUR_FEATURES.map((f) => f.name), def.target];
      let events = 0;
      const rows = r.rows.map((x) => {
        const y = Number(x[def.target]);
        events += y;
        return [
          String(x.account),
          asOf,
          ...BEHAVIOUR_FEATURES.map((f) => {
            const v = x[f.name];
            if (v === null || v === undefined) return null;
            return f.kind === 'numeric' ? Number(v) : String(v);
          }),
          y,
        ];
      });
      return { header, rows, population: rows.length, events };
    });
  }

  async monitoring(purpose?: string, limit = 30): Promise<MonitoringRow[]> {
    const r = await this.db.query<{
      as_of: string;
      purpose: string;
      version: number;
      accounts: number;
      psi: number;
      bands: MonitoringRow['bands'];
      calibration: MonitoringRow['calibration'];
      alerts: Alert[];
    }>(
      `SELECT m.as_of::text AS as_of, m.purpose, sm.version, m.accounts, m.psi, m.bands, m.calibration, m.alerts
       FROM score_monitoring m JOIN score_models sm ON sm.id = m.model_id
       WHERE ($1::text IS NULL OR m.purpose = $1)
       ORDER BY m.as_of DESC, m.purpose LIMIT $2`,
      [purpose ?? null, limit],
    );
    return r.rows.map((x) => ({
      asOf: String(x.as_of).slice(0, 10),
      purpose: x.purpose,
      version: x.version,
      accounts: x.accounts,
      psi: Number(x.psi),
      bands: x.bands,
      calibration: x.calibration,
      alerts: x.alerts,
    }));
  }

  /** An account's scores and tier (by external id). */
  async accountScores(accountExternalId: string): Promise<AccountScores | null> {
    const a = await this.db.query<{ id: number }>(
      'SELECT id FROM accounts WHERE external_id = $1',
      [accountExternalId],
    );
    if (a.rows.length === 0) return null;
    const id = a.rows[0]!.id;
    const t = await this.db.query<{
      tier: string;
      purpose: string;
      rule: number;
      changed_on: string;
    }>(
      'SELECT tier, purpose, rule, changed_on::text AS changed_on FROM account_tiers WHERE account_id = $1',
      [id],
    );
    const s = await this.db.query<{
      purpose: string;
      version: number;
      points: number;
      probability: number;
      band: string;
      reasons: string[];
      changed_on: string;
    }>(
      `SELECT sc.purpose, m.version, sc.points, sc.probability, sc.band, sc.reasons, sc.changed_on::text AS changed_on
       FROM account_scores sc JOIN score_models m ON m.id = sc.model_id
       WHERE sc.account_id = $1 ORDER BY sc.purpose`,
      [id],
    );
    const tr = t.rows[0];
    return {
      tier: tr
        ? {
            tier: tr.tier,
            purpose: tr.purpose,
            rule: tr.rule,
            changedOn: tr.changed_on.slice(0, 10),
          }
        : null,
      scores: s.rows.map((x) => ({
        purpose: x.purpose,
        version: x.version,
        points: x.points,
        probability: Number(x.probability),
        band: x.band,
        reasons: x.reasons,
        changedOn: x.changed_on.slice(0, 10),
      })),
    };
  }

  /** Accounts per tier, and per band of each purpose. */
  async distribution(): Promise<{
    tiers: Record<string, number>;
    bands: Record<string, Record<string, number>>;
  }> {
    const t = await this.db.query<{ tier: string; n: number }>(
      'SELECT tier, count(*)::int AS n FROM account_tiers GROUP BY tier ORDER BY tier',
    );
    const b = await this.db.query<{ purpose: string; band: string; n: number }>(
      'SELECT purpose, band, count(*)::int AS n FROM account_scores GROUP BY purpose, band ORDER BY purpose, band',
    );
    const bands: Record<string, Record<string, number>> = {};
    for (const r of b.rows) (bands[r.purpose] ??= {})[r.band] = r.n;
    return { tiers: Object.fromEntries(t.rows.map((r) => [r.tier, r.n])), bands };
  }
}
