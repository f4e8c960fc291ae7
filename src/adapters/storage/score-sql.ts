/**
 * Scoring on the database, set-wise: the behaviour characteristics of every account as of a
 * day, a scorecard compiled into one SELECT (bins, points, probability, band and reason codes
 * as CASE expressions), and the classification standard as one CASE. The domain's scorer and
 * classifier are the specification; test/storage/scoring.test.ts demands identical results.
 */
import { inRange, type IdRange } from './id-range.ts';
import type { Classification, TierRule } from '../../domain/scoring/classification.ts';
import type { ScorecardModel } from '../../domain/scoring/model.ts';
import { MISSING_TOKENS } from '../../domain/scoring/table.ts';
import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import { PRODUCTS } from '../../domain/ledger/types.ts';
import type { SqlConnection } from './sql-client.ts';

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
const num = (x: number) => {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  // enough digits to round-trip a double
  return `${x.toPrecision(17)}::float8`;
};
const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** What "reached" means for a contact: the debtor was talked to. */
const REACHED = ['conversation', 'promise_to_pay', 'refused', 'dispute', 'hardship'];

/** The parts the characteristics are made of: temporary tables, and the accounts table. */
const PARTS = ['accounts', 'inst', 'pay', 'tr', 'ct', 'bp'] as const;
type Part = (typeof PARTS)[number];

/** A behaviour characteristic: its name, kind, meaning, and how it is computed. */
export interface BehaviourFeature {
  name: string;
  kind: 'numeric' | 'categorical';
  meaning: string;
  /** Its expression over s (the day's state) and the parts, as of $1. */
  sql: string;
  /** The parts it reads (the day's state always). */
  from: readonly Part[];
}

/** The behaviour characteristics, in the order of the query, with what they mean. */
export const BEHAVIOUR_FEATURES: readonly BehaviourFeature[] = [
  {
    name: 'product',
    kind: 'categorical',
    meaning: 'loan, card, bnpl or invoice',
    sql: 'a.product',
    from: ['accounts'],
  },
  {
    name: 'bucket',
    kind: 'categorical',
    meaning: 'the delinquency bucket',
    sql: 's.bucket',
    from: [],
  },
  {
    name: 'past_due_days',
    kind: 'numeric',
    meaning: 'days since the oldest unpaid due date',
    sql: 's.past_due_days',
    from: [],
  },
  {
    name: 'delinquent_days',
    kind: 'numeric',
    meaning: 'days delinquent (after grace)',
    sql: 's.delinquent_days',
    from: [],
  },
  {
    name: 'arrears_share',
    kind: 'numeric',
    meaning: 'arrears / outstanding',
    sql: 's.arrears::float8 / NULLIF(s.outstanding, 0)',
    from: [],
  },
  {
    name: 'balance_share',
    kind: 'numeric',
    meaning: 'outstanding / original principal (utilisation)',
    sql: 's.outstanding::float8 / NULLIF(a.principal, 0)',
    from: ['accounts'],
  },
  {
    name: 'account_age_days',
    kind: 'numeric',
    meaning: 'days since the account was opened',
    sql: '($1::date - a.opened_on)',
    from: ['accounts'],
  },
  {
    name: 'days_since_payment',
    kind: 'numeric',
    meaning: 'days since the last payment (missing: never paid)',
    sql: '($1::date - s.last_paid_on)',
    from: [],
  },
  {
    name: 'days_to_due',
    kind: 'numeric',
    meaning: 'days to the next due date (missing: none)',
    sql: '(s.next_due_date - $1::date)',
    from: [],
  },
  {
    name: 'payments_90d',
    kind: 'numeric',
    meaning: 'payments in the last 90 days',
    sql: 'COALESCE(pay.payments_90d, 0)',
    from: ['pay'],
  },
  {
    name: 'payments_180d',
    kind: 'numeric',
    meaning: 'payments in the last 180 days',
    sql: 'COALESCE(pay.payments_180d, 0)',
    from: ['pay'],
  },
  {
    name: 'paid_to_due_180d',
    kind: 'numeric',
    meaning: 'paid / fallen due in the last 180 days (missing: nothing fell due)',
    sql: 'COALESCE(pay.paid_180d, 0)::float8 / NULLIF(inst.due_180d, 0)',
    from: ['pay', 'inst'],
  },
  {
    name: 'partial_payments_180d',
    kind: 'numeric',
    meaning: 'payments below 90 % of the average instalment, last 180 days',
    sql: 'COALESCE(pay.partial_payments_180d, 0)',
    from: ['pay', 'inst'],
  },
  {
    name: 'delinquency_entries_365d',
    kind: 'numeric',
    meaning: 'times the account fell behind in the last 365 days',
    sql: 'COALESCE(tr.delinquency_entries_365d, 0)',
    from: ['tr'],
  },
  {
    name: 'worst_bucket_rank_365d',
    kind: 'numeric',
    meaning: 'the worst bucket reached in the last 365 days (0 = current)',
    sql: 'COALESCE(tr.worst_bucket_rank_365d, 0)',
    from: ['tr'],
  },
  {
    name: 'contacts_90d',
    kind: 'numeric',
    meaning: 'outbound contacts with the customer, last 90 days',
    sql: 'COALESCE(ct.contacts_90d, 0)',
    from: ['ct'],
  },
  {
    name: 'reach_rate_90d',
    kind: 'numeric',
    meaning: 'share of those contacts that reached the customer (missing: none)',
    sql: 'ct.reached_90d::float8 / NULLIF(ct.contacts_90d, 0)',
    from: ['ct'],
  },
  {
    name: 'inbound_90d',
    kind: 'numeric',
    meaning: 'contacts the customer made, last 90 days',
    sql: 'COALESCE(ct.inbound_90d, 0)',
    from: ['ct'],
  },
  {
    name: 'promises_90d',
    kind: 'numeric',
    meaning: 'promises to pay made, last 90 days',
    sql: 'COALESCE(ct.promises_90d, 0)',
    from: ['ct'],
  },
  {
    name: 'broken_promises_90d',
    kind: 'numeric',
    meaning: 'promises with no payment within 7 days, last 90 days',
    sql: 'COALESCE(bp.broken_promises_90d, 0)',
    from: ['bp'],
  },
  {
    name: 'days_since_contact',
    kind: 'numeric',
    meaning: 'days since the last contact (missing: none in 90 days)',
    sql: '($1::date - ct.last_contact_day)',
    from: ['ct'],
  },
];

/**
 * What the characteristics' table holds instead of the characteristics themselves: `state`,
 * columns of the day's state carried as they are (a characteristic of the same name is that
 * column), and `outer`, the columns of the table as expressions over them (alias f).
 */
export interface FeatureShape {
  state: readonly string[];
  outer: string;
}

/**
 * The behaviour characteristics, one row per account of `states` (the day's account states,
 * as the ledger query makes them), as of $1, into the temporary table `target`: statements to
 * run in order on one connection, each part a temporary table analysed before the next joins
 * it, so that the planner knows their sizes (the result is left to the caller: scoring only
 * scans it). Every figure only looks at what was known by the end of $1. Names and meanings:
 * BEHAVIOUR_FEATURES. With `only`, just those characteristics (the ones the active models
 * use), and just the parts they read; with `shape`, what is kept of them (for scoring: the
 * bins, not the values).
 */
export function behaviourFeaturesStatements(
  states: string,
  policy: LedgerPolicy,
  target: string,
  only?: readonly string[],
  shape?: FeatureShape,
  /** The accounts of `states` lie in this range (a partition of the cycle): read only theirs. */
  range?: IdRange,
): { sql: string; params: boolean }[] {
  const mine = (column: string) => (range ? ` AND ${inRange(column, range)}` : '');
  const unknown = (only ?? []).filter((n) => !BEHAVIOUR_FEATURES.some((f) => f.name === n));
  if (unknown.length > 0) throw new RangeError(`unknown characteristics: ${unknown.join(', ')}`);
  const features = only
    ? BEHAVIOUR_FEATURES.filter((f) => only.includes(f.name))
    : BEHAVIOUR_FEATURES;
  const parts = new Set(features.flatMap((f) => f.from));
  // the contacts are counted per customer: the accounts table gives an account's customer
  if (parts.has('ct')) parts.add('accounts');
  const first = `CASE a.product ${PRODUCTS.map((p) => `WHEN ${literal(p)} THEN ${literal(policy[p].buckets[0]!.name)}`).join(' ')} END`;
  const rank = `CASE ${PRODUCTS.flatMap((p) =>
    policy[p].buckets.map(
      (b, i) => `WHEN a.product = ${literal(p)} AND t.to_bucket = ${literal(b.name)} THEN ${i}`,
    ),
  ).join(' ')} ELSE 0 END`;
  const temp = (name: Part, select: string) =>
    parts.has(name)
      ? [
          { sql: `CREATE TEMP TABLE ${target}_${name} ON COMMIT DROP AS ${select}`, params: true },
          { sql: `ANALYZE ${target}_${name}`, params: false },
        ]
      : [];
  // payments below 90 % of the average instalment need the instalments
  const partial = parts.has('inst');
  return [
    // what fell due in the last 180 days, and the average instalment of those
    ...temp(
      'inst',
      `SELECT i.account_id, sum(i.principal_due + i.interest_due + i.fees_due) AS due_180d,
              avg(i.principal_due + i.interest_due + i.fees_due) AS avg_instalment
       FROM instalments i WHERE i.due_date > $1::date - 180 AND i.due_date <= $1::date${mine('i.account_id')}
       GROUP BY i.account_id`,
    ),
    ...temp(
      'pay',
      `SELECT p.account_id,
              count(*) FILTER (WHERE p.paid_on > $1::date - 90) AS payments_90d,
              count(*) AS payments_180d,
              sum(p.amount) AS paid_180d${
                partial
                  ? `,
              count(*) FILTER (WHERE p.amount < 0.9 * i.avg_instalment) AS partial_payments_180d`
                  : ''
              }
       FROM payments p${partial ? ` LEFT JOIN ${target}_inst i ON i.account_id = p.account_id` : ''}
       WHERE p.paid_on > $1::date - 180 AND p.paid_on <= $1::date${mine('p.account_id')}
       GROUP BY p.account_id`,
    ),
    ...temp(
      'tr',
      `SELECT t.account_id,
              count(*) FILTER (WHERE t.from_bucket = ${first} AND t.to_bucket <> ${first}) AS delinquency_entries_365d,
              max(${rank}) AS worst_bucket_rank_365d
       FROM bucket_transitions t JOIN accounts a ON a.id = t.account_id
       WHERE t.on_date > $1::date - 365 AND t.on_date <= $1::date${mine('t.account_id')}
       GROUP BY t.account_id`,
    ),
    ...temp(
      'ct',
      `SELECT x.customer_id,
              count(*) FILTER (WHERE x.direction = 'outbound') AS contacts_90d,
              count(*) FILTER (WHERE x.direction = 'outbound' AND x.outcome IN (${REACHED.map(literal).join(', ')})) AS reached_90d,
              count(*) FILTER (WHERE x.direction = 'inbound') AS inbound_90d,
              count(*) FILTER (WHERE x.outcome = 'promise_to_pay') AS promises_90d,
              max(x.day) AS last_contact_day
       FROM (SELECT c.customer_id, c.direction, c.outcome, (c.ts AT TIME ZONE cu.timezone)::date AS day
             FROM contact_attempts c JOIN customers cu ON cu.id = c.customer_id
             WHERE c.ts > ($1::date - 91)::timestamp AT TIME ZONE 'UTC'
               AND c.ts < ($1::date + 2)::timestamp AT TIME ZONE 'UTC') x
       WHERE x.day > $1::date - 90 AND x.day <= $1::date
       GROUP BY x.customer_id`,
    ),
    // a promise is broken when no payment on the account came within 7 days of it
    ...temp(
      'bp',
      `SELECT c.account_id, count(*) AS broken_promises_90d
       FROM contact_attempts c JOIN customers cu ON cu.id = c.customer_id
       WHERE c.outcome = 'promise_to_pay' AND c.account_id IS NOT NULL${mine('c.account_id')}
         AND c.ts > ($1::date - 91)::timestamp AT TIME ZONE 'UTC'
         AND (c.ts AT TIME ZONE cu.timezone)::date > $1::date - 90
         AND (c.ts AT TIME ZONE cu.timezone)::date <= $1::date - 7
         AND NOT EXISTS (
           SELECT 1 FROM payments p WHERE p.account_id = c.account_id
             AND p.paid_on >= (c.ts AT TIME ZONE cu.timezone)::date
             AND p.paid_on <= (c.ts AT TIME ZONE cu.timezone)::date + 7)
       GROUP BY c.account_id`,
    ),
    {
      sql: `CREATE TEMP TABLE ${target} ON COMMIT DROP AS${shape ? `\nSELECT ${shape.outer} FROM (` : ''}
SELECT s.account_id${(shape?.state ?? []).map((c) => `, s.${c}`).join('')}${features
        // a characteristic that is a state column is that column
        .filter((f) => !shape?.state.includes(f.name))
        .map((f) => `,\n       ${f.sql} AS ${f.name}`)
        .join('')}
FROM ${states} s${PARTS.filter((x) => parts.has(x))
        .map((x) =>
          x === 'accounts'
            ? '\nJOIN accounts a ON a.id = s.account_id'
            : // the contacts are the customer's, the rest the account's
              `\nLEFT JOIN ${target}_${x} ${x} ON ${x}.${x === 'ct' ? 'customer_id = a.customer_id' : 'account_id = s.account_id'}`,
        )
        .join('')}${shape ? '\nOFFSET 0) f' : ''}`,
      // $1 only where a characteristic reads the day
      params: features.some((f) => f.sql.includes('$1')),
    },
  ];
}

/** Runs the statements above on `tx`: the characteristics as of `asOf` in `target`. */
export async function computeBehaviourFeatures(
  tx: SqlConnection,
  states: string,
  policy: LedgerPolicy,
  target: string,
  asOf: string,
  only?: readonly string[],
  shape?: FeatureShape,
  range?: IdRange,
): Promise<void> {
  for (const st of behaviourFeaturesStatements(states, policy, target, only, shape, range))
    if (st.params) await tx.query(st.sql, [asOf]);
    else await tx.exec(st.sql);
}

/** The bin index of one characteristic as a CASE over its column `col` (as the domain's lookup). */
function binCaseSql(c: ScorecardModel['characteristics'][number], col: string): string {
  const missing = c.bins.findIndex((b) => b.missing);
  const missingIndex = missing >= 0 ? missing : c.fallback;
  if (c.kind === 'numeric') {
    // the bins by their lower bounds, highest first: the first lower bound at or below wins
    const ranges = c.bins
      .map((b, index) => ({ b, index }))
      .filter((x) => !x.b.missing)
      .sort((x, y) => (y.b.lower ?? -Infinity) - (x.b.lower ?? -Infinity));
    const whens = ranges.map((x) =>
      x.b.lower === null || x.b.lower === undefined
        ? `WHEN true THEN ${x.index}`
        : `WHEN ${col} >= ${num(x.b.lower)} THEN ${x.index}`,
    );
    return `CASE WHEN ${col} IS NULL THEN ${missingIndex} ${whens.join(' ')} ELSE ${c.fallback} END`;
  }
  const other = c.bins.findIndex((b) => b.other);
  const whens = c.bins
    .map((b, index) => ({ b, index }))
    .filter((x) => x.b.categories && x.b.categories.length > 0)
    .map(
      (x) =>
        `WHEN btrim(${col}::text) IN (${x.b.categories!.map(literal).join(', ')}) THEN ${x.index}`,
    );
  return `CASE WHEN ${col} IS NULL OR lower(btrim(${col}::text)) IN (${MISSING_TOKENS.map(literal).join(', ')}) THEN ${missingIndex} ${whens.join(' ')} ELSE ${other >= 0 ? other : c.fallback} END`;
}

/**
 * The place value of each characteristic's bin in a bin code: the bins of a row as one
 * number (sum of bin × stride), or null when there would be more codes than `limit` (by
 * default, the integers a double holds exactly).
 */
export function binCodeStrides(
  model: ScorecardModel,
  limit = Number.MAX_SAFE_INTEGER,
): number[] | null {
  const strides: number[] = [];
  let stride = 1;
  for (const c of model.characteristics) {
    strides.push(stride);
    stride *= c.bins.length;
    if (stride > limit) return null;
  }
  return strides;
}

/** The bins of a code, one per characteristic (inverse of the code's sum). */
export function binsOfCode(
  model: ScorecardModel,
  strides: readonly number[],
  code: number,
): number[] {
  return model.characteristics.map((c, k) => Math.floor(code / strides[k]!) % c.bins.length);
}

/**
 * A row's bin code (see binCodeStrides) as an expression over the characteristics' columns
 * (alias `alias`). The scoring of a code is then the domain's, once per distinct code.
 */
export function binCodeExpr(model: ScorecardModel, alias: string): string {
  const strides = binCodeStrides(model);
  if (!strides) throw new RangeError('too many bins for one code');
  return model.characteristics.length
    ? model.characteristics
        .map((c, k) => `(${binCaseSql(c, `${alias}.${ident(c.name)}`)})::bigint * ${strides[k]}`)
        .join(' + ')
    : '0::bigint';
}

/**
 * One SELECT that scores every row of `features` (a table with the model's characteristics as
 * columns and account_id): points, probability, band and the top `reasons` characteristics
 * by points lost — exactly as the domain's scoreRow does. Characteristics must be columns of
 * the table (numeric ones as numbers, categorical ones as text).
 */
export function scorecardSql(model: ScorecardModel, features: string, reasons = 3): string {
  const parts = model.characteristics.map((c, k) => {
    const binCase = binCaseSql(c, `f.${ident(c.name)}`);
    const points = `(ARRAY[${c.bins.map((b) => String(b.points)).join(', ')}]::int[])[b${k} + 1]`;
    const woe = `(ARRAY[${c.bins.map((b) => num(b.woe)).join(', ')}]::float8[])[b${k} + 1]`;
    const maxPoints = Math.max(...c.bins.map((b) => b.points));
    return { binCase, points, woe, maxPoints, name: c.name, k };
  });
  const bins = parts.map((p) => `${p.binCase} AS b${p.k}`).join(',\n         ');
  const score = [String(model.basePoints), ...parts.map((p) => p.points)].join(' + ');
  const eta = [
    num(model.intercept),
    ...parts.map((p) => `${num(model.characteristics[p.k]!.coefficient)} * ${p.woe}`),
  ].join(' + ');
  // Reasons without a subquery per row: each characteristic's points lost as a key that also
  // orders ties by name (as the domain does), the top keys by greatest() excluding the ones
  // taken, each key decoded back to its characteristic.
  const byName = [...parts].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const rankOf = new Map(byName.map((x, i) => [x.k, i]));
  const R = 1000;
  if (parts.length >= R) throw new RangeError(`at most ${R - 1} characteristics`);
  const keys = parts.map(
    (x) => `(${x.maxPoints} - ${x.points}) * ${R} + ${R - 1 - rankOf.get(x.k)!}`,
  );
  const namesByRank = `ARRAY[${byName.map((x) => literal(x.name)).join(', ')}]::text[]`;
  const topKeys: string[] = [];
  const n = Math.min(Math.max(0, Math.floor(reasons)), parts.length);
  for (let r = 1; r <= n; r++) {
    const taken = topKeys.map((_, i) => `r${i + 1}`);
    topKeys.push(
      `greatest(${keys.map((_, i) => (taken.length ? `CASE WHEN k${i} NOT IN (${taken.join(', ')}) THEN k${i} END` : `k${i}`)).join(', ')})`,
    );
  }
  const keyCols = keys.map((k, i) => `${k} AS k${i}`).join(',\n         ');
  const decode = (r: string) =>
    `CASE WHEN ${r} >= ${R} THEN (${namesByRank})[${R} - ${r} % ${R}] END`;
  const bandCase = `CASE ${model.bands
    .map((b) =>
      b.minScore === null
        ? `WHEN true THEN ${literal(b.name)}`
        : `WHEN x.points >= ${b.minScore} THEN ${literal(b.name)}`,
    )
    .join(' ')} ELSE ${literal(model.bands[model.bands.length - 1]!.name)} END`;
  // the top keys one after the other, each from the keys not yet taken
  // (OFFSET 0 keeps each step a subquery of its own, so that a key is computed once, not
  // substituted into every expression that uses it)
  let ranked = `SELECT c.*${n > 0 ? `, ${topKeys[0]} AS r1` : ''} FROM keyed c OFFSET 0`;
  for (let r = 2; r <= n; r++)
    ranked = `SELECT t${r}.*, ${topKeys[r - 1]} AS r${r} FROM (${ranked}) t${r} OFFSET 0`;
  const reasonArray =
    n === 0
      ? `'{}'::text[]`
      : `array_remove(ARRAY[${Array.from({ length: n }, (_, i) => decode(`y.r${i + 1}`)).join(', ')}]::text[], NULL)`;
  return `
WITH keyed AS MATERIALIZED (
  SELECT b.account_id,
         (${score})::int AS points,
         1 / (1 + exp(-(${eta}))) AS probability${keys.length ? `,\n         ${keyCols}` : ''}
  FROM (
    SELECT f.account_id,
         ${bins || 'NULL AS none'}
    FROM ${features} f
    OFFSET 0
  ) b
)
SELECT y.account_id, y.points, y.probability, ${bandCase.replaceAll('x.points', 'y.points')} AS band,
       ${reasonArray} AS reasons
FROM (${ranked}) y`;
}

function ruleSql(r: TierRule, purposeCol: string, probCol: string): string {
  const cond: string[] = [];
  if (r.purpose !== undefined) cond.push(`${purposeCol} = ${literal(r.purpose)}`);
  if (r.bucket) cond.push(`q.bucket IN (${r.bucket.map(literal).join(', ')})`);
  if (r.onHold !== undefined) cond.push(r.onHold ? 'q.on_hold' : 'NOT q.on_hold');
  if (r.pastDueDaysAtLeast !== undefined)
    cond.push(`q.past_due_days >= ${Math.floor(r.pastDueDaysAtLeast)}`);
  if (r.scored !== undefined) cond.push(r.scored ? `${probCol} IS NOT NULL` : `${probCol} IS NULL`);
  if (r.probabilityBelow !== undefined) cond.push(`${probCol} < ${num(r.probabilityBelow)}`);
  if (r.probabilityAtLeast !== undefined) cond.push(`${probCol} >= ${num(r.probabilityAtLeast)}`);
  return cond.length ? cond.join(' AND ') : 'true';
}

/**
 * Where an account's probability of a purpose is found: `relation`, joined on its column
 * `key` to the base table's column `on` (the scores by account, or the scores of bin codes
 * by the account's code).
 */
export interface ScoreSource {
  relation: string;
  key: string;
  on: string;
}

/**
 * The tier of every account of `base` (a table with account_id, bucket, on_hold and
 * past_due_days: the day's states, or the scoring table that carries them), from its state
 * and the day's score of the purpose that applies to it (`scores`; a purpose without one
 * has no score): columns account_id, purpose, probability, tier, rule (the index of the rule
 * that matched), as the domain's classify.
 */
export function classificationSql(
  c: Classification,
  base: string,
  scores: ReadonlyMap<string, ScoreSource>,
): string {
  const purpose = `CASE WHEN s.past_due_days > 0 THEN ${literal(c.purposes.pastDue)} ELSE ${literal(c.purposes.current)} END`;
  const pastDue = scores.get(c.purposes.pastDue);
  const current = scores.get(c.purposes.current);
  // one join when both name the same purpose
  const cu = c.purposes.current === c.purposes.pastDue ? 'pd' : 'cu';
  const probability = `CASE WHEN s.past_due_days > 0 THEN ${pastDue ? 'pd.probability' : 'NULL::float8'} ELSE ${current ? `${cu}.probability` : 'NULL::float8'} END`;
  const join = (x: ScoreSource, alias: string) =>
    `\n  LEFT JOIN ${x.relation} ${alias} ON ${alias}.${x.key} = s.${x.on}`;
  const tier = `CASE ${c.rules.map((r) => `WHEN ${ruleSql(r, 'q.purpose', 'q.probability')} THEN ${literal(r.tier)}`).join(' ')} END`;
  const rule = `CASE ${c.rules.map((r, i) => `WHEN ${ruleSql(r, 'q.purpose', 'q.probability')} THEN ${i}`).join(' ')} END`;
  return `
SELECT q.account_id, q.purpose, q.probability, ${tier} AS tier, ${rule} AS rule
FROM (
  SELECT s.account_id, s.bucket, s.on_hold, s.past_due_days, ${purpose} AS purpose, ${probability} AS probability
  FROM ${base} s${pastDue ? join(pastDue, 'pd') : ''}${current && cu === 'cu' ? join(current, 'cu') : ''}
  OFFSET 0
) q`;
}
