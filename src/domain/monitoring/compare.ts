/**
 * Comparing strategies and experiment arms on the same footing: of the accounts delinquent at
 * a month-end under each (a strategy version, or an arm), the share cured and the share rolled
 * forward by the next month-end, each with its Wilson interval, and each group against a
 * baseline by the two-proportion test (the difference, its interval and p-value).
 */
import { twoProportionTest, wilsonInterval } from '../stats/proportions.ts';
import type { Amounts } from './rolls.ts';

/** One group's counts, pooled over the periods compared. */
export interface GroupCounts {
  /** `strategy:<version id>` or `experiment:<id>:<arm>`. */
  key: string;
  /** Accounts delinquent at a period's start (an account counts once per period). */
  accounts: number;
  /** Of them, current at the period's end. */
  cured: number;
  /** Of them, in a later bucket at the period's end. */
  rolledForward: number;
  /** Their balance at the start and what they paid in the period, minor units per currency. */
  balances: Amounts;
  collected: Amounts;
}

export interface RateWithInterval {
  successes: number;
  rate: number | null;
  ci: [number, number] | null;
  /** Against the baseline: this − baseline, its (Wald) interval, the p-value. */
  vsBaseline: {
    difference: number;
    ci: [number, number];
    pValue: number;
    significant: boolean;
  } | null;
}

export interface GroupComparison {
  key: string;
  accounts: number;
  cureRate: RateWithInterval;
  rollForwardRate: RateWithInterval;
  balances: Amounts;
  collected: Amounts;
  /** Per currency: collected ÷ balance at the start. */
  recoveryRates: Record<string, number>;
}

function withInterval(
  s: number,
  n: number,
  base: { s: number; n: number } | null,
  confidence: number,
): RateWithInterval {
  if (n === 0) return { successes: s, rate: null, ci: null, vsBaseline: null };
  let vs: RateWithInterval['vsBaseline'] = null;
  if (base && base.n > 0) {
    const t = twoProportionTest(
      { successesA: base.s, nA: base.n, successesB: s, nB: n },
      { confidence },
    );
    vs = { difference: t.difference, ci: t.ci, pValue: t.pValue, significant: t.significant };
  }
  return { successes: s, rate: s / n, ci: wilsonInterval(s, n, confidence), vsBaseline: vs };
}

/**
 * Each group's rates with intervals at `confidence`; the group named `baseline` (when given and
 * present) is compared with every other one, and has no comparison itself.
 */
export function compareGroups(
  groups: readonly GroupCounts[],
  baseline: string | null,
  confidence = 0.95,
): GroupComparison[] {
  const base = groups.find((g) => g.key === baseline) ?? null;
  return groups.map((g) => {
    const mine = base !== null && g.key !== base.key;
    const recoveryRates: Record<string, number> = {};
    for (const [c, v] of Object.entries(g.balances))
      if (v > 0) recoveryRates[c] = (g.collected[c] ?? 0) / v;
    return {
      key: g.key,
      accounts: g.accounts,
      cureRate: withInterval(
        g.cured,
        g.accounts,
        mine ? { s: base.cured, n: base.accounts } : null,
        confidence,
      ),
      rollForwardRate: withInterval(
        g.rolledForward,
        g.accounts,
        mine ? { s: base.rolledForward, n: base.accounts } : null,
        confidence,
      ),
      balances: g.balances,
      collected: g.collected,
      recoveryRates,
    };
  });
}
