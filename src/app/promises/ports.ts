import type {
  PromiseChannel,
  PromisePolicy,
  PromiseStatus,
} from '../../domain/promises/promise.ts';
import type { PromiseRecord } from '../../domain/promises/rates.ts';
import type { LocalDate } from '../../domain/time/date.ts';

/** What making a promise on an account needs to know about it. */
export interface PromiseAccount {
  id: number;
  ext: string;
  customerId: number;
  currency: string;
  timezone: string;
  /** As of the last cycle; null when the account has not been cycled yet. */
  outstandingMinor: number | null;
  /** As of the last cycle; null when the account has not been cycled yet. */
  arrearsMinor: number | null;
  hasOpenPromise: boolean;
  strategyVersionId: number | null;
  segmentId: string | null;
}

export interface NewPromiseRow {
  accountId: number;
  customerId: number;
  amountMinor: number;
  currency: string;
  promisedFor: LocalDate;
  madeOn: LocalDate;
  madeAt: Date;
  graceDays: number;
  toleranceMinor: number;
  channel: PromiseChannel;
  madeBy: string;
  strategyVersionId: number | null;
  segmentId: string | null;
  requestKey: string | null;
  notes: string | null;
}

export interface StoredPromise {
  id: number;
  account: string;
  amountMinor: number;
  currency: string;
  promisedFor: LocalDate;
  madeOn: LocalDate;
  madeAt: string;
  graceDays: number;
  toleranceMinor: number;
  channel: PromiseChannel;
  madeBy: string;
  segmentId: string | null;
  status: PromiseStatus;
  paidMinor: number;
  resolvedOn: LocalDate | null;
  late: boolean;
  cancelledBy: string | null;
  cancelReason: string | null;
  requestKey: string | null;
  notes: string | null;
}

/** A promise as the rates count it, with what they are grouped by. */
export interface PromiseRecordRow extends PromiseRecord {
  currency: string;
  madeBy: string;
  segmentId: string | null;
}

export interface PromiseFilter {
  account?: string | undefined;
  status?: PromiseStatus | undefined;
  madeBy?: string | undefined;
  /** Made on or after. */
  from?: LocalDate | undefined;
  /** Made on or before. */
  to?: LocalDate | undefined;
  /** Ids below this one (the list is newest first). */
  before?: number | undefined;
  limit: number;
}

export interface PromiseStore {
  account(ext: string): Promise<PromiseAccount | null>;
  /** Several accounts at once (the bulk import), by external id. */
  accounts(exts: readonly string[]): Promise<Map<string, PromiseAccount>>;
  byRequestKey(key: string): Promise<StoredPromise | null>;
  /** Inserts one; null when the account already has an open promise. */
  insert(row: NewPromiseRow): Promise<StoredPromise | null>;
  /** Inserts all of them in one transaction, or none (throws). */
  insertMany(rows: readonly NewPromiseRow[]): Promise<number>;
  get(id: number): Promise<StoredPromise | null>;
  /** Cancels an open promise; null when it is not open. */
  cancel(id: number, by: string, reason: string): Promise<StoredPromise | null>;
  list(filter: PromiseFilter): Promise<StoredPromise[]>;
  /** Every promise made from `from` to `to`, as the rates need them. */
  records(from: LocalDate, to: LocalDate): Promise<PromiseRecordRow[]>;
  policy(): Promise<PromisePolicy>;
  savePolicy(policy: PromisePolicy): Promise<void>;
}
