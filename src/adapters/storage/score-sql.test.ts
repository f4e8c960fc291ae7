import { describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_POLICY } from '../../domain/ledger/policy.ts';
import type { ScorecardModel } from '../../domain/scoring/model.ts';
import { tinyScorecard } from '../../../test/support/scorecard.ts';
import {
  behaviourFeaturesStatements,
  binCodeExpr,
  binCodeStrides,
  binsOfCode,
} from './score-sql.ts';

describe('behaviour characteristics', () => {
  const all = behaviourFeaturesStatements('st', DEFAULT_LEDGER_POLICY, 'f');

  it('computes every part for all characteristics', () => {
    for (const part of ['inst', 'pay', 'tr', 'ct', 'bp'])
      expect(all.some((s) => s.sql.startsWith(`CREATE TEMP TABLE f_${part} `))).toBe(true);
  });

  it('computes only the parts the characteristics asked for read', () => {
    const some = behaviourFeaturesStatements('st', DEFAULT_LEDGER_POLICY, 'f', [
      'past_due_days',
      'payments_90d',
    ]);
    const created = some.filter((s) => s.sql.startsWith('CREATE')).map((s) => s.sql.split(' ')[3]);
    expect(created).toEqual(['f_pay', 'f']);
    const last = some.filter((s) => s.sql.startsWith('CREATE')).at(-1)!;
    expect(last.sql).toContain('AS payments_90d');
    expect(last.sql).not.toContain('AS product');
    expect(last.sql).not.toContain('JOIN accounts');
    // nothing in it reads the day: no parameter
    expect(last.params).toBe(false);
    // contacts are per customer: the accounts table comes with them
    const contacts = behaviourFeaturesStatements('st', DEFAULT_LEDGER_POLICY, 'f', [
      'contacts_90d',
    ]);
    expect(contacts.at(-1)!.sql).toContain('JOIN accounts a');
  });

  it('keeps state columns and the columns asked for in place of the characteristics', () => {
    const shaped = behaviourFeaturesStatements(
      'st',
      DEFAULT_LEDGER_POLICY,
      'f',
      ['past_due_days', 'payments_90d'],
      {
        state: ['past_due_days', 'bucket'],
        outer: 'f.account_id, f.bucket, f.past_due_days + f.payments_90d AS x',
      },
    );
    const sql = shaped.at(-1)!.sql;
    expect(sql).toMatch(
      /^CREATE TEMP TABLE f ON COMMIT DROP AS\nSELECT f\.account_id, f\.bucket, f\.past_due_days \+ f\.payments_90d AS x FROM \(/,
    );
    expect(sql).toContain('SELECT s.account_id, s.past_due_days, s.bucket,');
    // the characteristic of a state column's name is that column, not a second one
    expect(sql).not.toContain('AS past_due_days');
    expect(sql).toMatch(/OFFSET 0\) f$/);
  });

  it('refuses a characteristic it does not know', () => {
    expect(() =>
      behaviourFeaturesStatements('st', DEFAULT_LEDGER_POLICY, 'f', ['shoe_size']),
    ).toThrow(/unknown characteristics: shoe_size/);
  });
});

describe('bin codes', () => {
  const model = tinyScorecard();

  it('packs one bin per characteristic into a code and back', () => {
    const strides = binCodeStrides(model)!;
    expect(strides[0]).toBe(1);
    const sizes = model.characteristics.map((c) => c.bins.length);
    const last = sizes.map((n) => n - 1);
    const code = last.reduce((t, b, k) => t + b * strides[k]!, 0);
    expect(binsOfCode(model, strides, code)).toEqual(last);
    expect(binsOfCode(model, strides, 0)).toEqual(sizes.map(() => 0));
    expect(binCodeExpr(model, 'f')).toMatch(/^\(CASE WHEN f\."/);
  });

  it('has no code for a model with more combinations than a double holds exactly', () => {
    const wide: ScorecardModel = {
      ...model,
      characteristics: Array.from({ length: 17 }, (_, i) => ({
        ...model.characteristics[0]!,
        name: `c${i}`,
        bins: Array.from({ length: 10 }, () => model.characteristics[0]!.bins[0]!),
      })),
    };
    expect(binCodeStrides(wide)).toBeNull();
    expect(() => binCodeExpr(wide, 'f')).toThrow(/too many bins/);
  });
});
