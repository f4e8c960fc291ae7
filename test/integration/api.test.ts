/** The HTTP API end to end on the engine under test, through Fastify's injection. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const clock = fixedClock('2026-04-10T12:00:00Z');

describe(`HTTP API (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,timezone,language,jurisdiction',
        'C1,Ann Lee,+12125550101,ann@example.com,America/New_York,en,US',
        'C2,王伟,+8613812345678,,Asia/Shanghai,zh-CN,CN',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,USD,200.00,2026-01-01',
        'A2,C2,card,CNY,50.00,2026-01-15',
      ),
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due,interest_due,fees_due',
        'A1,1,2026-02-01,90.00,8.00,2.00',
        'A1,2,2026-03-01,90.00,8.00,2.00',
        'A2,1,2026-04-15,50.00,0,0',
      ),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock },
      { from: '2026-04-09', to: '2026-04-10' },
    );
    app = await buildServer(p, testServer);
  });
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('serves the OpenAPI document', async () => {
    const r = await app.inject('/docs/json');
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/accounts/{accountId}',
        '/api/accounts/{accountId}/payments',
        '/api/portfolio/snapshots',
      ]),
    );
  });

  it('searches customers and pages through accounts', async () => {
    const byPhone = await app.inject('/api/customers?q=13812345678');
    expect(byPhone.json().items.map((c: { id: string }) => c.id)).toEqual(['C2']);
    const byAccount = await app.inject('/api/customers?q=A1');
    expect(byAccount.json().items.map((c: { id: string }) => c.id)).toEqual(['C1']);
    const page1 = await app.inject('/api/accounts?limit=1');
    expect(page1.json()).toMatchObject({ items: [{ id: 'A1' }], next: 'A1' });
    const page2 = await app.inject('/api/accounts?limit=1&after=A1');
    expect(page2.json()).toMatchObject({ items: [{ id: 'A2' }], next: null });
    const m3 = await app.inject('/api/accounts?bucket=M3');
    expect(m3.json().items.map((a: { id: string }) => a.id)).toEqual(['A1']);
  });

  it('shows an account with its schedule, states and history', async () => {
    const r = await app.inject('/api/accounts/A1');
    expect(r.statusCode).toBe(200);
    const a = r.json();
    // Due 02-01, unpaid: 68 days late on 04-10, in M3 (61-90).
    expect(a.state).toMatchObject({
      asOf: '2026-04-10',
      bucket: 'M3',
      arrears: '200.00',
      pastDueDays: 68,
    });
    expect(a.live).toMatchObject({
      asOf: '2026-04-10',
      bucket: 'M3',
      overdueDueDate: '2026-02-01',
    });
    expect(a.instalments[0]).toMatchObject({ seq: 1, unpaid: '100.00', fallenDue: true });
    expect(a.transitions).toEqual([{ date: '2026-04-09', from: null, to: 'M3' }]);
  });

  it('records a payment once per payment id and refuses a reused id', async () => {
    const body = { paymentId: 'PAY-1', amount: '60.00', paidOn: '2026-04-10' };
    const first = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: body,
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      id: 'PAY-1',
      amount: '60.00',
      paidOn: '2026-04-10',
      source: 'api',
    });
    const again = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: body,
    });
    expect(again.statusCode).toBe(200);
    const other = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: { ...body, amount: '61.00' },
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('CONFLICT');
    expect(other.json().details).toEqual([
      { at: 'amount', reason: 'the payment is recorded with 60.00' },
    ]);
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: { ...body, paidOn: '2026-04-09' },
    });
    expect(elsewhere.json().details).toEqual([
      { at: 'paidOn', reason: 'the payment is recorded as paid 2026-04-10' },
    ]);
    // a retry without the date matches whatever date was recorded
    const undated = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: { paymentId: 'PAY-1', amount: '60.00' },
    });
    expect(undated.statusCode).toBe(200);
    const a = (await app.inject('/api/accounts/A1')).json();
    expect(a.payments).toHaveLength(1);
    // Fees, then interest, then principal of the oldest instalment.
    expect(a.instalments[0].paid).toEqual({ fees: '2.00', interest: '8.00', principal: '50.00' });
    expect(a.live.arrears).toBe('140.00');
  });

  it('applies concurrent posts of the same payment once', async () => {
    const body = { paymentId: 'PAY-2', amount: '1.00', paidOn: '2026-04-10' };
    const rs = await Promise.all(
      Array.from({ length: 8 }, () =>
        app.inject({ method: 'POST', url: '/api/accounts/A1/payments', payload: body }),
      ),
    );
    expect(rs.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const a = (await app.inject('/api/accounts/A1')).json();
    expect(a.payments.filter((x: { id: string }) => x.id === 'PAY-2')).toHaveLength(1);
  });

  it('converts a payment instant to the account time zone', async () => {
    // 2026-04-09T20:00Z is already 04-10 in Shanghai.
    const r = await app.inject({
      method: 'POST',
      url: '/api/accounts/A2/payments',
      payload: { paymentId: 'PAY-3', amount: '5', paidOn: '2026-04-09T20:00:00Z' },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().paidOn).toBe('2026-04-10');
  });

  it('rejects bad bodies with the field and reason', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: { paymentId: 'X', amount: '1.005' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      code: 'VALIDATION',
      message: 'the payment is not valid',
      details: [{ at: 'amount', reason: '"1.005" has more than 2 decimals for USD' }],
    });
    const missing = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: { amount: '1' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([{ at: 'body.paymentId', reason: expect.any(String) }]);
    const future = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/payments',
      payload: { paymentId: 'F1', amount: '1', paidOn: '2026-05-01' },
    });
    expect(future.json().details).toEqual([{ at: 'paidOn', reason: 'is in the future' }]);
    const unknown = await app.inject('/api/accounts/NOPE');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ code: 'NOT_FOUND', message: 'account NOPE not found' });
  });

  it('places and ends a hold, which pauses the delinquency clock', async () => {
    const before = (await app.inject('/api/accounts/A1')).json().live.delinquentDays;
    const r = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/holds',
      payload: { kind: 'hardship', from: '2026-04-01', note: 'lost job' },
    });
    expect(r.statusCode).toBe(201);
    const hold = r.json();
    expect((await app.inject('/api/accounts/A1')).json().live.delinquentDays).toBe(before - 9);
    const dup = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/holds',
      payload: { kind: 'hardship', from: '2026-04-01' },
    });
    expect(dup.statusCode).toBe(409);
    const ended = await app.inject({
      method: 'PATCH',
      url: `/api/accounts/A1/holds/${hold.id}`,
      payload: { to: '2026-04-05' },
    });
    expect(ended.json()).toMatchObject({ to: '2026-04-05' });
    expect((await app.inject('/api/accounts/A1')).json().live.delinquentDays).toBe(before - 4);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/accounts/A1/holds',
      payload: { kind: 'holiday', from: '2026-04-01' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].at).toMatch(/^body\.kind/);
  });

  it('serves snapshots, cycle runs and the policy, and validates a new policy', async () => {
    const snap = (
      await app.inject('/api/portfolio/snapshots?from=2026-04-09&to=2026-04-10')
    ).json();
    expect(
      snap
        .filter((r: { asOf: string }) => r.asOf === '2026-04-10')
        .reduce((n: number, r: { accounts: number }) => n + r.accounts, 0),
    ).toBe(2);
    expect(
      snap.find(
        (r: { product: string; asOf: string }) => r.product === 'loan' && r.asOf === '2026-04-10',
      ),
    ).toMatchObject({
      currency: 'USD',
      bucket: 'M3',
      accounts: 1,
      outstanding: '200.00',
      arrears: '200.00',
    });
    const runs = (await app.inject('/api/cycles')).json();
    expect(runs.map((r: { asOf: string }) => r.asOf)).toEqual(['2026-04-10', '2026-04-09']);
    const policy = (await app.inject('/api/policy')).json();
    expect(policy.loan.buckets[1]).toEqual({ name: 'M1', min: 1, max: 30 });
    policy.card.buckets[1].min = 2;
    const bad = await app.inject({ method: 'PUT', url: '/api/policy', payload: policy });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0]).toEqual({
      at: 'card.buckets[1].min',
      reason: 'must be 1 so that ranges are contiguous from 0',
    });
  });

  it("previews a template with the account's figures and checks templates", async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/templates/preview',
      payload: { accountId: 'A2', id: 'pre_due_reminder', channel: 'sms' },
    });
    expect(r.statusCode).toBe(200);
    // A2 is a Chinese customer's card: the Chinese text, amounts in yuan, due 04-15.
    expect(r.json()).toMatchObject({ language: 'zh-CN' });
    expect(r.json().text).toContain('2026年4月15日');
    expect(r.json().text).toMatch(/¥\d/);
    const email = await app.inject({
      method: 'POST',
      url: '/api/templates/preview',
      payload: { accountId: 'A1', id: 'overdue_itemised_bill', channel: 'email' },
    });
    expect(email.json().subject).toMatch(/^Your account \*\*\*\*A1: \$/);
    expect(email.json().html).toContain('<p>Dear Ann Lee,</p>');
    expect(email.json().text).toContain('#1 due');
    const missing = await app.inject({
      method: 'POST',
      url: '/api/templates/preview',
      payload: { accountId: 'A1', id: 'nope', channel: 'sms' },
    });
    expect(missing.statusCode).toBe(404);
    const check = await app.inject({
      method: 'POST',
      url: '/api/templates/check',
      payload: { id: 't', channel: 'sms', language: 'en', body: 'Hi {{nmae}} {{opt_out_link}}' },
    });
    expect(check.json()).toEqual({
      valid: false,
      errors: [{ field: 'body', reason: 'line 1, column 4: unknown variable "nmae"' }],
    });
  });
});
