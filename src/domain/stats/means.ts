/**
 * Means: Welch's unequal-variance t test and interval for the difference of two arms' means,
 * e.g. amount collected per account under the champion (A) and the challenger (B).
 */
import type { Interval } from './common.ts';
import {
  DEFAULT_CONFIDENCE,
  checkConfidence,
  checkFiniteSamples,
  mean,
  sampleVariance,
} from './common.ts';
import { studentTQuantile, studentTSf } from './distributions.ts';

/** An arm summarised: its size, mean and sample variance (denominator n − 1). */
export interface SummaryStatistics {
  n: number;
  mean: number;
  /** Sample variance with denominator n − 1 (the square of the sample standard deviation). */
  variance: number;
}

/** An arm given either as its observations or as their summary statistics. */
export type MeanSample = readonly number[] | SummaryStatistics;

/** n, mean and sample variance (n − 1) of at least two finite observations. */
export function summarize(samples: readonly number[]): SummaryStatistics {
  checkFiniteSamples('samples', samples);
  if (samples.length < 2) {
    throw new RangeError(`a variance needs at least 2 observations, got ${samples.length}`);
  }
  const m = mean(samples);
  return { n: samples.length, mean: m, variance: sampleVariance(samples, m) };
}

function toSummary(arm: string, sample: MeanSample): SummaryStatistics {
  if (Array.isArray(sample)) {
    const list = sample as readonly number[];
    checkFiniteSamples(`samples${arm}`, list);
    if (list.length < 2) {
      throw new RangeError(`arm ${arm} needs at least 2 observations, got ${list.length}`);
    }
    const m = mean(list);
    return { n: list.length, mean: m, variance: sampleVariance(list, m) };
  }
  const s = sample as SummaryStatistics;
  if (!Number.isSafeInteger(s.n) || s.n < 2) {
    throw new RangeError(`arm ${arm}: n must be an integer >= 2, got ${s.n}`);
  }
  if (!Number.isFinite(s.mean)) throw new RangeError(`arm ${arm}: mean is not finite: ${s.mean}`);
  if (!(s.variance >= 0) || !Number.isFinite(s.variance)) {
    throw new RangeError(`arm ${arm}: variance must be finite and >= 0, got ${s.variance}`);
  }
  return { n: s.n, mean: s.mean, variance: s.variance };
}

export interface WelchOptions {
  /** Confidence level of the interval; the test is significant when pValue < 1 − confidence. */
  confidence?: number;
}

export interface WelchResult {
  meanA: number;
  meanB: number;
  /** meanB − meanA. */
  difference: number;
  /** √(varianceA/nA + varianceB/nB). */
  standardError: number;
  /** difference ± t(1 − α/2, df)·standardError. */
  ci: Interval;
  /** difference / standardError. */
  t: number;
  /** Welch–Satterthwaite degrees of freedom (not an integer in general). */
  df: number;
  /** Two-sided p-value 2·P(T_df > |t|). */
  pValue: number;
  /** pValue < 1 − confidence. */
  significant: boolean;
  confidence: number;
}

/**
 * Welch's t test of meanB = meanA without assuming equal variances, with the Welch–Satterthwaite
 * degrees of freedom df = (vA/nA + vB/nB)² / ((vA/nA)²/(nA − 1) + (vB/nB)²/(nB − 1)).
 *
 * Each arm is an array of observations or `{ n, mean, variance }` (sample variance, n − 1).
 * Throws a RangeError when an arm has fewer than 2 observations, holds a non-finite value, or
 * when both arms have zero variance (every observation equal within each arm): the standard
 * error is then 0 and neither t nor df is defined. One constant arm is fine (df = n − 1 of the
 * other).
 */
export function welchTest(
  samplesA: MeanSample,
  samplesB: MeanSample,
  options: WelchOptions = {},
): WelchResult {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const alpha = checkConfidence(confidence);
  const a = toSummary('A', samplesA);
  const b = toSummary('B', samplesB);
  const wA = a.variance / a.n;
  const wB = b.variance / b.n;
  const se2 = wA + wB;
  if (!(se2 > 0)) {
    throw new RangeError(
      'both arms have zero variance: the t statistic and its degrees of freedom are undefined',
    );
  }
  const standardError = Math.sqrt(se2);
  const difference = b.mean - a.mean;
  const t = difference / standardError;
  // The Welch–Satterthwaite formula, with both weights scaled by se2 (no underflow of w²).
  const fA = wA / se2;
  const fB = wB / se2;
  const df = 1 / ((fA * fA) / (a.n - 1) + (fB * fB) / (b.n - 1));
  const pValue = Math.min(1, 2 * studentTSf(Math.abs(t), df));
  const tCrit = -studentTQuantile((1 - confidence) / 2, df);
  return {
    meanA: a.mean,
    meanB: b.mean,
    difference,
    standardError,
    ci: [difference - tCrit * standardError, difference + tCrit * standardError],
    t,
    df,
    pValue,
    significant: pValue < alpha,
    confidence,
  };
}
