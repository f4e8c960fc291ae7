/**
 * Recovery curves: for the accounts that entered delinquency in a month (the cohort), the
 * cumulative amount collected after entry as a share of their balance at entry, by months
 * since entry.
 */
import { addMonths, type LocalDate } from '../time/date.ts';
import { monthEnd } from './rolls.ts';

/** One cohort's accounts in one currency and their balance at entry (minor units). */
export interface CohortEntry {
  /** The entry month, YYYY-MM. */
  cohort: string;
  currency: string;
  accounts: number;
  balanceMinor: number;
}

/** What the cohort paid in calendar month `cohort + monthsSinceEntry` (after the entry day). */
export interface CohortCollection {
  cohort: string;
  currency: string;
  monthsSinceEntry: number;
  collectedMinor: number;
}

export interface RecoveryPoint {
  monthsSinceEntry: number;
  /** The month-end the point is measured at (or `asOf` for the month under way). */
  through: LocalDate;
  /** Cumulative, minor units. */
  collectedMinor: number;
  /** collected ÷ balance at entry; null when the balance is 0. */
  rate: number | null;
  /** True for the month under way (not yet ended on `asOf`). */
  partial: boolean;
}

export interface RecoveryCurve {
  cohort: string;
  currency: string;
  accounts: number;
  balanceMinor: number;
  points: RecoveryPoint[];
}

/**
 * The curves of each cohort and currency, newest cohort first; each curve has a point for every
 * month from the entry month up to the month of `asOf` (that last one partial unless `asOf` is
 * its month-end).
 */
export function recoveryCurves(
  entries: readonly CohortEntry[],
  collections: readonly CohortCollection[],
  asOf: LocalDate,
): RecoveryCurve[] {
  const paid = new Map<string, number>();
  for (const c of collections) {
    const k = `${c.cohort}|${c.currency}|${c.monthsSinceEntry}`;
    paid.set(k, (paid.get(k) ?? 0) + c.collectedMinor);
  }
  return [...entries]
    .sort((a, b) =>
      a.cohort !== b.cohort ? (a.cohort < b.cohort ? 1 : -1) : a.currency < b.currency ? -1 : 1,
    )
    .map((e) => {
      const points: RecoveryPoint[] = [];
      let cumulative = 0;
      for (let k = 0; ; k++) {
        const end = monthEnd(addMonths(`${e.cohort}-01`, k));
        const first = addMonths(`${e.cohort}-01`, k);
        if (first > asOf) break;
        cumulative += paid.get(`${e.cohort}|${e.currency}|${k}`) ?? 0;
        points.push({
          monthsSinceEntry: k,
          through: end <= asOf ? end : asOf,
          collectedMinor: cumulative,
          rate: e.balanceMinor > 0 ? cumulative / e.balanceMinor : null,
          partial: end > asOf,
        });
      }
      return { ...e, points };
    });
}
