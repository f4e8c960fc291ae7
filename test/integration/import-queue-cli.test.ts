/**
 * `recoup import --queue --no-wait` as a user runs it, on the engine under test: the import is
 * queued with its absolute path, `recoup worker --exit-when-idle` runs it, and its report is
 * kept. On the embedded engine, waiting for a queued import is refused (no worker can run
 * beside the waiting command).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../support/cli.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE } from '../support/platform.ts';

describe(`recoup import --queue (${ENGINE})`, () => {
  const { recoup, cleanup, open } = cliHarness('import_queue');
  afterAll(cleanup);

  it('queues the import for a worker, which runs it and keeps its report', async () => {
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,timezone,language,jurisdiction',
        'C1,Ann Lee,+12125550101,ann@example.com,America/New_York,en,US',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,USD,200.00,2026-01-01',
      ),
    });
    if (ENGINE === 'pglite') {
      const waiting = recoup('import', folder, '--queue');
      expect(waiting.code).toBe(1);
      expect(waiting.err).toContain('queue with --no-wait, then run recoup worker');
    }
    const queued = recoup('import', folder, '--queue', '--no-wait');
    expect(queued.code).toBe(0);
    const id = /^import (\S+) of (\S+) queued$/m.exec(queued.out);
    expect(id?.[2]).toBe(folder);
    expect(recoup('worker', '--exit-when-idle').code).toBe(0);
    const p = await open();
    try {
      const run = await p.imports.run(id![1]!);
      expect(run?.report).toMatchObject({
        status: 'imported',
        files: { customers: { inserted: 1 }, accounts: { inserted: 1 } },
      });
      const n = await p.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
      expect(n.rows[0]!.n).toBe(1);
    } finally {
      await p.close();
    }
  }, 120_000);
});
