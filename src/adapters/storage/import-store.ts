/**
 * Bulk writes of an import: COPY into temporary staging tables, then one set-based upsert per
 * table, all in one transaction. Rows are matched on external ids; a row is updated only when
 * something in it changed, so re-importing the same files writes nothing.
 */
import type { ImportStore, ValidBatch, WriteCounts } from '../../app/import/ports.ts';
import type { AccountFacts, ImportFile } from '../../domain/import/rows.ts';
import type { Database, SqlConnection } from './sql-client.ts';

/** Runs an `INSERT ... ON CONFLICT DO UPDATE ... WHERE changed RETURNING (xmax = 0)` and counts. */
async function upsert(tx: SqlConnection, sql: string, total: number): Promise<WriteCounts> {
  const r = await tx.query<{ inserted: number; updated: number }>(
    `WITH up AS (${sql} RETURNING (xmax = 0) AS ins)
     SELECT count(*) FILTER (WHERE ins)::bigint AS inserted,
            count(*) FILTER (WHERE NOT ins)::bigint AS updated FROM up`,
  );
  const inserted = Number(r.rows[0]?.inserted ?? 0);
  const updated = Number(r.rows[0]?.updated ?? 0);
  return { inserted, updated, unchanged: total - inserted - updated };
}

function changed(table: string, columns: readonly string[]): string {
  return `(${columns.map((c) => `${table}.${c}`).join(', ')}) IS DISTINCT FROM (${columns
    .map((c) => `EXCLUDED.${c}`)
    .join(', ')})`;
}

function setAll(columns: readonly string[], extra = ''): string {
  return columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ') + extra;
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
] as const;
const ACCOUNT_COLS = [
  'customer_id',
  'product',
  'currency',
  'principal',
  'opened_on',
  'grace_days',
] as const;
const INSTALMENT_COLS = ['due_date', 'principal_due', 'interest_due', 'fees_due'] as const;
const PAYMENT_COLS = ['account_id', 'paid_on', 'paid_at', 'amount'] as const;

export class SqlImportStore implements ImportStore {
  constructor(private readonly db: Database) {}

  async customerZones(ids: readonly string[]): Promise<Map<string, string>> {
    const r = await this.db.query<{ external_id: string; timezone: string }>(
      'SELECT external_id, timezone FROM customers WHERE external_id = ANY($1::text[])',
      [ids],
    );
    return new Map(r.rows.map((x) => [x.external_id, x.timezone]));
  }

  async accountFacts(ids: readonly string[]): Promise<Map<string, AccountFacts>> {
    if (ids.length === 0) return new Map();
    const r = await this.db.query<{ external_id: string; currency: string; timezone: string }>(
      `SELECT a.external_id, a.currency, c.timezone
       FROM accounts a JOIN customers c ON c.id = a.customer_id
       WHERE a.external_id = ANY($1::text[])`,
      [ids],
    );
    return new Map(
      r.rows.map((x) => [x.external_id, { currency: x.currency, timezone: x.timezone }]),
    );
  }

  write(batch: ValidBatch): Promise<Record<ImportFile, WriteCounts>> {
    return this.db.transaction(async (tx) => {
      const counts = {} as Record<ImportFile, WriteCounts>;

      await tx.exec(`
        CREATE TEMP TABLE stg_customers (external_id text, name text, phone text, email text,
          address text, latitude numeric(8, 5), longitude numeric(8, 5), timezone text,
          language text, jurisdiction text) ON COMMIT DROP;
        CREATE TEMP TABLE stg_accounts (external_id text, customer_ext text, product text,
          currency text, principal bigint, opened_on date, grace_days integer) ON COMMIT DROP;
        CREATE TEMP TABLE stg_instalments (account_ext text, seq integer, due_date date,
          principal_due bigint, interest_due bigint, fees_due bigint) ON COMMIT DROP;
        CREATE TEMP TABLE stg_payments (external_id text, account_ext text, paid_on date,
          paid_at timestamptz, amount bigint) ON COMMIT DROP;
        CREATE TEMP TABLE stg_holds (account_ext text, kind text, from_date date, to_date date,
          note text) ON COMMIT DROP;`);

      await tx.copyFrom(
        'stg_customers',
        ['external_id', ...CUSTOMER_COLS],
        batch.customers.map((c) => [
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
        ]),
      );
      counts.customers = await upsert(
        tx,
        `INSERT INTO customers (external_id, ${CUSTOMER_COLS.join(', ')})
         SELECT external_id, ${CUSTOMER_COLS.join(', ')} FROM stg_customers
         ON CONFLICT (external_id) DO UPDATE SET ${setAll(CUSTOMER_COLS, ', updated_at = now()')}
         WHERE ${changed('customers', CUSTOMER_COLS)}`,
        batch.customers.length,
      );

      await tx.copyFrom(
        'stg_accounts',
        [
          'external_id',
          'customer_ext',
          'product',
          'currency',
          'principal',
          'opened_on',
          'grace_days',
        ],
        batch.accounts.map((a) => [
          a.accountId,
          a.customerId,
          a.product,
          a.currency,
          a.principal,
          a.openedOn,
          a.graceDays,
        ]),
      );
      counts.accounts = await upsert(
        tx,
        `INSERT INTO accounts (external_id, ${ACCOUNT_COLS.join(', ')})
         SELECT s.external_id, c.id, s.product, s.currency, s.principal, s.opened_on, s.grace_days
         FROM stg_accounts s JOIN customers c ON c.external_id = s.customer_ext
         ON CONFLICT (external_id) DO UPDATE SET ${setAll(ACCOUNT_COLS, ', updated_at = now()')}
         WHERE ${changed('accounts', ACCOUNT_COLS)}`,
        batch.accounts.length,
      );

      await tx.copyFrom(
        'stg_instalments',
        ['account_ext', 'seq', 'due_date', 'principal_due', 'interest_due', 'fees_due'],
        batch.instalments.map((i) => [
          i.accountId,
          i.seq,
          i.dueDate,
          i.principal,
          i.interest,
          i.fees,
        ]),
      );
      counts.instalments = await upsert(
        tx,
        `INSERT INTO instalments (account_id, seq, ${INSTALMENT_COLS.join(', ')})
         SELECT a.id, s.seq, s.due_date, s.principal_due, s.interest_due, s.fees_due
         FROM stg_instalments s JOIN accounts a ON a.external_id = s.account_ext
         ON CONFLICT (account_id, seq) DO UPDATE SET ${setAll(INSTALMENT_COLS)}
         WHERE ${changed('instalments', INSTALMENT_COLS)}`,
        batch.instalments.length,
      );

      await tx.copyFrom(
        'stg_payments',
        ['external_id', 'account_ext', 'paid_on', 'paid_at', 'amount'],
        batch.payments.map((p) => [p.paymentId, p.accountId, p.paidOn, p.paidAt, p.amount]),
      );
      counts.payments = await upsert(
        tx,
        `INSERT INTO payments (external_id, ${PAYMENT_COLS.join(', ')})
         SELECT s.external_id, a.id, s.paid_on, s.paid_at, s.amount
         FROM stg_payments s JOIN accounts a ON a.external_id = s.account_ext
         ON CONFLICT (external_id) DO UPDATE SET ${setAll(PAYMENT_COLS)}
         WHERE ${changed('payments', PAYMENT_COLS)}`,
        batch.payments.length,
      );

      await tx.copyFrom(
        'stg_holds',
        ['account_ext', 'kind', 'from_date', 'to_date', 'note'],
        batch.holds.map((h) => [h.accountId, h.kind, h.from, h.to, h.note]),
      );
      counts.holds = await upsert(
        tx,
        `INSERT INTO holds (account_id, kind, from_date, to_date, note)
         SELECT a.id, s.kind, s.from_date, s.to_date, s.note
         FROM stg_holds s JOIN accounts a ON a.external_id = s.account_ext
         ON CONFLICT (account_id, kind, from_date) DO UPDATE SET to_date = EXCLUDED.to_date,
           note = EXCLUDED.note
         WHERE (holds.to_date, holds.note) IS DISTINCT FROM (EXCLUDED.to_date, EXCLUDED.note)`,
        batch.holds.length,
      );
      return counts;
    });
  }
}
