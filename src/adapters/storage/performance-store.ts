/**
 * Collector performance on the database: the period's KPI counts of every collector in one
 * set-based query over the contact attempts, promises, payments, bucket transitions, complaints
 * and compliance decisions; the targets, complaints, the assessment scheme and incentive rules.
 */
import type {
  CollectorPeriod,
  NewComplaint,
  PerformanceStore,
  PeriodQuery,
  StoredComplaint,
  TargetsDoc,
} from '../../app/performance/ports.ts';
import { CONNECTED } from '../../domain/compliance/types.ts';
import {
  EXAMPLE_RULES,
  validateRules,
  type Breach,
  type IncentiveRules,
} from '../../domain/incentives/statement.ts';
import {
  EXAMPLE_SCHEME,
  validateScheme,
  type AssessmentScheme,
  type Targets,
} from '../../domain/performance/assessment.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { readPolicy, writeSetting } from './settings.ts';
import { toDay, type Database } from './sql-client.ts';

export const SCHEME_KEY = 'performance.scheme';
export const RULES_KEY = 'incentives.rules';

/**
 * $1 from, $2 to (dates), $3 the business zone, $4 attribution days, $5 the connected outcomes,
 * $6 the buckets of accounts not past due, $7 the bucket of a payment before any transition.
 *
 * - attempts: the collector's outbound calls and visits started in the period (by_user);
 *   right-party contacts: those that reached the debtor (a connected outcome).
 * - accounts worked: the accounts of those attempts; cured: a transition from a past-due bucket
 *   to a current one between the collector's first attempt on it in the period and its end.
 * - promises taken: made by the collector in the period; due: promised for a day in the period;
 *   kept: due and kept (cancelled ones never count).
 * - collected: each payment of the period credited to the collector of the latest right-party
 *   contact or promise on its account on its day or in the $4 days before; by the account's
 *   currency and the bucket it was in the day before the payment.
 * - complaints received in the period; compliance blocks: calls and visits the collector started
 *   that the rules refused.
 */
const COUNTS_SQL = `
WITH c AS (SELECT id, name, team FROM collectors),
bounds AS (
  SELECT ($1::date)::timestamp AT TIME ZONE $3 AS t0,
         ($2::date + 1)::timestamp AT TIME ZONE $3 AS t1,
         ($1::date - $4::int)::timestamp AT TIME ZONE $3 AS tc),
att AS (
  SELECT ca.by_user AS collector, ca.account_id, ca.ts,
         (ca.person = 'debtor' AND ca.outcome = ANY($5::text[])) AS rpc,
         (ca.ts AT TIME ZONE $3)::date AS on_day
  FROM contact_attempts ca, bounds
  WHERE ca.by_user IN (SELECT id FROM c) AND ca.direction = 'outbound'
    AND ca.channel IN ('phone', 'field_visit') AND ca.ts >= bounds.tc AND ca.ts < bounds.t1),
a AS (
  SELECT collector, count(*)::int AS attempts, count(*) FILTER (WHERE rpc)::int AS rpc
  FROM att WHERE on_day >= $1::date GROUP BY collector),
worked AS (
  SELECT collector, account_id, min(on_day) AS first_day
  FROM att WHERE on_day >= $1::date AND account_id IS NOT NULL GROUP BY collector, account_id),
w AS (
  SELECT wk.collector, count(*)::int AS worked,
    count(*) FILTER (WHERE EXISTS (
      SELECT 1 FROM bucket_transitions bt
      WHERE bt.account_id = wk.account_id AND bt.on_date BETWEEN wk.first_day AND $2::date
        AND bt.to_bucket = ANY($6::text[]) AND bt.from_bucket IS NOT NULL
        AND NOT (bt.from_bucket = ANY($6::text[]))))::int AS cured
  FROM worked wk GROUP BY wk.collector),
pr AS (
  SELECT made_by AS collector,
    count(*) FILTER (WHERE made_on BETWEEN $1::date AND $2::date)::int AS taken,
    count(*) FILTER (WHERE promised_for BETWEEN $1::date AND $2::date)::int AS due,
    count(*) FILTER (WHERE promised_for BETWEEN $1::date AND $2::date AND status = 'kept')::int AS kept
  FROM promises
  WHERE made_by IN (SELECT id FROM c) AND status <> 'cancelled'
    AND (made_on BETWEEN $1::date AND $2::date OR promised_for BETWEEN $1::date AND $2::date)
  GROUP BY made_by),
cp AS (
  SELECT collector, count(*)::int AS n FROM complaints
  WHERE received_on BETWEEN $1::date AND $2::date GROUP BY collector),
bl AS (
  SELECT d.decided_by AS collector, count(*)::int AS n
  FROM compliance_decisions d, bounds
  WHERE d.decision = 'DENY' AND d.stage IN ('call', 'visit') AND d.decided_by IN (SELECT id FROM c)
    AND d.proposed_at >= bounds.t0 AND d.proposed_at < bounds.t1
  GROUP BY d.decided_by),
pay AS (
  SELECT p.id, p.account_id, p.paid_on, p.amount, a.currency
  FROM payments p JOIN accounts a ON a.id = p.account_id
  WHERE p.paid_on BETWEEN $1::date AND $2::date),
touch AS (
  SELECT account_id, collector, ts AS at, on_day FROM att WHERE rpc AND account_id IS NOT NULL
  UNION ALL
  SELECT account_id, made_by, made_at, made_on FROM promises
  WHERE made_by IN (SELECT id FROM c) AND status <> 'cancelled'
    AND made_on BETWEEN $1::date - $4::int AND $2::date),
credit AS (
  SELECT DISTINCT ON (pay.id) pay.id, pay.account_id, pay.paid_on, pay.amount, pay.currency,
         t.collector
  FROM pay JOIN touch t ON t.account_id = pay.account_id
    AND t.on_day BETWEEN pay.paid_on - $4::int AND pay.paid_on
  ORDER BY pay.id, t.at DESC, t.collector),
cb AS (
  SELECT cr.collector, cr.currency, coalesce(b.to_bucket, $7) AS bucket,
         sum(cr.amount)::bigint AS amount
  FROM credit cr
  LEFT JOIN LATERAL (
    SELECT bt.to_bucket FROM bucket_transitions bt
    WHERE bt.account_id = cr.account_id AND bt.on_date < cr.paid_on
    ORDER BY bt.on_date DESC LIMIT 1) b ON true
  GROUP BY 1, 2, 3),
col AS (
  SELECT collector, jsonb_agg(jsonb_build_array(currency, bucket, amount)) AS amounts
  FROM cb GROUP BY collector)
SELECT c.id, c.name, c.team,
  coalesce(a.attempts, 0) AS attempts, coalesce(a.rpc, 0) AS rpc,
  coalesce(pr.taken, 0) AS taken, coalesce(pr.due, 0) AS due, coalesce(pr.kept, 0) AS kept,
  coalesce(w.worked, 0) AS worked, coalesce(w.cured, 0) AS cured,
  coalesce(cp.n, 0) AS complaints, coalesce(bl.n, 0) AS blocks, col.amounts
FROM c
LEFT JOIN a ON a.collector = c.id
LEFT JOIN w ON w.collector = c.id
LEFT JOIN pr ON pr.collector = c.id
LEFT JOIN cp ON cp.collector = c.id
LEFT JOIN bl ON bl.collector = c.id
LEFT JOIN col ON col.collector = c.id
ORDER BY c.id`;

interface CountsRow {
  id: string;
  name: string;
  team: string | null;
  attempts: number;
  rpc: number;
  taken: number;
  due: number;
  kept: number;
  worked: number;
  cured: number;
  complaints: number;
  blocks: number;
  amounts: [string, string, number | string][] | null;
}

interface ComplaintRow {
  id: number | string;
  collector: string;
  account: string | null;
  customer: string | null;
  received_on: unknown;
  summary: string;
  breach: boolean;
  recorded_by: string;
  recorded_at: Date | string;
}

const toComplaint = (r: ComplaintRow): StoredComplaint => ({
  id: Number(r.id),
  collector: r.collector,
  account: r.account,
  customer: r.customer,
  receivedOn: toDay(r.received_on)!,
  summary: r.summary,
  breach: r.breach,
  recordedBy: r.recorded_by,
  recordedAt: new Date(r.recorded_at).toISOString(),
});

const COMPLAINT_SELECT = `SELECT k.id, k.collector, a.external_id AS account, cu.external_id AS customer,
  k.received_on, k.summary, k.breach, k.recorded_by, k.recorded_at
  FROM complaints k LEFT JOIN accounts a ON a.id = k.account_id
  LEFT JOIN customers cu ON cu.id = k.customer_id`;

const valid =
  <T>(check: (x: unknown) => string[]) =>
  (x: unknown): { ok: true; policy: T } | { ok: false } =>
    check(x).length === 0 ? { ok: true, policy: x as T } : { ok: false };

export class SqlPerformanceStore implements PerformanceStore {
  constructor(private readonly db: Database) {}

  async counts(q: PeriodQuery): Promise<CollectorPeriod[]> {
    const r = await this.db.query<CountsRow>(COUNTS_SQL, [
      q.from,
      q.to,
      q.timezone,
      q.attributionDays,
      [...CONNECTED],
      q.currentBuckets,
      q.currentBuckets[0] ?? 'current',
    ]);
    return r.rows.map((x) => {
      const byBucket: Record<string, Record<string, number>> = {};
      const collected: Record<string, number> = {};
      for (const [currency, bucket, amount] of x.amounts ?? []) {
        const cur = currency.trim();
        (byBucket[cur] ??= {})[bucket] = Number(amount);
        collected[cur] = (collected[cur] ?? 0) + Number(amount);
      }
      return {
        name: x.name,
        team: x.team,
        collectedByBucket: byBucket,
        counts: {
          id: x.id,
          attempts: Number(x.attempts),
          rightPartyContacts: Number(x.rpc),
          promisesTaken: Number(x.taken),
          promisesKept: Number(x.kept),
          promisesDue: Number(x.due),
          collected,
          accountsWorked: Number(x.worked),
          accountsCured: Number(x.cured),
          complaints: Number(x.complaints),
          complianceBlocks: Number(x.blocks),
        },
      };
    });
  }

  async collectors(): Promise<{ id: string; name: string; team: string | null }[]> {
    return (
      await this.db.query<{ id: string; name: string; team: string | null }>(
        'SELECT id, name, team FROM collectors ORDER BY id',
      )
    ).rows;
  }

  async teams(): Promise<{ id: string; name: string }[]> {
    return (
      await this.db.query<{ id: string; name: string }>('SELECT id, name FROM teams ORDER BY id')
    ).rows;
  }

  async breaches(from: LocalDate, to: LocalDate): Promise<Map<string, Breach[]>> {
    const r = await this.db.query<{
      id: number | string;
      collector: string;
      on: unknown;
      summary: string;
    }>(
      `SELECT id, collector, received_on AS on, summary FROM complaints
       WHERE breach AND received_on BETWEEN $1::date AND $2::date ORDER BY received_on, id`,
      [from, to],
    );
    const out = new Map<string, Breach[]>();
    for (const x of r.rows) {
      const list = out.get(x.collector) ?? [];
      list.push({ id: `complaint-${x.id}`, description: `${toDay(x.on)}: ${x.summary}` });
      out.set(x.collector, list);
    }
    return out;
  }

  async targets(period: string): Promise<TargetsDoc> {
    const r = await this.db.query<{ scope: string; subject: string; targets: Targets }>(
      `SELECT scope, subject, targets FROM performance_targets WHERE period = $1
       ORDER BY scope, subject`,
      [period],
    );
    const doc: TargetsDoc = { collectors: {}, teams: {} };
    for (const x of r.rows) doc[x.scope === 'team' ? 'teams' : 'collectors'][x.subject] = x.targets;
    return doc;
  }

  setTargets(period: string, doc: TargetsDoc, by: string, at: Date): Promise<void> {
    const rows = [
      ...Object.entries(doc.collectors).map(([subject, targets]) => ({
        scope: 'collector',
        subject,
        targets,
      })),
      ...Object.entries(doc.teams).map(([subject, targets]) => ({
        scope: 'team',
        subject,
        targets,
      })),
    ];
    return this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM performance_targets WHERE period = $1', [period]);
      await tx.query(
        `INSERT INTO performance_targets (period, scope, subject, targets, updated_by, updated_at)
         SELECT $1, x.scope, x.subject, x.targets, $3, $4::timestamptz
         FROM jsonb_to_recordset($2::jsonb) AS x(scope text, subject text, targets jsonb)`,
        [period, JSON.stringify(rows), by, at.toISOString()],
      );
    });
  }

  scheme(): Promise<AssessmentScheme> {
    return readPolicy(this.db, SCHEME_KEY, valid<AssessmentScheme>(validateScheme), EXAMPLE_SCHEME);
  }

  saveScheme(s: AssessmentScheme): Promise<void> {
    return writeSetting(this.db, SCHEME_KEY, s);
  }

  rules(): Promise<IncentiveRules> {
    return readPolicy(this.db, RULES_KEY, valid<IncentiveRules>(validateRules), EXAMPLE_RULES);
  }

  saveRules(r: IncentiveRules): Promise<void> {
    return writeSetting(this.db, RULES_KEY, r);
  }

  addComplaint(
    c: NewComplaint,
    at: Date,
  ): Promise<StoredComplaint | { missing: 'collector' | 'account' }> {
    return this.db.transaction(async (tx) => {
      const known = await tx.query<{
        collector: string | null;
        account_id: string | null;
        customer_id: string | null;
      }>(
        `SELECT (SELECT id FROM collectors WHERE id = $1) AS collector,
                a.id AS account_id, a.customer_id
         FROM (SELECT 1) one LEFT JOIN accounts a ON a.external_id = $2`,
        [c.collector, c.account],
      );
      const k = known.rows[0]!;
      if (k.collector === null) return { missing: 'collector' as const };
      if (c.account !== null && k.account_id === null) return { missing: 'account' as const };
      const r = await tx.query<{ id: number | string }>(
        `INSERT INTO complaints (collector, customer_id, account_id, received_on, summary, breach,
           recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8::timestamptz) RETURNING id`,
        [
          c.collector,
          k.customer_id,
          k.account_id,
          c.receivedOn,
          c.summary,
          c.breach,
          c.recordedBy,
          at.toISOString(),
        ],
      );
      const row = await tx.query<ComplaintRow>(`${COMPLAINT_SELECT} WHERE k.id = $1`, [
        r.rows[0]!.id,
      ]);
      return toComplaint(row.rows[0]!);
    });
  }

  async complaints(from: LocalDate, to: LocalDate, collector?: string): Promise<StoredComplaint[]> {
    const r = await this.db.query<ComplaintRow>(
      `${COMPLAINT_SELECT} WHERE k.received_on BETWEEN $1::date AND $2::date
         AND ($3::text IS NULL OR k.collector = $3) ORDER BY k.received_on, k.id`,
      [from, to, collector ?? null],
    );
    return r.rows.map(toComplaint);
  }
}
