import { describe, expect, it } from 'vitest';
import type { AssessmentRow } from '../performance/assessment.ts';
import {
  EXAMPLE_RULES,
  applyBp,
  monthlyStatement,
  statementsCsv,
  validateRules,
  type IncentiveRules,
  type Statement,
} from './statement.ts';

// EXAMPLE_RULES (CNY): M1 first 1,000,000 minor at 100 bp, above at 150 bp; M2 200 bp;
// M3+ 300 bp; bonus A 50,000, B 20,000; 10,000 per breach, capped at 1,000 bp (10 %) of gross.

const graded = (grade: string | null, score: number | null): AssessmentRow => ({
  id: 'ann',
  kpis: {} as AssessmentRow['kpis'],
  collected: 0,
  score,
  grade,
});

const sumLines = (s: Statement) => s.lines.reduce((t, l) => t + l.amount, 0);

describe('applyBp', () => {
  it('rounds half-up to the minor unit', () => {
    expect(applyBp(49, 100)).toBe(0); // 49 × 100 / 10,000 = 0.49 → 0
    expect(applyBp(50, 100)).toBe(1); // 0.50 → 1 (half goes up)
    expect(applyBp(250_025, 200)).toBe(5_001); // 50,005,000 / 10,000 = 5,000.5 → 5,001
    expect(applyBp(33_333, 300)).toBe(1_000); // 9,999,900 / 10,000 = 999.99 → 1,000
    expect(applyBp(73_501, 1_000)).toBe(7_350); // 7,350.1 → 7,350
    expect(applyBp(0, 300)).toBe(0);
  });

  it('refuses products beyond the safe integer range', () => {
    expect(() => applyBp(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
  });
});

describe('monthlyStatement', () => {
  const collected = { M1: 1_500_000, M2: 250_025, 'M3+': 33_333 };
  const breaches = [
    { id: 'B1', description: 'called after hours' },
    { id: 'B2', description: 'no disclosure' },
    { id: 'B3', description: 'third party told of debt' },
  ];

  it('the worked statement: tiers, grade bonus, capped deductions', () => {
    const s = monthlyStatement(
      'ann',
      '2026-03',
      collected,
      graded('A', 127.19),
      breaches,
      EXAMPLE_RULES,
    );
    expect(s.lines.map((l) => [l.kind, l.bucket, l.base, l.rateBp, l.amount])).toEqual([
      ['commission', 'M1', 1_000_000, 100, 10_000], // 1,000,000 × 100 / 10,000
      ['commission', 'M1', 500_000, 150, 7_500], // (1,500,000 − 1,000,000) × 150 / 10,000
      ['commission', 'M2', 250_025, 200, 5_001], // 5,000.5 → 5,001
      ['commission', 'M3+', 33_333, 300, 1_000], // 999.99 → 1,000
      ['bonus', null, null, null, 50_000], // grade A
      // gross = 10,000 + 7,500 + 5,001 + 1,000 + 50,000 = 73,501; cap 10 % = 7,350.1 → 7,350
      ['deduction', null, 10_000, null, -7_350], // 10,000 cut to the cap
      ['deduction', null, 10_000, null, 0], // cap already reached
      ['deduction', null, 10_000, null, 0],
    ]);
    expect(s.lines[0]?.tier).toEqual({ from: 0, to: 1_000_000 });
    expect(s.lines[1]?.tier).toEqual({ from: 1_000_000, to: null });
    expect(s.lines[1]?.reason).toBe('M1 above 10000.00: 5000.00 of 15000.00 at 150 bp');
    expect(s.lines[5]?.reason).toBe(
      'compliance breach B1: called after hours (capped at 1000 bp of the gross: 73.50)',
    );
    expect(s.gross).toBe(73_501);
    expect(s.deductions).toBe(7_350);
    expect(s.net).toBe(66_151); // 73,501 − 7,350
    expect(sumLines(s)).toBe(s.net); // reproducible from the lines
  });

  it('floors the net at zero when deductions exceed the gross (no cap)', () => {
    const rules: IncentiveRules = {
      ...EXAMPLE_RULES,
      deductions: { perBreach: 10_000, capBp: null },
    };
    const s = monthlyStatement(
      'bob',
      '2026-03',
      { M2: 100_000 },
      graded('C', 92),
      breaches.slice(0, 1),
      rules,
    );
    // commission 100,000 × 200 / 10,000 = 2,000; grade C: no bonus; one breach of 10,000 → 2,000
    expect(s.gross).toBe(2_000);
    expect(s.lines.at(-1)?.amount).toBe(-2_000);
    expect(s.lines.at(-1)?.reason).toContain('limited so that the net does not go below zero');
    expect(s.deductions).toBe(2_000);
    expect(s.net).toBe(0);
    expect(sumLines(s)).toBe(0);
  });

  it('deducts in full below the cap', () => {
    const oneBreach = (rules: IncentiveRules) =>
      monthlyStatement(
        'ann',
        '2026-03',
        { M1: 2_000_000 },
        graded('A', 120),
        breaches.slice(0, 1),
        rules,
      );
    const s = oneBreach(EXAMPLE_RULES);
    // 10,000 + 1,000,000 × 150 / 10,000 = 10,000 + 15,000 = 25,000; + 50,000 bonus = 75,000
    // cap 10 % = 7,500 < 10,000 → 7,500 deducted
    expect(s.gross).toBe(75_000);
    expect(s.deductions).toBe(7_500);
    expect(s.net).toBe(67_500);
    // 5,000 ≤ cap 7,500: deducted in full, no reason appended; 75,000 − 5,000 = 70,000
    const t = oneBreach({ ...EXAMPLE_RULES, deductions: { perBreach: 5_000, capBp: 1_000 } });
    expect(t.net).toBe(70_000);
    expect(t.lines.at(-1)?.reason).toBe('compliance breach B1: called after hours');
  });

  it('a bucket without a rule shows a zero line; a score-based bonus takes the first step reached', () => {
    const rules: IncentiveRules = {
      ...EXAMPLE_RULES,
      bonus: {
        basis: 'score',
        steps: [
          { minScore: 110, amount: 30_000 },
          { minScore: 100, amount: 10_000 },
        ],
      },
    };
    const s = monthlyStatement(
      'cy',
      '2026-03',
      { M1: 100, legal: 9_999 },
      graded('B', 104.5),
      [],
      rules,
    );
    expect(s.lines).toEqual([
      {
        kind: 'commission',
        bucket: 'M1',
        tier: { from: 0, to: 1_000_000 },
        base: 100,
        rateBp: 100,
        amount: 1, // 100 × 100 / 10,000 = 1
        reason: 'M1 0.00 to 10000.00: 1.00 of 1.00 at 100 bp',
      },
      {
        kind: 'commission',
        bucket: 'legal',
        tier: null,
        base: 9_999,
        rateBp: 0,
        amount: 0,
        reason: 'no commission rule for bucket legal',
      },
      {
        kind: 'bonus',
        bucket: null,
        tier: null,
        base: null,
        rateBp: null,
        amount: 10_000, // 104.5 ≥ 100 but < 110
        reason: 'score 104.5 at or above 100',
      },
    ]);
    expect(s.net).toBe(10_001);
  });
});

describe('statementsCsv', () => {
  it('writes one row per line in major units, quoting commas and quotes', () => {
    const s = monthlyStatement(
      'ann',
      '2026-03',
      { M1: 1_500_000 },
      graded('B', 101),
      [{ id: 'B1', description: 'called at 21:30, "after hours"' }],
      EXAMPLE_RULES,
    );
    // 10,000 + 7,500 + 20,000 (B) = 37,500; cap 3,750 → −3,750; net 33,750
    expect(statementsCsv([s])).toBe(
      [
        'collector,period,currency,kind,bucket,tier,base,rate_bp,amount,reason',
        'ann,2026-03,CNY,commission,M1,0.00-10000.00,10000.00,100,100.00,M1 0.00 to 10000.00: 10000.00 of 15000.00 at 100 bp',
        'ann,2026-03,CNY,commission,M1,10000.00+,5000.00,150,75.00,M1 above 10000.00: 5000.00 of 15000.00 at 150 bp',
        'ann,2026-03,CNY,bonus,,,,,200.00,grade B',
        'ann,2026-03,CNY,deduction,,,100.00,,-37.50,"compliance breach B1: called at 21:30, ""after hours"" (capped at 1000 bp of the gross: 37.50)"',
        '',
      ].join('\n'),
    );
  });

  it('uses the currency exponent (JPY has none)', () => {
    const s = monthlyStatement('ken', '2026-03', { M2: 12_345 }, null, [], {
      ...EXAMPLE_RULES,
      currency: 'JPY',
    });
    // 12,345 × 200 / 10,000 = 246.9 → 247 yen
    expect(statementsCsv([s]).split('\n')[1]).toBe(
      'ken,2026-03,JPY,commission,M2,0+,12345,200,247,M2 above 0: 12345 of 12345 at 200 bp',
    );
  });
});

describe('validateRules', () => {
  it('accepts the example rules', () => {
    expect(validateRules(EXAMPLE_RULES)).toEqual([]);
  });

  it('names each wrong field', () => {
    expect(
      validateRules({
        currency: 'XYZ',
        commission: [
          {
            bucket: 'M1',
            tiers: [
              { upTo: 1_000, rateBp: 100 },
              { upTo: 500, rateBp: 20_000 },
              { upTo: 900, rateBp: 1.5 },
            ],
          },
          { bucket: 'M1', tiers: [] },
        ],
        bonus: { basis: 'grade', amounts: { A: -1 } },
        deductions: { perBreach: 2.5, capBp: 20_000 },
      }),
    ).toEqual([
      'currency: must be an ISO 4217 code',
      'commission[0].tiers[1].rateBp: must be an integer from 0 to 10000 basis points',
      'commission[0].tiers[1].upTo: must be an integer of minor units above 1000',
      'commission[0].tiers[2].rateBp: must be an integer from 0 to 10000 basis points',
      'commission[0].tiers[2].upTo: the last tier must be open (null)',
      'commission[1].bucket: duplicate bucket "M1"',
      'commission[1].tiers: at least one tier is needed',
      'bonus.amounts.A: must be a non-negative integer',
      'deductions.perBreach: must be a non-negative integer',
      'deductions.capBp: must be null or an integer from 0 to 10000 basis points',
    ]);
  });

  it('checks score steps and the basis', () => {
    expect(
      validateRules({
        ...EXAMPLE_RULES,
        bonus: {
          basis: 'score',
          steps: [
            { minScore: 100, amount: 1 },
            { minScore: 100, amount: 1 },
          ],
        },
      }),
    ).toEqual(['bonus.steps[1].minScore: must be a number below the step before it']);
    expect(validateRules({ ...EXAMPLE_RULES, bonus: { basis: 'mood' } })).toEqual([
      'bonus.basis: must be "grade" or "score"',
    ]);
    expect(validateRules([])).toEqual(['rules: must be an object']);
  });
});
