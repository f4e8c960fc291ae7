/**
 * The delinquency rules of src/domain/ledger/delinquency.ts, as one set-based query over the
 * whole portfolio. The domain functions are the specification; a storage test runs both on a
 * generated portfolio and demands identical results, on both engines.
 *
 * It relies on allocation being oldest-first: the amount applied as of D fills the schedule in
 * (due date, seq) order, so an instalment's unpaid amount is
 *   least(total, greatest(0, cumulative total through it − paid by D)).
 *
 * Parameters: $1 the as-of date; $2 the product policies as JSON
 * ([{product, tolerance, grace}]); $3 the bucket ranges as JSON ([{product, name, min, max}]).
 */
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import { PRODUCTS } from '../../domain/ledger/types.ts';

export function policyParams(policy: LedgerPolicy): [string, string] {
  const products = PRODUCTS.map((product) => ({
    product,
    tolerance: policy[product].arrearsTolerance,
    grace: policy[product].graceDays,
  }));
  const ranges = PRODUCTS.flatMap((product) =>
    policy[product].buckets.map((b, ord) => ({
      product,
      name: b.name,
      min: b.min,
      max: b.max,
      ord,
    })),
  );
  return [JSON.stringify(products), JSON.stringify(ranges)];
}

/** Rows: account_id, product, currency, outstanding, arrears, credit, overdue_due_date,
 * delinquent_date, past_due_days, delinquent_days, bucket, ageing (jsonb). */
export const LEDGER_STATE_SQL = `
WITH pol AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS p(product text, tolerance bigint, grace integer)
),
ranges AS MATERIALIZED (
  SELECT * FROM jsonb_to_recordset($3::jsonb)
    AS r(product text, name text, min integer, max integer, ord integer)
),
paid AS MATERIALIZED (
  SELECT p.account_id, sum(p.amount)::bigint AS paid
  FROM payments p WHERE p.paid_on <= $1::date
  GROUP BY p.account_id
),
-- Each instalment with what is left unpaid of it as of D (the prefix rule above).
pos AS MATERIALIZED (
  SELECT i.account_id, a.product, pol.tolerance, i.due_date, i.principal_due,
         i.due_date <= $1::date AS fallen,
         LEAST(i.principal_due + i.interest_due + i.fees_due, GREATEST(0,
           sum(i.principal_due + i.interest_due + i.fees_due) OVER (
             PARTITION BY i.account_id ORDER BY i.due_date, i.seq ROWS UNBOUNDED PRECEDING)
           - COALESCE(pd.paid, 0))) AS unpaid,
         i.principal_due + i.interest_due + i.fees_due AS total
  FROM instalments i
  JOIN accounts a ON a.id = i.account_id
  JOIN pol ON pol.product = a.product
  LEFT JOIN paid pd ON pd.account_id = i.account_id
  WHERE a.opened_on <= $1::date
),
agg AS MATERIALIZED (
  SELECT pos.account_id,
         COALESCE(sum(pos.unpaid) FILTER (WHERE pos.fallen), 0) AS unpaid_fallen,
         COALESCE(sum(pos.total) FILTER (WHERE pos.fallen), 0) AS fallen_total,
         COALESCE(sum(pos.principal_due) FILTER (WHERE NOT pos.fallen), 0) AS future_principal,
         COALESCE(sum(pos.unpaid) FILTER (WHERE pos.due_date < $1::date), 0) AS arrears,
         min(pos.due_date) FILTER (WHERE pos.due_date < $1::date AND pos.unpaid > pos.tolerance)
           AS overdue_due_date
  FROM pos
  GROUP BY pos.account_id
),
ageing AS MATERIALIZED (
  SELECT t.account_id, jsonb_object_agg(t.name, t.amount) AS ageing
  FROM (
    SELECT pos.account_id, r.name, sum(pos.unpaid)::bigint AS amount
    FROM pos
    JOIN ranges r ON r.product = pos.product
      AND ($1::date - pos.due_date) >= r.min
      AND ($1::date - pos.due_date) <= COALESCE(r.max, 2147483647)
    WHERE pos.due_date < $1::date AND pos.unpaid > 0
    GROUP BY pos.account_id, r.name
  ) t
  GROUP BY t.account_id
),
held AS MATERIALIZED (
  SELECT h.account_id, range_agg(daterange(h.from_date, h.to_date, '(]')) AS covered
  FROM holds h
  GROUP BY h.account_id
),
st AS MATERIALIZED (
  SELECT a.id AS account_id, a.product, a.currency,
         COALESCE(agg.unpaid_fallen, 0) AS unpaid_fallen,
         COALESCE(agg.future_principal, 0) AS future_principal,
         COALESCE(agg.arrears, 0) AS arrears,
         GREATEST(0, COALESCE(pd.paid, 0) - COALESCE(agg.fallen_total, 0)) AS credit,
         agg.overdue_due_date,
         agg.overdue_due_date + COALESCE(a.grace_days, pol.grace) AS delinquent_date,
         held.covered
  FROM accounts a
  JOIN pol ON pol.product = a.product
  LEFT JOIN agg ON agg.account_id = a.id
  LEFT JOIN paid pd ON pd.account_id = a.id
  LEFT JOIN held ON held.account_id = a.id
  WHERE a.opened_on <= $1::date
),
dd AS MATERIALIZED (
  SELECT st.*,
    CASE WHEN st.overdue_due_date IS NULL THEN 0 ELSE $1::date - st.overdue_due_date END
      AS past_due_days,
    CASE WHEN st.delinquent_date IS NULL OR st.delinquent_date >= $1::date THEN 0
      WHEN st.covered IS NULL THEN $1::date - st.delinquent_date
      ELSE ($1::date - st.delinquent_date) - COALESCE((
        SELECT sum(upper(r) - lower(r))::integer
        FROM unnest(st.covered * datemultirange(daterange(st.delinquent_date, $1::date, '(]'))) r
      ), 0)
    END AS delinquent_days
  FROM st
)
SELECT dd.account_id, dd.product, dd.currency,
       GREATEST(0, dd.unpaid_fallen + dd.future_principal - dd.credit)::bigint AS outstanding,
       dd.arrears::bigint AS arrears, dd.credit::bigint AS credit,
       dd.overdue_due_date, dd.delinquent_date, dd.past_due_days, dd.delinquent_days,
       (SELECT b.name FROM ranges b WHERE b.product = dd.product
          AND dd.delinquent_days >= b.min AND dd.delinquent_days <= COALESCE(b.max, 2147483647)
        ORDER BY b.ord LIMIT 1) AS bucket,
       COALESCE(ag.ageing, '{}'::jsonb) AS ageing
FROM dd
LEFT JOIN ageing ag ON ag.account_id = dd.account_id
`;
