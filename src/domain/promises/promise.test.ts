import { describe, expect, it } from 'vitest';
import {
  checkNewPromise,
  DEFAULT_PROMISE_POLICY,
  evaluatePromise,
  parsePromisePolicy,
  toleranceFor,
  type PromiseTerms,
} from './promise.ts';

// 100.00 promised for the 10th, made on the 1st, 3 days of grace, 5.00 of tolerance
const P: PromiseTerms = {
  amountMinor: 10_000,
  promisedFor: '2026-03-10',
  madeOn: '2026-03-01',
  graceDays: 3,
  toleranceMinor: 500,
};
const pay = (paidOn: string, amountMinor: number) => ({ paidOn, amountMinor });

describe('evaluatePromise', () => {
  it('is open until the promised date and its grace have passed', () => {
    expect(evaluatePromise(P, [], '2026-03-05')).toEqual({
      status: 'open',
      paidMinor: 0,
      resolvedOn: null,
      late: false,
    });
    // the last day of grace: still open
    expect(evaluatePromise(P, [pay('2026-03-04', 2_000)], '2026-03-13')).toMatchObject({
      status: 'open',
      paidMinor: 2_000,
    });
  });

  it('is kept on the day the payments reach the amount less the tolerance', () => {
    const r = evaluatePromise(
      P,
      [pay('2026-03-04', 4_000), pay('2026-03-08', 5_500)],
      '2026-03-20',
    );
    expect(r).toEqual({ status: 'kept', paidMinor: 9_500, resolvedOn: '2026-03-08', late: false });
  });

  it('counts every payment of the day it was kept', () => {
    const r = evaluatePromise(
      P,
      [pay('2026-03-09', 9_600), pay('2026-03-09', 1_000), pay('2026-03-11', 300)],
      '2026-03-20',
    );
    expect(r).toEqual({ status: 'kept', paidMinor: 10_600, resolvedOn: '2026-03-09', late: false });
  });

  it('is kept late by a payment after the promised date, within the grace', () => {
    const r = evaluatePromise(P, [pay('2026-03-13', 10_000)], '2026-03-20');
    expect(r).toEqual({ status: 'kept', paidMinor: 10_000, resolvedOn: '2026-03-13', late: true });
  });

  it('is partially kept when something but not enough came within the grace', () => {
    const r = evaluatePromise(
      P,
      [pay('2026-03-10', 9_499), pay('2026-03-14', 5_000)],
      '2026-03-14',
    );
    // the payment after the grace does not count
    expect(r).toEqual({
      status: 'partially_kept',
      paidMinor: 9_499,
      resolvedOn: '2026-03-14',
      late: false,
    });
  });

  it('is broken when nothing came, known on the day after the grace', () => {
    expect(evaluatePromise(P, [], '2026-03-14')).toEqual({
      status: 'broken',
      paidMinor: 0,
      resolvedOn: '2026-03-14',
      late: false,
    });
    // payments before it was made do not count
    expect(evaluatePromise(P, [pay('2026-02-28', 10_000)], '2026-03-30').status).toBe('broken');
  });

  it('does not look at payments after today', () => {
    expect(evaluatePromise(P, [pay('2026-03-09', 10_000)], '2026-03-08').status).toBe('open');
  });

  it('with no tolerance and no grace needs the whole amount by the date', () => {
    const strict = { ...P, graceDays: 0, toleranceMinor: 0 };
    expect(evaluatePromise(strict, [pay('2026-03-10', 9_999)], '2026-03-11').status).toBe(
      'partially_kept',
    );
    expect(evaluatePromise(strict, [pay('2026-03-10', 10_000)], '2026-03-11').status).toBe('kept');
  });
});

describe('new promises', () => {
  const ctx = {
    today: '2026-03-01',
    outstandingMinor: 50_000,
    hasOpenPromise: false,
    policy: DEFAULT_PROMISE_POLICY,
  };

  it('accepts a promise within the policy', () => {
    expect(checkNewPromise({ amountMinor: 10_000, promisedFor: '2026-03-31' }, ctx)).toEqual([]);
    expect(checkNewPromise({ amountMinor: 50_000, promisedFor: '2026-03-01' }, ctx)).toEqual([]);
  });

  it('names what is wrong', () => {
    expect(checkNewPromise({ amountMinor: 0, promisedFor: '2026-02-28' }, ctx)).toEqual([
      { at: 'amount', reason: 'must be more than zero' },
      { at: 'promisedFor', reason: 'is before today (2026-03-01)' },
    ]);
    expect(
      checkNewPromise(
        { amountMinor: 50_001, promisedFor: '2026-04-01' },
        { ...ctx, hasOpenPromise: true },
      ),
    ).toEqual([
      { at: 'amount', reason: 'is more than the account owes' },
      { at: 'promisedFor', reason: 'is more than 30 days ahead' },
      { at: 'account', reason: 'already has an open promise (cancel it first)' },
    ]);
  });

  it('takes the tolerance as a share of the amount, rounded down', () => {
    expect(toleranceFor(10_000, DEFAULT_PROMISE_POLICY)).toBe(500);
    expect(toleranceFor(999, DEFAULT_PROMISE_POLICY)).toBe(49);
    expect(toleranceFor(999, { ...DEFAULT_PROMISE_POLICY, tolerancePercent: 0 })).toBe(0);
  });
});

describe('parsePromisePolicy', () => {
  it('fills in the defaults', () => {
    expect(parsePromisePolicy({ graceDays: 5 })).toEqual({
      ok: true,
      policy: { ...DEFAULT_PROMISE_POLICY, graceDays: 5 },
    });
  });

  it('names each wrong setting', () => {
    expect(parsePromisePolicy({ graceDays: -1, tolerancePercent: 2.5, colour: 'red' })).toEqual({
      ok: false,
      issues: [
        { at: 'graceDays', reason: 'must be a whole number from 0 to 30' },
        { at: 'tolerancePercent', reason: 'must be a whole number from 0 to 50' },
        { at: 'colour', reason: 'is not a promise setting' },
      ],
    });
    expect(parsePromisePolicy([])).toMatchObject({ ok: false });
  });
});
