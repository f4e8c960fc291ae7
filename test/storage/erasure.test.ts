/**
 * Erasing a customer's personal data on the engine under test: a customer with accounts,
 * payments, a hold, a promise, contact points, an address, financials, a tag, a note, a sent
 * text, a call with notes, a letter, a reply and a dispatch still to come is erased by an
 * administrator; no table but the audit log holds their personal data any more, the ledger and
 * the other customer are unchanged, contact stops, the audit chain still verifies with the
 * erasure in it, a re-import of the customer's row is refused by name, and repeating the
 * erasures (after a restore) is idempotent.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/adapters/crypto/secrets.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { verifyAudit } from '../../src/app/audit/audit.ts';
import {
  addAddress,
  addContactPoint,
  addNote,
  addTag,
  customerTimeline,
  setFinancials,
} from '../../src/app/customers/customers.ts';
import { eraseCustomer, reapplyErasures } from '../../src/app/customers/erasure.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { processAllShards, type DispatchDeps } from '../../src/app/dispatch/dispatcher.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { recordHold } from '../../src/app/ledger/ledger-service.ts';
import { makePromise } from '../../src/app/promises/promises.ts';
import { testServer } from '../support/auth.ts';
import {
  callWithPromise,
  publishTextAndCall,
  sandboxDispatch,
  sendDay,
} from '../support/contacts.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const CUSTOMERS = [
  'customer_id,name,phone,email,address,latitude,longitude,timezone,language,jurisdiction',
  'C1,Ann Lee,+12125550101,ann@example.com,"12 Baker Street, Springfield",40.71280,-74.00600,America/New_York,en,US-NY',
  'C3,Bob Ray,+12125550103,bob@example.com,"9 Elm Road, Springfield",,,America/New_York,en,US-MA',
];
/** Everything personal the test gives Ann: none of it may remain outside the audit log. */
const ANNS = [
  'Ann Lee',
  '2125550101',
  '2125550177',
  'ann@example.com',
  'ann.work@example.com',
  'Baker Street',
  'Harbour Lane',
  'Acme Dental',
  'hygienist',
  'will pay Friday',
  'prefers mornings',
  'frail-erasure',
  'call me at home',
  'paying on the 25th',
  'in hospital',
];
const admin = { 'x-recoup-user': 'ada', 'x-recoup-role': 'administrator' };
const collector = { user: 'mia', role: 'collector' } as const;

describe(`erasing a customer's personal data (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  const clock = fixedClock('2026-03-02T04:00:00Z');
  const file = () => ({ customers: p.customers, policies: p.policies, clock });
  let send: DispatchDeps;

  /** The ledger's rows of every account, and the dispatches' and decisions' states. */
  const ledger = async () => {
    const q = async (sql: string) => (await p.db.query(sql)).rows;
    return {
      accounts: await q('SELECT * FROM accounts ORDER BY id'),
      instalments: await q('SELECT * FROM instalments ORDER BY account_id, seq'),
      payments: await q('SELECT * FROM payments ORDER BY id'),
      holds: await q('SELECT id, account_id, kind, from_date, to_date FROM holds ORDER BY id'),
      states: await q('SELECT * FROM account_states ORDER BY account_id'),
      transitions: await q('SELECT * FROM bucket_transitions ORDER BY 1, 2'),
      promises: await q(
        'SELECT id, account_id, amount, promised_for, status, paid FROM promises ORDER BY id',
      ),
      decisions: await q('SELECT * FROM compliance_decisions ORDER BY id'),
      sent: await q(
        `SELECT id, account_id, channel, state, planned_for, sent_at FROM dispatches
         WHERE idempotency_key <> 'sms-later' ORDER BY id`,
      ),
      attempts: await q('SELECT id, ts, channel, outcome, dispatch_id FROM contact_attempts'),
      balances: await q(
        `SELECT a.external_id, s.outstanding, s.arrears, s.bucket FROM accounts a
         JOIN account_states s ON s.account_id = a.id ORDER BY 1`,
      ),
    };
  };

  /** Rows of any table but the audit log whose text holds one of Ann's details. */
  const annsData = async () => {
    const tables = await p.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
         AND table_name <> 'audit_log' ORDER BY 1`,
    );
    const found: string[] = [];
    for (const { table_name: t } of tables.rows) {
      const r = await p.db.query<{ row: string }>(
        `SELECT t::text AS row FROM "${t}" t WHERE t::text ILIKE ANY ($1::text[])`,
        [ANNS.map((s) => `%${s}%`)],
      );
      found.push(...r.rows.map((x) => `${t}: ${x.row}`));
    }
    return found;
  };

  let before: Awaited<ReturnType<typeof ledger>>;
  let bobBefore: unknown;
  const bob = async () =>
    (
      await p.db.query(
        `SELECT name, phone, email, address, do_not_contact,
                (SELECT count(*) FROM contact_preferences WHERE customer_id = c.id) AS preferences,
                (SELECT count(*) FROM dispatches WHERE customer_id = c.id AND recipient IS NOT NULL) AS sent
         FROM customers c WHERE external_id = 'C3'`,
      )
    ).rows;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(...CUSTOMERS),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,USD,200.00,2026-01-01',
        'A3,C3,loan,USD,100.00,2026-01-01',
      ),
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due,interest_due,fees_due',
        'A1,1,2026-01-20,100.00,0,0',
        'A1,2,2026-02-20,100.00,0,0',
        'A3,1,2026-02-20,100.00,0,0',
      ),
      'payments.csv': csv('payment_id,account_id,paid_on,amount', 'P1,A1,2026-01-20,100.00'),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await publishTextAndCall(p);
    // Ann's file: a second phone and email, an address, financials, a tag, a note
    await addContactPoint(file(), 'C1', { kind: 'phone', value: '+12125550177' }, collector);
    await addContactPoint(
      file(),
      'C1',
      { kind: 'email', value: 'ann.work@example.com' },
      collector,
    );
    await addAddress(file(), 'C1', { line: '4 Harbour Lane, Springfield' }, collector);
    await setFinancials(
      file(),
      'C1',
      { employer: 'Acme Dental', occupation: 'hygienist' },
      collector,
    );
    await addTag(file(), 'C1', 'frail-erasure', collector);
    await addNote(file(), 'C1', { body: 'prefers mornings' }, collector);
    await recordHold({ ledger: p.ledger, policies: p.policies, clock }, 'A1', {
      kind: 'dispute',
      from: '2026-02-25',
      to: '2026-02-26',
      note: 'in hospital',
    });
    // a text sent, and a call with notes
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-02', to: '2026-03-02' },
    );
    await makePromise({ promises: p.promises, clock }, 'A1', {
      amount: '50.00',
      promisedFor: '2026-03-10',
      by: 'mia',
      notes: 'paying on the 25th',
    });
    send = sandboxDispatch(p);
    await sendDay(send, '2026-03-02');
    await callWithPromise(p, 'C1', 'will pay Friday', '2026-03-02');
    // her reply, a letter as printed, and a text still to be sent
    await p.channels.recordInbound({
      provider: 'kannel',
      from: '+12125550101',
      to: '10690',
      text: 'call me at home',
      at: new Date('2026-03-02T17:00:00Z'),
      customerId: (await p.customers.ref('C1'))!.id,
      action: 'none',
    });
    await p.db.query(
      `INSERT INTO dispatches (idempotency_key, account_id, customer_id, channel, template,
         planned_for, priority, shard, state, expires_at, recipient, subject, body, sent_at)
       SELECT 'letter-1', account_id, customer_id, 'letter', 'overdue_letter', planned_for,
         priority, shard, 'sent', expires_at, '12 Baker Street, Springfield', 'Your account',
         'Dear Ann Lee', sent_at FROM dispatches WHERE channel = 'sms' AND recipient = '+12125550101'`,
    );
    await p.db.query(
      `INSERT INTO letters (dispatch_id, pdf, pages)
       SELECT id, convert_to('%PDF Dear Ann Lee', 'UTF8'), 1 FROM dispatches WHERE idempotency_key = 'letter-1'`,
    );
    await p.db.query(
      `INSERT INTO dispatches (idempotency_key, account_id, customer_id, channel, template,
         planned_for, priority, shard, state, expires_at, not_before)
       SELECT 'sms-later', account_id, customer_id, 'sms', template, '2026-03-03', priority,
         shard, 'queued', '2026-03-10T00:00:00Z', '2026-03-03T14:00:00Z'
       FROM dispatches WHERE channel = 'sms' AND recipient = '+12125550101'`,
    );
    app = await buildServer(p, testServer);
    // a change through the API: the audit log holds what was sent, Ann's number among it
    const r = await app.inject({
      method: 'POST',
      url: '/api/customers/C1/contact-points',
      headers: { 'x-recoup-user': 'sam', 'x-recoup-role': 'supervisor' },
      payload: { kind: 'phone', value: '+442079460123' },
    });
    expect(r.statusCode).toBe(201);
    ANNS.push('2079460123');

    expect((await annsData()).length).toBeGreaterThan(10);
    before = await ledger();
    bobBefore = await bob();
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('is for administrators only (route-guard.test.ts checks the route), with a reason', async () => {
    for (const payload of [{}, { reason: '' }, { reason: '   ' }]) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/customers/C1/erase',
        headers: admin,
        payload,
      });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
    }
    await expect(
      eraseCustomer({ erasures: p.erasures, clock }, 'C1', 'request', collector),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await annsData()).not.toEqual([]);
  });

  it("removes the customer's personal data from every table but the audit log", async () => {
    clock.set('2026-03-02T18:00:00Z');
    const r = await app.inject({
      method: 'POST',
      url: '/api/customers/C1/erase',
      headers: admin,
      payload: { reason: 'erasure request 2026-0042 by letter' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      customer: 'C1',
      erased: true,
      erasure: { customer: 'C1', by: 'ada', role: 'administrator', at: '2026-03-02T18:00:00.000Z' },
    });
    expect(r.json().rowsChanged).toBeGreaterThan(10);
    expect(await annsData()).toEqual([]);

    const row = await p.db.query(
      `SELECT external_id, name, phone, email, address, latitude, longitude, do_not_contact
       FROM customers WHERE external_id = 'C1'`,
    );
    expect(row.rows).toEqual([
      {
        external_id: 'C1',
        name: '[erased]',
        phone: null,
        email: null,
        address: null,
        latitude: null,
        longitude: null,
        do_not_contact: true,
      },
    ]);
    const id = (await p.customers.ref('C1'))!.id;
    const count = async (sql: string) =>
      Number((await p.db.query<{ n: string }>(sql, [id])).rows[0]!.n);
    for (const t of [
      'contact_points',
      'customer_addresses',
      'customer_financials',
      'customer_tags',
      'customer_notes',
    ])
      expect(await count(`SELECT count(*) AS n FROM ${t} WHERE customer_id = $1`), t).toBe(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM customer_changes WHERE customer_id = $1
         AND (before IS NOT NULL AND before <> '"[erased]"' OR after IS NOT NULL AND after <> '"[erased]"')`,
      ),
    ).toBe(0);
    expect(await count('SELECT count(*) AS n FROM customer_changes WHERE customer_id = $1')).toBe(
      7,
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM dispatches WHERE customer_id = $1
         AND (recipient IS NOT NULL OR subject IS NOT NULL OR body IS NOT NULL)`,
      ),
    ).toBe(0);
    expect(
      await count(
        `SELECT count(*) AS n FROM contact_attempts WHERE customer_id = $1
         AND (address IS NOT NULL OR notes IS NOT NULL OR latitude IS NOT NULL)`,
      ),
    ).toBe(0);
    expect(
      (
        await p.db.query(
          'SELECT from_number, to_number, text FROM inbound_messages WHERE customer_id = $1',
          [id],
        )
      ).rows,
    ).toEqual([{ from_number: '[erased]', to_number: '10690', text: '[erased]' }]);
    expect(
      await count(
        'SELECT count(*) AS n FROM letters l JOIN dispatches d ON d.id = l.dispatch_id WHERE d.customer_id = $1',
      ),
    ).toBe(0);
    expect(
      await count(
        'SELECT count(*) AS n FROM tasks WHERE customer_id = $1 AND (notes IS NOT NULL OR latitude IS NOT NULL)',
      ),
    ).toBe(0);
    // the views of her data stay (they hold no values)
    expect(
      await count('SELECT count(*) AS n FROM personal_data_views WHERE customer_id = $1'),
    ).toBe(Number((await p.db.query('SELECT count(*) AS n FROM personal_data_views')).rows[0]!.n));

    // the file shows the erasure; the timeline reads on
    const f = await app.inject({ url: '/api/customers/C1?unmask=true', headers: admin });
    expect(f.json()).toMatchObject({
      name: '[erased]',
      doNotContact: true,
      phones: [],
      emails: [],
      addresses: [],
      financials: null,
      tags: [],
      notes: [],
      erased: {
        at: '2026-03-02T18:00:00.000Z',
        by: 'ada',
        reason: 'erasure request 2026-0042 by letter',
      },
    });
    const t = await customerTimeline(
      file(),
      'C1',
      { user: 'ada', role: 'administrator' },
      {
        unmask: true,
        limit: 200,
      },
    );
    expect(t.items.length).toBeGreaterThan(5);
    expect(JSON.stringify(t)).not.toMatch(/Ann Lee|2125550101|will pay Friday/);
  });

  it('keeps the ledger and the other customer as they were, and stops contact', async () => {
    const after = await ledger();
    expect(after).toEqual(before);
    expect(await bob()).toEqual(bobBefore);
    // the text still to come is stopped, with its event; opted out of every channel
    const later = await p.db.query(
      `SELECT d.state, d.last_reason, e.from_state FROM dispatches d
       JOIN dispatch_events e ON e.dispatch_id = d.id AND e.to_state = 'blocked'
       WHERE d.idempotency_key = 'sms-later'`,
    );
    expect(later.rows).toEqual([
      { state: 'blocked', last_reason: 'personal data erased', from_state: 'queued' },
    ]);
    const optOuts = await p.db.query<{ channel: string }>(
      `SELECT p.channel FROM contact_preferences p JOIN customers c ON c.id = p.customer_id
       WHERE c.external_id = 'C1' AND p.kind = 'opt_out' AND p.value IS NULL AND p.until IS NULL
       ORDER BY 1`,
    );
    expect(optOuts.rows.map((o) => o.channel)).toEqual([
      'email',
      'field_visit',
      'letter',
      'phone',
      'sms',
    ]);
    await processAllShards(send, {
      now: () => new Date('2026-03-03T15:00:00Z'),
      token: (s) => `t2:${s}`,
    });
    const sentLater = await p.db.query(
      "SELECT count(*) AS n FROM dispatches WHERE idempotency_key = 'sms-later' AND sent_at IS NOT NULL",
    );
    expect(Number(sentLater.rows[0]!.n)).toBe(0);
  });

  it('writes the erasure to the audit log, whose chain still verifies', async () => {
    const entries = await p.audit.entries({ entity: 'customer', entityId: 'C1', limit: 50 });
    const erase = entries.filter((e) => e.action === 'customer.erase');
    expect(erase).toHaveLength(1);
    expect(erase[0]).toMatchObject({ actor: 'ada', role: 'administrator' });
    expect(JSON.parse(erase[0]!.after!)).toMatchObject({
      reason: 'erasure request 2026-0042 by letter',
    });
    expect(`${erase[0]!.before ?? ''}${erase[0]!.after}`).not.toMatch(/Ann|2125550101|Baker/);
    // the entries written before stay, and only compliance and administrators read them
    const all = await p.audit.entries({ limit: 500 });
    expect(all.some((e) => (e.after ?? '').includes('2079460123'))).toBe(true);
    const v = await verifyAudit(p.audit, sha256Hex);
    expect(v.broken).toBeNull();
    expect(v.checked).toBe(v.count);
    for (const [role, status] of [
      ['collector', 403],
      ['supervisor', 403],
      ['analyst', 403],
      ['compliance_officer', 200],
      ['administrator', 200],
    ] as const) {
      const r = await app.inject({
        url: '/api/audit?entity=customer',
        headers: { 'x-recoup-user': 'x', 'x-recoup-role': role },
      });
      expect(r.statusCode, role).toBe(status);
    }
  });

  it('erasing again changes nothing and says so', async () => {
    const count = Number((await p.audit.head()).count);
    const r = await app.inject({
      method: 'POST',
      url: '/api/customers/C1/erase',
      headers: admin,
      payload: { reason: 'again' },
    });
    expect(r.json()).toMatchObject({
      customer: 'C1',
      erased: false,
      rowsChanged: 0,
      erasure: { reason: 'erasure request 2026-0042 by letter', by: 'ada' },
    });
    expect((await p.audit.head()).count).toBe(count);
    // by the internal id too
    const id = String((await p.customers.ref('C1'))!.id);
    const again = await eraseCustomer({ erasures: p.erasures, clock }, id, 'again', {
      user: 'ada',
      role: 'administrator',
    });
    expect(again).toMatchObject({ customer: 'C1', erased: false });
  });

  it("refuses a re-import of the customer's row with personal data, naming it", async () => {
    const files = (...rows: string[]) =>
      new CsvFolderSource(folderWith({ 'customers.csv': csv(CUSTOMERS[0]!, ...rows) }));
    const bad = await importPortfolio(files(CUSTOMERS[1]!, CUSTOMERS[2]!), p.imports);
    expect(bad.status).toBe('rejected');
    expect(bad.errors).toEqual([
      {
        file: 'customers.csv',
        line: 2,
        column: 'customer_id',
        reason: expect.stringMatching(
          /^customer C1's personal data was erased on request on 2026-03-02/,
        ),
      },
    ]);
    const skipped = await importPortfolio(files(CUSTOMERS[1]!, CUSTOMERS[2]!), p.imports, {
      skipBad: true,
    });
    expect(skipped.status).toBe('imported_with_errors');
    expect(skipped.files.customers).toMatchObject({ rows: 2, rejected: 1 });
    // a row without personal data is taken
    const clean = await importPortfolio(
      files('C1,[erased],,,,,,America/New_York,en,US-NY'),
      p.imports,
    );
    expect(clean.status).toBe('imported');
    expect(await annsData()).toEqual([]);
  });

  it('repeats every erasure after a restore, idempotently', async () => {
    const admin = { user: 'ops', role: 'administrator' } as const;
    const deps = { erasures: p.erasures, clock };
    const list = await p.erasures.erasures();
    expect(list).toEqual([
      {
        customer: 'C1',
        at: '2026-03-02T18:00:00.000Z',
        by: 'ada',
        role: 'administrator',
        reason: 'erasure request 2026-0042 by letter',
      },
    ]);
    // nothing to do while nothing came back
    expect(await reapplyErasures(deps, admin)).toEqual([
      { customer: 'C1', present: true, recorded: false, rowsChanged: 0 },
    ]);
    // a backup from before the erasure is restored: her data and no record of the erasure
    await p.db.query('DELETE FROM customer_erasures');
    await p.db.query(
      `UPDATE customers SET name = 'Ann Lee', phone = '+12125550101', do_not_contact = false
       WHERE external_id = 'C1'`,
    );
    await p.db.query(
      `INSERT INTO customer_notes (customer_id, body, written_by, written_at)
       SELECT id, 'prefers mornings', 'mia', now() FROM customers WHERE external_id = 'C1'`,
    );
    expect((await annsData()).length).toBe(2);
    const count = Number((await p.audit.head()).count);
    const first = await reapplyErasures(deps, admin, list);
    expect(first).toEqual([{ customer: 'C1', present: true, recorded: true, rowsChanged: 2 }]);
    expect(await annsData()).toEqual([]);
    expect(await p.erasures.erasures()).toEqual(list);
    expect((await p.audit.head()).count).toBe(count + 1);
    const again = await reapplyErasures(deps, admin, list);
    expect(again).toEqual([{ customer: 'C1', present: true, recorded: false, rowsChanged: 0 }]);
    expect((await p.audit.head()).count).toBe(count + 1);
    const { accounts, instalments, payments, holds, states, promises, balances } = await ledger();
    expect({ accounts, instalments, payments, holds, states, promises, balances }).toEqual({
      accounts: before.accounts,
      instalments: before.instalments,
      payments: before.payments,
      holds: before.holds,
      states: before.states,
      promises: before.promises,
      balances: before.balances,
    });
    expect((await verifyAudit(p.audit, sha256Hex)).broken).toBeNull();
  });
});
