/** Strategies through the HTTP API, and the cycle planning the default strategy's actions. */
import { readFileSync } from 'node:fs';
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

const DEFAULT = readFileSync('strategies/default.yaml', 'utf8');
const clock = fixedClock('2026-05-01T12:00:00Z');

describe(`strategy API (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,timezone,language,jurisdiction',
        'C1,Ann Lee,UTC,en,US',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,card,USD,100.00,2026-01-01',
      ),
      'instalments.csv': csv('account_id,seq,due_date,principal_due', 'A1,1,2026-04-20,100.00'),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    app = await buildServer(p, testServer);
  });
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('validates a document and names each problem', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/api/strategies/validate',
      payload: { source: DEFAULT },
    });
    expect(ok.json()).toEqual({ valid: true, errors: [] });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/strategies/validate',
      payload: { source: DEFAULT.replace('channel: legal_review,', 'channel: fax,') },
    });
    expect(bad.json().valid).toBe(false);
    expect(bad.json().errors[0]).toMatchObject({
      path: 'segments[6].steps[0].channel',
      reason: expect.stringMatching(/^unknown channel "fax"/),
    });
  });

  it('publishes, shows with a diagram, lists, and refuses an invalid document', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/strategies',
      payload: {
        source: DEFAULT,
        by: 'Mia',
        publish: { by: 'Mia', reason: 'launch', effectiveFrom: '2026-04-01' },
      },
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ strategyId: 'default', version: 1, status: 'published' });
    const shown = (await app.inject('/api/strategies/default/versions/1')).json();
    expect(shown.source).toBe(DEFAULT);
    expect(shown.diagram).toMatch(/^flowchart TD/);
    const list = (await app.inject('/api/strategies')).json();
    expect(list.inForce).toBe(shown.id);
    const invalid = await app.inject({
      method: 'POST',
      url: '/api/strategies',
      payload: { source: 'id: x\nname: y\nsegments: []\n', by: 'Mia' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().details[0]).toEqual({
      at: 'segments',
      reason: 'must NOT have fewer than 1 items',
    });
    expect((await app.inject('/api/strategies/default/versions/9')).statusCode).toBe(404);
  });

  it('runs in the cycle: the default strategy plans the M1 path for an overdue card', async () => {
    const deps = { cycles: p.cycles, policies: p.policies, clock, planner: p.planner };
    await runCycles(deps, { from: '2026-04-18', to: '2026-04-27' });
    const page = (await app.inject('/api/actions?accountId=A1&limit=10')).json();
    const steps = page.items
      .map((a: { plannedFor: string; stepId: string }) => `${a.plannedFor} ${a.stepId}`)
      .sort();
    // Due 04-20: reminder the day before; M1 from 04-21: SMS, e-mail bill on day 2, call on day 5.
    expect(steps).toEqual([
      '2026-04-19 reminder_sms',
      '2026-04-21 notice_sms',
      '2026-04-23 bill_email',
      '2026-04-26 first_call',
    ]);
    expect(page.items[0]).toMatchObject({ accountId: 'A1', status: 'planned' });
  });

  it('starts a pilot, reports on it and refuses a bad one', async () => {
    const draft = await app.inject({
      method: 'POST',
      url: '/api/strategies',
      payload: {
        source: DEFAULT.replace('name: Default collections policy', 'name: Challenger'),
        by: 'Mia',
      },
    });
    expect(draft.json()).toMatchObject({ version: 2, status: 'draft' });
    const arms = [
      { name: 'champion', strategyId: 'default', version: 1, share: 70 },
      { name: 'challenger', strategyId: 'default', version: 2, share: 30 },
    ];
    const bad = await app.inject({
      method: 'POST',
      url: '/api/experiments',
      payload: {
        id: 'p1',
        name: 'Pilot',
        population: 'account.bucket == 1',
        arms,
        by: 'Mia',
        startsOn: '2026-04-28',
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0]).toMatchObject({
      at: 'population',
      reason: expect.stringMatching(/no such overload/),
    });
    const ok = await app.inject({
      method: 'POST',
      url: '/api/experiments',
      payload: {
        id: 'p1',
        name: 'Pilot',
        population: 'true',
        arms,
        by: 'Mia',
        startsOn: '2026-04-28',
      },
    });
    expect(ok.statusCode).toBe(201);
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-04-28', to: '2026-04-30' },
    );
    const results = (await app.inject('/api/experiments/p1?asOf=2026-04-30')).json();
    expect(results.arms.map((a: { arm: string }) => a.arm)).toEqual(['champion', 'challenger']);
    expect(results.arms.reduce((n: number, a: { accounts: number }) => n + a.accounts, 0)).toBe(1);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/experiments/p1/promote',
      payload: { arm: 'nope', by: 'Mia', reason: 'x' },
    });
    expect(wrong.statusCode).toBe(400);
    const stopped = await app.inject({
      method: 'POST',
      url: '/api/experiments/p1/stop',
      payload: { by: 'Mia' },
    });
    expect(stopped.json()).toMatchObject({ id: 'p1', status: 'stopped' });
  });
});
