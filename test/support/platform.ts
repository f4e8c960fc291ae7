/**
 * Test platforms on the engine under test: the embedded engine (in memory) by default, or the
 * PostgreSQL server at DATABASE_URL, each test platform in a schema of its own, dropped after.
 * The same suites run on both: `npm test` and `DATABASE_URL=... npm test`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../../src/app/shared/clock.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';

export const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => now, set: (s) => void (now = new Date(s)) };
}

export async function openTestPlatform(clock?: Clock): Promise<Platform> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    return openPlatform({ databaseUrl: undefined, dataDir: '', timezone: 'UTC' }, clock);
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const p = await openPlatform({ databaseUrl: url, dataDir: '', timezone: 'UTC', schema }, clock);
  const close = p.close;
  p.close = async () => {
    await close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  };
  return p;
}
