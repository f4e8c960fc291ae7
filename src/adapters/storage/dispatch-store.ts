/**
 * Storage of dispatch: dispatches and their transitions, compliance decisions, contact attempts,
 * tasks, templates and letters. Work is set-wise: each call reads or writes a whole batch in a
 * few statements (`jsonb_to_recordset` for the rows), never a round trip per dispatch.
 */
import type {
  AttemptRecord,
  DailyCap,
  DecisionRecord,
  DispatchRow,
  DispatchStore,
  DispatchUpdate,
  HoldBack,
  MessageData,
} from '../../app/dispatch/ports.ts';
import type { Attempt } from '../../domain/compliance/types.ts';
import type { ContactContext, StoredPreference } from '../../domain/dispatch/contact-case.ts';
import {
  SEND_SLOT_MINUTES,
  SHARDS,
  VALIDITY_DAYS,
  type DispatchChannel,
  type DispatchState,
} from '../../domain/dispatch/lifecycle.ts';
import type { MessageTemplate } from '../../domain/templates/templates.ts';
import { withinLimit } from '../../domain/channels/settings.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { toDay, toInstant, type Database, type SqlConnection } from './sql-client.ts';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const dateText = toDay;
const instant = toInstant;

interface RawDispatch {
  id: string | number;
  idempotency_key: string;
  account_id: string | number;
  account_ext: string;
  customer_id: string | number;
  customer_ext: string;
  channel: DispatchChannel;
  template: string;
  purpose: DispatchRow['purpose'];
  planned_for: unknown;
  priority: number;
  state: DispatchState;
  not_before: unknown;
  expires_at: unknown;
  attempts: number;
  on_fail: DispatchRow['onFail'];
  step_id: string | null;
  handed_over_at?: unknown;
  provider?: string | null;
}

const DISPATCH_COLUMNS = `d.id, d.idempotency_key, d.account_id, a.external_id AS account_ext, d.customer_id,
  c.external_id AS customer_ext, d.channel, d.template, d.purpose, d.planned_for, d.priority, d.state,
  d.not_before, d.expires_at, d.attempts, d.on_fail, pa.step_id, d.handed_over_at, d.provider`;
const DISPATCH_FROM = `dispatches d JOIN accounts a ON a.id = d.account_id
  JOIN customers c ON c.id = d.customer_id LEFT JOIN planned_actions pa ON pa.id = d.action_id`;

function toRow(r: RawDispatch): DispatchRow {
  return {
    id: Number(r.id),
    key: r.idempotency_key,
    accountId: Number(r.account_id),
    accountExt: r.account_ext,
    customerId: Number(r.customer_id),
    customerExt: r.customer_ext,
    channel: r.channel,
    template: r.template,
    purpose: r.purpose,
    plannedFor: dateText(r.planned_for)!,
    priority: r.priority,
    state: r.state,
    notBefore: instant(r.not_before),
    expiresAt: instant(r.expires_at)!,
    attempts: r.attempts,
    onFail: r.on_fail && Object.keys(r.on_fail).length > 0 ? r.on_fail : null,
    stepId: r.step_id,
  };
}

/** The calendar's jurisdiction for a customer's (`US-NY` → US, `GB` → UK). */
export function calendarJurisdiction(j: string): string {
  const c = j.slice(0, 2).toUpperCase();
  return c === 'GB' ? 'UK' : c;
}

export class SqlDispatchStore implements DispatchStore {
  private calendarCache: Map<string, string[]> | null = null;
  private calendarAt = 0;

  constructor(private readonly db: Database) {}

  async createForDay(day: LocalDate, at: Date = new Date()): Promise<number> {
    const windows = Object.keys(SEND_SLOT_MINUTES).map((channel) => ({
      channel,
      slot: SEND_SLOT_MINUTES[channel as DispatchChannel],
      valid: VALIDITY_DAYS[channel as DispatchChannel],
    }));
    const r = await this.db.query<{ n: string | number }>(
      `WITH ins AS (
         INSERT INTO dispatches (idempotency_key, action_id, account_id, customer_id, channel,
           template, planned_for, priority, on_fail, shard, state, not_before, expires_at, created_at, updated_at)
         SELECT pa.idempotency_key, pa.id, pa.account_id, a.customer_id, pa.channel, pa.template,
                pa.planned_for, pa.priority, pa.on_fail, (a.customer_id % ${SHARDS})::int, 'planned',
                (pa.planned_for::timestamp + make_interval(mins => w.slot)) AT TIME ZONE c.timezone,
                ((pa.planned_for + w.valid)::timestamp) AT TIME ZONE c.timezone,
                $3::timestamptz, $3::timestamptz
         FROM planned_actions pa
         JOIN accounts a ON a.id = pa.account_id
         JOIN customers c ON c.id = a.customer_id
         JOIN jsonb_to_recordset($2::jsonb) AS w(channel text, slot integer, valid integer)
           ON w.channel = pa.channel
         WHERE pa.planned_for = $1::date AND pa.status = 'planned'
         ORDER BY pa.id
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id),
       ev AS (INSERT INTO dispatch_events (dispatch_id, at, from_state, to_state, reason)
         SELECT id, $3::timestamptz, NULL, 'planned', 'planned by the strategy' FROM ins)
       SELECT count(*) AS n FROM ins`,
      [day, JSON.stringify(windows), at.toISOString()],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  /**
   * The steps' `on_fail` for dispatches that could not be done (blocked, failed, expired, a call
   * that reached no one): a fallback on another channel the same day, or the same again the
   * next day while retries are left. Returns how many follow-ups were created.
   */
  async createFollowUps(ids: number[], at: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const windows = Object.keys(SEND_SLOT_MINUTES).map((channel) => ({
      channel,
      slot: SEND_SLOT_MINUTES[channel as DispatchChannel],
      valid: VALIDITY_DAYS[channel as DispatchChannel],
    }));
    const r = await this.db.query<{ n: string | number }>(
      `WITH src AS (
         SELECT d.*, c.timezone,
                CASE d.on_fail->>'action' WHEN 'fallback' THEN d.on_fail->>'channel' ELSE d.channel END AS next_channel,
                CASE d.on_fail->>'action' WHEN 'fallback' THEN d.planned_for ELSE d.planned_for + 1 END AS next_day,
                CASE d.on_fail->>'action'
                  WHEN 'retry_next_day' THEN jsonb_build_object('action', 'retry_next_day',
                    'max_retries', (d.on_fail->>'max_retries')::int - 1)
                END AS next_on_fail
         FROM dispatches d JOIN customers c ON c.id = d.customer_id
         WHERE d.id = ANY($1::bigint[])
           AND ((d.on_fail->>'action' = 'fallback' AND d.on_fail->>'channel' <> d.channel)
             OR (d.on_fail->>'action' = 'retry_next_day' AND (d.on_fail->>'max_retries')::int > 0
                 -- no point tomorrow once the arrears are paid
                 AND EXISTS (SELECT 1 FROM account_states s WHERE s.account_id = d.account_id
                             AND s.arrears > 0)))),
       ins AS (
         INSERT INTO dispatches (idempotency_key, account_id, customer_id, channel, template,
           purpose, planned_for, priority, on_fail, parent_id, shard, state, not_before,
           expires_at, created_at, updated_at)
         SELECT src.idempotency_key || CASE WHEN src.on_fail->>'action' = 'fallback'
                  THEN '/fallback:' || src.next_channel ELSE '/retry:' || src.next_day END,
                src.account_id, src.customer_id, src.next_channel, src.template, src.purpose,
                src.next_day, src.priority, src.next_on_fail, src.id, src.shard, 'planned',
                (src.next_day::timestamp + make_interval(mins => w.slot)) AT TIME ZONE src.timezone,
                ((src.next_day + w.valid)::timestamp) AT TIME ZONE src.timezone,
                $2::timestamptz, $2::timestamptz
         FROM src JOIN jsonb_to_recordset($3::jsonb) AS w(channel text, slot integer, valid integer)
           ON w.channel = src.next_channel
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id, parent_id),
       ev AS (INSERT INTO dispatch_events (dispatch_id, at, from_state, to_state, reason)
         SELECT ins.id, $2::timestamptz, NULL, 'planned', 'the step''s on_fail, after dispatch ' || ins.parent_id
         FROM ins)
       SELECT count(*) AS n FROM ins`,
      [ids, at.toISOString(), JSON.stringify(windows)],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async inState(
    state: DispatchState,
    opts: {
      shard?: number;
      day?: LocalDate;
      dueBy?: Date;
      afterId?: number;
      limit: number;
      channels?: readonly DispatchChannel[];
      byPriority?: boolean;
    },
  ): Promise<DispatchRow[]> {
    const where = ['d.state = $1', 'd.id > $2'];
    const params: unknown[] = [state, opts.afterId ?? 0, opts.limit];
    if (opts.shard !== undefined) where.push(`d.shard = $${params.push(opts.shard)}`);
    if (opts.day !== undefined) where.push(`d.planned_for = $${params.push(opts.day)}::date`);
    if (opts.dueBy !== undefined)
      where.push(`d.not_before <= $${params.push(opts.dueBy.toISOString())}::timestamptz`);
    if (opts.channels) where.push(`d.channel = ANY($${params.push(opts.channels)}::text[])`);
    const r = await this.db.query<RawDispatch>(
      `SELECT ${DISPATCH_COLUMNS} FROM ${DISPATCH_FROM} WHERE ${where.join(' AND ')}
       ORDER BY ${opts.byPriority ? 'd.priority DESC, d.not_before, d.id' : 'd.id'} LIMIT $3`,
      params,
    );
    return r.rows.map(toRow);
  }

  async holdBack(h: HoldBack): Promise<number[]> {
    if (h.limits.length === 0) return [];
    const windows = Object.keys(SEND_SLOT_MINUTES).map((channel) => ({
      channel,
      slot: SEND_SLOT_MINUTES[channel as DispatchChannel],
      valid: VALIDITY_DAYS[channel as DispatchChannel],
    }));
    const queued = h.state === 'queued';
    // What went out today: messages sent (or being sent); calls and visits made into tasks.
    const used = queued
      ? `SELECT count(*) FROM dispatches u WHERE u.channel = l.channel
           AND (u.state = 'sending' OR (u.sent_at >= $3::timestamptz AND u.sent_at < $4::timestamptz))`
      : `SELECT count(*) FROM tasks t JOIN dispatches u ON u.id = t.dispatch_id
         WHERE u.channel = l.channel AND t.created_at >= $3::timestamptz AND t.created_at < $4::timestamptz`;
    const waiting = queued
      ? `d.state = 'queued' AND d.not_before <= $7::timestamptz`
      : `d.state = 'planned' AND CASE WHEN $8::date IS NULL THEN d.planned_for <= $9::date
                                     ELSE d.planned_for = $8::date END`;
    // Messages wait for the next day's slot, valid for that day; calls and visits are planned
    // for the next day, as if the strategy had planned them then.
    const carry = queued
      ? `not_before = greatest($4::timestamptz,
           ($5::date::timestamp + make_interval(mins => w.slot)) AT TIME ZONE c.timezone),
         expires_at = greatest(d.expires_at, (($5::date + w.valid)::timestamp) AT TIME ZONE c.timezone)`
      : `planned_for = greatest(d.planned_for + 1, $5::date),
         not_before = (greatest(d.planned_for + 1, $5::date)::timestamp + make_interval(mins => w.slot))
           AT TIME ZONE c.timezone,
         expires_at = ((greatest(d.planned_for + 1, $5::date) + w.valid)::timestamp) AT TIME ZONE c.timezone`;
    const r = await this.db.query<{ id: string | number }>(
      // (each variant uses some of $7-$9; the first CTE names their types for both)
      `WITH args AS (SELECT $7::timestamptz AS due_by, $8::date AS day, $9::date AS today),
       l AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS l(channel text, lim integer)),
       room AS (SELECT l.channel, l.lim, l.lim - (${used}) AS room FROM l),
       ranked AS (
         SELECT d.id, d.shard, room.lim, room.room, row_number() OVER (
                  PARTITION BY d.channel ORDER BY d.priority DESC, d.not_before, d.id) AS rank
         FROM dispatches d JOIN room ON room.channel = d.channel WHERE ${waiting}),
       held AS (
         UPDATE dispatches d SET ${carry}, updated_at = $6::timestamptz,
           last_reason = 'the ' || d.channel || ' daily limit of ' || x.lim ||
             ' is reached; carried over to the next day'
         FROM ranked x, customers c, jsonb_to_recordset($2::jsonb) AS w(channel text, slot integer, valid integer)
         WHERE d.id = x.id AND x.rank > x.room AND ($10::int IS NULL OR x.shard = $10::int)
           AND c.id = d.customer_id AND w.channel = d.channel AND d.state = $11::text
         RETURNING d.id, d.last_reason)
       INSERT INTO dispatch_events (dispatch_id, at, from_state, to_state, reason)
       SELECT id, $6::timestamptz, $11::text, $11::text, last_reason FROM held
       RETURNING dispatch_id AS id`,
      [
        JSON.stringify(h.limits.map((x) => ({ channel: x.channel, lim: x.limit }))),
        JSON.stringify(windows),
        h.from.toISOString(),
        h.to.toISOString(),
        h.next,
        h.at.toISOString(),
        (h.dueBy ?? h.at).toISOString(),
        h.plannedFor ?? null,
        h.day,
        h.shard ?? null,
        h.state,
      ],
    );
    return r.rows.map((x) => Number(x.id));
  }

  private async calendar(): Promise<Map<string, string[]>> {
    // Read again each minute: holidays and quiet days are edited while workers run.
    if (!this.calendarCache || performance.now() - this.calendarAt > 60_000) {
      this.calendarAt = performance.now();
      const r = await this.db.query<{ jurisdiction: string; day: unknown }>(
        'SELECT jurisdiction, day FROM contact_calendar ORDER BY day',
      );
      const m = new Map<string, string[]>();
      for (const x of r.rows) {
        const list = m.get(x.jurisdiction) ?? [];
        list.push(dateText(x.day)!);
        m.set(x.jurisdiction, list);
      }
      this.calendarCache = m;
    }
    return this.calendarCache;
  }

  async contexts(customerIds: number[], since: Date): Promise<Map<number, ContactContext>> {
    const ids = [...new Set(customerIds)];
    const out = new Map<number, ContactContext>();
    if (ids.length === 0) return out;
    const calendar = await this.calendar();
    const customers = await this.db.query<{
      id: string | number;
      timezone: string;
      jurisdiction: string;
      do_not_contact: boolean;
      phone: string | null;
      email: string | null;
    }>(
      `SELECT id, timezone, jurisdiction, do_not_contact, phone, email FROM customers
       WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    for (const c of customers.rows) {
      out.set(Number(c.id), {
        customerId: Number(c.id),
        timezone: c.timezone,
        jurisdiction: c.jurisdiction,
        doNotContact: c.do_not_contact,
        phone: c.phone,
        email: c.email,
        preferences: [],
        holds: [],
        calendar: calendar.get(calendarJurisdiction(c.jurisdiction)) ?? [],
        history: [],
      });
    }
    const prefs = await this.db.query<{
      customer_id: string | number;
      kind: StoredPreference['kind'];
      channel: StoredPreference['channel'];
      value: string | null;
      since: unknown;
      until: unknown;
    }>(
      `SELECT customer_id, kind, channel, value, since, until FROM contact_preferences
       WHERE customer_id = ANY($1::bigint[]) ORDER BY since, id`,
      [ids],
    );
    for (const p of prefs.rows) {
      (out.get(Number(p.customer_id))?.preferences as StoredPreference[] | undefined)?.push({
        kind: p.kind,
        channel: p.channel,
        value: p.value,
        since: instant(p.since)!.toISOString(),
        until: iso(instant(p.until)),
      });
    }
    const holds = await this.db.query<{
      customer_id: string | number;
      kind: string;
      from_date: unknown;
      to_date: unknown;
    }>(
      `SELECT a.customer_id, h.kind, h.from_date, h.to_date FROM holds h
       JOIN accounts a ON a.id = h.account_id WHERE a.customer_id = ANY($1::bigint[])
       ORDER BY h.from_date`,
      [ids],
    );
    for (const h of holds.rows) {
      (
        out.get(Number(h.customer_id))?.holds as ContactContext['holds'][number][] | undefined
      )?.push({
        kind: h.kind,
        from: dateText(h.from_date)!,
        to: dateText(h.to_date),
      });
    }
    for (const { customerId, attempt } of await readAttempts(this.db, ids, since)) {
      out.get(customerId)?.history.push(attempt);
    }
    return out;
  }

  async messageData(dispatches: DispatchRow[]): Promise<Map<number, MessageData>> {
    const out = new Map<number, MessageData>();
    if (dispatches.length === 0) return out;
    const byAccount = new Map<number, DispatchRow[]>();
    for (const d of dispatches)
      byAccount.set(d.accountId, [...(byAccount.get(d.accountId) ?? []), d]);
    const accountIds = [...byAccount.keys()];
    const days = new Map(dispatches.map((d) => [d.accountId, d.plannedFor]));
    const base = await this.db.query<{
      account_id: string | number;
      name: string;
      language: string;
      currency: string;
      phone: string | null;
      email: string | null;
      address: string | null;
      arrears: string | number | null;
      outstanding: string | number | null;
      past_due_days: number | null;
      overdue_due_date: unknown;
      next_due_date: unknown;
    }>(
      `SELECT a.id AS account_id, c.name, c.language, a.currency, c.phone, c.email, c.address,
              s.arrears, s.outstanding, s.past_due_days, s.overdue_due_date, s.next_due_date
       FROM accounts a JOIN customers c ON c.id = a.customer_id
       LEFT JOIN account_states s ON s.account_id = a.id
       WHERE a.id = ANY($1::bigint[])`,
      [accountIds],
    );
    // The unpaid instalments as of each dispatch's day (allocation is oldest-first).
    const bill = await this.db.query<{
      account_id: string | number;
      seq: number;
      due_date: unknown;
      principal_due: string | number;
      interest_due: string | number;
      fees_due: string | number;
      unpaid: string | number;
      fallen: boolean;
    }>(
      `WITH q AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS q(account_id bigint, day date)),
       paid AS (SELECT q.account_id, coalesce(sum(p.amount), 0)::bigint AS paid FROM q
                LEFT JOIN payments p ON p.account_id = q.account_id AND p.paid_on <= q.day
                GROUP BY q.account_id),
       pos AS (SELECT i.account_id, i.seq, i.due_date, i.principal_due, i.interest_due, i.fees_due,
                 i.principal_due + i.interest_due + i.fees_due AS total,
                 sum(i.principal_due + i.interest_due + i.fees_due)
                   OVER (PARTITION BY i.account_id ORDER BY i.due_date, i.seq) AS cum,
                 i.due_date <= q.day AS fallen
               FROM instalments i JOIN q ON q.account_id = i.account_id)
       SELECT pos.account_id, seq, due_date, principal_due, interest_due, fees_due, fallen,
              LEAST(total, GREATEST(0, cum - paid.paid)) AS unpaid
       FROM pos JOIN paid ON paid.account_id = pos.account_id
       WHERE LEAST(total, GREATEST(0, cum - paid.paid)) > 0
       ORDER BY pos.account_id, due_date, seq`,
      [JSON.stringify([...days].map(([account_id, day]) => ({ account_id, day })))],
    );
    const lines = new Map<number, { fallen: boolean; line: MessageData['bill'][number] }[]>();
    for (const b of bill.rows) {
      const id = Number(b.account_id);
      const list = lines.get(id) ?? [];
      list.push({
        fallen: b.fallen,
        line: {
          seq: b.seq,
          dueDate: dateText(b.due_date)!,
          principal: Number(b.principal_due),
          interest: Number(b.interest_due),
          fees: Number(b.fees_due),
          unpaid: Number(b.unpaid),
        },
      });
      lines.set(id, list);
    }
    for (const x of base.rows) {
      const id = Number(x.account_id);
      const all = lines.get(id) ?? [];
      const fallen = all.filter((l) => l.fallen).map((l) => l.line);
      const next = all.find((l) => !l.fallen)?.line;
      for (const d of byAccount.get(id) ?? []) {
        out.set(d.id, {
          customerName: x.name,
          language: x.language,
          currency: x.currency,
          address: d.channel === 'email' ? x.email : d.channel === 'letter' ? x.address : x.phone,
          arrears: Number(x.arrears ?? 0),
          outstanding: Number(x.outstanding ?? 0),
          pastDueDays: x.past_due_days ?? 0,
          dueDate: dateText(x.overdue_due_date) ?? dateText(x.next_due_date),
          nextDue: next?.unpaid ?? 0,
          bill: fallen.length > 0 ? fallen : next ? [next] : [],
        });
      }
    }
    return out;
  }

  apply(u: DispatchUpdate): Promise<Set<number>> {
    return this.db.transaction((tx) => applyUpdate(tx, u));
  }

  async handOver(ids: number[], token: string, at: Date): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const r = await this.db.query<{ id: string | number }>(
      `UPDATE dispatches SET handed_over_at = $3::timestamptz
       WHERE id = ANY($1::bigint[]) AND state = 'sending' AND claim_token = $2 RETURNING id`,
      [ids, token, at.toISOString()],
    );
    return new Set(r.rows.map((x) => Number(x.id)));
  }

  async leftSending(
    shard: number | 'all',
  ): Promise<(DispatchRow & { handedOverAt: Date | null; provider: string | null })[]> {
    const r = await this.db.query<RawDispatch>(
      `SELECT ${DISPATCH_COLUMNS} FROM ${DISPATCH_FROM}
       WHERE ($1::int IS NULL OR d.shard = $1) AND d.state = 'sending' ORDER BY d.id`,
      [shard === 'all' ? null : shard],
    );
    return r.rows.map((x) => ({
      ...toRow(x),
      handedOverAt: instant(x.handed_over_at),
      provider: x.provider ?? null,
    }));
  }

  async pendingShards(channels: readonly DispatchChannel[]): Promise<Map<number, Date>> {
    const r = await this.db.query<{ shard: number; next: unknown }>(
      // A message left sending is looked at again once its provider's reports are due.
      `SELECT shard, min(CASE WHEN state = 'sending'
                              THEN coalesce(handed_over_at, updated_at) + interval '5 seconds'
                              ELSE not_before END) AS next
       FROM dispatches
       WHERE state IN ('queued', 'sending') AND channel = ANY($1::text[]) GROUP BY shard`,
      [channels],
    );
    return new Map(r.rows.map((x) => [x.shard, instant(x.next) ?? new Date(0)]));
  }

  async deliveryReport(
    key: string,
    status: 'accepted' | 'delivered' | 'failed',
    at: Date,
    reason: string,
  ): Promise<boolean> {
    return (await this.deliveryReports([{ key, status, at, reason }]))[0]!;
  }

  /**
   * Delivery reports, many in one transaction (a gateway sends two per message): sent →
   * delivered | failed; a report for a message still `sending` but handed over means the
   * provider has it, so it is recorded as sent first. Returns, per report, whether it changed
   * anything.
   */
  async deliveryReports(
    reports: {
      key: string;
      status: 'accepted' | 'delivered' | 'failed';
      at: Date;
      reason: string;
    }[],
  ): Promise<boolean[]> {
    if (reports.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{
        id: string | number;
        idempotency_key: string;
        state: DispatchState;
        handed_over_at: unknown;
      }>(
        `SELECT id, idempotency_key, state, handed_over_at FROM dispatches
         WHERE idempotency_key = ANY($1::text[]) ORDER BY id FOR UPDATE`,
        [[...new Set(reports.map((x) => x.key))]],
      );
      const now = new Map(
        r.rows.map((d) => [
          d.idempotency_key,
          {
            id: Number(d.id),
            state: d.state,
            handedOver: d.handed_over_at !== null && d.handed_over_at !== undefined,
          },
        ]),
      );
      const u: DispatchUpdate = {
        transitions: [],
        fields: new Map(),
        decisions: [],
        attempts: [],
        tasks: [],
      };
      const sentNow: { id: number; at: Date }[] = [];
      const changed = reports.map(({ key, status, at, reason }) => {
        const d = now.get(key);
        if (!d) return false;
        if (d.state === 'sending' && d.handedOver) {
          u.transitions.push({
            id: d.id,
            from: 'sending',
            to: 'sent',
            at,
            reason: `the provider reports it has it (${reason})`,
          });
          u.fields.set(d.id, { sentAt: at, claimToken: null });
          sentNow.push({ id: d.id, at });
          d.state = 'sent';
          if (status === 'accepted') return true;
        }
        if (d.state !== 'sent' || status === 'accepted') return false;
        u.transitions.push({ id: d.id, from: 'sent', to: status, at, reason });
        d.state = status;
        return true;
      });
      if (u.transitions.length > 0) await applyUpdate(tx, u);
      for (const x of sentNow) await insertAttemptForDispatch(tx, x.id, x.at);
      return changed;
    });
  }

  async optOutByKey(
    key: string,
    channel: string,
    at: Date,
    source: string,
  ): Promise<{
    customerId: number;
    value: string | null;
    accountRef: string;
    language: string;
  } | null> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<{
        customer_id: string | number;
        recipient: string | null;
        account: string;
        language: string;
      }>(
        `SELECT d.customer_id, d.recipient, a.external_id AS account, c.language FROM dispatches d
         JOIN accounts a ON a.id = d.account_id JOIN customers c ON c.id = d.customer_id
         WHERE d.idempotency_key = $1`,
        [key],
      );
      const d = r.rows[0];
      if (!d) return null;
      const value = channel === 'letter' ? null : d.recipient;
      await tx.query(
        `INSERT INTO contact_preferences (customer_id, kind, channel, value, since, source)
         SELECT $1, 'opt_out', $2, $3, $4, $5
         WHERE NOT EXISTS (SELECT 1 FROM contact_preferences WHERE customer_id = $1 AND kind = 'opt_out'
           AND channel = $2 AND value IS NOT DISTINCT FROM $3 AND until IS NULL)`,
        [d.customer_id, channel, value, at.toISOString(), source],
      );
      return {
        customerId: Number(d.customer_id),
        value,
        accountRef: d.account,
        language: d.language,
      };
    });
  }

  async optOutAddress(
    channel: string,
    address: string,
    at: Date,
    source: string,
  ): Promise<number[]> {
    const r = await this.db.query<{ id: string | number }>(
      `INSERT INTO contact_preferences (customer_id, kind, channel, value, since, source)
       SELECT c.id, 'opt_out', $1, $2, $3, $4 FROM customers c
       WHERE (CASE WHEN $1 = 'email' THEN lower(c.email) = lower($2) ELSE c.phone = $2 END)
         AND NOT EXISTS (SELECT 1 FROM contact_preferences p WHERE p.customer_id = c.id
           AND p.kind = 'opt_out' AND p.channel = $1 AND p.value = $2 AND p.until IS NULL)
       RETURNING customer_id AS id`,
      [channel, address, at.toISOString(), source],
    );
    return r.rows.map((x) => Number(x.id));
  }

  async templates(): Promise<MessageTemplate[]> {
    const r = await this.db.query<{
      id: string;
      channel: MessageTemplate['channel'];
      language: string;
      subject: string | null;
      body: string;
    }>(
      `SELECT DISTINCT ON (id, channel, language) id, channel, language, subject, body
       FROM message_templates ORDER BY id, channel, language, version DESC`,
    );
    return r.rows.map((x) => {
      const t: MessageTemplate = {
        id: x.id,
        channel: x.channel,
        language: x.language,
        body: x.body,
      };
      if (x.subject !== null) t.subject = x.subject;
      return t;
    });
  }

  async saveTemplate(t: MessageTemplate, by: string): Promise<number> {
    const r = await this.db.query<{ version: number }>(
      `INSERT INTO message_templates (id, channel, language, version, subject, body, created_by)
       SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6 FROM message_templates
       WHERE id = $1 AND channel = $2 AND language = $3
       RETURNING version`,
      [t.id, t.channel, t.language, t.subject ?? null, t.body, by],
    );
    return r.rows[0]!.version;
  }

  async saveLetter(dispatchId: number, pdf: Uint8Array, pages: number): Promise<void> {
    await this.db.query(
      `INSERT INTO letters (dispatch_id, pdf, pages) VALUES ($1, $2, $3)
       ON CONFLICT (dispatch_id) DO NOTHING`,
      [dispatchId, Buffer.from(pdf), pages],
    );
  }
}

/** The contact attempts of customers from `from` (up to `to`), oldest first, as the rules count them. */
export async function readAttempts(
  db: SqlConnection,
  customerIds: number[],
  from: Date,
  to?: Date,
): Promise<{ id: number; customerId: number; attempt: Attempt & { address?: string | null } }[]> {
  const r = await db.query<{
    id: string | number;
    customer_id: string | number;
    ts: unknown;
    channel: Attempt['channel'];
    direction: Attempt['direction'];
    outcome: Attempt['outcome'];
    person: Attempt['person'];
    address: string | null;
    debt: string | null;
  }>(
    `SELECT t.id, t.customer_id, t.ts, t.channel, t.direction, t.outcome, t.person, t.address,
            a.external_id AS debt
     FROM contact_attempts t LEFT JOIN accounts a ON a.id = t.account_id
     WHERE t.customer_id = ANY($1::bigint[]) AND t.ts >= $2::timestamptz
       AND ($3::timestamptz IS NULL OR t.ts < $3::timestamptz)
     ORDER BY t.customer_id, t.ts, t.id`,
    [customerIds, from.toISOString(), to ? to.toISOString() : null],
  );
  return r.rows.map((t) => {
    const attempt: Attempt & { address?: string | null } = {
      ts: instant(t.ts)!.toISOString(),
      channel: t.channel,
      direction: t.direction,
      outcome: t.outcome,
      person: t.person,
      debts: t.debt ? [t.debt] : [],
      address: t.address,
    };
    if (t.address && (t.channel === 'phone' || t.channel === 'sms')) attempt.number = t.address;
    return { id: Number(t.id), customerId: Number(t.customer_id), attempt };
  });
}

async function insertAttemptForDispatch(tx: SqlConnection, id: number, at: Date): Promise<void> {
  await tx.query(
    `INSERT INTO contact_attempts (customer_id, account_id, dispatch_id, ts, channel, direction,
       outcome, person, address)
     SELECT customer_id, account_id, id, coalesce(handed_over_at, $2::timestamptz), channel,
            'outbound', 'sent', 'debtor', recipient
     FROM dispatches WHERE id = $1
     ON CONFLICT (dispatch_id) WHERE dispatch_id IS NOT NULL AND task_id IS NULL DO NOTHING`,
    [id, at.toISOString()],
  );
}

/** Applies a batch of transitions (each dispatch's chain from its current state) and records. */
export async function applyUpdate(tx: SqlConnection, u0: DispatchUpdate): Promise<Set<number>> {
  const u = u0.caps && u0.caps.length > 0 ? await withinCaps(tx, u0, u0.caps) : u0;
  const chains = new Map<number, DispatchUpdate['transitions']>();
  for (const t of u.transitions) chains.set(t.id, [...(chains.get(t.id) ?? []), t]);
  const rows = [...chains].map(([id, chain]) => {
    const last = chain[chain.length - 1]!;
    const f = u.fields.get(id) ?? {};
    const has = (k: keyof typeof f) => Object.hasOwn(f, k);
    return {
      id,
      from_state: chain[0]!.from,
      fresh: chain.some((t) => t.unlessHandedOver === true),
      to_state: last.to,
      at: last.at.toISOString(),
      reason: last.reason ?? null,
      set_not_before: has('notBefore'),
      not_before: iso(f.notBefore),
      attempts: f.attempts ?? null,
      set_next_allowed: has('nextAllowed'),
      next_allowed: iso(f.nextAllowed),
      recipient: f.recipient ?? null,
      language: f.language ?? null,
      subject: f.subject ?? null,
      body: f.body ?? null,
      provider: f.provider ?? null,
      provider_message_id: f.providerMessageId ?? null,
      set_claim: has('claimToken'),
      claim_token: f.claimToken ?? null,
      sent_at: iso(f.sentAt),
      final: ['delivered', 'failed', 'expired', 'blocked'].includes(last.to),
    };
  });
  const applied = new Set<number>();
  if (rows.length > 0) {
    const r = await tx.query<{ id: string | number }>(
      `UPDATE dispatches d SET state = x.to_state, updated_at = x.at,
         last_reason = coalesce(x.reason, d.last_reason),
         not_before = CASE WHEN x.set_not_before THEN x.not_before ELSE d.not_before END,
         attempts = coalesce(x.attempts, d.attempts),
         next_allowed = CASE WHEN x.set_next_allowed THEN x.next_allowed ELSE d.next_allowed END,
         recipient = coalesce(x.recipient, d.recipient),
         language = coalesce(x.language, d.language),
         subject = coalesce(x.subject, d.subject),
         body = coalesce(x.body, d.body),
         provider = coalesce(x.provider, d.provider),
         provider_message_id = coalesce(x.provider_message_id, d.provider_message_id),
         claim_token = CASE WHEN x.set_claim THEN x.claim_token ELSE d.claim_token END,
         handed_over_at = CASE WHEN x.set_claim AND x.claim_token IS NOT NULL THEN NULL ELSE d.handed_over_at END,
         sent_at = coalesce(x.sent_at, d.sent_at),
         final_at = CASE WHEN x.final THEN x.at ELSE d.final_at END
       FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, from_state text, to_state text,
         at timestamptz, reason text, set_not_before boolean, not_before timestamptz,
         attempts integer, set_next_allowed boolean, next_allowed timestamptz, recipient text,
         language text, subject text, body text, provider text, provider_message_id text,
         set_claim boolean, claim_token text, sent_at timestamptz, final boolean, fresh boolean)
       WHERE d.id = x.id AND d.state = x.from_state AND (NOT x.fresh OR d.handed_over_at IS NULL)
       RETURNING d.id`,
      [JSON.stringify(rows)],
    );
    for (const x of r.rows) applied.add(Number(x.id));
    const events = u.transitions
      .filter((t) => applied.has(t.id))
      .map((t) => ({
        dispatch_id: t.id,
        at: t.at.toISOString(),
        from_state: t.from,
        to_state: t.to,
        reason: t.reason ?? null,
        provider_message_id: t.providerMessageId ?? null,
      }));
    await tx.query(
      `INSERT INTO dispatch_events (dispatch_id, at, from_state, to_state, reason, provider_message_id)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(dispatch_id bigint, at timestamptz,
         from_state text, to_state text, reason text, provider_message_id text)`,
      [JSON.stringify(events)],
    );
  }
  const mine = (id: number | null) =>
    id === null || chains.size === 0 || !chains.has(id) || applied.has(id);
  const decisions = u.decisions.filter((d) => mine(d.dispatchId));
  if (decisions.length > 0) await insertDecisions(tx, decisions);
  const attempts = u.attempts.filter((a) => mine(a.dispatchId));
  if (attempts.length > 0) await insertAttempts(tx, attempts);
  const tasks = u.tasks.filter((t) => applied.has(t.dispatchId));
  if (tasks.length > 0) {
    await tx.query(
      `INSERT INTO tasks (dispatch_id, kind, account_id, customer_id, queue, priority, due_on, state,
         latitude, longitude, created_at, updated_at)
       SELECT d.id, x.kind, d.account_id, d.customer_id, x.queue, d.priority, d.planned_for, 'open',
              c.latitude, c.longitude, d.updated_at, d.updated_at
       FROM jsonb_to_recordset($1::jsonb) AS x(dispatch_id bigint, kind text, queue text)
       JOIN dispatches d ON d.id = x.dispatch_id JOIN customers c ON c.id = d.customer_id
       ON CONFLICT (dispatch_id) DO NOTHING`,
      [
        JSON.stringify(
          tasks.map((t) => ({ dispatch_id: t.dispatchId, kind: t.kind, queue: t.queue })),
        ),
      ],
    );
  }
  return applied;
}

/**
 * The claims an update may make under the channels' daily limits: for each limited channel, in
 * a fixed order, a lock on the channel for the rest of the transaction (two workers never count
 * at once), what was sent or is being sent in the business day, and only the first claims that
 * fit. Claims that do not fit are dropped with their decisions: those messages stay queued.
 */
async function withinCaps(
  tx: SqlConnection,
  u: DispatchUpdate,
  caps: DailyCap[],
): Promise<DispatchUpdate> {
  const drop = new Set<number>();
  for (const cap of [...caps].sort((a, b) => a.channel.localeCompare(b.channel))) {
    if (cap.ids.length === 0) continue;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('recoup.daily-limit:' || $1)::bigint)`, [
      cap.channel,
    ]);
    const r = await tx.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM dispatches WHERE channel = $1
         AND (state = 'sending' OR (sent_at >= $2::timestamptz AND sent_at < $3::timestamptz))`,
      [cap.channel, cap.from.toISOString(), cap.to.toISOString()],
    );
    const keep = new Set(withinLimit(cap.ids, cap.limit, Number(r.rows[0]?.n ?? 0)));
    for (const id of cap.ids) if (!keep.has(id)) drop.add(id);
  }
  if (drop.size === 0) return u;
  const fields = new Map(u.fields);
  for (const id of drop) fields.delete(id);
  return {
    ...u,
    transitions: u.transitions.filter((t) => !drop.has(t.id)),
    fields,
    decisions: u.decisions.filter((d) => d.dispatchId === null || !drop.has(d.dispatchId)),
    attempts: u.attempts.filter((a) => a.dispatchId === null || !drop.has(a.dispatchId)),
    tasks: u.tasks.filter((t) => !drop.has(t.dispatchId)),
  };
}

export async function insertDecisions(
  tx: SqlConnection,
  decisions: DecisionRecord[],
): Promise<number[]> {
  const r = await tx.query<{ id: string | number }>(
    `INSERT INTO compliance_decisions (dispatch_id, task_id, customer_id, channel, person, stage,
       proposed_at, rule_set, rule_set_version, decision, reasons, next_allowed, decided_by)
     SELECT dispatch_id, task_id, customer_id, channel, person, stage, proposed_at, rule_set,
            rule_set_version, decision, reasons, next_allowed, decided_by
     FROM jsonb_to_recordset($1::jsonb) AS x(dispatch_id bigint, task_id bigint, customer_id bigint,
       channel text, person text, stage text, proposed_at timestamptz, rule_set text,
       rule_set_version integer, decision text, reasons jsonb, next_allowed timestamptz,
       decided_by text)
     RETURNING id`,
    [
      JSON.stringify(
        decisions.map((d) => ({
          dispatch_id: d.dispatchId,
          task_id: d.taskId,
          customer_id: d.customerId,
          channel: d.channel,
          person: d.person,
          stage: d.stage,
          proposed_at: d.proposedAt.toISOString(),
          rule_set: d.ruleSet,
          rule_set_version: d.ruleSetVersion,
          decision: d.decision,
          reasons: d.reasons,
          next_allowed: iso(d.nextAllowed),
          decided_by: d.decidedBy,
        })),
      ),
    ],
  );
  return r.rows.map((x) => Number(x.id));
}

export async function insertAttempts(tx: SqlConnection, attempts: AttemptRecord[]): Promise<void> {
  await tx.query(
    `INSERT INTO contact_attempts (customer_id, account_id, dispatch_id, task_id, ts, channel,
       direction, outcome, person, address, by_user, notes, latitude, longitude)
     SELECT customer_id, account_id, dispatch_id, task_id, ts, channel, direction, outcome, person,
            address, by_user, notes, latitude, longitude
     FROM jsonb_to_recordset($1::jsonb) AS x(customer_id bigint, account_id bigint,
       dispatch_id bigint, task_id bigint, ts timestamptz, channel text, direction text,
       outcome text, person text, address text, by_user text, notes text, latitude numeric,
       longitude numeric)
     ON CONFLICT (dispatch_id) WHERE dispatch_id IS NOT NULL AND task_id IS NULL DO NOTHING`,
    [
      JSON.stringify(
        attempts.map((a) => ({
          customer_id: a.customerId,
          account_id: a.accountId,
          dispatch_id: a.dispatchId,
          task_id: a.taskId,
          ts: a.ts.toISOString(),
          channel: a.channel,
          direction: a.direction,
          outcome: a.outcome,
          person: a.person,
          address: a.address,
          by_user: a.byUser,
          notes: a.notes ?? null,
          latitude: a.latitude ?? null,
          longitude: a.longitude ?? null,
        })),
      ),
    ],
  );
}
