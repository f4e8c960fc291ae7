import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_SCHEME,
  assessRow,
  assessmentTable,
  attainment,
  gradeFor,
  leaderboard,
  roundPoints,
  validateScheme,
  type AssessmentRow,
  type Targets,
} from './assessment.ts';
import type { Kpis } from './kpis.ts';

// EXAMPLE_SCHEME: contact 20, kept 30, cure 20, collected (CNY) 20, complaints 10 (lower is
// better); cap 150 %; A ≥ 110, B ≥ 100, C ≥ 90, D ≥ 75, else E.
const targets: Targets = {
  contactRate: 0.2,
  keptRate: 0.6,
  cureRate: 0.2,
  collected: 100_000,
  complaints: 2,
};

const ann: Kpis = {
  id: 'ann',
  contactRate: 0.25,
  promiseRate: 0.4,
  keptRate: 0.75,
  cureRate: 0.25,
  collected: { CNY: 123_456 },
  complaints: 1,
  complianceBlocks: 2,
};

const bob: Kpis = {
  id: 'bob',
  contactRate: 0.1,
  promiseRate: 0.1,
  keptRate: null,
  cureRate: 0.1,
  collected: { CNY: 10_000, USD: 500 },
  complaints: 0,
  complianceBlocks: 0,
};

describe('attainment', () => {
  it('is actual / target when higher is better, capped', () => {
    expect(attainment(0.25, 0.2, 'higher', 1.5)).toBe(1.25); // 0.25 / 0.2
    expect(attainment(0.5, 0.2, 'higher', 1.5)).toBe(1.5); // 2.5 capped at 1.5
    expect(attainment(0, 0, 'higher', 1.5)).toBe(1.5); // a zero target is met by anything
  });

  it('is target / actual when lower is better; actual 0 earns the full cap', () => {
    expect(attainment(4, 2, 'lower', 1.5)).toBe(0.5); // 2 / 4
    expect(attainment(1, 2, 'lower', 1.5)).toBe(1.5); // 2 / 1 = 2 capped at 1.5
    expect(attainment(0, 2, 'lower', 1.5)).toBe(1.5); // nothing to reduce: the cap
    expect(attainment(3, 0, 'lower', 1.5)).toBe(0); // target 0, actual 3: 0 / 3
  });
});

describe('roundPoints', () => {
  it('rounds half up to 0.01', () => {
    expect(roundPoints(12.345)).toBe(12.35); // half: up (12.345 × 100 is 1234.4999… in binary)
    expect(roundPoints(12.3449)).toBe(12.34);
    expect(roundPoints(24.6912)).toBe(24.69);
    expect(roundPoints(2.855)).toBe(2.86);
  });
});

describe('assessRow', () => {
  it('Ann: every KPI in, hand-computed', () => {
    const row = assessRow(ann, targets, EXAMPLE_SCHEME);
    // contact 0.25 / 0.2 = 1.25 → 20 × 1.25 = 25.00
    expect(row.kpis.contactRate).toEqual({
      actual: 0.25,
      target: 0.2,
      attainment: 1.25,
      weight: 20,
      points: 25,
    });
    // kept 0.75 / 0.6 = 1.25 → 30 × 1.25 = 37.50
    expect(row.kpis.keptRate.points).toBe(37.5);
    // cure 0.25 / 0.2 = 1.25 → 20 × 1.25 = 25.00
    expect(row.kpis.cureRate.points).toBe(25);
    // collected 123,456 / 100,000 = 1.23456 → 20 × 1.23456 = 24.6912 → 24.69
    expect(row.kpis.collected.attainment).toBeCloseTo(1.23456, 12);
    expect(row.kpis.collected.points).toBe(24.69);
    // complaints (lower) 2 / 1 = 2, capped at 1.5 → 10 × 1.5 = 15.00
    expect(row.kpis.complaints.attainment).toBe(1.5);
    expect(row.kpis.complaints.points).toBe(15);
    // promise rate has no weight: shown, not counted
    expect(row.kpis.promiseRate).toEqual({
      actual: 0.4,
      target: null,
      attainment: null,
      weight: 0,
      points: 0,
    });
    // 25 + 37.5 + 25 + 24.69 + 15 = 127.19 ≥ 110 → A
    expect(row.score).toBe(127.19);
    expect(row.grade).toBe('A');
    expect(row.collected).toBe(123_456);
  });

  it('Bob: a null actual is left out and the other weights renormalised', () => {
    const row = assessRow(bob, targets, EXAMPLE_SCHEME);
    // kept rate is null (nothing due): out. Weights still in: 20 + 20 + 20 + 10 = 70.
    expect(row.kpis.keptRate.attainment).toBeNull();
    expect(row.kpis.keptRate.weight).toBe(0);
    // contact: weight 20 × 100 / 70 = 28.5714…; attainment 0.1 / 0.2 = 0.5 → 14.2857… → 14.29
    expect(row.kpis.contactRate.weight).toBeCloseTo(28.571428571, 8);
    expect(row.kpis.contactRate.points).toBe(14.29);
    // cure: the same, 14.29
    expect(row.kpis.cureRate.points).toBe(14.29);
    // collected: 10,000 / 100,000 = 0.1 → 28.5714… × 0.1 = 2.857… → 2.86 (USD ignored)
    expect(row.kpis.collected.points).toBe(2.86);
    // complaints: 0 → the cap 1.5; weight 10 × 100 / 70 = 14.2857… × 1.5 = 21.428… → 21.43
    expect(row.kpis.complaints.points).toBe(21.43);
    // 14.29 + 14.29 + 2.86 + 21.43 = 52.87 < 75 → E
    expect(row.score).toBe(52.87);
    expect(row.grade).toBe('E');
  });

  it('a KPI without a target is left out too', () => {
    const { complaints: _omit, ...noComplaints } = targets;
    const row = assessRow(ann, noComplaints, EXAMPLE_SCHEME);
    // weights in: 20 + 30 + 20 + 20 = 90; each × 100 / 90
    // contact 22.22… × 1.25 = 27.777… → 27.78; kept 33.33… × 1.25 = 41.666… → 41.67;
    // cure 27.78; collected 22.22… × 1.23456 = 27.434666… → 27.43
    // 27.78 + 41.67 + 27.78 + 27.43 = 124.66
    expect(row.score).toBe(124.66);
    expect(row.kpis.complaints.attainment).toBeNull();
  });

  it('with nothing left to count, score and grade are null', () => {
    const row = assessRow(ann, {}, EXAMPLE_SCHEME);
    expect(row.score).toBeNull();
    expect(row.grade).toBeNull();
  });
});

describe('gradeFor', () => {
  it.each([
    [150, 'A'],
    [110, 'A'], // at the minimum: in the band
    [109.99, 'B'],
    [100, 'B'],
    [90, 'C'],
    [75, 'D'],
    [74.99, 'E'],
    [0, 'E'],
  ])('%d → %s', (score, grade) => {
    expect(gradeFor(score, EXAMPLE_SCHEME)).toBe(grade);
  });
});

describe('assessmentTable', () => {
  it('returns one row per collector in input order', () => {
    const table = assessmentTable([ann, bob], targets, EXAMPLE_SCHEME);
    expect(table.map((r) => [r.id, r.score, r.grade])).toEqual([
      ['ann', 127.19, 'A'],
      ['bob', 52.87, 'E'],
    ]);
  });
});

describe('leaderboard', () => {
  const row = (id: string, score: number | null, collected: number): AssessmentRow => ({
    id,
    kpis: {} as AssessmentRow['kpis'],
    collected,
    score,
    grade: null,
  });

  it('ranks by score, then amount, then id; exact ties share a rank (1, 2, 2, 4)', () => {
    const ranked = leaderboard([
      row('d', 100, 300),
      row('b', 100, 500),
      row('e', null, 900),
      row('c', 120, 0),
      row('a', 100, 500),
    ]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([
      ['c', 1], // highest score
      ['a', 2], // 100 and 500: tied with b, listed first by id
      ['b', 2],
      ['d', 4], // 100 but less collected; two rows ahead share rank 2 → 4
      ['e', 5], // no score: last
    ]);
  });
});

describe('validateScheme', () => {
  it('accepts the example scheme', () => {
    expect(validateScheme(EXAMPLE_SCHEME)).toEqual([]);
  });

  it('names each wrong field', () => {
    const problems = validateScheme({
      weights: { contactRate: 10.5, keptRate: 50, speed: 10 },
      directions: { contactRate: 'up' },
      capPercent: 90,
      bands: [
        { grade: 'A', minScore: 100 },
        { grade: '', minScore: 100 },
      ],
      fallbackGrade: '',
      currency: 'XYZ',
    });
    expect(problems).toEqual([
      'weights.contactRate: must be a non-negative integer',
      'directions.keptRate: must be "higher" or "lower"',
      'weights.speed: unknown KPI (one of contactRate, promiseRate, keptRate, cureRate, collected, complaints, complianceBlocks)',
      'weights: must sum to 100 (they sum to 50)',
      'capPercent: must be a number of at least 100',
      'bands[1].grade: must be a non-empty string',
      'bands[1].minScore: must be below the band before it (100)',
      'fallbackGrade: must be a non-empty string',
      'currency: must be an ISO 4217 code',
    ]);
  });

  it('rejects what is not an object', () => {
    expect(validateScheme(null)).toEqual(['scheme: must be an object']);
    expect(validateScheme({})).toContain('weights: must be an object of KPI weights');
  });
});
