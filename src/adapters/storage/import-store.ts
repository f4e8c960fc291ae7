/**
 * Bulk writes of an import, in one transaction: valid rows are COPYed into temporary staging
 * tables as they are read; repeated keys are found with one GROUP BY per file; then one
 * set-based upsert per table merges them. Rows are matched on external ids and a row is updated
 * only when something in it changed, so re-importing the same files writes nothing.
 */
import type {
  Duplicate,
  ImportSession,
  ImportStore,
  Staged,
  WriteCounts,
} from '../../app/import/ports.ts';
import type { AccountFacts, ImportFile } from '../../domain/import/rows.ts';
import type { CopyValue, Database, SqlConnection } from './sql-client.ts';

interface StagingTable<F extends ImportFile> {
  table: string;
  /** Staging columns (a `line` column is added). */
  columns: string;
  /** The values of one row, in column order. */
  values: (row: Staged<F>) => CopyValue[];
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

/** Runs an `INSERT ... ON CONFLICT DO UPDATE ... WHERE changed` and counts what it did. */
async function upsert(tx: SqlConnection, sql: string, staged: string): Promise<WriteCounts> {
  const r = await tx.query<{ inserted: number; updated: number; total: number }>(
    `WITH up AS (${sql} RETURNING (xmax = 0) AS ins)
     SELECT count(*) FILTER (WHERE ins)::bigint AS inserted,
            count(*) FILTER (WHERE NOT ins)::bigint AS updated,
            (SELECT count(*) FROM ${staged})::bigint AS total
     FROM up`,
  );
  const { inserted = 0, updated = 0, total = 0 } = r.rows[0] ?? {};
  return { inserted, updated, unchanged: total - inserted - updated };
}

const changed = (table: string, columns: readonly string[]) =>
  `(${columns.map((c) => `${table}.${c}`).join(', ')}) IS DISTINCT FROM (${columns
    .map((c) => `EXCLUDED.${c}`)
    .join(', ')})`;

const setAll = (columns: readonly string[]) =>
  columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ');

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
  constructor(private readonly tx: SqlConnection) {}

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

  async stage<F extends ImportFile>(file: F, rows: readonly Staged<F>[]): Promise<void> {
    if (rows.length === 0) return;
    const t = STAGING[file];
    // Column names: the first word of each definition (commas inside parentheses do not split).
    const columns = t.columns.split(/,\s*(?![^()]*\))/).map((c) => c.trim().split(' ')[0]!);
    await this.tx.copyFrom(
      t.table,
      ['line', ...columns],
      rows.map((r) => [r.line, ...t.values(r)]),
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

  async merge(): Promise<Record<ImportFile, WriteCounts>> {
    const tx = this.tx;
    return {
      customers: await upsert(
        tx,
        `INSERT INTO customers (external_id, ${CUSTOMER_COLS.join(', ')})
         SELECT external_id, ${CUSTOMER_COLS.join(', ')} FROM stg_customers
         ON CONFLICT (external_id) DO UPDATE SET ${setAll(CUSTOMER_COLS)}, updated_at = now()
         WHERE ${changed('customers', CUSTOMER_COLS)}`,
        'stg_customers',
      ),
      accounts: await upsert(
        tx,
        `INSERT INTO accounts (external_id, ${ACCOUNT_COLS.join(', ')})
         SELECT s.external_id, c.id, s.product, s.currency, s.principal, s.opened_on, s.grace_days
         FROM stg_accounts s JOIN customers c ON c.external_id = s.customer_ext
         ON CONFLICT (external_id) DO UPDATE SET ${setAll(ACCOUNT_COLS)}, updated_at = now()
         WHERE ${changed('accounts', ACCOUNT_COLS)}`,
        'stg_accounts',
      ),
      instalments: await upsert(
        tx,
        `INSERT INTO instalments (account_id, seq, ${INSTALMENT_COLS.join(', ')})
         SELECT a.id, s.seq, s.due_date, s.principal_due, s.interest_due, s.fees_due
         FROM stg_instalments s JOIN accounts a ON a.external_id = s.account_ext
         ON CONFLICT (account_id, seq) DO UPDATE SET ${setAll(INSTALMENT_COLS)}
         WHERE ${changed('instalments', INSTALMENT_COLS)}`,
        'stg_instalments',
      ),
      payments: await upsert(
        tx,
        `INSERT INTO payments (external_id, ${PAYMENT_COLS.join(', ')})
         SELECT s.external_id, a.id, s.paid_on, s.paid_at, s.amount
         FROM stg_payments s JOIN accounts a ON a.external_id = s.account_ext
         ON CONFLICT (external_id) DO UPDATE SET ${setAll(PAYMENT_COLS)}
         WHERE ${changed('payments', PAYMENT_COLS)}`,
        'stg_payments',
      ),
      holds: await upsert(
        tx,
        `INSERT INTO holds (account_id, kind, from_date, ${HOLD_COLS.join(', ')})
         SELECT a.id, s.kind, s.from_date, s.to_date, s.note
         FROM stg_holds s JOIN accounts a ON a.external_id = s.account_ext
         ON CONFLICT (account_id, kind, from_date) DO UPDATE SET ${setAll(HOLD_COLS)}
         WHERE ${changed('holds', HOLD_COLS)}`,
        'stg_holds',
      ),
    };
  }
}

export class SqlImportStore implements ImportStore {
  constructor(private readonly db: Database) {}

  session<T>(fn: (s: ImportSession) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.exec(
        FILES.map(
          (f) =>
            `CREATE TEMP TABLE ${STAGING[f].table} (line integer NOT NULL, ${STAGING[f].columns}) ON COMMIT DROP;`,
        ).join('\n'),
      );
      return fn(new SqlImportSession(tx));
    });
  }
}
