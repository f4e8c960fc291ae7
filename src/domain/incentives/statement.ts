/**
 * Collectors' monthly incentive statements: commission by bucket with marginal tiers, a bonus
 * by grade or by minimum score, deductions per compliance breach, and a floor at zero.
 *
 * All amounts are integers of minor units of the rules' currency; rates are basis points
 * (100 bp = 1 %). Each commission line is `base × rate_bp / 10,000` rounded half-up to the
 * minor unit (0.5 goes up), on that line alone, so the statement adds up from its lines:
 * gross = commission + bonus lines, deductions = −(deduction lines), net = gross − deductions
 * = the sum of every line. Deductions are limited first by the cap (a percentage of the gross,
 * itself rounded half-up) and then by the gross, so the net is never below zero; the line that
 * reaches the limit is cut short and any after it are 0, each saying why.
 */
import { formatMinor, isCurrency } from '../money/currency.ts';
import type { AssessmentRow } from '../performance/assessment.ts';

/** A marginal tier: the part of the amount above the previous tier's `upTo` and up to this one. */
export interface Tier {
  /** Upper end of the tier in minor units, included; null for "and above" (the last tier). */
  upTo: number | null;
  rateBp: number;
}

export interface BucketCommission {
  bucket: string;
  tiers: readonly Tier[];
}

export type BonusRule =
  | { basis: 'grade'; amounts: Readonly<Record<string, number>> }
  | { basis: 'score'; steps: readonly { minScore: number; amount: number }[] };

export interface IncentiveRules {
  currency: string;
  commission: readonly BucketCommission[];
  bonus: BonusRule | null;
  deductions: { perBreach: number; capBp: number | null };
}

export interface Breach {
  id: string;
  description: string;
}

export type LineKind = 'commission' | 'bonus' | 'deduction';

export interface StatementLine {
  kind: LineKind;
  bucket: string | null;
  tier: { from: number; to: number | null } | null;
  base: number | null;
  rateBp: number | null;
  /** Minor units; negative for deductions. */
  amount: number;
  reason: string;
}

export interface Statement {
  collector: string;
  period: string;
  currency: string;
  lines: StatementLine[];
  gross: number;
  /** Positive: what the deduction lines take away. */
  deductions: number;
  net: number;
}

export const EXAMPLE_RULES: IncentiveRules = Object.freeze<IncentiveRules>({
  currency: 'CNY',
  commission: [
    {
      bucket: 'M1',
      tiers: [
        { upTo: 1_000_000, rateBp: 100 },
        { upTo: null, rateBp: 150 },
      ],
    },
    { bucket: 'M2', tiers: [{ upTo: null, rateBp: 200 }] },
    { bucket: 'M3+', tiers: [{ upTo: null, rateBp: 300 }] },
  ],
  bonus: { basis: 'grade', amounts: { A: 50_000, B: 20_000 } },
  deductions: { perBreach: 10_000, capBp: 1_000 },
});

/** `amount × bp / 10,000` rounded half-up to the minor unit, in exact integer arithmetic. */
export function applyBp(amount: number, bp: number): number {
  const n = amount * bp;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`amount × rate out of range: ${n}`);
  const r = n % 10_000;
  return (n - r) / 10_000 + (r >= 5_000 ? 1 : 0);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isAmount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function validateTiers(tiers: unknown, at: string, errors: string[]): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    errors.push(`${at}: at least one tier is needed`);
    return;
  }
  let previous = 0;
  tiers.forEach((t: unknown, j) => {
    const tp = `${at}[${j}]`;
    if (!isRecord(t)) return errors.push(`${tp}: must be { upTo, rateBp }`);
    if (!isAmount(t.rateBp) || t.rateBp > 10_000) {
      errors.push(`${tp}.rateBp: must be an integer from 0 to 10000 basis points`);
    }
    const last = j === tiers.length - 1;
    if (last && t.upTo !== null) errors.push(`${tp}.upTo: the last tier must be open (null)`);
    if (!last && (!isAmount(t.upTo) || t.upTo <= previous)) {
      errors.push(`${tp}.upTo: must be an integer of minor units above ${previous}`);
    }
    if (isAmount(t.upTo)) previous = t.upTo;
  });
}

function validateBonus(b: unknown, errors: string[]): void {
  if (b === null) return;
  if (!isRecord(b)) return void errors.push('bonus: must be null or { basis, ... }');
  if (b.basis === 'grade') {
    if (!isRecord(b.amounts)) return void errors.push('bonus.amounts: must map grades to amounts');
    for (const [g, a] of Object.entries(b.amounts)) {
      if (!isAmount(a)) errors.push(`bonus.amounts.${g}: must be a non-negative integer`);
    }
  } else if (b.basis === 'score') {
    if (!Array.isArray(b.steps)) return void errors.push('bonus.steps: must be a list');
    let previous = Infinity;
    b.steps.forEach((s: unknown, i) => {
      if (!isRecord(s)) return errors.push(`bonus.steps[${i}]: must be { minScore, amount }`);
      if (typeof s.minScore !== 'number' || !(s.minScore < previous)) {
        errors.push(`bonus.steps[${i}].minScore: must be a number below the step before it`);
      } else previous = s.minScore;
      if (!isAmount(s.amount))
        errors.push(`bonus.steps[${i}].amount: must be a non-negative integer`);
    });
  } else {
    errors.push('bonus.basis: must be "grade" or "score"');
  }
}

/** Problems with the rules, each naming the field; empty when valid. */
export function validateRules(x: unknown): string[] {
  if (!isRecord(x)) return ['rules: must be an object'];
  const errors: string[] = [];
  if (typeof x.currency !== 'string' || !isCurrency(x.currency)) {
    errors.push('currency: must be an ISO 4217 code');
  }
  if (!Array.isArray(x.commission)) {
    errors.push('commission: must be a list of { bucket, tiers }');
  } else {
    const seen = new Set<string>();
    x.commission.forEach((c: unknown, i) => {
      const cp = `commission[${i}]`;
      if (!isRecord(c)) return errors.push(`${cp}: must be { bucket, tiers }`);
      if (typeof c.bucket !== 'string' || c.bucket === '') {
        errors.push(`${cp}.bucket: must be a non-empty string`);
      } else if (seen.has(c.bucket)) {
        errors.push(`${cp}.bucket: duplicate bucket "${c.bucket}"`);
      } else seen.add(c.bucket);
      validateTiers(c.tiers, `${cp}.tiers`, errors);
    });
  }
  validateBonus(x.bonus, errors);
  const d = x.deductions;
  if (!isRecord(d)) {
    errors.push('deductions: must be { perBreach, capBp }');
  } else {
    if (!isAmount(d.perBreach)) errors.push('deductions.perBreach: must be a non-negative integer');
    if (d.capBp !== null && (!isAmount(d.capBp) || d.capBp > 10_000)) {
      errors.push('deductions.capBp: must be null or an integer from 0 to 10000 basis points');
    }
  }
  return errors;
}

function commissionLines(
  bucket: string,
  collected: number,
  rule: BucketCommission | undefined,
  currency: string,
): StatementLine[] {
  const m = (v: number) => formatMinor(v, currency);
  if (!rule) {
    return [
      {
        kind: 'commission',
        bucket,
        tier: null,
        base: collected,
        rateBp: 0,
        amount: 0,
        reason: `no commission rule for bucket ${bucket}`,
      },
    ];
  }
  const lines: StatementLine[] = [];
  let from = 0;
  for (const t of rule.tiers) {
    const top = t.upTo === null ? collected : Math.min(collected, t.upTo);
    const base = top - from;
    if (base > 0) {
      const range = t.upTo === null ? `above ${m(from)}` : `${m(from)} to ${m(t.upTo)}`;
      lines.push({
        kind: 'commission',
        bucket,
        tier: { from, to: t.upTo },
        base,
        rateBp: t.rateBp,
        amount: applyBp(base, t.rateBp),
        reason: `${bucket} ${range}: ${m(base)} of ${m(collected)} at ${t.rateBp} bp`,
      });
    }
    if (t.upTo === null || collected <= t.upTo) break;
    from = t.upTo;
  }
  return lines;
}

function bonusLine(row: AssessmentRow | null, rule: BonusRule | null): StatementLine | null {
  if (!row || !rule || row.score === null) return null;
  let amount: number;
  let reason: string;
  if (rule.basis === 'grade') {
    amount = (row.grade !== null && rule.amounts[row.grade]) || 0;
    reason = `grade ${row.grade}`;
  } else {
    const step = rule.steps.find((s) => (row.score ?? -Infinity) >= s.minScore);
    amount = step?.amount ?? 0;
    reason = `score ${row.score} at or above ${step?.minScore}`;
  }
  if (amount === 0) return null;
  return { kind: 'bonus', bucket: null, tier: null, base: null, rateBp: null, amount, reason };
}

/**
 * One collector's statement for one period. `collectedByBucket` is in minor units of the
 * rules' currency; buckets are taken in the order of the rules, then any others by name.
 */
export function monthlyStatement(
  collector: string,
  period: string,
  collectedByBucket: Readonly<Record<string, number>>,
  assessmentRow: AssessmentRow | null,
  breaches: readonly Breach[],
  rules: IncentiveRules,
): Statement {
  const currency = rules.currency;
  const m = (v: number) => formatMinor(v, currency);
  const ruled = rules.commission.map((c) => c.bucket);
  const others = Object.keys(collectedByBucket)
    .filter((b) => !ruled.includes(b))
    .sort();
  const lines: StatementLine[] = [];
  for (const bucket of [...ruled, ...others]) {
    const collected = collectedByBucket[bucket] ?? 0;
    if (collected <= 0) continue;
    const rule = rules.commission.find((c) => c.bucket === bucket);
    lines.push(...commissionLines(bucket, collected, rule, currency));
  }
  const bonus = bonusLine(assessmentRow, rules.bonus);
  if (bonus) lines.push(bonus);
  const gross = lines.reduce((s, l) => s + l.amount, 0);

  const { perBreach, capBp } = rules.deductions;
  const cap = capBp === null ? Infinity : applyBp(gross, capBp);
  const limit = Math.min(cap, gross);
  const why =
    cap <= gross
      ? `capped at ${capBp} bp of the gross: ${m(cap)}`
      : 'limited so that the net does not go below zero';
  let deductions = 0;
  for (const b of breaches) {
    const amount = Math.min(perBreach, limit - deductions);
    deductions += amount;
    const short = amount < perBreach ? ` (${why})` : '';
    lines.push({
      kind: 'deduction',
      bucket: null,
      tier: null,
      base: perBreach,
      rateBp: null,
      amount: amount === 0 ? 0 : -amount,
      reason: `compliance breach ${b.id}: ${b.description}${short}`,
    });
  }
  return { collector, period, currency, lines, gross, deductions, net: gross - deductions };
}

export const STATEMENT_CSV_HEADER = [
  'collector',
  'period',
  'currency',
  'kind',
  'bucket',
  'tier',
  'base',
  'rate_bp',
  'amount',
  'reason',
] as const;

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The statements as CSV, one row per line under a header; amounts, bases and tier ends in
 * major units with the currency's decimals (`1000000` CNY minor → `10000.00`), tiers written
 * `from-to` or `from+`. Rows end in LF.
 */
export function statementsCsv(statements: readonly Statement[]): string {
  const rows = [STATEMENT_CSV_HEADER.join(',')];
  for (const s of statements) {
    const m = (v: number) => formatMinor(v, s.currency);
    for (const l of s.lines) {
      const tier = l.tier
        ? `${m(l.tier.from)}${l.tier.to === null ? '+' : `-${m(l.tier.to)}`}`
        : '';
      const cells = [
        s.collector,
        s.period,
        s.currency,
        l.kind,
        l.bucket ?? '',
        tier,
        l.base === null ? '' : m(l.base),
        l.rateBp === null ? '' : String(l.rateBp),
        m(l.amount),
        l.reason,
      ];
      rows.push(cells.map(csvField).join(','));
    }
  }
  return rows.join('\n') + '\n';
}
