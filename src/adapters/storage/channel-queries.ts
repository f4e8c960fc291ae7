/**
 * What the channels' HTTP routes and commands read and record: lists and details of
 * dispatches, letters, contact preferences, inbound messages and the contact calendar.
 */
import { toDay, type Database } from './sql-client.ts';

const day = (v: unknown) => toDay(v)!;

export class SqlChannelQueries {
  constructor(private readonly db: Database) {}

  async dispatches(f: {
    date: string;
    state?: string;
    channel?: string;
    after: number;
    limit: number;
  }) {
    const r = await this.db.query(
      `SELECT d.id, d.idempotency_key AS key, a.external_id AS account, c.external_id AS customer,
              d.channel, d.template, d.state, d.planned_for, d.not_before, d.attempts,
              d.provider, d.provider_message_id, d.last_reason, d.sent_at, d.parent_id
       FROM dispatches d JOIN accounts a ON a.id = d.account_id JOIN customers c ON c.id = d.customer_id
       WHERE d.planned_for = $1::date AND ($2::text IS NULL OR d.state = $2)
         AND ($3::text IS NULL OR d.channel = $3) AND d.id > $4
       ORDER BY d.id LIMIT $5`,
      [f.date, f.state ?? null, f.channel ?? null, f.after, f.limit],
    );
    return r.rows;
  }

  async dispatch(id: number) {
    const d = await this.db.query('SELECT * FROM dispatches WHERE id = $1', [id]);
    if (!d.rows[0]) return null;
    const events = await this.db.query(
      'SELECT at, from_state, to_state, reason, provider_message_id FROM dispatch_events WHERE dispatch_id = $1 ORDER BY at, ctid',
      [id],
    );
    const decisions = await this.db.query(
      `SELECT stage, proposed_at, rule_set, rule_set_version, decision, reasons, next_allowed, decided_by
       FROM compliance_decisions WHERE dispatch_id = $1 ORDER BY id`,
      [id],
    );
    return { dispatch: d.rows[0], events: events.rows, decisions: decisions.rows };
  }

  async letterPdf(dispatchId: number): Promise<Buffer | null> {
    const r = await this.db.query<{ pdf: Uint8Array }>(
      'SELECT pdf FROM letters WHERE dispatch_id = $1',
      [dispatchId],
    );
    return r.rows[0] ? Buffer.from(r.rows[0].pdf) : null;
  }

  /** A sent letter's stored text, for one whose PDF was not kept. */
  async letterText(dispatchId: number) {
    const r = await this.db.query<{
      recipient: string | null;
      subject: string | null;
      body: string | null;
      language: string | null;
      name: string;
      account: string;
      sent_at: Date | string;
      planned_for: Date | string;
    }>(
      `SELECT d.recipient, d.subject, d.body, d.language, c.name, a.external_id AS account,
              d.sent_at, d.planned_for
       FROM dispatches d JOIN customers c ON c.id = d.customer_id JOIN accounts a ON a.id = d.account_id
       WHERE d.id = $1 AND d.channel = 'letter' AND d.state IN ('sent', 'delivered') AND d.body IS NOT NULL`,
      [dispatchId],
    );
    const x = r.rows[0];
    if (!x) return null;
    return { ...x, sentAt: new Date(x.sent_at), plannedFor: day(x.planned_for) };
  }

  async preferences(customerExt: string) {
    const c = await this.db.query<{ id: string | number; do_not_contact: boolean }>(
      'SELECT id, do_not_contact FROM customers WHERE external_id = $1',
      [customerExt],
    );
    if (!c.rows[0]) return null;
    const r = await this.db.query(
      'SELECT id, kind, channel, value, since, until, source, created_at FROM contact_preferences WHERE customer_id = $1 ORDER BY id',
      [c.rows[0].id],
    );
    return { doNotContact: c.rows[0].do_not_contact, preferences: r.rows };
  }

  async addPreference(
    customerExt: string,
    p: {
      kind: string;
      channel: string | null;
      value: string | null;
      since: string;
      until: string | null;
      source: string;
    },
  ) {
    const r = await this.db.query(
      `INSERT INTO contact_preferences (customer_id, kind, channel, value, since, until, source)
       SELECT id, $2, $3, $4, $5, $6, $7 FROM customers WHERE external_id = $1
       RETURNING id, kind, channel, value, since, until, source`,
      [customerExt, p.kind, p.channel, p.value, p.since, p.until, p.source],
    );
    return r.rows[0] ?? null;
  }

  async setDoNotContact(customerExt: string, value: boolean): Promise<boolean> {
    const r = await this.db.query(
      'UPDATE customers SET do_not_contact = $2, updated_at = now() WHERE external_id = $1',
      [customerExt, value],
    );
    return r.rowCount > 0;
  }

  async recordInbound(m: {
    provider: string;
    from: string;
    to: string;
    text: string;
    at: Date;
    customerId: number | null;
    action: string;
  }) {
    await this.db.query(
      `INSERT INTO inbound_messages (provider, from_number, to_number, text, received_at, customer_id, action)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [m.provider, m.from, m.to, m.text, m.at.toISOString(), m.customerId, m.action],
    );
  }

  async calendar(jurisdiction: string | null) {
    const r = await this.db.query<{
      jurisdiction: string;
      day: unknown;
      kind: string;
      name: string;
    }>(
      'SELECT jurisdiction, day, kind, name FROM contact_calendar WHERE $1::text IS NULL OR jurisdiction = $1 ORDER BY jurisdiction, day',
      [jurisdiction],
    );
    return r.rows.map((x) => ({ ...x, day: day(x.day) }));
  }

  async setCalendarDay(
    jurisdiction: string,
    date: string,
    kind: 'holiday' | 'quiet',
    name: string,
  ) {
    await this.db.query(
      `INSERT INTO contact_calendar (jurisdiction, day, kind, name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (jurisdiction, day) DO UPDATE SET kind = excluded.kind, name = excluded.name`,
      [jurisdiction, date, kind, name],
    );
  }

  async removeCalendarDay(jurisdiction: string, date: string): Promise<boolean> {
    const r = await this.db.query(
      'DELETE FROM contact_calendar WHERE jurisdiction = $1 AND day = $2',
      [jurisdiction, date],
    );
    return r.rowCount > 0;
  }

  /** Dispatches by channel and state for a day. */
  async dayStatus(date: string): Promise<Record<string, Record<string, number>>> {
    const r = await this.db.query<{ channel: string; state: string; n: string | number }>(
      'SELECT channel, state, count(*) AS n FROM dispatches WHERE planned_for = $1::date GROUP BY 1, 2 ORDER BY 1, 2',
      [date],
    );
    const out: Record<string, Record<string, number>> = {};
    for (const x of r.rows) (out[x.channel] ??= {})[x.state] = Number(x.n);
    return out;
  }

  /** Messages due now and not yet sent (a worker with `--exit-when-idle` stops at none). */
  async dueMessages(): Promise<number> {
    const r = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM dispatches WHERE state IN ('planned', 'queued', 'sending')
         AND channel IN ('sms', 'email', 'letter') AND not_before <= now() AND expires_at > now()`,
    );
    return Number(r.rows[0]?.n ?? 0);
  }
}
