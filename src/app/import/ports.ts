import type { ImportReport } from './import-portfolio.ts';
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

export interface StagedRows {
  customers: CustomerRow;
  accounts: AccountRow;
  instalments: InstalmentRow;
  payments: PaymentRow;
  holds: HoldRow;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface Duplicate {
  file: ImportFile;
  line: number;
  firstLine: number;
  key: string;
}

/**
 * One import, in one transaction: valid rows are staged as they are read, then merged into the
 * ledger at once. If the session's function throws, nothing is written.
 */
export interface ImportSession {
  /** The time zone of each of these customers that is stored. */
  customerZones(ids: readonly string[]): Promise<Map<string, string>>;
  /** Currency and time zone of each of these accounts that is stored. */
  accountFacts(ids: readonly string[]): Promise<Map<string, AccountFacts>>;
  /** Stages valid rows; `lines[i]` is the file line of `rows[i]`. */
  stage<F extends ImportFile>(
    file: F,
    rows: readonly StagedRows[F][],
    lines: readonly number[],
  ): Promise<void>;
  /** Rows whose key repeats an earlier row of the same file. */
  duplicates(): Promise<Duplicate[]>;
  /** Drops the repeated rows, keeping the first of each key. */
  dropDuplicates(): Promise<void>;
  /**
   * Drops the staged customers whose personal data was erased on request and whose row brings
   * some again (a name other than "[erased]", a phone, email, address or coordinates).
   */
  dropErased(): Promise<{ line: number; key: string; erasedAt: string }[]>;
  /** Inserts new rows and updates changed ones, keyed by external ids. */
  merge(): Promise<Record<ImportFile, WriteCounts>>;
  /** Keeps the report of the recorded import, in its transaction (nothing without a run). */
  recordReport(report: ImportReport): Promise<void>;
}

/** An import recorded under an id: where its files came from, and its report once it ended. */
export interface ImportRun {
  id: string;
  folder: string;
  report: ImportReport | null;
}

/** The recorded import `id` committed before this session could start: it is not redone. */
export class ImportAlreadyRun extends Error {
  constructor(readonly id: string) {
    super(`import ${id} has already run`);
  }
}

export interface ImportStore {
  /**
   * One transaction. With `run`, the import is recorded under its id in that transaction (a
   * session of an id already committed throws ImportAlreadyRun; one of an id being imported
   * waits for it), and `ImportSession.recordReport` keeps its report.
   */
  session<T>(
    fn: (s: ImportSession) => Promise<T>,
    run?: { id: string; folder: string },
  ): Promise<T>;
  /** The recorded import, or null. */
  run(id: string): Promise<ImportRun | null>;
  /** Records the report of an import that wrote nothing (rejected), once. */
  recordRejected(run: { id: string; folder: string }, report: ImportReport): Promise<void>;
}
