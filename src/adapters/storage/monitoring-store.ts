/**
 * The monitoring numbers on the database, in whole sets: each account's bucket at a date from
 * the cycle's bucket transitions (the latest on or before it), its balance at that date from the
 * schedule and the payments, and the funnel of the dispatches. Nothing per account leaves SQL.
 */
import type {
  BlockCount,
  BucketOrd,
  DayNumbers,
  GroupLabel,
  MonitoringStore,
  StoredAlert,
  StoredRule,
} from '../../app/monitoring/ports.ts';
import type { AlertRuleInput, FiredAlert } from '../../domain/monitoring/alerts.ts';
import {
  DEFAULT_CHANNEL_COSTS,
  parseChannelCosts,
  type ChannelCosts,
  type FunnelCounts,
} from '../../domain/monitoring/channels.ts';
import type { GroupCounts } from '../../domain/monitoring/compare.ts';
import type { CohortCollection, CohortEntry } from '../../domain/monitoring/recovery.ts';
import type { PairCount } from '../../domain/monitoring/rolls.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { readPolicy, writeSetting } from './settings.ts';
import { toDay, toInstant, type Database } from './sql-client.ts';

const COSTS_KEY = 'monitoring.channel_costs';
/** Outcomes of a call or visit in which the debtor was spoken with (the compliance CONNECTED). */
const REACHED = `('conversation', 'promise_to_pay', 'refused', 'dispute', 'hardship')`;
/** Outcomes of a call that did not get through to anyone or anything. */
const NOT_THROUGH = `('busy', 'not_in_service', 'no_answer', 'wrong_number')`;

/** The channels whose dispatches become a task for a person (a call, a visit). */
const CALLS = `('phone', 'field_visit')`;
/** The outbound attempts recorded on the task `t` since the day before the period ($1). */
const ATTEMPTED = `ca.task_id = t.id AND ca.direction = 'outbound' AND ca.ts >= $1::date - 1`;

/**
 * The contact credited with an event of the account `account` on the day `on`: its latest sent
 * collection dispatch planned on that day or in the $3 days before it (by planned date, then the
 * later dispatch), among those planned from $1 to $2 + $3; `counted` when planned by $2. Read
 * backwards on dispatches (account_id, planned_for, id), one account's few dispatches at a time.
 */
const lastTouch = (account: string, on: string) => `
  SELECT x.id, x.channel, x.planned_for <= $2::date AS counted
  FROM dispatches x LEFT JOIN tasks t ON t.dispatch_id = x.id
  WHERE x.account_id = ${account} AND x.planned_for <= ${on} AND x.planned_for >= ${on} - $3::int
    AND x.planned_for >= $1::date AND x.planned_for <= $2::date + $3::int
    AND x.purpose = 'collection'
    AND CASE WHEN x.channel IN ${CALLS}
             THEN EXISTS (SELECT 1 FROM contact_attempts ca WHERE ${ATTEMPTED})
             ELSE x.sent_at IS NOT NULL END
  ORDER BY x.planned_for DESC, x.id DESC LIMIT 1`;

const n = (v: unknown) => Number(v ?? 0);
const periodsJson = (periods: readonly { start: LocalDate; end: LocalDate }[]) =>
  JSON.stringify(periods.map((p) => ({ start: p.start, end: p.end })));

/**
 * CTEs over `per(start, end)` (from $1): `b(as_of, account_id, bucket)`, every account's bucket
 * at each start and end, and `bal(start, account_id, outstanding)`, its balance at each start:
 * what has fallen due in full plus the principal still to fall due, less what was paid, as the
 * ledger states outstanding (src/adapters/storage/ledger-state-sql.ts).
 */
const MONTH_STATES = `
per AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(start date, "end" date)),
d AS (SELECT DISTINCT start AS as_of FROM per UNION SELECT DISTINCT "end" FROM per),
b AS MATERIALIZED (
  SELECT d.as_of, t.account_id, t.to_bucket AS bucket
  FROM d CROSS JOIN LATERAL (
    SELECT DISTINCT ON (bt.account_id) bt.account_id, bt.to_bucket
    FROM bucket_transitions bt WHERE bt.on_date <= d.as_of
    ORDER BY bt.account_id, bt.on_date DESC) t
),
starts AS (SELECT DISTINCT start FROM per),
owed AS (
  SELECT s.start, i.account_id,
         sum(CASE WHEN i.due_date <= s.start THEN i.principal_due + i.interest_due + i.fees_due
                  ELSE i.principal_due END) AS owed
  FROM starts s JOIN instalments i ON true
  JOIN b ON b.as_of = s.start AND b.account_id = i.account_id
  GROUP BY 1, 2
),
paid AS (
  SELECT s.start, p.account_id, sum(p.amount) AS paid
  FROM starts s JOIN payments p ON p.paid_on <= s.start
  GROUP BY 1, 2
),
bal AS MATERIALIZED (
  SELECT o.start, o.account_id, GREATEST(0, o.owed - COALESCE(pd.paid, 0))::bigint AS outstanding
  FROM owed o LEFT JOIN paid pd ON pd.start = o.start AND pd.account_id = o.account_id
)`;

interface RuleRow {
  id: number | string;
  name: string;
  metric: StoredRule['metric'];
  scope: StoredRule['scope'];
  comparator: StoredRule['comparator'];
  threshold: number | string;
  min_base: number;
  created_by: string;
  created_at: unknown;
}

const toRule = (r: RuleRow): StoredRule => ({
  id: Number(r.id),
  name: r.name,
  metric: r.metric,
  scope: r.scope,
  comparator: r.comparator,
  threshold: Number(r.threshold),
  minBase: r.min_base,
  createdBy: r.created_by,
  createdAt: toInstant(r.created_at)!.toISOString(),
});

const ALERT_COLUMNS = `a.id, a.rule_id, a.day::text AS day, a.value, a.base, a.message, a.fired_at,
  a.acknowledged_by, a.acknowledged_at, r.name AS rule_name, r.metric, r.threshold, r.comparator`;

interface AlertRow {
  id: number | string;
  rule_id: number | string;
  day: string;
  value: number | string;
  base: number;
  message: string;
  fired_at: unknown;
  acknowledged_by: string | null;
  acknowledged_at: unknown;
  rule_name: string;
  metric: string;
  threshold: number | string;
  comparator: string;
}

const toAlert = (r: AlertRow): StoredAlert => ({
  id: Number(r.id),
  ruleId: Number(r.rule_id),
  day: toDay(r.day)!,
  value: Number(r.value),
  base: r.base,
  message: r.message,
  ruleName: r.rule_name,
  metric: r.metric,
  threshold: Number(r.threshold),
  comparator: r.comparator,
  firedAt: toInstant(r.fired_at)!.toISOString(),
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at === null ? null : toInstant(r.acknowledged_at)!.toISOString(),
});

export class SqlMonitoringStore implements MonitoringStore {
  constructor(private readonly db: Database) {}

  async lastCycled(): Promise<LocalDate | null> {
    const r = await this.db.query<{ d: unknown }>('SELECT max(as_of) AS d FROM cycle_runs');
    return toDay(r.rows[0]?.d);
  }

  async pairs(
    periods: readonly { start: LocalDate; end: LocalDate }[],
    product: string | null,
  ): Promise<PairCount[]> {
    if (periods.length === 0) return [];
    const r = await this.db.query<{
      start: unknown;
      end: unknown;
      product: string;
      currency: string;
      from_bucket: string;
      to_bucket: string;
      accounts: number | string;
      balance: number | string;
    }>(
      `WITH ${MONTH_STATES}
       SELECT per.start, per."end", a.product, a.currency, bs.bucket AS from_bucket,
              be.bucket AS to_bucket, count(*) AS accounts, sum(bal.outstanding) AS balance
       FROM per
       JOIN b bs ON bs.as_of = per.start
       JOIN b be ON be.as_of = per."end" AND be.account_id = bs.account_id
       JOIN bal ON bal.start = per.start AND bal.account_id = bs.account_id
       JOIN accounts a ON a.id = bs.account_id
       WHERE bal.outstanding > 0 AND ($2::text IS NULL OR a.product = $2)
       GROUP BY 1, 2, 3, 4, 5, 6`,
      [periodsJson(periods), product],
    );
    return r.rows.map((x) => ({
      start: toDay(x.start)!,
      end: toDay(x.end)!,
      product: x.product,
      currency: x.currency.trim(),
      from: x.from_bucket,
      to: x.to_bucket,
      accounts: n(x.accounts),
      balanceMinor: n(x.balance),
    }));
  }

  async recovery(
    from: LocalDate,
    asOf: LocalDate,
    buckets: readonly BucketOrd[],
  ): Promise<{ entries: CohortEntry[]; collections: CohortCollection[] }> {
    // An entry: a transition from the product's current bucket to a later one; an account's
    // first entry in a month counts for that month's cohort.
    const sql = `
      WITH bo AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(product text, bucket text, ord integer)),
      e AS MATERIALIZED (
        SELECT DISTINCT ON (t.account_id, date_trunc('month', t.on_date))
               t.account_id, t.on_date, to_char(t.on_date, 'YYYY-MM') AS cohort, a.currency
        FROM bucket_transitions t
        JOIN accounts a ON a.id = t.account_id
        JOIN bo f ON f.product = a.product AND f.bucket = t.from_bucket AND f.ord = 0
        JOIN bo tb ON tb.product = a.product AND tb.bucket = t.to_bucket AND tb.ord > 0
        WHERE t.on_date >= $1::date AND t.on_date <= $2::date
        ORDER BY t.account_id, date_trunc('month', t.on_date), t.on_date
      ),
      owed AS (
        SELECT e.account_id, e.on_date,
               sum(CASE WHEN i.due_date <= e.on_date THEN i.principal_due + i.interest_due + i.fees_due
                        ELSE i.principal_due END) AS owed
        FROM e JOIN instalments i ON i.account_id = e.account_id GROUP BY 1, 2
      ),
      paid AS (
        SELECT e.account_id, e.on_date, sum(p.amount) AS paid
        FROM e JOIN payments p ON p.account_id = e.account_id AND p.paid_on <= e.on_date GROUP BY 1, 2
      )`;
    const params = [from, asOf, JSON.stringify(buckets)];
    const entries = await this.db.query<{
      cohort: string;
      currency: string;
      accounts: number | string;
      balance: number | string;
    }>(
      `${sql}
       SELECT e.cohort, e.currency, count(*) AS accounts,
              sum(GREATEST(0, COALESCE(o.owed, 0) - COALESCE(pd.paid, 0))) AS balance
       FROM e
       LEFT JOIN owed o ON o.account_id = e.account_id AND o.on_date = e.on_date
       LEFT JOIN paid pd ON pd.account_id = e.account_id AND pd.on_date = e.on_date
       GROUP BY 1, 2`,
      params,
    );
    const collections = await this.db.query<{
      cohort: string;
      currency: string;
      k: number;
      collected: number | string;
    }>(
      `${sql}
       SELECT e.cohort, e.currency,
              ((extract(year FROM p.paid_on) * 12 + extract(month FROM p.paid_on))
               - (extract(year FROM e.on_date) * 12 + extract(month FROM e.on_date)))::int AS k,
              sum(p.amount) AS collected
       FROM e JOIN payments p ON p.account_id = e.account_id
         AND p.paid_on > e.on_date AND p.paid_on <= $2::date
       GROUP BY 1, 2, 3`,
      params,
    );
    return {
      entries: entries.rows.map((x) => ({
        cohort: x.cohort,
        currency: x.currency.trim(),
        accounts: n(x.accounts),
        balanceMinor: n(x.balance),
      })),
      collections: collections.rows.map((x) => ({
        cohort: x.cohort,
        currency: x.currency.trim(),
        monthsSinceEntry: x.k,
        collectedMinor: n(x.collected),
      })),
    };
  }

  async funnel(from: LocalDate, to: LocalDate, windowDays: number): Promise<FunnelCounts[]> {
    const r = await this.db.query<{
      channel: string;
      currency: string;
      dispatches: number | string;
      blocked: number | string;
      sent: number | string;
      delivered: number | string;
      reached: number | string;
      promised: number | string;
      paid: number | string;
      collected: number | string;
    }>(
      `WITH d AS (
         SELECT d.id, d.channel, a.currency,
                d.state = 'blocked' AS blocked,
                CASE WHEN d.channel IN ${CALLS} THEN att.tries > 0
                     ELSE d.sent_at IS NOT NULL END AS sent,
                CASE WHEN d.channel IN ${CALLS} THEN COALESCE(att.through, false)
                     ELSE d.state = 'delivered' END AS delivered,
                CASE WHEN d.channel IN ${CALLS} THEN COALESCE(att.reached, false)
                     ELSE d.state = 'delivered' END AS reached
         FROM dispatches d
         JOIN accounts a ON a.id = d.account_id
         LEFT JOIN tasks t ON t.dispatch_id = d.id
         LEFT JOIN LATERAL (
           SELECT count(*) AS tries,
                  bool_or(ca.outcome NOT IN ${NOT_THROUGH}) AS through,
                  bool_or(ca.outcome IN ${REACHED} AND ca.person = 'debtor') AS reached
           FROM contact_attempts ca WHERE ${ATTEMPTED}) att ON true
         WHERE d.purpose = 'collection' AND d.planned_for >= $1::date AND d.planned_for <= $2::date
       ),
       pay AS (
         SELECT s.id, s.channel, a.currency, p.amount
         FROM payments p JOIN accounts a ON a.id = p.account_id
         CROSS JOIN LATERAL (${lastTouch('p.account_id', 'p.paid_on')}) s
         WHERE p.paid_on >= $1::date AND p.paid_on <= $2::date + $3::int AND s.counted
       ),
       prom AS (
         SELECT s.id, s.channel, a.currency
         FROM promises pr JOIN accounts a ON a.id = pr.account_id
         CROSS JOIN LATERAL (${lastTouch('pr.account_id', 'pr.made_on')}) s
         WHERE pr.made_on >= $1::date AND pr.made_on <= $2::date + $3::int AND s.counted
       ),
       -- each dispatch, and each payment and promise on the contact it is credited to
       ev AS (
         SELECT 'dispatch' AS kind, id, channel, currency, blocked, sent, delivered, reached,
                NULL::bigint AS amount
         FROM d
         UNION ALL
         SELECT 'payment', id, channel, currency, false, false, false, false, amount FROM pay
         UNION ALL
         SELECT 'promise', id, channel, currency, false, false, false, false, NULL FROM prom
       )
       SELECT channel, currency, count(*) FILTER (WHERE kind = 'dispatch') AS dispatches,
              count(*) FILTER (WHERE blocked) AS blocked,
              count(*) FILTER (WHERE sent) AS sent,
              count(*) FILTER (WHERE sent AND delivered) AS delivered,
              count(*) FILTER (WHERE sent AND reached) AS reached,
              count(DISTINCT id) FILTER (WHERE kind = 'promise') AS promised,
              count(DISTINCT id) FILTER (WHERE kind = 'payment') AS paid,
              COALESCE(sum(amount), 0) AS collected
       FROM ev
       GROUP BY 1, 2`,
      [from, to, windowDays],
    );
    return r.rows.map((x) => ({
      channel: x.channel,
      currency: x.currency.trim(),
      dispatches: n(x.dispatches),
      blocked: n(x.blocked),
      sent: n(x.sent),
      delivered: n(x.delivered),
      reached: n(x.reached),
      promised: n(x.promised),
      paid: n(x.paid),
      collectedMinor: n(x.collected),
    }));
  }

  async groups(
    periods: readonly { start: LocalDate; end: LocalDate }[],
    buckets: readonly BucketOrd[],
  ): Promise<{ groups: GroupCounts[]; labels: GroupLabel[] }> {
    if (periods.length === 0) return { groups: [], labels: [] };
    const r = await this.db.query<{
      key: string;
      currency: string;
      accounts: number | string;
      cured: number | string;
      rolled: number | string;
      balance: number | string;
      collected: number | string;
    }>(
      `WITH ${MONTH_STATES},
       bo AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(product text, bucket text, ord integer)),
       pop AS MATERIALIZED (
         SELECT per.start, per."end", bs.account_id, a.currency, bal.outstanding,
                fo.ord AS from_ord, tor.ord AS to_ord
         FROM per
         JOIN b bs ON bs.as_of = per.start
         JOIN b be ON be.as_of = per."end" AND be.account_id = bs.account_id
         JOIN bal ON bal.start = per.start AND bal.account_id = bs.account_id
         JOIN accounts a ON a.id = bs.account_id
         JOIN bo fo ON fo.product = a.product AND fo.bucket = bs.bucket
         JOIN bo tor ON tor.product = a.product AND tor.bucket = be.bucket
         WHERE bal.outstanding > 0 AND fo.ord > 0
       ),
       keyed AS (
         SELECT pop.*, 'strategy:' || s.strategy_version_id AS key
         FROM pop CROSS JOIN LATERAL (
           SELECT e.strategy_version_id FROM strategy_path_events e
           WHERE e.account_id = pop.account_id AND e.on_date <= pop.start
           ORDER BY e.on_date DESC LIMIT 1) s
         UNION ALL
         SELECT pop.*, 'experiment:' || ea.experiment_id || ':' || ea.arm
         FROM pop JOIN experiment_assignments ea
           ON ea.account_id = pop.account_id AND ea.assigned_on <= pop.start
       ),
       coll AS (
         SELECT k.key, k.start, k.account_id, sum(p.amount) AS amount
         FROM keyed k JOIN payments p ON p.account_id = k.account_id
           AND p.paid_on > k.start AND p.paid_on <= k."end"
         GROUP BY 1, 2, 3
       )
       SELECT k.key, k.currency, count(*) AS accounts,
              count(*) FILTER (WHERE k.to_ord = 0) AS cured,
              count(*) FILTER (WHERE k.to_ord > k.from_ord) AS rolled,
              sum(k.outstanding) AS balance, COALESCE(sum(c.amount), 0) AS collected
       FROM keyed k LEFT JOIN coll c ON c.key = k.key AND c.start = k.start AND c.account_id = k.account_id
       GROUP BY 1, 2 ORDER BY 1, 2`,
      [periodsJson(periods), JSON.stringify(buckets)],
    );
    const groups = new Map<string, GroupCounts>();
    for (const x of r.rows) {
      const g = groups.get(x.key) ?? {
        key: x.key,
        accounts: 0,
        cured: 0,
        rolledForward: 0,
        balances: {},
        collected: {},
      };
      const cur = x.currency.trim();
      g.accounts += n(x.accounts);
      g.cured += n(x.cured);
      g.rolledForward += n(x.rolled);
      g.balances[cur] = (g.balances[cur] ?? 0) + n(x.balance);
      g.collected[cur] = (g.collected[cur] ?? 0) + n(x.collected);
      groups.set(x.key, g);
    }
    // each group's name; an experiment's arms in their order (the first is the champion)
    const names = await this.db.query<{
      key: string;
      name: string;
      experiment: string | null;
      ord: number;
    }>(
      `SELECT 'strategy:' || id AS key, strategy_id || ' v' || version || ' (' || name || ')' AS name,
              NULL AS experiment, 0 AS ord
       FROM strategy_versions
       UNION ALL
       SELECT 'experiment:' || e.id || ':' || (arm.v->>'name'),
              e.name || ': ' || (arm.v->>'name') || ' (' || (arm.v->>'strategyId') || ' v' || (arm.v->>'version') || ')',
              e.id, arm.ord::int
       FROM experiments e CROSS JOIN LATERAL jsonb_array_elements(e.arms) WITH ORDINALITY AS arm(v, ord)`,
    );
    const labels = names.rows
      .filter((x) => groups.has(x.key))
      .map((x) => ({ key: x.key, name: x.name, experiment: x.experiment, ord: Number(x.ord) }));
    return { groups: [...groups.values()], labels };
  }

  async blocks(
    from: LocalDate,
    to: LocalDate,
    timezone: string,
  ): Promise<{
    byRule: BlockCount[];
    byDay: { day: LocalDate; allowed: number; denied: number }[];
  }> {
    // the days in the business time zone, [from 00:00, to + 1 00:00)
    const range = `d.proposed_at >= ($1::date)::timestamp AT TIME ZONE $3
       AND d.proposed_at < ($2::date + 1)::timestamp AT TIME ZONE $3`;
    const byRule = await this.db.query<{
      rule: string;
      channel: string;
      stage: string;
      n: number | string;
    }>(
      `SELECT r->>'rule' AS rule, d.channel, d.stage, count(*) AS n
       FROM compliance_decisions d CROSS JOIN LATERAL jsonb_array_elements(d.reasons) r
       WHERE d.decision = 'DENY' AND ${range}
       GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3`,
      [from, to, timezone],
    );
    const byDay = await this.db.query<{
      day: unknown;
      allowed: number | string;
      denied: number | string;
    }>(
      `SELECT (d.proposed_at AT TIME ZONE $3)::date AS day,
              count(*) FILTER (WHERE d.decision = 'ALLOW') AS allowed,
              count(*) FILTER (WHERE d.decision = 'DENY') AS denied
       FROM compliance_decisions d WHERE ${range}
       GROUP BY 1 ORDER BY 1`,
      [from, to, timezone],
    );
    return {
      byRule: byRule.rows.map((x) => ({
        rule: x.rule ?? 'unknown',
        channel: x.channel,
        stage: x.stage,
        blocks: n(x.n),
      })),
      byDay: byDay.rows.map((x) => ({
        day: toDay(x.day)!,
        allowed: n(x.allowed),
        denied: n(x.denied),
      })),
    };
  }

  async day(day: LocalDate, timezone: string): Promise<DayNumbers> {
    const range = (col: string) =>
      `${col} >= ($1::date)::timestamp AT TIME ZONE $2 AND ${col} < ($1::date + 1)::timestamp AT TIME ZONE $2`;
    const p = [day, timezone];
    const [states, payments, promises, dispatches, deliveries, outcomes, blocks] =
      await Promise.all([
        this.db.query<Record<string, string | number>>(
          `SELECT a.product, a.currency, s.bucket, count(*) AS accounts,
                  sum(s.outstanding) AS outstanding, sum(s.arrears) AS arrears
           FROM account_states s JOIN accounts a ON a.id = s.account_id
           WHERE s.outstanding > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        ),
        this.db.query<Record<string, string | number>>(
          `SELECT a.currency, count(*) AS n, sum(p.amount) AS amount
           FROM payments p JOIN accounts a ON a.id = p.account_id
           WHERE p.paid_on = $1::date GROUP BY 1 ORDER BY 1`,
          [day],
        ),
        this.db.query<Record<string, string | number>>(
          `SELECT currency, count(*) AS n, sum(amount) AS amount FROM promises
           WHERE made_on = $1::date GROUP BY 1 ORDER BY 1`,
          [day],
        ),
        this.db.query<Record<string, string | number>>(
          `SELECT channel, state, count(*) AS n FROM dispatches
           WHERE planned_for = $1::date GROUP BY 1, 2 ORDER BY 1, 2`,
          [day],
        ),
        this.db.query<Record<string, string | number>>(
          `SELECT channel, count(*) AS sent, count(*) FILTER (WHERE state = 'delivered') AS delivered
           FROM dispatches d WHERE channel IN ('sms', 'email', 'letter') AND ${range('d.sent_at')}
           GROUP BY 1 ORDER BY 1`,
          p,
        ),
        this.db.query<Record<string, string | number>>(
          `SELECT outcome, count(*) AS n FROM tasks t
           WHERE outcome IS NOT NULL AND ${range('t.outcome_at')} GROUP BY 1 ORDER BY 1`,
          p,
        ),
        this.db.query<Record<string, string | number>>(
          `SELECT channel, count(*) AS n FROM compliance_decisions d
           WHERE decision = 'DENY' AND ${range('d.proposed_at')} GROUP BY 1 ORDER BY 1`,
          p,
        ),
      ]);
    const s = (v: unknown) => String(v).trim();
    return {
      states: states.rows.map((x) => ({
        product: s(x.product),
        currency: s(x.currency),
        bucket: s(x.bucket),
        accounts: n(x.accounts),
        outstandingMinor: n(x.outstanding),
        arrearsMinor: n(x.arrears),
      })),
      payments: payments.rows.map((x) => ({
        currency: s(x.currency),
        payments: n(x.n),
        amountMinor: n(x.amount),
      })),
      promises: promises.rows.map((x) => ({
        currency: s(x.currency),
        promises: n(x.n),
        amountMinor: n(x.amount),
      })),
      dispatches: dispatches.rows.map((x) => ({
        channel: s(x.channel),
        state: s(x.state),
        dispatches: n(x.n),
      })),
      deliveries: deliveries.rows.map((x) => ({
        channel: s(x.channel),
        sent: n(x.sent),
        delivered: n(x.delivered),
      })),
      outcomes: outcomes.rows.map((x) => ({ outcome: s(x.outcome), tasks: n(x.n) })),
      blocks: blocks.rows.map((x) => ({ channel: s(x.channel), blocks: n(x.n) })),
    };
  }

  async marker(): Promise<string> {
    const r = await this.db.query<{ m: string }>(
      `SELECT concat_ws('|',
         (SELECT max(id) FROM payments), (SELECT max(id) FROM promises),
         (SELECT max(id) FROM dispatches), (SELECT max(at) FROM dispatch_events),
         (SELECT max(id) FROM task_events), (SELECT max(id) FROM compliance_decisions),
         (SELECT max(finished_at) FROM cycle_runs), (SELECT max(id) FROM monitoring_alerts),
         (SELECT max(id) FROM monitoring_alert_rules),
         (SELECT count(*) FROM monitoring_alert_rules WHERE deleted_at IS NULL)) AS m`,
    );
    return r.rows[0]?.m ?? '';
  }

  channelCosts(): Promise<ChannelCosts> {
    return readPolicy<ChannelCosts>(
      this.db,
      COSTS_KEY,
      (x) => {
        const r = parseChannelCosts(x);
        return r.ok ? { ok: true, policy: r.costs } : { ok: false };
      },
      DEFAULT_CHANNEL_COSTS,
    );
  }

  saveChannelCosts(costs: ChannelCosts): Promise<void> {
    return writeSetting(this.db, COSTS_KEY, costs);
  }

  async rules(): Promise<StoredRule[]> {
    const r = await this.db.query<RuleRow>(
      'SELECT * FROM monitoring_alert_rules WHERE deleted_at IS NULL ORDER BY id',
    );
    return r.rows.map(toRule);
  }

  async rule(id: number): Promise<StoredRule | null> {
    const r = await this.db.query<RuleRow>(
      'SELECT * FROM monitoring_alert_rules WHERE id = $1 AND deleted_at IS NULL',
      [id],
    );
    return r.rows[0] ? toRule(r.rows[0]) : null;
  }

  async insertRule(rule: AlertRuleInput, by: string, seedKey?: string): Promise<StoredRule | null> {
    const r = await this.db.query<RuleRow>(
      `INSERT INTO monitoring_alert_rules (name, metric, scope, comparator, threshold, min_base,
         created_by, seed_key)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
       ON CONFLICT (seed_key) DO NOTHING RETURNING *`,
      [
        rule.name,
        rule.metric,
        JSON.stringify(rule.scope),
        rule.comparator,
        rule.threshold,
        rule.minBase,
        by,
        seedKey ?? null,
      ],
    );
    return r.rows[0] ? toRule(r.rows[0]) : null;
  }

  async deleteRule(id: number, by: string): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE monitoring_alert_rules SET deleted_by = $2, deleted_at = now()
       WHERE id = $1 AND deleted_at IS NULL`,
      [id, by],
    );
    return r.rowCount > 0;
  }

  async firedOn(day: LocalDate): Promise<Set<number>> {
    const r = await this.db.query<{ rule_id: number | string }>(
      'SELECT rule_id FROM monitoring_alerts WHERE day = $1::date',
      [day],
    );
    return new Set(r.rows.map((x) => Number(x.rule_id)));
  }

  async insertAlerts(alerts: readonly FiredAlert[], at: Date): Promise<StoredAlert[]> {
    if (alerts.length === 0) return [];
    const r = await this.db.query<AlertRow>(
      `WITH ins AS (
         INSERT INTO monitoring_alerts (rule_id, day, fired_at, value, base, message)
         SELECT rule_id, day, $2::timestamptz, value, base, message
         FROM jsonb_to_recordset($1::jsonb) AS x(rule_id bigint, day date, value double precision,
           base integer, message text)
         ON CONFLICT (rule_id, day) DO NOTHING
         RETURNING *)
       SELECT ${ALERT_COLUMNS} FROM ins a JOIN monitoring_alert_rules r ON r.id = a.rule_id
       ORDER BY a.id`,
      [
        JSON.stringify(
          alerts.map((a) => ({
            rule_id: a.ruleId,
            day: a.day,
            value: a.value,
            base: a.base,
            message: a.message,
          })),
        ),
        at.toISOString(),
      ],
    );
    return r.rows.map(toAlert);
  }

  async alerts(q: {
    from?: LocalDate | undefined;
    to?: LocalDate | undefined;
    unacknowledged?: boolean | undefined;
    afterId?: number | undefined;
    limit: number;
  }): Promise<StoredAlert[]> {
    const r = await this.db.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM monitoring_alerts a JOIN monitoring_alert_rules r ON r.id = a.rule_id
       WHERE ($1::date IS NULL OR a.day >= $1::date) AND ($2::date IS NULL OR a.day <= $2::date)
         AND (NOT $3::boolean OR a.acknowledged_at IS NULL) AND a.id > $4
       ORDER BY a.id DESC LIMIT $5`,
      [q.from ?? null, q.to ?? null, q.unacknowledged ?? false, q.afterId ?? 0, q.limit],
    );
    return r.rows.map(toAlert);
  }

  async alert(id: number): Promise<StoredAlert | null> {
    const r = await this.db.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM monitoring_alerts a JOIN monitoring_alert_rules r ON r.id = a.rule_id
       WHERE a.id = $1`,
      [id],
    );
    return r.rows[0] ? toAlert(r.rows[0]) : null;
  }

  async acknowledge(id: number, by: string, at: Date): Promise<StoredAlert | null> {
    const r = await this.db.query<AlertRow>(
      `WITH up AS (
         UPDATE monitoring_alerts SET acknowledged_by = $2, acknowledged_at = $3::timestamptz
         WHERE id = $1 AND acknowledged_at IS NULL RETURNING *)
       SELECT ${ALERT_COLUMNS} FROM up a JOIN monitoring_alert_rules r ON r.id = a.rule_id`,
      [id, by, at.toISOString()],
    );
    return r.rows[0] ? toAlert(r.rows[0]) : null;
  }
}
