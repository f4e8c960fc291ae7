/**
 * The timeline of a customer in SQL: one source per kind of entry, each reading only the
 * customer's rows through its own index, newest first up to the page, merged by time. Adding a
 * kind of entry is one more source in the list.
 */
import type { TimelineCursor, TimelineEntry } from '../../app/customers/ports.ts';
import type { TimelineKind } from '../../domain/customers/file.ts';
import type { SqlConnection } from './sql-client.ts';

/**
 * A source selects, for the customer `$1`: `at` (timestamptz), `account` (external id or null),
 * `key` (unique within the kind) and `detail` (jsonb). A date becomes the start of that day in
 * the customer's time zone (`c.timezone`, the source joins customers as c).
 */
interface Source {
  kind: TimelineKind;
  sql: string;
}

const dayStart = (col: string) => `(${col}::timestamp AT TIME ZONE c.timezone)`;

export const TIMELINE_SOURCES: readonly Source[] = [
  {
    kind: 'payment',
    sql: `SELECT coalesce(p.paid_at, ${dayStart('p.paid_on')}) AS at, a.external_id AS account,
            p.external_id AS key,
            jsonb_build_object('amountMinor', p.amount, 'currency', a.currency, 'paidOn', p.paid_on,
              'source', p.source) AS detail
          FROM payments p JOIN accounts a ON a.id = p.account_id JOIN customers c ON c.id = a.customer_id
          WHERE a.customer_id = $1`,
  },
  {
    // calls and visits, and anything inbound; messages sent are the 'message' entries
    kind: 'contact',
    sql: `SELECT ca.ts AS at, a.external_id AS account, ca.id::text AS key,
            jsonb_build_object('channel', ca.channel, 'direction', ca.direction, 'outcome', ca.outcome,
              'person', ca.person, 'address', ca.address, 'by', ca.by_user, 'notes', ca.notes,
              'taskId', ca.task_id) AS detail
          FROM contact_attempts ca LEFT JOIN accounts a ON a.id = ca.account_id
          WHERE ca.customer_id = $1
            AND (ca.dispatch_id IS NULL OR ca.task_id IS NOT NULL OR ca.channel IN ('phone', 'field_visit'))`,
  },
  {
    kind: 'message',
    sql: `SELECT coalesce(d.sent_at, d.handed_over_at, d.created_at) AS at, a.external_id AS account,
            d.id::text AS key,
            jsonb_build_object('channel', d.channel, 'template', d.template, 'purpose', d.purpose,
              'state', d.state, 'recipient', d.recipient, 'subject', d.subject, 'sentAt', d.sent_at,
              'finalAt', d.final_at, 'reason', d.last_reason,
              'events', (SELECT coalesce(jsonb_agg(jsonb_build_object('at', e.at, 'state', e.to_state,
                  'reason', e.reason) ORDER BY e.at), '[]'::jsonb)
                FROM dispatch_events e WHERE e.dispatch_id = d.id)) AS detail
          FROM dispatches d JOIN accounts a ON a.id = d.account_id
          WHERE d.customer_id = $1 AND d.channel IN ('sms', 'email', 'letter') AND d.state <> 'blocked'`,
  },
  {
    // what the customer sent us (a reply to a text), and what Recoup did with it
    kind: 'message',
    sql: `SELECT im.received_at AS at, NULL::text AS account, 'in:' || im.id AS key,
            jsonb_build_object('channel', 'sms', 'direction', 'inbound', 'from', im.from_number,
              'text', im.text, 'action', im.action) AS detail
          FROM inbound_messages im WHERE im.customer_id = $1`,
  },
  {
    kind: 'blocked',
    sql: `SELECT cd.proposed_at AS at, a.external_id AS account, cd.id::text AS key,
            jsonb_build_object('channel', cd.channel, 'stage', cd.stage, 'person', cd.person,
              'reasons', cd.reasons, 'ruleSet', cd.rule_set, 'ruleSetVersion', cd.rule_set_version,
              'nextAllowed', cd.next_allowed, 'decidedBy', cd.decided_by) AS detail
          FROM compliance_decisions cd LEFT JOIN dispatches d ON d.id = cd.dispatch_id
          LEFT JOIN accounts a ON a.id = d.account_id
          WHERE cd.customer_id = $1 AND cd.decision = 'DENY'`,
  },
  {
    kind: 'strategy',
    sql: `SELECT ${dayStart('e.on_date')} AS at, a.external_id AS account,
            a.external_id || ':' || e.on_date AS key,
            jsonb_build_object('strategy', v.strategy_id, 'version', v.version, 'segment', e.segment_id,
              'bucket', e.bucket, 'exitReason', e.exit_reason) AS detail
          FROM strategy_path_events e JOIN accounts a ON a.id = e.account_id
          JOIN customers c ON c.id = a.customer_id JOIN strategy_versions v ON v.id = e.strategy_version_id
          WHERE a.customer_id = $1`,
  },
  {
    kind: 'step',
    sql: `SELECT ${dayStart('pa.planned_for')} AS at, a.external_id AS account, pa.id::text AS key,
            jsonb_build_object('segment', pa.segment_id, 'step', pa.step_id, 'channel', pa.channel,
              'template', pa.template, 'status', pa.status, 'reason', pa.reason) AS detail
          FROM planned_actions pa JOIN accounts a ON a.id = pa.account_id
          JOIN customers c ON c.id = a.customer_id
          WHERE a.customer_id = $1`,
  },
  {
    kind: 'promise',
    sql: `SELECT p.made_at AS at, a.external_id AS account, p.id::text AS key,
            jsonb_build_object('amountMinor', p.amount, 'currency', p.currency, 'promisedFor',
              p.promised_for, 'status', p.status, 'paidMinor', p.paid, 'resolvedOn', p.resolved_on,
              'late', p.late, 'by', p.made_by, 'channel', p.channel) AS detail
          FROM promises p JOIN accounts a ON a.id = p.account_id
          WHERE p.customer_id = $1`,
  },
  {
    kind: 'plan',
    sql: `SELECT pe.at, a.external_id AS account, pe.id::text AS key,
            jsonb_build_object('plan', pe.plan_id, 'action', pe.action, 'by', pe.actor,
              'role', pe.role, 'detail', pe.detail) AS detail
          FROM plan_events pe JOIN accounts a ON a.id = pe.account_id
          WHERE a.customer_id = $1`,
  },
  {
    kind: 'hold',
    sql: `SELECT ${dayStart('h.from_date')} AS at, a.external_id AS account, h.id::text AS key,
            jsonb_build_object('kind', h.kind, 'from', h.from_date, 'to', h.to_date, 'note', h.note) AS detail
          FROM holds h JOIN accounts a ON a.id = h.account_id JOIN customers c ON c.id = a.customer_id
          WHERE a.customer_id = $1`,
  },
  {
    kind: 'note',
    sql: `SELECT n.written_at AS at, a.external_id AS account, n.id::text AS key,
            jsonb_build_object('body', n.body, 'by', n.written_by) AS detail
          FROM customer_notes n LEFT JOIN accounts a ON a.id = n.account_id
          WHERE n.customer_id = $1 AND n.removed_at IS NULL`,
  },
  {
    // a note written is its own entry; the change shows what became of it later
    kind: 'change',
    sql: `SELECT ch.at, NULL::text AS account, ch.id::text AS key,
            jsonb_build_object('subject', ch.subject, 'subjectId', ch.subject_id, 'action', ch.action,
              'before', ch.before, 'after', ch.after, 'by', ch.actor, 'role', ch.role) AS detail
          FROM customer_changes ch
          WHERE ch.customer_id = $1 AND NOT (ch.subject = 'note' AND ch.action = 'added')`,
  },
];

/** The instant as text with microseconds: the cursor keeps the order the database sorts by. */
const AT_TEXT = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function readTimeline(
  db: SqlConnection,
  customerId: number,
  kinds: readonly TimelineKind[],
  before: TimelineCursor | null,
  limit: number,
): Promise<TimelineEntry[]> {
  const sources = TIMELINE_SOURCES.filter((s) => kinds.includes(s.kind));
  if (sources.length === 0) return [];
  const parts = sources.map(
    (s) => `(SELECT ${AT_TEXT} AS at, '${s.kind}'::text AS kind, account, key, detail
       FROM (${s.sql}) s
       WHERE $2::timestamptz IS NULL OR (at, '${s.kind}'::text, key) < ($2::timestamptz, $3::text, $4::text)
       ORDER BY s.at DESC, s.key DESC LIMIT $5)`,
  );
  const r = await db.query<{
    at: string;
    kind: TimelineKind;
    account: string | null;
    key: string;
    detail: Record<string, unknown>;
  }>(
    `SELECT * FROM (${parts.join('\nUNION ALL\n')}) t ORDER BY at DESC, kind DESC, key DESC LIMIT $5`,
    [customerId, before?.at ?? null, before?.kind ?? null, before?.key ?? null, limit],
  );
  // the use case says what each entry is
  return r.rows.map((x) => ({ ...x, summary: '' }));
}
