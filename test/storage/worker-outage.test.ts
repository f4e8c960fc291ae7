/**
 * The worker loop while its database does not answer: the queue on the engine under test,
 * behind a switch that makes every statement fail as a lost connection does. The worker keeps
 * running, waits longer between claims, and writes a job's outcome once the database is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/adapters/platform.ts';
import { PgJobQueue, runWorker, type Job } from '../../src/adapters/queue/pg-queue.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The platform's database, refusing every statement while `down`. */
function outage(p: Platform) {
  const state = { down: false, refused: 0 };
  const db = new Proxy(p.db, {
    get(target, key) {
      if (key !== 'query') return Reflect.get(target, key);
      return (...args: Parameters<Platform['db']['query']>) => {
        if (!state.down) return target.query(...args);
        state.refused++;
        return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
      };
    },
  });
  return { state, queue: new PgJobQueue(db) };
}

const jobState = async (p: Platform, key: string) =>
  (
    await p.db.query<{ state: string; attempts: number; last_error: string | null }>(
      'SELECT state, attempts, last_error FROM jobs WHERE key = $1',
      [key],
    )
  ).rows[0];

describe(`the worker while the database does not answer (${ENGINE})`, () => {
  let p: Platform;
  beforeAll(async () => {
    p = await openTestPlatform();
  });
  afterAll(async () => p.close());

  it('keeps claiming with a growing delay, and completes a job finished during the outage once it is back', async () => {
    const { state, queue } = outage(p);
    const errors: string[] = [];
    const ran: string[] = [];
    const stop = new AbortController();
    const handlers = {
      'test.outage': async (job: Job) => {
        ran.push(job.key!);
        // the work is done, then the database goes away before the job is marked done
        if (job.key === 'during') state.down = true;
      },
    };
    const worker = runWorker({
      queue,
      worker: 'w-outage',
      handlers,
      now: () => new Date(),
      concurrency: 1,
      pollMs: 20,
      maxBackoffMs: 200,
      leaseMs: 30_000,
      signal: stop.signal,
      onError: (job, e) => errors.push(`${job.kind}: ${(e as Error).message}`),
    });
    try {
      await p.jobs.enqueue([{ kind: 'test.outage', key: 'during', runAt: new Date() }]);
      const t0 = Date.now();
      while (!state.down && Date.now() - t0 < 10_000) await sleep(10);
      expect(state.down).toBe(true);
      // down for a second: the completion and the claims are refused, the loop goes on
      await sleep(1000);
      const refused = state.refused;
      expect(errors.some((e) => e.startsWith('test.outage: connect ECONNREFUSED'))).toBe(true);
      // retried with a growing delay (up to 200 ms here), not at every 20 ms poll
      expect(refused).toBeGreaterThan(3);
      expect(refused).toBeLessThan(40);
      expect(await jobState(p, 'during')).toMatchObject({ state: 'running', attempts: 1 });
      await p.jobs.enqueue([{ kind: 'test.outage', key: 'after', runAt: new Date() }]);
      state.down = false;
      while (ran.length < 2 && Date.now() - t0 < 10_000) await sleep(10);
      expect(ran).toEqual(['during', 'after']);
    } finally {
      state.down = false;
      stop.abort();
      await worker;
    }
    // the job done before the outage is done once, not failed and run again
    expect(await jobState(p, 'during')).toMatchObject({ state: 'done', attempts: 1 });
    expect(await jobState(p, 'after')).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('fails a job whose work the outage broke, and runs it again once the database is back', async () => {
    const { state, queue } = outage(p);
    const stop = new AbortController();
    let tries = 0;
    const worker = runWorker({
      queue,
      worker: 'w-broken',
      handlers: {
        'test.broken': async () => {
          tries++;
          if (tries === 1) {
            state.down = true;
            throw new Error('terminating connection due to administrator command');
          }
        },
      },
      now: () => new Date(),
      concurrency: 1,
      pollMs: 20,
      maxBackoffMs: 200,
      signal: stop.signal,
    });
    try {
      await p.jobs.enqueue([{ kind: 'test.broken', key: 'broken', runAt: new Date() }]);
      const t0 = Date.now();
      while (!state.down && Date.now() - t0 < 10_000) await sleep(10);
      await sleep(500);
      // the failure could not be written yet: the job is still this worker's
      expect(await jobState(p, 'broken')).toMatchObject({ state: 'running', attempts: 1 });
      state.down = false;
      // written once it is back: pending again, due after the retry delay (2 s after a first try)
      let s = await jobState(p, 'broken');
      while (s?.state === 'running' && Date.now() - t0 < 10_000) {
        await sleep(20);
        s = await jobState(p, 'broken');
      }
      expect(s).toMatchObject({
        state: 'pending',
        last_error: 'terminating connection due to administrator command',
      });
      while (tries < 2 && Date.now() - t0 < 15_000) await sleep(50);
      expect(tries).toBe(2);
    } finally {
      state.down = false;
      stop.abort();
      await worker;
    }
    expect(await jobState(p, 'broken')).toMatchObject({ state: 'done', attempts: 2 });
  }, 30_000);
});
