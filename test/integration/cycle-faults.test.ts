/**
 * Faults during a queued daily cycle, on PostgreSQL: `recoup worker` processes killed with
 * SIGKILL at random points (seeded: the seed is printed, RECOUP_FAULT_SEED replays the delays),
 * and the database server stopped and started under running workers, which reconnect by
 * themselves. Each ends with the same digest as the same days cycled in one process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleQueued, enqueueCycle } from '../../src/adapters/cycle-runtime.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { testServer } from '../support/auth.ts';
import { digests } from '../support/cycle-digest.ts';
import { cycleInProcess, importedPortfolios } from '../support/cycle-portfolios.ts';
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres.ts';

const URL = process.env.DATABASE_URL;
/** Accounts of the kill test, and of the restart test. */
const ACCOUNTS = Number(process.env.RECOUP_FAULT_ACCOUNTS ?? 100_000);
const RESTART_ACCOUNTS = Number(process.env.RECOUP_FAULT_RESTART_ACCOUNTS ?? 30_000);
const SEED = Number(process.env.RECOUP_FAULT_SEED ?? randomInt(2 ** 31));
const FROM = '2026-06-29';
const AS_OF = '2026-06-30';
const PARTITIONS = 8;
const NO_CLUSTER = privatePostgresUnavailable();
if (URL && NO_CLUSTER)
  console.warn(`cycle-faults: the database restart test is skipped: ${NO_CLUSTER}`);

/** A small seeded generator (mulberry32): the same seed, the same delays and choices. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const portfolios = (url: string, schemas: string[], accounts: number) =>
  importedPortfolios(url, schemas, { accounts, seed: 29, asOf: AS_OF });
const cycleDirect = (p: Platform) => cycleInProcess(p, { from: FROM, to: AS_OF }, AS_OF);

/** `recoup worker` processes on a schema; their output kept to show when a test fails. */
function workers(url: string, schema: string) {
  const children: ChildProcess[] = [];
  const output: string[] = [];
  return {
    children,
    output,
    start(): ChildProcess {
      const c = spawn(process.execPath, ['bin/recoup.mjs', 'worker', '--concurrency', '1'], {
        env: { ...process.env, DATABASE_URL: url, RECOUP_SCHEMA: schema, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (b: Buffer) => {
        output.push(`[${c.pid}] ${b.toString()}`);
        if (output.length > 200) output.shift();
      };
      c.stdout!.on('data', keep);
      c.stderr!.on('data', keep);
      children.push(c);
      return c;
    },
    killAll() {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
  };
}

async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** Waits until no job of the cycle is pending or running, or `ms` passed. */
async function drained(p: Platform, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (!(await cycleQueued(p))) return true;
    await sleep(250);
  }
  return !(await cycleQueued(p));
}

/** Evidence the faults hit work: partitions done more than once, and no job given up. */
async function attempts(p: Platform) {
  const parts = await p.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM cycle_partitions WHERE attempts > 1',
  );
  const dead = await p.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM jobs WHERE kind LIKE 'cycle.%' AND state = 'dead'",
  );
  const again = await p.db.query<{ key: string; attempts: number; last_error: string | null }>(
    "SELECT key, attempts, last_error FROM jobs WHERE kind LIKE 'cycle.%' AND attempts > 1 ORDER BY id",
  );
  console.log(
    `cycle-faults: jobs tried again: ${again.rows.map((x) => `${x.key} ×${x.attempts} (${x.last_error})`).join('; ')}`,
  );
  return { redone: parts.rows[0]!.n, dead: dead.rows[0]!.n };
}

const tag = () => randomBytes(4).toString('hex');

describe.skipIf(!URL)('the queued cycle with workers killed at random points (postgres)', () => {
  const schemas = ['queued', 'direct'].map((k) => `test_fault_${k}_${tag()}`);
  let ps: Platform[] = [];
  // on a cluster of its own when it can (no other test's load or maintenance in its timings),
  // otherwise in two schemas of the server under test
  let cluster: PrivatePostgres | undefined;
  let url = URL!;
  let w: ReturnType<typeof workers>;

  beforeAll(async () => {
    const t0 = Date.now();
    if (!NO_CLUSTER) {
      cluster = await startPrivatePostgres();
      url = cluster.url;
    }
    w = workers(url, schemas[0]!);
    ps = await portfolios(url, schemas, ACCOUNTS);
    console.log(
      `cycle-faults: ${ACCOUNTS} accounts generated and imported twice in ${Date.now() - t0} ms`,
    );
  }, 600_000);
  afterAll(async () => {
    w?.killAll();
    // the cluster first: its end also ends a statement still running there
    await cluster?.destroy();
    for (const p of ps) await p.close().catch(() => {});
    if (!cluster) await dropSchemas(url, schemas);
  });

  it('ends as an uninterrupted run though workers are killed during partitions, preparations and finishes', async () => {
    const [queued, direct] = ps as [Platform, Platform];
    const rand = seeded(SEED);
    console.log(`cycle-faults: seed ${SEED} (RECOUP_FAULT_SEED=${SEED} replays the kills' delays)`);
    const t0 = Date.now();
    await enqueueCycle(queued, { from: FROM, to: AS_OF }, PARTITIONS, 'none');
    const pool = [w.start(), w.start()];
    const kills: { afterMs: number; held: string }[] = [];
    /** The cycle's jobs leased to each worker of the pool, by its index. */
    const holding = async () => {
      const r = await queued.db.query<{ key: string; locked_by: string }>(
        `SELECT key, locked_by FROM jobs WHERE state = 'running' AND kind LIKE 'cycle.%'`,
      );
      return r.rows.flatMap((x) => {
        const i = pool.findIndex((c) => x.locked_by.includes(`:${c.pid}:`));
        return i < 0 ? [] : [{ i, key: x.key }];
      });
    };
    type Held = { i: number; key: string };
    /** Polls until `find` picks one of the jobs held; null once the cycle has ended. */
    const until = async (find: (h: Held[]) => Promise<Held | undefined>) => {
      while (Date.now() - t0 < 240_000) {
        const x = await find(await holding());
        if (x) return x;
        if (!(await cycleQueued(queued))) return null;
        await sleep(10);
      }
      return null;
    };
    const kill = async (i: number, key: string) => {
      pool[i]!.kill('SIGKILL');
      kills.push({ afterMs: Date.now() - t0, held: key });
      pool[i] = w.start();
    };
    const partition = async (h: Held[]) => h.find((x) => x.key.startsWith('cycle.partition'));
    /** A preparation, or a finish of a day whose partitions are all done (not a no-op). */
    const phaseJob = async (h: Held[]) => {
      for (const x of h) {
        if (x.key.startsWith('cycle.prepare')) return x;
        const day = /^cycle\.finish:(.+)$/.exec(x.key)?.[1];
        const s = day ? await queued.cycles.status(day) : null;
        if (s && s.done === s.partitions) return x;
      }
      return undefined;
    };
    // three kills, each of a worker holding a job of the cycle: one a random time into a
    // partition, one as soon as a worker holds a preparation or a day's finish, one more at
    // random; a kill whose moment finds the partitions done is tried again at the next
    kills: for (const phase of ['partition', 'prepare-or-finish', 'partition'] as const) {
      for (;;) {
        let target: Held | undefined;
        if (phase === 'partition') {
          if (!(await until(partition))) break kills;
          await sleep(200 + Math.floor(rand() * 1500));
          const h = (await holding()).filter((x) => x.key.startsWith('cycle.partition'));
          target = h[Math.floor(rand() * h.length)];
        } else {
          target = (await until(phaseJob)) ?? undefined;
          if (!target) break kills;
        }
        if (target) {
          await kill(target.i, target.key);
          break;
        }
      }
    }
    console.log(`cycle-faults: kills ${JSON.stringify(kills)}`);
    const done = await drained(queued, 300_000 - (Date.now() - t0));
    const elapsed = Date.now() - t0;
    if (!done) console.log(w.output.join(''));
    expect(done).toBe(true);
    console.log(`cycle-faults: the queued days done in ${elapsed} ms, ${kills.length} kills`);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(kills.some((k) => /cycle\.(prepare|finish)/.test(k.held))).toBe(true);
    expect(kills.some((k) => k.held.includes('cycle.partition'))).toBe(true);
    expect(await queued.cycles.lastCycled()).toBe(AS_OF);
    const a = await attempts(queued);
    expect(a.dead).toBe(0);
    expect(a.redone).toBeGreaterThan(0);

    const t1 = Date.now();
    await cycleDirect(direct);
    console.log(`cycle-faults: the same days in one process in ${Date.now() - t1} ms`);
    expect(await digests(queued)).toEqual(await digests(direct));
  }, 600_000);
});

describe.skipIf(!URL || NO_CLUSTER)(
  'the queued cycle while the database restarts (private PostgreSQL)',
  () => {
    let cluster: PrivatePostgres | undefined;
    const schemas = ['queued', 'direct'].map((k) => `restart_${k}_${tag()}`);
    let ps: Platform[] = [];
    let w: ReturnType<typeof workers>;

    beforeAll(async () => {
      const t0 = Date.now();
      cluster = await startPrivatePostgres();
      w = workers(cluster.url, schemas[0]!);
      ps = await portfolios(cluster.url, schemas, RESTART_ACCOUNTS);
      console.log(
        `cycle-faults: a private cluster on port ${cluster.port}, ${RESTART_ACCOUNTS} accounts imported twice in ${Date.now() - t0} ms`,
      );
    }, 600_000);
    afterAll(async () => {
      w?.killAll();
      await cluster?.destroy();
      for (const p of ps) await p.close().catch(() => {});
    });

    it('workers reconnect by themselves, the API is not ready while it is down, and the days end the same', async () => {
      const [queued, direct] = ps as [Platform, Platform];
      const app = await buildServer(queued, testServer);
      const ready = async () =>
        (await app.inject({ method: 'GET', url: '/health/ready' })).statusCode;
      try {
        expect(await ready()).toBe(200);
        await enqueueCycle(queued, { from: FROM, to: AS_OF }, PARTITIONS, 'none');
        const pool = [w.start(), w.start()];
        const t0 = Date.now();
        // stopped while partitions of the first day run, once both workers have started on them
        let running = false;
        while (!running && Date.now() - t0 < 120_000) {
          const s = await queued.cycles.status();
          const by = (s?.parts ?? []).filter((x) => x.state === 'running').map((x) => x.worker);
          const seen = (c: ChildProcess) => s?.parts.some((x) => x.worker?.includes(`:${c.pid}:`));
          running = by.length > 0 && pool.every(seen);
          if (!running) await sleep(20);
        }
        expect(running).toBe(true);
        await cluster!.stop();
        const downAt = Date.now();
        expect(await ready()).toBe(503);
        await sleep(3000);
        // the workers have not exited while the database was away
        const alive = () => {
          const exits = pool.map((c) => c.exitCode ?? c.signalCode);
          if (exits.some((x) => x !== null)) console.log(w.output.join(''));
          return exits;
        };
        expect(alive()).toEqual([null, null]);
        await cluster!.start();
        console.log(`cycle-faults: the database was down for ${Date.now() - downAt} ms`);
        let back = 0;
        for (let i = 0; i < 20 && back !== 200; i++) {
          back = await ready();
          if (back !== 200) await sleep(250);
        }
        expect(back).toBe(200);
        const done = await drained(queued, 240_000);
        if (!done) console.log(w.output.join(''));
        expect(done).toBe(true);
        console.log(
          `cycle-faults: the queued days done in ${Date.now() - t0} ms across the restart`,
        );
        // the same two processes did it all
        expect(alive()).toEqual([null, null]);
        expect(w.children).toHaveLength(2);
        expect(await queued.cycles.lastCycled()).toBe(AS_OF);
        const a = await attempts(queued);
        expect(a.dead).toBe(0);
        expect(a.redone).toBeGreaterThan(0);
        await cycleDirect(direct);
        expect(await digests(queued)).toEqual(await digests(direct));
      } finally {
        await app.close();
      }
    }, 600_000);
  },
);
