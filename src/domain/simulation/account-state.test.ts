/** The simulation's incremental account agrees with the ledger's rules, day by day. */
import { describe, expect, it } from 'vitest';
import { delinquencyState } from '../ledger/delinquency.ts';
import { DEFAULT_LEDGER_POLICY } from '../ledger/policy.ts';
import type { AccountLedger, Hold, Payment } from '../ledger/types.ts';
import { createRandom } from '../portfolio/random.ts';
import { addDays, toEpochDay } from '../time/date.ts';
import { SimAccount } from './account-state.ts';

describe('SimAccount', () => {
  it('matches delinquencyState on random schedules, payments and holds, every day', () => {
    const rng = createRandom('sim-account');
    let compared = 0;
    for (let a = 0; a < 200; a++) {
      const start = addDays('2026-01-01', rng.int(0, 60));
      const n = rng.int(1, 8);
      const instalments = Array.from({ length: n }, (_, i) => ({
        seq: i + 1,
        dueDate: addDays(start, 30 * (i + 1)),
        principal: rng.int(0, 5000),
        interest: rng.int(0, 500),
        fees: rng.chance(0.2) ? rng.int(1, 300) : 0,
      }));
      const holds: Hold[] = rng.chance(0.3)
        ? [
            {
              kind: 'hardship',
              from: addDays(start, rng.int(20, 120)),
              to: rng.chance(0.5) ? null : addDays(start, rng.int(121, 200)),
            },
          ]
        : [];
      const grace = rng.pick([0, 3, 5]);
      const tolerance = rng.pick([0, 0, 100]);
      const policy = {
        ...DEFAULT_LEDGER_POLICY,
        loan: { ...DEFAULT_LEDGER_POLICY.loan, arrearsTolerance: tolerance },
      };
      const sim = new SimAccount(instalments, grace, tolerance, policy.loan, holds);
      const payments: Payment[] = [];
      for (let d = 0; d < 300; d++) {
        const date = addDays(start, d);
        if (rng.chance(0.03)) {
          const amount = rng.int(1, 4000);
          payments.push({ id: `p${payments.length}`, paidOn: date, amount });
          sim.pay(amount);
        }
        const ledger: AccountLedger = {
          product: 'loan',
          currency: 'USD',
          graceDays: grace,
          instalments,
          payments,
          holds,
        };
        const want = delinquencyState(ledger, date, policy);
        const got = sim.stateOn(toEpochDay(date), date);
        expect(got).toEqual({
          outstanding: want.outstanding,
          arrears: want.arrears,
          pastDueDays: want.pastDueDays,
          delinquentDays: want.delinquentDays,
          bucket: want.bucket,
          nextDueDay: want.nextDueDate === null ? null : toEpochDay(want.nextDueDate),
        });
        compared++;
      }
    }
    expect(compared).toBe(60_000);
  });
});
