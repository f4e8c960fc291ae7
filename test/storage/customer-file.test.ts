/**
 * The customer file on the engine under test: imported customers found by name, phone, email
 * and ids (masked), their file masked or in full (each full view recorded), contact points and
 * addresses changed by staff (the primary mirrored on the customers row the channels read, an
 * opt-out reaching the contact rules), financials, tags and notes, every change on the
 * timeline with payments, holds and promises, paged by a time cursor, and the habits.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { maskedUrl } from '../../src/adapters/http/routes/customers.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import {
  changeContactPoint,
  customerTimeline,
  searchCustomers,
} from '../../src/app/customers/customers.ts';
import { inboundText } from '../../src/app/dispatch/preferences.ts';
import { proposePlan } from '../../src/app/plans/plans.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { recordHold } from '../../src/app/ledger/ledger-service.ts';
import { makePromise } from '../../src/app/promises/promises.ts';
import {
  callWithPromise,
  publishTextAndCall,
  sandboxDispatch,
  sendDay,
} from '../support/contacts.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const clock = fixedClock('2026-04-20T12:00:00Z');
const collector = { 'x-recoup-user': 'mia', 'x-recoup-role': 'collector' };
const analyst = { 'x-recoup-user': 'ana', 'x-recoup-role': 'analyst' };

const CUSTOMERS = [
  'customer_id,name,phone,email,address,latitude,longitude,timezone,language,jurisdiction',
  'C1,Ann Lee,+12125550101,ann@example.com,"12 Baker Street, Springfield",40.71280,-74.00600,America/New_York,en,US',
  'C2,王伟,+8613812345678,zhang.wei@example.cn,,,,Asia/Shanghai,zh-CN,CN',
  'C3,Bob Annson,+12125550199,,,,,America/New_York,en,US',
];

describe(`the customer file (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  const deps = () => ({ customers: p.customers, policies: p.policies, clock });
  const json = async (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers = collector,
  ) => {
    const r = await app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: r.statusCode, body: r.body ? r.json() : null };
  };

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(...CUSTOMERS),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,USD,400.00,2026-01-01',
        'A2,C2,card,CNY,50.00,2026-01-15',
        'A3,C3,loan,USD,100.00,2026-01-01',
      ),
      // A1: four instalments of 100.00; the first paid on its day, the second in two parts
      // (10 days late), the third on its day, the fourth not paid by 04-20
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due,interest_due,fees_due',
        'A1,1,2026-01-10,100.00,0,0',
        'A1,2,2026-02-10,100.00,0,0',
        'A1,3,2026-03-10,100.00,0,0',
        'A1,4,2026-04-10,100.00,0,0',
        'A2,1,2026-04-15,50.00,0,0',
        'A3,1,2026-03-01,100.00,0,0',
      ),
      'payments.csv': csv(
        'payment_id,account_id,paid_on,amount',
        'P1,A1,2026-01-10,100.00',
        'P2,A1,2026-02-15,60.00',
        'P3,A1,2026-02-20,40.00',
        'P4,A1,2026-03-10,100.00',
      ),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock },
      { from: '2026-04-19', to: '2026-04-20' },
    );
    // mia works these customers' accounts: a collector sees only the customers behind
    // their tasks and accounts
    const desk = (id: string) => ({
      id,
      name: id,
      team: null,
      queues: ['*'],
      languages: ['en'],
      buckets: [],
      skills: [],
      territory: null,
      capacity: 60,
      active: true,
    });
    await p.workspace.saveCollectors([desk('mia'), desk('noah')]);
    await p.db.query(
      `INSERT INTO account_owners (account_id, collector, since, by_user)
       SELECT id, 'mia', now(), 'test' FROM accounts`,
    );
    app = await buildServer(p, testServer);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('finds customers by phone end, email, name, customer id and account id, masked', async () => {
    const ids = async (q: string) => (await searchCustomers(deps(), { q })).items.map((c) => c.id);
    expect(await ids('13812345678')).toEqual(['C2']);
    expect(await ids('+1 212 555 0101')).toEqual(['C1']);
    expect(await ids('5550199')).toEqual(['C3']);
    expect(await ids('ANN@exam')).toEqual(['C1']);
    expect(await ids('ann')).toEqual(['C1', 'C3']);
    expect(await ids('lee ann')).toEqual(['C1']);
    expect(await ids('王')).toEqual(['C2']);
    expect(await ids('A2')).toEqual(['C2']);
    expect(await ids('C3')).toEqual(['C3']);
    expect(await ids('nobody')).toEqual([]);
    const r = await json('GET', '/api/customers?q=13812345678');
    expect(r.body.items).toEqual([
      {
        id: 'C2',
        name: '王*',
        phone: '+861******5678',
        email: 'z***@example.cn',
        address: null,
        accounts: ['A2'],
      },
    ]);
    // and so it is in the log
    expect(maskedUrl('/api/customers?q=13812345678&limit=2')).toBe(
      '/api/customers?q=138****5678&limit=2',
    );
    expect(maskedUrl('/api/accounts?after=A1')).toBe('/api/accounts?after=A1');
    // every customer, a page at a time
    const first = await json('GET', '/api/customers?limit=2');
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(['C1', 'C2']);
    const second = await json('GET', `/api/customers?limit=2&cursor=${first.body.next}`);
    expect(second.body).toMatchObject({ items: [{ id: 'C3' }], next: null });
  });

  it('shows the file masked, and in full only to a role that may, recording the view', async () => {
    const masked = await json('GET', '/api/customers/C1', undefined, analyst);
    expect(masked.status).toBe(200);
    expect(masked.body).toMatchObject({
      id: 'C1',
      masked: true,
      name: 'Ann L***',
      phones: [{ value: '+121****0101', primary: true, type: 'mobile', source: 'import' }],
      emails: [{ value: 'a***@example.com', primary: true }],
      addresses: [{ line: '***, Springfield', latitude: null, primary: true }],
      accounts: [
        {
          id: 'A1',
          state: { arrearsMinor: 10000, pastDueDays: 10, bucket: 'M1' },
          holds: [],
        },
      ],
    });
    expect((await json('GET', '/api/customers/C1?unmask=true', undefined, analyst)).status).toBe(
      403,
    );
    const full = await json('GET', '/api/customers/C1?unmask=true');
    expect(full.body).toMatchObject({
      masked: false,
      name: 'Ann Lee',
      phones: [{ value: '+12125550101' }],
      addresses: [{ line: '12 Baker Street, Springfield', latitude: 40.7128, longitude: -74.006 }],
    });
    const views = await p.db.query<{ actor: string; role: string; view: string; fields: string[] }>(
      `SELECT v.actor, v.role, v.view, v.fields FROM personal_data_views v
       JOIN customers c ON c.id = v.customer_id WHERE c.external_id = 'C1'`,
    );
    expect(views.rows).toEqual([
      {
        actor: 'mia',
        role: 'collector',
        view: 'file',
        fields: ['name', 'phones', 'emails', 'addresses'],
      },
    ]);
    expect((await json('GET', '/api/customers/NOPE')).status).toBe(404);
  });

  const customerRow = async (ext: string) =>
    (
      await p.db.query<{ phone: string | null; email: string | null; address: string | null }>(
        'SELECT phone, email, address FROM customers WHERE external_id = $1',
        [ext],
      )
    ).rows[0]!;

  it('adds contact points, makes one primary on the customers row, and opts one out', async () => {
    const bad = await json('POST', '/api/customers/C1/contact-points', {
      kind: 'phone',
      value: 'call me',
      type: 'pager',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { at: string }) => d.at)).toEqual(['value', 'type']);
    expect(
      (
        await json(
          'POST',
          '/api/customers/C1/contact-points',
          { kind: 'phone', value: '+1 212 555 0300' },
          analyst,
        )
      ).status,
    ).toBe(403);

    const work = await json('POST', '/api/customers/C1/contact-points', {
      kind: 'phone',
      value: '+1 212 555 0300',
      type: 'work',
      verified: true,
    });
    expect(work.status).toBe(201);
    expect(work.body).toMatchObject({
      primary: false,
      type: 'work',
      verified: true,
      source: 'mia',
    });
    const dup = await json('POST', '/api/customers/C1/contact-points', {
      kind: 'phone',
      value: '+12125550300',
    });
    expect(dup.body.details).toEqual([
      { at: 'value', reason: 'customer C1 already has this phone' },
    ]);

    const made = await json('PATCH', `/api/customers/C1/contact-points/${work.body.id}`, {
      primary: true,
    });
    expect(made.body.primary).toBe(true);
    expect((await customerRow('C1')).phone).toBe('+1 212 555 0300');

    // the imported number, no longer primary, is opted out: the contact rules see it
    const file = await json('GET', '/api/customers/C1?unmask=true');
    const old = file.body.phones.find((x: { value: string }) => x.value === '+12125550101');
    expect(old.primary).toBe(false);
    const out = await json('PATCH', `/api/customers/C1/contact-points/${old.id}`, {
      optedOutOn: '2026-04-20',
    });
    expect(out.body.optedOutOn).toBe('2026-04-20');
    const prefs = await p.db.query<{ channel: string; value: string }>(
      `SELECT channel, value FROM contact_preferences WHERE kind = 'opt_out'
       AND customer_id = (SELECT id FROM customers WHERE external_id = 'C1') ORDER BY channel`,
    );
    expect(prefs.rows).toEqual([
      { channel: 'phone', value: '+12125550101' },
      { channel: 'sms', value: '+12125550101' },
    ]);
    // and the file shows them in force
    const withOptOuts = await json('GET', '/api/customers/C1');
    expect(withOptOuts.body.optOuts).toEqual([
      expect.objectContaining({ channel: 'phone', recipient: '+121****0101' }),
      expect.objectContaining({ channel: 'sms', recipient: '+121****0101' }),
    ]);

    // removing the primary: the other number takes its place on the customers row
    expect((await json('DELETE', `/api/customers/C1/contact-points/${work.body.id}`)).status).toBe(
      204,
    );
    expect((await customerRow('C1')).phone).toBe('+12125550101');
    expect((await json('DELETE', `/api/customers/C1/contact-points/${work.body.id}`)).status).toBe(
      404,
    );
  });

  it('changes addresses, financials, tags and notes, naming the field that is wrong', async () => {
    const a = await json('POST', '/api/customers/C1/addresses', {
      line: '1 Work Park, Newtown',
      type: 'work',
      latitude: 41.5,
      longitude: -73.25,
      primary: true,
    });
    expect(a.body).toMatchObject({ primary: true, type: 'work', latitude: 41.5 });
    expect((await customerRow('C1')).address).toBe('1 Work Park, Newtown');
    const half = await json('POST', '/api/customers/C1/addresses', { line: 'x', latitude: 1 });
    expect(half.body.details).toEqual([
      { at: 'longitude', reason: 'comes with the other coordinate' },
    ]);

    const f = await json('PATCH', '/api/customers/C1/financials', {
      employer: 'Acme Corp',
      income: '4500.00',
      incomeCurrency: 'USD',
      incomePeriod: 'month',
    });
    expect(f.body).toMatchObject({ employer: 'Acme Corp', incomeMinor: 450000, updatedBy: 'mia' });
    const wrong = await json('PATCH', '/api/customers/C1/financials', { incomePeriod: 'week' });
    expect(wrong.body.details[0].at).toBe('incomePeriod');

    expect((await json('POST', '/api/customers/C1/tags', { tag: 'VIP' })).body).toEqual({
      tag: 'vip',
      added: true,
    });
    expect((await json('POST', '/api/customers/C1/tags', { tag: 'vip' })).body.added).toBe(false);
    expect((await json('POST', '/api/customers/C1/tags', { tag: 'hard ship' })).status).toBe(400);
    const note = await json('POST', '/api/customers/C1/notes', {
      body: 'Prefers calls after 6 pm',
      account: 'A1',
    });
    expect(note.body).toMatchObject({ account: 'A1', writtenBy: 'mia' });
    const foreign = await json('POST', '/api/customers/C1/notes', { body: 'x', account: 'A2' });
    expect(foreign.body.details[0]).toEqual({
      at: 'account',
      reason: 'A2 is not an account of customer C1',
    });

    const file = await json('GET', '/api/customers/C1', undefined, analyst);
    expect(file.body).toMatchObject({
      tags: ['vip'],
      notes: [{ body: 'Prefers calls after 6 pm' }],
      financials: { employer: 'A***', incomeMinor: null },
    });
  });

  it('removes what staff remove: the primary address hands its place on, notes leave the file', async () => {
    const c2 = await json('POST', '/api/customers/C2/addresses', { line: '1 Old Road, Hangzhou' });
    expect(c2.body.primary).toBe(true);
    const newer = await json('POST', '/api/customers/C2/addresses', {
      line: '2 New Road, Hangzhou',
      latitude: 30.25,
      longitude: 120.16,
    });
    expect(newer.body.primary).toBe(false);
    expect((await json('DELETE', `/api/customers/C2/addresses/${c2.body.id}`)).status).toBe(204);
    const row = await p.db.query<{ address: string; latitude: string }>(
      "SELECT address, latitude FROM customers WHERE external_id = 'C2'",
    );
    expect(row.rows[0]).toEqual({ address: '2 New Road, Hangzhou', latitude: '30.25000' });
    const moved = await json('PATCH', `/api/customers/C2/addresses/${newer.body.id}`, {
      line: '3 Lake Road, Hangzhou',
    });
    expect(moved.body).toMatchObject({ primary: true, latitude: 30.25 });
    expect((await customerRow('C2')).address).toBe('3 Lake Road, Hangzhou');

    await json('POST', '/api/customers/C2/tags', { tag: 'hardship-review' });
    expect((await json('DELETE', '/api/customers/C2/tags/hardship-review')).status).toBe(204);
    expect((await json('DELETE', '/api/customers/C2/tags/hardship-review')).status).toBe(404);
    const n = await json('POST', '/api/customers/C2/notes', { body: 'wrong customer' });
    expect((await json('DELETE', `/api/customers/C2/notes/${n.body.id}`)).status).toBe(204);
    await json('PATCH', '/api/customers/C2/financials', { employer: 'Ali' });
    expect((await json('DELETE', '/api/customers/C2/financials')).body).toMatchObject({
      employer: null,
      incomeMinor: null,
    });
    const file = await json('GET', '/api/customers/C2');
    expect(file.body).toMatchObject({ tags: [], notes: [] });
    const changes = await p.db.query<{ subject: string; action: string }>(
      `SELECT subject, action FROM customer_changes
       WHERE customer_id = (SELECT id FROM customers WHERE external_id = 'C2') ORDER BY id`,
    );
    expect(changes.rows.map((c) => `${c.subject} ${c.action}`)).toEqual([
      'address added',
      'address added',
      'address removed',
      'address changed',
      'tag added',
      'tag removed',
      'note added',
      'note removed',
      'financials added',
      'financials changed',
    ]);
  });

  it('keeps one timeline of payments, holds, promises, notes and changes, paged newest first', async () => {
    await recordHold({ ledger: p.ledger, policies: p.policies, clock }, 'A1', {
      kind: 'dispute',
      from: '2026-04-12',
      to: '2026-04-14',
    });
    await makePromise({ promises: p.promises, clock }, 'A1', {
      amount: '100.00',
      promisedFor: '2026-04-25',
      by: 'mia',
    });
    const all = await customerTimeline(
      deps(),
      'C1',
      { role: 'collector', user: 'mia' },
      { limit: 500 },
    );
    const kinds = all.items.map((e) => e.kind);
    expect(new Set(kinds)).toEqual(new Set(['payment', 'hold', 'promise', 'note', 'change']));
    expect(kinds.filter((k) => k === 'payment')).toHaveLength(4);
    // newest first
    const ats = all.items.map((e) => e.at);
    expect([...ats].sort().reverse()).toEqual(ats);
    expect(all.items.find((e) => e.kind === 'payment' && e.key === 'P2')).toMatchObject({
      account: 'A1',
      summary: 'paid 60.00 USD (import)',
    });
    // the changes say what was before and after, masked by default
    const primaryChange = all.items.find(
      (e) =>
        e.kind === 'change' &&
        (e.detail.after as { primary?: boolean })?.primary === true &&
        e.detail.action === 'changed',
    );
    expect(primaryChange?.detail).toMatchObject({
      subject: 'contact_point',
      before: { value: '+121****0300', primary: false },
      after: { value: '+121****0300', primary: true },
      by: 'mia',
    });

    // a page at a time, the same entries
    const paged: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await json(
        'GET',
        `/api/customers/C1/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...r.body.items.map((e: { kind: string; key: string }) => `${e.kind}:${e.key}`));
      if (!r.body.next) break;
      cursor = r.body.next;
    }
    expect(paged).toEqual(all.items.map((e) => `${e.kind}:${e.key}`));

    const payments = await json('GET', '/api/customers/C1/timeline?kinds=payment,hold');
    expect(payments.body.items.map((e: { kind: string }) => e.kind)).toEqual([
      'hold',
      'payment',
      'payment',
      'payment',
      'payment',
    ]);
    const bad = await json('GET', '/api/customers/C1/timeline?kinds=payment,gossip');
    expect(bad.body.details[0].at).toBe('kinds');
  });

  it('derives the repayment habits from the history', async () => {
    const r = await json('GET', '/api/customers/C1/habits');
    expect(r.body).toMatchObject({
      asOf: '2026-04-20',
      instalmentsDue: 4,
      onTime: 2,
      onTimeRatio: 0.5,
      averageDaysLate: 5,
      usualPaymentDay: 10,
      usualPaymentDayShare: 0.5,
      partialPayments: 1,
      partialPaymentRatio: 0.25,
      promisesMade: 1,
      promisesKeptRatio: null,
      lastPayment: { account: 'A1', paidOn: '2026-03-10', amountMinor: 10000, currency: 'USD' },
    });
  });

  it('shows a number imported later as the primary one, keeping the earlier', async () => {
    const lines = [...CUSTOMERS];
    lines[3] = 'C3,Bob Annson,+12125550777,,,,,America/New_York,en,US';
    const folder = folderWith({ 'customers.csv': csv(...lines) });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await json('GET', '/api/customers/C3');
    const lines2 = [...CUSTOMERS];
    lines2[3] = 'C3,Bob Annson,+12125550888,,,,,America/New_York,en,US';
    await importPortfolio(
      new CsvFolderSource(folderWith({ 'customers.csv': csv(...lines2) })),
      p.imports,
    );
    const file = await json('GET', '/api/customers/C3?unmask=true');
    expect(
      file.body.phones.map((x: { value: string; primary: boolean }) => [x.value, x.primary]),
    ).toEqual([
      ['+12125550888', true],
      ['+12125550777', false],
    ]);
    expect((await searchCustomers(deps(), { q: '5550777' })).items.map((c) => c.id)).toEqual([
      'C3',
    ]);
  });
  it('shows a collector only the customers behind their own tasks and accounts', async () => {
    const noah = { 'x-recoup-user': 'noah', 'x-recoup-role': 'collector' };
    const search = async () =>
      (await json('GET', '/api/customers?q=ann', undefined, noah)).body.items.map(
        (c: { id: string }) => c.id,
      );
    expect(await search()).toEqual([]);
    expect((await json('GET', '/api/customers/C1', undefined, noah)).status).toBe(403);
    expect((await json('GET', '/api/accounts/A1', undefined, noah)).status).toBe(403);
    expect((await json('GET', '/api/customers/C1/timeline', undefined, noah)).status).toBe(403);
    // a supervisor gives noah A3 (Bob Annson): now he sees C3, and still not C1
    const sup = { 'x-recoup-user': 'sam', 'x-recoup-role': 'supervisor' };
    const given = await app.inject({
      method: 'PUT',
      url: '/api/accounts/A3/owner',
      headers: sup,
      payload: { collector: 'noah' },
    });
    expect(given.statusCode).toBe(200);
    expect(await search()).toEqual(['C3']);
    expect((await json('GET', '/api/customers/C3', undefined, noah)).status).toBe(200);
    expect((await json('GET', '/api/customers/C1', undefined, noah)).status).toBe(403);
    // the analyst and the supervisor see everyone
    expect((await json('GET', '/api/customers/C1', undefined, analyst)).status).toBe(200);
    // his task list is his own, whatever he asks for
    const tasks = await app.inject({ url: '/api/tasks?assignee=mia', headers: noah });
    expect(tasks.statusCode).toBe(200);
    for (const t of tasks.json().tasks as { assignee: string }[]) expect(t.assignee).toBe('noah');
  });
});

describe(`the timeline of contacts (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock('2026-03-02T04:00:00Z');

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,timezone,language,jurisdiction',
        'C1,Ann Lee,+12125550101,ann@example.com,America/New_York,en,US-NY',
        'C3,Bob Ray,+12125550103,bob@example.com,America/New_York,en,US-MA',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,USD,100.00,2026-01-01',
        'A3,C3,loan,USD,100.00,2026-01-01',
      ),
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due,interest_due,fees_due',
        'A1,1,2026-02-20,100.00,0,0',
        'A3,1,2026-02-20,100.00,0,0',
      ),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await publishTextAndCall(p);
    // Bob opted out of texts: his text is blocked, and why is on his timeline
    await changeContactPoint(
      { customers: p.customers, policies: p.policies, clock },
      'C3',
      (await p.customers.contactPoints((await p.customers.ref('C3'))!))[0]!.id,
      { optedOutOn: '2026-02-01' },
      { user: 'mia', role: 'collector' },
    );
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-02', to: '2026-03-02' },
    );
    await sendDay(sandboxDispatch(p), '2026-03-02');
    await callWithPromise(p, 'C1', 'will pay Friday', '2026-03-02');
  }, 120_000);
  afterAll(async () => {
    await p?.close();
  });

  const timeline = (ext: string, unmask = false) =>
    customerTimeline(
      { customers: p.customers, policies: p.policies, clock },
      ext,
      { user: 'mia', role: 'collector' },
      { unmask, limit: 100 },
    );

  it('shows the strategy entry, its steps, the text with its delivery and the call', async () => {
    const t = await timeline('C1');
    const of = (kind: string) => t.items.filter((e) => e.kind === kind);
    expect(of('strategy')[0]).toMatchObject({
      account: 'A1',
      detail: { strategy: 'default', segment: 'm1', bucket: 'M1' },
    });
    expect(
      of('step')
        .map((e) => e.detail.step)
        .sort(),
    ).toEqual(['call', 'notice']);
    const text = of('message')[0]!;
    expect(text.detail).toMatchObject({ channel: 'sms', state: 'sent', recipient: '+121****0101' });
    expect((text.detail.events as { state: string }[]).map((e) => e.state)).toEqual(
      expect.arrayContaining(['planned', 'queued', 'sent']),
    );
    expect(of('contact')).toEqual([
      expect.objectContaining({
        account: 'A1',
        summary: 'outbound phone: promise_to_pay by collector-1',
        detail: expect.objectContaining({ outcome: 'promise_to_pay', notes: 'will pay Friday' }),
      }),
    ]);
    // in full for a role that may see it
    const full = await timeline('C1', true);
    expect(full.items.find((e) => e.kind === 'message')!.detail.recipient).toBe('+12125550101');
  });

  it('shows blocked contacts with the rule that stopped them', async () => {
    const t = await timeline('C3');
    // the number opted out in the file: neither the text nor the call is made
    const blocked = t.items.filter((e) => e.kind === 'blocked');
    expect(blocked.map((e) => e.detail.channel).sort()).toEqual(['phone', 'sms']);
    for (const b of blocked) {
      expect(b).toMatchObject({ account: 'A3', detail: { stage: 'plan' } });
      expect(b.summary).toMatch(/blocked at plan: .*opt/i);
    }
    expect(t.items.some((e) => e.kind === 'message')).toBe(false);
  });

  it('shows a repayment plan agreed on an account', async () => {
    const { plan } = await proposePlan(
      { plans: p.plans, policies: p.policies, clock },
      'A1',
      { kind: 'deferral', from: '2026-02-20', days: 30 },
      { user: 'sam', role: 'supervisor' },
    );
    const t = await customerTimeline(
      { customers: p.customers, policies: p.policies, clock },
      'C1',
      { user: 'sam', role: 'supervisor' },
      { kinds: 'plan' },
    );
    expect(t.items.length).toBeGreaterThan(0);
    for (const e of t.items)
      expect(e).toMatchObject({ kind: 'plan', account: 'A1', detail: { plan: plan.id } });
    expect(t.items.map((e) => e.summary)).toContainEqual(expect.stringContaining('by sam'));
  });

  it('shows what the customer sent: a STOP reply and the opt-out it made', async () => {
    const now = new Date('2026-03-03T15:00:00Z');
    const r = await inboundText(p.dispatch, '+12125550101', 'STOP', now);
    await p.channels.recordInbound({
      provider: 'kannel',
      from: '+12125550101',
      to: '10690',
      text: 'STOP',
      at: now,
      customerId: r.optedOut[0] ?? null,
      action: 'opted out of sms',
    });
    const t = await customerTimeline(
      { customers: p.customers, policies: p.policies, clock },
      'C1',
      { user: 'mia', role: 'collector' },
      { kinds: 'message' },
    );
    expect(t.items[0]).toMatchObject({
      kind: 'message',
      at: '2026-03-03T15:00:00.000000Z',
      summary: 'sms from the customer: "STOP" (opted out of sms)',
      detail: { direction: 'inbound', from: '+121****0101' },
    });
  });
});
