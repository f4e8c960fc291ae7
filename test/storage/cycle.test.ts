/** The daily cycle: recorded states, transitions and snapshots; idempotent; replays in order. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

/** One loan account: 3 monthly instalments of 100.00, the first paid, the second never. */
const FILES = {
  'customers.csv': csv(
    'customer_id,name,timezone,language,jurisdiction',
    'C1,Ann Lee,America/New_York,en,US',
    'C2,王伟,Asia/Shanghai,zh-CN,CN',
  ),
  'accounts.csv': csv(
    'account_id,customer_id,product,currency,principal,opened_on,grace_days',
    'A1,C1,loan,USD,300.00,2026-01-01,',
    'A2,C2,card,CNY,50.00,2026-01-15,',
    'A3,C2,invoice,CNY,80.00,2026-04-01,',
  ),
  'instalments.csv': csv(
    'account_id,seq,due_date,principal_due,interest_due,fees_due',
    'A1,1,2026-02-01,90.00,10.00,0',
    'A1,2,2026-03-01,90.00,10.00,0',
    'A1,3,2026-04-01,90.00,10.00,0',
    'A2,1,2026-02-15,50.00,0,0',
    'A3,1,2026-04-10,80.00,0,0',
  ),
  'payments.csv': csv(
    'payment_id,account_id,paid_on,amount',
    'P1,A1,2026-02-01,100.00',
    'P2,A2,2026-03-20,50.00',
  ),
  'holds.csv': csv('account_id,kind,from,to', 'A1,dispute,2026-03-10,2026-03-14'),
};

async function digest(p: Platform): Promise<string> {
  const parts = await Promise.all([
    p.db.query(
      'SELECT a.external_id, s.* FROM account_states s JOIN accounts a ON a.id = s.account_id ORDER BY 1',
    ),
    p.db.query(
      'SELECT a.external_id, t.on_date, t.from_bucket, t.to_bucket FROM bucket_transitions t JOIN accounts a ON a.id = t.account_id ORDER BY 1, 2',
    ),
    p.db.query('SELECT * FROM portfolio_snapshots ORDER BY as_of, product, currency, bucket'),
    p.db.query('SELECT as_of, accounts, transitions FROM cycle_runs ORDER BY as_of'),
  ]);
  return createHash('sha256')
    .update(JSON.stringify(parts.map((r) => r.rows.map((x) => ({ ...x, account_id: undefined })))))
    .digest('hex');
}

describe(`daily cycle (${ENGINE})`, () => {
  let p: Platform;
  const deps = () => ({
    cycles: p.cycles,
    policies: p.policies,
    clock: fixedClock('2026-06-01T00:00:00Z'),
  });

  beforeAll(async () => {
    p = await openTestPlatform();
    const r = await importPortfolio(new CsvFolderSource(folderWith(FILES)), p.imports);
    expect(r.status).toBe('imported');
  });
  afterAll(async () => {
    await p?.close();
  });

  it('records states, transitions and snapshots for a range of days', async () => {
    await runCycles(deps(), { from: '2026-02-25', to: '2026-04-05' });
    const a1 = await p.ledger.account('A1');
    // A1: instalment 2 (due 03-01) unpaid; 35 days in (03-01, 04-05], 4 of them held (03-10, 03-14].
    expect(a1!.state).toMatchObject({
      asOf: '2026-04-05',
      pastDueDays: 35,
      delinquentDays: 31,
      bucket: 'M2',
    });
    // Instalments 2 and 3 (100.00 each) are both past due on 04-05.
    expect(a1!.state!.arrears).toBe(20000);
    expect(a1!.transitions).toEqual([
      { date: '2026-02-25', from: null, to: 'current' },
      { date: '2026-03-02', from: 'current', to: 'M1' },
      // 31 delinquent days (M2 starts at 31) are reached on 04-05: 35 days less 4 held.
      { date: '2026-04-05', from: 'M1', to: 'M2' },
    ]);
    const a2 = await p.ledger.account('A2');
    expect(a2!.transitions).toEqual([
      { date: '2026-02-25', from: null, to: 'M1' },
      // due 02-15, card grace 0: 31 days late on 03-18; paid in full on 03-20.
      { date: '2026-03-18', from: 'M1', to: 'M2' },
      { date: '2026-03-20', from: 'M2', to: 'current' },
    ]);
    // A3 opens on 04-01: first seen that day.
    const a3 = await p.ledger.account('A3');
    expect(a3!.transitions).toEqual([{ date: '2026-04-01', from: null, to: 'current' }]);

    const snap = await p.ledger.snapshots('2026-04-05', '2026-04-05');
    expect(snap.reduce((n, r) => n + r.accounts, 0)).toBe(3);
    expect(snap.find((r) => r.product === 'loan')).toMatchObject({
      bucket: 'M2',
      accounts: 1,
      arrears: 20000,
      outstanding: 20000,
    });
    const runs = await p.cycles.runs(100);
    expect(runs).toHaveLength(40);
    expect(runs[0]!.asOf).toBe('2026-04-05');
  });

  it('changes nothing when the same day runs again', async () => {
    const before = await digest(p);
    await runCycles(deps(), { from: '2026-04-05', to: '2026-04-05' });
    await runCycles(deps(), { from: '2026-04-05', to: '2026-04-05' });
    expect(await digest(p)).toBe(before);
  });

  it('replays later days when an earlier day runs again, giving the same history', async () => {
    const before = await digest(p);
    await runCycles(deps(), { from: '2026-03-15', to: '2026-03-15' });
    expect(await p.cycles.lastCycled()).toBe('2026-04-05');
    expect(await digest(p)).toBe(before);
  });

  it('reflects a back-dated payment in every day it touches after a replay', async () => {
    await p.db.query(
      "INSERT INTO payments (external_id, account_id, paid_on, amount) SELECT 'P9', id, '2026-03-05', 20000 FROM accounts WHERE external_id = 'A1'",
    );
    await runCycles(deps(), { from: '2026-03-01', to: '2026-04-05' });
    const a1 = await p.ledger.account('A1');
    // The payment on 03-05 settles instalments 2 and 3 before they are 30 days late.
    expect(a1!.state).toMatchObject({ bucket: 'current', delinquentDays: 0, arrears: 0 });
    expect(a1!.transitions).toEqual([
      { date: '2026-02-25', from: null, to: 'current' },
      { date: '2026-03-02', from: 'current', to: 'M1' },
      { date: '2026-03-05', from: 'M1', to: 'current' },
    ]);
  });
});
