/**
 * Scoring the portfolio from its own history: build a purpose's training table as of a day,
 * train a scorecard on it and register it (active if asked); read and change the
 * classification standard and the monitoring limits; read scores, tiers and monitoring.
 */
import type { PolicyStore } from '../policy/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { invalid, notFound } from '../shared/errors.ts';
import { ClassificationError, type Classification } from '../../domain/scoring/classification.ts';
import type { ScorecardModel } from '../../domain/scoring/model.ts';
import type { MonitoringLimits } from '../../domain/scoring/monitoring.ts';
import { isPurposeName, PURPOSES, type PurposeName } from '../../domain/scoring/purposes.ts';
import { tableOfRows } from '../../domain/scoring/table.ts';
import { addDays, isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type {
  AccountScores,
  ModelStore,
  MonitoringRow,
  ScoringStore,
  StoredModel,
  TrainingTable,
} from './ports.ts';
import { registerModel } from './registry.ts';
import { trainModel } from './scorecards.ts';

export interface PortfolioDeps {
  scoring: ScoringStore;
  policies: PolicyStore;
  models: ModelStore;
  clock: Clock;
}

export function checkPurpose(purpose: string): PurposeName {
  if (!isPurposeName(purpose))
    throw invalid(`training sets are built for ${Object.keys(PURPOSES).join(' and ')}`, [
      { at: 'purpose', reason: `${JSON.stringify(purpose)} is not one of them` },
    ]);
  return purpose;
}

/** The purpose's training table as of `asOf`; the horizon after it must be in the past. */
export async function buildTrainingSet(
  deps: Pick<PortfolioDeps, 'scoring' | 'policies'>,
  purpose: string,
  asOf: LocalDate,
  today: LocalDate,
): Promise<TrainingTable> {
  const p = checkPurpose(purpose);
  if (!isLocalDate(asOf))
    throw invalid('the as-of date is not a date', [{ at: 'asOf', reason: asOf }]);
  const horizonEnd = addDays(asOf, PURPOSES[p].horizonDays);
  if (horizonEnd > today)
    throw invalid(
      `the outcome of ${p} is watched for ${PURPOSES[p].horizonDays} days after the as-of date: ${asOf} + ${PURPOSES[p].horizonDays} days is ${horizonEnd}, after today ${today}`,
      [{ at: 'asOf', reason: `at most ${addDays(today, -PURPOSES[p].horizonDays)}` }],
    );
  return deps.scoring.buildTrainingSet(p, asOf, await deps.policies.ledgerPolicy());
}

export interface PortfolioTraining {
  table: TrainingTable;
  model: ScorecardModel;
  stored: StoredModel | null;
}

/**
 * Builds the purpose's training table as of `asOf`, trains a scorecard on it (30 % held out,
 * by seed) and registers it under the purpose; active at once when `activate`.
 */
export async function trainFromPortfolio(
  deps: PortfolioDeps,
  input: {
    purpose: string;
    asOf: LocalDate;
    today: LocalDate;
    by: string;
    seed?: string;
    register?: boolean;
    activate?: boolean;
    note?: string;
  },
): Promise<PortfolioTraining> {
  const purpose = checkPurpose(input.purpose);
  const table = await buildTrainingSet(deps, purpose, input.asOf, input.today);
  const def = PURPOSES[purpose];
  if (table.events < 10 || table.population - table.events < 10)
    throw invalid(
      `the ${purpose} training table as of ${input.asOf} has ${table.events} events in ${table.population} accounts: too few to train on`,
      [{ at: 'asOf', reason: 'choose a day with more history after it' }],
    );
  const model = trainModel(
    {
      table: tableOfRows(table.header, table.rows),
      fingerprint: `portfolio:${purpose}:${input.asOf}:${table.population}:${table.events}`,
      target: def.target,
      event: '1',
      id: 'account',
      exclude: ['as_of'],
      holdout: 0.3,
      seed: input.seed ?? '1',
      name: `${purpose} ${input.asOf}`,
      description: `Trained on the portfolio's history as of ${input.asOf}: the probability that ${def.event}.`,
    },
    deps.clock,
  );
  const stored =
    input.register === false
      ? null
      : await registerModel(deps.models, model, {
          purpose,
          by: input.by,
          note: input.note ?? `trained on the portfolio as of ${input.asOf}`,
          activate: input.activate === true,
        });
  return { table, model, stored };
}

export async function setClassification(
  scoring: ScoringStore,
  doc: unknown,
): Promise<Classification> {
  try {
    return await scoring.saveClassification(doc);
  } catch (e) {
    if (e instanceof ClassificationError)
      throw invalid(`the classification is not valid: ${e.message}`, [
        { at: e.path, reason: e.message },
      ]);
    throw e;
  }
}

export async function setMonitoringLimits(
  scoring: ScoringStore,
  doc: unknown,
): Promise<MonitoringLimits> {
  try {
    return await scoring.saveMonitoringLimits(doc);
  } catch (e) {
    if (e instanceof RangeError)
      throw invalid(`the monitoring limits are not valid: ${e.message}`, [
        { at: e.message.split(':')[0] ?? 'limits', reason: e.message },
      ]);
    throw e;
  }
}

export async function monitoring(
  scoring: ScoringStore,
  purpose?: string,
  days = 30,
): Promise<MonitoringRow[]> {
  return scoring.monitoring(purpose, days);
}

export async function accountScores(
  scoring: ScoringStore,
  account: string,
): Promise<AccountScores> {
  const s = await scoring.accountScores(account);
  if (!s) throw notFound(`account ${account}`);
  return s;
}
