/**
 * The customer file on the database: contact points and addresses (the primary ones mirrored
 * on the customers row the channels read), financials, tags, notes, the changes staff made,
 * the record of unmasked views, search and the habits' history. Reads are a few set-wise
 * queries per file; every change and its record are written in one transaction.
 */
import { appendIn } from './audit-store.ts';
import type {
  Address,
  Change,
  ContactPoint,
  CustomerRef,
  CustomerStore,
  FileAccount,
  Financials,
  HabitData,
  Note,
  OptOut,
  SearchHit,
  SearchTerms,
  StoredFile,
  TimelineCursor,
  TimelineEntry,
} from '../../app/customers/ports.ts';
import type { Role } from '../../domain/access/roles.ts';
import {
  searchKey,
  type AddressFields,
  type ContactPointFields,
  type FinancialFields,
  type TimelineKind,
} from '../../domain/customers/file.ts';
import type { Product } from '../../domain/ledger/types.ts';
import type { PromiseStatus } from '../../domain/promises/promise.ts';
import { readTimeline } from './customer-timeline.ts';
import type { AccountStatesTable } from './schema.ts';
import type { Database, SqlConnection } from './sql-client.ts';

/** The customers behind a collector's or field agent's work: their tasks and their accounts. */
export const WORKED_BY = (user: string) =>
  `SELECT t.customer_id FROM tasks t WHERE t.assignee = ${user}
   UNION SELECT a.customer_id FROM account_owners o JOIN accounts a ON a.id = o.account_id
    WHERE o.collector = ${user}`;

/** An account's state as the file reads it (all null when it has not been cycled yet). */
type StateColumns = Omit<AccountStatesTable, 'account_id' | 'overdue_due_date' | 'delinquent_date'>;

/** The search key of the customers row's phone and email, as the domain's searchKey makes it. */
const PHONE_KEY = (col: string) => `reverse(regexp_replace(${col}, '[^0-9]', '', 'g'))`;
const EMAIL_KEY = (col: string) => `lower(trim(${col}))`;

const POINT_COLUMNS = `cp.id, cp.kind, cp.value, cp.type, cp.verified, cp.consent_on::text AS consent_on,
  cp.opted_out_on::text AS opted_out_on, cp.source, cp.updated_at,
  (CASE cp.kind WHEN 'phone' THEN cp.search_key = ${PHONE_KEY('c.phone')}
    ELSE cp.search_key = ${EMAIL_KEY('c.email')} END) IS TRUE AS is_primary`;

interface PointRow {
  id: number;
  kind: 'phone' | 'email';
  value: string;
  type: ContactPoint['type'];
  verified: boolean;
  consent_on: string | null;
  opted_out_on: string | null;
  source: string;
  updated_at: string;
  is_primary: boolean;
}

const toPoint = (r: PointRow): ContactPoint => ({
  id: Number(r.id),
  kind: r.kind,
  value: r.value,
  type: r.type,
  verified: r.verified,
  consentOn: r.consent_on,
  optedOutOn: r.opted_out_on,
  primary: r.is_primary,
  source: r.source,
  updatedAt: r.updated_at,
});

const ADDRESS_COLUMNS = `ad.id, ad.type, ad.line, ad.latitude, ad.longitude, ad.source, ad.updated_at,
  (ad.line = c.address) IS TRUE AS is_primary`;

interface AddressRow {
  id: number;
  type: Address['type'];
  line: string;
  latitude: string | null;
  longitude: string | null;
  source: string;
  updated_at: string;
  is_primary: boolean;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

const toAddress = (r: AddressRow): Address => ({
  id: Number(r.id),
  type: r.type,
  line: r.line,
  latitude: num(r.latitude),
  longitude: num(r.longitude),
  primary: r.is_primary,
  source: r.source,
  updatedAt: r.updated_at,
});

/** The column of the customers row a contact point of this kind is mirrored on. */
const MIRROR = { phone: 'phone', email: 'email' } as const;

/** The first key after every key that starts with `prefix` (for an index range scan). */
function prefixEnd(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1)!;
  return prefix.slice(0, -1) + String.fromCodePoint(last + 1);
}

/** Matches of a name beyond which walking the customer ids in order finds a page sooner. */
const COMMON_NAME = 2000;

const tsPrefixQuery = (words: readonly string[]) =>
  words.map((w) => `'${w.replaceAll("'", "''")}':*`).join(' & ');

export class SqlCustomerStore implements CustomerStore {
  constructor(private readonly db: Database) {}

  async ref(ext: string): Promise<CustomerRef | null> {
    const r = await this.db.query<{ id: number; timezone: string }>(
      'SELECT id, timezone FROM customers WHERE external_id = $1',
      [ext],
    );
    const c = r.rows[0];
    return c ? { id: Number(c.id), ext, timezone: c.timezone } : null;
  }

  /** The customers row's phone, email and address, stored as points the first time they are seen. */
  private async ensurePrimaries(db: SqlConnection, customerId: number): Promise<void> {
    await db.query(
      `INSERT INTO contact_points (customer_id, kind, value, search_key, type, source, created_by)
       SELECT id, 'phone', trim(phone), ${PHONE_KEY('phone')}, 'mobile', 'import', 'import'
         FROM customers WHERE id = $1 AND ${PHONE_KEY('phone')} <> ''
       UNION ALL
       SELECT id, 'email', trim(email), ${EMAIL_KEY('email')}, 'home', 'import', 'import'
         FROM customers WHERE id = $1 AND ${EMAIL_KEY('email')} <> ''
       ON CONFLICT DO NOTHING`,
      [customerId],
    );
    await db.query(
      `INSERT INTO customer_addresses (customer_id, type, line, latitude, longitude, source, created_by)
       SELECT id, 'home', address, latitude, longitude, 'import', 'import'
         FROM customers WHERE id = $1 AND trim(address) <> ''
       ON CONFLICT DO NOTHING`,
      [customerId],
    );
  }

  private async points(db: SqlConnection, customerId: number, id?: number) {
    const r = await db.query<PointRow>(
      `SELECT ${POINT_COLUMNS} FROM contact_points cp JOIN customers c ON c.id = cp.customer_id
       WHERE cp.customer_id = $1 ${id === undefined ? '' : 'AND cp.id = $2'}
       ORDER BY is_primary DESC, cp.kind DESC, cp.id`,
      id === undefined ? [customerId] : [customerId, id],
    );
    return r.rows.map(toPoint);
  }

  private async addressRows(db: SqlConnection, customerId: number, id?: number) {
    const r = await db.query<AddressRow>(
      `SELECT ${ADDRESS_COLUMNS} FROM customer_addresses ad JOIN customers c ON c.id = ad.customer_id
       WHERE ad.customer_id = $1 ${id === undefined ? '' : 'AND ad.id = $2'}
       ORDER BY is_primary DESC, ad.id`,
      id === undefined ? [customerId] : [customerId, id],
    );
    return r.rows.map(toAddress);
  }

  async contactPoints(ref: CustomerRef): Promise<ContactPoint[]> {
    await this.ensurePrimaries(this.db, ref.id);
    return this.points(this.db, ref.id);
  }

  async addresses(ref: CustomerRef): Promise<Address[]> {
    await this.ensurePrimaries(this.db, ref.id);
    return this.addressRows(this.db, ref.id);
  }

  private async recordChange(db: SqlConnection, customerId: number, c: Change, id?: string) {
    await db.query(
      `INSERT INTO customer_changes (customer_id, at, actor, role, subject, subject_id, action, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        customerId,
        c.at.toISOString(),
        c.actor,
        c.role,
        c.subject,
        c.subjectId ?? id ?? null,
        c.action,
        c.before === null ? null : JSON.stringify(c.before),
        c.after === null ? null : JSON.stringify(c.after),
      ],
    );
  }

  private async optOut(db: SqlConnection, customerId: number, o: OptOut | null) {
    if (!o) return;
    // as the contact rules read opt-outs: one per channel for this number or address
    await db.query(
      `INSERT INTO contact_preferences (customer_id, kind, channel, value, since, source)
       SELECT $1, 'opt_out', ch, $3, $4, $5 FROM unnest($2::text[]) ch
       WHERE NOT EXISTS (SELECT 1 FROM contact_preferences p WHERE p.customer_id = $1
         AND p.kind = 'opt_out' AND p.channel = ch AND p.value = $3 AND p.until IS NULL)`,
      [customerId, o.channels, o.value, o.since.toISOString(), o.source],
    );
  }

  /** Mirrors a primary point on the customers row; after a removal, the next of its kind. */
  private async mirrorPoint(
    db: SqlConnection,
    customerId: number,
    kind: 'phone' | 'email',
    value: string | null,
  ) {
    const col = MIRROR[kind];
    await db.query(
      value !== null
        ? `UPDATE customers SET ${col} = $2, updated_at = now() WHERE id = $1`
        : `UPDATE customers SET ${col} = (SELECT value FROM contact_points WHERE customer_id = $1
             AND kind = $2 ORDER BY verified DESC, (type = 'mobile') DESC, updated_at DESC, id DESC LIMIT 1),
             updated_at = now() WHERE id = $1`,
      [customerId, value ?? kind],
    );
  }

  private async taken(db: SqlConnection, customerId: number, f: ContactPointFields, id: number) {
    const r = await db.query(
      'SELECT 1 FROM contact_points WHERE customer_id = $1 AND kind = $2 AND search_key = $3 AND id <> $4',
      [customerId, f.kind, searchKey(f.kind, f.value), id],
    );
    return r.rows.length > 0;
  }

  /**
   * Writes an entry (its id, or null when it would duplicate another) and the change record in
   * one transaction, then reads it back.
   */
  private saveEntry<T>(
    ref: CustomerRef,
    change: Change,
    write: (tx: SqlConnection) => Promise<number | null>,
    read: (tx: SqlConnection, id: number) => Promise<T[]>,
  ): Promise<T | null> {
    return this.db.transaction(async (tx) => {
      const id = await write(tx);
      if (id === null) return null;
      await this.recordChange(tx, ref.id, change, String(id));
      return (await read(tx, id))[0] ?? null;
    });
  }

  /** Deletes an entry and records the change; a primary one hands its place on. */
  private deleteEntry<T extends { primary: boolean }>(
    ref: CustomerRef,
    id: number,
    change: Change,
    table: 'contact_points' | 'customer_addresses',
    read: (tx: SqlConnection, id: number) => Promise<T[]>,
    unmirror: (tx: SqlConnection, entry: T) => Promise<void>,
  ): Promise<void> {
    return this.db.transaction(async (tx) => {
      const [e] = await read(tx, id);
      if (!e) return;
      await tx.query(`DELETE FROM ${table} WHERE customer_id = $1 AND id = $2`, [ref.id, id]);
      if (e.primary) await unmirror(tx, e);
      await this.recordChange(tx, ref.id, change);
    });
  }

  insertContactPoint(
    ref: CustomerRef,
    f: ContactPointFields,
    primary: boolean,
    change: Change,
    optOut: OptOut | null,
  ): Promise<ContactPoint | null> {
    return this.saveEntry(
      ref,
      change,
      async (tx) => {
        await this.ensurePrimaries(tx, ref.id);
        const r = await tx.query<{ id: number }>(
          `INSERT INTO contact_points (customer_id, kind, value, search_key, type, verified, consent_on,
             opted_out_on, source, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            ref.id,
            f.kind,
            f.value,
            searchKey(f.kind, f.value),
            f.type,
            f.verified,
            f.consentOn,
            f.optedOutOn,
            change.actor,
          ],
        );
        const id = r.rows[0]?.id;
        if (id === undefined) return null;
        if (primary) await this.mirrorPoint(tx, ref.id, f.kind, f.value);
        await this.optOut(tx, ref.id, optOut);
        return Number(id);
      },
      (tx, id) => this.points(tx, ref.id, id),
    );
  }

  updateContactPoint(
    ref: CustomerRef,
    id: number,
    f: ContactPointFields,
    primary: boolean,
    change: Change,
    optOut: OptOut | null,
  ): Promise<ContactPoint | null> {
    return this.saveEntry(
      ref,
      change,
      async (tx) => {
        if (await this.taken(tx, ref.id, f, id)) return null;
        await tx.query(
          `UPDATE contact_points SET value = $3, search_key = $4, type = $5, verified = $6, consent_on = $7,
             opted_out_on = $8, updated_at = now() WHERE customer_id = $1 AND id = $2`,
          [
            ref.id,
            id,
            f.value,
            searchKey(f.kind, f.value),
            f.type,
            f.verified,
            f.consentOn,
            f.optedOutOn,
          ],
        );
        if (primary) await this.mirrorPoint(tx, ref.id, f.kind, f.value);
        await this.optOut(tx, ref.id, optOut);
        return id;
      },
      (tx, id) => this.points(tx, ref.id, id),
    );
  }

  deleteContactPoint(ref: CustomerRef, id: number, change: Change): Promise<void> {
    return this.deleteEntry(
      ref,
      id,
      change,
      'contact_points',
      (tx, id) => this.points(tx, ref.id, id),
      (tx, p) => this.mirrorPoint(tx, ref.id, p.kind, null),
    );
  }

  private async mirrorAddress(db: SqlConnection, customerId: number, a: AddressFields | null) {
    await db.query(
      a
        ? 'UPDATE customers SET address = $2, latitude = $3, longitude = $4, updated_at = now() WHERE id = $1'
        : `UPDATE customers c SET address = n.line, latitude = n.latitude, longitude = n.longitude, updated_at = now()
           FROM (SELECT $1::bigint AS customer_id) k
           LEFT JOIN LATERAL (SELECT line, latitude, longitude FROM customer_addresses
             WHERE customer_id = k.customer_id ORDER BY updated_at DESC, id DESC LIMIT 1) n ON true
           WHERE c.id = k.customer_id`,
      a ? [customerId, a.line, a.latitude, a.longitude] : [customerId],
    );
  }

  insertAddress(
    ref: CustomerRef,
    a: AddressFields,
    primary: boolean,
    change: Change,
  ): Promise<Address | null> {
    return this.saveEntry(
      ref,
      change,
      async (tx) => {
        await this.ensurePrimaries(tx, ref.id);
        const r = await tx.query<{ id: number }>(
          `INSERT INTO customer_addresses (customer_id, type, line, latitude, longitude, source, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING RETURNING id`,
          [ref.id, a.type, a.line, a.latitude, a.longitude, change.actor],
        );
        const id = r.rows[0]?.id;
        if (id === undefined) return null;
        if (primary) await this.mirrorAddress(tx, ref.id, a);
        return Number(id);
      },
      (tx, id) => this.addressRows(tx, ref.id, id),
    );
  }

  updateAddress(
    ref: CustomerRef,
    id: number,
    a: AddressFields,
    primary: boolean,
    change: Change,
  ): Promise<Address | null> {
    return this.saveEntry(
      ref,
      change,
      async (tx) => {
        const dup = await tx.query(
          'SELECT 1 FROM customer_addresses WHERE customer_id = $1 AND line = $2 AND id <> $3',
          [ref.id, a.line, id],
        );
        if (dup.rows.length > 0) return null;
        await tx.query(
          `UPDATE customer_addresses SET type = $3, line = $4, latitude = $5, longitude = $6, updated_at = now()
           WHERE customer_id = $1 AND id = $2`,
          [ref.id, id, a.type, a.line, a.latitude, a.longitude],
        );
        if (primary) await this.mirrorAddress(tx, ref.id, a);
        return id;
      },
      (tx, id) => this.addressRows(tx, ref.id, id),
    );
  }

  deleteAddress(ref: CustomerRef, id: number, change: Change): Promise<void> {
    return this.deleteEntry(
      ref,
      id,
      change,
      'customer_addresses',
      (tx, id) => this.addressRows(tx, ref.id, id),
      (tx) => this.mirrorAddress(tx, ref.id, null),
    );
  }

  private async financialsOf(db: SqlConnection, customerId: number): Promise<Financials | null> {
    const r = await db.query<{
      employer: string | null;
      occupation: string | null;
      income: number | null;
      income_currency: string | null;
      income_period: Financials['incomePeriod'];
      updated_by: string;
      updated_at: string;
    }>('SELECT * FROM customer_financials WHERE customer_id = $1', [customerId]);
    const f = r.rows[0];
    return f
      ? {
          employer: f.employer,
          occupation: f.occupation,
          incomeMinor: f.income === null ? null : Number(f.income),
          incomeCurrency: f.income_currency?.trim() ?? null,
          incomePeriod: f.income_period,
          updatedBy: f.updated_by,
          updatedAt: f.updated_at,
        }
      : null;
  }

  financials(ref: CustomerRef): Promise<Financials | null> {
    return this.financialsOf(this.db, ref.id);
  }

  saveFinancials(ref: CustomerRef, f: FinancialFields, change: Change): Promise<Financials> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO customer_financials (customer_id, employer, occupation, income, income_currency,
           income_period, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (customer_id) DO UPDATE SET employer = EXCLUDED.employer,
           occupation = EXCLUDED.occupation, income = EXCLUDED.income,
           income_currency = EXCLUDED.income_currency, income_period = EXCLUDED.income_period,
           updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
        [
          ref.id,
          f.employer,
          f.occupation,
          f.incomeMinor,
          f.incomeCurrency,
          f.incomePeriod,
          change.actor,
          change.at.toISOString(),
        ],
      );
      await this.recordChange(tx, ref.id, change);
      return (await this.financialsOf(tx, ref.id))!;
    });
  }

  addTag(ref: CustomerRef, tag: string, change: Change): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `INSERT INTO customer_tags (customer_id, tag, added_by, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [ref.id, tag, change.actor, change.at.toISOString()],
      );
      if (r.rowCount === 0) return false;
      await this.recordChange(tx, ref.id, change);
      return true;
    });
  }

  removeTag(ref: CustomerRef, tag: string, change: Change): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query('DELETE FROM customer_tags WHERE customer_id = $1 AND tag = $2', [
        ref.id,
        tag,
      ]);
      if (r.rowCount === 0) return false;
      await this.recordChange(tx, ref.id, change);
      return true;
    });
  }

  async accountOf(ref: CustomerRef, accountExt: string): Promise<number | null> {
    const r = await this.db.query<{ id: number }>(
      'SELECT id FROM accounts WHERE customer_id = $1 AND external_id = $2',
      [ref.id, accountExt],
    );
    return r.rows[0] ? Number(r.rows[0].id) : null;
  }

  private async notes(
    db: SqlConnection,
    customerId: number,
    id?: number,
    limit = 50,
  ): Promise<Note[]> {
    const r = await db.query<{
      id: number;
      account: string | null;
      body: string;
      written_by: string;
      written_at: string;
    }>(
      `SELECT n.id, a.external_id AS account, n.body, n.written_by, n.written_at
       FROM customer_notes n LEFT JOIN accounts a ON a.id = n.account_id
       WHERE n.customer_id = $1 AND n.removed_at IS NULL ${id === undefined ? '' : 'AND n.id = $3'}
       ORDER BY n.written_at DESC, n.id DESC LIMIT $2`,
      id === undefined ? [customerId, limit] : [customerId, limit, id],
    );
    return r.rows.map((n) => ({
      id: Number(n.id),
      account: n.account,
      body: n.body,
      writtenBy: n.written_by,
      writtenAt: n.written_at,
    }));
  }

  addNote(ref: CustomerRef, accountId: number | null, body: string, change: Change): Promise<Note> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO customer_notes (customer_id, account_id, body, written_by, written_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [ref.id, accountId, body, change.actor, change.at.toISOString()],
      );
      const id = Number(r.rows[0]!.id);
      await this.recordChange(tx, ref.id, change, String(id));
      return (await this.notes(tx, ref.id, id))[0]!;
    });
  }

  async note(ref: CustomerRef, id: number): Promise<Note | null> {
    return (await this.notes(this.db, ref.id, id))[0] ?? null;
  }

  removeNote(ref: CustomerRef, id: number, change: Change): Promise<void> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        'UPDATE customer_notes SET removed_by = $3, removed_at = $4 WHERE customer_id = $1 AND id = $2',
        [ref.id, id, change.actor, change.at.toISOString()],
      );
      await this.recordChange(tx, ref.id, change);
    });
  }

  async recordView(
    ref: CustomerRef,
    at: Date,
    actor: string,
    role: Role,
    view: string,
    fields: readonly string[],
  ): Promise<void> {
    // the view and its audit entry commit together
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO personal_data_views (customer_id, at, actor, role, view, fields)
         VALUES ($1, $2, $3, $4, $5, $6::text[])`,
        [ref.id, at.toISOString(), actor, role, view, fields],
      );
      await appendIn(tx, [
        {
          at,
          actor,
          role,
          action: 'personal_data.view',
          entity: 'customer',
          entityId: ref.ext,
          before: null,
          after: { view, fields },
        },
      ]);
    });
  }

  private async accounts(customerId: number): Promise<FileAccount[]> {
    const [accounts, scores, holds] = await Promise.all([
      this.db.query<
        {
          id: number;
          ext: string;
          product: string;
          currency: string;
          principal: number;
          opened_on: string;
          tier: string | null;
          tier_purpose: string;
          tier_on: string;
          segment_id: string | null;
        } & StateColumns
      >(
        `SELECT a.id, a.external_id AS ext, a.product, a.currency, a.principal, a.opened_on,
                s.outstanding, s.arrears, s.credit, s.past_due_days, s.delinquent_days, s.bucket, s.ageing,
                s.next_due_date, s.last_paid_on, s.on_hold,
                t.tier, t.purpose AS tier_purpose, t.changed_on AS tier_on, sa.segment_id
         FROM accounts a LEFT JOIN account_states s ON s.account_id = a.id
         LEFT JOIN account_tiers t ON t.account_id = a.id
         LEFT JOIN strategy_assignments sa ON sa.account_id = a.id
         WHERE a.customer_id = $1 ORDER BY a.external_id`,
        [customerId],
      ),
      this.db.query<{
        account_id: number;
        purpose: string;
        points: number;
        probability: number;
        band: string;
        reasons: string[];
        changed_on: string;
      }>(
        `SELECT sc.account_id, sc.purpose, sc.points, sc.probability, sc.band, sc.reasons, sc.changed_on
         FROM account_scores sc JOIN accounts a ON a.id = sc.account_id
         WHERE a.customer_id = $1 ORDER BY sc.purpose`,
        [customerId],
      ),
      this.db.query<{
        id: number;
        account_id: number;
        kind: string;
        from_date: string;
        to_date: string | null;
        note: string | null;
      }>(
        `SELECT h.id, h.account_id, h.kind, h.from_date, h.to_date, h.note
         FROM holds h JOIN accounts a ON a.id = h.account_id
         WHERE a.customer_id = $1 ORDER BY h.from_date DESC, h.id DESC`,
        [customerId],
      ),
    ]);
    return accounts.rows.map((a) => ({
      id: a.ext,
      product: a.product,
      currency: a.currency.trim(),
      principalMinor: Number(a.principal),
      openedOn: a.opened_on,
      state:
        (a.outstanding as number | null) === null
          ? null
          : {
              outstandingMinor: Number(a.outstanding),
              arrearsMinor: Number(a.arrears),
              creditMinor: Number(a.credit),
              pastDueDays: a.past_due_days,
              delinquentDays: a.delinquent_days,
              bucket: a.bucket,
              ageing: a.ageing,
              nextDueDate: a.next_due_date,
              lastPaidOn: a.last_paid_on,
              onHold: a.on_hold,
            },
      scores: scores.rows
        .filter((s) => Number(s.account_id) === Number(a.id))
        .map((s) => ({
          purpose: s.purpose,
          points: s.points,
          probability: s.probability,
          band: s.band,
          reasons: s.reasons,
          changedOn: s.changed_on,
        })),
      tier:
        a.tier === null ? null : { tier: a.tier, purpose: a.tier_purpose, changedOn: a.tier_on },
      segment: a.segment_id,
      holds: holds.rows
        .filter((h) => Number(h.account_id) === Number(a.id))
        .map((h) => ({
          id: Number(h.id),
          kind: h.kind,
          from: h.from_date,
          to: h.to_date,
          note: h.note,
        })),
    }));
  }

  async file(ref: CustomerRef, now: Date): Promise<StoredFile> {
    await this.ensurePrimaries(this.db, ref.id);
    const [c, points, addresses, financials, accounts, tags, notes, optOuts] = await Promise.all([
      this.db.query<{
        name: string;
        language: string;
        timezone: string;
        jurisdiction: string;
        do_not_contact: boolean;
        erased_at: Date | string | null;
        erased_by: string | null;
        erasure_reason: string | null;
      }>(
        `SELECT c.name, c.language, c.timezone, c.jurisdiction, c.do_not_contact, e.erased_at,
                e.erased_by, e.reason AS erasure_reason
         FROM customers c LEFT JOIN customer_erasures e ON e.external_id = c.external_id
         WHERE c.id = $1`,
        [ref.id],
      ),
      this.points(this.db, ref.id),
      this.addressRows(this.db, ref.id),
      this.financialsOf(this.db, ref.id),
      this.accounts(ref.id),
      this.db.query<{ tag: string }>(
        'SELECT tag FROM customer_tags WHERE customer_id = $1 ORDER BY tag',
        [ref.id],
      ),
      this.notes(this.db, ref.id),
      // the opt-outs in force, as the contact rules read them
      this.db.query<{ channel: string; recipient: string | null; since: string; source: string }>(
        `SELECT channel, value AS recipient, since, source FROM contact_preferences
         WHERE customer_id = $1 AND kind = 'opt_out' AND (until IS NULL OR until > $2)
         ORDER BY since, id`,
        [ref.id, now.toISOString()],
      ),
    ]);
    const row = c.rows[0]!;
    return {
      id: ref.ext,
      name: row.name,
      language: row.language,
      timezone: row.timezone,
      jurisdiction: row.jurisdiction,
      doNotContact: row.do_not_contact,
      phones: points.filter((p) => p.kind === 'phone'),
      emails: points.filter((p) => p.kind === 'email'),
      addresses,
      financials,
      accounts,
      tags: tags.rows.map((t) => t.tag),
      notes,
      optOuts: optOuts.rows,
      erased:
        row.erased_at === null
          ? null
          : {
              at: new Date(row.erased_at).toISOString(),
              by: row.erased_by!,
              reason: row.erasure_reason!,
            },
    };
  }

  /**
   * Each way the text may name a customer is one branch, each taking its first page in
   * customer-id order by itself (a common name walks the id index and stops at the page; a rare
   * one is read from its own index), merged and cut to the page.
   */
  async search(
    terms: SearchTerms,
    after: string | undefined,
    limit: number,
    within?: string,
  ): Promise<SearchHit[]> {
    const params: unknown[] = [terms.id, after ?? null, limit];
    const add = (v: unknown) => `$${params.push(v)}`;
    const mine = within === undefined ? '' : ` AND c.id IN (${WORKED_BY(add(within))})`;
    const page = `($2::text IS NULL OR c.external_id > $2::text)${mine}`;
    const branch = (from: string, where: string) =>
      `(SELECT c.id, c.external_id FROM ${from} WHERE ${where} AND ${page}
        ORDER BY c.external_id LIMIT $3)`;
    const branches: string[] = [];
    if (terms.id !== '') {
      branches.push(branch('customers c', 'c.external_id = $1::text'));
      branches.push(
        branch('accounts a JOIN customers c ON c.id = a.customer_id', 'a.external_id = $1::text'),
      );
    }
    for (const [kind, key] of [
      ['phone', terms.phoneKey],
      ['email', terms.emailPrefix],
    ] as const) {
      if (!key) continue;
      const lo = add(key);
      const hi = add(prefixEnd(key));
      const col = kind === 'phone' ? PHONE_KEY('c.phone') : 'lower(c.email)';
      branches.push(branch('customers c', `${col} ~>=~ ${lo} AND ${col} ~<~ ${hi}`));
      branches.push(
        branch(
          'contact_points cp JOIN customers c ON c.id = cp.customer_id',
          `cp.kind = '${kind}' AND cp.search_key ~>=~ ${lo} AND cp.search_key ~<~ ${hi}`,
        ),
      );
    }
    if (terms.nameWords.length > 0) {
      const tsq = add(tsPrefixQuery(terms.nameWords));
      const match = `to_tsvector('simple', c.name) @@ to_tsquery('simple', ${tsq})`;
      // The planner cannot tell a rare name from a common one: a common one is best found
      // walking the ids in order, a rare one from the name index. A bounded look at the name
      // index tells which (the fence keeps it on the index).
      const probe = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM (SELECT c.id FROM customers c WHERE
           to_tsvector('simple', c.name) @@ to_tsquery('simple', $1) OFFSET 0) f LIMIT ${COMMON_NAME}) x`,
        [params[params.length - 1]],
      );
      branches.push(
        probe.rows[0]!.n >= COMMON_NAME
          ? branch('customers c', match)
          : `(SELECT id, external_id FROM (SELECT c.id, c.external_id FROM customers c
               WHERE ${match} AND ${page} OFFSET 0) f ORDER BY external_id LIMIT $3)`,
      );
    }
    const hits =
      branches.length > 0
        ? `SELECT DISTINCT id, external_id FROM (${branches.join(' UNION ALL ')}) b`
        : `SELECT c.id, c.external_id FROM customers c WHERE ${page}`;
    const r = await this.db.query<{
      id: string;
      name: string;
      phone: string | null;
      email: string | null;
      address: string | null;
      accounts: string[];
    }>(
      `WITH hits AS MATERIALIZED (
         SELECT id, external_id FROM (${hits}) h WHERE $1::text IS NOT NULL
         ORDER BY external_id LIMIT $3)
       SELECT c.external_id AS id, c.name, c.phone, c.email, c.address,
              ARRAY(SELECT a.external_id FROM accounts a WHERE a.customer_id = c.id ORDER BY a.external_id) AS accounts
       FROM hits JOIN customers c ON c.id = hits.id
       ORDER BY c.external_id`,
      params,
    );
    return r.rows;
  }

  async timeline(
    ref: CustomerRef,
    kinds: readonly TimelineKind[],
    before: TimelineCursor | null,
    limit: number,
  ): Promise<TimelineEntry[]> {
    return readTimeline(this.db, ref.id, kinds, before, limit);
  }

  async habitData(ref: CustomerRef): Promise<HabitData> {
    const [accounts, instalments, payments, promises] = await Promise.all([
      this.db.query<{ id: number; ext: string; product: Product; currency: string }>(
        'SELECT id, external_id AS ext, product, currency FROM accounts WHERE customer_id = $1 ORDER BY external_id',
        [ref.id],
      ),
      this.db.query<{
        account_id: number;
        seq: number;
        due_date: string;
        principal_due: number;
        interest_due: number;
        fees_due: number;
      }>(
        `SELECT i.account_id, i.seq, i.due_date, i.principal_due, i.interest_due, i.fees_due
         FROM instalments i JOIN accounts a ON a.id = i.account_id WHERE a.customer_id = $1`,
        [ref.id],
      ),
      this.db.query<{ account_id: number; external_id: string; paid_on: string; amount: number }>(
        `SELECT p.account_id, p.external_id, p.paid_on, p.amount
         FROM payments p JOIN accounts a ON a.id = p.account_id WHERE a.customer_id = $1`,
        [ref.id],
      ),
      this.db.query<{ status: PromiseStatus; amount: number; paid: number; late: boolean }>(
        'SELECT status, amount, paid, late FROM promises WHERE customer_id = $1',
        [ref.id],
      ),
    ]);
    return {
      accounts: accounts.rows.map((a) => ({
        id: a.ext,
        product: a.product,
        currency: a.currency.trim(),
        instalments: instalments.rows
          .filter((i) => Number(i.account_id) === Number(a.id))
          .map((i) => ({
            seq: i.seq,
            dueDate: i.due_date,
            principal: Number(i.principal_due),
            interest: Number(i.interest_due),
            fees: Number(i.fees_due),
          })),
        payments: payments.rows
          .filter((p) => Number(p.account_id) === Number(a.id))
          .map((p) => ({ id: p.external_id, paidOn: p.paid_on, amount: Number(p.amount) })),
      })),
      promises: promises.rows.map((p) => ({
        status: p.status,
        amountMinor: Number(p.amount),
        paidMinor: Number(p.paid),
        late: p.late,
      })),
    };
  }
}
