/** Repayment plans on the database: the store of the use cases (app/plans). */
import { readPolicy, writeSetting } from './settings.ts';
import type {
  NewPlan,
  PlanAccount,
  PlanDecision,
  PlanEvent,
  PlanFilter,
  PlanStore,
  StoredPlan,
} from '../../app/plans/ports.ts';
import { AppError } from '../../app/shared/errors.ts';
import type { Actor } from '../../domain/access/roles.ts';
import type { Instalment, Payment, Product } from '../../domain/ledger/types.ts';
import type { PlanQuote } from '../../domain/plans/plan.ts';
import {
  DEFAULT_PLAN_POLICY,
  parsePlanPolicy,
  type PlanPolicy,
} from '../../domain/plans/policy.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { changeSchedule, restoreSchedules } from './plan-follow.ts';
import type { Database, SqlConnection } from './sql-client.ts';

const POLICY_KEY = 'plans.policy';

/** An account's schedule and payments as JSON, in schedule order (`acc` is the account row). */
const LEDGER_JSON = (acc: string) => `
  COALESCE((SELECT json_agg(json_build_object('seq', i.seq, 'dueDate', i.due_date::text,
      'principal', i.principal_due, 'interest', i.interest_due, 'fees', i.fees_due)
      ORDER BY i.due_date, i.seq) FROM instalments i WHERE i.account_id = ${acc}.id), '[]') AS instalments,
  COALESCE((SELECT json_agg(json_build_object('id', y.external_id, 'paidOn', y.paid_on::text,
      'amount', y.amount) ORDER BY y.paid_on, y.external_id)
      FROM payments y WHERE y.account_id = ${acc}.id), '[]') AS payments`;

interface LedgerJson {
  instalments: Instalment[];
  payments: Payment[];
}

const numbers = (l: LedgerJson): LedgerJson => ({
  instalments: l.instalments.map((i) => ({
    seq: i.seq,
    dueDate: i.dueDate,
    principal: Number(i.principal),
    interest: Number(i.interest),
    fees: Number(i.fees),
  })),
  payments: l.payments.map((p) => ({ id: p.id, paidOn: p.paidOn, amount: Number(p.amount) })),
});

const COLUMNS = `p.id, a.external_id AS account, p.kind, p.status, p.terms, p.currency, p.covered,
  p.pay, p.write_off, p.waived_interest, p.fee, p.term_days, p.paid_count,
  p.missed_due_date::text AS missed_due_date, p.beyond, p.proposed_on::text AS proposed_on,
  p.proposed_by, p.proposed_role, p.decided_by, p.decided_role, p.decision_note,
  p.started_on::text AS started_on, p.ended_on::text AS ended_on, p.grace_days, p.on_break,
  p.request_key, p.notes,
  COALESCE((SELECT json_agg(json_build_object('seq', pp.seq, 'dueDate', pp.due_date::text,
      'amountMinor', pp.amount) ORDER BY pp.seq) FROM plan_payments pp WHERE pp.plan_id = p.id),
    '[]') AS payments`;

interface Row {
  id: number | string;
  account: string;
  kind: StoredPlan['kind'];
  status: StoredPlan['status'];
  terms: StoredPlan['terms'];
  currency: string;
  covered: number | string;
  pay: number | string;
  write_off: number | string;
  waived_interest: number | string;
  fee: number | string;
  term_days: number;
  paid_count: number;
  missed_due_date: string | null;
  beyond: StoredPlan['beyond'];
  proposed_on: string;
  proposed_by: string;
  proposed_role: string;
  decided_by: string | null;
  decided_role: string | null;
  decision_note: string | null;
  started_on: string | null;
  ended_on: string | null;
  grace_days: number;
  on_break: string;
  request_key: string | null;
  notes: string | null;
  payments: { seq: number; dueDate: string; amountMinor: number | string }[];
}

const toPlan = (r: Row): StoredPlan => ({
  id: Number(r.id),
  account: r.account,
  kind: r.kind,
  status: r.status,
  terms: r.terms,
  currency: r.currency.trim(),
  coveredMinor: Number(r.covered),
  payMinor: Number(r.pay),
  writeOffMinor: Number(r.write_off),
  waivedInterestMinor: Number(r.waived_interest),
  feeMinor: Number(r.fee),
  termDays: r.term_days,
  payments: r.payments.map((x) => ({
    seq: x.seq,
    dueDate: x.dueDate,
    amountMinor: Number(x.amountMinor),
  })),
  paidCount: r.paid_count,
  missedDueDate: r.missed_due_date,
  beyond: r.beyond,
  proposedOn: r.proposed_on,
  proposedBy: r.proposed_by,
  proposedRole: r.proposed_role,
  decidedBy: r.decided_by,
  decidedRole: r.decided_role,
  decisionNote: r.decision_note,
  startedOn: r.started_on,
  endedOn: r.ended_on,
  graceDays: r.grace_days,
  onBreak: r.on_break,
  requestKey: r.request_key,
  notes: r.notes,
});

async function event(
  tx: SqlConnection,
  planId: number,
  accountId: number,
  at: Date,
  actor: Actor,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await tx.query(
    `INSERT INTO plan_events (plan_id, account_id, at, actor, role, action, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [planId, accountId, at.toISOString(), actor.user, actor.role, action, JSON.stringify(detail)],
  );
}

const changed = () =>
  new AppError(
    'CONFLICT',
    'the account changed while the plan was being agreed (a payment or another change): try again',
  );

/** Checks, in the transaction and with the account locked, that its ledger is the one quoted. */
async function lockLedger(tx: SqlConnection, acc: PlanAccount): Promise<void> {
  const r = await tx.query<LedgerJson>(
    `SELECT ${LEDGER_JSON('a')} FROM accounts a WHERE a.id = $1 FOR UPDATE`,
    [acc.id],
  );
  const now = numbers(r.rows[0]!);
  const quoted = { instalments: acc.instalments, payments: acc.payments };
  if (JSON.stringify(now) !== JSON.stringify(numbers(quoted))) throw changed();
}

/** Starts a plan: the schedule change, its payments' instalments. */
async function start(
  tx: SqlConnection,
  planId: number,
  acc: PlanAccount,
  q: PlanQuote,
  day: LocalDate,
  at: Date,
  actor: Actor,
): Promise<void> {
  const change = await changeSchedule(tx, {
    accountId: acc.id,
    planId,
    day,
    reason: 'plan_started',
    removedSeqs: q.removed.map((r) => r.seq),
    added: q.added,
  });
  if (!change) throw changed();
  await tx.query('DELETE FROM plan_payments WHERE plan_id = $1', [planId]);
  await tx.copyFrom(
    'plan_payments',
    ['plan_id', 'seq', 'account_id', 'instalment_seq', 'due_date', 'amount'],
    q.payments.map((p) => [planId, p.seq, acc.id, p.instalmentSeq, p.dueDate, p.amountMinor]),
  );
  await tx.query(
    `UPDATE plans SET status = 'active', started_on = $2::date, remainder_seq = $3 WHERE id = $1`,
    [planId, day, q.remainderSeq],
  );
  await event(tx, planId, acc.id, at, actor, 'started', {
    scheduleVersion: change.version,
    superseded: q.removed.map((r) => r.seq),
    added: q.added.map((r) => r.seq),
  });
}

/** Ends a hardship hold placed for a plan's review, on `day`. */
async function releaseHold(
  tx: SqlConnection,
  planId: number,
  accountId: number,
  d: PlanDecision,
): Promise<void> {
  const r = await tx.query(
    `UPDATE holds h SET to_date = $2::date FROM plans p
     WHERE p.id = $1 AND h.id = p.hold_id AND h.to_date IS NULL`,
    [planId, d.today],
  );
  if (r.rowCount > 0) await event(tx, planId, accountId, d.at, d.actor, 'hold_released');
}

export class SqlPlanStore implements PlanStore {
  constructor(private readonly db: Database) {}

  async accounts(exts: readonly string[]): Promise<Map<string, PlanAccount>> {
    const r = await this.db.query<
      LedgerJson & {
        id: number | string;
        ext: string;
        product: Product;
        currency: string;
        timezone: string;
        open_plan: number | string | null;
        strategy_version_id: number | string | null;
        segment_id: string | null;
      }
    >(
      `SELECT a.id, a.external_id AS ext, a.product, a.currency, c.timezone, ${LEDGER_JSON('a')},
              (SELECT p.id FROM plans p WHERE p.account_id = a.id
                 AND p.status IN ('pending', 'active')) AS open_plan,
              sa.strategy_version_id, sa.segment_id
       FROM accounts a JOIN customers c ON c.id = a.customer_id
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
          product: x.product,
          currency: x.currency.trim(),
          timezone: x.timezone,
          ...numbers(x),
          openPlanId: x.open_plan === null ? null : Number(x.open_plan),
          strategyVersionId: x.strategy_version_id === null ? null : Number(x.strategy_version_id),
          segmentId: x.segment_id,
        },
      ]),
    );
  }

  private async one(where: string, params: unknown[], tx: SqlConnection = this.db) {
    const r = await tx.query<Row>(
      `SELECT ${COLUMNS} FROM plans p JOIN accounts a ON a.id = p.account_id WHERE ${where}`,
      params,
    );
    return r.rows[0] ? toPlan(r.rows[0]) : null;
  }

  byRequestKey(key: string): Promise<StoredPlan | null> {
    return this.one('p.request_key = $1', [key]);
  }

  get(id: number): Promise<StoredPlan | null> {
    return this.one('p.id = $1', [id]);
  }

  /** Records one plan in `tx`; its id, or null when the account has an open plan. */
  private async record(tx: SqlConnection, n: NewPlan): Promise<number | null> {
    const acc = n.account;
    await lockLedger(tx, acc);
    const q = n.quote;
    const ins = await tx.query<{ id: number | string }>(
      `INSERT INTO plans (account_id, kind, status, terms, currency, covered, pay, write_off,
         waived_interest, fee, term_days, beyond, proposed_on, proposed_by, proposed_role,
         grace_days, tolerance_percent, on_break, strategy_version_id, segment_id, request_key, notes)
       VALUES ($1, $2, 'pending', $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12::date, $13,
         $14, $15, $16, $17, $18, $19, $20, $21)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        acc.id,
        q.kind,
        JSON.stringify(n.terms),
        acc.currency,
        q.coveredMinor,
        q.payMinor,
        q.writeOffMinor,
        q.waivedInterestMinor,
        q.feeMinor,
        q.termDays,
        JSON.stringify(n.beyond),
        n.today,
        n.actor.user,
        n.actor.role,
        n.policy.graceDays,
        n.policy.tolerancePercent,
        n.policy.onBreak,
        acc.strategyVersionId,
        acc.segmentId,
        n.requestKey,
        n.notes,
      ],
    );
    if (!ins.rows[0]) return null;
    const id = Number(ins.rows[0].id);
    await event(tx, id, acc.id, n.at, n.actor, 'proposed', {
      kind: q.kind,
      terms: n.terms,
      coveredMinor: q.coveredMinor,
      payMinor: q.payMinor,
      writeOffMinor: q.writeOffMinor,
      payments: q.payments.map((p) => ({ dueDate: p.dueDate, amountMinor: p.amountMinor })),
    });
    if (n.status === 'active') {
      await start(tx, id, acc, q, n.today, n.at, n.actor);
      return id;
    }
    await tx.copyFrom(
      'plan_payments',
      ['plan_id', 'seq', 'account_id', 'instalment_seq', 'due_date', 'amount'],
      q.payments.map((p) => [id, p.seq, acc.id, p.instalmentSeq, p.dueDate, p.amountMinor]),
    );
    await event(tx, id, acc.id, n.at, n.actor, 'review_needed', { beyond: n.beyond });
    if (n.hardshipHold) {
      const hold = await tx.query<{ id: number | string }>(
        `INSERT INTO holds (account_id, kind, from_date, note) VALUES ($1, 'hardship', $2::date, $3)
         ON CONFLICT DO NOTHING RETURNING id`,
        [acc.id, n.today, `hardship plan ${id} under review`],
      );
      if (hold.rows[0]) {
        await tx.query('UPDATE plans SET hold_id = $2 WHERE id = $1', [id, hold.rows[0].id]);
        await event(tx, id, acc.id, n.at, n.actor, 'hold_placed', { kind: 'hardship' });
      }
    }
    return id;
  }

  async insert(n: NewPlan): Promise<StoredPlan> {
    const id = await this.db.transaction((tx) => this.record(tx, n));
    if (id !== null) return (await this.get(id))!;
    // the same request raced this one, or the account has an open plan
    const seen = n.requestKey ? await this.byRequestKey(n.requestKey) : null;
    if (seen) return seen;
    throw new AppError('CONFLICT', `account ${n.account.ext} already has a plan open`);
  }

  insertMany(plans: readonly NewPlan[]): Promise<number[]> {
    return this.db.transaction(async (tx) => {
      const ids: number[] = [];
      for (const n of plans) {
        const id = await this.record(tx, n);
        if (id === null)
          throw new AppError('CONFLICT', `account ${n.account.ext} already has a plan open`);
        ids.push(id);
      }
      return ids;
    });
  }

  async approve(
    id: number,
    acc: PlanAccount,
    quote: PlanQuote,
    d: PlanDecision,
  ): Promise<StoredPlan> {
    await this.db.transaction(async (tx) => {
      await lockLedger(tx, acc);
      const r = await tx.query(
        `UPDATE plans SET decided_by = $2, decided_role = $3, decision_note = $4
         WHERE id = $1 AND status = 'pending'`,
        [id, d.actor.user, d.actor.role, d.note],
      );
      if (r.rowCount === 0)
        throw new AppError('INVALID_STATE', `plan ${id} is not waiting for approval`);
      await event(tx, id, acc.id, d.at, d.actor, 'approved', d.note ? { note: d.note } : {});
      await releaseHold(tx, id, acc.id, d);
      await start(tx, id, acc, quote, d.today, d.at, d.actor);
    });
    return (await this.get(id))!;
  }

  /** Ends a plan by a person's decision: rejected, or cancelled (restoring an active one's schedule). */
  private async end(id: number, status: 'rejected' | 'cancelled', d: PlanDecision) {
    await this.db.transaction(async (tx) => {
      const cur = await tx.query<{ account_id: number | string; status: string }>(
        'SELECT account_id, status FROM plans WHERE id = $1 FOR UPDATE',
        [id],
      );
      const row = cur.rows[0];
      const was = row?.status;
      if (!row || !(was === 'pending' || (was === 'active' && status === 'cancelled')))
        throw new AppError('INVALID_STATE', `plan ${id} cannot be ${status} now`);
      await tx.query(
        `UPDATE plans SET status = $2, ended_on = $3::date, decided_by = COALESCE(decided_by, $4),
           decided_role = COALESCE(decided_role, $5), decision_note = $6
         WHERE id = $1`,
        [id, status, d.today, d.actor.user, d.actor.role, d.note],
      );
      const accountId = Number(row.account_id);
      await event(tx, id, accountId, d.at, d.actor, status, { reason: d.note, was });
      await releaseHold(tx, id, accountId, d);
      if (was === 'active') {
        await tx.query(
          'CREATE TEMP TABLE plan_cancel ON COMMIT DROP AS SELECT $1::bigint AS plan_id',
          [id],
        );
        await restoreSchedules(tx, 'plan_cancel', d.today, 'plan_cancelled', false);
        await tx.exec('DROP TABLE plan_cancel');
        await event(tx, id, accountId, d.at, d.actor, 'schedule_restored');
      }
    });
    return (await this.get(id))!;
  }

  reject(id: number, d: PlanDecision): Promise<StoredPlan> {
    return this.end(id, 'rejected', d);
  }

  cancel(id: number, d: PlanDecision): Promise<StoredPlan> {
    return this.end(id, 'cancelled', d);
  }

  async list(f: PlanFilter): Promise<StoredPlan[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (cond: (n: string) => string, v: unknown) => {
      params.push(v);
      where.push(cond(`$${params.length}`));
    };
    if (f.account !== undefined) add((n) => `a.external_id = ${n}`, f.account);
    if (f.status !== undefined) add((n) => `p.status = ${n}`, f.status);
    if (f.before !== undefined) add((n) => `p.id < ${n}`, f.before);
    params.push(f.limit);
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM plans p JOIN accounts a ON a.id = p.account_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY p.id DESC LIMIT $${params.length}`,
      params,
    );
    return r.rows.map(toPlan);
  }

  async events(planId: number): Promise<PlanEvent[]> {
    const r = await this.db.query<{
      plan_id: number | string;
      account: string;
      at: Date | string;
      actor: string;
      role: string;
      action: string;
      detail: Record<string, unknown>;
    }>(
      `SELECT e.plan_id, a.external_id AS account, e.at, e.actor, e.role, e.action, e.detail
       FROM plan_events e JOIN accounts a ON a.id = e.account_id
       WHERE e.plan_id = $1 ORDER BY e.id`,
      [planId],
    );
    return r.rows.map((x) => ({
      planId: Number(x.plan_id),
      account: x.account,
      at: new Date(x.at).toISOString(),
      actor: x.actor,
      role: x.role,
      action: x.action,
      detail: x.detail,
    }));
  }

  async brokenOn(day: LocalDate): Promise<StoredPlan[]> {
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM plans p JOIN accounts a ON a.id = p.account_id
       WHERE p.status = 'broken' AND p.ended_on = $1::date ORDER BY p.id`,
      [day],
    );
    return r.rows.map(toPlan);
  }

  policy(): Promise<PlanPolicy> {
    return readPolicy(this.db, POLICY_KEY, parsePlanPolicy, DEFAULT_PLAN_POLICY);
  }

  savePolicy(policy: PlanPolicy): Promise<void> {
    return writeSetting(this.db, POLICY_KEY, policy);
  }
}
