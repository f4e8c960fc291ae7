/**
 * Imports customers, accounts, instalments, payments and holds from a source of CSV files.
 *
 * Every row is validated (domain/import/rows.ts) against the rows before it and what is already
 * stored; references are looked up in batches, never one row at a time. With any error nothing
 * is written, unless `skipBad` is set: then the good rows are written and the bad ones reported
 * (a row that references a rejected row is rejected too). Importing the same files twice
 * changes nothing: rows are keyed by their external ids, and only changed rows are updated.
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
  type AccountRow,
  type CustomerRow,
  type HoldRow,
  type InstalmentRow,
  type PaymentRow,
  type ImportFile,
  type RowError,
  type RowResult,
} from '../../domain/import/rows.ts';
import {
  ParseFailure,
  type ImportSource,
  type ImportStore,
  type SourceRow,
  type ValidBatch,
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
  /** Called after each file has been read. */
  onFile?: (file: ImportFile, rows: number) => void;
}

export interface ImportReport {
  status: 'imported' | 'imported_with_errors' | 'rejected';
  files: Partial<Record<ImportFile, { rows: number; rejected: number } & Partial<WriteCounts>>>;
  errors: ImportIssue[];
}

const LOOKUP_BATCH = 20_000;

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

export async function importPortfolio(
  source: ImportSource,
  store: ImportStore,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const present = new Set(await source.files());
  const errors: ImportIssue[] = [];
  const report: ImportReport = { status: 'imported', files: {}, errors };
  const batch: ValidBatch = {
    customers: [],
    accounts: [],
    instalments: [],
    payments: [],
    holds: [],
  };

  // What this import defines, for the files that reference it.
  const customersInImport = new Set<string>();
  const accountsInImport = new Map<string, AccountFacts>();
  const customerZones = new Map<string, string>();

  /** Reads one file: header check, batches of rows, duplicate keys, validation. */
  async function readFile<T>(
    file: ImportFile,
    keyOf: (value: T) => string,
    keyColumn: string,
    prepare: (rows: SourceRow[]) => Promise<(rec: SourceRow['record']) => RowResult<T>>,
    accept: (value: T) => void,
  ) {
    if (!present.has(file)) return;
    const label = source.label(file);
    const stats = { rows: 0, rejected: 0 };
    report.files[file] = stats;
    const issue = (line: number, e: RowError) =>
      errors.push({ file: label, line, column: e.column, reason: e.reason });
    try {
      const { header, rows } = await source.open(file);
      const headerErrors = validateHeader(file, header);
      if (headerErrors.length > 0) {
        headerErrors.forEach((e) => issue(1, e));
        stats.rejected = -1;
        return;
      }
      const firstLine = new Map<string, number>();
      for await (const chunk of batches(rows, LOOKUP_BATCH)) {
        const validate = await prepare(chunk);
        for (const { line, record, problem } of chunk) {
          stats.rows++;
          const r = problem
            ? ({ ok: false, errors: [{ column: '', reason: problem }] } as const)
            : validate(record);
          if (!r.ok) {
            stats.rejected++;
            r.errors.forEach((e) => issue(line, e));
            continue;
          }
          const key = keyOf(r.value);
          const first = firstLine.get(key);
          if (first !== undefined) {
            stats.rejected++;
            issue(line, { column: keyColumn, reason: `duplicate of line ${first} (${key})` });
            continue;
          }
          firstLine.set(key, line);
          accept(r.value);
        }
      }
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      errors.push({ file: label, line: e.line, column: '', reason: e.message });
      stats.rejected = -1;
    }
    options.onFile?.(file, stats.rows);
  }

  const refs = (rows: SourceRow[], column: string) => [
    ...new Set(rows.map((r) => (r.record[column] ?? '').trim()).filter((id) => id !== '')),
  ];

  /** Account facts for rows referencing accounts: this import's first, then stored ones. */
  const ledgerContext = async (rows: SourceRow[]) => {
    const missing = refs(rows, 'account_id').filter((id) => !accountsInImport.has(id));
    const stored = missing.length > 0 ? await store.accountFacts(missing) : new Map();
    return {
      account: (id: string) => accountsInImport.get(id) ?? stored.get(id),
    };
  };

  await readFile<CustomerRow>(
    'customers',
    (c) => c.customerId,
    'customer_id',
    async () => validateCustomer,
    (c) => {
      batch.customers.push(c);
      customersInImport.add(c.customerId);
      customerZones.set(c.customerId, c.timezone);
    },
  );

  await readFile<AccountRow>(
    'accounts',
    (a) => a.accountId,
    'account_id',
    async (rows) => {
      const missing = refs(rows, 'customer_id').filter((id) => !customersInImport.has(id));
      const zones: Map<string, string> =
        missing.length > 0 ? await store.customerZones(missing) : new Map();
      const stored = await store.accountFacts(refs(rows, 'account_id'));
      return (rec) => {
        const r = validateAccount(rec, {
          customerExists: (id) => customersInImport.has(id) || zones.has(id),
          storedCurrency: (id) => stored.get(id)?.currency,
        });
        const zone = r.ok ? zones.get(r.value.customerId) : undefined;
        if (r.ok && zone && !customerZones.has(r.value.customerId)) {
          customerZones.set(r.value.customerId, zone);
        }
        return r;
      };
    },
    (a) => {
      batch.accounts.push(a);
      accountsInImport.set(a.accountId, {
        currency: a.currency,
        timezone: customerZones.get(a.customerId) ?? 'UTC',
      });
    },
  );

  await readFile<InstalmentRow>(
    'instalments',
    (i) => `${i.accountId}#${i.seq}`,
    'seq',
    async (rows) => {
      const ctx = await ledgerContext(rows);
      return (rec) => validateInstalment(rec, ctx);
    },
    (i) => batch.instalments.push(i),
  );
  await readFile<PaymentRow>(
    'payments',
    (p) => p.paymentId,
    'payment_id',
    async (rows) => {
      const ctx = await ledgerContext(rows);
      return (rec) => validatePayment(rec, ctx);
    },
    (p) => batch.payments.push(p),
  );
  await readFile<HoldRow>(
    'holds',
    (h) => `${h.accountId}#${h.kind}#${h.from}`,
    'from',
    async (rows) => {
      const ctx = await ledgerContext(rows);
      return (rec) => validateHold(rec, ctx);
    },
    (h) => batch.holds.push(h),
  );

  if (errors.length > 0 && !options.skipBad) {
    report.status = 'rejected';
    return report;
  }
  const counts = await store.write(batch);
  for (const f of IMPORT_FILES) {
    const s = report.files[f];
    if (s) Object.assign(s, counts[f]);
  }
  report.status = errors.length > 0 ? 'imported_with_errors' : 'imported';
  return report;
}
