/**
 * The `recoup` command as a user runs it, in a data folder (and, on the PostgreSQL server, a
 * schema) of the test's own, dropped after.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPlatform } from '../../src/adapters/platform.ts';

export function cliHarness(prefix: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `recoup-${prefix}-`));
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  const env = {
    ...process.env,
    RECOUP_DATA_DIR: dataDir,
    ...(process.env.DATABASE_URL ? { RECOUP_SCHEMA: schema } : {}),
  };
  const recoup = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['bin/recoup.mjs', ...args], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  /** Drops the test's schema on the PostgreSQL server (for afterAll). */
  const cleanup = async () => {
    if (!process.env.DATABASE_URL) return;
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  };
  /** The platform on the test's data, as the command sees it (close it after). */
  const open = () =>
    openPlatform({
      databaseUrl: process.env.DATABASE_URL,
      dataDir,
      timezone: 'UTC',
      schema: process.env.DATABASE_URL ? schema : undefined,
    });
  return { dataDir, schema, env, recoup, cleanup, open };
}
