/**
 * Promises to pay on the engine under test: made through the use cases and the API, followed
 * by the cycle with the payments that came (kept, kept late within grace, partially kept,
 * broken), the strategy waiting while one is open and taking the account back when it is
 * not kept, a file of promises recorded all or nothing, the rates, and a rewind.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { recordPayment } from '../../src/app/ledger/ledger-service.ts';
import { importPromises, makePromise, promiseRates } from '../../src/app/promises/promises.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-30';
const day = (n: number) => addDays(AS_OF, n);
const noon = (n: number) => `${day(n)}T12:00:00Z`;

describe(`promises to pay (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock(noon(0));
  let accounts: string[] = [];
  const deps = () => ({ promises: p.promises, clock });
  const cycle = (from: number, to = from) =>
    runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: day(from), to: day(to) },
    );
  const status = async (account: string) => (await p.promises.list({ account, limit: 10 }))[0]!;
  const pay = async (account: string, n: number, amount: string) => {
    clock.set(noon(n));
    await recordPayment({ ledger: p.ledger, policies: p.policies, clock }, account, {
      paymentId: `pay-${account}-${n}-${amount}`,
      amount,
      paidOn: day(n),
    });
  };

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const dir = mkdtempSync(join(tmpdir(), 'recoup-promises-'));
    await runGenerate({ accounts: 400, seed: 5, asOf: AS_OF, out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'Mia',
      reason: 'test',
      effectiveFrom: '2026-01-01',
    });
    await cycle(0);
    // accounts past due, in a segment of the strategy, owing at least 100 in arrears, in one
    // currency (the rates add up within a currency)
    const r = await p.db.query<{ ext: string }>(
      `SELECT a.external_id AS ext FROM account_states s JOIN accounts a ON a.id = s.account_id
       JOIN strategy_assignments sa ON sa.account_id = s.account_id
       WHERE s.past_due_days BETWEEN 1 AND 60 AND s.arrears >= 10000
         AND a.currency = (SELECT currency FROM accounts WHERE currency <> 'JPY' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)
         AND NOT s.on_hold
       ORDER BY a.id LIMIT 6`,
    );
    accounts = r.rows.map((x) => x.ext);
    expect(accounts.length).toBe(6);
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  it('refuses a promise that breaks the policy, naming the field', async () => {
    await expect(
      makePromise(deps(), accounts[0]!, { amount: '0', promisedFor: day(40), by: 'Ann' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [
        { at: 'amount', reason: 'must be more than zero' },
        { at: 'promisedFor', reason: 'is more than 30 days ahead' },
      ],
    });
    await expect(
      makePromise(deps(), accounts[0]!, { amount: '1.234', promisedFor: day(1), by: '' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      makePromise(deps(), 'no-such-account', { amount: '1', promisedFor: day(1), by: 'Ann' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('follows kept, kept late, partially kept and broken promises, and the strategy with them', async () => {
    const [a, b, c, d] = accounts as [string, string, string, string];
    clock.set(noon(0));
    await makePromise(deps(), a, { amount: '50.00', promisedFor: day(5), by: 'Ann' });
    await makePromise(deps(), b, { amount: '50.00', promisedFor: day(2), by: 'Ann' });
    await makePromise(deps(), c, { amount: '50.00', promisedFor: day(2), by: 'Bo' });
    await makePromise(deps(), d, { amount: '50.00', promisedFor: day(2), by: 'Bo' });
    // a second open promise on an account is refused
    await expect(
      makePromise(deps(), a, { amount: '10.00', promisedFor: day(3), by: 'Ann' }),
    ).rejects.toMatchObject({ details: [{ at: 'account' }] });

    await pay(c, 1, '20.00');
    clock.set(noon(1));
    await cycle(1);
    // an open promise takes the account off its path: no actions while it is open
    const exits = await p.db.query<{ ext: string; exit_reason: string }>(
      `SELECT a.external_id AS ext, e.exit_reason FROM strategy_path_events e
       JOIN accounts a ON a.id = e.account_id WHERE e.on_date = $1::date AND a.external_id = ANY($2)`,
      [day(1), [a, b, c, d]],
    );
    expect(exits.rows.map((x) => x.exit_reason)).toEqual([
      'promise',
      'promise',
      'promise',
      'promise',
    ]);
    await pay(a, 3, '47.50'); // 5 % tolerance: kept
    await pay(b, 4, '50.00'); // two days after the promised date, within the 3 of grace
    for (let n = 2; n <= 5; n++) {
      clock.set(noon(n));
      await cycle(n);
    }
    expect(await status(a)).toMatchObject({
      status: 'kept',
      paidMinor: 4750,
      resolvedOn: day(3),
      late: false,
    });
    expect(await status(b)).toMatchObject({ status: 'kept', resolvedOn: day(4), late: true });
    // the grace of c and d ends on day 5: still open
    expect((await status(c)).status).toBe('open');
    expect((await status(c)).paidMinor).toBe(2000);
    const planned = await p.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM planned_actions pa JOIN accounts a ON a.id = pa.account_id
       WHERE a.external_id = ANY($1) AND pa.planned_for BETWEEN $2::date AND $3::date`,
      [[c, d], day(1), day(5)],
    );
    expect(planned.rows[0]!.n).toBe(0);

    clock.set(noon(6));
    await cycle(6);
    expect(await status(c)).toMatchObject({
      status: 'partially_kept',
      paidMinor: 2000,
      resolvedOn: day(6),
    });
    expect(await status(d)).toMatchObject({ status: 'broken', paidMinor: 0, resolvedOn: day(6) });
    // a promise not kept takes the account back into its strategy, that day
    const back = await p.db.query<{ ext: string }>(
      `SELECT a.external_id AS ext FROM strategy_path_events e JOIN accounts a ON a.id = e.account_id
       WHERE e.on_date = $1::date AND e.exit_reason IS NULL AND a.external_id = ANY($2)
       ORDER BY 1`,
      [day(6), [c, d]],
    );
    expect(back.rows.map((x) => x.ext)).toEqual([c, d].sort());
  }, 240_000);

  it('undoes and redoes what the cycle decided on a rewind', async () => {
    const before = await p.promises.list({ limit: 100 });
    clock.set(noon(6));
    await cycle(3, 6);
    expect(await p.promises.list({ limit: 100 })).toEqual(before);
  }, 240_000);

  it('gives the promise and kept rates per collector', async () => {
    const g = await promiseRates(deps(), day(0), day(6), 'collector');
    expect(
      g.map((x) => [x.key, x.rates.made, x.rates.kept, x.rates.keptLate, x.rates.keptRate]),
    ).toEqual([
      ['Ann', 2, 2, 1, 1],
      ['Bo', 2, 0, 0, 0],
    ]);
    const bo = g.find((x) => x.key === 'Bo')!.rates;
    expect([bo.partiallyKept, bo.broken, bo.promisedMinor, bo.paidMinor]).toEqual([
      1, 1, 10_000, 2_000,
    ]);
    await expect(promiseRates(deps(), day(0), 'x', 'team')).rejects.toMatchObject({
      details: [{ at: 'to' }, { at: 'by' }],
    });
  });

  it('records a file of promises all together, or none when a row is wrong', async () => {
    const [, , , , e, f] = accounts as string[];
    clock.set(noon(6));
    const rows = [
      { line: 2, row: { account: e!, amount: '30.00', promisedFor: day(10), by: 'Cy' } },
      { line: 3, row: { account: f!, amount: 'lots', promisedFor: day(10), by: 'Cy' } },
      { line: 4, row: { account: 'nobody', amount: '1.00', promisedFor: day(10), by: 'Cy' } },
    ];
    await expect(importPromises(deps(), rows)).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [
        { at: 'line 3: amount', reason: '"lots" is not a decimal amount' },
        { at: 'line 4: account', reason: 'account nobody not found' },
      ],
    });
    expect(await p.promises.list({ account: e!, limit: 10 })).toEqual([]);
    // two for one account in a file: the second is refused
    await expect(
      importPromises(deps(), [rows[0]!, { ...rows[0]!, line: 3 }]),
    ).rejects.toMatchObject({ details: [{ at: 'line 3: account' }] });
    expect(
      await importPromises(deps(), [
        rows[0]!,
        { line: 3, row: { ...rows[1]!.row, amount: '12.00' } },
      ]),
    ).toEqual({
      imported: 2,
    });
    expect((await status(f!)).amountMinor).toBe(1200);
  });

  it('serves promises over HTTP, idempotent by the request key', async () => {
    const app = await buildServer(p, testServer);
    try {
      const [a] = accounts as [string];
      clock.set(noon(6));
      const body = { amount: '25.00', promisedFor: day(9), by: 'Ann', channel: 'sms' };
      const headers = { 'idempotency-key': 'req-1' };
      const first = await app.inject({
        method: 'POST',
        url: `/api/accounts/${a}/promises`,
        payload: body,
        headers,
      });
      expect(first.statusCode).toBe(201);
      const again = await app.inject({
        method: 'POST',
        url: `/api/accounts/${a}/promises`,
        payload: body,
        headers,
      });
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(first.json().id);
      const second = await app.inject({
        method: 'POST',
        url: `/api/accounts/${a}/promises`,
        payload: { ...body, promisedFor: day(8) },
      });
      expect(second.statusCode).toBe(400);
      expect(second.json().details[0].at).toBe('account');
      const bad = await app.inject({
        method: 'POST',
        url: `/api/accounts/${a}/promises`,
        payload: { ...body, channel: 'pigeon' },
      });
      expect(bad.statusCode).toBe(400);
      const list = (await app.inject({ url: `/api/accounts/${a}/promises` })).json();
      expect(list.promises.map((x: { status: string }) => x.status)).toEqual(['open', 'kept']);
      const cancel = await app.inject({
        method: 'POST',
        url: `/api/promises/${first.json().id}/cancel`,
        payload: { by: 'Ann', reason: 'customer called back' },
      });
      expect(cancel.json()).toMatchObject({ status: 'cancelled', cancelledBy: 'Ann' });
      const twice = await app.inject({
        method: 'POST',
        url: `/api/promises/${first.json().id}/cancel`,
        payload: { by: 'Ann', reason: 'again' },
      });
      expect(twice.statusCode).toBe(409);
      const rates = (
        await app.inject({ url: `/api/promises/rates?from=${day(0)}&to=${day(6)}&by=collector` })
      ).json();
      expect(rates.groups.map((g: { key: string }) => g.key)).toEqual(['Ann', 'Bo', 'Cy']);
      const policy = await app.inject({
        method: 'PUT',
        url: '/api/promises/policy',
        payload: { graceDays: 40 },
      });
      expect(policy.statusCode).toBe(400);
      expect(policy.json().details[0].at).toBe('graceDays');
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: '/api/promises/policy',
            payload: { graceDays: 5 },
          })
        ).json(),
      ).toEqual({ graceDays: 5, tolerancePercent: 5, maxDaysAhead: 30 });
    } finally {
      await app.close();
    }
  });
});
