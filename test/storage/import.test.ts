/** Import: validation that names file, line and column; all-or-nothing; idempotent; updates. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';

const GOOD = {
  'customers.csv': csv(
    'customer_id,name,phone,email,address,latitude,longitude,timezone,language,jurisdiction',
    'C1,Ann Lee,+12125550101,ann@example.com,"12 Main St, Apt 4",40.71280,-74.00600,America/New_York,en,US',
    'C2,王伟,+8613812345678,,上海市浦东新区,31.23040,121.47370,Asia/Shanghai,zh-CN,CN',
  ),
  'accounts.csv': csv(
    'account_id,customer_id,product,currency,principal,opened_on,grace_days',
    'A1,C1,loan,USD,1200.00,2026-01-01,3',
    'A2,C2,bnpl,CNY,400.00,2026-02-01,',
    'A3,C2,invoice,JPY,12000,2026-02-01,',
  ),
  'instalments.csv': csv(
    'account_id,seq,due_date,principal_due,interest_due,fees_due',
    'A1,1,2026-02-01,100.00,12.50,0',
    'A1,2,2026-03-01,100.00,11.50,0',
    'A2,1,2026-02-15,100.00,,',
    'A3,1,2026-03-01,12000,0,0',
  ),
  'payments.csv': csv(
    'payment_id,account_id,paid_on,amount',
    'P1,A1,2026-02-01,112.50',
    // 23:30 in New York on Feb 28 is already Mar 1 in Shanghai; A2 is a Shanghai customer's.
    'P2,A2,2026-02-28T23:30:00-05:00,50.00',
  ),
  'holds.csv': csv(
    'account_id,kind,from,to',
    'A1,hardship,2026-03-05,',
    'A2,dispute,2026-02-20,2026-03-01',
  ),
};

async function digest(p: Platform): Promise<string> {
  const tables = ['customers', 'accounts', 'instalments', 'payments', 'holds'];
  const rows = await Promise.all(tables.map((t) => p.db.query(`SELECT * FROM ${t} ORDER BY 1, 2`)));
  return createHash('sha256')
    .update(JSON.stringify(rows.map((r) => r.rows)))
    .digest('hex');
}

const importFiles = (p: Platform, files: Record<string, string>, skipBad = false) =>
  importPortfolio(new CsvFolderSource(folderWith(files)), p.imports, { skipBad });

describe(`import (${ENGINE})`, () => {
  let p: Platform;
  beforeAll(async () => {
    p = await openTestPlatform();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('imports good files and converts amounts and local dates', async () => {
    const r = await importFiles(p, GOOD);
    expect(r.status).toBe('imported');
    expect(r.errors).toEqual([]);
    expect(r.files.instalments).toMatchObject({ rows: 4, inserted: 4, updated: 0, unchanged: 0 });
    const a1 = await p.ledger.account('A1');
    expect(a1!.instalments[0]).toEqual({
      seq: 1,
      dueDate: '2026-02-01',
      principal: 10000,
      interest: 1250,
      fees: 0,
    });
    expect(a1!.graceDays).toBe(3);
    const a3 = await p.ledger.account('A3');
    expect(a3!.principal).toBe(12000); // JPY has no minor unit
    const a2 = await p.ledger.account('A2');
    expect(a2!.payments[0]).toMatchObject({ id: 'P2', paidOn: '2026-03-01', amount: 5000 });
    expect(a2!.holds[0]).toMatchObject({ kind: 'dispute', from: '2026-02-20', to: '2026-03-01' });
    const c1 = await p.ledger.customer('C1');
    expect(c1!.address).toBe('12 Main St, Apt 4');
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await digest(p);
    const r = await importFiles(p, GOOD);
    expect(r.status).toBe('imported');
    for (const f of Object.values(r.files)) expect(f).toMatchObject({ inserted: 0, updated: 0 });
    expect(await digest(p)).toBe(before);
  });

  it('updates a changed row and only that row', async () => {
    const changed = {
      ...GOOD,
      'instalments.csv': GOOD['instalments.csv'].replace(
        'A1,2,2026-03-01,100.00,11.50,0',
        'A1,2,2026-03-01,100.00,11.50,5.00',
      ),
    };
    const r = await importFiles(p, changed);
    expect(r.files.instalments).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
    expect(r.files.customers).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const a1 = await p.ledger.account('A1');
    expect(a1!.instalments[1]!.fees).toBe(500);
  });

  it('accepts files that reference stored rows only', async () => {
    const r = await importFiles(p, {
      'payments.csv': csv('payment_id,account_id,paid_on,amount', 'P3,A1,2026-03-02,50'),
    });
    expect(r.status).toBe('imported');
    expect((await p.ledger.account('A1'))!.payments.map((x) => x.id)).toEqual(['P1', 'P3']);
  });

  it('rejects bad rows with file, line, column and reason, and writes nothing', async () => {
    const before = await digest(p);
    const r = await importFiles(p, {
      'customers.csv': csv(
        'customer_id,name,timezone,language,jurisdiction',
        'C9,Bo Chen,Mars/Olympus,zh-CN,CN',
        'C10,Ok Person,Europe/London,en,UK',
        'C10,Twice,Europe/London,en,UK',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on,grace_days',
        'A9,C10,loan,XYZ,100.00,2026-01-01,',
        'A10,C404,mortgage,GBP,100.00,2026-02-30,-1',
        'A11,C10,loan,GBP,100.001,2026-01-01,',
        'A1,C1,loan,EUR,1200.00,2026-01-01,3',
        'A12,C10,card,GBP,500.00,2026-01-01,',
      ),
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due,interest_due,fees_due',
        'A12,1,2026-02-01,-5.00,0,0',
        'A404,1,2026-02-01,5.00,0,0',
        'A12,2,2026-03-01,5.00,0',
      ),
      'payments.csv': csv(
        'payment_id,account_id,paid_on,amount',
        'P1,A1,2026-13-01,0',
        'P20,A12,2026-03-01T25:00:00Z,1.00',
      ),
      'holds.csv': csv('account_id,kind,from,to', 'A12,vacation,2026-03-05,2026-03-01'),
    });
    expect(r.status).toBe('rejected');
    const at = r.errors.map((e) => `${e.file}:${e.line}:${e.column}`);
    const reasons = Object.fromEntries(
      r.errors.map((e) => [`${e.file}:${e.line}:${e.column}`, e.reason]),
    );
    expect(reasons['customers.csv:2:timezone']).toMatch(/unknown time zone "Mars\/Olympus"/);
    expect(reasons['customers.csv:4:customer_id']).toMatch(/duplicate of line 3/);
    expect(reasons['accounts.csv:2:currency']).toMatch(/unknown currency "XYZ"/);
    expect(reasons['accounts.csv:3:customer_id']).toMatch(/unknown customer "C404"/);
    expect(reasons['accounts.csv:3:product']).toMatch(/unknown product "mortgage"/);
    expect(reasons['accounts.csv:3:opened_on']).toMatch(/not a date/);
    expect(reasons['accounts.csv:3:grace_days']).toMatch(/at least 0/);
    expect(reasons['accounts.csv:4:principal']).toMatch(/more than 2 decimals/);
    expect(reasons['accounts.csv:5:currency']).toMatch(/held in USD; its currency cannot change/);
    expect(reasons['instalments.csv:2:principal_due']).toMatch(/must not be negative/);
    expect(reasons['instalments.csv:3:account_id']).toMatch(/unknown account "A404"/);
    expect(reasons['instalments.csv:4:']).toMatch(/has 5 fields; the header has 6/);
    expect(reasons['payments.csv:2:paid_on']).toMatch(/not a date/);
    expect(reasons['payments.csv:2:amount']).toMatch(/greater than zero/);
    expect(reasons['payments.csv:3:paid_on']).toMatch(/timestamp with offset/);
    expect(reasons['holds.csv:2:kind']).toMatch(/unknown hold kind "vacation"/);
    expect(reasons['holds.csv:2:to']).toMatch(/before it starts/);
    expect(at.length).toBe(new Set(at).size);
    expect(await digest(p)).toBe(before);
  });

  it('rejects a file whose header lacks a required column or has an unknown one', async () => {
    const before = await digest(p);
    const r = await importFiles(p, {
      'payments.csv': csv('payment_id,account,paid_on,amount', 'P30,A1,2026-03-01,1.00'),
    });
    expect(r.status).toBe('rejected');
    expect(r.errors).toEqual(
      expect.arrayContaining([
        {
          file: 'payments.csv',
          line: 1,
          column: 'account',
          reason: expect.stringMatching(/unknown column/),
        },
        {
          file: 'payments.csv',
          line: 1,
          column: 'account_id',
          reason: 'required column is missing',
        },
      ]),
    );
    expect(await digest(p)).toBe(before);
  });

  it('rejects an empty file and a file with an unbalanced quote', async () => {
    const r = await importFiles(p, {
      'customers.csv': '',
      'holds.csv': 'account_id,kind,from,to\nA1,"other,2026-01-01,\n',
    });
    expect(r.status).toBe('rejected');
    expect(r.errors.map((e) => e.file).sort()).toEqual(['customers.csv', 'holds.csv']);
    expect(r.errors.find((e) => e.file === 'customers.csv')!.reason).toMatch(/empty/);
  });

  it('with skipBad writes the good rows, reports the bad ones, and drops rows that depend on them', async () => {
    const r = await importFiles(
      p,
      {
        'accounts.csv': csv(
          'account_id,customer_id,product,currency,principal,opened_on,grace_days',
          'A20,C1,card,USD,10.00,2026-01-01,',
          'A21,C1,card,USD,10.00,not-a-date,',
        ),
        'instalments.csv': csv(
          'account_id,seq,due_date,principal_due',
          'A20,1,2026-02-01,10.00',
          'A21,1,2026-02-01,10.00',
        ),
      },
      true,
    );
    expect(r.status).toBe('imported_with_errors');
    expect(r.errors.map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual([
      'accounts.csv:3:opened_on',
      'instalments.csv:3:account_id',
    ]);
    expect(await p.ledger.account('A20')).not.toBeNull();
    expect(await p.ledger.account('A21')).toBeNull();
    expect(r.files.instalments).toMatchObject({ rows: 2, rejected: 1, inserted: 1 });
  });
});
