/** Promises to pay on the database: the store of the use cases (app/promises). */
import { readPolicy, writeSetting } from './settings.ts';
import type {
  NewPromiseRow,
  PromiseAccount,
  PromiseFilter,
  PromiseRecordRow,
  PromiseStore,
  StoredPromise,
} from '../../app/promises/ports.ts';
import {
  DEFAULT_PROMISE_POLICY,
  parsePromisePolicy,
  type PromisePolicy,
} from '../../domain/promises/promise.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { Database } from './sql-client.ts';

const POLICY_KEY = 'promises.policy';

const COLUMNS = `p.id, a.external_id AS account, p.amount, p.currency, p.promised_for::text AS promised_for,
  p.made_on::text AS made_on, p.made_at, p.grace_days, p.tolerance, p.channel, p.made_by, p.segment_id,
  p.status, p.paid, p.resolved_on::text AS resolved_on, p.late, p.cancelled_by, p.cancel_reason,
  p.request_key, p.notes`;

interface Row {
  id: number | string;
  account: string;
  amount: number | string;
  currency: string;
  promised_for: string;
  made_on: string;
  made_at: Date | string;
  grace_days: number;
  tolerance: number | string;
  channel: StoredPromise['channel'];
  made_by: string;
  segment_id: string | null;
  status: StoredPromise['status'];
  paid: number | string;
  resolved_on: string | null;
  late: boolean;
  cancelled_by: string | null;
  cancel_reason: string | null;
  request_key: string | null;
  notes: string | null;
}

const toPromise = (r: Row): StoredPromise => ({
  id: Number(r.id),
  account: r.account,
  amountMinor: Number(r.amount),
  currency: r.currency.trim(),
  promisedFor: r.promised_for,
  madeOn: r.made_on,
  madeAt: new Date(r.made_at).toISOString(),
  graceDays: r.grace_days,
  toleranceMinor: Number(r.tolerance),
  channel: r.channel,
  madeBy: r.made_by,
  segmentId: r.segment_id,
  status: r.status,
  paidMinor: Number(r.paid),
  resolvedOn: r.resolved_on,
  late: r.late,
  cancelledBy: r.cancelled_by,
  cancelReason: r.cancel_reason,
  requestKey: r.request_key,
  notes: r.notes,
});

const INSERT_COLUMNS = [
  'account_id',
  'customer_id',
  'amount',
  'currency',
  'promised_for',
  'made_on',
  'made_at',
  'grace_days',
  'tolerance',
  'channel',
  'made_by',
  'strategy_version_id',
  'segment_id',
  'request_key',
  'notes',
] as const;

const valuesOf = (r: NewPromiseRow) => [
  r.accountId,
  r.customerId,
  r.amountMinor,
  r.currency,
  r.promisedFor,
  r.madeOn,
  r.madeAt.toISOString(),
  r.graceDays,
  r.toleranceMinor,
  r.channel,
  r.madeBy,
  r.strategyVersionId,
  r.segmentId,
  r.requestKey,
  r.notes,
];

export class SqlPromiseStore implements PromiseStore {
  constructor(private readonly db: Database) {}

  async accounts(exts: readonly string[]): Promise<Map<string, PromiseAccount>> {
    const r = await this.db.query<{
      id: number | string;
      ext: string;
      customer_id: number | string;
      currency: string;
      timezone: string;
      outstanding: number | string | null;
      arrears: number | string | null;
      open: boolean;
      strategy_version_id: number | string | null;
      segment_id: string | null;
    }>(
      `SELECT a.id, a.external_id AS ext, a.customer_id, a.currency, c.timezone, s.outstanding, s.arrears,
              EXISTS (SELECT 1 FROM promises p WHERE p.account_id = a.id AND p.status = 'open') AS open,
              sa.strategy_version_id, sa.segment_id
       FROM accounts a JOIN customers c ON c.id = a.customer_id
       LEFT JOIN account_states s ON s.account_id = a.id
       LEFT JOIN strategy_assignments sa ON sa.account_id = a.id
       WHERE a.external_id = ANY($1::text[])`,
      [exts],
    );
    return new Map(
      r.rows.map((x) => [
        x.ext,
        {
          id: Number(x.id),
          ext: x.ext,
          customerId: Number(x.customer_id),
          currency: x.currency.trim(),
          timezone: x.timezone,
          outstandingMinor: x.outstanding === null ? null : Number(x.outstanding),
          arrearsMinor: x.arrears === null ? null : Number(x.arrears),
          hasOpenPromise: x.open,
          strategyVersionId: x.strategy_version_id === null ? null : Number(x.strategy_version_id),
          segmentId: x.segment_id,
        },
      ]),
    );
  }

  async account(ext: string): Promise<PromiseAccount | null> {
    return (await this.accounts([ext])).get(ext) ?? null;
  }

  private async one(where: string, params: unknown[]): Promise<StoredPromise | null> {
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM promises p JOIN accounts a ON a.id = p.account_id WHERE ${where}`,
      params,
    );
    return r.rows[0] ? toPromise(r.rows[0]) : null;
  }

  byRequestKey(key: string): Promise<StoredPromise | null> {
    return this.one('p.request_key = $1', [key]);
  }

  get(id: number): Promise<StoredPromise | null> {
    return this.one('p.id = $1', [id]);
  }

  async insert(row: NewPromiseRow): Promise<StoredPromise | null> {
    const r = await this.db.query<{ id: number | string }>(
      `INSERT INTO promises (${INSERT_COLUMNS.join(', ')})
       VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT DO NOTHING RETURNING id`,
      valuesOf(row),
    );
    if (r.rows[0]) return this.get(Number(r.rows[0].id));
    // the same request raced this one, or the account has an open promise
    return row.requestKey ? this.byRequestKey(row.requestKey) : null;
  }

  insertMany(rows: readonly NewPromiseRow[]): Promise<number> {
    // COPY into the table: a second open promise for an account, or a request key seen before,
    // fails the whole file
    return this.db.transaction((tx) => tx.copyFrom('promises', INSERT_COLUMNS, rows.map(valuesOf)));
  }

  async cancel(id: number, by: string, reason: string): Promise<StoredPromise | null> {
    const r = await this.db.query(
      `UPDATE promises SET status = 'cancelled', cancelled_by = $2, cancel_reason = $3
       WHERE id = $1 AND status = 'open'`,
      [id, by, reason],
    );
    return r.rowCount > 0 ? this.get(id) : null;
  }

  async list(f: PromiseFilter): Promise<StoredPromise[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (cond: (n: string) => string, v: unknown) => {
      params.push(v);
      where.push(cond(`$${params.length}`));
    };
    if (f.account !== undefined) add((n) => `a.external_id = ${n}`, f.account);
    if (f.status !== undefined) add((n) => `p.status = ${n}`, f.status);
    if (f.madeBy !== undefined) add((n) => `p.made_by = ${n}`, f.madeBy);
    if (f.from !== undefined) add((n) => `p.made_on >= ${n}::date`, f.from);
    if (f.to !== undefined) add((n) => `p.made_on <= ${n}::date`, f.to);
    if (f.before !== undefined) add((n) => `p.id < ${n}`, f.before);
    params.push(f.limit);
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM promises p JOIN accounts a ON a.id = p.account_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY p.id DESC LIMIT $${params.length}`,
      params,
    );
    return r.rows.map(toPromise);
  }

  async records(from: LocalDate, to: LocalDate): Promise<PromiseRecordRow[]> {
    const r = await this.db.query<{
      status: PromiseRecordRow['status'];
      amount: number | string;
      paid: number | string;
      late: boolean;
      currency: string;
      made_by: string;
      segment_id: string | null;
    }>(
      `SELECT status, amount, paid, late, currency, made_by, segment_id FROM promises
       WHERE made_on >= $1::date AND made_on <= $2::date`,
      [from, to],
    );
    return r.rows.map((x) => ({
      status: x.status,
      amountMinor: Number(x.amount),
      paidMinor: Number(x.paid),
      late: x.late,
      currency: x.currency.trim(),
      madeBy: x.made_by,
      segmentId: x.segment_id,
    }));
  }

  policy(): Promise<PromisePolicy> {
    return readPolicy(this.db, POLICY_KEY, parsePromisePolicy, DEFAULT_PROMISE_POLICY);
  }

  savePolicy(policy: PromisePolicy): Promise<void> {
    return writeSetting(this.db, POLICY_KEY, policy);
  }
}
