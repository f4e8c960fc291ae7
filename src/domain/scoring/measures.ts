/**
 * Measures of a risk score: how well it ranks (AUC, Gini, KS), how well its probabilities are
 * calibrated (Brier score, log loss, a calibration table by band) and how stable its
 * distribution is between two samples (population stability index).
 *
 * Conventions shared by every function here:
 * - A label is the number 0 or 1; 1 is the event (e.g. default, roll forward, no payment) and a
 *   higher score means the event is more likely.
 * - Inputs are array-likes (arrays or typed arrays) and are never modified.
 * - Bad input throws a RangeError that names the function and the offending element: arrays of
 *   different lengths, empty input, a score that is not a finite number, a label other than 0
 *   or 1, a probability outside [0, 1], or a sample without events or without non-events where
 *   the measure compares the two classes.
 *
 * The ranking measures sort the rows once (O(n log n)) and then walk the groups of equal
 * scores, so ties are always treated as one step, never split in an order-dependent way.
 */

/** Probabilities are clipped to [LOG_LOSS_CLIP, 1 − LOG_LOSS_CLIP] by `logLoss`. */
export const LOG_LOSS_CLIP = 1e-15;

/** Default floor of a bin's share in `psi`, so that an empty bin does not give infinity. */
export const DEFAULT_PSI_EPSILON = 1e-4;

/** Default number of equal-frequency bins in `psiOfScores` (deciles). */
export const DEFAULT_PSI_BINS = 10;

function checkSameLength(
  fn: string,
  nameA: string,
  a: ArrayLike<unknown>,
  nameB: string,
  b: ArrayLike<unknown>,
): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `${fn}: ${nameA} and ${nameB} differ in length (${a.length} vs ${b.length})`,
    );
  }
}

function checkNonEmpty(fn: string, name: string, values: ArrayLike<unknown>): void {
  if (values.length === 0) throw new RangeError(`${fn}: ${name} is empty`);
}

function checkFinite(fn: string, name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${name}[${i}] is not a finite number: ${String(v)}`);
    }
  }
}

/** Checks that every label is 0 or 1 and returns the number of 1s (events). */
function countEvents(fn: string, labels: ArrayLike<number>): number {
  let events = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y === 1) events++;
    else if (y !== 0) throw new RangeError(`${fn}: labels[${i}] must be 0 or 1, got ${String(y)}`);
  }
  return events;
}

function checkProbabilities(fn: string, probabilities: ArrayLike<number>): void {
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`${fn}: probabilities[${i}] must be in [0, 1], got ${String(p)}`);
    }
  }
}

/** Checks probabilities and labels for the calibration measures; returns the event count. */
function checkPredictions(
  fn: string,
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): number {
  checkSameLength(fn, 'probabilities', probabilities, 'labels', labels);
  checkNonEmpty(fn, 'probabilities', probabilities);
  checkProbabilities(fn, probabilities);
  return countEvents(fn, labels);
}

/**
 * The rows grouped by distinct score, in ascending score order: for each distinct score, how
 * many events and non-events have it.
 */
interface ScoreGroups {
  events: number;
  nonEvents: number;
  groupEvents: number[];
  groupNonEvents: number[];
}

function scoreGroups(
  fn: string,
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): ScoreGroups {
  checkSameLength(fn, 'scores', scores, 'labels', labels);
  checkNonEmpty(fn, 'scores', scores);
  checkFinite(fn, 'scores', scores);
  const n = scores.length;
  const events = countEvents(fn, labels);
  const nonEvents = n - events;
  if (events === 0 || nonEvents === 0) {
    throw new RangeError(
      `${fn}: needs both classes, got ${events} events (label 1) and ${nonEvents} non-events (label 0)`,
    );
  }
  const s = Float64Array.from(scores);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => s[a]! - s[b]!);

  const groupEvents: number[] = [];
  const groupNonEvents: number[] = [];
  let i = 0;
  while (i < n) {
    const value = s[order[i]!]!;
    let e = 0;
    let ne = 0;
    while (i < n && s[order[i]!] === value) {
      if (labels[order[i]!] === 1) e++;
      else ne++;
      i++;
    }
    groupEvents.push(e);
    groupNonEvents.push(ne);
  }
  return { events, nonEvents, groupEvents, groupNonEvents };
}

function aucOfGroups(g: ScoreGroups): number {
  // Rank sum of the events, each group of ties sharing the mid-rank below + (size + 1)/2.
  // Mid-ranks are half-integers, so the sum is exact in doubles for any realistic n.
  let below = 0;
  let rankSum = 0;
  for (let j = 0; j < g.groupEvents.length; j++) {
    const e = g.groupEvents[j]!;
    const size = e + g.groupNonEvents[j]!;
    rankSum += e * (below + (size + 1) / 2);
    below += size;
  }
  const u = rankSum - (g.events * (g.events + 1)) / 2;
  return u / (g.events * g.nonEvents);
}

function ksOfGroups(g: ScoreGroups): number {
  let cumEvents = 0;
  let cumNonEvents = 0;
  let best = 0;
  for (let j = 0; j < g.groupEvents.length; j++) {
    cumEvents += g.groupEvents[j]!;
    cumNonEvents += g.groupNonEvents[j]!;
    const d = Math.abs(cumEvents / g.events - cumNonEvents / g.nonEvents);
    if (d > best) best = d;
  }
  return best;
}

/**
 * Area under the ROC curve: the probability that a random event scores higher than a random
 * non-event, a tie counting one half. Computed as the Mann–Whitney U statistic of the events'
 * scores with mid-ranks for ties, U = R₁ − n₁(n₁ + 1)/2 and AUC = U / (n₁·n₀), after one sort
 * (O(n log n)). 1 is perfect ranking, 0.5 no better than chance (or all scores equal), 0 a
 * perfectly inverted score. Throws a RangeError on bad input or when either class is missing.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return aucOfGroups(scoreGroups('auc', scores, labels));
}

/**
 * The Kolmogorov–Smirnov statistic: max over distinct score values s of
 * |F_event(s) − F_nonevent(s)|, where F_c(s) is the share of class c with score <= s. All rows
 * with an equal score are stepped over together, so the result does not depend on the order of
 * tied rows. In [0, 1]; 1 means the two classes are perfectly separated (in either direction).
 * Throws a RangeError on bad input or when either class is missing.
 */
export function ks(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return ksOfGroups(scoreGroups('ks', scores, labels));
}

/**
 * The Gini coefficient (accuracy ratio) of a score, 2·AUC − 1: 1 for perfect ranking, 0 for
 * chance, −1 for a perfectly inverted score. Same input rules as `auc`.
 */
export function gini(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return 2 * aucOfGroups(scoreGroups('gini', scores, labels)) - 1;
}

/**
 * The Brier score, mean of (p − y)² over the rows: 0 is perfect, 0.25 is what a constant 0.5
 * scores. Probabilities must be in [0, 1]; one class alone is allowed.
 */
export function brier(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPredictions('brier', probabilities, labels);
  return meanSquaredError(probabilities, labels);
}

function meanSquaredError(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const d = probabilities[i]! - labels[i]!;
    sum += d * d;
  }
  return sum / probabilities.length;
}

/**
 * Log loss (binary cross-entropy), −mean(y·ln p + (1 − y)·ln(1 − p)), natural logarithm, with p
 * clipped to [1e-15, 1 − 1e-15] so that a confident wrong answer costs −ln(1e-15) ≈ 34.54
 * instead of infinity. Probabilities must be in [0, 1]; one class alone is allowed.
 */
export function logLoss(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPredictions('logLoss', probabilities, labels);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(Math.max(probabilities[i]!, LOG_LOSS_CLIP), 1 - LOG_LOSS_CLIP);
    sum += labels[i] === 1 ? Math.log(p) : Math.log1p(-p);
  }
  return -sum / probabilities.length;
}

/** Counts and rates of one group of rows in a calibration table. */
export interface CalibrationCell {
  /** Rows in the group. */
  n: number;
  /** Rows with label 1. */
  events: number;
  /** events / n, the observed rate; null when n = 0 (a band of `order` with no rows). */
  eventRate: number | null;
  /** Mean predicted probability of the rows; null when n = 0. */
  meanPredicted: number | null;
  /** n / total n, the group's share of all rows (1 for the total). */
  share: number;
}

/** One band of a calibration table. */
export interface CalibrationRow extends CalibrationCell {
  band: string;
}

/** A calibration table: one row per band, and the same measures over all rows. */
export interface CalibrationTable {
  /** In the order given by `order`, or else in the order the bands first appear. */
  rows: CalibrationRow[];
  /** All rows together (share 1); eventRate and meanPredicted are never null here. */
  total: CalibrationCell;
}

function cell(n: number, events: number, predicted: number, totalN: number): CalibrationCell {
  return {
    n,
    events,
    eventRate: n === 0 ? null : events / n,
    meanPredicted: n === 0 ? null : predicted / n,
    share: n / totalN,
  };
}

/**
 * Observed event rate against mean predicted probability per band (e.g. score bands A–E or
 * deciles): `bands[i]` is row i's band, `probabilities[i]` its predicted probability and
 * `labels[i]` its outcome. Returns `{ rows, total }`: one row per band, and the totals over all
 * rows kept apart so that `rows` holds only real bands.
 *
 * With `order`, the rows follow it and a band of `order` without rows still appears (n = 0,
 * eventRate and meanPredicted null); a row whose band is not in `order`, or a band listed twice,
 * throws a RangeError. Without `order` the bands appear in the order they are first seen.
 */
export function calibrationTable(
  bands: ArrayLike<string>,
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  order?: readonly string[],
): CalibrationTable {
  const fn = 'calibrationTable';
  checkSameLength(fn, 'bands', bands, 'labels', labels);
  checkPredictions(fn, probabilities, labels);

  const index = new Map<string, number>();
  const names: string[] = [];
  if (order !== undefined) {
    for (const band of order) {
      if (index.has(band))
        throw new RangeError(`${fn}: band ${JSON.stringify(band)} is listed twice in order`);
      index.set(band, names.length);
      names.push(band);
    }
  }
  const n = probabilities.length;
  const counts: number[] = names.map(() => 0);
  const events: number[] = names.map(() => 0);
  const predicted: number[] = names.map(() => 0);
  let totalEvents = 0;
  let totalPredicted = 0;
  for (let i = 0; i < n; i++) {
    const band = bands[i];
    if (typeof band !== 'string') {
      throw new RangeError(`${fn}: bands[${i}] must be a string, got ${String(band)}`);
    }
    let b = index.get(band);
    if (b === undefined) {
      if (order !== undefined) {
        throw new RangeError(
          `${fn}: bands[${i}] is ${JSON.stringify(band)}, which is not in order`,
        );
      }
      b = names.length;
      index.set(band, b);
      names.push(band);
      counts.push(0);
      events.push(0);
      predicted.push(0);
    }
    const y = labels[i]!;
    const p = probabilities[i]!;
    counts[b]! += 1;
    events[b]! += y;
    predicted[b]! += p;
    totalEvents += y;
    totalPredicted += p;
  }
  return {
    rows: names.map((band, b) => ({ band, ...cell(counts[b]!, events[b]!, predicted[b]!, n) })),
    total: cell(n, totalEvents, totalPredicted, n),
  };
}

/**
 * Cut points for `k` equal-frequency bins of `values`, for use with `histogram`: at most k − 1
 * distinct values in increasing order, each strictly below the largest value, so that every bin
 * `histogram(values, breaks)` makes holds at least one of `values`.
 *
 * The j-th candidate (j = 1 … k − 1) is the j/k quantile in the inverse-ECDF sense, the
 * smallest value v with at least j·n/k of the values <= v (the value at sorted position
 * ⌈j·n/k⌉, counting from 1). Since bins are closed above, all copies of a value fall in one bin;
 * heavy ties therefore merge candidates, and fewer than k bins come out (a constant sample gives
 * no breaks at all: one bin). Throws a RangeError when `values` is empty or has a non-finite
 * element, or k is not a positive integer.
 */
export function quantileBreaks(values: ArrayLike<number>, k: number): number[] {
  const fn = 'quantileBreaks';
  checkNonEmpty(fn, 'values', values);
  checkFinite(fn, 'values', values);
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new RangeError(`${fn}: k must be a positive integer, got ${k}`);
  }
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const max = sorted[n - 1]!;
  const breaks: number[] = [];
  for (let j = 1; j < k; j++) {
    // ⌈j·n/k⌉ in integer arithmetic, then to a 0-based position.
    const position = Math.floor((j * n + k - 1) / k) - 1;
    const v = sorted[position]!;
    if (v >= max) break;
    if (breaks.length === 0 || v > breaks[breaks.length - 1]!) breaks.push(v);
  }
  return breaks;
}

function checkBreaks(fn: string, breaks: ArrayLike<number>): void {
  checkFinite(fn, 'breaks', breaks);
  for (let i = 1; i < breaks.length; i++) {
    if (!(breaks[i]! > breaks[i - 1]!)) {
      throw new RangeError(
        `${fn}: breaks must be strictly increasing, but breaks[${i - 1}] = ${breaks[i - 1]} and breaks[${i}] = ${breaks[i]}`,
      );
    }
  }
}

/**
 * Counts of `values` in the breaks.length + 1 bins the cut points make: bin 0 is
 * (−∞, breaks[0]], bin i is (breaks[i − 1], breaks[i]], and the last bin is
 * (breaks[breaks.length − 1], +∞). No breaks give one bin holding everything. Empty `values` give
 * zero counts. Throws a RangeError when the breaks are not finite and strictly increasing or a
 * value is not finite.
 */
export function histogram(values: ArrayLike<number>, breaks: ArrayLike<number>): number[] {
  const fn = 'histogram';
  checkBreaks(fn, breaks);
  checkFinite(fn, 'values', values);
  const counts = new Array<number>(breaks.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // The bin is the number of breaks strictly below v (binary search).
    let lo = 0;
    let hi = breaks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (breaks[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]! += 1;
  }
  return counts;
}

/** One bin of a population stability index. */
export interface PsiBin {
  /** The bin's share of the expected counts, as observed (not floored). */
  expectedShare: number;
  /** The bin's share of the actual counts, as observed (not floored). */
  actualShare: number;
  /** (a − e)·ln(a / e) with a and e the shares floored at epsilon; never negative. */
  contribution: number;
}

/** A population stability index and its terms. */
export interface PsiResult {
  /** The sum of the bins' contributions. */
  psi: number;
  bins: PsiBin[];
}

/** `psiOfScores`: the index, its terms and the cut points the bins were made with. */
export interface ScoresPsiResult extends PsiResult {
  /** Cut points from `quantileBreaks(expectedScores, k)`; bins.length = breaks.length + 1. */
  breaks: number[];
}

function checkCounts(fn: string, name: string, counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a non-negative count, got ${String(c)}`);
    }
    total += c;
  }
  if (!(total > 0)) throw new RangeError(`${fn}: ${name} counts sum to 0`);
  return total;
}

/**
 * The population stability index of `actual` against `expected`, two lists of counts over the
 * same bins: Σ (aᵢ − eᵢ)·ln(aᵢ / eᵢ), with aᵢ and eᵢ the bins' shares of their totals, each
 * floored at `epsilon` (default 1e-4) so that an empty bin adds a large but finite term. The
 * shares are floored, not renormalised. A common reading: below 0.1 stable, 0.1–0.25 a moderate
 * shift, above 0.25 a major one. Throws a RangeError when the lists differ in length or are
 * empty, a count is negative or not finite, a list sums to 0, or epsilon is not in (0, 1).
 */
export function psi(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  epsilon: number = DEFAULT_PSI_EPSILON,
): PsiResult {
  const fn = 'psi';
  checkSameLength(fn, 'expected', expected, 'actual', actual);
  checkNonEmpty(fn, 'expected', expected);
  if (!(epsilon > 0 && epsilon < 1)) {
    throw new RangeError(`${fn}: epsilon must be strictly between 0 and 1, got ${epsilon}`);
  }
  const totalExpected = checkCounts(fn, 'expected', expected);
  const totalActual = checkCounts(fn, 'actual', actual);
  const bins: PsiBin[] = [];
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const expectedShare = expected[i]! / totalExpected;
    const actualShare = actual[i]! / totalActual;
    const e = Math.max(expectedShare, epsilon);
    const a = Math.max(actualShare, epsilon);
    const contribution = (a - e) * Math.log(a / e);
    sum += contribution;
    bins.push({ expectedShare, actualShare, contribution });
  }
  return { psi: sum, bins };
}

/**
 * The population stability index of a score between a reference sample (`expectedScores`, e.g.
 * the development sample) and a new one (`actualScores`), over `k` equal-frequency bins (default
 * 10) cut by `quantileBreaks(expectedScores, k)`. Ties in the reference can give fewer bins.
 * Throws a RangeError when either sample is empty or has a non-finite score, or k is not a
 * positive integer.
 */
export function psiOfScores(
  expectedScores: ArrayLike<number>,
  actualScores: ArrayLike<number>,
  k: number = DEFAULT_PSI_BINS,
): ScoresPsiResult {
  checkNonEmpty('psiOfScores', 'actualScores', actualScores);
  const breaks = quantileBreaks(expectedScores, k);
  const result = psi(histogram(expectedScores, breaks), histogram(actualScores, breaks));
  return { ...result, breaks };
}

/** `summary`: the ranking measures of a score and, given probabilities, the Brier score. */
export interface ScoreSummary {
  /** Rows. */
  n: number;
  /** Rows with label 1. */
  events: number;
  auc: number;
  ks: number;
  /** 2·auc − 1. */
  gini: number;
  /** Present only when probabilities were given. */
  brier?: number;
}

/**
 * AUC, KS and Gini of `scores` from one sort, with the row and event counts, and the Brier score
 * of `probabilities` when given (same length as the scores; they may be the scores themselves).
 * Same input rules as `auc` and `brier`.
 */
export function summary(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  probabilities?: ArrayLike<number>,
): ScoreSummary {
  const g = scoreGroups('summary', scores, labels);
  const a = aucOfGroups(g);
  const result: ScoreSummary = {
    n: scores.length,
    events: g.events,
    auc: a,
    ks: ksOfGroups(g),
    gini: 2 * a - 1,
  };
  if (probabilities !== undefined) {
    checkPredictions('summary', probabilities, labels);
    result.brier = meanSquaredError(probabilities, labels);
  }
  return result;
}
