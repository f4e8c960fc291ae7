/**
 * The delinquency rules of src/domain/ledger/delinquency.ts, as one set-based query over the
 * whole portfolio. The domain functions are the specification; a storage test runs both on a
 * generated portfolio and demands identical results, on both engines.
 *
 * It relies on allocation being oldest-first: the amount applied as of D fills the schedule in
 * (due date, seq) order, so an instalment's unpaid amount is
 *   least(total, greatest(0, cumulative total through it − paid by D)).
 *
 * The product policies (tolerance, grace, ranges) are written into the query as CASE
 * expressions, so that ageing and bucket are computed in the same pass as the other sums.
 * Parameter: $1, the as-of date.
 */
import { validatePolicy, type BucketRange, type LedgerPolicy } from '../../domain/ledger/policy.ts';
import { PRODUCTS } from '../../domain/ledger/types.ts';
import { inRange, type IdRange } from './id-range.ts';

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const int = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  return String(n);
};
const within = (days: string, r: BucketRange) =>
  r.max === null ? `${days} >= ${int(r.min)}` : `${days} BETWEEN ${int(r.min)} AND ${int(r.max)}`;

/** CASE over products: `CASE product WHEN 'loan' THEN <loan> ... END`. */
function perProduct(column: string, value: (product: (typeof PRODUCTS)[number]) => string): string {
  return `CASE ${column} ${PRODUCTS.map((p) => `WHEN ${literal(p)} THEN ${value(p)}`).join(' ')} END`;
}

/**
 * The state of every account opened on or before $1, as one query for this policy; with a
 * range, of the accounts in it only (a partition of the daily cycle).
 */
export function ledgerStateSql(policy: LedgerPolicy, range?: IdRange): string {
  const errors = validatePolicy(policy);
  if (errors.length > 0) throw new RangeError(`invalid ledger policy: ${errors.join('; ')}`);
  const tolerance = perProduct('a.product', (p) => int(policy[p].arrearsTolerance));
  const grace = perProduct('a.product', (p) => int(policy[p].graceDays));
  // One sum per range name: the unpaid amounts past due whose days fall in that range.
  const names = [...new Set(PRODUCTS.flatMap((p) => policy[p].buckets.map((b) => b.name)))];
  const ageing = names.map((name) => {
    const when = PRODUCTS.flatMap((p) =>
      policy[p].buckets
        .filter((b) => b.name === name)
        .map((b) => `(pos.product = ${literal(p)} AND ${within('($1::date - pos.due_date)', b)})`),
    ).join(' OR ');
    return `${literal(name)}, sum(pos.unpaid) FILTER (WHERE pos.due_date < $1::date AND pos.unpaid > 0 AND (${when}))`;
  });
  const bucket = perProduct(
    'dd.product',
    (p) =>
      `CASE ${policy[p].buckets.map((b) => `WHEN ${within('dd.delinquent_days', b)} THEN ${literal(b.name)}`).join(' ')} END`,
  );
  return `
WITH paid AS MATERIALIZED (
  SELECT p.account_id, sum(p.amount)::bigint AS paid, max(p.paid_on) AS last_paid_on
  FROM payments p WHERE p.paid_on <= $1::date AND ${inRange('p.account_id', range)}
  GROUP BY p.account_id
),
-- Each instalment with what is left unpaid of it as of D (the prefix rule above).
pos AS (
  SELECT i.account_id, a.product, ${tolerance} AS tolerance, i.due_date, i.principal_due,
         i.due_date <= $1::date AS fallen,
         LEAST(i.principal_due + i.interest_due + i.fees_due, GREATEST(0,
           sum(i.principal_due + i.interest_due + i.fees_due) OVER (
             PARTITION BY i.account_id ORDER BY i.due_date, i.seq ROWS UNBOUNDED PRECEDING)
           - COALESCE(pd.paid, 0))) AS unpaid,
         i.principal_due + i.interest_due + i.fees_due AS total
  FROM instalments i
  JOIN accounts a ON a.id = i.account_id
  LEFT JOIN paid pd ON pd.account_id = i.account_id
  WHERE a.opened_on <= $1::date AND ${inRange('i.account_id', range)} AND ${inRange('a.id', range)}
),
agg AS MATERIALIZED (
  SELECT pos.account_id,
         COALESCE(sum(pos.unpaid) FILTER (WHERE pos.fallen), 0) AS unpaid_fallen,
         COALESCE(sum(pos.total) FILTER (WHERE pos.fallen), 0) AS fallen_total,
         COALESCE(sum(pos.principal_due) FILTER (WHERE NOT pos.fallen), 0) AS future_principal,
         COALESCE(sum(pos.unpaid) FILTER (WHERE pos.due_date < $1::date), 0) AS arrears,
         min(pos.due_date) FILTER (WHERE pos.due_date < $1::date AND pos.unpaid > pos.tolerance)
           AS overdue_due_date,
         min(pos.due_date) FILTER (WHERE pos.due_date >= $1::date AND pos.unpaid > 0)
           AS next_due_date,
         jsonb_strip_nulls(jsonb_build_object(${ageing.join(',\n           ')})) AS ageing
  FROM pos
  GROUP BY pos.account_id
),
held AS MATERIALIZED (
  SELECT h.account_id, range_agg(daterange(h.from_date, h.to_date, '(]')) AS covered
  FROM holds h WHERE ${inRange('h.account_id', range)}
  GROUP BY h.account_id
),
dd AS MATERIALIZED (
  SELECT a.id AS account_id, a.product, a.currency,
         COALESCE(agg.unpaid_fallen, 0) AS unpaid_fallen,
         COALESCE(agg.future_principal, 0) AS future_principal,
         COALESCE(agg.arrears, 0) AS arrears,
         GREATEST(0, COALESCE(pd.paid, 0) - COALESCE(agg.fallen_total, 0)) AS credit,
         agg.overdue_due_date, d.delinquent_date, agg.next_due_date, pd.last_paid_on,
         COALESCE(held.covered @> $1::date, false) AS on_hold, COALESCE(agg.ageing, '{}'::jsonb) AS ageing,
         CASE WHEN agg.overdue_due_date IS NULL THEN 0 ELSE $1::date - agg.overdue_due_date END
           AS past_due_days,
         CASE WHEN d.delinquent_date IS NULL OR d.delinquent_date >= $1::date THEN 0
           WHEN held.covered IS NULL THEN $1::date - d.delinquent_date
           ELSE ($1::date - d.delinquent_date) - COALESCE((
             SELECT sum(upper(r) - lower(r))::integer
             FROM unnest(held.covered * datemultirange(daterange(d.delinquent_date, $1::date, '(]'))) r
           ), 0)
         END AS delinquent_days
  FROM accounts a
  LEFT JOIN agg ON agg.account_id = a.id
  LEFT JOIN paid pd ON pd.account_id = a.id
  LEFT JOIN held ON held.account_id = a.id
  CROSS JOIN LATERAL (
    SELECT agg.overdue_due_date + COALESCE(a.grace_days, ${grace}) AS delinquent_date
  ) d
  WHERE a.opened_on <= $1::date AND ${inRange('a.id', range)}
)
SELECT dd.account_id, dd.product, dd.currency,
       GREATEST(0, dd.unpaid_fallen + dd.future_principal - dd.credit)::bigint AS outstanding,
       dd.arrears::bigint AS arrears, dd.credit::bigint AS credit,
       dd.overdue_due_date, dd.delinquent_date, dd.next_due_date, dd.last_paid_on, dd.on_hold,
       dd.past_due_days,
       dd.delinquent_days,
       ${bucket} AS bucket,
       dd.ageing
FROM dd
`;
}
