/**
 * Assessing collectors' KPIs against targets with a weighted scheme, grading and ranking them.
 *
 * - Attainment of a KPI is actual / target when higher is better and target / actual when lower
 *   is better, capped at the scheme's cap (150 % → 1.5). Lower-is-better with actual 0 earns the
 *   full cap (nothing to reduce); higher-is-better against a target of 0 earns the full cap too
 *   (any result meets it). A lower-is-better target of 0 with a positive actual earns 0.
 * - A KPI with no target, or whose actual is null (a zero denominator), is left out, and the
 *   remaining weights are renormalised to 100: effective weight = weight × 100 / (sum of the
 *   weights still in). With nothing left, score and grade are null.
 * - Points of a KPI = effective weight × attainment, rounded half-up to 0.01; the score is the sum
 *   of the rounded points, so a row's score can be added up from its points.
 * - The grade is the first band (highest minimum first) whose minimum the score reaches, else
 *   the scheme's fallback grade.
 */
import { isCurrency } from '../money/currency.ts';
import type { Kpis } from './kpis.ts';

export const KPI_NAMES = [
  'contactRate',
  'promiseRate',
  'keptRate',
  'cureRate',
  'collected',
  'complaints',
  'complianceBlocks',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export type Direction = 'higher' | 'lower';

export interface GradeBand {
  grade: string;
  minScore: number;
}

export interface AssessmentScheme {
  /** Integer weights summing to 100; a KPI absent or at 0 does not count. */
  weights: Partial<Record<KpiName, number>>;
  /** Direction of every weighted KPI. */
  directions: Partial<Record<KpiName, Direction>>;
  /** Attainment cap in percent (150 = attainment at most 1.5). */
  capPercent: number;
  /** Strictly descending minimum scores. */
  bands: readonly GradeBand[];
  /** The grade below the last band. */
  fallbackGrade: string;
  /** The currency whose amount is the `collected` KPI. */
  currency: string;
}

/** Targets per KPI: rates as fractions, `collected` in minor units of the scheme's currency. */
export type Targets = Partial<Record<KpiName, number>>;

export interface KpiCell {
  actual: number | null;
  target: number | null;
  /** Null when the KPI is left out (no weight, no target or no actual). */
  attainment: number | null;
  /** Weight after renormalisation; 0 when left out. */
  weight: number;
  points: number;
}

export interface AssessmentRow {
  id: string;
  kpis: Record<KpiName, KpiCell>;
  /** Amount collected in the scheme's currency (minor units), for ties. */
  collected: number;
  score: number | null;
  grade: string | null;
}

export const EXAMPLE_SCHEME: AssessmentScheme = Object.freeze<AssessmentScheme>({
  weights: { contactRate: 20, keptRate: 30, cureRate: 20, collected: 20, complaints: 10 },
  directions: {
    contactRate: 'higher',
    keptRate: 'higher',
    cureRate: 'higher',
    collected: 'higher',
    complaints: 'lower',
  },
  capPercent: 150,
  bands: [
    { grade: 'A', minScore: 110 },
    { grade: 'B', minScore: 100 },
    { grade: 'C', minScore: 90 },
    { grade: 'D', minScore: 75 },
  ],
  fallbackGrade: 'E',
  currency: 'CNY',
});

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isNonNegativeNumber = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Problems with a scheme, each naming the field (`weights.contactRate: ...`); empty when valid. */
export function validateScheme(x: unknown): string[] {
  if (!isRecord(x)) return ['scheme: must be an object'];
  const errors: string[] = [];
  const weights = isRecord(x.weights) ? x.weights : null;
  const directions = isRecord(x.directions) ? x.directions : null;
  if (!weights) errors.push('weights: must be an object of KPI weights');
  if (!directions) errors.push('directions: must be an object of KPI directions');
  let sum = 0;
  for (const [name, w] of Object.entries(weights ?? {})) {
    if (!(KPI_NAMES as readonly string[]).includes(name)) {
      errors.push(`weights.${name}: unknown KPI (one of ${KPI_NAMES.join(', ')})`);
    } else if (!Number.isSafeInteger(w) || (w as number) < 0) {
      errors.push(`weights.${name}: must be a non-negative integer`);
    } else {
      sum += w as number;
      const d = directions?.[name];
      if ((w as number) > 0 && directions && d !== 'higher' && d !== 'lower') {
        errors.push(`directions.${name}: must be "higher" or "lower"`);
      }
    }
  }
  if (weights && sum !== 100) errors.push(`weights: must sum to 100 (they sum to ${sum})`);
  for (const name of Object.keys(directions ?? {})) {
    if (!(KPI_NAMES as readonly string[]).includes(name)) {
      errors.push(`directions.${name}: unknown KPI`);
    }
  }
  if (!isNonNegativeNumber(x.capPercent) || x.capPercent < 100) {
    errors.push('capPercent: must be a number of at least 100');
  }
  if (!Array.isArray(x.bands)) {
    errors.push('bands: must be a list of { grade, minScore }');
  } else {
    let previous = Infinity;
    x.bands.forEach((b: unknown, i) => {
      if (!isRecord(b)) return errors.push(`bands[${i}]: must be { grade, minScore }`);
      if (typeof b.grade !== 'string' || b.grade === '') {
        errors.push(`bands[${i}].grade: must be a non-empty string`);
      }
      if (!isNonNegativeNumber(b.minScore)) {
        errors.push(`bands[${i}].minScore: must be a non-negative number`);
      } else {
        if (b.minScore >= previous) {
          errors.push(`bands[${i}].minScore: must be below the band before it (${previous})`);
        }
        previous = b.minScore;
      }
    });
  }
  if (typeof x.fallbackGrade !== 'string' || x.fallbackGrade === '') {
    errors.push('fallbackGrade: must be a non-empty string');
  }
  if (typeof x.currency !== 'string' || !isCurrency(x.currency)) {
    errors.push('currency: must be an ISO 4217 code');
  }
  return errors;
}

/** The KPI's value on a row, `collected` in the scheme's currency (0 when none). */
export function actualOf(k: Kpis, name: KpiName, currency: string): number | null {
  if (name === 'collected') return k.collected[currency] ?? 0;
  return k[name];
}

/** Attainment as a fraction (1 = target met), capped at `cap` (a fraction too). */
export function attainment(actual: number, target: number, direction: Direction, cap: number) {
  let a: number;
  if (direction === 'higher') a = target === 0 ? cap : actual / target;
  else a = actual === 0 ? cap : target / actual;
  return Math.min(a, cap);
}

/**
 * Half-up to 0.01 point (inputs are non-negative). The product is first taken to 12 significant
 * digits so that binary noise (12.345 × 100 = 1234.4999999999998) does not turn a half down.
 */
export function roundPoints(x: number): number {
  return Math.round(Number((x * 100).toPrecision(12))) / 100;
}

export function gradeFor(score: number, scheme: AssessmentScheme): string {
  return scheme.bands.find((b) => score >= b.minScore)?.grade ?? scheme.fallbackGrade;
}

export function assessRow(k: Kpis, targets: Targets, scheme: AssessmentScheme): AssessmentRow {
  const cap = scheme.capPercent / 100;
  const actuals = KPI_NAMES.map((n) => actualOf(k, n, scheme.currency));
  const counted = KPI_NAMES.map(
    (n, i) => (scheme.weights[n] ?? 0) > 0 && targets[n] !== undefined && actuals[i] !== null,
  );
  const totalWeight = KPI_NAMES.reduce(
    (s, n, i) => (counted[i] ? s + (scheme.weights[n] ?? 0) : s),
    0,
  );
  const cells = {} as Record<KpiName, KpiCell>;
  let hundredths = 0;
  KPI_NAMES.forEach((n, i) => {
    const actual = actuals[i] ?? null;
    const target = targets[n] ?? null;
    if (!counted[i] || actual === null || target === null) {
      cells[n] = { actual, target, attainment: null, weight: 0, points: 0 };
      return;
    }
    const att = attainment(actual, target, scheme.directions[n] ?? 'higher', cap);
    const weight = ((scheme.weights[n] ?? 0) * 100) / totalWeight;
    const points = roundPoints(weight * att);
    hundredths += Math.round(points * 100);
    cells[n] = { actual, target, attainment: att, weight, points };
  });
  const score = totalWeight === 0 ? null : hundredths / 100;
  return {
    id: k.id,
    kpis: cells,
    collected: k.collected[scheme.currency] ?? 0,
    score,
    grade: score === null ? null : gradeFor(score, scheme),
  };
}

/** Each collector's row against the same targets. */
export function assessmentTable(
  rows: readonly Kpis[],
  targets: Targets,
  scheme: AssessmentScheme,
): AssessmentRow[] {
  return rows.map((r) => assessRow(r, targets, scheme));
}

export interface RankedRow extends AssessmentRow {
  rank: number;
}

function compare(a: AssessmentRow, b: AssessmentRow): number {
  const sa = a.score ?? -Infinity;
  const sb = b.score ?? -Infinity;
  if (sa !== sb) return sb - sa;
  return b.collected - a.collected;
}

/**
 * Rows ranked by score (highest first; no score last), ties by amount collected (most first),
 * then by id for the order only: rows equal on score and amount share a rank (1, 2, 2, 4).
 */
export function leaderboard(rows: readonly AssessmentRow[]): RankedRow[] {
  const sorted = [...rows].sort(
    (a, b) => compare(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const out: RankedRow[] = [];
  sorted.forEach((r, i) => {
    const prev = out[i - 1];
    const rank = prev && compare(prev, r) === 0 ? prev.rank : i + 1;
    out.push({ ...r, rank });
  });
  return out;
}
