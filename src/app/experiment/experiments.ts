/**
 * Champion/challenger pilots: start one, stop it, read its results with confidence intervals
 * and significance tests against the champion, and promote the winning arm (its strategy
 * version becomes the one in force for the whole population).
 */
import { validateExperiment, type ExperimentDoc } from '../../domain/experiment/experiment.ts';
import { PRODUCTS } from '../../domain/ledger/types.ts';
import { actionCost } from '../../domain/review/review.ts';
import { createRandom } from '../../domain/portfolio/random.ts';
import {
  bootstrapMeanDifference,
  sampleSizeTwoProportions,
  twoProportionTest,
  wilsonInterval,
} from '../../domain/stats/index.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type { PolicyStore } from '../policy/ports.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import type { StrategyStore } from '../strategy/ports.ts';
import { compileOrThrow, publishVersion } from '../strategy/strategies.ts';
import type { ArmAccountOutcome, Experiment, ExperimentStore } from './ports.ts';

export interface ExperimentDeps {
  experiments: ExperimentStore;
  strategies: StrategyStore;
  policies: PolicyStore;
}

export async function startExperiment(
  deps: ExperimentDeps,
  doc: ExperimentDoc,
  input: { by: string; startsOn: LocalDate; endsOn?: LocalDate | null },
): Promise<Experiment> {
  const errors = validateExperiment(doc).map((e) => ({ at: e.path, reason: e.reason }));
  if (!input.by.trim()) errors.push({ at: 'by', reason: 'is required' });
  if (!isLocalDate(input.startsOn)) errors.push({ at: 'startsOn', reason: 'is not a date' });
  for (const [i, arm] of (doc.arms ?? []).entries()) {
    const v = await deps.strategies.get(arm.strategyId, arm.version);
    if (!v)
      errors.push({ at: `arms[${i}]`, reason: `${arm.strategyId} v${arm.version} does not exist` });
    else if (v.status === 'retired')
      errors.push({ at: `arms[${i}]`, reason: `${arm.strategyId} v${arm.version} is retired` });
    else compileOrThrow(v.source);
  }
  if (await deps.experiments.get(doc.id))
    errors.push({ at: 'id', reason: `experiment "${doc.id}" exists` });
  if (errors.length > 0) throw invalid('the experiment is not valid', errors);
  return deps.experiments.insert({
    ...doc,
    startsOn: input.startsOn,
    endsOn: input.endsOn ?? null,
    createdBy: input.by,
  });
}

async function running(deps: ExperimentDeps, id: string): Promise<Experiment> {
  const e = await deps.experiments.get(id);
  if (!e) throw notFound(`experiment ${id}`);
  if (e.status !== 'running')
    throw new AppError('INVALID_STATE', `experiment ${id} is ${e.status}`);
  return e;
}

export async function stopExperiment(deps: ExperimentDeps, id: string, by: string, on: LocalDate) {
  await running(deps, id);
  return deps.experiments.close(id, 'stopped', by, null, on);
}

/** The arm's strategy version is published for everyone from `on`; the experiment ends. */
export async function promoteArm(
  deps: ExperimentDeps,
  id: string,
  armName: string,
  input: { by: string; reason: string; on: LocalDate },
) {
  const e = await running(deps, id);
  const arm = e.arms.find((a) => a.name === armName);
  if (!arm)
    throw invalid('unknown arm', [{ at: 'arm', reason: `"${armName}" is not an arm of ${id}` }]);
  const published = await publishVersion(deps.strategies, arm.strategyId, arm.version, {
    by: input.by,
    reason: `promoted from experiment ${id} (${armName}): ${input.reason}`,
    effectiveFrom: input.on,
  });
  const experiment = await deps.experiments.close(id, 'promoted', input.by, armName, input.on);
  return { experiment, published };
}

export interface RateResult {
  rate: number | null;
  ci: [number, number] | null;
  /** Against the champion: difference (this − champion), its interval and p-value. */
  vsChampion: {
    difference: number;
    ci: [number, number];
    pValue: number;
    significant: boolean;
  } | null;
}

export interface ArmResult {
  arm: string;
  strategyId: string;
  version: number;
  share: number;
  accounts: number;
  delinquentAtEntry: number;
  cureRate: RateResult;
  rollForwardRate: RateResult;
  /** Mean over accounts of collected ÷ balance at entry (unitless, so currencies can mix). */
  recoveryRate: {
    mean: number | null;
    vsChampion: { difference: number; ci: [number, number]; significant: boolean } | null;
  };
  actions: Record<string, number>;
  cost: number;
  collected: Record<string, number>;
  /** Cost (reporting currency) per unit collected, when everything was collected in it. */
  costPerCollected: number | null;
}

export interface ExperimentResults {
  experiment: Experiment;
  asOf: LocalDate;
  confidence: number;
  arms: ArmResult[];
  /** Accounts per arm needed to detect an absolute lift of `lift` in the champion's cure rate. */
  sampleSize: { lift: number; perArm: number } | null;
}

function rate(successes: number, n: number, confidence: number): Pick<RateResult, 'rate' | 'ci'> {
  if (n === 0) return { rate: null, ci: null };
  return { rate: successes / n, ci: wilsonInterval(successes, n, confidence) };
}

function versus(
  a: { s: number; n: number },
  b: { s: number; n: number },
  confidence: number,
): RateResult['vsChampion'] {
  if (a.n === 0 || b.n === 0) return null;
  const t = twoProportionTest(
    { successesA: a.s, nA: a.n, successesB: b.s, nB: b.n },
    { confidence },
  );
  if (t.pValue === null || t.ci === null) return null;
  return { difference: t.difference, ci: t.ci, pValue: t.pValue, significant: t.significant };
}

export async function experimentResults(
  deps: ExperimentDeps,
  id: string,
  asOf: LocalDate,
  options: { confidence?: number; lift?: number; seed?: number } = {},
): Promise<ExperimentResults> {
  const experiment = await deps.experiments.get(id);
  if (!experiment) throw notFound(`experiment ${id}`);
  const confidence = options.confidence ?? 0.95;
  const policy = await deps.policies.ledgerPolicy();
  const buckets = PRODUCTS.flatMap((product) =>
    policy[product].buckets.map((b, ord) => ({ product, bucket: b.name, ord })),
  );
  const outcomes = await deps.experiments.outcomes(id, asOf, buckets);
  const byArm = new Map<string, ArmAccountOutcome[]>();
  for (const o of outcomes) byArm.set(o.arm, [...(byArm.get(o.arm) ?? []), o]);

  const stats = (rows: ArmAccountOutcome[]) => {
    const delinquent = rows.filter((r) => r.delinquentAtEntry);
    return {
      cure: { s: delinquent.filter((r) => r.cured).length, n: delinquent.length },
      roll: { s: rows.filter((r) => r.rolledForward).length, n: rows.length },
      recovery: rows.filter((r) => r.balanceAtEntry > 0).map((r) => r.collected / r.balanceAtEntry),
    };
  };
  const champion = stats(byArm.get(experiment.arms[0]!.name) ?? []);
  const rng = createRandom(options.seed ?? 1);

  const arms = experiment.arms.map((arm, i): ArmResult => {
    const rows = byArm.get(arm.name) ?? [];
    const st = stats(rows);
    const actions: Record<string, number> = {};
    const collected: Record<string, number> = {};
    for (const r of rows) {
      for (const [c, n] of Object.entries(r.actions)) actions[c] = (actions[c] ?? 0) + n;
      if (r.collected > 0) collected[r.currency] = (collected[r.currency] ?? 0) + r.collected;
    }
    const cost = actionCost(actions);
    const currencies = Object.keys(collected);
    const mean =
      st.recovery.length > 0 ? st.recovery.reduce((a, b) => a + b, 0) / st.recovery.length : null;
    let recoveryVs: ArmResult['recoveryRate']['vsChampion'] = null;
    if (i > 0 && st.recovery.length > 1 && champion.recovery.length > 1) {
      const b = bootstrapMeanDifference(champion.recovery, st.recovery, {
        confidence,
        resamples: 1000,
        rng,
      });
      recoveryVs = { difference: b.difference, ci: b.ci, significant: b.ci[0] > 0 || b.ci[1] < 0 };
    }
    return {
      arm: arm.name,
      strategyId: arm.strategyId,
      version: arm.version,
      share: arm.share,
      accounts: rows.length,
      delinquentAtEntry: st.cure.n,
      cureRate: {
        ...rate(st.cure.s, st.cure.n, confidence),
        vsChampion: i > 0 ? versus(champion.cure, st.cure, confidence) : null,
      },
      rollForwardRate: {
        ...rate(st.roll.s, st.roll.n, confidence),
        vsChampion: i > 0 ? versus(champion.roll, st.roll, confidence) : null,
      },
      recoveryRate: { mean, vsChampion: recoveryVs },
      actions,
      cost,
      collected,
      costPerCollected:
        currencies.length === 1 && currencies[0] === 'USD' ? cost / collected.USD! : null,
    };
  });

  const lift = options.lift ?? 0.02;
  const base = champion.cure.n > 0 ? champion.cure.s / champion.cure.n : null;
  const sampleSize =
    base !== null && base + lift < 1 && base > 0
      ? {
          lift,
          perArm: sampleSizeTwoProportions({
            baseline: base,
            lift,
            alpha: 1 - confidence,
            power: 0.8,
          }).perArm,
        }
      : null;
  return { experiment, asOf, confidence, arms, sampleSize };
}
