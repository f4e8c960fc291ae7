/**
 * SMS from plan to phone through a real Kannel (bearerbox, smsbox, fakesmsc as the operator):
 * the day's texts are checked, sent once each, and their delivery reports come back to the
 * Recoup API and move them to delivered; a customer who replies 退订 is opted out, and their
 * next text is blocked by the rules. Kannel is installed by .ci/run; without it (outside CI)
 * this file is skipped.
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KannelSmsProvider } from '../../src/adapters/channels/kannel.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import {
  prepareDay,
  processAllShards,
  type DispatchDeps,
} from '../../src/app/dispatch/dispatcher.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { csv, folderWith } from '../support/files.ts';
import { kannelAvailable, startKannel, type Kannel } from '../support/kannel.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const STRATEGY = `
id: default
name: Test
segments:
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: notice, offset: 0, channel: sms, template: overdue_notice_1 }
      - { id: again, offset: 1, channel: sms, template: overdue_notice_2 }
`;

const N = 40;
const run = kannelAvailable() || process.env.CI ? describe : describe.skip;

run(`SMS through Kannel (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  let kannel: Kannel;
  let deps: DispatchDeps;
  const clock = fixedClock('2026-03-02T14:00:00Z');

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const ids = Array.from({ length: N }, (_, i) => i + 1);
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,timezone,language,jurisdiction',
        ...ids.map((i) =>
          i % 2 === 0
            ? `C${i},王伟${i},+86138000${String(i).padStart(5, '0')},Asia/Shanghai,zh-CN,CN`
            : `C${i},Ann Lee ${i},+1212555${String(i).padStart(4, '0')},America/New_York,en,US-NY`,
        ),
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        ...ids.map((i) => `A${i},C${i},loan,${i % 2 === 0 ? 'CNY' : 'USD'},100.00,2026-01-01`),
      ),
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due',
        ...ids.map((i) => `A${i},1,2026-03-01,100.00`),
      ),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, STRATEGY, {
      by: 't',
      reason: 't',
      effectiveFrom: '2026-03-01',
    });
    app = await buildServer(p, testServer);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    kannel = await startKannel({
      inboundUrl: `${base}/api/channels/kannel/inbound?from=%p&to=%P&text=%b&charset=%C&coding=%c`,
    });
    deps = {
      store: p.dispatch,
      queue: p.jobs,
      providers: {
        sms: new KannelSmsProvider({
          sendsmsUrl: kannel.sendsmsUrl,
          username: kannel.username,
          password: kannel.password,
          from: '12345',
          dlrMask: 27,
          dlrUrl: (key) =>
            `${base}/api/channels/kannel/dlr?key=${encodeURIComponent(key)}&status=%d&at=%T&reply=%A`,
        }),
      },
      settings: { companyName: 'Lender', publicUrl: base },
      actor: 'test',
    };
  }, 120_000);

  afterAll(async () => {
    await deps?.providers.sms?.close();
    await kannel?.stop();
    await app?.close();
    await p?.close();
  });

  const states = async (day: string) =>
    Object.fromEntries(
      (
        await p.db.query<{ state: string; n: string }>(
          "SELECT state, count(*) AS n FROM dispatches WHERE planned_for = $1::date AND channel = 'sms' GROUP BY state",
          [day],
        )
      ).rows.map((r) => [r.state, Number(r.n)]),
    );

  async function until(cond: () => Promise<boolean>, what: string) {
    for (let i = 0; i < 300; i++) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('sends each text once; delivery reports move them to delivered', async () => {
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-02', to: '2026-03-02' },
    );
    await prepareDay(deps, '2026-03-02', new Date('2026-03-02T01:00:00Z'));
    // 02:00 UTC: 10:00 in Shanghai, 21:00 in New York (the evening before): only the Chinese.
    const cn = await processAllShards(deps, {
      now: () => new Date('2026-03-02T02:00:00Z'),
      token: (s) => `k1:${s}`,
    });
    expect(cn.sent).toBe(N / 2);
    const us = await processAllShards(deps, {
      now: () => new Date('2026-03-02T15:00:00Z'),
      token: (s) => `k2:${s}`,
    });
    expect(us.sent).toBe(N / 2);
    const got = await kannel.waitForMessages(N, 20_000);
    expect(got).toHaveLength(N);
    expect(new Set(got.map((m) => m.to)).size).toBe(N);
    expect(got.find((m) => m.to === '+8613800000002')!.text).toMatch(
      /^【Lender】您尾号\*{4}A2的账户已逾期1天，应还¥100\.00/,
    );
    await until(async () => (await states('2026-03-02')).delivered === N, 'delivery reports');
    const events = await p.db.query<{ reason: string }>(
      "SELECT reason FROM dispatch_events WHERE to_state = 'delivered' LIMIT 1",
    );
    expect(events.rows[0]!.reason).toMatch(/^delivery report 1/);
  });

  it('a reply of 退订 opts the number out; the next day’s text to it is blocked', async () => {
    await kannel.injectMo({ from: '+8613800000002', to: '12345', text: '退订' });
    await until(
      async () =>
        (await p.db.query("SELECT 1 FROM contact_preferences WHERE kind = 'opt_out'")).rows
          .length === 1,
      'the opt-out',
    );
    clock.set('2026-03-03T14:00:00Z');
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-03', to: '2026-03-03' },
    );
    await prepareDay(deps, '2026-03-03', new Date('2026-03-03T01:00:00Z'));
    const blocked = await p.db.query<{ reason: string }>(
      `SELECT d.last_reason AS reason FROM dispatches d JOIN customers c ON c.id = d.customer_id
       WHERE d.planned_for = '2026-03-03' AND c.external_id = 'C2'`,
    );
    expect(blocked.rows[0]!.reason).toContain('CN.opt-out');
    expect((await states('2026-03-03')).blocked).toBe(1);
  });
});
