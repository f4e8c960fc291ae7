import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN_POLICY, type PlanPolicy } from '../plans/policy.ts';
import {
  candidateOptions,
  inconvenientOutside,
  optionTerms,
  paymentIntentIssues,
  selfServiceIssues,
  selfServiceLimits,
  statementIssues,
} from './offer.ts';

describe('what the self-service page offers', () => {
  it('takes the tightest limit of every role, with no discount', () => {
    expect(selfServiceLimits(DEFAULT_PLAN_POLICY)).toEqual({
      maxDiscountPercent: 0,
      maxTermDays: 366,
      minPaymentPercent: 5,
      maxDeferralDays: 31,
    });
    const none: PlanPolicy = { ...DEFAULT_PLAN_POLICY, limits: {} };
    expect(selfServiceLimits(none)).toBeNull();
    const open: PlanPolicy = {
      ...DEFAULT_PLAN_POLICY,
      limits: { administrator: DEFAULT_PLAN_POLICY.limits.administrator! },
    };
    expect(selfServiceLimits(open)).toEqual({
      maxDiscountPercent: 0,
      maxTermDays: null,
      minPaymentPercent: null,
      maxDeferralDays: null,
    });
  });

  it('offers instalments over arrears and deferrals within the deferral limit, nothing with a plan open', () => {
    const limits = { ...selfServiceLimits(DEFAULT_PLAN_POLICY)!, maxDeferralDays: 20 };
    const a = { arrearsMinor: 5000, nextDueDate: '2026-07-15', hasOpenPlan: false };
    expect(candidateOptions(a, limits)).toEqual([
      'instalment-2',
      'instalment-3',
      'instalment-4',
      'instalment-6',
      'instalment-9',
      'instalment-12',
      'deferral-14',
    ]);
    expect(candidateOptions({ ...a, hasOpenPlan: true }, limits)).toEqual([]);
    expect(candidateOptions({ ...a, arrearsMinor: 0, nextDueDate: null }, limits)).toEqual([]);
  });

  it('turns an option into terms, refusing ids it does not offer', () => {
    const a = { nextDueDate: '2026-07-15' };
    expect(optionTerms('instalment-3', a, '2026-06-30')).toEqual({
      kind: 'instalment',
      scope: 'arrears',
      count: 3,
      frequency: 'monthly',
      start: '2026-07-07',
    });
    expect(optionTerms('deferral-30', a, '2026-06-30')).toEqual({
      kind: 'deferral',
      from: '2026-07-15',
      days: 30,
    });
    for (const id of ['instalment-48', 'deferral-90', 'settlement-1', 'instalment-3x'])
      expect(optionTerms(id, a, '2026-06-30')).toBeNull();
    expect(optionTerms('deferral-14', { nextDueDate: null }, '2026-06-30')).toBeNull();
  });

  it('refuses a quote beyond the limits, and any settlement', () => {
    const limits = selfServiceLimits(DEFAULT_PLAN_POLICY)!;
    const q = {
      kind: 'instalment' as const,
      termDays: 90,
      discountPercent: 0,
      coveredMinor: 10_000,
    };
    expect(selfServiceIssues({ ...q, payments: [{ amountMinor: 5000 }] }, limits)).toEqual([]);
    expect(selfServiceIssues({ ...q, payments: [{ amountMinor: 400 }] }, limits)[0]!.at).toBe(
      'payment',
    );
    expect(selfServiceIssues({ ...q, termDays: 400, payments: [] }, limits)[0]!.at).toBe('term');
    expect(
      selfServiceIssues({ ...q, kind: 'settlement', payments: [{ amountMinor: 9000 }] }, limits),
    ).toEqual([
      { at: 'kind', reason: 'only instalment plans and deferrals are chosen on this page' },
    ]);
  });
});

describe('the forms of the page', () => {
  it('notes the hours outside the preferred ones as inconvenient', () => {
    expect(inconvenientOutside('18:00', '21:00')).toEqual({
      ok: true,
      times: ['00:00-18:00', '21:00-24:00'],
    });
    expect(inconvenientOutside('00:00', '24:00')).toEqual({ ok: true, times: [] });
    expect(inconvenientOutside('21:00', '18:00').ok).toBe(false);
    expect(inconvenientOutside('18:00', '19:00').ok).toBe(false);
    expect(inconvenientOutside('6pm', '21:00').ok).toBe(false);
  });

  it('checks statements and payment intents', () => {
    expect(statementIssues('hardship', 'I lost my job')).toEqual([]);
    expect(statementIssues('other', ' ').map((i) => i.at)).toEqual(['kind', 'text']);
    expect(statementIssues('dispute', 'x'.repeat(2001))[0]!.at).toBe('text');
    expect(paymentIntentIssues(100, 1000)).toEqual([]);
    expect(paymentIntentIssues(0, 1000)[0]!.reason).toBe('must be more than zero');
    expect(paymentIntentIssues(1001, 1000)[0]!.reason).toBe('is more than the account owes');
  });
});
