/**
 * Strategy lifecycle: validate, save drafts, publish (immutable, with an effective date, by
 * whom and why), retire, roll back (publishing an older version again as a new version),
 * compare versions, and the planner the daily cycle runs with the version in force.
 */
import { strategyDiagram } from '../../domain/strategy/diagram.ts';
import { strategyFlow, type StrategyFlow } from '../../domain/strategy/flow.ts';
import { lineDiff, type DiffLine } from '../../domain/strategy/diff.ts';
import { planAccount } from '../../domain/strategy/plan.ts';
import { parseStrategy, type CompiledStrategy } from '../../domain/strategy/validate.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import type { ArmAssignment, DayPlanner, StrategyStore, StrategyVersion } from './ports.ts';
import { armFor, compilePopulation, type Population } from '../../domain/experiment/experiment.ts';
import { toCel } from '../../domain/strategy/facts.ts';

/** Compiles a stored or submitted source, or throws VALIDATION with every problem. */
export function compileOrThrow(source: string): CompiledStrategy {
  const r = parseStrategy(source);
  if (!r.ok) {
    throw invalid(
      'the strategy is not valid',
      r.errors.map((e) => ({ at: e.path, reason: e.reason })),
    );
  }
  return r.strategy;
}

export interface PublishInput {
  by: string;
  reason: string;
  effectiveFrom: LocalDate;
}

function checkPublish(input: PublishInput): void {
  const details = [];
  if (!input.by.trim()) details.push({ at: 'by', reason: 'is required' });
  if (!input.reason.trim()) details.push({ at: 'reason', reason: 'is required: say why' });
  if (!isLocalDate(input.effectiveFrom))
    details.push({ at: 'effectiveFrom', reason: 'is not a date' });
  if (details.length > 0) throw invalid('cannot publish', details);
}

export async function saveDraft(
  store: StrategyStore,
  source: string,
  by: string,
): Promise<StrategyVersion> {
  const s = compileOrThrow(source);
  return store.insert({ strategyId: s.doc.id, name: s.doc.name, source, createdBy: by });
}

/** Publishes a new document at once. */
export async function publishSource(
  store: StrategyStore,
  source: string,
  input: PublishInput,
): Promise<StrategyVersion> {
  checkPublish(input);
  const s = compileOrThrow(source);
  return store.insert({
    strategyId: s.doc.id,
    name: s.doc.name,
    source,
    createdBy: input.by,
    published: input,
  });
}

/**
 * Publishes an existing version: a draft becomes published; a published or retired version is
 * published again as a new version with the same document (a roll back).
 */
export async function publishVersion(
  store: StrategyStore,
  strategyId: string,
  version: number,
  input: PublishInput,
): Promise<StrategyVersion> {
  checkPublish(input);
  const v = await store.get(strategyId, version);
  if (!v) throw notFound(`strategy ${strategyId} version ${version}`);
  compileOrThrow(v.source);
  if (v.status === 'draft')
    return store.publishDraft(v.id, input.by, input.reason, input.effectiveFrom);
  return store.insert({
    strategyId,
    name: v.name,
    source: v.source,
    createdBy: input.by,
    published: input,
  });
}

export async function retireVersion(store: StrategyStore, strategyId: string, version: number) {
  const v = await store.get(strategyId, version);
  if (!v) throw notFound(`strategy ${strategyId} version ${version}`);
  if (v.status !== 'published') {
    throw new AppError(
      'INVALID_STATE',
      `version ${version} is ${v.status}; only a published version can be retired`,
    );
  }
  return store.retire(v.id);
}

export async function versionOrThrow(store: StrategyStore, strategyId: string, version: number) {
  const v = await store.get(strategyId, version);
  if (!v) throw notFound(`strategy ${strategyId} version ${version}`);
  return v;
}

export async function diffVersions(
  store: StrategyStore,
  strategyId: string,
  a: number,
  b: number,
): Promise<DiffLine[]> {
  const [va, vb] = await Promise.all([
    versionOrThrow(store, strategyId, a),
    versionOrThrow(store, strategyId, b),
  ]);
  return lineDiff(va.source, vb.source);
}

export async function diagramOf(
  store: StrategyStore,
  strategyId: string,
  version: number,
): Promise<string> {
  const v = await versionOrThrow(store, strategyId, version);
  return strategyDiagram(compileOrThrow(v.source).doc);
}

/** The version's flow chart as nodes and edges, for a console to draw. */
export async function flowOf(
  store: StrategyStore,
  strategyId: string,
  version: number,
): Promise<StrategyFlow & { version: number; status: string }> {
  const v = await versionOrThrow(store, strategyId, version);
  return { ...strategyFlow(compileOrThrow(v.source).doc), version: v.version, status: v.status };
}

/**
 * The planner of the daily cycle: compiles each version once, puts accounts in the population
 * of a running experiment on their arm (by hash, on first sight; kept after), and plans each
 * account under its arm's version or the version in force.
 */
export function createDayPlanner(): DayPlanner {
  const compiled = new Map<number, CompiledStrategy>();
  const populations = new Map<string, Population>();
  const strategyOf = (v: StrategyVersion) => {
    let s = compiled.get(v.id);
    if (!s) {
      s = compileOrThrow(v.source);
      compiled.set(v.id, s);
    }
    return s;
  };
  return (ctx, rows) =>
    rows.map((row) => {
      let version = ctx.inForce;
      let newArm: ArmAssignment | null = null;
      const assigned = row.arm
        ? ctx.experiments
            .find((e) => e.id === row.arm!.experimentId)
            ?.arms.find((a) => a.name === row.arm!.arm)
        : undefined;
      if (assigned) version = assigned.version;
      else if (!row.arm && ctx.experiments.length > 0) {
        const context = toCel(row.facts);
        for (const e of ctx.experiments) {
          let population = populations.get(e.population);
          if (!population) {
            population = compilePopulation(e.population);
            populations.set(e.population, population);
          }
          if (!population(context)) continue;
          const chosen = armFor(e.id, row.facts.account.id, e.arms);
          version = chosen.version;
          newArm = { experimentId: e.id, arm: chosen.name };
          break;
        }
      }
      if (!version) {
        return {
          accountId: row.accountId,
          versionId: null,
          newArm,
          assignment: null,
          exitReason: null,
          entered: false,
          actions: [],
        };
      }
      const r = planAccount(strategyOf(version), `${version.strategyId}@${version.version}`, {
        accountId: row.facts.account.id,
        today: ctx.day,
        facts: row.facts,
        nextDueDate: row.nextDueDate,
        previous: row.previous,
        exits: {
          paidUp: row.paidUp,
          onHold: row.onHold,
          openPromise: row.openPromise,
          openPlan: row.openPlan,
          promiseBrokenToday: row.promiseBrokenToday,
        },
      });
      return { accountId: row.accountId, versionId: version.id, newArm, ...r };
    });
}
