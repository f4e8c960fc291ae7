import { describe, expect, it } from 'vitest';
import { buildReview, DEFAULT_CHANNEL_COSTS, validateChannelCosts } from './review.ts';

const meta = {
  versionId: 7,
  version: 2,
  from: '2026-03-01',
  to: '2026-03-31',
  responseWindowDays: 7,
  costCurrency: 'USD',
};

describe('strategy review', () => {
  const review = buildReview(
    meta,
    ['early', 'm1', 'm2'],
    [
      { segmentId: 'm1', entered: 40, cured: 10, collected: { USD: 123400 } },
      { segmentId: 'early', entered: 100, cured: 0, collected: {} },
    ],
    [
      {
        segmentId: 'm1',
        stepId: 'sms',
        channel: 'sms',
        planned: 40,
        skipped: 2,
        responders: 8,
        collected: { USD: 50000 },
      },
      {
        segmentId: 'm1',
        stepId: 'call',
        channel: 'phone',
        planned: 20,
        skipped: 0,
        responders: 0,
        collected: {},
      },
    ],
    DEFAULT_CHANNEL_COSTS,
  );

  it('costs each step by its channel and adds them up per segment and channel', () => {
    const m1 = review.segments.find((s) => s.segmentId === 'm1')!;
    // 40 SMS × 5 + 20 calls × 150 = 200 + 3,000
    expect(m1.steps.map((s) => s.cost)).toEqual([200, 3000]);
    expect(m1.cost).toBe(3200);
    expect(review.costByChannel).toEqual({ sms: 200, phone: 3000 });
  });

  it('computes cure and response rates, and flags steps that moved nothing', () => {
    const m1 = review.segments.find((s) => s.segmentId === 'm1')!;
    expect(m1.cureRate).toBe(0.25);
    expect(m1.steps[0]).toMatchObject({ responseRate: 0.2, flag: null });
    expect(m1.steps[1]!.flag).toBe('moved nothing: none of 20 accounts paid within 7 days');
  });

  it('keeps document order and lists segments nobody entered', () => {
    expect(review.segments.map((s) => s.segmentId)).toEqual(['early', 'm1', 'm2']);
    expect(review.segments[2]).toMatchObject({ entered: 0, cureRate: null, steps: [] });
  });

  it('validates channel costs', () => {
    expect(validateChannelCosts({ sms: 4, fax: 1, phone: -1, email: 0.5 })).toEqual([
      'fax: unknown channel',
      'phone: must be a whole number of minor units, 0 or more',
      'email: must be a whole number of minor units, 0 or more',
    ]);
  });
});
