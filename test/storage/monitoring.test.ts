/**
 * Monitoring on the engine under test, on a hand-built portfolio of five loans cycled from
 * 1 January to 10 March 2026 (default policy: no grace, M1 1–30 days, M2 31–60):
 *
 *   A  1000.00 due 10 Jan, never paid            31 Jan M1 → 28 Feb M2 → 10 Mar M2
 *   B  1000.00 due 20 Jan, paid in full 5 Feb     31 Jan M1 → 28 Feb current (cured)
 *   C   500.00 due 30 Jan + 500.00 due 30 Apr,    31 Jan M1 → 28 Feb M1 → 10 Mar M2
 *        200.00 paid 10 Feb
 *   D   800.00 due 15 Feb, paid 14 Feb            current throughout (nothing owed from 28 Feb)
 *   E   600.00 due 20 Feb, 300.00 paid 5 Mar      31 Jan current → 28 Feb M1 → 10 Mar M1
 *
 * Then a few dispatches, a call with a promise, compliance decisions; the live stream over a
 * real listening server sees a payment, and an alert rule fires once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { monitoringDeps } from '../../src/adapters/http/routes/monitoring.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { evaluateAlerts } from '../../src/app/monitoring/monitoring.ts';
import { testServer } from '../support/auth.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const LOANS: [string, [string, number][], [string, number][]][] = [
  ['A', [['2026-01-10', 100_000]], []],
  ['B', [['2026-01-20', 100_000]], [['2026-02-05', 100_000]]],
  [
    'C',
    [
      ['2026-01-30', 50_000],
      ['2026-04-30', 50_000],
    ],
    [['2026-02-10', 20_000]],
  ],
  ['D', [['2026-02-15', 80_000]], [['2026-02-14', 80_000]]],
  ['E', [['2026-02-20', 60_000]], [['2026-03-05', 30_000]]],
];

describe(`monitoring (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock('2026-03-10T12:00:00Z');
  const id = new Map<string, number>();

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    for (const [ext, schedule, payments] of LOANS) {
      const c = await p.db.query<{ id: number }>(
        `INSERT INTO customers (external_id, name, timezone, language, jurisdiction)
         VALUES ($1, $1, 'UTC', 'en', 'US') RETURNING id`,
        [`cust-${ext}`],
      );
      const a = await p.db.query<{ id: number }>(
        `INSERT INTO accounts (external_id, customer_id, product, currency, principal, opened_on)
         VALUES ($1, $2, 'loan', 'USD', $3, '2025-12-01') RETURNING id`,
        [ext, c.rows[0]!.id, schedule.reduce((s, [, v]) => s + v, 0)],
      );
      id.set(ext, Number(a.rows[0]!.id));
      for (const [i, [due, amount]] of schedule.entries())
        await p.db.query(
          `INSERT INTO instalments (account_id, seq, due_date, principal_due, interest_due, fees_due)
           VALUES ($1, $2, $3, $4, 0, 0)`,
          [id.get(ext), i + 1, due, amount],
        );
      for (const [on, amount] of payments)
        await p.db.query(
          `INSERT INTO payments (external_id, account_id, paid_on, amount) VALUES ($1, $2, $3, $4)`,
          [`pay-${ext}-${on}`, id.get(ext), on, amount],
        );
    }
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock },
      { from: '2026-01-01', to: '2026-03-10' },
    );
    // dispatches in February: an SMS to B (delivered), an e-mail to A (sent, no receipt), an
    // SMS to C (failed after sending), a call to C (a promise), an SMS to E blocked
    const dispatch = async (
      key: string,
      ext: string,
      channel: string,
      on: string,
      state: string,
      sent: boolean,
    ) => {
      const r = await p.db.query<{ id: number }>(
        `INSERT INTO dispatches (idempotency_key, account_id, customer_id, channel, template,
           planned_for, priority, shard, state, expires_at, sent_at)
         SELECT $1, a.id, a.customer_id, $2, 't', $3::date, 1, 0, $4, $3::date + 1,
                CASE WHEN $5::boolean THEN ($3::date + time '10:00') AT TIME ZONE 'UTC' END
         FROM accounts a WHERE a.external_id = $6 RETURNING id`,
        [key, channel, on, state, sent, ext],
      );
      return Number(r.rows[0]!.id);
    };
    await dispatch('d1', 'B', 'sms', '2026-02-03', 'delivered', true);
    await dispatch('d2', 'A', 'email', '2026-02-03', 'sent', true);
    await dispatch('d3', 'C', 'sms', '2026-02-08', 'failed', true);
    const call = await dispatch('d4', 'C', 'phone', '2026-02-09', 'queued', false);
    await dispatch('d5', 'E', 'sms', '2026-02-25', 'blocked', false);
    const task = await p.db.query<{ id: number }>(
      `INSERT INTO tasks (dispatch_id, kind, account_id, customer_id, queue, priority, due_on,
         state, outcome, outcome_at)
       SELECT d.id, 'call', d.account_id, d.customer_id, 'default', 1, d.planned_for, 'done',
              'promise_to_pay', '2026-02-09T11:00:00Z'
       FROM dispatches d WHERE d.id = $1 RETURNING id`,
      [call],
    );
    await p.db.query(
      `INSERT INTO contact_attempts (customer_id, account_id, dispatch_id, task_id, ts, channel,
         direction, outcome, person)
       SELECT d.customer_id, d.account_id, d.id, $2, ts, 'phone', 'outbound', outcome, 'debtor'
       FROM dispatches d,
            (VALUES ('2026-02-09T10:00:00Z'::timestamptz, 'no_answer'),
                    ('2026-02-09T11:00:00Z'::timestamptz, 'promise_to_pay')) x(ts, outcome)
       WHERE d.id = $1`,
      [call, task.rows[0]!.id],
    );
    await p.db.query(
      `INSERT INTO promises (account_id, customer_id, amount, currency, promised_for, made_on,
         made_at, grace_days, tolerance, channel, made_by)
       SELECT a.id, a.customer_id, 20000, 'USD', '2026-02-10', '2026-02-09',
              '2026-02-09T11:00:00Z', 2, 0, 'phone', 'ann'
       FROM accounts a WHERE a.external_id = 'C'`,
    );
    await p.db.query(
      `INSERT INTO compliance_decisions (customer_id, channel, stage, proposed_at, rule_set,
         rule_set_version, decision, reasons, decided_by)
       SELECT a.customer_id, x.channel, x.stage, x.at, 'US', 1, x.decision, x.reasons::jsonb, 'test'
       FROM accounts a, (VALUES
         ('sms', 'send', '2026-02-25T09:00:00Z'::timestamptz, 'DENY', '[{"rule":"frequency"}]'),
         ('phone', 'call', '2026-02-25T22:30:00Z'::timestamptz, 'DENY', '[{"rule":"hours"},{"rule":"frequency"}]'),
         ('sms', 'plan', '2026-02-26T09:00:00Z'::timestamptz, 'ALLOW', '[]')) x(channel, stage, at, decision, reasons)
       WHERE a.external_id = 'E'`,
    );
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  const get = async (url: string) => {
    const app = await buildServer(p, testServer);
    const r = await app.inject({ method: 'GET', url });
    await app.close();
    expect(r.statusCode, r.body).toBe(200);
    return r.json();
  };

  it('gives the roll-rate matrix month-end to month-end, with balances, and the month to date', async () => {
    const r = await get('/api/monitoring/roll-rates?months=1');
    expect(r.asOf).toBe('2026-03-10');
    expect(r.months).toHaveLength(1);
    const feb = r.months[0];
    expect([feb.start, feb.end, feb.accounts]).toEqual(['2026-01-31', '2026-02-28', 5]);
    const row = (m: typeof feb, b: string) => m.rows.find((x: { from: string }) => x.from === b);
    const cell = (m: typeof feb, from: string, to: string) =>
      row(m, from).cells.find((c: { to: string }) => c.to === to);
    // current: D stays, E rolls to M1; M1: A to M2, B cured, C stays
    expect(row(feb, 'current').accounts).toBe(2);
    expect(row(feb, 'current').balances).toEqual({ USD: 140_000 });
    expect(cell(feb, 'current', 'M1')).toMatchObject({
      accounts: 1,
      rate: 0.5,
      balances: { USD: 60_000 },
    });
    expect(row(feb, 'M1').balances).toEqual({ USD: 300_000 });
    for (const to of ['current', 'M1', 'M2'])
      expect(cell(feb, 'M1', to)).toMatchObject({
        accounts: 1,
        rate: 1 / 3,
        balanceRates: { USD: 1 / 3 },
      });
    expect(row(feb, 'M1').rollForwardRate).toBe(1 / 3);
    // 28 Feb → 10 Mar: B and D owe nothing at 28 Feb; C (800.00 left) rolls to M2, E stays, A stays
    const mtd = r.monthToDate;
    expect([mtd.start, mtd.end, mtd.accounts]).toEqual(['2026-02-28', '2026-03-10', 3]);
    expect(cell(mtd, 'M1', 'M2')).toMatchObject({
      accounts: 1,
      rate: 0.5,
      balances: { USD: 80_000 },
    });
    expect(cell(mtd, 'M2', 'M2')).toMatchObject({ accounts: 1, rate: 1 });
  });

  it('agrees with the cycle: balances per bucket at a month-end are the portfolio snapshot', async () => {
    const counts = await p.monitoring.pairs([{ start: '2026-01-31', end: '2026-02-28' }], null);
    const snap = await p.db.query<{ bucket: string; outstanding: string }>(
      `SELECT bucket, outstanding FROM portfolio_snapshots WHERE as_of = '2026-01-31' AND outstanding > 0`,
    );
    const byBucket: Record<string, number> = {};
    for (const c of counts) byBucket[c.from] = (byBucket[c.from] ?? 0) + c.balanceMinor;
    expect(byBucket).toEqual(
      Object.fromEntries(snap.rows.map((s) => [s.bucket, Number(s.outstanding)])),
    );
  });

  it('gives cure rates per delinquent bucket', async () => {
    const r = await get('/api/monitoring/cures?months=1');
    expect(r.months[0].buckets).toEqual([
      {
        bucket: 'M1',
        accounts: 3,
        cured: 1,
        rate: 1 / 3,
        balances: { USD: 300_000 },
        curedBalances: { USD: 100_000 },
      },
    ]);
    // month to date: of C, E (M1) and A (M2) none is current on 10 March
    expect(r.monthToDate.total).toEqual({ accounts: 3, cured: 0, rate: 0 });
  });

  it('gives recovery curves by entry cohort', async () => {
    const r = await get('/api/monitoring/recovery?cohorts=3');
    const curve = (c: string) => r.curves.find((x: { cohort: string }) => x.cohort === c);
    // January: A (11 Jan), B (21 Jan), C (31 Jan), 3000.00 at entry; B 1000.00 and C 200.00 in February
    expect(curve('2026-01')).toMatchObject({ accounts: 3, balanceMinor: 300_000 });
    expect(
      curve('2026-01').points.map(
        (x: { collectedMinor: number; rate: number; partial: boolean }) => [
          x.collectedMinor,
          x.rate,
          x.partial,
        ],
      ),
    ).toEqual([
      [0, 0, false],
      [120_000, 0.4, false],
      [120_000, 0.4, true],
    ]);
    // February: E (21 Feb) owing 600.00, 300.00 paid in March
    expect(curve('2026-02')).toMatchObject({ accounts: 1, balanceMinor: 60_000 });
    expect(curve('2026-02').points.map((x: { rate: number }) => x.rate)).toEqual([0, 0.5]);
    expect(curve('2026-03')).toBeUndefined();
  });

  it('gives the channel funnel, crediting each payment and promise to the last contact', async () => {
    const r = await get('/api/monitoring/channels?from=2026-02-01&to=2026-02-28');
    const row = (ch: string) => r.rows.find((x: { channel: string }) => x.channel === ch);
    // SMS: B's delivered (paid 1000.00 two days later), C's failed (its payment goes to the later
    // call), E's blocked; 2 sent at 0.01 each
    expect(row('sms')).toMatchObject({
      currency: 'USD',
      dispatches: 3,
      blocked: 1,
      sent: 2,
      delivered: 1,
      reached: 1,
      promised: 0,
      paid: 1,
      collectedMinor: 100_000,
      deliveredRate: 0.5,
      costMinor: 2,
      costPerCollected: 2 / 100_000,
    });
    expect(row('email')).toMatchObject({
      dispatches: 1,
      sent: 1,
      delivered: 0,
      paid: 0,
      costMinor: 0,
    });
    // the call: tried twice (no answer, then a promise); 1.50 per attempt-task; C paid 200.00
    expect(row('phone')).toMatchObject({
      dispatches: 1,
      sent: 1,
      delivered: 1,
      reached: 1,
      promised: 1,
      paid: 1,
      collectedMinor: 20_000,
      costMinor: 150,
      costPerCollected: 150 / 20_000,
    });
    // a window of 0 days: B paid two days after the SMS, C a day after the call: nothing credited
    const none = await get('/api/monitoring/channels?from=2026-02-01&to=2026-02-28&window=0');
    expect(none.rows.map((x: { paid: number }) => x.paid)).toEqual([0, 0, 0]);
  });

  it('counts compliance blocks by rule and day', async () => {
    const r = await get('/api/monitoring/compliance-blocks?from=2026-02-01&to=2026-02-28');
    expect(r.decisions).toEqual({ allowed: 1, denied: 2, deniedRate: 2 / 3 });
    expect(r.rules).toEqual([
      { rule: 'frequency', blocks: 2 },
      { rule: 'hours', blocks: 1 },
    ]);
    expect(r.byDay).toEqual([
      { day: '2026-02-25', allowed: 0, denied: 2 },
      { day: '2026-02-26', allowed: 1, denied: 0 },
    ]);
  });

  it('sets the costs per message, refusing a bad document with the field named', async () => {
    const app = await buildServer(p, testServer);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/monitoring/channel-costs',
      payload: { perMessage: { USD: { sms: -1 } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.map((d: { at: string }) => d.at)).toContain('perMessage.USD.sms');
    const costs = {
      perMessage: { USD: { sms: 3, email: 1, letter: 80, phone: 200, field_visit: 3000 } },
    };
    const ok = await app.inject({
      method: 'PUT',
      url: '/api/monitoring/channel-costs',
      payload: costs,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const analyst = await app.inject({
      method: 'PUT',
      url: '/api/monitoring/channel-costs',
      headers: { 'x-recoup-user': 'al', 'x-recoup-role': 'analyst' },
      payload: costs,
    });
    expect(analyst.statusCode).toBe(403);
    await app.close();
    const r = await get('/api/monitoring/channels?from=2026-02-01&to=2026-02-28');
    expect(r.rows.find((x: { channel: string }) => x.channel === 'sms').costMinor).toBe(6);
  });

  it('streams the summary live and an alert when a rule fires, once a day', async () => {
    const app = await buildServer(p, {
      ...testServer,
      monitoring: { pollMs: 100, heartbeatMs: 200 },
    });
    const rule = await app.inject({
      method: 'POST',
      url: '/api/monitoring/alert-rules',
      payload: {
        name: 'M1 to M2',
        metric: 'roll_rate',
        scope: { from: 'M1', to: 'M2' },
        comparator: '>',
        threshold: 0.2,
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/monitoring/alert-rules',
      payload: {
        name: 'x',
        metric: 'roll_rate',
        scope: { from: 'M1' },
        comparator: '>',
        threshold: 20,
      },
    });
    expect(bad.json().details.map((d: { at: string }) => d.at)).toEqual(['threshold', 'scope.to']);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const ctl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/monitoring/live`, { signal: ctl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const events: { event: string; data: unknown }[] = [];
    const next = async (event: string) => {
      for (;;) {
        const i = events.findIndex((e) => e.event === event);
        if (i >= 0) return events.splice(i, 1)[0]!.data;
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(': heartbeat')) events.push({ event: 'heartbeat', data: null });
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
      }
    };
    const first = (await next('summary')) as {
      asOf: string;
      today: { payments: number };
      portfolio: { accounts: number };
      monthToDate: { rolls: { from: string; rate: number }[] };
    };
    expect(first.asOf).toBe('2026-03-10');
    expect(first.today.payments).toBe(0);
    // A, C, E owe on 10 March (B and D paid up)
    expect(first.portfolio.accounts).toBe(3);
    expect(first.monthToDate.rolls.find((x) => x.from === 'M1')!.rate).toBe(0.5);
    const paid = await app.inject({
      method: 'POST',
      url: '/api/accounts/A/payments',
      payload: { paymentId: 'live-1', amount: '50.00', paidOn: '2026-03-10' },
    });
    expect(paid.statusCode, paid.body).toBeLessThan(300);
    const after = (await next('summary')) as {
      today: { payments: number; collectedMinor: Record<string, number> };
    };
    expect(after.today).toMatchObject({ payments: 1, collectedMinor: { USD: 5000 } });
    const alert = (await next('alert')) as {
      ruleId: number;
      value: number;
      base: number;
      day: string;
    };
    expect(alert).toMatchObject({ ruleId: rule.json().id, value: 0.5, base: 2, day: '2026-03-10' });
    // a heartbeat comment keeps the connection open between changes
    await next('heartbeat');
    ctl.abort();
    // the server notices the client has gone
    for (let i = 0; i < 50 && app.server.connections !== 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    // once per rule and day: evaluating again stores nothing
    expect(await evaluateAlerts(monitoringDeps(p), '2026-03-10')).toEqual([]);
    const list = await app.inject({
      method: 'GET',
      url: '/api/monitoring/alerts?unacknowledged=true',
    });
    expect(list.json().alerts).toHaveLength(1);
    const ack = await app.inject({
      method: 'POST',
      url: `/api/monitoring/alerts/${list.json().alerts[0].id}/acknowledge`,
    });
    expect(ack.json()).toMatchObject({ acknowledgedBy: 'test-admin' });
    const open = await app.inject({
      method: 'GET',
      url: '/api/monitoring/alerts?unacknowledged=true',
    });
    expect(open.json().alerts).toHaveLength(0);
    await app.close();
  }, 30_000);
});
