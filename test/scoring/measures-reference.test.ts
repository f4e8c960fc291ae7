/**
 * The scoring measures against reference values computed independently (python3, Mann–Whitney
 * with mid-ranks, KS over distinct values) on the UCI "default of credit card clients" data
 * (Taiwan, 30,000 rows), with a raw column as the score and `default.payment.next.month` as the
 * label. See ../shared/data/uci-default-credit-card-taiwan/SOURCE.md next to the repository.
 * Skipped when the file is absent; RECOUP_TAIWAN_CSV points at another copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { auc, gini, ks, summary } from '../../src/domain/scoring/measures.ts';

const csvPath =
  process.env.RECOUP_TAIWAN_CSV ??
  fileURLToPath(
    new URL(
      '../../../shared/data/uci-default-credit-card-taiwan/UCI_Credit_Card.csv',
      import.meta.url,
    ),
  );

const TARGET = 'default.payment.next.month';

/** The file's columns by name: a quoted header, then unquoted integers. */
function readColumns(path: string, names: readonly string[]): Map<string, Float64Array> {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = lines[0]!.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  const rows = lines.slice(1);
  const columns = new Map<string, Float64Array>();
  for (const name of names) {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`${path}: no column ${name}`);
    const values = new Float64Array(rows.length);
    rows.forEach((line, i) => {
      const cells = line.split(',');
      if (cells.length !== header.length) {
        throw new Error(`${path}:${i + 2}: ${cells.length} cells, expected ${header.length}`);
      }
      const v = Number(cells[at]);
      if (!Number.isInteger(v)) throw new Error(`${path}:${i + 2}: ${name} is ${cells[at]}`);
      values[i] = v;
    });
    columns.set(name, values);
  }
  return columns;
}

describe.skipIf(!existsSync(csvPath))('measures on the UCI Taiwan credit card data', () => {
  let columns: Map<string, Float64Array>;
  const column = (name: string): Float64Array => columns.get(name)!;

  beforeAll(() => {
    columns = readColumns(csvPath, ['PAY_0', 'LIMIT_BAL', TARGET]);
  });

  it('has 30,000 rows: 23,364 non-defaults and 6,636 defaults', () => {
    const labels = column(TARGET);
    expect(labels).toHaveLength(30_000);
    const defaults = labels.reduce((sum, y) => sum + y, 0);
    expect(defaults).toBe(6_636);
    expect(labels.length - defaults).toBe(23_364);
  });

  it.each([
    ['PAY_0', 0.68971, 0.371675],
    ['LIMIT_BAL', 0.382197, 0.181856],
  ])('%s as the score: AUC %f, KS %f (SOURCE.md)', (name, expectedAuc, expectedKs) => {
    const scores = column(name);
    const labels = column(TARGET);
    expect(auc(scores, labels)).toBeCloseTo(expectedAuc, 6);
    expect(ks(scores, labels)).toBeCloseTo(expectedKs, 6);
    expect(gini(scores, labels)).toBeCloseTo(2 * expectedAuc - 1, 5);
    const s = summary(scores, labels);
    expect(s).toMatchObject({ n: 30_000, events: 6_636 });
    expect(s.auc).toBeCloseTo(expectedAuc, 6);
    expect(s.ks).toBeCloseTo(expectedKs, 6);
  });

  it('a decreasing map of LIMIT_BAL gives 1 − AUC and the same KS', () => {
    const scores = column('LIMIT_BAL').map((x) => -x);
    const labels = column(TARGET);
    expect(auc(scores, labels)).toBeCloseTo(1 - 0.382197, 6);
    expect(ks(scores, labels)).toBeCloseTo(0.181856, 6);
  });
});
