import type {
  AccountFacts,
  AccountRow,
  CsvRecord,
  CustomerRow,
  HoldRow,
  ImportFile,
  InstalmentRow,
  PaymentRow,
} from '../../domain/import/rows.ts';

export interface SourceRow {
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  record: CsvRecord;
  /** Set when the row cannot be read as a record (e.g. the wrong number of fields). */
  problem?: string;
}

/** Where import files come from (a folder of CSV files, an upload, ...). */
export interface ImportSource {
  /** The files present, among the known ones. */
  files(): Promise<ImportFile[]>;
  /** The file's name as shown in error reports. */
  label(file: ImportFile): string;
  /** Reads the file: its header, then its rows. A malformed file throws a ParseFailure. */
  open(file: ImportFile): Promise<{ header: string[]; rows: AsyncIterable<SourceRow> }>;
}

/** A file that cannot be read as CSV at all (unbalanced quote, wrong field count, ...). */
export class ParseFailure extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ValidBatch {
  customers: CustomerRow[];
  accounts: AccountRow[];
  instalments: InstalmentRow[];
  payments: PaymentRow[];
  holds: HoldRow[];
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface ImportStore {
  /** The time zone of each of these customers that exists. */
  customerZones(ids: readonly string[]): Promise<Map<string, string>>;
  /** Currency and time zone of these accounts, where they exist. */
  accountFacts(ids: readonly string[]): Promise<Map<string, AccountFacts>>;
  /** Writes the whole batch in one transaction, inserting new rows and updating changed ones. */
  write(batch: ValidBatch): Promise<Record<ImportFile, WriteCounts>>;
}
