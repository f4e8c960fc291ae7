import { describe, expect, it } from 'vitest';
import {
  courseStatus,
  expiryDate,
  mayTakeCalls,
  trainingStatus,
  type Completion,
  type Course,
} from './status.ts';

const fdcpa: Course = { id: 'fdcpa', compliance: true, validityMonths: 12 };
const privacy: Course = { id: 'privacy', compliance: true, validityMonths: 1 };
const negotiation: Course = { id: 'negotiation', compliance: false, validityMonths: null };
const courses = [fdcpa, privacy, negotiation];

const done = (collectorId: string, courseId: string, completedOn: string): Completion => ({
  collectorId,
  courseId,
  completedOn,
});

const completions = [
  done('ann', 'fdcpa', '2025-06-15'), // expires 2026-06-15
  done('ann', 'privacy', '2025-12-01'), // superseded by the later one
  done('ann', 'privacy', '2026-01-31'), // expires 2026-02-28 (end-of-month rule)
  done('bob', 'fdcpa', '2026-03-05'), // after the days below: not known yet
  done('bob', 'negotiation', '2020-01-01'), // never expires
];

describe('expiryDate', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'], // no 31 February: the month's last day
    ['2024-01-31', 1, '2024-02-29'], // leap year
    ['2026-03-31', 1, '2026-04-30'],
    ['2025-06-15', 12, '2026-06-15'],
    ['2024-02-29', 12, '2025-02-28'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(expiryDate(from, months)).toBe(expected);
  });

  it('is null for a course that never expires', () => {
    expect(expiryDate('2020-01-01', null)).toBeNull();
  });
});

describe('courseStatus', () => {
  it('takes the latest completion; expiring within 30 days', () => {
    // 2026-02-10 → 2026-02-28 is 18 days ≤ 30: expiring
    expect(courseStatus('ann', privacy, completions, '2026-02-10')).toEqual({
      courseId: 'privacy',
      status: 'expiring',
      completedOn: '2026-01-31',
      expiresOn: '2026-02-28',
    });
    // 2026-02-10 → 2026-06-15: 18 (Feb) + 31 + 30 + 31 + 15 = 125 days: valid
    expect(courseStatus('ann', fdcpa, completions, '2026-02-10').status).toBe('valid');
  });

  it('is valid through the expiry day and expired the day after', () => {
    expect(courseStatus('ann', privacy, completions, '2026-02-28').status).toBe('expiring');
    expect(courseStatus('ann', privacy, completions, '2026-03-01').status).toBe('expired');
  });

  it('expiring starts exactly N days before expiry', () => {
    // 2026-05-16 → 2026-06-15 = 15 (May 16..31) + 15 = 30 days: expiring; a day earlier 31: valid
    expect(courseStatus('ann', fdcpa, completions, '2026-05-16', 30).status).toBe('expiring');
    expect(courseStatus('ann', fdcpa, completions, '2026-05-15', 30).status).toBe('valid');
    expect(courseStatus('ann', fdcpa, completions, '2026-05-15', 31).status).toBe('expiring');
  });

  it('ignores completions dated after the day', () => {
    expect(courseStatus('bob', fdcpa, completions, '2026-03-01').status).toBe('missing');
    expect(courseStatus('bob', fdcpa, completions, '2026-03-05').status).toBe('valid');
  });

  it('a course without validity stays valid', () => {
    expect(courseStatus('bob', negotiation, completions, '2099-12-31')).toEqual({
      courseId: 'negotiation',
      status: 'valid',
      completedOn: '2020-01-01',
      expiresOn: null,
    });
  });
});

describe('trainingStatus', () => {
  it('lists every course in order', () => {
    expect(trainingStatus('ann', courses, completions, '2026-03-01').map((s) => s.status)).toEqual([
      'valid',
      'expired',
      'missing',
    ]);
  });
});

describe('mayTakeCalls', () => {
  it('allows a collector whose compliance courses are valid or expiring', () => {
    expect(mayTakeCalls('ann', courses, completions, '2026-02-28')).toEqual({ allowed: true });
  });

  it('blocks on an expired compliance course, naming it', () => {
    const p = mayTakeCalls('ann', courses, completions, '2026-03-01');
    expect(p.allowed).toBe(false);
    if (p.allowed) return;
    expect(p.reason).toBe('compliance course privacy expired on 2026-02-28');
    expect(p.blocking.map((s) => s.courseId)).toEqual(['privacy']);
  });

  it('blocks on missing compliance courses but not on a missing optional one', () => {
    const p = mayTakeCalls('bob', courses, completions, '2026-03-01');
    expect(p).toMatchObject({
      allowed: false,
      reason: 'compliance course fdcpa not completed; compliance course privacy not completed',
    });
    // Carl has the compliance courses and not negotiation: allowed
    const carl = [done('carl', 'fdcpa', '2026-01-01'), done('carl', 'privacy', '2026-02-15')];
    expect(mayTakeCalls('carl', courses, carl, '2026-03-01')).toEqual({ allowed: true });
  });
});
