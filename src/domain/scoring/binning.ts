/**
 * Binning of one characteristic against a binary target: fine classing, then the optimal
 * merge into few coarse bins, with the weight of evidence and information value of each.
 *
 * - Numeric: fine classes of about equal frequency (or one per distinct value when there are
 *   few). The coarse bins are the partition of the fine classes that maximises the information
 *   value, found exactly by dynamic programming, under a minimum bin size, a maximum number of
 *   bins and a shape of the event rate: ascending or descending when the data supports it;
 *   one turn (peak or valley) only when that carries clearly more information (`turnGain`).
 * - Categorical: categories below a minimum share are pooled into "other"; the rest, ordered
 *   by event rate, are grouped by the same search (so groups are runs of similar rates).
 * - Missing values (NaN, null) are a bin of their own, whatever their number.
 *
 * WoE = ln(share of non-events / share of events): a positive WoE is safer than the average.
 * IV = Σ (share of non-events − share of events) · WoE. A count of zero is smoothed by 0.5.
 */
import { numberOf, type Column } from './table.ts';

export interface BinningOptions {
  /** Most coarse bins, not counting the missing bin. */
  maxBins: number;
  /** Smallest coarse bin, as a share of the rows with a value (0.05 = 5 %). */
  minBinShare: number;
  /** Fine classes before merging. */
  fineBins: number;
  /** Categories with fewer rows than this share are pooled as "other". */
  minCategoryShare: number;
  /** The event rate's shape for numeric characteristics. */
  trend: 'auto' | 'ascending' | 'descending' | 'monotonic' | 'none';
  /** How much more information (relative) a turn must carry to be taken over a monotonic trend. */
  turnGain: number;
}

export const DEFAULT_BINNING: BinningOptions = {
  maxBins: 10,
  minBinShare: 0.02,
  fineBins: 20,
  minCategoryShare: 0.004,
  trend: 'auto',
  turnGain: 0.1,
};

export type Trend = 'ascending' | 'descending' | 'peak' | 'valley' | 'none';

export interface Bin {
  /** How the bin reads: `[-1, 2)`, `< 5000`, `≥ 2`, `{1, 3}`, `missing`, `other`. */
  label: string;
  /** Numeric bins: values v with lower ≤ v < upper (null is unbounded). */
  lower?: number | null;
  upper?: number | null;
  /** Categorical bins: the categories. */
  categories?: string[];
  /** The bin of the missing values. */
  missing?: boolean;
  /** Holds the pooled rare categories (and takes categories never seen in training). */
  other?: boolean;
  count: number;
  events: number;
  eventRate: number;
  woe: number;
  iv: number;
}

export interface Binning {
  name: string;
  kind: 'numeric' | 'categorical';
  /** The shape of the event rate over the numeric bins (categorical: 'ascending' by design). */
  trend: Trend;
  bins: Bin[];
  /** The characteristic's information value. */
  iv: number;
  /**
   * The bin for values training never saw: missing values when there was no missing bin, and
   * new categories when there was no "other" bin. The riskiest bin, to err on the safe side.
   */
  fallback: number;
}

interface Fine {
  /** Numeric: the fine class's smallest value. */
  start?: number;
  /** Categorical: its categories. */
  categories?: string[];
  other?: boolean;
  goods: number;
  bads: number;
}

/** WoE and IV of a bin, given the totals. */
export function woeOf(
  goods: number,
  bads: number,
  totalGoods: number,
  totalBads: number,
): { woe: number; iv: number } {
  const g = goods === 0 || bads === 0 ? goods + 0.5 : goods;
  const b = goods === 0 || bads === 0 ? bads + 0.5 : bads;
  const pg = g / totalGoods;
  const pb = b / totalBads;
  const woe = Math.log(pg / pb);
  return { woe, iv: (pg - pb) * woe };
}

/** Bins a column against labels (1 event, 0 non-event). */
export function binColumn(
  column: Column,
  labels: ArrayLike<number>,
  options: Partial<BinningOptions> = {},
): Binning {
  const o = { ...DEFAULT_BINNING, ...options };
  if (column.values.length !== labels.length)
    throw new RangeError(
      `column ${column.name} has ${column.values.length} values for ${labels.length} labels`,
    );
  let totalGoods = 0;
  let totalBads = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) totalBads++;
    else totalGoods++;
  }
  if (totalGoods === 0 || totalBads === 0)
    throw new RangeError('binning needs both events and non-events');
  return column.kind === 'numeric'
    ? binNumeric(column.name, column.values, labels, o, totalGoods, totalBads)
    : binCategorical(column.name, column.values, labels, o, totalGoods, totalBads);
}

function binNumeric(
  name: string,
  values: Float64Array,
  labels: ArrayLike<number>,
  o: BinningOptions,
  totalGoods: number,
  totalBads: number,
): Binning {
  const idx: number[] = [];
  let missGoods = 0;
  let missBads = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]!)) {
      if (labels[i] === 1) missBads++;
      else missGoods++;
    } else idx.push(i);
  }
  idx.sort((a, b) => values[a]! - values[b]!);
  // distinct values with their counts
  const distinct: Fine[] = [];
  for (const i of idx) {
    const v = values[i]!;
    let last = distinct[distinct.length - 1];
    if (!last || last.start !== v) {
      last = { start: v, goods: 0, bads: 0 };
      distinct.push(last);
    }
    if (labels[i] === 1) last.bads++;
    else last.goods++;
  }
  const present = idx.length;
  const fine = fineClasses(distinct, present, o.fineBins);
  const minSize = Math.max(1, Math.ceil(o.minBinShare * present));
  const shapes: Trend[] =
    o.trend === 'ascending'
      ? ['ascending']
      : o.trend === 'descending'
        ? ['descending']
        : o.trend === 'monotonic'
          ? ['ascending', 'descending']
          : o.trend === 'none'
            ? ['none']
            : ['ascending', 'descending', 'peak', 'valley'];
  let best: { cuts: number[]; iv: number; trend: Trend } | undefined;
  let bestMono: typeof best;
  let bestTurn: typeof best;
  for (const shape of shapes) {
    const r = optimalMerge(fine, o.maxBins, minSize, shape, totalGoods, totalBads);
    if (!r) continue;
    const cand = { cuts: r.cuts, iv: r.iv, trend: shape };
    if (shape === 'peak' || shape === 'valley') {
      if (!bestTurn || cand.iv > bestTurn.iv) bestTurn = cand;
    } else if (!bestMono || cand.iv > bestMono.iv) bestMono = cand;
  }
  best = bestMono;
  if (bestTurn && (!best || bestTurn.iv > best.iv * (1 + o.turnGain))) best = bestTurn;
  const cuts = best?.cuts ?? [0, fine.length];
  const trend: Trend = best && cuts.length > 2 ? best.trend : 'none';

  const bins: Bin[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const from = cuts[k]!;
    const to = cuts[k + 1]!;
    let goods = 0;
    let bads = 0;
    for (let f = from; f < to; f++) {
      goods += fine[f]!.goods;
      bads += fine[f]!.bads;
    }
    const lower = k === 0 ? null : fine[from]!.start!;
    const upper = k + 2 === cuts.length ? null : fine[to]!.start!;
    bins.push(
      makeBin(intervalLabel(lower, upper), goods, bads, totalGoods, totalBads, { lower, upper }),
    );
  }
  if (bins.length === 0)
    bins.push(makeBin('all', 0, 0, totalGoods, totalBads, { lower: null, upper: null }));
  if (missGoods + missBads > 0)
    bins.push(makeBin('missing', missGoods, missBads, totalGoods, totalBads, { missing: true }));
  return finish(name, 'numeric', trend, bins);
}

/** Equal-frequency fine classes over distinct values (one per value when there are few). */
function fineClasses(distinct: Fine[], present: number, fineBins: number): Fine[] {
  if (distinct.length <= fineBins) return distinct.map((d) => ({ ...d }));
  const out: Fine[] = [];
  const target = present / fineBins;
  let cur: Fine | undefined;
  let seen = 0;
  let boundary = target;
  for (const d of distinct) {
    if (!cur) cur = { start: d.start!, goods: 0, bads: 0 };
    cur.goods += d.goods;
    cur.bads += d.bads;
    seen += d.goods + d.bads;
    if (seen >= boundary) {
      out.push(cur);
      cur = undefined;
      while (boundary <= seen) boundary += target;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * The partition of `fine` (in order) into at most `maxBins` runs of at least `minSize` rows
 * that maximises the IV, with event rates that follow `shape`. Returns cut indices
 * (0 = c0 < c1 < … < ck = fine.length) or undefined when no partition qualifies.
 * Exact: dynamic programming over (last bin, phase of the shape).
 */
export function optimalMerge(
  fine: readonly { goods: number; bads: number }[],
  maxBins: number,
  minSize: number,
  shape: Trend,
  totalGoods: number,
  totalBads: number,
): { cuts: number[]; iv: number } | undefined {
  const K = fine.length;
  if (K === 0) return undefined;
  const cg = new Float64Array(K + 1);
  const cb = new Float64Array(K + 1);
  for (let i = 0; i < K; i++) {
    cg[i + 1] = cg[i]! + fine[i]!.goods;
    cb[i + 1] = cb[i]! + fine[i]!.bads;
  }
  const size = (i: number, j: number) => cg[j]! - cg[i]! + cb[j]! - cb[i]!;
  const rate = (i: number, j: number) => (cb[j]! - cb[i]!) / size(i, j);
  const iv = (i: number, j: number) =>
    woeOf(cg[j]! - cg[i]!, cb[j]! - cb[i]!, totalGoods, totalBads).iv;
  // phases: [first direction, second direction]; monotonic shapes never switch.
  const dirs: [number, number] =
    shape === 'ascending'
      ? [1, 1]
      : shape === 'descending'
        ? [-1, -1]
        : shape === 'peak'
          ? [1, -1]
          : shape === 'valley'
            ? [-1, 1]
            : [0, 0];
  const turns = shape === 'peak' || shape === 'valley';
  const P = turns ? 2 : 1;
  // f[m][p][i*(K+1)+j]: best IV of [0, j) in m bins, the last [i, j), in phase p.
  const W = K + 1;
  const NEG = -Infinity;
  const f: Float64Array[][] = [];
  const from: Int32Array[][] = [];
  const fromPhase: Int8Array[][] = [];
  for (let m = 0; m <= maxBins; m++) {
    f.push(Array.from({ length: P }, () => new Float64Array(W * W).fill(NEG)));
    from.push(Array.from({ length: P }, () => new Int32Array(W * W).fill(-1)));
    fromPhase.push(Array.from({ length: P }, () => new Int8Array(W * W)));
  }
  const follows = (dir: number, prev: number, next: number) =>
    dir === 0 ? true : dir > 0 ? next > prev : next < prev;
  for (let j = 1; j <= K; j++) if (size(0, j) >= minSize) f[1]![0]![j]! = iv(0, j);
  for (let m = 2; m <= maxBins; m++) {
    for (let j = 1; j <= K; j++) {
      for (let i = 1; i < j; i++) {
        if (size(i, j) < minSize) continue;
        const r = rate(i, j);
        const gain = iv(i, j);
        for (let q = 0; q < P; q++) {
          let bestV = NEG;
          let bestH = -1;
          let bestP = 0;
          for (let p = 0; p <= q; p++) {
            // staying in phase q: the rate follows dirs[q]; switching from p=0 to q=1: dirs[1]
            const dir = dirs[q]!;
            const prev = f[m - 1]![p]!;
            for (let h = 0; h < i; h++) {
              const v = prev[h * W + i]!;
              if (v === NEG) continue;
              // a turn needs a rise (peak) or a fall (valley) before it: two bins in phase 0
              if (p === 0 && q === 1 && h === 0) continue;
              if (!follows(dir, rate(h, i), r)) continue;
              if (v > bestV) {
                bestV = v;
                bestH = h;
                bestP = p;
              }
            }
          }
          if (bestH >= 0) {
            f[m]![q]![i * W + j] = bestV + gain;
            from[m]![q]![i * W + j] = bestH;
            fromPhase[m]![q]![i * W + j] = bestP;
          }
        }
      }
    }
  }
  let best = NEG;
  let at: [number, number, number] | undefined;
  for (let m = 1; m <= maxBins; m++)
    for (let q = 0; q < P; q++) {
      // a turning shape must have turned (otherwise it is a monotonic one)
      if (turns && q === 0) continue;
      for (let i = 0; i < K; i++) {
        const v = f[m]![q]![i * W + K]!;
        if (v > best + 1e-12) {
          best = v;
          at = [m, q, i];
        }
      }
    }
  if (!at) return undefined;
  const cuts = [K];
  let [m, q, i] = at;
  let j = K;
  while (m >= 1) {
    cuts.push(i);
    if (m === 1) break;
    const h = from[m]![q]![i * W + j]!;
    const p = fromPhase[m]![q]![i * W + j]!;
    j = i;
    i = h;
    q = p;
    m--;
  }
  cuts.reverse();
  return { cuts, iv: best };
}

function binCategorical(
  name: string,
  values: (string | null)[],
  labels: ArrayLike<number>,
  o: BinningOptions,
  totalGoods: number,
  totalBads: number,
): Binning {
  const counts = new Map<string, { goods: number; bads: number }>();
  let missGoods = 0;
  let missBads = 0;
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const bad = labels[i] === 1;
    if (v === null || v === undefined) {
      if (bad) missBads++;
      else missGoods++;
      continue;
    }
    present++;
    let c = counts.get(v);
    if (!c) counts.set(v, (c = { goods: 0, bads: 0 }));
    if (bad) c.bads++;
    else c.goods++;
  }
  const rare = Math.max(1, o.minCategoryShare * present);
  const fine: Fine[] = [];
  const other: Fine = { categories: [], other: true, goods: 0, bads: 0 };
  for (const [cat, c] of [...counts.entries()].sort((a, b) => compareText(a[0], b[0]))) {
    if (c.goods + c.bads < rare) {
      other.categories!.push(cat);
      other.goods += c.goods;
      other.bads += c.bads;
    } else fine.push({ categories: [cat], goods: c.goods, bads: c.bads });
  }
  if (other.categories!.length > 0) fine.push(other);
  const rateOf = (x: Fine) => (x.bads + 0.5) / (x.goods + x.bads + 1);
  fine.sort((a, b) => rateOf(a) - rateOf(b) || compareText(a.categories![0]!, b.categories![0]!));
  const minSize = Math.max(1, Math.ceil(o.minBinShare * present));
  const r =
    optimalMerge(fine, o.maxBins, minSize, 'none', totalGoods, totalBads) ??
    (fine.length > 0 ? { cuts: [0, fine.length], iv: 0 } : undefined);
  const bins: Bin[] = [];
  if (r) {
    for (let k = 0; k + 1 < r.cuts.length; k++) {
      const part = fine.slice(r.cuts[k], r.cuts[k + 1]);
      const cats = part.flatMap((p) => p.categories!).sort(compareText);
      const isOther = part.some((p) => p.other);
      const goods = part.reduce((s, p) => s + p.goods, 0);
      const bads = part.reduce((s, p) => s + p.bads, 0);
      const label = categoriesLabel(part);
      bins.push(
        makeBin(label, goods, bads, totalGoods, totalBads, {
          categories: cats,
          ...(isOther ? { other: true } : {}),
        }),
      );
    }
  }
  if (missGoods + missBads > 0)
    bins.push(makeBin('missing', missGoods, missBads, totalGoods, totalBads, { missing: true }));
  return finish(name, 'categorical', 'ascending', bins);
}

function categoriesLabel(part: Fine[]): string {
  const named = part
    .filter((p) => !p.other)
    .flatMap((p) => p.categories!)
    .sort(compareText);
  const hasOther = part.some((p) => p.other);
  const shown = named.length > 6 ? [...named.slice(0, 6), `… ${named.length - 6} more`] : named;
  const parts = hasOther ? [...shown, 'other'] : shown;
  return parts.length === 1 && hasOther ? 'other' : `{${parts.join(', ')}}`;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function makeBin(
  label: string,
  goods: number,
  bads: number,
  totalGoods: number,
  totalBads: number,
  extra: Partial<Bin>,
): Bin {
  const { woe, iv } =
    goods + bads === 0 ? { woe: 0, iv: 0 } : woeOf(goods, bads, totalGoods, totalBads);
  return {
    label,
    ...extra,
    count: goods + bads,
    events: bads,
    eventRate: goods + bads === 0 ? 0 : bads / (goods + bads),
    woe,
    iv,
  };
}

function finish(name: string, kind: Binning['kind'], trend: Trend, bins: Bin[]): Binning {
  let fallback = 0;
  for (let k = 1; k < bins.length; k++) if (bins[k]!.woe < bins[fallback]!.woe) fallback = k;
  const iv = bins.reduce((s, b) => s + b.iv, 0);
  return { name, kind, trend, bins, iv, fallback };
}

function intervalLabel(lower: number | null, upper: number | null): string {
  if (lower === null && upper === null) return 'all';
  if (lower === null) return `< ${fmt(upper!)}`;
  if (upper === null) return `≥ ${fmt(lower)}`;
  return `[${fmt(lower)}, ${fmt(upper)})`;
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6))));

/** The bin a value falls into (numbers for numeric characteristics, text for categorical). */
export function binOf(binning: Binning, value: number | string | null): number {
  const { bins } = binning;
  if (binning.kind === 'numeric') {
    const v = typeof value === 'number' ? value : value === null ? NaN : numberOf(value);
    if (!Number.isFinite(v)) {
      const m = bins.findIndex((b) => b.missing);
      return m >= 0 ? m : binning.fallback;
    }
    for (let k = 0; k < bins.length; k++) {
      const b = bins[k]!;
      if (b.missing) continue;
      if (
        (b.lower === null || b.lower === undefined || v >= b.lower) &&
        (b.upper === null || b.upper === undefined || v < b.upper)
      )
        return k;
    }
    return binning.fallback;
  }
  if (value === null) {
    const m = bins.findIndex((b) => b.missing);
    return m >= 0 ? m : binning.fallback;
  }
  const text = String(value);
  const k = bins.findIndex((b) => b.categories?.includes(text));
  if (k >= 0) return k;
  const other = bins.findIndex((b) => b.other);
  return other >= 0 ? other : binning.fallback;
}
