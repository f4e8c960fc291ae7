/**
 * The daily cycle in partitions: a portfolio cycled in 1 partition and in 4 ends in the same
 * states, transitions, planned actions, path events, scores, tiers, snapshots and runs; a
 * partition done twice changes nothing; a partition whose transaction fails midway leaves
 * nothing and is done again; the day is finished only once every partition is; and workers
 * sharing the job queue cycle the same days to the same end.
 */
import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { cycleHandlers, cycleQueued, enqueueCycle } from '../../src/adapters/cycle-runtime.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import { accessDeps, type Platform } from '../../src/adapters/platform.ts';
import { createApiKey } from '../../src/app/access/access.ts';
import { runWorker } from '../../src/adapters/queue/pg-queue.ts';
import type { SqlCycleStore } from '../../src/adapters/storage/cycle-store.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { recordPayment } from '../../src/app/ledger/ledger-service.ts';
import { makePromise } from '../../src/app/promises/promises.ts';
import { trainFromPortfolio } from '../../src/app/scoring/portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { digests } from '../support/cycle-digest.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-27';
const day = (n: number) => addDays(AS_OF, n);
const noon = (n: number) => `${day(n)}T12:00:00Z`;
const ACCOUNTS = 1200;

/** The rows a partition's range holds, as one digest (what a failed partition must not touch). */
async function rangeDigest(p: Platform, after: number, upTo: number | null): Promise<string> {
  const within = `account_id > ${after}${upTo === null ? '' : ` AND account_id <= ${upTo}`}`;
  const r = await p.db.query<{ d: string }>(
    `SELECT md5(concat_ws('|',
       (SELECT string_agg(s::text, ',' ORDER BY account_id) FROM account_states s WHERE ${within}),
       (SELECT string_agg(t::text, ',' ORDER BY account_id, on_date) FROM bucket_transitions t WHERE ${within}),
       (SELECT string_agg(a.idempotency_key, ',' ORDER BY a.idempotency_key) FROM planned_actions a WHERE ${within}),
       (SELECT string_agg(e::text, ',' ORDER BY account_id, on_date, segment_id) FROM (
          SELECT account_id, on_date, segment_id, bucket FROM strategy_path_events) e WHERE ${within}),
       (SELECT string_agg(c::text, ',' ORDER BY account_id, purpose) FROM account_scores c WHERE ${within}),
       (SELECT string_agg(g::text, ',' ORDER BY account_id) FROM strategy_assignments g WHERE ${within})
     )) AS d`,
  );
  return r.rows[0]!.d;
}

describe(`the daily cycle in partitions (${ENGINE})`, () => {
  // the same portfolio and the same history, cycled in 1 partition (one) and in 4 (four)
  const clocks = { one: fixedClock(noon(0)), four: fixedClock(noon(0)) };
  const ps: { one?: Platform; four?: Platform } = {};
  const parts = { one: 1, four: 4 };
  let folder = '';

  const cycle = (which: 'one' | 'four', from: number, to = from) =>
    runCycles(
      {
        cycles: ps[which]!.cycles,
        policies: ps[which]!.policies,
        clock: clocks[which],
        planner: ps[which]!.planner,
        partitions: parts[which],
      },
      { from: day(from), to: day(to) },
    );

  async function setUp(which: 'one' | 'four'): Promise<Platform> {
    const p = await openTestPlatform(clocks[which]);
    ps[which] = p;
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'Mia',
      reason: 'test',
      effectiveFrom: '2026-01-01',
    });
    for (const purpose of ['early_warning', 'collection'])
      await trainFromPortfolio(p, {
        purpose,
        asOf: day(purpose === 'early_warning' ? -62 : -32),
        today: day(-1),
        by: 'Mia',
        activate: true,
      });
    return p;
  }

  /** Promises on a few accounts past due (one kept by a payment, the others broken). */
  async function promisesAndPayments(which: 'one' | 'four'): Promise<void> {
    const p = ps[which]!;
    const clock = clocks[which];
    const r = await p.db.query<{ ext: string }>(
      `SELECT a.external_id AS ext FROM account_states s JOIN accounts a ON a.id = s.account_id
       WHERE s.past_due_days BETWEEN 1 AND 60 AND s.arrears >= 10000 AND a.currency <> 'JPY'
         AND NOT s.on_hold ORDER BY a.id`,
    );
    const chosen = r.rows.filter((_, i) => i % 7 === 0).slice(0, 8);
    expect(chosen.length).toBeGreaterThan(3);
    for (const x of chosen)
      await makePromise({ promises: p.promises, clock }, x.ext, {
        amount: '50.00',
        promisedFor: day(1),
        by: 'Ann',
      });
    clock.set(noon(1));
    await recordPayment({ ledger: p.ledger, policies: p.policies, clock }, chosen[0]!.ext, {
      paymentId: `kept-${chosen[0]!.ext}`,
      amount: '50.00',
      paidOn: day(1),
    });
  }

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'recoup-partitions-'));
    await runGenerate({ accounts: ACCOUNTS, seed: 17, asOf: AS_OF, out: folder });
    await setUp('one');
    await setUp('four');
  }, 300_000);
  afterAll(async () => {
    await ps.one?.close();
    await ps.four?.close();
  });

  it('prepares partitions balanced by account count', async () => {
    const s = await ps.four!.cycles.prepareDay(day(0), clocks.four.now(), 4);
    expect(s.partitions).toBe(4);
    expect(s.parts.map((x) => x.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(s.parts.map((x) => x.planned)).toEqual([300, 300, 300, 300]);
    expect(s.parts[0]!.afterId).toBe(0);
    expect(s.parts[3]!.upToId).toBeNull();
    for (let i = 1; i < 4; i++) expect(s.parts[i]!.afterId).toBe(s.parts[i - 1]!.upToId);
    // the day is not finished before its partitions are done
    expect(await ps.four!.cycles.finishDay(day(0))).toBeNull();
    expect(await ps.four!.cycles.lastCycled()).toBeNull();
  });

  it('gives the same states, actions, scores and snapshots in 1 partition and in 4', async () => {
    for (const which of ['one', 'four'] as const) {
      await cycle(which, 0);
      await promisesAndPayments(which);
      const r = await cycle(which, 1, 5);
      expect(r).toHaveLength(5);
      expect(r.every((x) => x.accounts === ACCOUNTS)).toBe(true);
    }
    const [one, four] = [await digests(ps.one!), await digests(ps.four!)];
    expect(four).toEqual(one);
    // it is a real portfolio: transitions, actions, scores, path events, promises decided
    for (const t of [
      'bucket_transitions',
      'planned_actions',
      'strategy_path_events',
      'account_scores',
      'score_snapshots',
      'promise_tasks',
    ])
      expect(Number(one[t]!.split(':')[0]), t).toBeGreaterThan(0);
    const status = await ps.four!.cycles.status(day(5));
    expect(status).toMatchObject({ state: 'done', partitions: 4, done: 4 });
    expect(status!.parts.reduce((t, x) => t + (x.accounts ?? 0), 0)).toBe(ACCOUNTS);
    expect(status!.parts.every((x) => x.worker === 'in-process' && x.durationMs !== null)).toBe(
      true,
    );
    // the console reads the same through the API
    const app = await buildServer(ps.four!, testServer);
    try {
      const r = await app.inject(`/api/cycles/${day(5)}/status`);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ asOf: day(5), state: 'done', partitions: 4, done: 4 });
      expect(r.json().parts).toHaveLength(4);
      expect((await app.inject('/api/cycles/2020-01-01/status')).statusCode).toBe(404);
      // without a date: the latest day prepared, the one the console follows
      const latest = await app.inject('/api/cycles/latest/status');
      expect(latest.statusCode).toBe(200);
      const dated = await app.inject(`/api/cycles/${latest.json().asOf}/status`);
      expect(latest.json()).toEqual(dated.json());
      expect(latest.json().asOf).toBe((await ps.four!.cycles.status())!.asOf);
    } finally {
      await app.close();
    }
  }, 300_000);

  it('changes nothing when a partition or the finish is done again', async () => {
    const p = ps.four!;
    const before = await digests(p);
    const policy = await p.policies.ledgerPolicy();
    await p.cycles.runPartition(day(5), 2, policy, { planner: p.planner });
    await p.cycles.runPartition(day(5), 4, policy, { planner: p.planner });
    expect(await p.cycles.finishDay(day(5))).toMatchObject({ asOf: day(5), accounts: ACCOUNTS });
    expect(await digests(p)).toEqual(before);
    // and the whole day again, as the cycle re-runs a day
    await cycle('four', 5);
    expect(await digests(p)).toEqual(before);
  }, 120_000);

  it('leaves nothing of a partition whose transaction fails midway, and does it again', async () => {
    const p = ps.four!;
    const cycles = p.cycles as SqlCycleStore;
    const policy = await p.policies.ledgerPolicy();
    const s = await cycles.prepareDay(day(6), clocks.four.now(), 4);
    await cycles.runPartition(day(6), 1, policy, { planner: p.planner });
    const two = s.parts[1]!;
    for (const step of ['states', 'scores', 'plan', 'done']) {
      const before = await rangeDigest(p, two.afterId, two.upToId);
      await expect(
        cycles.runPartition(day(6), 2, policy, {
          planner: p.planner,
          worker: 'doomed',
          fault: (at) => {
            if (at === step) throw new Error(`killed after ${at}`);
          },
        }),
      ).rejects.toThrow(`killed after ${step}`);
      expect(await rangeDigest(p, two.afterId, two.upToId), step).toBe(before);
      const now = await cycles.status(day(6));
      expect(now!.parts[1]).toMatchObject({ state: 'pending', lastError: `killed after ${step}` });
      expect(await cycles.finishDay(day(6))).toBeNull();
    }
    for (const part of [2, 3])
      await cycles.runPartition(day(6), part, policy, { planner: p.planner });
    // three of four done: the day waits for the last
    expect(await cycles.finishDay(day(6))).toBeNull();
    expect(await cycles.lastCycled()).toBe(day(5));
    expect((await cycles.status(day(6)))!.done).toBe(3);
    // and a scraper sees the day's progress
    const app = await buildServer(p);
    try {
      const { secret } = await createApiKey(
        accessDeps(p),
        { user: 'test-admin', role: 'administrator' },
        { name: 'scraper', role: 'analyst' },
      );
      const m = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(m.statusCode, m.body).toBe(200);
      for (const line of [
        'recoup_cycle_day_partitions{state="pending"} 1',
        'recoup_cycle_day_partitions{state="running"} 0',
        'recoup_cycle_day_partitions{state="done"} 3',
        'recoup_cycle_day_progress_ratio 0.75',
        'recoup_cycle_day_running 1',
        `recoup_cycle_day_as_of_timestamp_seconds ${Date.parse(`${day(6)}T00:00:00Z`) / 1000}`,
      ])
        expect(m.body).toContain(line);
    } finally {
      await app.close();
    }
    await cycles.runPartition(day(6), 4, policy, { planner: p.planner });
    expect(await cycles.finishDay(day(6))).toMatchObject({ accounts: ACCOUNTS });
    expect((await cycles.status(day(6)))!.parts[1]!.attempts).toBe(5);

    await cycle('one', 6);
    expect(await digests(p)).toEqual(await digests(ps.one!));
  }, 180_000);

  it('is cycled by workers sharing the job queue, to the same end', async () => {
    const p = ps.four!;
    await enqueueCycle(p, { from: day(7), to: day(9) }, 4, 'none');
    const stop = new AbortController();
    const afterDays: string[] = [];
    const handlers = cycleHandlers(p, async (d) => void afterDays.push(d));
    const workers = ['w1', 'w2'].map((worker) =>
      runWorker({
        queue: p.jobs,
        worker,
        handlers,
        now: () => new Date(),
        concurrency: 2,
        pollMs: 20,
        signal: stop.signal,
      }),
    );
    const t0 = Date.now();
    while ((await cycleQueued(p)) && Date.now() - t0 < 120_000)
      await new Promise((r) => setTimeout(r, 50));
    stop.abort();
    await Promise.all(workers);
    expect(afterDays).toEqual([day(7), day(8), day(9)]);
    expect(await p.cycles.lastCycled()).toBe(day(9));
    const s = await p.cycles.status(day(9));
    expect(s).toMatchObject({ state: 'done', done: 4 });
    expect(new Set(s!.parts.map((x) => x.worker)).size).toBeGreaterThanOrEqual(1);
    expect(s!.parts.every((x) => x.worker === 'w1' || x.worker === 'w2')).toBe(true);

    await cycle('one', 7, 9);
    expect(await digests(p)).toEqual(await digests(ps.one!));
  }, 180_000);
});
