/** The worked examples of docs/ledger.md, so that the documentation cannot drift from the rules. */
import { describe, expect, it } from 'vitest';
import { delinquencyState } from './delinquency.ts';
import { DEFAULT_LEDGER_POLICY } from './policy.ts';
import type { AccountLedger, Hold, Payment } from './types.ts';

const loan = (payments: Payment[], holds: Hold[] = []): AccountLedger => ({
  product: 'loan',
  currency: 'USD',
  graceDays: null,
  instalments: ['2026-02-01', '2026-03-01', '2026-04-01'].map((dueDate, i) => ({
    seq: i + 1,
    dueDate,
    principal: 9000,
    interest: 800,
    fees: 200,
  })),
  payments,
  holds,
});
const pay60 = { id: 'p1', paidOn: '2026-02-10', amount: 6000 };

describe('docs/ledger.md examples', () => {
  it.each([
    ['2026-02-01', loan([]), null, 0, 0, 'current', 0, {}, 0],
    ['2026-02-02', loan([]), '2026-02-01', 1, 1, 'M1', 10000, { M1: 10000 }, 0],
    ['2026-03-15', loan([pay60]), '2026-02-01', 42, 42, 'M2', 14000, { M2: 4000, M1: 10000 }, 0],
    [
      '2026-03-15',
      loan([pay60], [{ kind: 'hardship', from: '2026-02-20', to: '2026-03-05' }]),
      '2026-02-01',
      42,
      29,
      'M1',
      14000,
      { M2: 4000, M1: 10000 },
      0,
    ],
    [
      '2026-03-15',
      loan([{ id: 'p2', paidOn: '2026-03-01', amount: 25000 }]),
      null,
      0,
      0,
      'current',
      0,
      {},
      5000,
    ],
  ] as const)(
    'as of %s',
    (asOf, ledger, overdue, pastDue, delinquent, bucket, arrears, ageing, credit) => {
      const s = delinquencyState(ledger, asOf, DEFAULT_LEDGER_POLICY);
      expect(s).toMatchObject({
        overdueDueDate: overdue,
        pastDueDays: pastDue,
        delinquentDays: delinquent,
        bucket,
        arrears,
        ageing,
        credit,
      });
    },
  );

  it('settles fees, then interest, then principal of the first instalment', () => {
    const s = delinquencyState(loan([pay60]), '2026-03-15', DEFAULT_LEDGER_POLICY);
    expect(s.instalments[0]!.paid).toEqual({ fees: 200, interest: 800, principal: 5000 });
  });
});
