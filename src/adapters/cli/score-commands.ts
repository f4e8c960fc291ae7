/**
 * `recoup score train|evaluate|apply|report|split`: scorecards on CSV files, and (through
 * score-model-commands.ts) the model registry.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  applyModel,
  asValidation,
  evaluateModel,
  readModel,
  trainModel,
} from '../../app/scoring/scorecards.ts';
import { invalid } from '../../app/shared/errors.ts';
import { formatScorecard } from '../../domain/scoring/report.ts';
import { stratifiedSplit, type TrainOptions } from '../../domain/scoring/scorecard.ts';
import { readTarget } from '../../domain/scoring/table.ts';
import { readJsonOrYaml } from '../files/documents.ts';
import { CsvTableError, readCsvTable, writeCsv, type CsvTable } from '../files/csv-table.ts';
import { systemClock } from '../platform.ts';
import { out, type WithPlatform } from './format.ts';
import { registerScoreModelCommands } from './score-model-commands.ts';
import { registerScorePortfolioCommands } from './score-portfolio-commands.ts';

const share = (name: string) => (v: string) => {
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0 || x >= 1)
    throw new InvalidArgumentError(`${name} is a share from 0 up to 1, not "${v}"`);
  return x;
};
const positive = (name: string) => (v: string) => {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0)
    throw new InvalidArgumentError(`${name} must be above 0, not "${v}"`);
  return x;
};
const integer = (name: string) => (v: string) => {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1)
    throw new InvalidArgumentError(`${name} must be a whole number from 1`);
  return x;
};
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function delimiterArg(v: string): string {
  const named: Record<string, string> = {
    comma: ',',
    semicolon: ';',
    tab: '\t',
    pipe: '|',
    '\\t': '\t',
  };
  const d = named[v] ?? v;
  if (d.length !== 1) throw new InvalidArgumentError(`"${v}" is not one delimiter character`);
  return d;
}

function readData(file: string, delimiter?: string): CsvTable {
  try {
    return readCsvTable(file, delimiter ? { delimiter } : {});
  } catch (e) {
    if (e instanceof CsvTableError) throw invalid(e.message, [{ at: e.file, reason: e.reason }]);
    throw e;
  }
}

export function readModelFile(file: string) {
  return readModel(readJsonOrYaml(file, 'model'));
}

interface TrainFlags {
  data: string;
  target: string;
  event?: string;
  id?: string;
  exclude?: string[];
  features?: string;
  seed: string;
  holdout: number;
  name?: string;
  description?: string;
  out: string;
  delimiter?: string;
  maxBins?: number;
  minBinShare?: number;
  minCategoryShare?: number;
  trend?: string;
  minIv?: number;
  maxCorrelation?: number;
  l2?: number;
  baseScore?: number;
  baseOdds?: number;
  pdo?: number;
  bands?: string[];
}

export function registerScoreCommands(cli: Command, withPlatform: WithPlatform): void {
  const score = cli
    .command('score')
    .description('risk scorecards: train, evaluate, apply, report; the model registry');

  score
    .command('train')
    .description('train a scorecard on a CSV file (a stratified holdout is kept for testing)')
    .requiredOption('--data <file>', 'the training data (CSV with a header)')
    .requiredOption('--target <column>', 'the binary target column')
    .requiredOption('--out <file>', 'where to write the model (JSON)')
    .option('--event <value>', 'the target value that is the event (default: 1, true, yes, bad…)')
    .option('--id <column>', 'a row id column: kept out of the characteristics, used by apply')
    .option('--exclude <a,b>', 'columns that are not characteristics', list)
    .option('--features <file>', 'derived characteristics (YAML or JSON, see docs/scoring.md)')
    .option('--seed <seed>', 'the seed of the holdout split', '1')
    .option(
      '--holdout <share>',
      'share of rows held out for testing (0: none)',
      share('--holdout'),
      0.3,
    )
    .option('--name <name>', 'the model name (default: the data file name)')
    .option('--description <text>', 'what the model is for')
    .option(
      '--delimiter <char>',
      'the CSV delimiter (default: guessed from the header)',
      delimiterArg,
    )
    .option('--max-bins <n>', 'most bins per characteristic', integer('--max-bins'))
    .option(
      '--min-bin-share <share>',
      'smallest bin, as a share of the rows',
      share('--min-bin-share'),
    )
    .option(
      '--min-category-share <share>',
      'rarer categories are pooled as "other"',
      share('--min-category-share'),
    )
    .option(
      '--trend <trend>',
      'event-rate shape of numeric bins: auto, monotonic, ascending, descending, none',
    )
    .option('--min-iv <iv>', 'characteristics with a lower IV are dropped', Number)
    .option(
      '--max-correlation <r>',
      'of two characteristics whose WoE correlate more, the weaker is dropped',
      Number,
    )
    .option('--l2 <lambda>', 'the L2 penalty of the regression', Number)
    .option('--base-score <points>', 'the score at the base odds', Number)
    .option('--base-odds <odds>', 'good:bad odds at the base score', positive('--base-odds'))
    .option('--pdo <points>', 'points to double the odds', positive('--pdo'))
    .option('--bands <A,B,…>', 'band names, best first (equal shares of the training scores)', list)
    .action((flags: TrainFlags) => {
      const t0 = performance.now();
      const data = readData(flags.data, flags.delimiter);
      const read = performance.now();
      const features = flags.features ? readJsonOrYaml(flags.features, 'feature spec') : null;
      if (
        flags.trend &&
        !['auto', 'monotonic', 'ascending', 'descending', 'none'].includes(flags.trend)
      )
        throw invalid(
          `--trend is auto, monotonic, ascending, descending or none, not ${flags.trend}`,
        );
      const binning: Partial<TrainOptions['binning']> = {
        ...(flags.maxBins !== undefined ? { maxBins: flags.maxBins } : {}),
        ...(flags.minBinShare !== undefined ? { minBinShare: flags.minBinShare } : {}),
        ...(flags.minCategoryShare !== undefined
          ? { minCategoryShare: flags.minCategoryShare }
          : {}),
        ...(flags.trend ? { trend: flags.trend as 'auto' } : {}),
      };
      const scaling = {
        ...(flags.baseScore !== undefined ? { baseScore: flags.baseScore } : {}),
        ...(flags.baseOdds !== undefined ? { baseOdds: flags.baseOdds } : {}),
        ...(flags.pdo !== undefined ? { pdo: flags.pdo } : {}),
      };
      const options: Partial<TrainOptions> = {
        binning,
        ...(flags.minIv !== undefined ? { minIv: flags.minIv } : {}),
        ...(flags.maxCorrelation !== undefined ? { maxCorrelation: flags.maxCorrelation } : {}),
        ...(flags.l2 !== undefined ? { l2: flags.l2 } : {}),
        ...(Object.keys(scaling).length ? { scaling: scaling as TrainOptions['scaling'] } : {}),
        ...(flags.bands ? { bands: flags.bands } : {}),
      };
      const model = trainModel(
        {
          table: data.table,
          fingerprint: data.fingerprint,
          target: flags.target,
          ...(flags.event !== undefined ? { event: flags.event } : {}),
          ...(flags.id !== undefined ? { id: flags.id } : {}),
          exclude: flags.exclude ?? [],
          features,
          holdout: flags.holdout,
          seed: flags.seed,
          name: flags.name ?? basename(flags.data).replace(/\.[^.]*$/, ''),
          ...(flags.description ? { description: flags.description } : {}),
          options,
        },
        systemClock,
      );
      writeFileSync(flags.out, `${JSON.stringify(model, null, 2)}\n`);
      const done = performance.now();
      const m = model.metrics;
      const line = (name: string, x: typeof m.train) =>
        `${name}: n ${x.n}, AUC ${x.auc.toFixed(4)}, KS ${x.ks.toFixed(4)}, Gini ${x.gini.toFixed(4)}, Brier ${x.brier.toFixed(4)}`;
      out(
        `trained ${model.name}: ${model.characteristics.length} characteristics of ${model.candidates.length} ` +
          `candidates in ${((done - read) / 1000).toFixed(2)} s (reading ${((read - t0) / 1000).toFixed(2)} s)`,
      );
      out(line('train', m.train));
      if (m.test) out(line('test', m.test));
      out(`model written to ${flags.out}`);
    });

  score
    .command('evaluate')
    .description('measure a model on labelled data: prints {"n","auc","ks","gini","brier"} as JSON')
    .requiredOption('--model <file>', 'the model (JSON)')
    .requiredOption('--data <file>', 'labelled data (CSV)')
    .option('--target <column>', "the target column (default: the model's)")
    .option('--delimiter <char>', 'the CSV delimiter', delimiterArg)
    .action((flags: { model: string; data: string; target?: string; delimiter?: string }) => {
      const model = readModelFile(flags.model);
      const data = readData(flags.data, flags.delimiter);
      out(JSON.stringify(evaluateModel(model, data.table, flags.target)));
    });

  score
    .command('apply')
    .description('score every row: score, probability, band and the top reason codes')
    .requiredOption('--model <file>', 'the model (JSON)')
    .requiredOption('--data <file>', 'the rows to score (CSV)')
    .requiredOption('--out <file>', 'where to write the scores (CSV)')
    .option('--id <column>', "the row id column (default: the model's, else the row number)")
    .option('--reasons <n>', 'reason codes per row', integer('--reasons'), 3)
    .option('--delimiter <char>', 'the CSV delimiter', delimiterArg)
    .action(
      (flags: {
        model: string;
        data: string;
        out: string;
        id?: string;
        reasons: number;
        delimiter?: string;
      }) => {
        const model = readModelFile(flags.model);
        const data = readData(flags.data, flags.delimiter);
        const idColumn =
          flags.id ?? (model.id && data.header.includes(model.id) ? model.id : undefined);
        if (idColumn && !data.header.includes(idColumn))
          throw invalid(`the id column ${idColumn} is not in ${flags.data}`, [
            { at: '--id', reason: 'no such column' },
          ]);
        const scores = applyModel(model, data.table, flags.reasons);
        const header = [idColumn ?? 'row', 'score', 'probability', 'band'];
        for (let k = 1; k <= flags.reasons; k++)
          header.push(`reason_${k}`, `reason_${k}_points_lost`);
        const rows = scores.map((s, i) => {
          const r: unknown[] = [
            idColumn ? data.table.cell(idColumn, i) : i + 1,
            s.score,
            s.probability.toFixed(6),
            s.band,
          ];
          for (let k = 0; k < flags.reasons; k++)
            r.push(s.reasons[k]?.characteristic ?? '', s.reasons[k]?.lost ?? '');
          return r;
        });
        writeCsv(flags.out, header, rows);
        out(`${scores.length} rows scored into ${flags.out}`);
      },
    );

  score
    .command('report')
    .description('print the scorecard: characteristics, bins, counts, event rate, WoE, IV, points')
    .requiredOption('--model <file>', 'the model (JSON)')
    .action((flags: { model: string }) => {
      process.stdout.write(formatScorecard(readModelFile(flags.model)));
    });

  score
    .command('split')
    .description('split a CSV file into a stratified training and test part, by seed')
    .requiredOption('--data <file>', 'the data (CSV)')
    .requiredOption('--target <column>', 'the binary target to stratify by')
    .requiredOption('--train <file>', 'where to write the training rows')
    .requiredOption('--test <file>', 'where to write the test rows')
    .option('--seed <seed>', 'the seed', '1')
    .option('--holdout <share>', 'share of rows in the test part', share('--holdout'), 0.3)
    .option('--event <value>', 'the target value that is the event')
    .option('--delimiter <char>', 'the CSV delimiter', delimiterArg)
    .action(
      (flags: {
        data: string;
        target: string;
        train: string;
        test: string;
        seed: string;
        holdout: number;
        event?: string;
        delimiter?: string;
      }) => {
        const data = readData(flags.data, flags.delimiter);
        const { labels } = asValidation(() => readTarget(data.table, flags.target, flags.event));
        const split = asValidation(
          () => stratifiedSplit(labels, flags.holdout, flags.seed),
          '--holdout',
        );
        writeCsv(
          flags.train,
          data.header,
          Array.from(split.train, (i) => data.rows[i]!),
        );
        writeCsv(
          flags.test,
          data.header,
          Array.from(split.test, (i) => data.rows[i]!),
        );
        out(
          `${split.train.length} rows to ${flags.train}, ${split.test.length} rows to ${flags.test}`,
        );
      },
    );

  registerScoreModelCommands(score, withPlatform);
  registerScorePortfolioCommands(score, withPlatform);
}
