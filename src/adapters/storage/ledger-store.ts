/** Reads and single-row writes of the ledger, with Kysely. Lists page by keyset, never offset. */
import { sql } from 'kysely';
import type {
  AccountFilter,
  AccountRecord,
  AccountSummary,
  CustomerView,
  LedgerStore,
  Page,
  SnapshotRow,
  StoredHold,
  StoredPayment,
} from '../../app/ledger/ports.ts';
import type { HoldKind, Product } from '../../domain/ledger/types.ts';
import type { Database } from './sql-client.ts';

const CUSTOMER_FIELDS = [
  'c.external_id as id',
  'c.name',
  'c.phone',
  'c.email',
  'c.address',
  'c.latitude',
  'c.longitude',
  'c.timezone',
  'c.language',
  'c.jurisdiction',
] as const;

function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

export class SqlLedgerStore implements LedgerStore {
  constructor(private readonly db: Database) {}

  private get k() {
    return this.db.kysely;
  }

  private async lastCycled(): Promise<string | null> {
    const r = await this.k
      .selectFrom('cycle_runs')
      .select((eb) => eb.fn.max('as_of').as('d'))
      .executeTakeFirst();
    return (r?.d as string | null | undefined) ?? null;
  }

  async customer(id: string): Promise<CustomerView | null> {
    const r = await this.k
      .selectFrom('customers as c')
      .select(CUSTOMER_FIELDS)
      .where('c.external_id', '=', id)
      .executeTakeFirst();
    return (r as CustomerView | undefined) ?? null;
  }

  private summaryQuery() {
    return this.k
      .selectFrom('accounts as a')
      .innerJoin('customers as c', 'c.id', 'a.customer_id')
      .leftJoin('account_states as s', 's.account_id', 'a.id')
      .select([
        'a.id as internal_id',
        'a.external_id as id',
        'c.external_id as customer_id',
        'c.timezone',
        'a.product',
        'a.currency',
        'a.principal',
        'a.opened_on',
        'a.grace_days',
        's.outstanding',
        's.arrears',
        's.credit',
        's.past_due_days',
        's.delinquent_days',
        's.bucket',
        's.ageing',
      ]);
  }

  private toSummary(
    r: Awaited<ReturnType<ReturnType<SqlLedgerStore['summaryQuery']>['execute']>>[number],
    asOf: string | null,
  ): AccountSummary {
    return {
      id: r.id,
      customerId: r.customer_id,
      product: r.product as Product,
      currency: r.currency,
      principal: r.principal,
      openedOn: r.opened_on,
      graceDays: r.grace_days,
      state:
        r.bucket === null || asOf === null
          ? null
          : {
              asOf,
              outstanding: r.outstanding ?? 0,
              arrears: r.arrears ?? 0,
              credit: r.credit ?? 0,
              pastDueDays: r.past_due_days ?? 0,
              delinquentDays: r.delinquent_days ?? 0,
              bucket: r.bucket,
              ageing: r.ageing ?? {},
            },
    };
  }

  async accounts(filter: AccountFilter, after: string | undefined, limit: number) {
    let q = this.summaryQuery();
    if (filter.bucket) q = q.where('s.bucket', '=', filter.bucket);
    if (filter.product) q = q.where('a.product', '=', filter.product);
    if (filter.customerId) q = q.where('c.external_id', '=', filter.customerId);
    if (after) q = q.where('a.external_id', '>', after);
    const [rows, asOf] = await Promise.all([
      q
        .orderBy('a.external_id')
        .limit(limit + 1)
        .execute(),
      this.lastCycled(),
    ]);
    return page(
      rows.map((r) => this.toSummary(r, asOf)),
      limit,
    );
  }

  async account(id: string): Promise<AccountRecord | null> {
    const r = await this.summaryQuery().where('a.external_id', '=', id).executeTakeFirst();
    if (!r) return null;
    const [instalments, payments, holds, transitions, asOf] = await Promise.all([
      this.k
        .selectFrom('instalments')
        .selectAll()
        .where('account_id', '=', r.internal_id)
        .orderBy('due_date')
        .orderBy('seq')
        .execute(),
      this.k
        .selectFrom('payments')
        .selectAll()
        .where('account_id', '=', r.internal_id)
        .orderBy('paid_on')
        .orderBy('external_id')
        .execute(),
      this.k
        .selectFrom('holds')
        .selectAll()
        .where('account_id', '=', r.internal_id)
        .orderBy('from_date')
        .execute(),
      this.k
        .selectFrom('bucket_transitions')
        .selectAll()
        .where('account_id', '=', r.internal_id)
        .orderBy('on_date')
        .execute(),
      this.lastCycled(),
    ]);
    return {
      ...this.toSummary(r, asOf),
      timezone: r.timezone,
      instalments: instalments.map((i) => ({
        seq: i.seq,
        dueDate: i.due_date,
        principal: i.principal_due,
        interest: i.interest_due,
        fees: i.fees_due,
      })),
      payments: payments.map((p) => ({
        id: p.external_id,
        paidOn: p.paid_on,
        paidAt: p.paid_at,
        amount: p.amount,
        source: p.source,
      })),
      holds: holds.map((h) => ({
        id: h.id,
        kind: h.kind as HoldKind,
        from: h.from_date,
        to: h.to_date,
        note: h.note,
      })),
      transitions: transitions.map((t) => ({
        date: t.on_date,
        from: t.from_bucket,
        to: t.to_bucket,
      })),
    };
  }

  async accountBasics(id: string) {
    const r = await this.k
      .selectFrom('accounts as a')
      .innerJoin('customers as c', 'c.id', 'a.customer_id')
      .select(['a.currency', 'c.timezone'])
      .where('a.external_id', '=', id)
      .executeTakeFirst();
    return r ?? null;
  }

  async snapshots(from: string, to: string): Promise<SnapshotRow[]> {
    const rows = await this.k
      .selectFrom('portfolio_snapshots')
      .selectAll()
      .where('as_of', '>=', from)
      .where('as_of', '<=', to)
      .orderBy('as_of')
      .orderBy('product')
      .orderBy('currency')
      .orderBy('bucket')
      .execute();
    return rows.map((r) => ({
      asOf: r.as_of,
      product: r.product,
      currency: r.currency,
      bucket: r.bucket,
      accounts: r.accounts,
      outstanding: r.outstanding,
      arrears: r.arrears,
    }));
  }

  async payment(id: string) {
    const p = await this.k
      .selectFrom('payments as p')
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .select([
        'p.external_id',
        'a.external_id as account',
        'p.paid_on',
        'p.paid_at',
        'p.amount',
        'p.source',
      ])
      .where('p.external_id', '=', id)
      .executeTakeFirst();
    if (!p) return null;
    return {
      id: p.external_id,
      accountId: p.account,
      paidOn: p.paid_on,
      paidAt: p.paid_at,
      amount: p.amount,
      source: p.source,
    };
  }

  async insertPayment(accountId: string, p: StoredPayment): Promise<boolean> {
    // the unique external id decides between posts of the same payment at the same instant
    const r = await this.k
      .insertInto('payments')
      .columns(['external_id', 'account_id', 'paid_on', 'paid_at', 'amount', 'source'])
      .expression((eb) =>
        eb
          .selectFrom('accounts')
          .select([
            sql`${p.id}::text`.as('external_id'),
            'id',
            sql`${p.paidOn}::date`.as('paid_on'),
            sql`${p.paidAt}::timestamptz`.as('paid_at'),
            sql`${p.amount}::bigint`.as('amount'),
            sql`${p.source}::text`.as('source'),
          ])
          .where('external_id', '=', accountId),
      )
      .onConflict((oc) => oc.column('external_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async insertHold(accountId: string, h: Omit<StoredHold, 'id'>): Promise<StoredHold> {
    const r = await this.k
      .insertInto('holds')
      .columns(['account_id', 'kind', 'from_date', 'to_date', 'note'])
      .expression((eb) =>
        eb
          .selectFrom('accounts')
          .select([
            'id',
            sql`${h.kind}`.as('kind'),
            sql`${h.from}::date`.as('from_date'),
            sql`${h.to}::date`.as('to_date'),
            sql`${h.note}::text`.as('note'),
          ])
          .where('external_id', '=', accountId),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: r.id, ...h };
  }

  async endHold(accountId: string, holdId: number, to: string): Promise<StoredHold | null> {
    const r = await this.k
      .updateTable('holds')
      .set({ to_date: to })
      .where('id', '=', holdId)
      .where('account_id', '=', (eb) =>
        eb.selectFrom('accounts').select('id').where('external_id', '=', accountId),
      )
      .returningAll()
      .executeTakeFirst();
    return r
      ? { id: r.id, kind: r.kind as HoldKind, from: r.from_date, to: r.to_date, note: r.note }
      : null;
  }
}
