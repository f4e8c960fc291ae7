/**
 * Rates: the Wilson score interval for one rate and the two-proportion z test for comparing a
 * champion (arm A) with a challenger (arm B), e.g. the share of accounts that paid.
 */
import type { Interval } from './common.ts';
import { DEFAULT_CONFIDENCE, checkConfidence, checkCount, criticalZ } from './common.ts';
import { normalSf } from './distributions.ts';

function checkSuccesses(arm: string, successes: number, n: number): void {
  checkCount(`successes${arm}`, successes);
  checkCount(`n${arm}`, n);
  if (n === 0) throw new RangeError(`arm ${arm} has no observations (n${arm} = 0)`);
  if (successes > n) {
    throw new RangeError(`successes${arm} (${successes}) exceeds n${arm} (${n})`);
  }
}

/**
 * The Wilson score interval for a rate `successes / n` (Wilson 1927; Newcombe 1998, method 3):
 * (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n). Unlike the Wald interval it stays inside
 * [0, 1] and keeps its width at 0 and n successes. Throws a RangeError when n = 0 (there is no
 * rate to estimate) or the counts are not integers with 0 <= successes <= n.
 */
export function wilsonInterval(
  successes: number,
  n: number,
  confidence: number = DEFAULT_CONFIDENCE,
): Interval {
  checkSuccesses('', successes, n);
  const z = criticalZ(confidence);
  return wilson(successes, n, z);
}

function wilson(successes: number, n: number, z: number): Interval {
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / n / 4);
  // At 0 and n successes the bound is exactly 0 (resp. 1); do not let rounding say otherwise.
  const lower = successes === 0 ? 0 : Math.max(0, center - half);
  const upper = successes === n ? 1 : Math.min(1, center + half);
  return [lower, upper];
}

export interface TwoProportionInput {
  /** Successes (e.g. accounts that paid) in arm A, the champion. */
  successesA: number;
  nA: number;
  /** Successes in arm B, the challenger. */
  successesB: number;
  nB: number;
}

export interface TwoProportionOptions {
  /** Confidence level of the intervals; the test is significant when pValue < 1 − confidence. */
  confidence?: number;
}

export interface TwoProportionResult {
  pA: number;
  pB: number;
  /** pB − pA. */
  difference: number;
  /** Unpooled Wald interval of the difference: difference ± z·standardError. */
  ci: Interval;
  /** Unpooled standard error √(pA(1 − pA)/nA + pB(1 − pB)/nB), used by `ci`. */
  standardError: number;
  /**
   * Newcombe's hybrid score interval of the difference (Newcombe 1998, method 10), built from
   * the two Wilson intervals. Better coverage than `ci` for small arms or rates near 0 or 1,
   * and never of zero width; prefer it for reporting when the arms are small.
   */
  newcombeCi: Interval;
  /** (successesA + successesB) / (nA + nB), the common rate under the null hypothesis. */
  pooledRate: number;
  /** √(pooled·(1 − pooled)·(1/nA + 1/nB)), the standard error of the test statistic. */
  pooledStandardError: number;
  /** difference / pooledStandardError. */
  z: number;
  /** Two-sided p-value 2·P(Z > |z|). */
  pValue: number;
  /** pValue < 1 − confidence. */
  significant: boolean;
  confidence: number;
}

/**
 * The two-proportion z test of pB = pA (pooled standard error), with the unpooled Wald interval
 * of pB − pA and, alongside it, Newcombe's score interval.
 *
 * Edge cases, chosen so that no field is ever NaN:
 * - nA = 0 or nB = 0: throws a RangeError (an arm without observations has no rate to compare).
 * - Both arms all failures or all successes (pooled rate 0 or 1): the pooled standard error is
 *   0 and z would be 0/0. The observed difference is then exactly 0, so the result is z = 0,
 *   pValue = 1, not significant (the same verdict as Fisher's exact test, whose p is 1 there).
 * - One arm at 0 or 1 and the other not: everything is finite as usual.
 * - Both rates in {0, 1}: the Wald `ci` collapses to the single point [difference, difference]
 *   (the known failure of the Wald interval); `newcombeCi` still has a sensible width.
 */
export function twoProportionTest(
  input: TwoProportionInput,
  options: TwoProportionOptions = {},
): TwoProportionResult {
  const { successesA, nA, successesB, nB } = input;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const alpha = checkConfidence(confidence);
  checkSuccesses('A', successesA, nA);
  checkSuccesses('B', successesB, nB);
  const zCrit = criticalZ(confidence);

  const pA = successesA / nA;
  const pB = successesB / nB;
  const difference = pB - pA;
  const standardError = Math.sqrt((pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB);
  const ci: Interval = [difference - zCrit * standardError, difference + zCrit * standardError];

  const [lA, uA] = wilson(successesA, nA, zCrit);
  const [lB, uB] = wilson(successesB, nB, zCrit);
  const newcombeCi: Interval = [
    difference - Math.hypot(pB - lB, uA - pA),
    difference + Math.hypot(uB - pB, pA - lA),
  ];

  const pooledRate = (successesA + successesB) / (nA + nB);
  const pooledStandardError = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / nA + 1 / nB));
  let z = 0;
  let pValue = 1;
  if (pooledStandardError > 0) {
    z = difference / pooledStandardError;
    pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  }
  return {
    pA,
    pB,
    difference,
    ci,
    standardError,
    newcombeCi,
    pooledRate,
    pooledStandardError,
    z,
    pValue,
    significant: pValue < alpha,
    confidence,
  };
}
