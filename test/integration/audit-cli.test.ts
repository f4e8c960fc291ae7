/**
 * `recoup audit verify` as an administrator runs it: intact after changes made from the
 * command line, and a tampered entry (changed with the append-only trigger switched off, as
 * only the database owner could) detected at its sequence number, with exit code 1.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openPlatform } from '../../src/adapters/platform.ts';
import { cliHarness } from '../support/cli.ts';
import { ENGINE } from '../support/platform.ts';

describe(`recoup audit verify (${ENGINE})`, () => {
  const h = cliHarness('audit');
  afterAll(h.cleanup);

  it('passes on an intact log and fails on a changed or deleted entry', async () => {
    const env = { PW: 'a long enough password' };
    Object.assign(h.env, env);
    const add = h.recoup(
      'user',
      'add',
      'mia',
      '--role',
      'collector',
      '--name',
      'Mia',
      '--id',
      'collector-9',
      '--password-env',
      'PW',
    );
    expect(add.err).toBe('');
    expect(add.out).toContain('user mia (collector-9) added as collector');
    expect(h.recoup('user', 'set', 'collector-9', '--locale', 'zh-CN').code).toBe(0);
    const key = h.recoup('key', 'create', 'core banking', '--role', 'supervisor');
    expect(key.out).toMatch(/Bearer rk_/);

    const ok = h.recoup('audit', 'verify');
    expect(ok.code).toBe(0);
    // user.create, cli user add, user.update, cli user set, api_key.create, cli key create
    const head = /intact: (\d+) entries; head (\d+:[0-9a-f]{64})/.exec(ok.out);
    expect(head?.[1]).toBe('6');
    const log = h.recoup('audit', 'log', '--json', '--entity', 'user');
    const entries = log.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; before: unknown; after: { locale?: string } });
    const update = entries.find((e) => e.action === 'user.update');
    expect(update?.before).toMatchObject({ locale: 'en' });
    expect(update?.after).toMatchObject({ locale: 'zh-CN' });
    // no password in the log
    expect(log.out).not.toContain('a long enough password');

    const tamper = async (sql: string) => {
      const p = await openPlatform({
        databaseUrl: process.env.DATABASE_URL,
        dataDir: h.dataDir,
        timezone: 'UTC',
        ...(process.env.DATABASE_URL ? { schema: h.schema } : {}),
      });
      try {
        await expect(p.db.query("UPDATE audit_log SET actor = 'x' WHERE seq = 1")).rejects.toThrow(
          /append-only/,
        );
        await p.db.exec(
          `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; ${sql}; ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`,
        );
      } finally {
        await p.close();
      }
    };
    await tamper(
      `UPDATE audit_log SET after = replace(after, 'zh-CN', 'en') WHERE action = 'user.update'`,
    );
    const changed = h.recoup('audit', 'verify');
    expect(changed.code).toBe(1);
    expect(changed.out).toMatch(/BROKEN at entry 3: its content does not match its hash/);

    await tamper(
      `UPDATE audit_log SET after = replace(after, '"en"', '"zh-CN"') WHERE action = 'user.update'`,
    );
    expect(h.recoup('audit', 'verify').code).toBe(0);
    // the last entry deleted: the chain alone still holds, the noted head does not
    await tamper('DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)');
    expect(h.recoup('audit', 'verify').code).toBe(0);
    const cut = h.recoup('audit', 'verify', '--expect', head![2]!);
    expect(cut.code).toBe(1);
    expect(cut.out).toContain('is no longer in the log');
    await tamper('DELETE FROM audit_log WHERE seq = 2');
    const gap = h.recoup('audit', 'verify');
    expect(gap.code).toBe(1);
    expect(gap.out).toContain('BROKEN at entry 3: entries 2–2 are missing');
    // a dozen command-line runs and four openings of the database: minutes on a loaded machine
  }, 300_000);
});
