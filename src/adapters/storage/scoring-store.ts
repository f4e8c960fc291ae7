/**
 * Scoring the portfolio on the database: the day's scores, tiers and monitoring inside the
 * cycle's transaction (`scoreDay`), training tables built from history, and what the API and
 * CLI read back. All of it set-wise: one statement per purpose, never one per account.
 */
import { readSetting, writeSetting } from './settings.ts';
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
  binCodeExpr,
  binCodeStrides,
  binsOfCode,
  computeBehaviourFeatures,
  BEHAVIOUR_FEATURES,
  classificationSql,
  scorecardSql,
  type ScoreSource,
} from './score-sql.ts';
import { compileScorer, scoreBins } from '../../domain/scoring/scorecard.ts';
import type { IdRange } from './id-range.ts';
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

/**
 * The bin of the training distribution a score falls in: how many breaks lie strictly below
 * it (as the domain's histogram), as the breaks minus those at or above it, which
 * width_bucket counts on the negated breaks in ascending order.
 */
const binOfPoints = (breaks: readonly number[]) =>
  breaks.length === 0
    ? '0'
    : `(${breaks.length} - width_bucket(-sc.points::float8, ARRAY[${breaks
        .map((b) => -b)
        .sort((x, y) => x - y)
        .map((b) => `${b.toPrecision(17)}::float8`)
        .join(', ')}]))`;

/** A text[] value for COPY (every element quoted). */
const textArray = (xs: readonly string[]) =>
  `{${xs.map((x) => `"${x.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

/** The day's state columns the scoring table carries (tiers and monitoring read them). */
const STATE_COLUMNS = ['bucket', 'on_hold', 'past_due_days', 'outstanding'] as const;

/** A model's bin code: its column in the scoring table and the strides that decode it. */
interface BinCode {
  column: string;
  strides: number[];
}

/** One purpose's scores of the day, as the rest of the day's scoring reads them. */
interface DayScores {
  /** account_id, points, probability, band, reasons and the state columns (alias-free). */
  relation: string;
  /** Where the tiers find an account's probability. */
  probability: ScoreSource;
  accounts: number;
  tables: string[];
}

/**
 * Scores every row of the scoring table with `model`. With a bin code (`code`), the
 * database has given every row its bins, packed into one number; the domain's scorer scores
 * each distinct code once, into a small table the rows join. A model with too many bin
 * combinations for one code is scored by the scorecard compiled to SQL, row by row, from the
 * characteristics kept in the table.
 */
async function scoreModel(
  tx: SqlConnection,
  model: ScorecardModel,
  table: string,
  code: BinCode | null,
  prefix: string,
): Promise<DayScores> {
  const state = STATE_COLUMNS.map((c) => `b.${c}`).join(', ');
  if (!code) {
    await tx.exec(`CREATE TEMP TABLE ${prefix} ON COMMIT DROP AS ${scorecardSql(model, table)}`);
    const n = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${prefix}`);
    return {
      relation: `(SELECT n.*, ${state} FROM ${prefix} n JOIN ${table} b ON b.account_id = n.account_id)`,
      probability: { relation: prefix, key: 'account_id', on: 'account_id' },
      accounts: n.rows[0]?.n ?? 0,
      tables: [prefix],
    };
  }
  const codes = await tx.query<{ code: string; n: number }>(
    `SELECT ${code.column}::text AS code, count(*)::int AS n FROM ${table} GROUP BY ${code.column}`,
  );
  const scorer = compileScorer(model);
  await tx.exec(
    `CREATE TEMP TABLE ${prefix} (code bigint PRIMARY KEY, points integer NOT NULL,
       probability float8 NOT NULL, band text NOT NULL, reasons text[] NOT NULL) ON COMMIT DROP`,
  );
  await tx.copyFrom(
    prefix,
    ['code', 'points', 'probability', 'band', 'reasons'],
    codes.rows.map((r) => {
      const x = scoreBins(scorer, binsOfCode(model, code.strides, Number(r.code)), 3);
      return [
        r.code,
        x.score,
        x.probability,
        x.band,
        textArray(x.reasons.map((y) => y.characteristic)),
      ];
    }),
  );
  await tx.exec(`ANALYZE ${prefix}`);
  return {
    relation: `(SELECT b.account_id, ${state}, l.points, l.probability, l.band, l.reasons
              FROM ${table} b JOIN ${prefix} l ON l.code = b.${code.column})`,
    probability: { relation: prefix, key: 'code', on: code.column },
    accounts: codes.rows.reduce((t, r) => t + r.n, 0),
    tables: [prefix],
  };
}

/**
 * The scoring table of the day: one row per account of `states` with the state columns, a
 * bin code per model that has one (`code_<i>`), and the characteristics themselves only
 * where a model without a code needs them. Only the characteristics the models use are
 * computed.
 */
async function scoringTable(
  tx: SqlConnection,
  states: string,
  policy: LedgerPolicy,
  asOf: LocalDate,
  models: readonly ActiveModel[],
  table: string,
  codeLimit?: number,
  range?: IdRange,
): Promise<(BinCode | null)[]> {
  const used = [...new Set(models.flatMap((m) => m.model.characteristics.map((c) => c.name)))];
  const codes = models.map((m, i) => {
    const strides = binCodeStrides(m.model, codeLimit);
    return strides ? { column: `code_${i}`, strides } : null;
  });
  const raw = new Set(
    models.flatMap((m, i) => (codes[i] ? [] : m.model.characteristics.map((c) => c.name))),
  );
  const outer = [
    'f.account_id',
    ...STATE_COLUMNS.map((c) => `f.${c}`),
    ...[...raw]
      .filter((c) => !(STATE_COLUMNS as readonly string[]).includes(c))
      .map((c) => `f.${c}`),
    ...models.flatMap((m, i) =>
      codes[i] ? [`${binCodeExpr(m.model, 'f')} AS ${codes[i].column}`] : [],
    ),
  ].join(',\n       ');
  await computeBehaviourFeatures(
    tx,
    states,
    policy,
    table,
    asOf,
    used,
    { state: STATE_COLUMNS, outer },
    range,
  );
  return codes;
}

/** One purpose's share of the day's scoring over some accounts (a partition of the cycle). */
export interface ScorePartial {
  purpose: string;
  accounts: number;
  changed: number;
  ms: number;
  /** Today's scores of the purpose's population per training bin and band. */
  counts: { bin: number; band: string; n: number; sum: number }[];
}

export interface AccountScoreStats {
  partials: ScorePartial[];
  tiers: number;
  scoreMs: number;
}

/** The population a purpose's model is judged on: the accounts it was trained on. */
function populationOf(purpose: string): string {
  const known = isPurposeName(purpose) ? PURPOSES[purpose] : null;
  return !known
    ? 'true'
    : known.population === 'current'
      ? 'sc.past_due_days = 0 AND sc.outstanding > 0'
      : 'sc.past_due_days > 0';
}

/** Whether `asOf` takes a snapshot of a purpose's scores (on the first day of a month, and on
 * the first day a model is scored), decided alike by every partition until the day's run of
 * the snapshot is recorded when the day finishes. */
async function snapshotDue(tx: SqlConnection, m: ActiveModel, asOf: LocalDate): Promise<boolean> {
  const due = await tx.query<{ due: boolean }>(
    `SELECT (extract(day FROM $2::date) = 1
             OR NOT EXISTS (SELECT 1 FROM score_snapshot_runs WHERE purpose = $1 AND model_id = $3))
            AND NOT EXISTS (SELECT 1 FROM score_snapshot_runs WHERE purpose = $1 AND as_of = $2::date) AS due`,
    [m.purpose, asOf, m.id],
  );
  return due.rows[0]?.due === true;
}

/** Purposes that no longer have an active model have no scores (portfolio-wide, idempotent). */
export async function removeStaleScores(tx: SqlConnection): Promise<void> {
  const models = await activeModels(tx);
  // the purposes scored: a skip scan of the purpose index, one probe per purpose, rather than
  // a scan of every score
  const present = await tx.query<{ purpose: string }>(
    `WITH RECURSIVE p AS (
       SELECT min(purpose) AS purpose FROM account_scores
       UNION ALL
       SELECT (SELECT min(purpose) FROM account_scores WHERE purpose > p.purpose) FROM p
       WHERE p.purpose IS NOT NULL)
     SELECT purpose FROM p WHERE purpose IS NOT NULL`,
  );
  const stale = present.rows
    .map((r) => r.purpose)
    .filter((x) => !models.some((m) => m.purpose === x));
  if (stale.length > 0)
    await tx.query('DELETE FROM account_scores WHERE purpose = ANY($1::text[])', [stale]);
}

/**
 * Scores every account of `states` (the day's states) with each purpose's active model,
 * classifies every account, follows the open snapshots and takes today's when due, and
 * records the day's monitoring: `scoreAccounts` and `finishScores` in one. In the caller's
 * transaction; $1 is the day.
 */
export async function scoreDay(
  tx: SqlConnection,
  asOf: LocalDate,
  states: string,
  policy: LedgerPolicy,
  classification: Classification,
  /** At most this many bin codes per model, or it is scored row by row (for tests). */
  codeLimit?: number,
): Promise<ScoreDayStats> {
  const t0 = performance.now();
  await removeStaleScores(tx);
  const part = await scoreAccounts(tx, asOf, states, policy, classification, codeLimit);
  const purposes = await finishScores(tx, asOf, [part.partials]);
  return { purposes, tiers: part.tiers, scoreMs: Math.round(performance.now() - t0) };
}

/**
 * The part of the day's scoring that is each account's own, for the accounts of `states` (the
 * whole portfolio, or one partition of the cycle): scores and tiers written where they
 * changed, the open snapshots followed, today's snapshot rows taken when due, and the counts
 * the day's monitoring sums (`finishScores`).
 */
export async function scoreAccounts(
  tx: SqlConnection,
  asOf: LocalDate,
  states: string,
  policy: LedgerPolicy,
  classification: Classification,
  codeLimit?: number,
  /** The accounts of `states` lie in this range (a partition of the cycle). */
  range?: IdRange,
): Promise<AccountScoreStats> {
  const t0 = performance.now();
  const models = await activeModels(tx);
  const stats: AccountScoreStats = { partials: [], tiers: 0, scoreMs: 0 };
  for (const m of models) {
    const missing = m.model.characteristics
      .map((c) => c.name)
      .filter((c) => !BEHAVIOUR_FEATURES.some((f) => f.name === c));
    if (missing.length > 0)
      throw new Error(
        `the active ${m.purpose} model v${m.version} uses characteristics the portfolio does not have: ${missing.join(', ')}`,
      );
  }
  // the scoring table (or, with no model, the states: every account still gets a tier)
  const table = models.length > 0 ? 'score_features' : states;
  const codes =
    models.length > 0
      ? await scoringTable(tx, states, policy, asOf, models, table, codeLimit, range)
      : [];
  // each purpose's scores of the day, kept until the tiers are set
  const sources = new Map<string, ScoreSource>();
  const scratch: string[] = models.length > 0 ? [table] : [];
  for (const [i, m] of models.entries()) {
    const tm = performance.now();
    const scored = await scoreModel(tx, m.model, table, codes[i] ?? null, `score_new_${i}`);
    sources.set(m.purpose, scored.probability);
    scratch.push(...scored.tables);
    // only what changed is written: one join of the day's scores with the stored ones, which
    // updates the changed rows and inserts the new ones (a merge: an upsert would look up
    // every row in the index, an update and an insert would join twice)
    const changed = await tx.query(
      `MERGE INTO account_scores a
       USING ${scored.relation} n ON a.account_id = n.account_id AND a.purpose = $1
       WHEN MATCHED AND (a.model_id, a.points, a.probability, a.band, a.reasons)
           IS DISTINCT FROM ($2::bigint, n.points, n.probability, n.band, n.reasons) THEN
         UPDATE SET model_id = $2, changed_on = $3::date, points = n.points,
           probability = n.probability, band = n.band, reasons = n.reasons
       WHEN NOT MATCHED THEN
         INSERT (account_id, purpose, model_id, changed_on, points, probability, band, reasons)
         VALUES (n.account_id, $1, $2, $3::date, n.points, n.probability, n.band, n.reasons)`,
      [m.purpose, m.id, asOf],
    );
    const population = populationOf(m.purpose);
    // today's distribution over the training deciles, and the bands
    const counts = await tx.query<{
      bin: number;
      band: string;
      n: number;
      sum_probability: number;
    }>(
      `SELECT ${binOfPoints(m.model.scoreDistribution.breaks)}::int AS bin, sc.band,
              count(*)::int AS n, sum(sc.probability) AS sum_probability
       FROM ${scored.relation} sc WHERE ${population} GROUP BY 1, 2`,
    );
    await followSnapshots(tx, asOf, states, m);
    if (isPurposeName(m.purpose) && (await snapshotDue(tx, m, asOf)))
      await tx.query(
        `INSERT INTO score_snapshots (purpose, as_of, account_id, model_id, band, probability, past_due_days,
           worst_past_due_days, cured_or_paid)
         SELECT $1, $2::date, sc.account_id, $3, sc.band, sc.probability, sc.past_due_days, 0, false
         FROM ${scored.relation} sc WHERE ${population}
         ON CONFLICT (purpose, as_of, account_id) DO NOTHING`,
        [m.purpose, asOf, m.id],
      );
    stats.partials.push({
      purpose: m.purpose,
      accounts: scored.accounts,
      changed: changed.rowCount,
      ms: Math.round(performance.now() - tm),
      counts: counts.rows.map((r) => ({
        bin: r.bin,
        band: r.band,
        n: r.n,
        sum: Number(r.sum_probability),
      })),
    });
  }
  // the tiers, written as the scores are: only the changed and the new
  const tiers = await tx.query(
    `MERGE INTO account_tiers a
     USING (${classificationSql(classification, table, sources)}) n ON a.account_id = n.account_id
     WHEN MATCHED AND (a.purpose, a.tier, a.rule) IS DISTINCT FROM (n.purpose, n.tier, n.rule) THEN
       UPDATE SET changed_on = $1::date, purpose = n.purpose, tier = n.tier, rule = n.rule
     WHEN NOT MATCHED THEN
       INSERT (account_id, changed_on, purpose, tier, rule)
       VALUES (n.account_id, $1::date, n.purpose, n.tier, n.rule)`,
    [asOf],
  );
  if (scratch.length > 0) await tx.exec(`DROP TABLE ${scratch.join(', ')}`);
  stats.tiers = tiers.rowCount;
  stats.scoreMs = Math.round(performance.now() - t0);
  return stats;
}

/**
 * Follows the open snapshots of a purpose with today's states of `states`, only in what the
 * purpose's event needs: the worst days past due (early warning; only an account past due today
 * can raise it), or whether the account cured or paid (collection; only one not yet cured can
 * change). The snapshots stay open for today until the day finishes (`finishScores`).
 */
async function followSnapshots(
  tx: SqlConnection,
  asOf: LocalDate,
  states: string,
  m: ActiveModel,
): Promise<void> {
  if (!isPurposeName(m.purpose)) return;
  const open = `r.purpose = $1 AND r.followed_to < $2::date AND $2::date <= r.as_of + r.horizon_days
       AND sn.purpose = r.purpose AND sn.as_of = r.as_of AND s.account_id = sn.account_id`;
  await tx.query(
    m.purpose === 'early_warning'
      ? `UPDATE score_snapshots sn SET worst_past_due_days = s.past_due_days
         FROM score_snapshot_runs r,
              (SELECT account_id, past_due_days FROM ${states} WHERE past_due_days > 0) s
         WHERE ${open} AND s.past_due_days > sn.worst_past_due_days`
      : `UPDATE score_snapshots sn SET cured_or_paid = true
         FROM score_snapshot_runs r, ${states} s
         WHERE ${open} AND NOT sn.cured_or_paid
           AND (s.past_due_days = 0 OR COALESCE(s.last_paid_on > sn.as_of, false))`,
    [m.purpose, asOf],
  );
}

/**
 * What the day's scoring records for the whole portfolio, from the partials of every part of
 * it (`scoreAccounts`): the runs, the snapshots followed to today and today's recorded, and
 * the monitoring (stability, bands, calibration, alerts). Idempotent.
 */
export async function finishScores(
  tx: SqlConnection,
  asOf: LocalDate,
  parts: readonly (readonly ScorePartial[])[],
): Promise<PurposeScoreRun[]> {
  const models = await activeModels(tx);
  const limits = parseMonitoringLimits(await readSetting(tx, LIMITS_KEY));
  const out: PurposeScoreRun[] = [];
  for (const m of models) {
    const mine = parts.flatMap((p) => p.filter((x) => x.purpose === m.purpose));
    const accounts = mine.reduce((t, x) => t + x.accounts, 0);
    const changed = mine.reduce((t, x) => t + x.changed, 0);
    await tx.query(
      `INSERT INTO score_runs (purpose, as_of, model_id, accounts, changed, duration_ms)
       VALUES ($1, $2::date, $3, $4, $5, $6)
       ON CONFLICT (purpose, as_of) DO UPDATE SET model_id = EXCLUDED.model_id,
         accounts = EXCLUDED.accounts, changed = EXCLUDED.changed, duration_ms = EXCLUDED.duration_ms`,
      [m.purpose, asOf, m.id, accounts, changed, mine.reduce((t, x) => t + x.ms, 0)],
    );
    const monitored = await monitor(
      tx,
      asOf,
      m,
      mine.flatMap((x) => x.counts),
      limits,
    );
    out.push({
      purpose: m.purpose,
      version: m.version,
      accounts,
      changed,
      psi: monitored.psi,
      alerts: monitored.alerts.length,
    });
  }
  return out;
}

/** Closes today's following of the open snapshots, records today's snapshot when due, and the
 * day's monitoring figures from today's counts. */
async function monitor(
  tx: SqlConnection,
  asOf: LocalDate,
  m: ActiveModel,
  counts: readonly ScorePartial['counts'][number][],
  limits: MonitoringLimits,
): Promise<{ psi: number; alerts: Alert[] }> {
  const known = isPurposeName(m.purpose) ? PURPOSES[m.purpose] : null;
  const { counts: trainingCounts } = m.model.scoreDistribution;
  const today = new Array<number>(trainingCounts.length).fill(0);
  const byBand = new Map<string, { accounts: number; sum: number }>();
  for (const r of counts) {
    today[r.bin] = (today[r.bin] ?? 0) + r.n;
    const b = byBand.get(r.band) ?? { accounts: 0, sum: 0 };
    b.accounts += r.n;
    b.sum += r.sum;
    byBand.set(r.band, b);
  }
  const psi = stability(trainingCounts, today);
  let calibration: (BandCalibration & { snapshot: LocalDate })[] | null = null;
  if (known) {
    await tx.query(
      `UPDATE score_snapshot_runs SET followed_to = $2::date
       WHERE purpose = $1 AND followed_to < $2::date AND $2::date <= as_of + horizon_days`,
      [m.purpose, asOf],
    );
    if (await snapshotDue(tx, m, asOf)) {
      await tx.query(
        `INSERT INTO score_snapshot_runs (purpose, as_of, model_id, horizon_days, accounts, followed_to)
         SELECT $1, $2::date, $3, $4, count(*), $2::date FROM score_snapshots
         WHERE purpose = $1 AND as_of = $2::date`,
        [m.purpose, asOf, m.id, known.horizonDays],
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
          const r = byBand.get(b.name);
          return {
            band: b.name,
            accounts: r?.accounts ?? 0,
            meanProbability: r ? r.sum / r.accounts : null,
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
      (await readSetting(conn, CLASSIFICATION_KEY)) ?? this.defaultClassification,
    );
  }

  private save(key: string, value: unknown): Promise<void> {
    return writeSetting(this.db, key, value);
  }

  /** Stores a classification document (checked first; throws ClassificationError). */
  async saveClassification(doc: unknown): Promise<Classification> {
    const c = parseClassification(doc);
    await this.save(CLASSIFICATION_KEY, doc);
    return c;
  }

  async monitoringLimits(): Promise<MonitoringLimits> {
    return parseMonitoringLimits(
      (await readSetting(this.db, LIMITS_KEY)) ?? DEFAULT_MONITORING_LIMITS,
    );
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
      await tx.exec('ANALYZE ts_features');
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
