/**
 * Bulk writes of an import, in one transaction: valid rows are COPYed into temporary staging
 * tables as they are read; repeated keys are found with one GROUP BY per file; then one
 * set-based upsert per table merges them. Rows are matched on external ids and a row is updated
 * only when something in it changed, so re-importing the same files writes nothing.
 */
import type { ImportReport } from '../../app/import/import-portfolio.ts';
import {
  ImportAlreadyRun,
  type Duplicate,
  type ImportRun,
  type ImportSession,
  type ImportStore,
  type StagedRows,
  type WriteCounts,
} from '../../app/import/ports.ts';
import type { AccountFacts, ImportFile } from '../../domain/import/rows.ts';
import { ERASED } from '../../domain/customers/erasure.ts';
import type { CopyValue, Database, SqlConnection } from './sql-client.ts';

interface StagingTable<F extends ImportFile> {
  table: string;
  /** Staging columns (a `line` column is added). */
  columns: string;
  /** The values of one row, in column order. */
  values: (row: StagedRows[F]) => CopyValue[];
  /** SQL expression of the row's key, for duplicate detection. */
  key: string;
}

const STAGING: { [F in ImportFile]: StagingTable<F> } = {
  customers: {
    table: 'stg_customers',
    columns:
      'external_id text, name text, phone text, email text, address text, ' +
      'latitude numeric(8, 5), longitude numeric(8, 5), timezone text, language text, jurisdiction text',
    values: (c) => [
      c.customerId,
      c.name,
      c.phone,
      c.email,
      c.address,
      c.latitude,
      c.longitude,
      c.timezone,
      c.language,
      c.jurisdiction,
    ],
    key: 'external_id',
  },
  accounts: {
    table: 'stg_accounts',
    columns:
      'external_id text, customer_ext text, product text, currency text, principal bigint, ' +
      'opened_on date, grace_days integer',
    values: (a) => [
      a.accountId,
      a.customerId,
      a.product,
      a.currency,
      a.principal,
      a.openedOn,
      a.graceDays,
    ],
    key: 'external_id',
  },
  instalments: {
    table: 'stg_instalments',
    columns:
      'account_ext text, seq integer, due_date date, principal_due bigint, interest_due bigint, fees_due bigint',
    values: (i) => [i.accountId, i.seq, i.dueDate, i.principal, i.interest, i.fees],
    key: "account_ext || ' #' || seq",
  },
  payments: {
    table: 'stg_payments',
    columns: 'external_id text, account_ext text, paid_on date, paid_at timestamptz, amount bigint',
    values: (p) => [p.paymentId, p.accountId, p.paidOn, p.paidAt, p.amount],
    key: 'external_id',
  },
  holds: {
    table: 'stg_holds',
    columns: 'account_ext text, kind text, from_date date, to_date date, note text',
    values: (h) => [h.accountId, h.kind, h.from, h.to, h.note],
    key: "account_ext || ' ' || kind || ' from ' || from_date",
  },
};

const FILES = Object.keys(STAGING) as ImportFile[];

/**
 * Merges staged rows into a table: an UPDATE of the rows that exist and changed, then an
 * INSERT of the rows that do not exist yet (cheaper than INSERT ... ON CONFLICT for bulk).
 */
async function mergeInto(
  tx: SqlConnection,
  m: { table: string; key: string[]; columns: string[]; source: string; staged: string },
): Promise<WriteCounts> {
  const all = [...m.key, ...m.columns];
  const on = m.key.map((k) => `t.${k} = s.${k}`).join(' AND ');
  const updated = await tx.query(
    `UPDATE ${m.table} t SET ${m.columns.map((c) => `${c} = s.${c}`).join(', ')}
       ${m.table === 'customers' || m.table === 'accounts' ? ', updated_at = now()' : ''}
     FROM (${m.source}) s
     WHERE ${on} AND (${m.columns.map((c) => `t.${c}`).join(', ')})
       IS DISTINCT FROM (${m.columns.map((c) => `s.${c}`).join(', ')})`,
  );
  const inserted = await tx.query(
    `INSERT INTO ${m.table} (${all.join(', ')})
     SELECT ${all.map((c) => `s.${c}`).join(', ')} FROM (${m.source}) s
     WHERE NOT EXISTS (SELECT 1 FROM ${m.table} t WHERE ${on})`,
  );
  const total = await tx.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${m.staged}`);
  const n = Number(total.rows[0]?.n ?? 0);
  return {
    inserted: inserted.rowCount,
    updated: updated.rowCount,
    unchanged: n - inserted.rowCount - updated.rowCount,
  };
}

const CUSTOMER_COLS = [
  'name',
  'phone',
  'email',
  'address',
  'latitude',
  'longitude',
  'timezone',
  'language',
  'jurisdiction',
];
const ACCOUNT_COLS = ['customer_id', 'product', 'currency', 'principal', 'opened_on', 'grace_days'];
const INSTALMENT_COLS = ['due_date', 'principal_due', 'interest_due', 'fees_due'];
const PAYMENT_COLS = ['account_id', 'paid_on', 'paid_at', 'amount'];
const HOLD_COLS = ['to_date', 'note'];

class SqlImportSession implements ImportSession {
  constructor(
    private readonly tx: SqlConnection,
    private readonly runId: string | null = null,
  ) {}

  async recordReport(report: ImportReport): Promise<void> {
    if (this.runId === null) return;
    await this.tx.query(
      `UPDATE import_runs SET status = $2, report = $3::json, finished_at = clock_timestamp()
       WHERE id = $1`,
      [this.runId, report.status, JSON.stringify(report)],
    );
  }

  async customerZones(ids: readonly string[]): Promise<Map<string, string>> {
    const r = await this.tx.query<{ external_id: string; timezone: string }>(
      'SELECT external_id, timezone FROM customers WHERE external_id = ANY($1::text[])',
      [ids],
    );
    return new Map(r.rows.map((x) => [x.external_id, x.timezone]));
  }

  async accountFacts(ids: readonly string[]): Promise<Map<string, AccountFacts>> {
    if (ids.length === 0) return new Map();
    const r = await this.tx.query<{ external_id: string; currency: string; timezone: string }>(
      `SELECT a.external_id, a.currency, c.timezone
       FROM accounts a JOIN customers c ON c.id = a.customer_id
       WHERE a.external_id = ANY($1::text[])`,
      [ids],
    );
    return new Map(
      r.rows.map((x) => [x.external_id, { currency: x.currency, timezone: x.timezone }]),
    );
  }

  async stage<F extends ImportFile>(
    file: F,
    rows: readonly StagedRows[F][],
    lines: readonly number[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const t = STAGING[file];
    // Column names: the first word of each definition (commas inside parentheses do not split).
    const columns = t.columns.split(/,\s*(?![^()]*\))/).map((c) => c.trim().split(' ')[0]!);
    await this.tx.copyFrom(
      t.table,
      ['line', ...columns],
      rows.map((r, i) => [lines[i], ...t.values(r)]),
    );
  }

  async duplicates(): Promise<Duplicate[]> {
    const out: Duplicate[] = [];
    for (const file of FILES) {
      const t = STAGING[file];
      const r = await this.tx.query<{ key: string; line: number; first_line: number }>(
        `SELECT key, line, first_line FROM (
           SELECT ${t.key} AS key, line, min(line) OVER (PARTITION BY ${t.key}) AS first_line
           FROM ${t.table}) d
         WHERE line <> first_line ORDER BY line`,
      );
      out.push(...r.rows.map((d) => ({ file, line: d.line, firstLine: d.first_line, key: d.key })));
    }
    return out;
  }

  async dropDuplicates(): Promise<void> {
    for (const file of FILES) {
      const t = STAGING[file];
      await this.tx.query(
        `DELETE FROM ${t.table} s USING ${t.table} f
         WHERE ${t.key.replaceAll(/\b(account_ext|seq|kind|from_date|external_id)\b/g, 's.$1')}
             = ${t.key.replaceAll(/\b(account_ext|seq|kind|from_date|external_id)\b/g, 'f.$1')}
           AND f.line < s.line`,
      );
    }
  }

  async dropErased(): Promise<{ line: number; key: string; erasedAt: string }[]> {
    const r = await this.tx.query<{ line: number; key: string; erased_at: Date | string }>(
      `DELETE FROM stg_customers s USING customer_erasures e
       WHERE e.external_id = s.external_id AND (s.name <> '${ERASED}' OR s.phone IS NOT NULL
         OR s.email IS NOT NULL OR s.address IS NOT NULL OR s.latitude IS NOT NULL
         OR s.longitude IS NOT NULL)
       RETURNING s.line, s.external_id AS key, e.erased_at`,
    );
    return r.rows
      .map((x) => ({ line: x.line, key: x.key, erasedAt: new Date(x.erased_at).toISOString() }))
      .sort((a, b) => a.line - b.line);
  }

  async merge(): Promise<Record<ImportFile, WriteCounts>> {
    const tx = this.tx;
    await tx.query(`SET LOCAL work_mem = '${tx.engine === 'postgres' ? '256MB' : '64MB'}'`);
    return {
      customers: await mergeInto(tx, {
        table: 'customers',
        key: ['external_id'],
        columns: CUSTOMER_COLS,
        source: `SELECT external_id, ${CUSTOMER_COLS.join(', ')} FROM stg_customers`,
        staged: 'stg_customers',
      }),
      accounts: await mergeInto(tx, {
        table: 'accounts',
        key: ['external_id'],
        columns: ACCOUNT_COLS,
        source: `SELECT s.external_id, c.id AS customer_id, s.product, s.currency, s.principal,
                   s.opened_on, s.grace_days
                 FROM stg_accounts s JOIN customers c ON c.external_id = s.customer_ext`,
        staged: 'stg_accounts',
      }),
      instalments: await mergeInto(tx, {
        table: 'instalments',
        key: ['account_id', 'seq'],
        columns: INSTALMENT_COLS,
        // An account whose schedule a repayment plan changed keeps the schedule Recoup holds
        // (the lender's file still has the rows the plan superseded).
        source: `SELECT a.id AS account_id, s.seq, s.due_date, s.principal_due, s.interest_due,
                   s.fees_due
                 FROM stg_instalments s JOIN accounts a ON a.external_id = s.account_ext
                 WHERE NOT EXISTS (SELECT 1 FROM schedule_changes c WHERE c.account_id = a.id)`,
        staged: 'stg_instalments',
      }),
      payments: await mergeInto(tx, {
        table: 'payments',
        key: ['external_id'],
        columns: PAYMENT_COLS,
        source: `SELECT s.external_id, a.id AS account_id, s.paid_on, s.paid_at, s.amount
                 FROM stg_payments s JOIN accounts a ON a.external_id = s.account_ext`,
        staged: 'stg_payments',
      }),
      holds: await mergeInto(tx, {
        table: 'holds',
        key: ['account_id', 'kind', 'from_date'],
        columns: HOLD_COLS,
        source: `SELECT a.id AS account_id, s.kind, s.from_date, s.to_date, s.note
                 FROM stg_holds s JOIN accounts a ON a.external_id = s.account_ext`,
        staged: 'stg_holds',
      }),
    };
  }
}

export class SqlImportStore implements ImportStore {
  constructor(private readonly db: Database) {}

  session<T>(
    fn: (s: ImportSession) => Promise<T>,
    run?: { id: string; folder: string },
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      if (run) {
        // first: a run of the same import in progress elsewhere is waited for here (its row is
        // locked until it commits or rolls back); one committed already is not done again
        const r = await tx.query(
          `INSERT INTO import_runs (id, folder) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`,
          [run.id, run.folder],
        );
        if (r.rowCount === 0) throw new ImportAlreadyRun(run.id);
      }
      await tx.exec(
        FILES.map(
          (f) =>
            `CREATE TEMP TABLE ${STAGING[f].table} (line integer NOT NULL, ${STAGING[f].columns}) ON COMMIT DROP;`,
        ).join('\n'),
      );
      return fn(new SqlImportSession(tx, run?.id ?? null));
    });
  }

  async run(id: string): Promise<ImportRun | null> {
    const r = await this.db.query<{ id: string; folder: string; report: ImportReport | null }>(
      'SELECT id, folder, report FROM import_runs WHERE id = $1',
      [id],
    );
    return r.rows[0] ?? null;
  }

  async recordRejected(run: { id: string; folder: string }, report: ImportReport): Promise<void> {
    await this.db.query(
      `INSERT INTO import_runs (id, folder, status, report, finished_at)
       VALUES ($1, $2, $3, $4::json, clock_timestamp()) ON CONFLICT (id) DO NOTHING`,
      [run.id, run.folder, report.status, JSON.stringify(report)],
    );
  }
}
