/**
 * Imports customers, accounts, instalments, payments and holds from a source of CSV files.
 *
 * Every row is validated (domain/import/rows.ts) against the rows before it and what is already
 * stored; references are looked up in batches, never one row at a time. Valid rows are staged
 * as they are read, in one transaction; repeated keys are found set-wise in the staged rows.
 * With any error nothing is written, unless `skipBad` is set: then the good rows are written and
 * the bad ones reported (a row that references a rejected row is rejected too). Importing the
 * same files twice changes nothing: rows are keyed by their external ids, and only changed rows
 * are updated.
 */
import {
  IMPORT_FILES,
  validateAccount,
  validateCustomer,
  validateHeader,
  validateHold,
  validateInstalment,
  validatePayment,
  type AccountFacts,
  type CsvRecord,
  type ImportFile,
  type RowError,
  type RowResult,
} from '../../domain/import/rows.ts';
import {
  ParseFailure,
  type ImportSession,
  type ImportSource,
  type ImportStore,
  type SourceRow,
  type StagedRows,
  type WriteCounts,
} from './ports.ts';

export interface ImportIssue {
  file: string;
  line: number;
  column: string;
  reason: string;
}

export interface ImportOptions {
  skipBad?: boolean;
  /** Records the import under this id in its own transaction (see importOnce). */
  run?: { id: string; folder: string };
  /** Called after each file has been read. */
  onFile?: (file: ImportFile, rows: number) => void;
}

export interface FileReport extends Partial<WriteCounts> {
  rows: number;
  /** Rows rejected; -1 when the whole file was (bad header, not CSV). */
  rejected: number;
}

export interface ImportReport {
  status: 'imported' | 'imported_with_errors' | 'rejected';
  files: Partial<Record<ImportFile, FileReport>>;
  errors: ImportIssue[];
}

const BATCH = 20_000;

/** Key columns named in duplicate reports. */
const KEY_COLUMN: Record<ImportFile, string> = {
  customers: 'customer_id',
  accounts: 'account_id',
  instalments: 'seq',
  payments: 'payment_id',
  holds: 'from',
};

class Rejected extends Error {}

async function* batches<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let buf: T[] = [];
  for await (const r of rows) {
    buf.push(r);
    if (buf.length >= size) {
      yield buf;
      buf = [];
    }
  }
  if (buf.length > 0) yield buf;
}

const refs = (rows: SourceRow[], column: string) => [
  ...new Set(rows.map((r) => (r.record[column] ?? '').trim()).filter((id) => id !== '')),
];

type Validator<F extends ImportFile> = (rec: CsvRecord) => RowResult<StagedRows[F]>;

export async function importPortfolio(
  source: ImportSource,
  store: ImportStore,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const present = new Set(await source.files());
  const errors: ImportIssue[] = [];
  const report: ImportReport = { status: 'imported', files: {}, errors };
  const issue = (file: ImportFile, line: number, e: RowError) =>
    errors.push({ file: source.label(file), line, column: e.column, reason: e.reason });

  // What this import defines, for the files that reference it.
  const customerZones = new Map<string, string>();
  const accountsInImport = new Map<string, AccountFacts>();

  async function readFile<F extends ImportFile>(
    s: ImportSession,
    file: F,
    prepare: (rows: SourceRow[]) => Promise<Validator<F>>,
    accept: (value: StagedRows[F]) => void = () => {},
  ): Promise<void> {
    if (!present.has(file)) return;
    const stats: FileReport = { rows: 0, rejected: 0 };
    report.files[file] = stats;
    try {
      const { header, rows } = await source.open(file);
      const headerErrors = validateHeader(file, header);
      if (headerErrors.length > 0) {
        headerErrors.forEach((e) => issue(file, 1, e));
        stats.rejected = -1;
        return;
      }
      // Staging a chunk overlaps with reading the next one.
      let staging: Promise<void> = Promise.resolve();
      for await (const chunk of batches(rows, BATCH)) {
        const validate = await prepare(chunk);
        const good: StagedRows[F][] = [];
        const lines: number[] = [];
        for (const { line, record, problem } of chunk) {
          stats.rows++;
          const r = problem
            ? ({ ok: false, errors: [{ column: '', reason: problem }] } as const)
            : validate(record);
          if (!r.ok) {
            stats.rejected++;
            r.errors.forEach((e) => issue(file, line, e));
            continue;
          }
          accept(r.value);
          good.push(r.value);
          lines.push(line);
        }
        await staging;
        staging = s.stage(file, good, lines);
        staging.catch(() => {}); // awaited below; this only marks it handled meanwhile
      }
      await staging;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      errors.push({ file: source.label(file), line: e.line, column: '', reason: e.message });
      stats.rejected = -1;
    }
    options.onFile?.(file, stats.rows);
  }

  /** Account facts for rows that reference accounts: this import's first, then stored ones. */
  const ledgerContext = async (s: ImportSession, rows: SourceRow[]) => {
    const missing = refs(rows, 'account_id').filter((id) => !accountsInImport.has(id));
    const stored = missing.length > 0 ? await s.accountFacts(missing) : new Map();
    return { account: (id: string) => accountsInImport.get(id) ?? stored.get(id) };
  };

  try {
    return await store.session(async (s) => {
      await readFile(
        s,
        'customers',
        async () => validateCustomer,
        (c) => customerZones.set(c.customerId, c.timezone),
      );
      // Zones of the stored customers referenced by the chunk of accounts being read.
      let storedZones = new Map<string, string>();
      await readFile(
        s,
        'accounts',
        async (rows) => {
          const missing = refs(rows, 'customer_id').filter((id) => !customerZones.has(id));
          storedZones = missing.length > 0 ? await s.customerZones(missing) : new Map();
          const stored = await s.accountFacts(refs(rows, 'account_id'));
          return (rec) =>
            validateAccount(rec, {
              customerExists: (id) => customerZones.has(id) || storedZones.has(id),
              storedCurrency: (id) => stored.get(id)?.currency,
            });
        },
        (a) =>
          accountsInImport.set(a.accountId, {
            currency: a.currency,
            timezone: customerZones.get(a.customerId) ?? storedZones.get(a.customerId) ?? 'UTC',
          }),
      );

      await readFile(s, 'instalments', async (rows) => {
        const ctx = await ledgerContext(s, rows);
        return (rec) => validateInstalment(rec, ctx);
      });
      await readFile(s, 'payments', async (rows) => {
        const ctx = await ledgerContext(s, rows);
        return (rec) => validatePayment(rec, ctx);
      });
      await readFile(s, 'holds', async (rows) => {
        const ctx = await ledgerContext(s, rows);
        return (rec) => validateHold(rec, ctx);
      });

      // a customer erased on request is not brought back by a later file
      for (const x of await s.dropErased()) {
        report.files.customers!.rejected++;
        issue('customers', x.line, {
          column: 'customer_id',
          reason: `customer ${x.key}'s personal data was erased on request on ${x.erasedAt.slice(0, 10)}; the row would restore it (leave the row out, or send the name as "[erased]" with no phone, email, address or coordinates)`,
        });
      }
      const duplicates = await s.duplicates();
      for (const d of duplicates) {
        report.files[d.file]!.rejected++;
        issue(d.file, d.line, {
          column: KEY_COLUMN[d.file],
          reason: `duplicate of line ${d.firstLine} (${d.key})`,
        });
      }
      errors.sort((a, b) =>
        a.file === b.file
          ? a.line - b.line
          : IMPORT_FILES.indexOf(a.file.replace(/\.csv$/, '') as ImportFile) -
            IMPORT_FILES.indexOf(b.file.replace(/\.csv$/, '') as ImportFile),
      );
      if (errors.length > 0 && !options.skipBad) throw new Rejected();
      if (duplicates.length > 0) await s.dropDuplicates();
      const counts = await s.merge();
      for (const f of IMPORT_FILES) {
        const stats = report.files[f];
        if (stats) Object.assign(stats, counts[f]);
      }
      report.status = errors.length > 0 ? 'imported_with_errors' : 'imported';
      if (options.run) await s.recordReport(report);
      return report;
    }, options.run);
  } catch (e) {
    if (!(e instanceof Rejected)) throw e;
    report.status = 'rejected';
    return report;
  }
}
