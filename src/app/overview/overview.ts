/**
 * The morning overview: the portfolio by bucket and product on the last cycled day, its trend,
 * and the day's actions and results. Everything is aggregated in the store; nothing here walks
 * accounts.
 */
import { addDays, type LocalDate } from '../../domain/time/date.ts';
import type { DayWork, OverviewReader, SnapshotRow } from './ports.ts';

export interface Overview {
  /** The last day the cycle ran (the portfolio's figures are as of it). */
  asOf: LocalDate | null;
  /** The day whose work is shown (today in the portfolio's time zone). */
  today: LocalDate;
  byBucket: Omit<SnapshotRow, 'asOf' | 'product'>[];
  byProduct: (Omit<SnapshotRow, 'asOf' | 'bucket'> & { delinquent: number })[];
  trend: Awaited<ReturnType<OverviewReader['dailyTotals']>>;
  work: DayWork;
}

export async function overview(
  reader: OverviewReader,
  today: LocalDate,
  days: number,
): Promise<Overview> {
  const asOf = await reader.lastCycled();
  const rows = asOf ? await reader.snapshotsOn(asOf) : [];
  const trend = asOf ? await reader.dailyTotals(addDays(asOf, -(days - 1)), asOf) : [];
  return {
    asOf,
    today,
    byBucket: sumBy(rows, (r) => `${r.bucket}|${r.currency}`).map((g) => ({
      bucket: g.first.bucket,
      currency: g.first.currency,
      ...g.sums,
    })),
    byProduct: sumBy(rows, (r) => `${r.product}|${r.currency}`).map((g) => ({
      product: g.first.product,
      currency: g.first.currency,
      ...g.sums,
      delinquent: g.rows.filter((r) => r.bucket !== 'current').reduce((s, r) => s + r.accounts, 0),
    })),
    trend,
    work: await reader.dayWork(today),
  };
}

function sumBy(rows: SnapshotRow[], key: (r: SnapshotRow) => string) {
  const groups = new Map<string, SnapshotRow[]>();
  for (const r of rows) {
    const k = key(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({
    first: g[0]!,
    rows: g,
    sums: {
      accounts: g.reduce((s, r) => s + r.accounts, 0),
      outstanding: g.reduce((s, r) => s + r.outstanding, 0),
      arrears: g.reduce((s, r) => s + r.arrears, 0),
    },
  }));
}
