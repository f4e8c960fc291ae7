/**
 * The strategy step of the daily cycle, inside the cycle's transaction: page through every
 * account's facts, let the planner (pure, in app/strategy) decide segments and actions, and
 * write assignments, path events and actions set-wise with COPY. Re-running a day first
 * restores the strategy state as of the day before, so it plans the same and the idempotency
 * keys keep actions from being duplicated.
 */
import type { DayPlanner, PlanningRow, RunningExperiment } from '../../app/strategy/ports.ts';
import { currencyExponent } from '../../domain/money/currency.ts';
import { diffDays, type LocalDate } from '../../domain/time/date.ts';
import { planFacts } from './plan-follow.ts';
import { promiseFacts } from './promise-follow.ts';
import { inRange, type IdRange } from './id-range.ts';
import type { SqlConnection } from './sql-client.ts';
import { activeStrategyId, versionInForce, versionRow } from './strategy-store.ts';

const PAGE = 25_000;

export interface PlanStats {
  strategyVersionId: number | null;
  actions: number;
  planMs: number;
}

/**
 * Forgets path events and untouched actions from `from` on, and rebuilds assignments before it;
 * with a range, of the accounts in it only (a partition of the cycle).
 */
export async function restoreStrategyState(
  tx: SqlConnection,
  from: LocalDate,
  range?: IdRange,
): Promise<void> {
  const of = (column: string) => inRange(column, range);
  const later = await tx.query(
    `SELECT 1 FROM strategy_path_events WHERE on_date >= $1::date AND ${of('account_id')}
     UNION ALL SELECT 1 FROM planned_actions WHERE planned_for >= $1::date AND ${of('account_id')}
     UNION ALL SELECT 1 FROM experiment_assignments WHERE assigned_on >= $1::date
       AND ${of('account_id')} LIMIT 1`,
    [from],
  );
  if (later.rows.length === 0) return;
  await tx.query(
    `DELETE FROM strategy_path_events WHERE on_date >= $1::date AND ${of('account_id')}`,
    [from],
  );
  await tx.query(
    `DELETE FROM experiment_assignments WHERE assigned_on >= $1::date AND ${of('account_id')}`,
    [from],
  );
  await tx.query(
    // Actions already dispatched happened (or were decided on): they stay.
    `DELETE FROM planned_actions pa WHERE planned_for >= $1::date AND status IN ('planned', 'skipped')
       AND ${of('pa.account_id')}
       AND NOT EXISTS (SELECT 1 FROM dispatches d WHERE d.action_id = pa.id)`,
    [from],
  );
  await tx.exec(`DELETE FROM strategy_assignments WHERE ${of('account_id')}`);
  await tx.query(
    `INSERT INTO strategy_assignments (account_id, strategy_version_id, segment_id, bucket, entered_on)
     SELECT account_id, strategy_version_id, segment_id, bucket, on_date FROM (
       SELECT DISTINCT ON (account_id) * FROM strategy_path_events
       WHERE on_date < $1::date AND ${of('account_id')} ORDER BY account_id, on_date DESC) last
     WHERE segment_id IS NOT NULL`,
    [from],
  );
}

interface FactRow {
  account_id: number;
  account_ext: string;
  product: string;
  currency: string;
  bucket: string;
  delinquent_days: number;
  past_due_days: number;
  next_due_date: string | null;
  outstanding: number;
  arrears: number;
  customer_ext: string;
  language: string;
  jurisdiction: string;
  timezone: string;
  last_paid_on: string | null;
  on_hold: boolean;
  segment_id: string | null;
  assigned_bucket: string | null;
  entered_on: string | null;
  experiment_id: string | null;
  arm: string | null;
  days_since_contact: number | string | null;
  tier: string | null;
  score_purpose: string | null;
  probability: number | null;
  points: number | null;
  band: string | null;
  reasons: string[] | null;
  open_promise: boolean | null;
  broken_today: boolean | null;
  broken_90d: number | null;
  active_plan: boolean | null;
  plan_broken_today: boolean | null;
}

function toPlanningRow(r: FactRow, day: LocalDate): PlanningRow {
  const major = (minor: number) => minor / 10 ** currencyExponent(r.currency);
  return {
    accountId: r.account_id,
    nextDueDate: r.next_due_date,
    paidUp: r.outstanding === 0 && r.arrears === 0 && r.next_due_date === null,
    // an active repayment plan holds the path as an open promise does; a broken one re-enters it
    openPromise: r.open_promise === true,
    openPlan: r.active_plan === true,
    promiseBrokenToday: r.broken_today === true || r.plan_broken_today === true,
    outstandingMinor: r.outstanding,
    arm: r.experiment_id === null ? null : { experimentId: r.experiment_id, arm: r.arm ?? '' },
    onHold: r.on_hold,
    previous:
      r.segment_id === null
        ? null
        : {
            segmentId: r.segment_id,
            bucket: r.assigned_bucket ?? '',
            enteredOn: r.entered_on ?? day,
          },
    facts: {
      account: {
        id: r.account_ext,
        product: r.product,
        currency: r.currency,
        bucket: r.bucket,
        delinquent_days: r.delinquent_days,
        past_due_days: r.past_due_days,
        days_to_due: r.next_due_date === null ? -1 : diffDays(r.next_due_date, day),
        outstanding: major(r.outstanding),
        arrears: major(r.arrears),
        tags: [],
      },
      customer: {
        id: r.customer_ext,
        language: r.language,
        jurisdiction: r.jurisdiction,
        timezone: r.timezone,
        tags: [],
      },
      history: {
        // promises partially kept or broken in the last 90 days
        broken_promises: r.broken_90d ?? 0,
        days_since_payment: r.last_paid_on === null ? -1 : diffDays(day, r.last_paid_on),
        days_since_contact: r.days_since_contact === null ? -1 : Number(r.days_since_contact),
      },
      score: {
        available: r.probability !== null,
        tier: r.tier ?? '',
        purpose: r.score_purpose ?? '',
        probability: r.probability === null ? 0 : Number(r.probability),
        points: r.points ?? 0,
        band: r.band ?? '',
        reasons: r.reasons ?? [],
      },
    },
  };
}

/** The experiments running on `day`, with their arms' versions, in the order they claim accounts. */
async function runningExperiments(tx: SqlConnection, day: LocalDate): Promise<RunningExperiment[]> {
  const r = await tx.query<{
    id: string;
    population: string;
    arms: { name: string; strategyId: string; version: number; share: number }[];
  }>(
    `SELECT id, population, arms FROM experiments
     WHERE status = 'running' AND starts_on <= $1::date AND (ends_on IS NULL OR ends_on >= $1::date)
     ORDER BY starts_on, id`,
    [day],
  );
  const out: RunningExperiment[] = [];
  for (const e of r.rows) {
    const arms = [];
    for (const a of e.arms) {
      const version = await versionRow(tx, a.strategyId, a.version);
      if (!version)
        throw new Error(`experiment ${e.id}: ${a.strategyId} v${a.version} does not exist`);
      arms.push({ name: a.name, share: a.share, version });
    }
    out.push({ id: e.id, population: e.population, arms });
  }
  return out;
}

/**
 * Plans `day` for every account in `states` (a table of the day's account states) under the
 * version of the active strategy in force that day. With a range, `states` holds the accounts
 * of that range (a partition of the cycle), and only their strategy state is restored first.
 */
export async function planDay(
  tx: SqlConnection,
  day: LocalDate,
  states: string,
  planner: DayPlanner,
  range?: IdRange,
): Promise<PlanStats> {
  const t0 = performance.now();
  await restoreStrategyState(tx, day, range);
  const inForce = await versionInForce(tx, await activeStrategyId(tx), day);
  const experiments = await runningExperiments(tx, day);
  if (!inForce && experiments.length === 0)
    return { strategyVersionId: null, actions: 0, planMs: 0 };
  const running = experiments.map((e) => e.id);

  await promiseFacts(tx, day, 'plan_promises');
  await planFacts(tx, day, 'plan_repayment');
  await tx.exec(`
    CREATE INDEX ON ${states} (account_id);
    ANALYZE ${states};
    CREATE TEMP TABLE plan_assign (account_id bigint, version_id bigint, segment_id text,
      bucket text, entered_on date) ON COMMIT DROP;
    CREATE TEMP TABLE plan_path_events (account_id bigint, version_id bigint, segment_id text,
      bucket text, exit_reason text) ON COMMIT DROP;
    CREATE TEMP TABLE plan_actions (idempotency_key text, account_id bigint, version_id bigint,
      segment_id text, step_id text, channel text, template text, priority integer,
      on_fail jsonb, status text, reason text) ON COMMIT DROP;
    CREATE TEMP TABLE plan_arms (experiment_id text, account_id bigint, arm text, bucket text,
      balance bigint) ON COMMIT DROP;`);

  // The next page is asked for before this one is planned, so the database reads while Node.js
  // plans.
  const fetchPage = (after: number) =>
    tx.query<FactRow>(
      `SELECT n.account_id, a.external_id AS account_ext, a.product, a.currency, n.bucket,
              n.delinquent_days, n.past_due_days, n.next_due_date, n.outstanding, n.arrears,
              c.external_id AS customer_ext, c.language, c.jurisdiction, c.timezone,
              n.last_paid_on, n.on_hold, sa.segment_id, sa.bucket AS assigned_bucket, sa.entered_on,
              ea.experiment_id, ea.arm,
              ($4::date - (lc.last_contact AT TIME ZONE c.timezone)::date) AS days_since_contact,
              at.tier, at.purpose AS score_purpose, sc.probability, sc.points, sc.band, sc.reasons,
              pr.open_promise, pr.broken_today, pr.broken_90d, rp.active_plan, rp.plan_broken_today
       FROM ${states} n
       JOIN accounts a ON a.id = n.account_id
       JOIN customers c ON c.id = a.customer_id
       LEFT JOIN strategy_assignments sa ON sa.account_id = n.account_id
       LEFT JOIN account_tiers at ON at.account_id = n.account_id
       LEFT JOIN account_scores sc ON sc.account_id = n.account_id AND sc.purpose = at.purpose
       LEFT JOIN plan_promises pr ON pr.account_id = n.account_id
       LEFT JOIN plan_repayment rp ON rp.account_id = n.account_id
       LEFT JOIN LATERAL (
         SELECT x.experiment_id, x.arm FROM experiment_assignments x
         WHERE x.account_id = n.account_id AND x.experiment_id = ANY($3::text[])
         LIMIT 1) ea ON true
       -- The last contact made with the customer before the day ended where they are.
       LEFT JOIN LATERAL (
         SELECT max(t.ts) AS last_contact FROM contact_attempts t
         WHERE t.customer_id = a.customer_id AND t.direction = 'outbound'
           AND t.ts < (($4::date + 1)::timestamp AT TIME ZONE c.timezone)) lc ON true
       WHERE n.account_id > $1 ORDER BY n.account_id LIMIT $2`,
      [after, PAGE, running, day],
    );
  let next = fetchPage(0);
  for (;;) {
    const page = await next;
    if (page.rows.length === 0) break;
    next = fetchPage(page.rows.at(-1)!.account_id);
    next.catch(() => {}); // awaited on the next turn; this only marks it handled meanwhile
    const rows = page.rows.map((r) => toPlanningRow(r, day));
    const outcomes = planner({ day, inForce, experiments }, rows);
    const hadPath = new Set(
      page.rows.filter((r) => r.segment_id !== null).map((r) => r.account_id),
    );
    await tx.copyFrom(
      'plan_assign',
      ['account_id', 'version_id', 'segment_id', 'bucket', 'entered_on'],
      outcomes.map((o) => [
        o.accountId,
        o.versionId,
        o.assignment?.segmentId,
        o.assignment?.bucket,
        o.assignment?.enteredOn,
      ]),
    );
    await tx.copyFrom(
      'plan_path_events',
      ['account_id', 'version_id', 'segment_id', 'bucket', 'exit_reason'],
      outcomes
        .filter(
          (o) =>
            o.versionId !== null &&
            (o.entered || (o.assignment === null && hadPath.has(o.accountId))),
        )
        .map((o) => [
          o.accountId,
          o.versionId,
          o.assignment?.segmentId,
          o.assignment?.bucket,
          o.exitReason,
        ]),
    );
    await tx.copyFrom(
      'plan_arms',
      ['experiment_id', 'account_id', 'arm', 'bucket', 'balance'],
      outcomes.flatMap((o, i) =>
        o.newArm
          ? [
              [
                o.newArm.experimentId,
                o.accountId,
                o.newArm.arm,
                rows[i]!.facts.account.bucket,
                rows[i]!.outstandingMinor,
              ],
            ]
          : [],
      ),
    );
    await tx.copyFrom(
      'plan_actions',
      [
        'idempotency_key',
        'account_id',
        'version_id',
        'segment_id',
        'step_id',
        'channel',
        'template',
        'priority',
        'on_fail',
        'status',
        'reason',
      ],
      outcomes.flatMap((o) =>
        o.actions.map((a) => [
          a.idempotencyKey,
          o.accountId,
          o.versionId,
          a.segmentId,
          a.stepId,
          a.channel,
          a.template,
          a.priority,
          JSON.stringify(a.onFail),
          a.status,
          a.reason,
        ]),
      ),
    );
  }

  await tx.query(
    `INSERT INTO experiment_assignments (experiment_id, account_id, arm, assigned_on, bucket, balance)
     SELECT experiment_id, account_id, arm, $1::date, bucket, balance FROM plan_arms
     ON CONFLICT (experiment_id, account_id) DO NOTHING`,
    [day],
  );
  await tx.query(
    `DELETE FROM strategy_assignments sa USING plan_assign p
     WHERE p.account_id = sa.account_id AND p.segment_id IS NULL`,
  );
  await tx.query(
    `INSERT INTO strategy_assignments (account_id, strategy_version_id, segment_id, bucket, entered_on)
     SELECT account_id, version_id, segment_id, bucket, entered_on FROM plan_assign
     WHERE segment_id IS NOT NULL
     ON CONFLICT (account_id) DO UPDATE SET strategy_version_id = EXCLUDED.strategy_version_id,
       segment_id = EXCLUDED.segment_id, bucket = EXCLUDED.bucket, entered_on = EXCLUDED.entered_on
     WHERE (strategy_assignments.strategy_version_id, strategy_assignments.segment_id,
            strategy_assignments.bucket, strategy_assignments.entered_on)
       IS DISTINCT FROM (EXCLUDED.strategy_version_id, EXCLUDED.segment_id, EXCLUDED.bucket,
            EXCLUDED.entered_on)`,
  );
  await tx.query(
    `INSERT INTO strategy_path_events (account_id, on_date, strategy_version_id, segment_id, bucket, exit_reason)
     SELECT account_id, $1::date, version_id, segment_id, bucket, exit_reason FROM plan_path_events`,
    [day],
  );
  const inserted = await tx.query(
    `INSERT INTO planned_actions (idempotency_key, account_id, strategy_version_id, segment_id,
       step_id, channel, template, priority, on_fail, planned_for, status, reason)
     SELECT idempotency_key, account_id, version_id, segment_id, step_id, channel, template,
            priority, on_fail, $1::date, status, reason
     FROM plan_actions
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [day],
  );
  return {
    strategyVersionId: inForce?.id ?? null,
    actions: inserted.rowCount,
    planMs: Math.round(performance.now() - t0),
  };
}
