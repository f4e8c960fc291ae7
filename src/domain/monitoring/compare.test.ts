import { describe, expect, it } from 'vitest';
import { compareGroups } from './compare.ts';

describe('comparing strategies and arms', () => {
  const [a, b, c] = compareGroups(
    [
      {
        key: 'strategy:1',
        accounts: 10,
        cured: 2,
        rolledForward: 5,
        balances: { USD: 100_000 },
        collected: { USD: 10_000 },
      },
      {
        key: 'strategy:2',
        accounts: 10,
        cured: 5,
        rolledForward: 1,
        balances: { USD: 50_000 },
        collected: { USD: 20_000 },
      },
      { key: 'strategy:3', accounts: 0, cured: 0, rolledForward: 0, balances: {}, collected: {} },
    ],
    'strategy:1',
  );
  it('gives each rate its Wilson interval', () => {
    // 5 of 10 at 95 %: centre 0.5, half-width 1.95996/1.38415 × √(0.025 + 0.0096036) = 0.26341
    expect(b!.cureRate.rate).toBe(0.5);
    expect(b!.cureRate.ci![0]).toBeCloseTo(0.23659, 4);
    expect(b!.cureRate.ci![1]).toBeCloseTo(0.76341, 4);
    expect(a!.rollForwardRate.rate).toBe(0.5);
  });
  it('compares each group with the baseline by the two-proportion test', () => {
    expect(a!.cureRate.vsBaseline).toBeNull();
    const vs = b!.cureRate.vsBaseline!;
    // 0.5 − 0.2; SE √(0.016 + 0.025) = 0.20248; pooled 0.35: z = 0.3 / 0.21331 = 1.4064
    expect(vs.difference).toBeCloseTo(0.3, 10);
    expect(vs.ci[0]).toBeCloseTo(-0.09686, 4);
    expect(vs.ci[1]).toBeCloseTo(0.69686, 4);
    expect(vs.pValue).toBeCloseTo(0.1596, 3);
    expect(vs.significant).toBe(false);
  });
  it('gives recovery per currency and no rate to an empty group', () => {
    expect(a!.recoveryRates).toEqual({ USD: 0.1 });
    expect(b!.recoveryRates).toEqual({ USD: 0.4 });
    expect(c!.cureRate).toEqual({ successes: 0, rate: null, ci: null, vsBaseline: null });
  });
});
