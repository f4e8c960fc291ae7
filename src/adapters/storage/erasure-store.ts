/**
 * Erasing a customer's personal data in the database, in one transaction with its record and
 * its audit entry. Personal text is replaced by "[erased]" where a row must keep it (the name,
 * an SMS's number and text, a change's before and after, a complaint's summary) and set to null
 * or deleted elsewhere; the ledger's rows (accounts, instalments, payments, holds, plans,
 * promises, states, transitions, scores, decisions, dispatches, attempts) keep their ids,
 * amounts, dates and states. Every statement touches only rows that still hold something to
 * erase, so repeating an erasure changes nothing and counts nothing.
 */
import type { ErasureResult, ErasureStore } from '../../app/customers/ports.ts';
import type { AuditRecord } from '../../domain/audit/chain.ts';
import { ERASED, type Erasure } from '../../domain/customers/erasure.ts';
import { DISPATCH_CHANNELS } from '../../domain/dispatch/lifecycle.ts';
import { appendIn } from './audit-store.ts';
import type { Database, SqlConnection } from './sql-client.ts';

const E = `'${ERASED}'`;
const E_JSON = `'${JSON.stringify(ERASED)}'::jsonb`;
/** Why dispatches and tasks still to come were stopped. */
const STOPPED = 'personal data erased';

/**
 * The statements of an erasure: $1 the customer's internal id, $2 the time. In
 * this order: unmatched SMS replies are found by the customer's numbers before those go.
 */
const ERASE: readonly string[] = [
  // SMS replies: from the customer, or from one of their numbers without being matched
  `UPDATE inbound_messages SET from_number = ${E}, text = ${E}
   WHERE (customer_id = $1 OR (customer_id IS NULL AND from_number IN (
       SELECT value FROM contact_points WHERE customer_id = $1 AND kind = 'phone'
       UNION SELECT phone FROM customers WHERE id = $1 AND phone IS NOT NULL)))
     AND (from_number <> ${E} OR text <> ${E})`,
  `UPDATE customers SET name = ${E}, phone = NULL, email = NULL, address = NULL,
     latitude = NULL, longitude = NULL, do_not_contact = true, updated_at = $2
   WHERE id = $1 AND (name <> ${E} OR phone IS NOT NULL OR email IS NOT NULL
     OR address IS NOT NULL OR latitude IS NOT NULL OR longitude IS NOT NULL OR NOT do_not_contact)`,
  'DELETE FROM contact_points WHERE customer_id = $1',
  'DELETE FROM customer_addresses WHERE customer_id = $1',
  'DELETE FROM customer_financials WHERE customer_id = $1',
  'DELETE FROM customer_tags WHERE customer_id = $1',
  'DELETE FROM customer_notes WHERE customer_id = $1',
  // a tag's change names the tag in its subject id
  `UPDATE customer_changes SET
     before = CASE WHEN before IS NULL THEN NULL ELSE ${E_JSON} END,
     after = CASE WHEN after IS NULL THEN NULL ELSE ${E_JSON} END,
     subject_id = CASE WHEN subject = 'tag' THEN ${E} ELSE subject_id END
   WHERE customer_id = $1 AND (before <> ${E_JSON} OR after <> ${E_JSON}
     OR (subject = 'tag' AND subject_id <> ${E}))`,
  // dispatches still to come are stopped, each with its event
  `WITH c AS (SELECT id, state FROM dispatches WHERE customer_id = $1
       AND state IN ('planned', 'checked', 'queued') FOR UPDATE),
   u AS (UPDATE dispatches d SET state = 'blocked', last_reason = '${STOPPED}', final_at = $2,
       updated_at = $2 FROM c WHERE d.id = c.id RETURNING d.id, c.state AS from_state)
   INSERT INTO dispatch_events (dispatch_id, at, from_state, to_state, reason)
   SELECT id, $2, from_state, 'blocked', '${STOPPED}' FROM u`,
  `UPDATE dispatches SET recipient = NULL, subject = NULL, body = NULL, updated_at = $2
   WHERE customer_id = $1 AND (recipient IS NOT NULL OR subject IS NOT NULL OR body IS NOT NULL)`,
  'DELETE FROM letters WHERE dispatch_id IN (SELECT id FROM dispatches WHERE customer_id = $1)',
  `UPDATE contact_attempts SET address = NULL, notes = NULL, latitude = NULL, longitude = NULL
   WHERE customer_id = $1 AND (address IS NOT NULL OR notes IS NOT NULL
     OR latitude IS NOT NULL OR longitude IS NOT NULL)`,
  // calls and visits still to come are stopped, each with its event
  `WITH u AS (UPDATE tasks SET state = 'blocked', reason = '${STOPPED}', locked_by = NULL,
       locked_until = NULL, updated_at = $2
     WHERE customer_id = $1 AND kind IN ('call', 'visit')
       AND state IN ('open', 'assigned', 'in_progress', 'unassigned') RETURNING id)
   INSERT INTO task_events (task_id, at, actor, action, detail)
   SELECT id, $2, 'erasure', 'blocked', jsonb_build_object('reason', '${STOPPED}') FROM u`,
  `UPDATE tasks SET notes = NULL, latitude = NULL, longitude = NULL, updated_at = $2
   WHERE customer_id = $1 AND (notes IS NOT NULL OR latitude IS NOT NULL OR longitude IS NOT NULL)`,
  // staff's free text on the ledger's rows; the rows and their amounts stay
  'UPDATE promises SET notes = NULL WHERE customer_id = $1 AND notes IS NOT NULL',
  `UPDATE plans SET notes = NULL WHERE notes IS NOT NULL
     AND account_id IN (SELECT id FROM accounts WHERE customer_id = $1)`,
  `UPDATE holds SET note = NULL WHERE note IS NOT NULL
     AND account_id IN (SELECT id FROM accounts WHERE customer_id = $1)`,
  `UPDATE complaints SET summary = ${E} WHERE customer_id = $1 AND summary <> ${E}`,
  // preferences naming a number or address: an opt-out then covers the whole channel
  `UPDATE contact_preferences SET value = CASE WHEN kind = 'opt_out' THEN NULL ELSE ${E} END
   WHERE customer_id = $1 AND kind IN ('opt_out', 'email_consent', 'employer_email')
     AND value IS NOT NULL AND value <> ${E}`,
  // do not contact, on every channel, as the contact rules read it
  `INSERT INTO contact_preferences (customer_id, kind, channel, value, since, source)
   SELECT $1, 'opt_out', ch, NULL, $2, 'erasure'
   FROM unnest(ARRAY['${DISPATCH_CHANNELS.join("', '")}']) ch
   WHERE NOT EXISTS (SELECT 1 FROM contact_preferences p WHERE p.customer_id = $1
     AND p.kind = 'opt_out' AND p.channel = ch AND p.value IS NULL AND p.until IS NULL)`,
];

interface Row {
  external_id: string;
  erased_at: Date | string;
  erased_by: string;
  role: string;
  reason: string;
}

const toErasure = (r: Row): Erasure => ({
  customer: r.external_id,
  at: new Date(r.erased_at).toISOString(),
  by: r.erased_by,
  role: r.role,
  reason: r.reason,
});

const COLUMNS = 'external_id, erased_at, erased_by, role, reason';

export class SqlErasureStore implements ErasureStore {
  constructor(private readonly db: Database) {}

  async externalIdOf(idOrExt: string): Promise<string | null> {
    const internal = /^[0-9]{1,18}$/.test(idOrExt) ? idOrExt : null;
    const r = await this.db.query<{ external_id: string }>(
      `SELECT external_id FROM customers WHERE external_id = $1 OR id = $2::bigint
       ORDER BY (external_id = $1) DESC LIMIT 1`,
      [idOrExt, internal],
    );
    return r.rows[0]?.external_id ?? null;
  }

  async erasure(ext: string): Promise<Erasure | null> {
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM customer_erasures WHERE external_id = $1`,
      [ext],
    );
    return r.rows[0] ? toErasure(r.rows[0]) : null;
  }

  async erasures(): Promise<Erasure[]> {
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM customer_erasures ORDER BY erased_at, external_id`,
    );
    return r.rows.map(toErasure);
  }

  apply(
    e: Erasure,
    first: boolean,
    at: Date,
    audit: (rowsChanged: number) => AuditRecord | null,
  ): Promise<ErasureResult> {
    return this.db.transaction(async (tx) => {
      const c = await tx.query<{ id: string | number }>(
        'SELECT id FROM customers WHERE external_id = $1 FOR UPDATE',
        [e.customer],
      );
      const id = c.rows[0]?.id ?? null;
      const ins = await tx.query(
        `INSERT INTO customer_erasures (external_id, customer_id, erased_at, erased_by, role, reason)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (external_id) DO NOTHING`,
        [e.customer, id, e.at, e.by, e.role, e.reason],
      );
      const recorded = ins.rowCount > 0;
      if (first && !recorded) return { recorded, present: id !== null, rowsChanged: 0 };
      const rowsChanged = id === null ? 0 : await eraseIn(tx, Number(id), at);
      const entry = audit(rowsChanged);
      if (entry) await appendIn(tx, [entry]);
      return { recorded, present: id !== null, rowsChanged };
    });
  }
}

/** Runs the erasure's statements for one customer; the rows they changed. */
async function eraseIn(tx: SqlConnection, customerId: number, at: Date) {
  let changed = 0;
  // the internal id is recorded once known (a list read back may have named it before)
  await tx.query(
    `UPDATE customer_erasures SET customer_id = $1
     WHERE customer_id IS NULL AND external_id = (SELECT external_id FROM customers WHERE id = $1)`,
    [customerId],
  );
  for (const sql of ERASE) {
    const params = sql.includes('$2') ? [customerId, at.toISOString()] : [customerId];
    changed += (await tx.query(sql, params)).rowCount;
  }
  return changed;
}
