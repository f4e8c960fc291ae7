/**
 * Sample sizes for planning a champion/challenger pilot: how many accounts each arm needs for a
 * two-sided test at level alpha to detect a given difference with the given power.
 */
import { normalQuantile, studentTQuantile } from './distributions.ts';

export interface SampleSize {
  /** Accounts in arm A (the champion), rounded up. */
  nA: number;
  /** Accounts in arm B (the challenger), rounded up: ⌈ratio · unrounded nA⌉. */
  nB: number;
  /**
   * The size of the larger arm: nA = nB when ratio is 1 (the usual "accounts per arm"), and
   * max(nA, nB) otherwise, so that planning with it leaves no arm short.
   */
  perArm: number;
  /** nA + nB. */
  total: number;
  /**
   * The sizes before rounding up (for means: the formula's value at the degrees of freedom of
   * the chosen sizes).
   */
  unrounded: { nA: number; nB: number };
}

export interface TwoProportionSampleSizeInput {
  /** The champion's rate p1, strictly between 0 and 1. */
  baseline: number;
  /** The absolute difference to detect, p2 − p1 (may be negative); p2 must lie in [0, 1]. */
  lift: number;
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Probability of detecting the lift when it is real (default 0.8). */
  power?: number;
  /** Allocation ratio nB / nA (default 1). */
  ratio?: number;
}

export interface MeansSampleSizeInput {
  /** Standard deviation of the metric per account, assumed equal in both arms. */
  sd: number;
  /** The difference of means to detect (absolute, either sign). */
  difference: number;
  alpha?: number;
  power?: number;
  /** Allocation ratio nB / nA (default 1). */
  ratio?: number;
}

function checkOpenUnit(name: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be strictly between 0 and 1, got ${value}`);
  }
}

function checkRatio(ratio: number): void {
  if (!(ratio > 0) || !Number.isFinite(ratio)) {
    throw new RangeError(`ratio must be a positive finite number, got ${ratio}`);
  }
}

/** Rounds a size up, ignoring the last few bits of floating-point noise (63.000000000001 → 63). */
function roundUp(n: number): number {
  return Math.ceil(n * (1 - 1e-12));
}

/**
 * Accounts per arm to detect baseline → baseline + lift with a two-sided two-proportion z test,
 * by the formula of Fleiss, Levin & Paik (Statistical Methods for Rates and Proportions, 3rd ed.,
 * 2003, eq. 4.14 / 4.19) without continuity correction, with the pooled variance under the null
 * hypothesis and the unpooled one under the alternative:
 *
 *   nA = [z(1−α/2)·√((1 + 1/r)·p̄(1 − p̄)) + z(power)·√(p1(1 − p1) + p2(1 − p2)/r)]² / (p2 − p1)²
 *
 * with r = nB / nA and p̄ = (p1 + r·p2) / (1 + r). For baseline 0.20, lift 0.05 this gives
 * 1093.75, so 1,094 per arm. (Calculators that use the unpooled variance in both terms get
 * 1,091; Fleiss's continuity-corrected version gives 1,134.)
 */
export function sampleSizeTwoProportions(input: TwoProportionSampleSizeInput): SampleSize {
  const { baseline: p1, lift, alpha = 0.05, power = 0.8, ratio = 1 } = input;
  checkOpenUnit('baseline', p1);
  checkOpenUnit('alpha', alpha);
  checkOpenUnit('power', power);
  checkRatio(ratio);
  const p2 = p1 + lift;
  if (!(lift !== 0 && Number.isFinite(lift))) {
    throw new RangeError(`lift must be a non-zero finite difference, got ${lift}`);
  }
  if (!(p2 >= 0 && p2 <= 1)) {
    throw new RangeError(`baseline + lift must be a rate in [0, 1], got ${p2}`);
  }
  const zAlpha = -normalQuantile(alpha / 2);
  const zBeta = normalQuantile(power);
  const pBar = (p1 + ratio * p2) / (1 + ratio);
  const nullTerm = zAlpha * Math.sqrt((1 + 1 / ratio) * pBar * (1 - pBar));
  const altTerm = zBeta * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / ratio);
  const nA = (nullTerm + altTerm) ** 2 / (lift * lift);
  return sized(nA, ratio);
}

function sized(nA: number, ratio: number): SampleSize {
  const a = roundUp(nA);
  const b = roundUp(ratio * nA);
  return { nA: a, nB: b, perArm: Math.max(a, b), total: a + b, unrounded: { nA, nB: ratio * nA } };
}

/**
 * Accounts per arm to detect a difference of means with a two-sided two-sample t test, common
 * standard deviation `sd`. The normal-theory size nA = (z(1−α/2) + z(power))²·sd²·(1 + 1/r) / Δ²
 * understates small samples, so the z values are replaced by t quantiles with the test's
 * degrees of freedom nA + nB − 2 and the smallest nA that satisfies the formula is returned;
 * this matches the exact (noncentral t) answer of Cohen's tables in the usual range, e.g. 64 per
 * arm for Δ / sd = 0.5 at alpha 0.05 and power 0.8, where the normal formula gives 62.8 → 63.
 */
export function sampleSizeMeans(input: MeansSampleSizeInput): SampleSize {
  const { sd, difference, alpha = 0.05, power = 0.8, ratio = 1 } = input;
  if (!(sd > 0) || !Number.isFinite(sd)) {
    throw new RangeError(`sd must be a positive finite number, got ${sd}`);
  }
  if (!(difference !== 0 && Number.isFinite(difference))) {
    throw new RangeError(`difference must be non-zero and finite, got ${difference}`);
  }
  checkOpenUnit('alpha', alpha);
  checkOpenUnit('power', power);
  checkRatio(ratio);
  const scale = (sd * sd * (1 + 1 / ratio)) / (difference * difference);
  const normal = (-normalQuantile(alpha / 2) + normalQuantile(power)) ** 2 * scale;
  const required = (n: number): number => {
    const df = Math.max(1, n + roundUp(ratio * n) - 2);
    return (-studentTQuantile(alpha / 2, df) + studentTQuantile(power, df)) ** 2 * scale;
  };
  // required(n) falls as n (so df) grows, and lies above the normal-theory size: scan up from
  // there to the first n that is enough for its own degrees of freedom.
  let n = Math.max(2, roundUp(normal));
  let need = required(n);
  while (roundUp(need) > n) {
    n++;
    need = required(n);
  }
  const nB = roundUp(ratio * n);
  return {
    nA: n,
    nB,
    perArm: Math.max(n, nB),
    total: n + nB,
    unrounded: { nA: need, nB: ratio * need },
  };
}
