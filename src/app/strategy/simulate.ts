/**
 * Simulating a strategy version against the published champion over the stored portfolio: the
 * simulation of `recoup simulate` (domain/simulation), started from the stored accounts as they
 * stood on `from` and run day by day to `to`, with what the stored history shows for the same
 * accounts and days beside it. It changes nothing.
 */
import {
  observedOutcome,
  recordsFromHistory,
  type ObservedOutcome,
} from '../../domain/simulation/history.ts';
import {
  outcomeMeasures,
  simulate,
  type OutcomeMeasures,
  type StrategyResult,
} from '../../domain/simulation/simulate.ts';
import type { Channel } from '../../domain/strategy/document.ts';
import type { CompiledStrategy } from '../../domain/strategy/validate.ts';
import { addDays, diffDays, isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type { PolicyStore } from '../policy/ports.ts';
import { invalid, type ErrorDetail } from '../shared/errors.ts';
import type { SimulationStore, StrategyStore, StrategyVersion } from './ports.ts';
import { compileOrThrow, versionOrThrow } from './strategies.ts';

export const DEFAULT_SIMULATION_DAYS = 90;
export const MAX_SIMULATION_DAYS = 366;
/**
 * Accounts × days per strategy a request may ask for: the simulation steps about 85,000
 * account-days a second on the demo portfolio, so a comparison of two versions stays within
 * about 15 seconds (the demo's 5,000 accounts × 90 days is 450,000).
 */
export const MAX_ACCOUNT_DAYS = 500_000;

export interface SimulationRequest {
  from?: LocalDate | undefined;
  to?: LocalDate | undefined;
  days?: number | undefined;
  seed?: string | undefined;
  /** Collectors' calls a day (default 1 % of the accounts). */
  callsPerDay?: number | undefined;
  /** Field agents' visits a day (default 0.1 % of the accounts). */
  visitsPerDay?: number | undefined;
}

export interface SimulatedStep {
  stepId: string;
  channel: Channel;
  offset: number;
  /** Actions of the step carried out (after compliance and capacity). */
  actions: number;
}

export interface SimulatedSide extends OutcomeMeasures {
  name: string;
  versionId: number;
  version: number;
  status: string;
  /** Cost of the actions carried out, minor units of `costCurrency`. */
  cost: number;
  costCurrency: 'USD';
  promises: number;
  promisesKept: number;
  actions: Record<string, number>;
  overCapacity: Record<string, number>;
  complianceBlocked: Record<string, number>;
  segments: { segmentId: string; name: string; entries: number; steps: SimulatedStep[] }[];
  /** This version against the champion (null for the champion itself). */
  vsChampion: StrategyResult['vsFirst'];
}

export interface SimulationComparison {
  strategyId: string;
  from: LocalDate;
  to: LocalDate;
  days: number;
  seed: string;
  accounts: number;
  capacity: { phonePerDay: number; fieldVisitsPerDay: number };
  candidate: SimulatedSide;
  /** The version in force today; null when none is published or it is the candidate. */
  champion: SimulatedSide | null;
  /** What the stored history shows for the same accounts and days. */
  observed: ObservedOutcome & { actions: Record<string, number> };
}

export interface SimulationDeps {
  strategies: StrategyStore;
  simulations: SimulationStore;
  policies: PolicyStore;
}

function whole(
  details: ErrorDetail[],
  at: string,
  v: number | undefined,
  min: number,
  max: number,
): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
    details.push({ at, reason: `must be a whole number from ${min} to ${max}` });
}

/** The range asked for: `to` defaults to today, `from` to `days` (default 90) before `to`. */
export function simulationRange(
  req: SimulationRequest,
  today: LocalDate,
): { from: LocalDate; to: LocalDate; days: number } {
  const details: ErrorDetail[] = [];
  if (req.from !== undefined && !isLocalDate(req.from))
    details.push({ at: 'body.from', reason: 'is not a date (YYYY-MM-DD)' });
  if (req.to !== undefined && !isLocalDate(req.to))
    details.push({ at: 'body.to', reason: 'is not a date (YYYY-MM-DD)' });
  whole(details, 'body.days', req.days, 1, MAX_SIMULATION_DAYS);
  if (req.from !== undefined && req.to !== undefined && req.days !== undefined)
    details.push({ at: 'body.days', reason: 'give from and to, or one of them with days' });
  if (details.length > 0) throw invalid('the simulation range is not valid', details);
  const days = req.days ?? DEFAULT_SIMULATION_DAYS;
  const to = req.to ?? (req.from !== undefined ? addDays(req.from, days) : today);
  const from = req.from ?? addDays(to, -days);
  const span = diffDays(to, from);
  if (span < 1 || span > MAX_SIMULATION_DAYS)
    throw invalid('the simulation range is not valid', [
      {
        at: 'body.to',
        reason: `${from} to ${to} is ${span} days; it must be 1 to ${MAX_SIMULATION_DAYS}`,
      },
    ]);
  return { from, to, days: span };
}

function side(
  v: StrategyVersion,
  strategy: CompiledStrategy,
  r: StrategyResult,
  vsChampion: StrategyResult['vsFirst'],
): SimulatedSide {
  return {
    name: r.name,
    versionId: v.id,
    version: v.version,
    status: v.status,
    ...outcomeMeasures(r),
    cost: r.cost,
    costCurrency: 'USD',
    promises: r.promises,
    promisesKept: r.promisesKept,
    actions: r.actions,
    overCapacity: r.overCapacity,
    complianceBlocked: r.complianceBlocked,
    segments: strategy.doc.segments.map((s) => ({
      segmentId: s.id,
      name: s.name ?? s.id,
      entries: r.entries[s.id] ?? 0,
      steps: [...s.steps]
        .sort((a, b) => a.offset - b.offset)
        .map((st) => ({
          stepId: st.id,
          channel: st.channel,
          offset: st.offset,
          actions: r.stepActions[`${s.id}/${st.id}`] ?? 0,
        })),
    })),
    vsChampion,
  };
}

export async function simulateVersion(
  deps: SimulationDeps,
  strategyId: string,
  version: number,
  req: SimulationRequest,
  today: LocalDate,
): Promise<SimulationComparison> {
  const { from, to, days } = simulationRange(req, today);
  const details: ErrorDetail[] = [];
  whole(details, 'body.callsPerDay', req.callsPerDay, 0, 1_000_000);
  whole(details, 'body.visitsPerDay', req.visitsPerDay, 0, 1_000_000);
  if (req.seed !== undefined && (req.seed.trim() === '' || req.seed.length > 100))
    details.push({ at: 'body.seed', reason: 'must be 1 to 100 characters' });
  if (details.length > 0) throw invalid('the simulation is not valid', details);
  const candidate = await versionOrThrow(deps.strategies, strategyId, version);
  const compiled = compileOrThrow(candidate.source);
  const inForce = await deps.strategies.inForce(strategyId, today);
  const champion = inForce && inForce.id !== candidate.id ? inForce : null;
  const accounts = await deps.simulations.accountsOpenedBy(from);
  if (accounts === 0)
    throw invalid('nothing to simulate', [
      { at: 'body.from', reason: `no account was opened by ${from}` },
    ]);
  if (accounts * days > MAX_ACCOUNT_DAYS)
    throw invalid('the simulation is too large', [
      {
        at: 'body.to',
        reason:
          `${accounts} accounts × ${days} days is more than ${MAX_ACCOUNT_DAYS} account-days; ` +
          `ask for at most ${Math.max(1, Math.floor(MAX_ACCOUNT_DAYS / accounts))} days`,
      },
    ]);
  const [history, policy, plannedActions] = await Promise.all([
    deps.simulations.history(from, to),
    deps.policies.ledgerPolicy(),
    deps.simulations.plannedActions(from, to),
  ]);
  const records = recordsFromHistory(history, from);
  const seed = req.seed ?? '1';
  const capacity = {
    phonePerDay: req.callsPerDay ?? Math.max(1, Math.round(accounts * 0.01)),
    fieldVisitsPerDay: req.visitsPerDay ?? Math.max(1, Math.round(accounts * 0.001)),
  };
  const sides = champion
    ? [
        { v: champion, strategy: compileOrThrow(champion.source) },
        { v: candidate, strategy: compiled },
      ]
    : [{ v: candidate, strategy: compiled }];
  const report = simulate(
    records,
    sides.map((s) => ({ name: `${s.v.strategyId}:${s.v.version}`, strategy: s.strategy })),
    { start: from, days, seed, capacity, policy },
  );
  const results = sides.map((s, i) => side(s.v, s.strategy, report.results[i]!, null));
  const last = report.results[report.results.length - 1]!;
  return {
    strategyId,
    from,
    to,
    days,
    seed,
    accounts: report.accounts,
    capacity,
    candidate: { ...results[results.length - 1]!, vsChampion: champion ? last.vsFirst : null },
    champion: champion ? results[0]! : null,
    observed: { ...observedOutcome(history, from, to, policy), actions: plannedActions },
  };
}
