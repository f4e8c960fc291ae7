/**
 * Roll rates and cure rates: where the accounts of each bucket at one month-end stood at the
 * next. The storage counts the pairs (bucket at month-end m, bucket at month-end m + 1) with
 * the balance at m; these functions turn the counts into the matrix and the rates.
 */
import { addMonths, type LocalDate } from '../time/date.ts';

/** The last day of the month of `date`. */
export const monthEnd = (date: LocalDate): LocalDate => addMonths(date, 0, 31);

/** The `count` month-ends before the month of `date`, oldest first (`date`'s month excluded). */
export function monthEndsBefore(date: LocalDate, count: number): LocalDate[] {
  const out: LocalDate[] = [];
  for (let k = count; k >= 1; k--) out.push(monthEnd(addMonths(`${date.slice(0, 7)}-01`, -k)));
  return out;
}

/** Accounts that were in `from` at `start` and in `to` at `end`, with their balance at `start`. */
export interface PairCount {
  start: LocalDate;
  end: LocalDate;
  product: string;
  currency: string;
  from: string;
  to: string;
  accounts: number;
  /** Outstanding at `start`, minor units of `currency`. */
  balanceMinor: number;
}

/** Minor units per currency. */
export type Amounts = Record<string, number>;

export interface RollCell {
  to: string;
  accounts: number;
  /** accounts ÷ the row's accounts. */
  rate: number;
  balances: Amounts;
  /** Per currency: balance ÷ the row's balance in that currency (absent when that is 0). */
  balanceRates: Record<string, number>;
}

export interface RollRow {
  from: string;
  accounts: number;
  balances: Amounts;
  /** Every bucket of the order, in order (zero cells included). */
  cells: RollCell[];
  /** Share that moved to a later bucket of the order. */
  rollForwardRate: number;
  /** Share that moved to an earlier bucket. */
  rollBackRate: number;
}

export interface RollMatrix {
  start: LocalDate;
  end: LocalDate;
  accounts: number;
  /** One row per bucket of the order with accounts at `start`. */
  rows: RollRow[];
}

const add = (a: Amounts, currency: string, minor: number) => {
  a[currency] = (a[currency] ?? 0) + minor;
};

const ratios = (part: Amounts, whole: Amounts): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [c, v] of Object.entries(whole)) if (v > 0) out[c] = (part[c] ?? 0) / v;
  return out;
};

/**
 * The roll-rate matrix of each period (start, end), oldest first. `order` lists the buckets from
 * the best to the worst; a bucket met in the counts but missing from it goes last.
 */
export function rollRateMatrices(
  counts: readonly PairCount[],
  order: readonly string[],
): RollMatrix[] {
  const periods = new Map<string, PairCount[]>();
  for (const c of counts) {
    const k = `${c.start}|${c.end}`;
    const g = periods.get(k);
    if (g) g.push(c);
    else periods.set(k, [c]);
  }
  const buckets = [...order];
  for (const c of counts) for (const b of [c.from, c.to]) if (!buckets.includes(b)) buckets.push(b);
  const rank = new Map(buckets.map((b, i) => [b, i]));
  return [...periods.keys()].sort().map((k) => {
    const group = periods.get(k)!;
    const rows: RollRow[] = [];
    for (const from of buckets) {
      const mine = group.filter((c) => c.from === from);
      const accounts = mine.reduce((s, c) => s + c.accounts, 0);
      if (accounts === 0) continue;
      const balances: Amounts = {};
      for (const c of mine) add(balances, c.currency, c.balanceMinor);
      const cells = buckets.map((to): RollCell => {
        const into = mine.filter((c) => c.to === to);
        const n = into.reduce((s, c) => s + c.accounts, 0);
        const b: Amounts = {};
        for (const c of into) add(b, c.currency, c.balanceMinor);
        return {
          to,
          accounts: n,
          rate: n / accounts,
          balances: b,
          balanceRates: ratios(b, balances),
        };
      });
      const moved = (better: boolean) =>
        mine
          .filter((c) =>
            better ? rank.get(c.to)! < rank.get(from)! : rank.get(c.to)! > rank.get(from)!,
          )
          .reduce((s, c) => s + c.accounts, 0) / accounts;
      rows.push({
        from,
        accounts,
        balances,
        cells,
        rollForwardRate: moved(false),
        rollBackRate: moved(true),
      });
    }
    return {
      start: group[0]!.start,
      end: group[0]!.end,
      accounts: rows.reduce((s, r) => s + r.accounts, 0),
      rows,
    };
  });
}

export interface CureRate {
  bucket: string;
  /** Accounts in the bucket at the start of the period. */
  accounts: number;
  /** Of those, current at its end. */
  cured: number;
  rate: number;
  balances: Amounts;
  curedBalances: Amounts;
}

export interface CurePeriod {
  start: LocalDate;
  end: LocalDate;
  /** Every delinquent bucket with accounts at the start, in the order. */
  buckets: CureRate[];
  /** All delinquent accounts together; null rate when none was delinquent. */
  total: { accounts: number; cured: number; rate: number | null };
}

/**
 * Cure rates per period: of the accounts delinquent (not current) at the start, the share
 * current at the end, per starting bucket and in all. `isCurrent(product, bucket)` says which
 * bucket is current for a product (the one that holds 0 days past due).
 */
export function cureRates(
  counts: readonly PairCount[],
  order: readonly string[],
  isCurrent: (product: string, bucket: string) => boolean,
): CurePeriod[] {
  const delinquent = counts.filter((c) => !isCurrent(c.product, c.from));
  const periods = [...new Set(counts.map((c) => `${c.start}|${c.end}`))].sort();
  const buckets = [...order];
  for (const c of delinquent) if (!buckets.includes(c.from)) buckets.push(c.from);
  return periods.map((k) => {
    const [start, end] = k.split('|') as [LocalDate, LocalDate];
    const mine = delinquent.filter((c) => c.start === start && c.end === end);
    const rows: CureRate[] = [];
    for (const bucket of buckets) {
      const from = mine.filter((c) => c.from === bucket);
      const accounts = from.reduce((s, c) => s + c.accounts, 0);
      if (accounts === 0) continue;
      const cured = from.filter((c) => isCurrent(c.product, c.to));
      const balances: Amounts = {};
      const curedBalances: Amounts = {};
      for (const c of from) add(balances, c.currency, c.balanceMinor);
      for (const c of cured) add(curedBalances, c.currency, c.balanceMinor);
      const n = cured.reduce((s, c) => s + c.accounts, 0);
      rows.push({ bucket, accounts, cured: n, rate: n / accounts, balances, curedBalances });
    }
    const accounts = rows.reduce((s, r) => s + r.accounts, 0);
    const cured = rows.reduce((s, r) => s + r.cured, 0);
    return {
      start,
      end,
      buckets: rows,
      total: { accounts, cured, rate: accounts > 0 ? cured / accounts : null },
    };
  });
}
