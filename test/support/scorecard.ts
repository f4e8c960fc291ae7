/** A small real scorecard for tests, trained on a deterministic synthetic table. */
import { tableOfRows } from '../../src/domain/scoring/table.ts';
import { trainScorecard } from '../../src/domain/scoring/scorecard.ts';
import type { ScorecardModel } from '../../src/domain/scoring/model.ts';

/** 600 rows: risk rises with days_late, falls with income; region B is riskier. */
export function syntheticRows(n = 600): { header: string[]; rows: string[][] } {
  const header = ['id', 'days_late', 'income', 'region', 'defaulted'];
  const rows: string[][] = [];
  let s = 7;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < n; i++) {
    const late = Math.floor(next() * 90);
    const income = 1000 + Math.floor(next() * 9000);
    const region = ['A', 'B', 'C'][i % 3]!;
    const risk = -2.5 + late / 30 - income / 6000 + (region === 'B' ? 0.8 : 0);
    const p = 1 / (1 + Math.exp(-risk));
    rows.push([
      String(i + 1),
      String(late),
      i % 50 === 0 ? '' : String(income),
      region,
      next() < p ? '1' : '0',
    ]);
  }
  return { header, rows };
}

export function tinyScorecard(
  name = 'tiny',
  trainedAt = '2026-05-01T00:00:00.000Z',
): ScorecardModel {
  const { header, rows } = syntheticRows();
  return trainScorecard({
    table: tableOfRows(header, rows),
    target: 'defaulted',
    id: 'id',
    name,
    trainedAt,
    fingerprint: 'sha256:test',
    options: { binning: { minBinShare: 0.05 }, minZ: 0 },
  });
}
