import type { Role } from '../../domain/access/roles.ts';
import type { AuditRecord } from '../../domain/audit/chain.ts';
import type { Erasure } from '../../domain/customers/erasure.ts';
import type {
  AddressFields,
  ContactPointFields,
  FinancialFields,
  SearchTerms,
  TimelineKind,
} from '../../domain/customers/file.ts';
import type { HabitAccount } from '../../domain/customers/habits.ts';
import type { PromiseRecord } from '../../domain/promises/rates.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { Product } from '../../domain/ledger/types.ts';

export type { SearchTerms };

/** A customer as the use cases address it: the internal id and the lender's id. */
export interface CustomerRef {
  id: number;
  ext: string;
  timezone: string;
}

export interface ContactPoint extends ContactPointFields {
  id: number;
  /** The one the channels use (the customers row's phone or email). */
  primary: boolean;
  /** Where it came from: the import, or the user who added it. */
  source: string;
  updatedAt: string;
}

export interface Address extends AddressFields {
  id: number;
  primary: boolean;
  source: string;
  updatedAt: string;
}

export interface Financials extends FinancialFields {
  updatedBy: string;
  updatedAt: string;
}

export interface Note {
  id: number;
  account: string | null;
  body: string;
  writtenBy: string;
  writtenAt: string;
}

export interface FileAccount {
  id: string;
  product: string;
  currency: string;
  principalMinor: number;
  openedOn: LocalDate;
  /** As of the last cycle; null before the account is cycled. */
  state: {
    outstandingMinor: number;
    arrearsMinor: number;
    creditMinor: number;
    pastDueDays: number;
    delinquentDays: number;
    bucket: string;
    ageing: Record<string, number>;
    nextDueDate: LocalDate | null;
    lastPaidOn: LocalDate | null;
    onHold: boolean;
  } | null;
  scores: {
    purpose: string;
    points: number;
    probability: number;
    band: string;
    reasons: string[];
    changedOn: LocalDate;
  }[];
  tier: { tier: string; purpose: string; changedOn: LocalDate } | null;
  segment: string | null;
  holds: { id: number; kind: string; from: LocalDate; to: LocalDate | null; note: string | null }[];
}

export interface StoredFile {
  id: string;
  name: string;
  language: string;
  timezone: string;
  jurisdiction: string;
  doNotContact: boolean;
  phones: ContactPoint[];
  emails: ContactPoint[];
  addresses: Address[];
  financials: Financials | null;
  accounts: FileAccount[];
  tags: string[];
  notes: Note[];
  /** The opt-outs in force: a channel, for one number or address (null: the whole channel). */
  optOuts: { channel: string; recipient: string | null; since: string; source: string }[];
  /** When the customer's personal data was erased on request, by whom and why (null: never). */
  erased: { at: string; by: string; reason: string } | null;
}

export interface SearchHit {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  accounts: string[];
}

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  account: string | null;
  /** Unique within the kind: the cursor's tie-break. */
  key: string;
  summary: string;
  detail: Record<string, unknown>;
}

export interface TimelineCursor {
  at: string;
  kind: string;
  key: string;
}

/** A change staff made, as the timeline shows it. */
export interface Change {
  at: Date;
  actor: string;
  role: Role;
  subject: 'contact_point' | 'address' | 'financials' | 'tag' | 'note';
  /** Null on an addition: the store fills in the new row's id. */
  subjectId: string | null;
  action: 'added' | 'changed' | 'removed';
  before: unknown;
  after: unknown;
}

/** Opting a number or address out of channels, as the contact rules read it. */
export interface OptOut {
  channels: readonly string[];
  value: string;
  since: Date;
  source: string;
}

/** An account's history for the habits; the ledger policy of its product completes it. */
export type HabitAccountData = Omit<HabitAccount, 'waterfall' | 'arrearsTolerance'> & {
  product: Product;
};

export interface HabitData {
  accounts: HabitAccountData[];
  promises: PromiseRecord[];
}

export interface CustomerStore {
  ref(ext: string): Promise<CustomerRef | null>;
  /** The file; a customer's imported phone, email and address become its primary points. */
  file(ref: CustomerRef, now: Date): Promise<StoredFile>;
  /** `within`: only the customers behind this collector's or field agent's work. */
  search(
    terms: SearchTerms,
    after: string | undefined,
    limit: number,
    within?: string,
  ): Promise<SearchHit[]>;
  timeline(
    ref: CustomerRef,
    kinds: readonly TimelineKind[],
    before: TimelineCursor | null,
    limit: number,
  ): Promise<TimelineEntry[]>;
  habitData(ref: CustomerRef): Promise<HabitData>;
  recordView(
    ref: CustomerRef,
    at: Date,
    actor: string,
    role: Role,
    view: string,
    fields: readonly string[],
  ): Promise<void>;

  contactPoints(ref: CustomerRef): Promise<ContactPoint[]>;
  /** Null when the customer already has this number or address. */
  insertContactPoint(
    ref: CustomerRef,
    fields: ContactPointFields,
    primary: boolean,
    change: Change,
    optOut: OptOut | null,
  ): Promise<ContactPoint | null>;
  updateContactPoint(
    ref: CustomerRef,
    id: number,
    fields: ContactPointFields,
    primary: boolean,
    change: Change,
    optOut: OptOut | null,
  ): Promise<ContactPoint | null>;
  deleteContactPoint(ref: CustomerRef, id: number, change: Change): Promise<void>;

  addresses(ref: CustomerRef): Promise<Address[]>;
  insertAddress(
    ref: CustomerRef,
    fields: AddressFields,
    primary: boolean,
    change: Change,
  ): Promise<Address | null>;
  updateAddress(
    ref: CustomerRef,
    id: number,
    fields: AddressFields,
    primary: boolean,
    change: Change,
  ): Promise<Address | null>;
  deleteAddress(ref: CustomerRef, id: number, change: Change): Promise<void>;

  financials(ref: CustomerRef): Promise<Financials | null>;
  saveFinancials(ref: CustomerRef, fields: FinancialFields, change: Change): Promise<Financials>;

  /** False when the customer already has the tag (nothing is recorded). */
  addTag(ref: CustomerRef, tag: string, change: Change): Promise<boolean>;
  /** False when the customer does not have it. */
  removeTag(ref: CustomerRef, tag: string, change: Change): Promise<boolean>;

  /** The account's internal id when it is one of the customer's. */
  accountOf(ref: CustomerRef, accountExt: string): Promise<number | null>;
  addNote(ref: CustomerRef, accountId: number | null, body: string, change: Change): Promise<Note>;
  note(ref: CustomerRef, id: number): Promise<Note | null>;
  removeNote(ref: CustomerRef, id: number, change: Change): Promise<void>;
}

/** The outcome of applying an erasure to the stored data, in one transaction. */
export interface ErasureResult {
  /** Whether this call recorded the erasure (false: it was recorded before). */
  recorded: boolean;
  /** Whether the customer is in the database (a list read back may name one that is not). */
  present: boolean;
  /** Rows replaced, deleted, blocked or added (0: nothing left to erase). */
  rowsChanged: number;
}

/** The erasure of customers' personal data, and the list of erasures made. */
export interface ErasureStore {
  /** The lender's id of the customer with this lender's id or, failing that, this internal id. */
  externalIdOf(idOrExt: string): Promise<string | null>;
  erasure(ext: string): Promise<Erasure | null>;
  /** Every recorded erasure, oldest first. */
  erasures(): Promise<Erasure[]>;
  /**
   * In one transaction: records the erasure (`first`: only if it is not recorded yet, and then
   * nothing else is done when it was), at `at` replaces and deletes the customer's personal data, stops
   * contact, and appends the audit record `audit` makes of the rows changed (none for null).
   */
  apply(
    e: Erasure,
    first: boolean,
    at: Date,
    audit: (rowsChanged: number) => AuditRecord | null,
  ): Promise<ErasureResult>;
}
