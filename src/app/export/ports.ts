import type { LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';

export interface AccountStateRow {
  accountId: string;
  customerId: string;
  product: string;
  currency: string;
  outstanding: number;
  arrears: number;
  pastDueDays: number;
  delinquentDays: number;
  bucket: string;
  nextDueDate: string | null;
  lastPaidOn: string | null;
  onHold: boolean;
  ageing: Record<string, number>;
}

export interface StateExporter {
  /** Computes every account's state as of `asOf` and hands it to `sink` in id order, in pages. */
  statesAsOf(
    asOf: LocalDate,
    policy: LedgerPolicy,
    sink: (rows: AccountStateRow[]) => Promise<void>,
  ): Promise<number>;
}
