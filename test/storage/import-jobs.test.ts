/**
 * Imports through the job queue on the engine under test: a worker runs the queued import and
 * keeps its report; a job run again after the import committed (its worker died before saying
 * so) does not apply it again; a rejected import keeps its report; a folder the worker cannot
 * read fails the job with the reason.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enqueueImport,
  importHandlers,
  importQueued,
  importState,
  waitForImport,
} from '../../src/adapters/import-runtime.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runWorker } from '../../src/adapters/queue/pg-queue.ts';
import { importOnce } from '../../src/app/import/import-once.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';

const FILES = {
  'customers.csv': csv(
    'customer_id,name,phone,email,timezone,language,jurisdiction',
    'C1,Ann Lee,+12125550101,ann@example.com,America/New_York,en,US',
    'C2,Bo Chen,+12125550102,,America/New_York,en,US',
  ),
  'accounts.csv': csv(
    'account_id,customer_id,product,currency,principal,opened_on',
    'A1,C1,loan,USD,200.00,2026-01-01',
    'A2,C2,card,USD,50.00,2026-01-15',
  ),
  'payments.csv': csv('payment_id,account_id,paid_on,amount', 'P1,A1,2026-02-01,10.00'),
};

const count = async (p: Platform, table: string) =>
  Number((await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);

/** Runs a worker with the import handler until no import is queued. */
async function work(p: Platform): Promise<void> {
  const stop = new AbortController();
  const errors: unknown[] = [];
  const idle = setInterval(async () => {
    if (!(await importQueued(p)) || errors.length > 0) stop.abort();
  }, 50);
  await runWorker({
    queue: p.jobs,
    worker: 'test-worker',
    handlers: importHandlers(p),
    now: () => new Date(),
    concurrency: 1,
    pollMs: 20,
    signal: stop.signal,
    onError: (_job, e) => errors.push(e),
  });
  clearInterval(idle);
}

describe(`imports through the job queue (${ENGINE})`, () => {
  let p: Platform;
  beforeAll(async () => {
    p = await openTestPlatform();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('runs a queued import once, even when its job is run again after the commit', async () => {
    const folder = folderWith(FILES);
    const id = await enqueueImport(p, folder);
    expect(await importState(p, id)).toMatchObject({ state: 'waiting', attempts: 0 });
    await work(p);
    const report = await waitForImport(p, id);
    expect(report).toMatchObject({
      status: 'imported',
      files: {
        customers: { rows: 2, inserted: 2 },
        accounts: { rows: 2, inserted: 2 },
        payments: { rows: 1, inserted: 1 },
      },
    });
    expect(Object.keys(report.files)).toEqual(['customers', 'accounts', 'payments']);
    // changed since: an import applied again would put the file's product back
    await p.db.query(`UPDATE accounts SET product = 'bnpl' WHERE external_id = 'A1'`);
    // the worker died after the commit, before the job was marked done: it is run again
    await p.db.query(
      `UPDATE jobs SET state = 'pending', locked_by = NULL, locked_until = NULL WHERE key = $1`,
      [`import:${id}`],
    );
    await work(p);
    expect(await waitForImport(p, id)).toEqual(report);
    const a1 = await p.db.query<{ product: string }>(
      `SELECT product FROM accounts WHERE external_id = 'A1'`,
    );
    expect(a1.rows[0]!.product).toBe('bnpl');
    expect([await count(p, 'accounts'), await count(p, 'payments')]).toEqual([2, 1]);
    const jobs = await p.db.query<{ state: string; attempts: number }>(
      'SELECT state, attempts FROM jobs WHERE key = $1',
      [`import:${id}`],
    );
    expect(jobs.rows).toEqual([{ state: 'done', attempts: 2 }]);
  });

  it('runs the same import once when two runs of it meet', async () => {
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,timezone,language,jurisdiction',
        'C9,Cy Dee,+12125550109,,America/New_York,en,US',
      ),
    });
    const run = { id: 'same-import', folder };
    const both = await Promise.all([
      importOnce(new CsvFolderSource(folder), p.imports, run),
      importOnce(new CsvFolderSource(folder), p.imports, run),
    ]);
    expect(both.map((x) => x.again).sort()).toEqual([false, true]);
    expect(both[0]!.report).toEqual(both[1]!.report);
    expect(both[0]!.report.files.customers).toMatchObject({ inserted: 1 });
  });

  it('keeps the report of a rejected import, which wrote nothing', async () => {
    const before = await count(p, 'customers');
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,timezone,language,jurisdiction',
        'C7,Di Eve,+12125550107,,Mars/Olympus,en,US',
      ),
    });
    const id = await enqueueImport(p, folder);
    await work(p);
    const report = await waitForImport(p, id);
    expect(report.status).toBe('rejected');
    expect(report.errors[0]).toMatchObject({ file: 'customers.csv', line: 2, column: 'timezone' });
    expect(await count(p, 'customers')).toBe(before);
  });

  it('fails the job of a folder the worker cannot read, with the reason', async () => {
    const id = await enqueueImport(p, join(folderWith({}), 'missing'));
    await work(p);
    const s = await importState(p, id);
    expect(s).toMatchObject({ state: 'waiting', attempts: 1 });
    expect(s.state === 'waiting' && s.lastError).toContain('cannot be read by this worker');
    await p.db.query(`UPDATE jobs SET state = 'dead' WHERE key = $1`, [`import:${id}`]);
    await expect(waitForImport(p, id)).rejects.toThrow(/cannot be read by this worker/);
  });
});
