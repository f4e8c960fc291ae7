/**
 * The channels' settings on the engine under test: a paused channel sends nothing (its messages
 * wait queued, its calls make no task) and everything goes out once it is resumed; a daily limit
 * sends the first by priority and carries the rest to the next business day, and holds even
 * when every shard is worked at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { SandboxProvider } from '../../src/adapters/channels/sandbox.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import {
  enqueueShards,
  prepareDay,
  processAllShards,
  processShard,
  type DispatchDeps,
} from '../../src/app/dispatch/dispatcher.ts';
import { changeChannelSettings } from '../../src/app/dispatch/channel-settings.ts';
import { SHARDS } from '../../src/domain/dispatch/lifecycle.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const STRATEGY = `
id: default
name: Channel settings test
segments:
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: first, offset: 0, channel: sms, template: overdue_notice_1 }
      - { id: call, offset: 0, channel: phone, template: pre_due_courtesy_call }
      - { id: second, offset: 1, channel: sms, template: overdue_notice_2 }
      - { id: call2, offset: 1, channel: phone, template: pre_due_courtesy_call }
`;

const N = 5;
const ids = Array.from({ length: N }, (_, i) => i + 1);
const FILES = {
  'customers.csv': csv(
    'customer_id,name,phone,email,address,timezone,language,jurisdiction',
    ...ids.map(
      (i) =>
        `C${i},Customer ${i},+1212555010${i},c${i}@example.com,"${i} Main St, New York",America/New_York,en,US-NY`,
    ),
  ),
  'accounts.csv': csv(
    'account_id,customer_id,product,currency,principal,opened_on',
    ...ids.map((i) => `A${i},C${i},loan,USD,300.00,2026-01-01`),
  ),
  'instalments.csv': csv(
    'account_id,seq,due_date,principal_due,interest_due,fees_due',
    ...ids.map((i) => `A${i},1,2026-03-01,100.00,0,0`),
  ),
  'payments.csv': csv('payment_id,account_id,paid_on,amount'),
  'holds.csv': csv('account_id,kind,from,to'),
};

describe(`channel settings in dispatch (${ENGINE})`, () => {
  let p: Platform;
  let deps: DispatchDeps;
  const clock = fixedClock('2026-03-05T04:00:00Z');

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const report = await importPortfolio(new CsvFolderSource(folderWith(FILES)), p.imports, {
      skipBad: false,
    });
    expect(report.status).toBe('imported');
    await publishSource(p.strategies, STRATEGY, {
      by: 'test',
      reason: 'test',
      effectiveFrom: '2026-03-01',
    });
    deps = {
      store: p.dispatch,
      queue: p.jobs,
      providers: { sms: new SandboxProvider('sms') },
      settings: { companyName: 'Lender', publicUrl: 'https://pay.example' },
      actor: 'test',
      channelSettings: () => p.channelSettings.read(),
      timezone: 'UTC',
    };
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-02', to: '2026-03-03' },
    );
  });

  afterAll(async () => {
    await p?.close();
  });

  const change = (body: unknown, at: string) =>
    changeChannelSettings({ ...deps, settings: p.channelSettings }, body, new Date(at));

  const dispatches = async (channel: string, day: string) => {
    const r = await p.db.query<{ customer: string; state: string; reason: string | null }>(
      `SELECT c.external_id AS customer, d.state, d.last_reason AS reason FROM dispatches d
       JOIN customers c ON c.id = d.customer_id JOIN planned_actions pa ON pa.id = d.action_id
       WHERE d.channel = $1 AND pa.planned_for = $2::date ORDER BY c.external_id`,
      [channel, day],
    );
    return r.rows;
  };
  const sentOn = async (from: string, to: string) => {
    const r = await p.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM dispatches WHERE channel = 'sms' AND sent_at >= $1 AND sent_at < $2`,
      [from, to],
    );
    return Number(r.rows[0]!.n);
  };
  const tasks = async () => {
    const r = await p.db.query<{ customer: string; due_on: unknown }>(
      `SELECT c.external_id AS customer, t.due_on FROM tasks t JOIN customers c ON c.id = t.customer_id
       WHERE t.kind = 'call' ORDER BY t.id`,
    );
    return r.rows.map((x) => ({
      customer: x.customer,
      dueOn: (x.due_on instanceof Date ? x.due_on.toISOString() : String(x.due_on)).slice(0, 10),
    }));
  };

  it('a paused channel sends nothing and makes no call tasks; resumed, everything goes out', async () => {
    await change(
      { channels: { sms: { paused: true }, phone: { paused: true } } },
      '2026-03-02T03:00:00Z',
    );
    const prepared = await prepareDay(deps, '2026-03-02', new Date('2026-03-02T04:00:00Z'));
    expect(prepared.created).toBe(2 * N);
    // The SMS are checked and queued; the calls wait planned, and no task is made.
    expect((await dispatches('sms', '2026-03-02')).map((d) => d.state)).toEqual(
      Array(N).fill('queued'),
    );
    expect((await dispatches('phone', '2026-03-02')).map((d) => d.state)).toEqual(
      Array(N).fill('planned'),
    );
    expect(await tasks()).toEqual([]);
    // No worker is woken for a paused channel's messages.
    expect(await enqueueShards(deps)).toBe(0);
    // 09:30 and later in New York: due, but the channel is paused.
    const paused = await processAllShards(deps, {
      now: () => new Date('2026-03-02T15:00:00Z'),
      token: (s) => `paused:${s}`,
    });
    expect(paused.sent).toBe(0);
    expect((await dispatches('sms', '2026-03-02')).map((d) => d.state)).toEqual(
      Array(N).fill('queued'),
    );

    const after = await change(
      { channels: { sms: { paused: false }, phone: { paused: false } } },
      '2026-03-02T16:00:00Z',
    );
    expect(after.sms).toEqual({ paused: false, dailyLimit: null });
    // Resuming checks the waiting calls (now tasks) and wakes the shards with messages.
    expect((await dispatches('phone', '2026-03-02')).map((d) => d.state)).toEqual(
      Array(N).fill('queued'),
    );
    expect(await tasks()).toHaveLength(N);
    const jobs = await p.db.query<{ n: string | number }>(
      "SELECT count(*) AS n FROM jobs WHERE kind = 'dispatch.shard' AND state = 'pending'",
    );
    expect(Number(jobs.rows[0]!.n)).toBeGreaterThan(0);
    const resumed = await processAllShards(deps, {
      now: () => new Date('2026-03-02T16:00:00Z'),
      token: (s) => `resumed:${s}`,
    });
    expect(resumed.sent).toBe(N);
    expect((await dispatches('sms', '2026-03-02')).map((d) => d.state)).toEqual(
      Array(N).fill('sent'),
    );
    // Each was checked again when it went: a send-stage ALLOW beside every one.
    const allowed = await p.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM compliance_decisions WHERE stage = 'send' AND decision = 'ALLOW'`,
    );
    expect(Number(allowed.rows[0]!.n)).toBe(N);
  });

  it('a daily limit of 2 sends the first 2 by priority and leaves the rest for the next day', async () => {
    await change(
      { channels: { sms: { dailyLimit: 2 }, phone: { dailyLimit: 2 } } },
      '2026-03-03T03:00:00Z',
    );
    await prepareDay(deps, '2026-03-03', new Date('2026-03-03T04:00:00Z'));
    // The call limit: 2 tasks today, by priority; the other 3 calls are planned for tomorrow.
    const callTasks = (await tasks()).filter((t) => t.dueOn === '2026-03-03');
    expect(callTasks).toHaveLength(2);
    const calls = await dispatches('phone', '2026-03-03');
    expect(calls.filter((d) => d.state === 'planned')).toHaveLength(N - 2);
    expect(calls.find((d) => d.state === 'planned')!.reason).toContain('daily limit of 2');

    // C4 and C5 come first by priority.
    await p.db.query(
      `UPDATE dispatches d SET priority = 90 FROM customers c
       WHERE c.id = d.customer_id AND d.channel = 'sms' AND d.planned_for = '2026-03-03'
         AND c.external_id IN ('C4', 'C5')`,
    );
    const r = await processAllShards(deps, {
      now: () => new Date('2026-03-03T15:00:00Z'),
      token: (s) => `limit:${s}`,
    });
    expect(r.sent).toBe(2);
    const s = await dispatches('sms', '2026-03-03');
    expect(s.filter((d) => d.state === 'sent').map((d) => d.customer)).toEqual(['C4', 'C5']);
    const waiting = s.filter((d) => d.state === 'queued');
    expect(waiting).toHaveLength(N - 2);
    expect(waiting.every((d) => d.reason?.includes('sms daily limit of 2 is reached'))).toBe(true);
    // Later the same day: still nothing more.
    const later = await processAllShards(deps, {
      now: () => new Date('2026-03-03T22:00:00Z'),
      token: (s) => `limit-later:${s}`,
    });
    expect(later.sent).toBe(0);
    expect(await sentOn('2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')).toBe(2);
    // Their shards are woken at the next day's slot, not before.
    const next = await p.dispatch.pendingShards(['sms']);
    expect(Math.min(...[...next.values()].map((t) => t.getTime()))).toBeGreaterThanOrEqual(
      new Date('2026-03-04T00:00:00Z').getTime(),
    );

    // The next day, with every shard worked at once: 2 more, never 3.
    const day2 = new Date('2026-03-04T15:00:00Z');
    const results = await Promise.all(
      Array.from({ length: SHARDS }, (_, shard) =>
        processShard(deps, shard, { now: () => day2, token: `day2:${shard}` }),
      ),
    );
    expect(results.reduce((n, x) => n + x.sent, 0)).toBe(2);
    expect(await sentOn('2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z')).toBe(2);
    expect(
      (await dispatches('sms', '2026-03-03')).filter((d) => d.state === 'queued'),
    ).toHaveLength(1);

    // The calls carried over become tasks when the next day is prepared: 2 again.
    await prepareDay(deps, '2026-03-04', new Date('2026-03-04T04:00:00Z'));
    expect((await tasks()).filter((t) => t.dueOn === '2026-03-04')).toHaveLength(2);
    expect(
      (await dispatches('phone', '2026-03-03')).filter((d) => d.state === 'planned'),
    ).toHaveLength(1);
  });
});
