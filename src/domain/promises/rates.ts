/**
 * Promise and kept rates: how many promises were made, how many of those decided were kept,
 * and how much was promised and paid, per group (a collector, a segment, or any key).
 */
import type { PromiseStatus } from './promise.ts';

export interface PromiseRecord {
  status: PromiseStatus;
  amountMinor: number;
  paidMinor: number;
  late: boolean;
}

export interface PromiseRates {
  made: number;
  open: number;
  kept: number;
  /** Of the kept, those kept after the promised date, within the grace. */
  keptLate: number;
  partiallyKept: number;
  broken: number;
  cancelled: number;
  /** Kept over decided (kept, partially kept and broken); null when none is decided. */
  keptRate: number | null;
  promisedMinor: number;
  paidMinor: number;
}

const empty = (): PromiseRates => ({
  made: 0,
  open: 0,
  kept: 0,
  keptLate: 0,
  partiallyKept: 0,
  broken: 0,
  cancelled: 0,
  keptRate: null,
  promisedMinor: 0,
  paidMinor: 0,
});

/** The rates of some promises. */
export function ratesOf(promises: Iterable<PromiseRecord>): PromiseRates {
  const r = empty();
  for (const p of promises) {
    r.made++;
    r.promisedMinor += p.amountMinor;
    r.paidMinor += p.paidMinor;
    if (p.status === 'open') r.open++;
    else if (p.status === 'kept') {
      r.kept++;
      if (p.late) r.keptLate++;
    } else if (p.status === 'partially_kept') r.partiallyKept++;
    else if (p.status === 'broken') r.broken++;
    else r.cancelled++;
  }
  const decided = r.kept + r.partiallyKept + r.broken;
  r.keptRate = decided > 0 ? r.kept / decided : null;
  return r;
}

/** The rates per group, groups in the order of their keys. */
export function ratesBy<T extends PromiseRecord>(
  promises: readonly T[],
  key: (p: T) => string,
): { key: string; rates: PromiseRates }[] {
  const groups = new Map<string, T[]>();
  for (const p of promises) {
    const k = key(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return [...groups.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => ({ key: k, rates: ratesOf(groups.get(k)!) }));
}
