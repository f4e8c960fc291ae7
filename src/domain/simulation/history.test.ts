import { describe, expect, it } from 'vitest';
import { DEFAULT_LEDGER_POLICY } from '../ledger/policy.ts';
import type { Instalment } from '../portfolio/generator.ts';
import {
  observedOutcome,
  payerFromHistory,
  recordsFromHistory,
  type StoredAccount,
} from './history.ts';

/** Three instalments of 100.00 due on the 1st of January, February and March 2026. */
const SCHEDULE: Instalment[] = [1, 2, 3].map((seq) => ({
  seq,
  dueDate: `2026-0${seq}-01`,
  principalDue: 9_000,
  interestDue: 900,
  feesDue: 100,
}));

const account = (over: Partial<StoredAccount> = {}): StoredAccount => ({
  id: 'A1',
  customerId: 'C1',
  timezone: 'America/New_York',
  language: 'en',
  jurisdiction: 'US-NY',
  product: 'loan',
  currency: 'USD',
  principal: 27_000,
  openedOn: '2025-12-01',
  graceDays: 0,
  instalments: SCHEDULE,
  payments: [],
  holds: [],
  ...over,
});

describe('payer type from the payment history', () => {
  it('is onTime when each instalment was covered by its due date', () => {
    const paid = [
      { paidOn: '2026-01-01', amount: 10_000 },
      { paidOn: '2026-01-30', amount: 10_000 },
    ];
    expect(payerFromHistory(SCHEDULE, paid, '2026-02-15')).toBe('onTime');
  });

  it('is late when nothing is owed now but an instalment was paid after its due date', () => {
    const paid = [
      { paidOn: '2026-01-05', amount: 10_000 },
      { paidOn: '2026-02-01', amount: 10_000 },
    ];
    expect(payerFromHistory(SCHEDULE, paid, '2026-02-15')).toBe('late');
  });

  it('is overpayer when more was paid than has fallen due', () => {
    expect(
      payerFromHistory(SCHEDULE, [{ paidOn: '2025-12-20', amount: 15_000 }], '2026-01-10'),
    ).toBe('overpayer');
  });

  it('is partial when the oldest unpaid instalment is partly paid, late when not paid at all', () => {
    // 150.00 paid of 200.00 fallen due: the second instalment is half paid.
    expect(
      payerFromHistory(SCHEDULE, [{ paidOn: '2026-01-01', amount: 15_000 }], '2026-02-10'),
    ).toBe('partial');
    // 100.00 paid: the first instalment covered, the second untouched.
    expect(
      payerFromHistory(SCHEDULE, [{ paidOn: '2026-01-01', amount: 10_000 }], '2026-02-10'),
    ).toBe('late');
  });

  it('is defaulted when the oldest unpaid due date is more than 90 days back', () => {
    // 1 January + 90 days = 1 April: still late; 2 April: defaulted.
    expect(payerFromHistory(SCHEDULE, [], '2026-04-01')).toBe('late');
    expect(payerFromHistory(SCHEDULE, [], '2026-04-02')).toBe('defaulted');
  });
});

describe('records from the stored history', () => {
  it('keeps accounts opened by the start, their payments by then and the latest hold begun', () => {
    const records = recordsFromHistory(
      [
        account({
          payments: [
            { paidOn: '2026-01-01', amount: 10_000 },
            { paidOn: '2026-02-20', amount: 10_000 },
          ],
          holds: [
            { kind: 'dispute', from: '2026-01-10', to: '2026-01-20' },
            { kind: 'hardship', from: '2026-02-05', to: null },
            { kind: 'other', from: '2026-03-01', to: null },
          ],
        }),
        account({ id: 'A2', openedOn: '2026-02-11' }),
        account({ id: 'A3', customerId: 'C2', jurisdiction: 'CN', timezone: 'Asia/Shanghai' }),
      ],
      '2026-02-10',
    );
    expect(records.map((r) => [r.customer.id, r.accounts.map((a) => a.account.id)])).toEqual([
      ['C1', ['A1']],
      ['C2', ['A3']],
    ]);
    const a1 = records[0]!.accounts[0]!;
    expect(a1.payments).toEqual([{ paidOn: '2026-01-01', amount: 10_000, timestamp: null }]);
    expect(a1.hold).toEqual({ kind: 'hardship', from: '2026-02-05', to: null });
    expect(a1.payer).toBe('late');
    expect(records[1]!.customer.jurisdiction).toBe('CN');
  });
});

describe('the observed outcome', () => {
  it('replays the payments received between the dates', () => {
    const out = observedOutcome(
      [
        // 9 days delinquent on 10 January, outstanding 100.00 fallen due + 2 × 90.00 of
        // principal not yet due = 280.00; pays 100.00 on 15 January: cured, 100/280 recovered.
        account({ payments: [{ paidOn: '2026-01-15', amount: 10_000 }] }),
        // current on 10 January (paid the first instalment), pays nothing more: on 10 February
        // the second instalment is 9 days late: rolled forward from current to M1.
        account({ id: 'A2', payments: [{ paidOn: '2026-01-01', amount: 10_000 }] }),
        // opened after the start: not counted
        account({ id: 'A3', openedOn: '2026-01-11' }),
      ],
      '2026-01-10',
      '2026-02-01',
      DEFAULT_LEDGER_POLICY,
    );
    expect(out.accounts).toBe(2);
    expect(out.delinquentAtStart).toBe(1);
    expect(out.cured).toBe(1);
    expect(out.cureRate).toBe(1);
    expect(out.collected).toEqual({ USD: 10_000 });
    expect(out.recoveryRate).toBeCloseTo(10_000 / 28_000, 12);
    // on 1 February A2's second instalment falls due that day: not yet late
    expect(out.rolledForward).toBe(0);
  });

  it('counts a roll forward when the bucket at the end is later than at the start', () => {
    const out = observedOutcome(
      [account({ payments: [{ paidOn: '2026-01-01', amount: 10_000 }] })],
      '2026-01-10',
      '2026-02-10',
      DEFAULT_LEDGER_POLICY,
    );
    expect(out.delinquentAtStart).toBe(0);
    expect(out.rolledForward).toBe(1);
    expect(out.rollForwardRate).toBe(1);
    expect(out.cureRate).toBeNull();
  });
});
