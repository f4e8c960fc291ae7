/**
 * The scorecard trainer: bin every candidate characteristic, keep the informative and not
 * redundant ones, fit an L2 logistic regression on their WoE, check the coefficients' signs,
 * and scale to points. Pure: the table, the time and the data's fingerprint come in.
 */
import { binColumn, binOf, DEFAULT_BINNING, type Binning, type BinningOptions } from './binning.ts';
import { deriveFeatures, type FeatureSpec } from './features.ts';
import { fitLogistic, sigmoid } from './logistic.ts';
import { auc, brier, histogram, ks, quantileBreaks } from './measures.ts';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type Band,
  type CalibrationRow,
  type Candidate,
  type Characteristic,
  type ScorecardModel,
  type Scaling,
  type Summary,
} from './model.ts';
import { categoryOf, numberOf, readColumn, readTarget, type Cell, type Table } from './table.ts';
import { createRandom } from '../portfolio/random.ts';

export interface TrainOptions {
  binning: Partial<BinningOptions>;
  /** Characteristics with a lower information value are dropped as weak. */
  minIv: number;
  /** Of two characteristics whose WoE correlate more than this, the weaker is dropped. */
  maxCorrelation: number;
  /** At most this many characteristics, the most informative first (0: no limit). */
  maxCharacteristics: number;
  /** The L2 penalty of the logistic regression. */
  l2: number;
  /**
   * Characteristics whose coefficient is within this many standard errors of zero once the
   * others are in are dropped, the least significant first (0: keep them all).
   */
  minZ: number;
  scaling: { baseScore: number; baseOdds: number; pdo: number };
  /** Band names, best first; the training scores are cut into bands of equal size. */
  bands: string[];
}

export const DEFAULT_TRAIN: TrainOptions = {
  binning: {},
  minIv: 0.02,
  maxCorrelation: 0.8,
  maxCharacteristics: 0,
  l2: 1,
  minZ: 2,
  scaling: { baseScore: 600, baseOdds: 50, pdo: 20 },
  bands: ['A', 'B', 'C', 'D', 'E'],
};

export interface TrainInput {
  table: Table;
  target: string;
  /** The target value that is the event (default: 1, true, yes, bad…). */
  event?: string;
  id?: string;
  exclude?: string[];
  features?: FeatureSpec | null;
  /** Rows to train on and to test on (default: all rows train, no test). */
  split?: { train: ArrayLike<number>; test: ArrayLike<number>; seed: string; holdout: number };
  name: string;
  description?: string;
  trainedAt: string;
  fingerprint: string;
  options?: Partial<TrainOptions>;
}

/** A stratified split: the same share of events and non-events in both parts, by seed. */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  holdout: number,
  seed: string | number,
): { train: Int32Array; test: Int32Array } {
  if (!(holdout > 0 && holdout < 1)) throw new RangeError('the holdout share is between 0 and 1');
  const rng = createRandom(`split:${seed}`);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) rows.push(i);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const nTest = Math.round(rows.length * holdout);
    test.push(...rows.slice(0, nTest));
    train.push(...rows.slice(nTest));
  }
  return {
    train: Int32Array.from(train.sort((a, b) => a - b)),
    test: Int32Array.from(test.sort((a, b) => a - b)),
  };
}

/** A view of some rows of a table. */
export function subsetTable(table: Table, rows: ArrayLike<number>): Table {
  return {
    columns: table.columns,
    rows: rows.length,
    cell: (column, row) => table.cell(column, rows[row]!),
  };
}

export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** Trains a scorecard. Throws RangeError/TrainingError with a readable reason on bad input. */
export function trainScorecard(input: TrainInput): ScorecardModel {
  const o: TrainOptions = {
    ...DEFAULT_TRAIN,
    ...input.options,
    scaling: { ...DEFAULT_TRAIN.scaling, ...input.options?.scaling },
    binning: { ...DEFAULT_BINNING, ...input.options?.binning },
  };
  if (input.table.rows === 0) throw new TrainingError('the data has no rows');
  const full = input.features ? deriveFeaturesOnce(input.table, input.features) : input.table;
  const target = readTarget(full, input.target, input.event);
  const exclude = new Set([
    input.target,
    ...(input.id ? [input.id] : []),
    ...(input.exclude ?? []),
  ]);
  for (const x of [...(input.id ? [input.id] : []), ...(input.exclude ?? [])])
    if (!full.columns.includes(x))
      throw new TrainingError(`the column ${JSON.stringify(x)} to leave out is not in the data`);
  const trainRows = input.split?.train ?? Int32Array.from({ length: full.rows }, (_, i) => i);
  const table = input.split ? subsetTable(full, trainRows) : full;
  const labels = Uint8Array.from({ length: table.rows }, (_, i) => target.labels[trainRows[i]!]!);
  const events = labels.reduce((s, v) => s + v, 0);
  if (events === 0 || events === labels.length)
    throw new TrainingError('the training rows have only one outcome');

  // 1. bin every candidate
  const candidates: Candidate[] = [];
  const binned: { binning: Binning; woe: Float64Array }[] = [];
  for (const name of full.columns) {
    if (exclude.has(name)) continue;
    const column = readColumn(table, name);
    const usable = usability(column, table.rows);
    if (usable) {
      candidates.push({ name, kind: 'unusable', iv: null, selected: false, reason: usable });
      continue;
    }
    const binning = binColumn(column, labels, o.binning);
    const woe = new Float64Array(table.rows);
    const values = column.values;
    for (let i = 0; i < table.rows; i++) {
      const v = values[i]!;
      woe[i] =
        binning.bins[binOf(binning, typeof v === 'number' && Number.isNaN(v) ? null : v)]!.woe;
    }
    candidates.push({ name, kind: binning.kind, iv: binning.iv, selected: false, reason: '' });
    binned.push({ binning, woe });
  }
  if (binned.length === 0)
    throw new TrainingError(
      'no column can be a characteristic (every one is constant or an identifier)',
    );
  const byName = new Map(candidates.map((c) => [c.name, c]));

  // 2. weak, then redundant
  binned.sort((a, b) => b.binning.iv - a.binning.iv || cmp(a.binning.name, b.binning.name));
  let kept: typeof binned = [];
  for (const b of binned) {
    const c = byName.get(b.binning.name)!;
    if (b.binning.iv < o.minIv) {
      c.reason = `weak: IV ${b.binning.iv.toFixed(4)} < ${o.minIv}`;
      continue;
    }
    if (b.binning.bins.length < 2) {
      c.reason = 'one bin only: no information after binning';
      continue;
    }
    let redundant: string | undefined;
    for (const k of kept) {
      const r = correlation(b.woe, k.woe);
      if (Math.abs(r) > o.maxCorrelation) {
        redundant = `redundant: WoE correlates ${r.toFixed(2)} with ${k.binning.name}, which has the higher IV`;
        break;
      }
    }
    if (redundant) {
      c.reason = redundant;
      continue;
    }
    if (o.maxCharacteristics > 0 && kept.length >= o.maxCharacteristics) {
      c.reason = `left out: only the ${o.maxCharacteristics} most informative are used`;
      continue;
    }
    kept.push(b);
  }
  if (kept.length === 0)
    throw new TrainingError(
      `no characteristic has an information value of ${o.minIv} or more: nothing to score with`,
    );

  // 3. fit, dropping wrong signs until all agree with their WoE
  let fit = fitOn(kept, labels, o.l2);
  for (;;) {
    let worst = -1;
    for (let j = 0; j < kept.length; j++)
      if (
        fit.coefficients[j]! >= 0 &&
        (worst < 0 || fit.coefficients[j]! > fit.coefficients[worst]!)
      )
        worst = j;
    if (worst < 0) break;
    const c = byName.get(kept[worst]!.binning.name)!;
    c.reason = `wrong sign: coefficient ${fit.coefficients[worst]!.toFixed(4)} on its WoE once the others are in (its effect reverses beside characteristics it overlaps)`;
    kept = kept.filter((_, j) => j !== worst);
    if (kept.length === 0) throw new TrainingError('every characteristic had the wrong sign');
    fit = fitOn(kept, labels, o.l2);
  }
  // 4. then the ones that add nothing significant of their own, the weakest first
  for (;;) {
    let weakest = -1;
    let weakestZ = Infinity;
    for (let j = 0; j < kept.length; j++) {
      const z = Math.abs(fit.coefficients[j]! / fit.standardErrors[j + 1]!);
      if (z < weakestZ) {
        weakestZ = z;
        weakest = j;
      }
    }
    if (kept.length <= 1 || weakest < 0 || !(weakestZ < o.minZ)) break;
    const c = byName.get(kept[weakest]!.binning.name)!;
    c.reason = `not significant: z ${weakestZ.toFixed(2)} < ${o.minZ} once the others are in`;
    kept = kept.filter((_, j) => j !== weakest);
    fit = fitOn(kept, labels, o.l2);
    // a refit can turn a sign: those go too
    for (;;) {
      const wrong = kept.findIndex((_, j) => fit.coefficients[j]! >= 0);
      if (wrong < 0) break;
      byName.get(kept[wrong]!.binning.name)!.reason =
        `wrong sign: coefficient ${fit.coefficients[wrong]!.toFixed(4)} on its WoE once the others are in`;
      kept = kept.filter((_, j) => j !== wrong);
      fit = fitOn(kept, labels, o.l2);
    }
  }
  for (const k of kept) {
    const c = byName.get(k.binning.name)!;
    c.selected = true;
    c.reason = 'selected';
  }

  // 5. points
  const factor = o.scaling.pdo / Math.LN2;
  const offset = o.scaling.baseScore - factor * Math.log(o.scaling.baseOdds);
  const scaling: Scaling = { ...o.scaling, factor, offset };
  const characteristics: Characteristic[] = kept.map((k, j) => ({
    name: k.binning.name,
    kind: k.binning.kind,
    trend: k.binning.trend,
    iv: k.binning.iv,
    coefficient: fit.coefficients[j]!,
    standardError: fit.standardErrors[j + 1]!,
    bins: k.binning.bins.map((b) => ({
      ...b,
      points: Math.round(-factor * fit.coefficients[j]! * b.woe),
    })),
    fallback: k.binning.fallback,
  }));
  const basePoints = Math.round(offset - factor * fit.intercept);

  const draft: ScorecardModel = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    trainedAt: input.trainedAt,
    target: { column: input.target, event: target.eventValue, nonEvent: target.nonEventValue },
    ...(input.id ? { id: input.id } : {}),
    excluded: input.exclude ?? [],
    data: {
      fingerprint: input.fingerprint,
      rows: full.rows,
      events: target.labels.reduce((s, v) => s + v, 0),
      columns: input.table.columns,
      split: input.split
        ? {
            seed: input.split.seed,
            holdout: input.split.holdout,
            trainRows: input.split.train.length,
            testRows: input.split.test.length,
          }
        : null,
    },
    options: { ...o },
    features: input.features ?? null,
    scaling,
    intercept: fit.intercept,
    basePoints,
    characteristics,
    candidates: sortCandidates(candidates),
    bands: [],
    metrics: {
      train: { n: 0, events: 0, auc: 0, ks: 0, gini: 0, brier: 0 },
      test: null,
      calibration: { train: [], test: null },
      fit: { iterations: fit.iterations, converged: fit.converged, l2: o.l2 },
    },
    scoreDistribution: { breaks: [], counts: [] },
  };

  // 6. bands, measures, distribution: from the finished card
  // the training rows are scored once: their bands come from the scores just made
  const scorer = compileScorer(draft);
  const scored = scoreRows(scorer, table);
  draft.bands = bandsFromScores(scored.scores, o.bands);
  const tr = { ...scored, bands: Array.from(scored.scores, (x) => bandOf(draft.bands, x)) };
  draft.metrics.train = summaryOf(tr.scores, tr.probabilities, labels);
  draft.metrics.calibration.train = calibration(tr.bands, tr.probabilities, labels, draft.bands);
  draft.scoreDistribution = distribution(tr.scores, 10);
  if (input.split && input.split.test.length > 0) {
    const testTable = subsetTable(full, input.split.test);
    const testLabels = Uint8Array.from(input.split.test, (r) => target.labels[r]!);
    const te = scoreRows(scorer, testTable);
    draft.metrics.test = summaryOf(te.scores, te.probabilities, testLabels);
    draft.metrics.calibration.test = calibration(
      te.bands,
      te.probabilities,
      testLabels,
      draft.bands,
    );
  }
  return draft;
}

function fitOn(kept: { woe: Float64Array }[], labels: Uint8Array, l2: number) {
  const n = labels.length;
  const p = kept.length;
  const x = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const w = kept[j]!.woe;
    for (let i = 0; i < n; i++) x[i * p + j] = w[i]!;
  }
  return fitLogistic(x, labels, p, { l2 });
}

/** Why a column cannot be a characteristic, or '' when it can. */
function usability(column: ReturnType<typeof readColumn>, rows: number): string {
  if (column.kind === 'numeric') {
    let first: number | undefined;
    for (const v of column.values) {
      if (Number.isNaN(v)) continue;
      if (first === undefined) first = v;
      else if (v !== first) return '';
    }
    return first === undefined ? 'unusable: every value is missing' : 'unusable: constant';
  }
  const distinct = new Set<string>();
  let present = 0;
  for (const v of column.values) {
    if (v === null) continue;
    present++;
    distinct.add(v);
  }
  if (present === 0) return 'unusable: every value is missing';
  if (distinct.size === 1) return 'unusable: constant';
  if (distinct.size > Math.max(50, 0.5 * present))
    return `unusable: ${distinct.size} distinct texts in ${rows} rows, an identifier or free text`;
  return '';
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortCandidates(c: Candidate[]): Candidate[] {
  return [...c].sort(
    (a, b) =>
      Number(b.selected) - Number(a.selected) || (b.iv ?? -1) - (a.iv ?? -1) || cmp(a.name, b.name),
  );
}

/** Equal-frequency bands over the training scores, best (highest score) first. */
function bandsFromScores(scores: Float64Array, names: string[]): Band[] {
  if (names.length === 0) throw new TrainingError('at least one band name is needed');
  const sorted = Float64Array.from(scores).sort();
  const bands: Band[] = [];
  const k = names.length;
  let prev = Infinity;
  for (let b = 0; b < k - 1; b++) {
    // the band b holds the top (b+1)/k of scores: its floor is the quantile 1 − (b+1)/k
    const q = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * (1 - (b + 1) / k)))]!;
    const floor = Math.min(q, prev);
    bands.push({ name: names[b]!, minScore: floor === prev ? prev : floor });
    prev = floor;
  }
  bands.push({ name: names[k - 1]!, minScore: null });
  return bands;
}

/** Deciles of the training scores and the counts in them (measures' histogram convention). */
function distribution(scores: Float64Array, k: number): { breaks: number[]; counts: number[] } {
  const breaks = quantileBreaks(scores, k);
  return { breaks, counts: histogram(scores, breaks) };
}

function summaryOf(scores: Float64Array, probabilities: Float64Array, labels: Uint8Array): Summary {
  // the score is higher for the safer: the measures rank by risk, so by the probability
  const a = auc(probabilities, labels);
  return {
    n: labels.length,
    events: labels.reduce((s, v) => s + v, 0),
    auc: a,
    ks: ks(probabilities, labels),
    gini: 2 * a - 1,
    brier: brier(probabilities, labels),
  };
}

function calibration(
  bands: string[],
  probabilities: Float64Array,
  labels: Uint8Array,
  order: Band[],
): CalibrationRow[] {
  const rows = new Map(order.map((b) => [b.name, { n: 0, events: 0, predicted: 0 }]));
  for (let i = 0; i < bands.length; i++) {
    const r = rows.get(bands[i]!)!;
    r.n++;
    r.events += labels[i]!;
    r.predicted += probabilities[i]!;
  }
  return order.map((b) => {
    const r = rows.get(b.name)!;
    return {
      band: b.name,
      n: r.n,
      events: r.events,
      eventRate: r.n ? r.events / r.n : 0,
      meanPredicted: r.n ? r.predicted / r.n : 0,
    };
  });
}

// ---- scoring ---------------------------------------------------------------------------

/** A characteristic ready to look values up fast. */
interface Compiled {
  c: Characteristic;
  /** numeric: the bins with a range, by ascending lower bound */
  ranges: { lower: number; index: number }[];
  missing: number;
  categories: Map<string, number>;
  other: number;
  maxPoints: number;
}

export interface Scorer {
  model: ScorecardModel;
  compiled: Compiled[];
}

export function compileScorer(model: ScorecardModel): Scorer {
  const compiled = model.characteristics.map((c) => {
    const ranges = c.bins
      .map((b, index) => ({ b, index }))
      .filter((x) => !x.b.missing && c.kind === 'numeric')
      .map((x) => ({ lower: x.b.lower ?? -Infinity, index: x.index }))
      .sort((a, b) => a.lower - b.lower);
    const categories = new Map<string, number>();
    c.bins.forEach((b, index) => b.categories?.forEach((cat) => categories.set(cat, index)));
    const missing = c.bins.findIndex((b) => b.missing);
    const other = c.bins.findIndex((b) => b.other);
    return {
      c,
      ranges,
      missing: missing >= 0 ? missing : c.fallback,
      categories,
      other: other >= 0 ? other : c.fallback,
      maxPoints: Math.max(...c.bins.map((b) => b.points)),
    };
  });
  return { model, compiled };
}

function lookup(k: Compiled, cell: unknown): number {
  if (k.c.kind === 'numeric') {
    // as in training, anything that is not a finite number is missing
    const v = numberOf(cell as Cell);
    if (Number.isNaN(v)) return k.missing;
    let lo = 0;
    let hi = k.ranges.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (k.ranges[mid]!.lower <= v) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at >= 0 ? k.ranges[at]!.index : k.c.fallback;
  }
  const text = categoryOf(cell as Cell);
  if (text === null) return k.missing;
  return k.categories.get(text) ?? k.other;
}

export interface Reason {
  characteristic: string;
  bin: string;
  points: number;
  /** Points below the characteristic's best bin. */
  lost: number;
}

export interface RowScore {
  score: number;
  probability: number;
  band: string;
  reasons: Reason[];
}

/** The band of a score. */
export function bandOf(bands: readonly Band[], score: number): string {
  for (const b of bands) if (b.minScore === null || score >= b.minScore) return b.name;
  return bands[bands.length - 1]?.name ?? '';
}

/** The bin of each characteristic (in the model's order) for one row. */
export function binsOf(scorer: Scorer, get: (column: string) => unknown): number[] {
  return scorer.compiled.map((k) => lookup(k, get(k.c.name)));
}

/**
 * Scores one row from its bins (one index per characteristic, in the model's order): what
 * the points, probability, band and reasons of any row with these bins are.
 */
export function scoreBins(scorer: Scorer, bins: readonly number[], reasons = 3): RowScore {
  const m = scorer.model;
  let eta = m.intercept;
  let score = m.basePoints;
  const lost: Reason[] = [];
  scorer.compiled.forEach((k, i) => {
    const bin = k.c.bins[bins[i]!];
    if (!bin) throw new RangeError(`${k.c.name}: no bin ${bins[i]}`);
    eta += k.c.coefficient * bin.woe;
    score += bin.points;
    if (reasons > 0 && bin.points < k.maxPoints)
      lost.push({
        characteristic: k.c.name,
        bin: bin.label,
        points: bin.points,
        lost: k.maxPoints - bin.points,
      });
  });
  lost.sort((a, b) => b.lost - a.lost || cmp(a.characteristic, b.characteristic));
  return {
    score,
    probability: sigmoid(eta),
    band: bandOf(m.bands, score),
    reasons: lost.slice(0, reasons),
  };
}

/** Scores one row, given a way to read its cells by column. */
export function scoreRow(scorer: Scorer, get: (column: string) => unknown, reasons = 3): RowScore {
  return scoreBins(scorer, binsOf(scorer, get), reasons);
}

/** Scores every row of a table (its derived features computed first). */
export function scoreRows(
  scorer: Scorer,
  table: Table,
): { scores: Float64Array; probabilities: Float64Array; bands: string[] } {
  const t = scorer.model.features ? deriveFeaturesOnce(table, scorer.model.features) : table;
  const scores = new Float64Array(t.rows);
  const probabilities = new Float64Array(t.rows);
  const bands: string[] = new Array(t.rows);
  for (let i = 0; i < t.rows; i++) {
    const r = scoreRow(scorer, (c) => t.cell(c, i), 0);
    scores[i] = r.score;
    probabilities[i] = r.probability;
    bands[i] = r.band;
  }
  return { scores, probabilities, bands };
}

/** Tables that already carry the derived columns are used as they are. */
export function deriveFeaturesOnce(table: Table, spec: FeatureSpec): Table {
  return spec.features.every((f) => table.columns.includes(f.name))
    ? table
    : deriveFeatures(table, spec);
}
