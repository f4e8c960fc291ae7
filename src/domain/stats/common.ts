/** Shared types and argument checks of the statistics module. */
import { normalQuantile } from './distributions.ts';

/** A closed interval [lower, upper]. Every call returns a fresh one, so it is not readonly. */
export type Interval = [lower: number, upper: number];

/** Confidence level used when none is given. */
export const DEFAULT_CONFIDENCE = 0.95;

/** Throws unless 0 < confidence < 1; returns alpha = 1 − confidence. */
export function checkConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be strictly between 0 and 1, got ${confidence}`);
  }
  return 1 - confidence;
}

/**
 * The two-sided critical value z with P(|Z| > z) = 1 − confidence, i.e. Φ⁻¹(1 − α/2), computed
 * from the small tail α/2 so that confidence levels near 1 keep their digits.
 */
export function criticalZ(confidence: number): number {
  checkConfidence(confidence);
  return -normalQuantile((1 - confidence) / 2);
}

/** Throws unless `value` is a non-negative safe integer (a count). */
export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** Throws unless every element is a finite number. */
export function checkFiniteSamples(name: string, samples: readonly number[]): void {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new RangeError(`${name}[${i}] is not a finite number: ${samples[i]}`);
    }
  }
}

/** Arithmetic mean of a non-empty list. */
export function mean(samples: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  return sum / samples.length;
}

/**
 * Sample variance (denominator n − 1) of a list of at least two values, by the two-pass formula
 * with the compensation term of Chan, Golub & LeVeque, which stays exact for data with a large
 * common offset (e.g. balances around 1e9 differing in cents).
 */
export function sampleVariance(samples: readonly number[], center = mean(samples)): number {
  let squares = 0;
  let residual = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i]! - center;
    squares += d * d;
    residual += d;
  }
  const n = samples.length;
  return Math.max(0, (squares - (residual * residual) / n) / (n - 1));
}

/** Percentile by linear interpolation between order statistics (R type 7, NumPy's default). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo]!;
  return a + (h - lo) * (sorted[hi]! - a);
}
