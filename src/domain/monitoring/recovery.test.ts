import { describe, expect, it } from 'vitest';
import { recoveryCurves } from './recovery.ts';

describe('recovery curves', () => {
  // The January cohort: 2 accounts owing 1000.00 at entry; 100.00 paid in January after the
  // entry, 150.00 in February, nothing in March, 50.00 in April (under way on 10 April).
  const curves = recoveryCurves(
    [
      { cohort: '2025-01', currency: 'USD', accounts: 2, balanceMinor: 100_000 },
      { cohort: '2025-03', currency: 'USD', accounts: 1, balanceMinor: 0 },
    ],
    [
      { cohort: '2025-01', currency: 'USD', monthsSinceEntry: 0, collectedMinor: 10_000 },
      { cohort: '2025-01', currency: 'USD', monthsSinceEntry: 1, collectedMinor: 15_000 },
      { cohort: '2025-01', currency: 'USD', monthsSinceEntry: 3, collectedMinor: 5_000 },
    ],
    '2025-04-10',
  );
  it('puts the newest cohort first', () => {
    expect(curves.map((c) => c.cohort)).toEqual(['2025-03', '2025-01']);
  });
  it('cumulates what was collected, as a share of the balance at entry', () => {
    const jan = curves[1]!;
    expect(
      jan.points.map((p) => [p.monthsSinceEntry, p.through, p.collectedMinor, p.rate]),
    ).toEqual([
      [0, '2025-01-31', 10_000, 0.1],
      [1, '2025-02-28', 25_000, 0.25],
      [2, '2025-03-31', 25_000, 0.25],
      [3, '2025-04-10', 30_000, 0.3],
    ]);
    expect(jan.points.map((p) => p.partial)).toEqual([false, false, false, true]);
  });
  it('has no rate on a zero balance', () => {
    expect(curves[0]!.points.map((p) => p.rate)).toEqual([null, null]);
  });
});
