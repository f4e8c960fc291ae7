/**
 * `npm run bench:score`: a scorecard on the UCI "default of credit card clients" data (Taiwan,
 * 30,000 rows; RECOUP_TAIWAN_CSV, else ../shared/data/uci-default-credit-card-taiwan/ next to
 * the repository) with the card statement features, through the use case `recoup score train`
 * runs. Times reading the file, the stratified split (seed 42, 30 % held out), training and
 * scoring the 9,000 test rows; reports the test AUC, KS, Gini and Brier score, the training
 * AUC and the number of characteristics; then the test AUC over the seeds 1..5 (the spread a
 * different split gives), and the rows per second of `scoreRow` over 1,000,000 rows in memory
 * (the test rows repeated).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { readCsvTable } from '../src/adapters/files/csv-table.ts';
import { systemClock } from '../src/adapters/platform.ts';
import { applyModel, evaluateModel, trainModel } from '../src/app/scoring/scorecards.ts';
import {
  compileScorer,
  deriveFeaturesOnce,
  scoreRow,
  stratifiedSplit,
  subsetTable,
} from '../src/domain/scoring/scorecard.ts';
import { readTarget } from '../src/domain/scoring/table.ts';
import { record, s, timed } from './lib.ts';

const path =
  process.env.RECOUP_TAIWAN_CSV ??
  fileURLToPath(
    new URL(
      '../../shared/data/uci-default-credit-card-taiwan/UCI_Credit_Card.csv',
      import.meta.url,
    ),
  );
if (!existsSync(path)) {
  process.stderr.write(
    `bench:score needs the UCI Taiwan credit card data (UCI_Credit_Card.csv), not found at ${path}: ` +
      'set RECOUP_TAIWAN_CSV to the file\n',
  );
  process.exit(1);
}
const TARGET = 'default.payment.next.month';
const SPEC = 'scorecards/card-statement-features.yaml';
const SEED = '42';
const HOLDOUT = 0.3;
const SCORED_ROWS = 1_000_000;

const features = YAML.parse(readFileSync(SPEC, 'utf8')) as unknown;
const r4 = (x: number) => Number(x.toFixed(4));
const sync = <T>(fn: () => T) => timed(async () => fn());

const [data, readSeconds] = await sync(() => readCsvTable(path));
const [split, splitSeconds] = await sync(() =>
  stratifiedSplit(readTarget(data.table, TARGET).labels, HOLDOUT, SEED),
);

const train = (seed: string) =>
  trainModel(
    {
      table: data.table,
      fingerprint: data.fingerprint,
      target: TARGET,
      id: 'ID',
      features,
      holdout: HOLDOUT,
      seed,
      name: 'taiwan',
    },
    systemClock,
  );
process.stderr.write(`training on ${split.train.length} rows, seed ${SEED}\n`);
const [model, trainSeconds] = await sync(() => train(SEED));
const test = model.metrics.test!;
if (model.data.split?.testRows !== split.test.length)
  throw new Error('the use case split the rows differently');

// scoring the test rows as `recoup score apply` does (features derived, three reasons each),
// and measuring them as `recoup score evaluate` does
const testTable = subsetTable(data.table, split.test);
const [scores, scoreSeconds] = await sync(() => applyModel(model, testTable));
const [evaluation, evaluateSeconds] = await sync(() => evaluateModel(model, testTable));
if (scores.length !== split.test.length || Math.abs(evaluation.auc - test.auc) > 1e-12)
  throw new Error(`evaluate gives AUC ${evaluation.auc}, training ${test.auc}`);

// the spread over other splits
const seeds: {
  seed: string;
  testAuc: number;
  trainAuc: number;
  characteristics: number;
  trainSeconds: number;
}[] = [];
for (const seed of ['1', '2', '3', '4', '5']) {
  process.stderr.write(`training with seed ${seed}\n`);
  const [m, secs] = await sync(() => train(seed));
  seeds.push({
    seed,
    testAuc: r4(m.metrics.test!.auc),
    trainAuc: r4(m.metrics.train.auc),
    characteristics: m.characteristics.length,
    trainSeconds: s(secs),
  });
}
const aucs = seeds.map((x) => x.testAuc);

// scoreRow alone: the test rows' characteristics in memory, scored round and round
const derived = model.features ? deriveFeaturesOnce(testTable, model.features) : testTable;
const names = model.characteristics.map((c) => c.name);
const records = Array.from(
  { length: derived.rows },
  (_, i) => new Map(names.map((c) => [c, derived.cell(c, i)])),
);
const scorer = compileScorer(model);
const rowsPerSecond = (reasons: number) => {
  let checksum = 0;
  const t0 = performance.now();
  for (let i = 0; i < SCORED_ROWS; i++) {
    const rec = records[i % records.length]!;
    checksum += scoreRow(scorer, (c) => rec.get(c), reasons).score;
  }
  const secs = (performance.now() - t0) / 1000;
  return { rowsPerSecond: Math.round(SCORED_ROWS / secs), seconds: s(secs), checksum };
};
rowsPerSecond(3); // warm-up
const withReasons = rowsPerSecond(3);
const withoutReasons = rowsPerSecond(0);

record({
  bench: 'score',
  data: { file: path, rows: data.table.rows, columns: data.header.length },
  split: {
    seed: SEED,
    holdout: HOLDOUT,
    trainRows: split.train.length,
    testRows: split.test.length,
  },
  characteristics: model.characteristics.length,
  candidates: model.candidates.length,
  test: {
    auc: r4(test.auc),
    ks: r4(test.ks),
    gini: r4(test.gini),
    brier: r4(test.brier),
  },
  trainAuc: r4(model.metrics.train.auc),
  seconds: {
    read: s(readSeconds),
    split: Number(splitSeconds.toFixed(3)),
    train: s(trainSeconds),
    scoreTestRows: Number(scoreSeconds.toFixed(3)),
    evaluateTestRows: Number(evaluateSeconds.toFixed(3)),
  },
  seeds,
  testAucOverSeeds: {
    mean: r4(aucs.reduce((a, b) => a + b, 0) / aucs.length),
    min: Math.min(...aucs),
    max: Math.max(...aucs),
  },
  scoreRow: {
    rows: SCORED_ROWS,
    rowsPerSecond: withReasons.rowsPerSecond,
    seconds: withReasons.seconds,
    rowsPerSecondWithoutReasons: withoutReasons.rowsPerSecond,
  },
});
