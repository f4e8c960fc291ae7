/**
 * Scorecard use cases on tables the adapters have read: train (with a stratified holdout),
 * evaluate on labelled data, score rows, and read a model document. Domain errors about the
 * input become VALIDATION errors that name the column, field or row.
 */
import { FeatureSpecError, parseFeatureSpec } from '../../domain/scoring/features.ts';
import { summary } from '../../domain/scoring/measures.ts';
import { ModelError, parseModel, type ScorecardModel } from '../../domain/scoring/model.ts';
import {
  compileScorer,
  deriveFeaturesOnce,
  scoreRow,
  scoreRows,
  stratifiedSplit,
  TrainingError,
  trainScorecard,
  type RowScore,
  type TrainOptions,
} from '../../domain/scoring/scorecard.ts';
import { readTarget, type Table } from '../../domain/scoring/table.ts';
import type { Clock } from '../shared/clock.ts';
import { invalid } from '../shared/errors.ts';

export interface TrainRequest {
  table: Table;
  fingerprint: string;
  target: string;
  event?: string;
  id?: string;
  exclude?: string[];
  /** A feature spec as parsed from YAML/JSON, or null. */
  features?: unknown;
  /** Share of rows held out for testing (0: none). */
  holdout?: number;
  seed?: string;
  name?: string;
  description?: string;
  options?: Partial<TrainOptions>;
}

/** Turns the domain's errors about bad input into a VALIDATION error. */
export function asValidation<T>(fn: () => T, at = 'data'): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FeatureSpecError)
      throw invalid(`the feature spec is not valid: ${e.message}`, [
        { at: e.path, reason: e.message },
      ]);
    if (e instanceof ModelError) {
      throw invalid(`the model is not valid: ${e.message}`, [
        { at: e.path ?? 'model', reason: e.reason },
      ]);
    }
    if (e instanceof TrainingError || e instanceof RangeError)
      throw invalid(e.message, [{ at, reason: e.message }]);
    throw e;
  }
}

export function trainModel(req: TrainRequest, clock: Clock): ScorecardModel {
  const holdout = req.holdout ?? 0.3;
  const seed = req.seed ?? '1';
  if (!(holdout >= 0 && holdout < 1))
    throw invalid('the holdout is a share from 0 up to 1', [
      { at: 'holdout', reason: `${holdout}` },
    ]);
  return asValidation(() => {
    const features =
      req.features === undefined || req.features === null
        ? null
        : parseFeatureSpec(req.features, req.table.columns);
    const derived = features ? deriveFeaturesOnce(req.table, features) : req.table;
    const { labels } = readTarget(derived, req.target, req.event);
    const split =
      holdout > 0 ? { ...stratifiedSplit(labels, holdout, seed), seed, holdout } : undefined;
    return trainScorecard({
      table: derived,
      target: req.target,
      ...(req.event !== undefined ? { event: req.event } : {}),
      ...(req.id !== undefined ? { id: req.id } : {}),
      exclude: req.exclude ?? [],
      features,
      ...(split ? { split } : {}),
      name: req.name ?? 'scorecard',
      ...(req.description ? { description: req.description } : {}),
      trainedAt: clock.now().toISOString(),
      fingerprint: req.fingerprint,
      ...(req.options ? { options: req.options } : {}),
    });
  });
}

/** Reads a model document (from a file or the registry). */
export function readModel(doc: unknown): ScorecardModel {
  return asValidation(() => parseModel(doc), 'model');
}

export interface Evaluation {
  n: number;
  auc: number;
  ks: number;
  gini: number;
  brier: number;
}

/** The model's measures on labelled data (the target column named, or the model's). */
export function evaluateModel(model: ScorecardModel, table: Table, target?: string): Evaluation {
  return asValidation(() => {
    const column = target ?? model.target.column;
    const event = column === model.target.column ? model.target.event : undefined;
    const t = withCharacteristics(model, table);
    const { labels } = readTarget(t, column, event);
    const scored = scoreRows(compileScorer(model), t);
    const s = summary(scored.probabilities, labels, scored.probabilities);
    return { n: s.n, auc: s.auc, ks: s.ks, gini: s.gini, brier: s.brier! };
  });
}

/** Each row's score, probability, band and reasons. */
export function applyModel(model: ScorecardModel, table: Table, reasons = 3): RowScore[] {
  return asValidation(() => {
    const t = withCharacteristics(model, table);
    const scorer = compileScorer(model);
    const out: RowScore[] = new Array(t.rows);
    for (let i = 0; i < t.rows; i++) out[i] = scoreRow(scorer, (c) => t.cell(c, i), reasons);
    return out;
  });
}

/** The table with the model's derived features; every characteristic must be there. */
function withCharacteristics(model: ScorecardModel, table: Table): Table {
  const t = model.features ? deriveFeaturesOnce(table, model.features) : table;
  const missing = model.characteristics.map((c) => c.name).filter((c) => !t.columns.includes(c));
  if (missing.length > 0)
    throw new RangeError(`the data lacks the model's characteristics: ${missing.join(', ')}`);
  return t;
}
