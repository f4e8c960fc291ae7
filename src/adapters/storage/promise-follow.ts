/**
 * The cycle's part of promises to pay: every open promise followed with the payments that came
 * (by the domain's rules, evaluatePromise), set-wise: one read of the open promises and their
 * payments, one write of those whose standing changed. In the cycle's transaction, before the
 * strategy plans, so that a promise kept or broken today changes today's plan.
 */
import { evaluatePromise, type PromisePayment } from '../../domain/promises/promise.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { inRange, type IdRange } from './id-range.ts';
import type { SqlConnection } from './sql-client.ts';

export interface PromiseDayStats {
  open: number;
  kept: number;
  partiallyKept: number;
  broken: number;
}

/** Follows the open promises (with a range, of the accounts in it: a partition of the cycle). */
export async function followPromises(
  tx: SqlConnection,
  asOf: LocalDate,
  range?: IdRange,
): Promise<PromiseDayStats> {
  const open = await tx.query<{
    id: number | string;
    amount: number | string;
    promised_for: string;
    made_on: string;
    grace_days: number;
    tolerance: number | string;
    paid: number | string;
    payments: { paidOn: string; amountMinor: number }[] | null;
  }>(
    `SELECT p.id, p.amount, p.promised_for::text AS promised_for, p.made_on::text AS made_on,
            p.grace_days, p.tolerance, p.paid,
            (SELECT json_agg(json_build_object('paidOn', y.paid_on::text, 'amountMinor', y.amount))
             FROM payments y
             WHERE y.account_id = p.account_id AND y.paid_on >= p.made_on
               AND y.paid_on <= least($1::date, p.promised_for + p.grace_days)) AS payments
     FROM promises p WHERE p.status = 'open' AND p.made_on <= $1::date
       AND ${inRange('p.account_id', range)}`,
    [asOf],
  );
  const stats: PromiseDayStats = { open: 0, kept: 0, partiallyKept: 0, broken: 0 };
  const changed: (string | number | boolean | null)[][] = [];
  for (const r of open.rows) {
    const payments: PromisePayment[] = (r.payments ?? []).map((x) => ({
      paidOn: x.paidOn,
      amountMinor: Number(x.amountMinor),
    }));
    const o = evaluatePromise(
      {
        amountMinor: Number(r.amount),
        promisedFor: r.promised_for,
        madeOn: r.made_on,
        graceDays: r.grace_days,
        toleranceMinor: Number(r.tolerance),
      },
      payments,
      asOf,
    );
    if (o.status === 'open') stats.open++;
    else if (o.status === 'kept') stats.kept++;
    else if (o.status === 'partially_kept') stats.partiallyKept++;
    else stats.broken++;
    if (o.status !== 'open' || o.paidMinor !== Number(r.paid))
      changed.push([Number(r.id), o.status, o.paidMinor, o.resolvedOn, o.late]);
  }
  if (changed.length > 0) {
    await tx.exec(
      `CREATE TEMP TABLE promise_day (id bigint, status text, paid bigint, resolved_on date,
         late boolean) ON COMMIT DROP`,
    );
    await tx.copyFrom('promise_day', ['id', 'status', 'paid', 'resolved_on', 'late'], changed);
    await tx.exec(
      `UPDATE promises p SET status = d.status, paid = d.paid, resolved_on = d.resolved_on,
         late = d.late
       FROM promise_day d WHERE p.id = d.id;
       DROP TABLE promise_day`,
    );
  }
  if (stats.broken + stats.partiallyKept > 0) await notifyBroken(tx, asOf, range);
  return stats;
}

/**
 * A promise not kept is a call task for the collector who took it (or the pool, when no
 * collector took it), due the next day: the collector hears of it in the queue.
 */
async function notifyBroken(tx: SqlConnection, asOf: LocalDate, range?: IdRange): Promise<void> {
  await tx.query(
    `WITH n AS (
       INSERT INTO tasks (dispatch_id, kind, account_id, customer_id, queue, priority, due_on,
         state, assignee, source, promise_id, reason, created_by, created_at, updated_at)
       SELECT NULL, 'call', p.account_id, p.customer_id, 'broken_promises', 85,
              $1::date + 1, CASE WHEN c.id IS NULL THEN 'open' ELSE 'assigned' END, c.id,
              'broken_promise', p.id,
              'the promise to pay by ' || p.promised_for
                || CASE WHEN p.status = 'partially_kept' THEN ' was only partly kept'
                        ELSE ' was not kept' END,
              'cycle', now(), now()
       FROM promises p LEFT JOIN collectors c ON c.id = p.made_by AND c.active
       WHERE p.status IN ('broken', 'partially_kept') AND p.resolved_on = $1::date
         AND ${inRange('p.account_id', range)}
       ON CONFLICT (promise_id) WHERE source = 'broken_promise' DO NOTHING
       RETURNING id, assignee)
     INSERT INTO task_events (task_id, at, actor, action, detail)
     SELECT id, now(), 'cycle', 'created',
            jsonb_strip_nulls(jsonb_build_object('source', 'broken_promise', 'to', assignee))
     FROM n`,
    [asOf],
  );
}

/** Undoes what the cycle decided about promises from `from` on (a rewind of the cycle). */
export async function rewindPromises(tx: SqlConnection, from: LocalDate): Promise<void> {
  // The follow-up calls of promises decided again, unless a collector has worked them.
  await tx.query(
    `WITH gone AS (
       DELETE FROM tasks t USING promises p
       WHERE t.source = 'broken_promise' AND t.promise_id = p.id
         AND t.state IN ('open', 'assigned')
         AND p.status IN ('partially_kept', 'broken') AND p.resolved_on >= $1::date
       RETURNING t.id)
     DELETE FROM task_events e USING gone WHERE e.task_id = gone.id`,
    [from],
  );
  await tx.query(
    `UPDATE promises SET status = 'open', paid = 0, resolved_on = NULL, late = false
     WHERE status IN ('kept', 'partially_kept', 'broken') AND resolved_on >= $1::date`,
    [from],
  );
}

/**
 * What the strategy needs of each account's promises on `day`, into the temporary table
 * `target` (accounts with none are absent): an open promise, a promise not kept that was
 * decided today, and the promises not kept in the last 90 days.
 */
export async function promiseFacts(
  tx: SqlConnection,
  day: LocalDate,
  target: string,
): Promise<void> {
  await tx.query(
    `CREATE TEMP TABLE ${target} ON COMMIT DROP AS
     SELECT account_id,
            bool_or(status = 'open' AND made_on <= $1::date) AS open_promise,
            bool_or(status IN ('partially_kept', 'broken') AND resolved_on = $1::date) AS broken_today,
            count(*) FILTER (WHERE status IN ('partially_kept', 'broken')
                               AND resolved_on > $1::date - 90 AND resolved_on <= $1::date)::int AS broken_90d
     FROM promises
     WHERE status = 'open' OR (resolved_on > $1::date - 90 AND resolved_on <= $1::date)
     GROUP BY account_id`,
    [day],
  );
  await tx.exec(`CREATE INDEX ON ${target} (account_id); ANALYZE ${target}`);
}
