/** What the overview reads: the portfolio's daily snapshots and the day's work, aggregated. */
import type { LocalDate } from '../../domain/time/date.ts';

export interface SnapshotRow {
  asOf: LocalDate;
  product: string;
  currency: string;
  bucket: string;
  accounts: number;
  /** minor units */
  outstanding: number;
  arrears: number;
}

export interface DayWork {
  /** Actions the strategies planned for the day, by channel and status. */
  actions: { channel: string; status: string; count: number }[];
  /** Contacts of the day by channel and state. */
  dispatches: { channel: string; state: string; count: number }[];
  /** Payments received on the day by currency (minor units). */
  payments: { currency: string; count: number; amount: number }[];
  /** Promises to pay taken on the day by currency. */
  promises: { currency: string; count: number; amount: number }[];
  /** Calls and visits finished on the day by outcome. */
  outcomes: { kind: string; outcome: string; count: number }[];
}

export interface OverviewReader {
  lastCycled(): Promise<LocalDate | null>;
  /** Snapshot rows of one day, and daily totals by currency over a range. */
  snapshotsOn(day: LocalDate): Promise<SnapshotRow[]>;
  dailyTotals(
    from: LocalDate,
    to: LocalDate,
  ): Promise<
    {
      asOf: LocalDate;
      currency: string;
      accounts: number;
      delinquent: number;
      outstanding: number;
      arrears: number;
    }[]
  >;
  dayWork(day: LocalDate): Promise<DayWork>;
}
