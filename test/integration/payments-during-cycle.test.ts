/**
 * Payments posted through the API while the day's cycle runs, on a PostgreSQL server: a queued
 * cycle of 20,000 accounts worked by a `recoup worker` process, and meanwhile 30 clients post
 * 2,000 payments over HTTP, each sent two or three times (at the same instant, or again after
 * giving up on an answer that was slow to come). Every payment is stored once, with the amounts
 * sent; a payment id reused with another amount is refused naming the field. A payment posted
 * while its day was being cycled may be missed by the partitions already done, so the day is
 * cycled again once the posts are in: the accounts' states then equal those of a reference
 * schema where the same payments were recorded before the day was cycled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createRandom } from '../../src/domain/portfolio/random.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFolder } from '../../src/adapters/cli/commands.ts';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { cycleQueued, enqueueCycle } from '../../src/adapters/cycle-runtime.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { recordPayment } from '../../src/app/ledger/ledger-service.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { parseAmount } from '../../src/domain/money/currency.ts';
import { addDays, type LocalDate } from '../../src/domain/time/date.ts';
import { testServer } from '../support/auth.ts';
import { digests } from '../support/cycle-digest.ts';
import { fixedClock } from '../support/platform.ts';

const URL_ = process.env.DATABASE_URL;
const ACCOUNTS = 20_000;
const PAYMENTS = 2_000;
const CLIENTS = 30;
const SEED = Number(process.env.RECOUP_PAYMENTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** The business date: a past day, so that every payment of it is allowed (none in the future). */
const AS_OF: LocalDate = addDays(new Date().toISOString().slice(0, 10) as LocalDate, -10);

interface Sent {
  id: string;
  account: string;
  body: { paymentId: string; amount: string; paidOn: string };
  /** parallel: all sends at once; timeout: the first given up on after a few ms, then again */
  mode: 'parallel' | 'timeout' | 'sequential';
  sends: number;
}

type Answer = { status: number; json: Record<string, unknown> } | 'gave up';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!URL_)('payments posted through the API while the cycle runs (postgres)', () => {
  const schemas = ['live', 'reference'].map((k) => `pay_${k}_${randomBytes(4).toString('hex')}`);
  const ps: Platform[] = [];
  const children: ChildProcess[] = [];
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    console.log(`payments during the cycle: seed ${SEED} (RECOUP_PAYMENTS_SEED), as of ${AS_OF}`);
    const folder = mkdtempSync(join(tmpdir(), 'recoup-payments-'));
    await runGenerate({ accounts: ACCOUNTS, seed: 5, asOf: AS_OF, out: folder });
    for (const schema of schemas) {
      const p = await openPlatform({ databaseUrl: URL_, dataDir: '', timezone: 'UTC', schema });
      ps.push(p);
      expect((await importFolder(p, folder, {})).status).toBe('imported');
      await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
        by: 'Mia',
        reason: 'test',
        effectiveFrom: addDays(AS_OF, -30),
      });
    }
    app = await buildServer(ps[0]!, testServer);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }, 180_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await app?.close();
    for (const p of ps) await p.close();
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });

  /** One POST; with `giveUpMs`, the client stops waiting for the answer after that long. */
  async function post(s: Sent, giveUpMs?: number, body = s.body): Promise<Answer> {
    const abort = new AbortController();
    const t = giveUpMs === undefined ? undefined : setTimeout(() => abort.abort(), giveUpMs);
    try {
      const r = await fetch(`${base}/api/accounts/${encodeURIComponent(s.account)}/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    } catch (e) {
      if (abort.signal.aborted) return 'gave up';
      throw e;
    } finally {
      clearTimeout(t);
    }
  }

  /** Sends a payment as its mode says; the answers the client saw. */
  async function send(s: Sent, rnd: () => number): Promise<Answer[]> {
    if (s.mode === 'parallel') return Promise.all(Array.from({ length: s.sends }, () => post(s)));
    const answers: Answer[] = [];
    for (let i = 0; i < s.sends; i++) {
      const last = i === s.sends - 1;
      answers.push(await post(s, s.mode === 'timeout' && !last ? 1 + rnd() * 8 : undefined));
    }
    return answers;
  }

  it('stores each payment once, and the day cycled again agrees with the ledger', async () => {
    const [live, reference] = ps as [Platform, Platform];
    const seeded = createRandom(SEED);
    const rnd = () => seeded.next();
    const accounts = (
      await live.db.query<{ external_id: string; currency: string }>(
        'SELECT external_id, currency FROM accounts ORDER BY id',
      )
    ).rows;
    const plan: Sent[] = Array.from({ length: PAYMENTS }, (_, i) => {
      const a = accounts[Math.floor(rnd() * accounts.length)]!;
      const r = rnd();
      return {
        id: `API-${SEED}-${i}`,
        account: a.external_id,
        body: {
          paymentId: `API-${SEED}-${i}`,
          // whole units: valid in every currency
          amount: String(1 + Math.floor(rnd() * 300)),
          paidOn: addDays(AS_OF, -Math.floor(rnd() * 3)),
        },
        mode: r < 0.4 ? 'parallel' : r < 0.8 ? 'timeout' : 'sequential',
        sends: 2 + Math.floor(rnd() * 2),
      };
    });
    const currency = new Map(accounts.map((a) => [a.external_id, a.currency]));

    // the day queued for a worker process; the posts begin once it is being cycled
    await enqueueCycle(live, { from: AS_OF, to: AS_OF }, 4, 'none');
    const worker = spawn(process.execPath, ['bin/recoup.mjs', 'worker', '--concurrency', '2'], {
      env: { ...process.env, RECOUP_SCHEMA: schemas[0], LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    children.push(worker);
    const t0 = Date.now();
    while ((await live.cycles.status(AS_OF))?.parts.some((x) => x.state === 'running') !== true) {
      expect(Date.now() - t0).toBeLessThan(60_000);
      await sleep(20);
    }
    const answers = new Map<string, Answer[]>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const clientSeeded = createRandom(SEED + next + 1);
        const own = () => clientSeeded.next();
        while (next < plan.length) {
          const s = plan[next++]!;
          answers.set(s.id, await send(s, own));
        }
      }),
    );
    const postedBy = Date.now();
    while ((await cycleQueued(live)) && Date.now() - t0 < 180_000) await sleep(200);
    expect(await cycleQueued(live)).toBe(false);
    const day = (await live.cycles.status(AS_OF))!;
    expect(day.state).toBe('done');
    // the posts overlapped the cycle: some payment was stored before the day was finished
    const during = await live.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM payments WHERE source = 'api' AND created_at < $1`,
      [day.finishedAt],
    );
    expect(during.rows[0]!.n).toBeGreaterThan(0);
    console.log(
      `payments during the cycle: ${during.rows[0]!.n} of ${PAYMENTS} stored before the day ` +
        `finished; posts took ${((postedBy - t0) / 1000).toFixed(1)} s`,
    );

    // every answer a client saw is the payment, created once at most
    const stats = { gaveUp: 0, created: 0, replayed: 0 };
    for (const s of plan) {
      const seen = answers.get(s.id)!;
      const got = seen.filter((x): x is Exclude<Answer, 'gave up'> => x !== 'gave up');
      stats.gaveUp += seen.length - got.length;
      expect(got.length).toBeGreaterThan(0);
      expect(got.filter((x) => x.status === 201).length).toBeLessThanOrEqual(1);
      for (const x of got) {
        expect([200, 201]).toContain(x.status);
        expect(x.json).toMatchObject({ id: s.id, paidOn: s.body.paidOn, source: 'api' });
      }
      stats.created += got.filter((x) => x.status === 201).length;
      stats.replayed += got.filter((x) => x.status === 200).length;
    }
    console.log(`payments during the cycle: answers ${JSON.stringify(stats)}`);
    expect(stats.replayed).toBeGreaterThan(PAYMENTS / 2);

    // the same id with another amount is refused, naming the field
    const reused = plan[0]!;
    const other = await post(reused, undefined, {
      ...reused.body,
      amount: String(Number(reused.body.amount) + 1),
    });
    expect(other).toMatchObject({
      status: 409,
      json: { code: 'CONFLICT', details: [{ at: 'amount' }] },
    });

    // each payment once, and the sums per account what was sent
    const stored = await live.db.query<{ external_id: string; n: number }>(
      `SELECT external_id, count(*)::int AS n FROM payments WHERE source = 'api'
       GROUP BY external_id`,
    );
    expect(stored.rows.length).toBe(PAYMENTS);
    expect(stored.rows.every((r) => r.n === 1)).toBe(true);
    const sent = new Map<string, number>();
    for (const s of plan) {
      const m = parseAmount(s.body.amount, currency.get(s.account)!);
      if (!m.ok) throw new Error(m.reason);
      sent.set(s.account, (sent.get(s.account) ?? 0) + m.minor);
    }
    const sums = await live.db.query<{ account: string; total: string }>(
      `SELECT a.external_id AS account, sum(p.amount)::text AS total
       FROM payments p JOIN accounts a ON a.id = p.account_id
       WHERE p.source = 'api' GROUP BY a.external_id`,
    );
    expect(new Map(sums.rows.map((r) => [r.account, Number(r.total)]))).toEqual(sent);

    // the reference: the same payments recorded before the day is cycled, in one process
    const clock = fixedClock(`${addDays(AS_OF, 10)}T12:00:00Z`);
    const deps = { ledger: reference.ledger, policies: reference.policies, clock };
    for (const s of plan) await recordPayment(deps, s.account, s.body);
    await runCycles(
      { cycles: reference.cycles, policies: reference.policies, clock, planner: reference.planner },
      { from: AS_OF, to: AS_OF },
    );
    const expected = await digests(reference);
    // the first run missed payments posted while it ran
    expect((await digests(live)).account_states).not.toBe(expected.account_states);

    // the day cycled again, now that the posts are in, agrees with the ledger
    await enqueueCycle(live, { from: AS_OF, to: AS_OF }, 4, 'none');
    const t1 = Date.now();
    while ((await cycleQueued(live)) && Date.now() - t1 < 180_000) await sleep(200);
    expect(await cycleQueued(live)).toBe(false);
    expect(await digests(live)).toEqual(expected);
  }, 420_000);
});
