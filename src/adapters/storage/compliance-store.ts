/** The compliance report and the audit's reading of the contact history, in whole sets. */
import type { ComplianceReport, ComplianceStore } from '../../app/compliance/ports.ts';
import type { AuditCustomer } from '../../domain/dispatch/audit.ts';
import type { StoredPreference } from '../../domain/dispatch/contact-case.ts';
import { calendarJurisdiction, readAttempts } from './dispatch-store.ts';
import { toDay, toInstant, type Database } from './sql-client.ts';

const isoOf = (v: unknown) => toInstant(v)!.toISOString();
const dateOf = (v: unknown) => toDay(v)!;

export class SqlComplianceStore implements ComplianceStore {
  constructor(private readonly db: Database) {}

  async report(from: Date, to: Date): Promise<ComplianceReport> {
    const p = [from.toISOString(), to.toISOString()];
    const hours = await this.db.query<{ channel: string; hour: number; n: string | number }>(
      `SELECT t.channel, extract(hour FROM t.ts AT TIME ZONE c.timezone)::int AS hour, count(*) AS n
       FROM contact_attempts t JOIN customers c ON c.id = t.customer_id
       WHERE t.direction = 'outbound' AND t.ts >= $1::timestamptz AND t.ts < $2::timestamptz
       GROUP BY 1, 2 ORDER BY 1, 2`,
      p,
    );
    const blocks = await this.db.query<{ rule: string; stage: string; n: string | number }>(
      `SELECT r->>'rule' AS rule, d.stage, count(*) AS n
       FROM compliance_decisions d CROSS JOIN LATERAL jsonb_array_elements(d.reasons) r
       WHERE d.decision = 'DENY' AND d.proposed_at >= $1::timestamptz AND d.proposed_at < $2::timestamptz
       GROUP BY 1, 2 ORDER BY 3 DESC, 1`,
      p,
    );
    const totals = await this.db.query<{ decision: string; n: string | number }>(
      `SELECT decision, count(*) AS n FROM compliance_decisions
       WHERE proposed_at >= $1::timestamptz AND proposed_at < $2::timestamptz GROUP BY 1`,
      p,
    );
    const states = await this.db.query<{ channel: string; state: string; n: string | number }>(
      `SELECT channel, state, count(*) AS n FROM dispatches
       WHERE created_at >= $1::timestamptz - interval '2 days' AND not_before >= $1::timestamptz
         AND not_before < $2::timestamptz GROUP BY 1, 2 ORDER BY 1, 2`,
      p,
    );
    const dispatches: Record<string, Record<string, number>> = {};
    for (const s of states.rows) (dispatches[s.channel] ??= {})[s.state] = Number(s.n);
    return {
      from: p[0]!,
      to: p[1]!,
      contactsByHour: hours.rows.map((x) => ({
        channel: x.channel,
        hour: x.hour,
        contacts: Number(x.n),
      })),
      blocksByRule: blocks.rows.map((x) => ({
        rule: x.rule,
        stage: x.stage,
        decisions: Number(x.n),
      })),
      decisions: {
        allowed: Number(totals.rows.find((x) => x.decision === 'ALLOW')?.n ?? 0),
        denied: Number(totals.rows.find((x) => x.decision === 'DENY')?.n ?? 0),
      },
      dispatches,
    };
  }

  async auditPage(
    from: Date,
    to: Date,
    afterCustomer: number,
    limit: number,
  ): Promise<AuditCustomer[]> {
    const ids = await this.db.query<{ id: string | number }>(
      `SELECT DISTINCT customer_id AS id FROM contact_attempts
       WHERE direction = 'outbound' AND ts >= $1::timestamptz AND ts < $2::timestamptz AND customer_id > $3
       ORDER BY 1 LIMIT $4`,
      [from.toISOString(), to.toISOString(), afterCustomer, limit],
    );
    const list = ids.rows.map((x) => Number(x.id));
    if (list.length === 0) return [];
    const calendar = new Map<string, string[]>();
    for (const x of (
      await this.db.query<{ jurisdiction: string; day: unknown }>(
        'SELECT jurisdiction, day FROM contact_calendar ORDER BY day',
      )
    ).rows) {
      calendar.set(x.jurisdiction, [...(calendar.get(x.jurisdiction) ?? []), dateOf(x.day)]);
    }
    const out = new Map<number, AuditCustomer>();
    const cs = await this.db.query<{
      id: string | number;
      timezone: string;
      jurisdiction: string;
      do_not_contact: boolean;
      phone: string | null;
      email: string | null;
    }>(
      'SELECT id, timezone, jurisdiction, do_not_contact, phone, email FROM customers WHERE id = ANY($1::bigint[]) ORDER BY id',
      [list],
    );
    for (const c of cs.rows) {
      out.set(Number(c.id), {
        base: {
          customerId: Number(c.id),
          timezone: c.timezone,
          jurisdiction: c.jurisdiction,
          doNotContact: c.do_not_contact,
          phone: c.phone,
          email: c.email,
          calendar: calendar.get(calendarJurisdiction(c.jurisdiction)) ?? [],
        },
        holds: [],
        preferences: [],
        attempts: [],
      });
    }
    const holds = await this.db.query<{
      customer_id: string | number;
      kind: string;
      from_date: unknown;
      to_date: unknown;
      created_at: unknown;
    }>(
      `SELECT a.customer_id, h.kind, h.from_date, h.to_date, h.created_at FROM holds h
       JOIN accounts a ON a.id = h.account_id WHERE a.customer_id = ANY($1::bigint[])`,
      [list],
    );
    for (const h of holds.rows)
      out.get(Number(h.customer_id))?.holds.push({
        kind: h.kind,
        from: dateOf(h.from_date),
        to: h.to_date === null ? null : dateOf(h.to_date),
        recordedAt: isoOf(h.created_at),
      });
    const prefs = await this.db.query<{
      customer_id: string | number;
      kind: StoredPreference['kind'];
      channel: StoredPreference['channel'];
      value: string | null;
      since: unknown;
      until: unknown;
      created_at: unknown;
    }>(
      'SELECT customer_id, kind, channel, value, since, until, created_at FROM contact_preferences WHERE customer_id = ANY($1::bigint[])',
      [list],
    );
    for (const x of prefs.rows)
      out.get(Number(x.customer_id))?.preferences.push({
        kind: x.kind,
        channel: x.channel,
        value: x.value,
        since: isoOf(x.since),
        until: x.until === null ? null : isoOf(x.until),
        recordedAt: isoOf(x.created_at),
      });
    // From nine days before the period: the rules count back seven days.
    const since = new Date(from.getTime() - 9 * 86_400_000);
    for (const { id, customerId, attempt } of await readAttempts(this.db, list, since, to)) {
      out.get(customerId)?.attempts.push({ ...attempt, id });
    }
    return [...out.values()];
  }
}
