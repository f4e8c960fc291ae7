/**
 * The scorecard as a document: everything needed to score, explain and audit it, as plain
 * JSON. `parseModel` checks a document read from a file or the registry before it is used.
 */
import type { Bin, Binning, Trend } from './binning.ts';
import { parseFeatureSpec, type FeatureSpec } from './features.ts';

export const MODEL_FORMAT = 'recoup-scorecard';
export const MODEL_FORMAT_VERSION = 1;

export interface Scaling {
  /** The score at the base odds. */
  baseScore: number;
  /** Odds of non-event to event at the base score (50 = 50:1). */
  baseOdds: number;
  /** Points to double the odds. */
  pdo: number;
  /** pdo / ln 2. */
  factor: number;
  /** baseScore − factor · ln(baseOdds). */
  offset: number;
}

export interface ModelBin extends Bin {
  /** The bin's points, rounded. */
  points: number;
}

export interface Characteristic {
  name: string;
  kind: Binning['kind'];
  trend: Trend;
  iv: number;
  /** On the WoE; negative for a characteristic that behaves (WoE is ln good/bad). */
  coefficient: number;
  standardError: number;
  bins: ModelBin[];
  fallback: number;
}

/** Why each candidate column is in the model or not. */
export interface Candidate {
  name: string;
  kind: Binning['kind'] | 'unusable';
  iv: number | null;
  selected: boolean;
  reason: string;
}

export interface Summary {
  n: number;
  events: number;
  auc: number;
  ks: number;
  gini: number;
  brier: number;
}

export interface CalibrationRow {
  band: string;
  n: number;
  events: number;
  eventRate: number;
  meanPredicted: number;
}

export interface Band {
  name: string;
  /** Scores ≥ minScore (and below the better band's) are in this band; null for the last. */
  minScore: number | null;
}

export interface ScorecardModel {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  name: string;
  description?: string;
  trainedAt: string;
  target: { column: string; event: string; nonEvent: string };
  id?: string;
  excluded: string[];
  data: {
    /** sha256 of the training file's bytes (or of the rows it was built from). */
    fingerprint: string;
    rows: number;
    events: number;
    columns: string[];
    split: { seed: string; holdout: number; trainRows: number; testRows: number } | null;
  };
  options: Record<string, unknown>;
  features: FeatureSpec | null;
  scaling: Scaling;
  intercept: number;
  basePoints: number;
  characteristics: Characteristic[];
  candidates: Candidate[];
  bands: Band[];
  metrics: {
    train: Summary;
    test: Summary | null;
    calibration: { train: CalibrationRow[]; test: CalibrationRow[] | null };
    fit: { iterations: number; converged: boolean; l2: number };
  };
  /** The training scores' distribution, for stability monitoring (PSI). */
  scoreDistribution: { breaks: number[]; counts: number[] };
}

/** What is wrong with a document: `field: reason`, or a reason about the whole of it. */
export class ModelError extends Error {
  /** The field, e.g. `characteristics[2].bins[0].woe`; null for the document as a whole. */
  readonly path: string | null;
  readonly reason: string;
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
    const [path, ...rest] = message.split(': ');
    this.path = rest.length ? path! : null;
    this.reason = rest.length ? rest.join(': ') : message;
  }
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  !!x && typeof x === 'object' && !Array.isArray(x);

/** Checks a document's shape enough to score with it; errors name the field. */
export function parseModel(doc: unknown): ScorecardModel {
  if (!isObject(doc)) throw new ModelError('a model is a JSON object');
  if (doc.format !== MODEL_FORMAT)
    throw new ModelError(`format: expected "${MODEL_FORMAT}", got ${JSON.stringify(doc.format)}`);
  if (doc.formatVersion !== MODEL_FORMAT_VERSION)
    throw new ModelError(
      `formatVersion: this Recoup reads version ${MODEL_FORMAT_VERSION}, not ${JSON.stringify(doc.formatVersion)}`,
    );
  const num = (x: unknown, path: string) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ModelError(`${path}: not a number`);
  };
  if (typeof doc.name !== 'string' || !doc.name.trim())
    throw new ModelError('name: not a non-empty string');
  num(doc.intercept, 'intercept');
  num(doc.basePoints, 'basePoints');
  if (!isObject(doc.scaling)) throw new ModelError('scaling: missing');
  for (const k of ['baseScore', 'baseOdds', 'pdo', 'factor', 'offset'])
    num(doc.scaling[k], `scaling.${k}`);
  if (!Array.isArray(doc.characteristics)) throw new ModelError('characteristics: not a list');
  doc.characteristics.forEach((c: unknown, i) => {
    const path = `characteristics[${i}]`;
    if (!isObject(c)) throw new ModelError(`${path}: not an object`);
    if (typeof c.name !== 'string') throw new ModelError(`${path}.name: not a string`);
    if (c.kind !== 'numeric' && c.kind !== 'categorical')
      throw new ModelError(`${path}.kind: numeric or categorical`);
    num(c.coefficient, `${path}.coefficient`);
    if (!Array.isArray(c.bins) || c.bins.length === 0) throw new ModelError(`${path}.bins: empty`);
    num(c.fallback, `${path}.fallback`);
    if (
      !Number.isInteger(c.fallback) ||
      (c.fallback as number) < 0 ||
      (c.fallback as number) >= c.bins.length
    )
      throw new ModelError(`${path}.fallback: no such bin`);
    c.bins.forEach((b: unknown, k) => {
      const bp = `${path}.bins[${k}]`;
      if (!isObject(b)) throw new ModelError(`${bp}: not an object`);
      num(b.woe, `${bp}.woe`);
      num(b.points, `${bp}.points`);
      if (c.kind === 'categorical' && !b.missing && !Array.isArray(b.categories))
        throw new ModelError(`${bp}.categories: not a list`);
      if (c.kind === 'numeric' && !b.missing)
        for (const side of ['lower', 'upper'])
          if (b[side] !== null && (typeof b[side] !== 'number' || !Number.isFinite(b[side])))
            throw new ModelError(`${bp}.${side}: a number, or null for no bound`);
    });
  });
  if (!Array.isArray(doc.bands) || doc.bands.length === 0) throw new ModelError('bands: empty');
  doc.bands.forEach((b: unknown, i) => {
    if (!isObject(b) || typeof b.name !== 'string' || !b.name)
      throw new ModelError(`bands[${i}].name: not a non-empty string`);
    const last = i === (doc.bands as unknown[]).length - 1;
    if (last ? b.minScore !== null : typeof b.minScore !== 'number' || !Number.isFinite(b.minScore))
      throw new ModelError(
        `bands[${i}].minScore: ${last ? 'null for the last band' : 'not a number'}`,
      );
  });
  if (!isObject(doc.target) || typeof doc.target.column !== 'string')
    throw new ModelError('target.column: missing');
  if (doc.features !== null && doc.features !== undefined) {
    if (!isObject(doc.features)) throw new ModelError('features: not an object');
    // re-expand from the source so that a hand-edited model is checked like a spec file
    let features: FeatureSpec;
    try {
      features = parseFeatureSpec(doc.features.source);
    } catch (e) {
      throw new ModelError(`features: ${(e as Error).message}`);
    }
    // what is scored with is what the spec says, never a hand-edited expansion
    return { ...doc, features } as unknown as ScorecardModel;
  }
  return doc as unknown as ScorecardModel;
}
