/**
 * The cycle's part of repayment plans, and the schedule changes plans make. Every active plan
 * is followed set-wise (one read of the plans with what the ledger shows unpaid of each plan
 * payment, one write of those whose standing changed), by the domain's rules (followPlan). In
 * the cycle's transaction, before the day's state is computed, so that a settlement paid today
 * (its remainder written off) or a plan broken today (its schedule restored) is in today's
 * state, scores and plan.
 *
 * A schedule change moves the rows it supersedes to instalment_history and records the seqs of
 * the rows it adds, so that it can be undone exactly (a broken or cancelled plan, a rewind).
 */
import { followPlan, type FollowedPayment } from '../../domain/plans/follow.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { inRange, type IdRange } from './id-range.ts';
import type { SqlConnection } from './sql-client.ts';

export interface PlanDayStats {
  active: number;
  completed: number;
  broken: number;
}

/** The cycle acts in plan_events as this actor, in this role. */
export const CYCLE_ACTOR = { user: 'cycle', role: 'system' } as const;

/** The next schedule version of an account (the schedule it was opened with is version 1). */
const NEXT_VERSION = (account: string) =>
  `(SELECT COALESCE(max(v.version), 1) + 1 FROM schedule_changes v WHERE v.account_id = ${account})`;

/** Copies the rows of `seqs` of an account into the history of change `change`. */
const TO_HISTORY = `INSERT INTO instalment_history (change_id, account_id, seq, due_date, principal_due,
    interest_due, fees_due)
  SELECT $1, i.account_id, i.seq, i.due_date, i.principal_due, i.interest_due, i.fees_due
  FROM instalments i WHERE i.account_id = $2 AND i.seq = ANY($3::int[])`;

/**
 * Changes one account's schedule for a plan: the rows of `removedSeqs` to history, `added` in
 * their place. Returns the change's id and the schedule version it made, or null when the rows
 * to remove are not all there (the ledger changed).
 */
export async function changeSchedule(
  tx: SqlConnection,
  c: {
    accountId: number;
    planId: number;
    day: LocalDate;
    reason: 'plan_started' | 'plan_cancelled';
    removedSeqs: readonly number[];
    added: readonly {
      seq: number;
      dueDate: LocalDate;
      principal: number;
      interest: number;
      fees: number;
    }[];
  },
): Promise<{ id: number; version: number } | null> {
  const ch = await tx.query<{ id: number | string; version: number }>(
    `INSERT INTO schedule_changes (account_id, plan_id, version, on_date, reason, added_seqs, by_cycle)
     VALUES ($1, $2, ${NEXT_VERSION('$1')}, $3::date, $4, $5::int[], false) RETURNING id, version`,
    [c.accountId, c.planId, c.day, c.reason, c.added.map((r) => r.seq)],
  );
  const id = Number(ch.rows[0]!.id);
  await tx.query(TO_HISTORY, [id, c.accountId, c.removedSeqs]);
  const gone = await tx.query(
    'DELETE FROM instalments WHERE account_id = $1 AND seq = ANY($2::int[])',
    [c.accountId, c.removedSeqs],
  );
  if (gone.rowCount !== c.removedSeqs.length) return null;
  await tx.copyFrom(
    'instalments',
    ['account_id', 'seq', 'due_date', 'principal_due', 'interest_due', 'fees_due'],
    c.added.map((r) => [c.accountId, r.seq, r.dueDate, r.principal, r.interest, r.fees]),
  );
  return { id, version: ch.rows[0]!.version };
}

/**
 * Restores the schedules the plans in `table` (a column plan_id) replaced when they started:
 * their rows to history under a new change (`reason`), the superseded rows back.
 */
export async function restoreSchedules(
  tx: SqlConnection,
  table: string,
  day: LocalDate,
  reason: 'plan_broken' | 'plan_cancelled',
  byCycle: boolean,
): Promise<void> {
  const started = `JOIN schedule_changes s ON s.plan_id = t.plan_id AND s.reason = 'plan_started'`;
  await tx.query(
    `INSERT INTO schedule_changes (account_id, plan_id, version, on_date, reason, added_seqs, by_cycle)
     SELECT s.account_id, s.plan_id, ${NEXT_VERSION('s.account_id')}, $1::date, $2,
            COALESCE((SELECT array_agg(h.seq ORDER BY h.seq) FROM instalment_history h
                      WHERE h.change_id = s.id), '{}'), $3
     FROM ${table} t ${started}`,
    [day, reason, byCycle],
  );
  await tx.query(
    `INSERT INTO instalment_history (change_id, account_id, seq, due_date, principal_due,
       interest_due, fees_due)
     SELECT n.id, i.account_id, i.seq, i.due_date, i.principal_due, i.interest_due, i.fees_due
     FROM ${table} t ${started}
     JOIN schedule_changes n ON n.plan_id = t.plan_id AND n.reason = $1
     JOIN instalments i ON i.account_id = s.account_id AND i.seq = ANY(s.added_seqs)`,
    [reason],
  );
  await tx.exec(
    `DELETE FROM instalments i USING ${table} t ${started}
     WHERE i.account_id = s.account_id AND i.seq = ANY(s.added_seqs)`,
  );
  await tx.exec(
    `INSERT INTO instalments (account_id, seq, due_date, principal_due, interest_due, fees_due)
     SELECT h.account_id, h.seq, h.due_date, h.principal_due, h.interest_due, h.fees_due
     FROM ${table} t ${started} JOIN instalment_history h ON h.change_id = s.id`,
  );
}

/** Writes off the remainders of the settlements in `table` (a column plan_id), paid today. */
async function writeOffRemainders(tx: SqlConnection, table: string, day: LocalDate): Promise<void> {
  const plan = `FROM ${table} t JOIN plans p ON p.id = t.plan_id`;
  await tx.query(
    `INSERT INTO schedule_changes (account_id, plan_id, version, on_date, reason, added_seqs, by_cycle)
     SELECT p.account_id, p.id, ${NEXT_VERSION('p.account_id')}, $1::date, 'settled', '{}', true
     ${plan} WHERE p.remainder_seq IS NOT NULL`,
    [day],
  );
  const settled = `${plan} JOIN schedule_changes n ON n.plan_id = p.id AND n.reason = 'settled'`;
  await tx.exec(
    `INSERT INTO instalment_history (change_id, account_id, seq, due_date, principal_due,
       interest_due, fees_due)
     SELECT n.id, i.account_id, i.seq, i.due_date, i.principal_due, i.interest_due, i.fees_due
     ${settled} JOIN instalments i ON i.account_id = p.account_id AND i.seq = p.remainder_seq;
     INSERT INTO write_offs (change_id, account_id, plan_id, on_date, amount)
     SELECT n.id, p.account_id, p.id, n.on_date, p.write_off ${settled};
     DELETE FROM instalments i USING ${table} t JOIN plans p ON p.id = t.plan_id
     WHERE p.remainder_seq IS NOT NULL AND i.account_id = p.account_id AND i.seq = p.remainder_seq`,
  );
}

/** Follows the active plans (with a range, of the accounts in it: a partition of the cycle). */
export async function followPlans(
  tx: SqlConnection,
  asOf: LocalDate,
  range?: IdRange,
): Promise<PlanDayStats> {
  // What is unpaid of each plan payment: the ledger's prefix rule over the account's schedule
  // (payments fill it oldest-first), for the accounts with an active plan only.
  const active = await tx.query<{
    id: number | string;
    kind: string;
    grace_days: number;
    tolerance_percent: number;
    paid_count: number;
    on_break: string;
    write_off: number | string;
    payments: { dueDate: string; amountMinor: number; unpaidMinor: number }[];
  }>(
    `WITH ap AS MATERIALIZED (
       SELECT id, account_id FROM plans WHERE status = 'active' AND started_on <= $1::date
         AND ${inRange('account_id', range)}),
     paid AS (
       SELECT y.account_id, sum(y.amount) AS paid FROM payments y
       WHERE y.paid_on <= $1::date AND y.account_id IN (SELECT account_id FROM ap)
       GROUP BY y.account_id),
     pos AS (
       SELECT i.account_id, i.seq,
              LEAST(i.principal_due + i.interest_due + i.fees_due, GREATEST(0,
                sum(i.principal_due + i.interest_due + i.fees_due) OVER (
                  PARTITION BY i.account_id ORDER BY i.due_date, i.seq ROWS UNBOUNDED PRECEDING)
                - COALESCE(pd.paid, 0))) AS unpaid
       FROM instalments i LEFT JOIN paid pd ON pd.account_id = i.account_id
       WHERE i.account_id IN (SELECT account_id FROM ap))
     SELECT p.id, p.kind, p.grace_days, p.tolerance_percent, p.paid_count, p.on_break, p.write_off,
            json_agg(json_build_object('dueDate', pp.due_date::text, 'amountMinor', pp.amount,
              'unpaidMinor', COALESCE(pos.unpaid, pp.amount)) ORDER BY pp.seq) AS payments
     FROM ap JOIN plans p ON p.id = ap.id
     JOIN plan_payments pp ON pp.plan_id = p.id
     LEFT JOIN pos ON pos.account_id = pp.account_id AND pos.seq = pp.instalment_seq
     GROUP BY p.id`,
    [asOf],
  );
  const stats: PlanDayStats = { active: 0, completed: 0, broken: 0 };
  const changed: (string | number | null)[][] = [];
  for (const r of active.rows) {
    const payments: FollowedPayment[] = r.payments.map((x) => ({
      dueDate: x.dueDate,
      amountMinor: Number(x.amountMinor),
      unpaidMinor: Number(x.unpaidMinor),
    }));
    const s = followPlan(payments, r.grace_days, r.tolerance_percent, asOf);
    stats[s.status]++;
    if (s.status !== 'active' || s.paidCount !== r.paid_count)
      changed.push([Number(r.id), s.status, s.paidCount, s.missedDueDate, r.on_break]);
  }
  if (changed.length === 0) return stats;
  await tx.exec(
    `CREATE TEMP TABLE plan_day (plan_id bigint, status text, paid_count integer,
       missed_due_date date, on_break text) ON COMMIT DROP`,
  );
  await tx.copyFrom(
    'plan_day',
    ['plan_id', 'status', 'paid_count', 'missed_due_date', 'on_break'],
    changed,
  );
  await tx.query(
    `UPDATE plans p SET status = d.status, paid_count = d.paid_count,
       missed_due_date = d.missed_due_date,
       ended_on = CASE WHEN d.status = 'active' THEN NULL ELSE $1::date END
     FROM plan_day d WHERE p.id = d.plan_id`,
    [asOf],
  );
  await tx.exec(
    `CREATE TEMP TABLE plan_settled ON COMMIT DROP AS
       SELECT plan_id FROM plan_day WHERE status = 'completed';
     CREATE TEMP TABLE plan_restored ON COMMIT DROP AS
       SELECT plan_id FROM plan_day WHERE status = 'broken' AND on_break = 'restore'`,
  );
  await writeOffRemainders(tx, 'plan_settled', asOf);
  await restoreSchedules(tx, 'plan_restored', asOf, 'plan_broken', true);
  await tx.query(
    `INSERT INTO plan_events (plan_id, account_id, at, actor, role, action, detail)
     SELECT p.id, p.account_id, now(), $2, $3, e.action,
            jsonb_build_object('day', $1::text) || e.detail
     FROM plan_day d JOIN plans p ON p.id = d.plan_id
     CROSS JOIN LATERAL (VALUES
       ('completed', d.status = 'completed', jsonb_build_object('paidCount', d.paid_count)),
       ('written_off', d.status = 'completed' AND p.write_off > 0,
          jsonb_build_object('amountMinor', p.write_off)),
       ('broken', d.status = 'broken', jsonb_build_object('missedDueDate', d.missed_due_date::text,
          'paidCount', d.paid_count, 'onBreak', d.on_break)),
       ('schedule_restored', d.status = 'broken' AND d.on_break = 'restore', '{}'::jsonb)
     ) e(action, happened, detail)
     WHERE e.happened`,
    [asOf, CYCLE_ACTOR.user, CYCLE_ACTOR.role],
  );
  await tx.exec('DROP TABLE plan_day; DROP TABLE plan_settled; DROP TABLE plan_restored');
  return stats;
}

/**
 * Undoes what the cycle decided about plans from `from` on (a rewind of the cycle): the plans
 * it completed or broke go back to active, the schedule change it made for each (a settlement's
 * write-off, a restored schedule) is undone, and its events are removed. A plan is left as
 * decided when a newer plan was agreed on its account since: that agreement was a person's,
 * made on the schedule as it then was.
 */
export async function rewindPlans(tx: SqlConnection, from: LocalDate): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE plan_reset ON COMMIT DROP AS
     SELECT p.id FROM plans p
     WHERE p.status IN ('completed', 'broken') AND p.ended_on >= $1::date
       AND NOT EXISTS (SELECT 1 FROM plans o WHERE o.account_id = p.account_id AND o.id > p.id)`,
    [from],
  );
  // the cycle makes at most one schedule change per plan (when it ends it)
  await tx.exec(
    `CREATE TEMP TABLE plan_undo ON COMMIT DROP AS
       SELECT c.id, c.account_id, c.added_seqs FROM schedule_changes c
       JOIN plan_reset r ON r.id = c.plan_id WHERE c.by_cycle;
     DELETE FROM instalments i USING plan_undo u
     WHERE i.account_id = u.account_id AND i.seq = ANY(u.added_seqs);
     INSERT INTO instalments (account_id, seq, due_date, principal_due, interest_due, fees_due)
     SELECT h.account_id, h.seq, h.due_date, h.principal_due, h.interest_due, h.fees_due
     FROM instalment_history h JOIN plan_undo u ON u.id = h.change_id;
     DELETE FROM write_offs w USING plan_undo u WHERE w.change_id = u.id;
     DELETE FROM instalment_history h USING plan_undo u WHERE h.change_id = u.id;
     DELETE FROM schedule_changes c USING plan_undo u WHERE c.id = u.id;
     UPDATE plans p SET status = 'active', ended_on = NULL, missed_due_date = NULL
     FROM plan_reset r WHERE p.id = r.id`,
  );
  await tx.query(
    `DELETE FROM plan_events e USING plan_reset r
     WHERE e.plan_id = r.id AND e.actor = $2 AND e.role = $3 AND (e.detail->>'day')::date >= $1::date`,
    [from, CYCLE_ACTOR.user, CYCLE_ACTOR.role],
  );
  await tx.exec('DROP TABLE plan_undo; DROP TABLE plan_reset');
}

/**
 * What the strategy needs of each account's plans on `day`, into the temporary table `target`
 * (accounts with none are absent): an active plan (the treatment path waits, as for an open
 * promise), a plan broken today (the account re-enters its path).
 */
export async function planFacts(tx: SqlConnection, day: LocalDate, target: string): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE ${target} ON COMMIT DROP AS
     SELECT account_id,
            bool_or(status = 'active' AND started_on <= $1::date) AS active_plan,
            bool_or(status = 'broken' AND ended_on = $1::date) AS plan_broken_today
     FROM plans
     WHERE status = 'active' OR (status = 'broken' AND ended_on = $1::date)
     GROUP BY account_id`,
    [day],
  );
  await tx.exec(`CREATE INDEX ON ${target} (account_id); ANALYZE ${target}`);
}
