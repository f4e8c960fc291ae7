/**
 * The set-based state query must agree with the domain's delinquency rules on every account.
 * A generated portfolio is imported, then for several dates and two policies the state of every
 * account is computed both ways and compared field by field.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import type { AccountStateRow } from '../../src/app/export/ports.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { delinquencyState } from '../../src/domain/ledger/delinquency.ts';
import {
  DEFAULT_LEDGER_POLICY,
  DEFAULT_PRODUCT_POLICY,
  type LedgerPolicy,
} from '../../src/domain/ledger/policy.ts';
import type { AccountLedger, HoldKind, Product } from '../../src/domain/ledger/types.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-30';

/** Every rule on: tolerance, grace, unusual ranges and a principal-first waterfall. */
const STRICT_POLICY: LedgerPolicy = {
  ...DEFAULT_LEDGER_POLICY,
  loan: { ...DEFAULT_PRODUCT_POLICY, arrearsTolerance: 1500, graceDays: 4 },
  card: {
    waterfall: ['principal', 'interest', 'fees'],
    arrearsTolerance: 200,
    graceDays: 2,
    buckets: [
      { name: 'ok', min: 0, max: 0 },
      { name: 'early', min: 1, max: 10 },
      { name: 'late', min: 11, max: 45 },
      { name: 'lost', min: 46, max: null },
    ],
  },
};

async function loadLedgers(p: Platform): Promise<Map<string, AccountLedger>> {
  const ledgers = new Map<string, AccountLedger>();
  const accounts = await p.db.query<{
    external_id: string;
    product: Product;
    currency: string;
    grace_days: number | null;
    opened_on: string;
  }>('SELECT external_id, product, currency, grace_days, opened_on FROM accounts');
  for (const a of accounts.rows) {
    ledgers.set(a.external_id, {
      product: a.product,
      currency: a.currency,
      graceDays: a.grace_days,
      instalments: [],
      payments: [],
      holds: [],
    });
  }
  const get = (id: string) => ledgers.get(id)!;
  const inst = await p.db.query<{
    a: string;
    seq: number;
    due_date: string;
    principal_due: number;
    interest_due: number;
    fees_due: number;
  }>('SELECT a.external_id AS a, i.* FROM instalments i JOIN accounts a ON a.id = i.account_id');
  for (const i of inst.rows) {
    (get(i.a).instalments as unknown[]).push({
      seq: i.seq,
      dueDate: i.due_date,
      principal: i.principal_due,
      interest: i.interest_due,
      fees: i.fees_due,
    });
  }
  const pays = await p.db.query<{
    a: string;
    external_id: string;
    paid_on: string;
    amount: number;
  }>(
    'SELECT a.external_id AS a, p.external_id, p.paid_on, p.amount FROM payments p JOIN accounts a ON a.id = p.account_id',
  );
  for (const x of pays.rows) {
    (get(x.a).payments as unknown[]).push({
      id: x.external_id,
      paidOn: x.paid_on,
      amount: x.amount,
    });
  }
  const holds = await p.db.query<{
    a: string;
    kind: HoldKind;
    from_date: string;
    to_date: string | null;
  }>(
    'SELECT a.external_id AS a, h.kind, h.from_date, h.to_date FROM holds h JOIN accounts a ON a.id = h.account_id',
  );
  for (const h of holds.rows) {
    (get(h.a).holds as unknown[]).push({ kind: h.kind, from: h.from_date, to: h.to_date });
  }
  return ledgers;
}

describe(`ledger state query agrees with the domain rules (${ENGINE})`, () => {
  let p: Platform;
  let ledgers: Map<string, AccountLedger>;
  let openedOn: Map<string, string>;

  beforeAll(async () => {
    p = await openTestPlatform();
    const dir = mkdtempSync(join(tmpdir(), 'recoup-gen-'));
    await runGenerate({ accounts: 1500, seed: 11, asOf: AS_OF, out: dir });
    const report = await importPortfolio(new CsvFolderSource(dir), p.imports);
    expect(report.status).toBe('imported');
    // Extra holds that overlap, start before delinquency, and stay open, on delinquent accounts.
    await p.db.query(`
      INSERT INTO holds (account_id, kind, from_date, to_date)
      SELECT id, 'other', DATE '2026-01-10' + (id % 40)::int, DATE '2026-02-20' + (id % 60)::int
      FROM accounts WHERE id % 7 = 0
      ON CONFLICT DO NOTHING`);
    await p.db.query(`
      INSERT INTO holds (account_id, kind, from_date, to_date)
      SELECT id, 'dispute', DATE '2026-05-01' + (id % 30)::int, NULL
      FROM accounts WHERE id % 11 = 0
      ON CONFLICT DO NOTHING`);
    ledgers = await loadLedgers(p);
    const r = await p.db.query<{ external_id: string; opened_on: string }>(
      'SELECT external_id, opened_on FROM accounts',
    );
    openedOn = new Map(r.rows.map((x) => [x.external_id, x.opened_on]));
  }, 180_000);

  afterAll(async () => {
    await p?.close();
  });

  const dates = [
    addDays(AS_OF, -400),
    addDays(AS_OF, -120),
    addDays(AS_OF, -31),
    AS_OF,
    '2024-02-29',
    addDays(AS_OF, 75),
  ];
  for (const [name, policy] of [
    ['default policy', DEFAULT_LEDGER_POLICY],
    ['strict policy', STRICT_POLICY],
  ] as const) {
    it.each(dates)(`every account matches as of %s (${name})`, async (asOf) => {
      const rows: AccountStateRow[] = [];
      await p.exporter.statesAsOf(asOf, policy, async (page) => void rows.push(...page));
      const expectedIds = [...openedOn].filter(([, d]) => d <= asOf).map(([id]) => id);
      expect(rows.map((r) => r.accountId).sort()).toEqual(expectedIds.sort());
      let delinquent = 0;
      for (const row of rows) {
        const d = delinquencyState(ledgers.get(row.accountId)!, asOf, policy);
        if (d.delinquentDays > 0) delinquent++;
        expect({
          id: row.accountId,
          outstanding: row.outstanding,
          arrears: row.arrears,
          pastDueDays: row.pastDueDays,
          delinquentDays: row.delinquentDays,
          bucket: row.bucket,
          nextDueDate: row.nextDueDate,
          lastPaidOn: row.lastPaidOn,
          onHold: row.onHold,
          ageing: row.ageing,
        }).toEqual({
          id: row.accountId,
          outstanding: d.outstanding,
          arrears: d.arrears,
          pastDueDays: d.pastDueDays,
          delinquentDays: d.delinquentDays,
          bucket: d.bucket,
          nextDueDate: d.nextDueDate,
          lastPaidOn: d.lastPaidOn,
          onHold: d.onHold,
          ageing: d.ageing,
        });
      }
      // The comparison is only meaningful if the portfolio has delinquent accounts then.
      if (asOf === AS_OF) expect(delinquent).toBeGreaterThan(100);
    });
  }
});
