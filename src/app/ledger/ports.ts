import type { Hold, HoldKind, Instalment, Payment, Product } from '../../domain/ledger/types.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { CustomerRow } from '../../domain/import/rows.ts';

/** A customer as stored: the fields of an imported customer row, keyed by `id`. */
export type CustomerView = Omit<CustomerRow, 'customerId'> & { id: string };

export interface StoredState {
  asOf: LocalDate;
  outstanding: number;
  arrears: number;
  credit: number;
  pastDueDays: number;
  delinquentDays: number;
  bucket: string;
  ageing: Record<string, number>;
}

export interface AccountSummary {
  id: string;
  customerId: string;
  product: Product;
  currency: string;
  principal: number;
  openedOn: LocalDate;
  graceDays: number | null;
  state: StoredState | null;
}

export interface StoredPayment extends Payment {
  paidAt: string | null;
  source: string;
}

export interface StoredHold extends Hold {
  id: number;
  note: string | null;
}

export interface AccountRecord extends AccountSummary {
  timezone: string;
  instalments: Instalment[];
  payments: StoredPayment[];
  holds: StoredHold[];
  transitions: { date: LocalDate; from: string | null; to: string }[];
}

export interface Page<T> {
  items: T[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

export interface AccountFilter {
  bucket?: string | undefined;
  product?: Product | undefined;
  customerId?: string | undefined;
}

export interface SnapshotRow {
  asOf: LocalDate;
  product: string;
  currency: string;
  bucket: string;
  accounts: number;
  outstanding: number;
  arrears: number;
}

export interface LedgerStore {
  customer(id: string): Promise<CustomerView | null>;
  accounts(
    filter: AccountFilter,
    after: string | undefined,
    limit: number,
  ): Promise<Page<AccountSummary>>;
  account(id: string): Promise<AccountRecord | null>;
  /** What posting to an account needs: its currency and its customer's time zone. */
  accountBasics(id: string): Promise<{ currency: string; timezone: string } | null>;
  snapshots(from: LocalDate, to: LocalDate): Promise<SnapshotRow[]>;
  /** Looks a payment up by its external id. */
  payment(id: string): Promise<(StoredPayment & { accountId: string }) | null>;
  /**
   * Inserts the payment unless one with its id is stored (a unique key, not a look-up first):
   * false when it was, whoever posted it.
   */
  insertPayment(accountId: string, p: StoredPayment): Promise<boolean>;
  insertHold(accountId: string, h: Omit<StoredHold, 'id'>): Promise<StoredHold>;
  endHold(accountId: string, holdId: number, to: LocalDate): Promise<StoredHold | null>;
}

export type { HoldKind };
