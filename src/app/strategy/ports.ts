import type { Assignment, ExitReason, PlannedAction } from '../../domain/strategy/plan.ts';
import type { AccountFacts } from '../../domain/strategy/facts.ts';
import type { SegmentCounts, StepCounts } from '../../domain/review/review.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { StoredAccount } from '../../domain/simulation/history.ts';

export type VersionStatus = 'draft' | 'published' | 'retired';

export interface StrategyVersion {
  id: number;
  strategyId: string;
  version: number;
  name: string;
  source: string;
  status: VersionStatus;
  effectiveFrom: LocalDate | null;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
  publishReason: string | null;
  retiredAt: string | null;
}

export interface NewVersion {
  strategyId: string;
  name: string;
  source: string;
  createdBy: string;
  /** Set to publish at once. */
  published?: { by: string; reason: string; effectiveFrom: LocalDate };
}

export interface ActionView {
  id: number;
  idempotencyKey: string;
  accountId: string;
  plannedFor: LocalDate;
  strategyVersionId: number;
  segmentId: string;
  stepId: string;
  channel: string;
  template: string;
  priority: number;
  onFail: unknown;
  status: string;
  reason: string | null;
}

export interface ActionFilter {
  accountId?: string | undefined;
  date?: LocalDate | undefined;
  channel?: string | undefined;
}

export interface StrategyStore {
  /** Planned actions, newest day first then id; `after` is the last id of the previous page. */
  actions(filter: ActionFilter, after: number | undefined, limit: number): Promise<ActionView[]>;
  list(strategyId?: string): Promise<StrategyVersion[]>;
  get(strategyId: string, version: number): Promise<StrategyVersion | null>;
  byId(id: number): Promise<StrategyVersion | null>;
  /** Adds the next version number of the strategy. */
  insert(v: NewVersion): Promise<StrategyVersion>;
  publishDraft(
    id: number,
    by: string,
    reason: string,
    effectiveFrom: LocalDate,
  ): Promise<StrategyVersion>;
  retire(id: number): Promise<StrategyVersion>;
  /** The published version of `strategyId` in force on `date`: latest effective date, then version. */
  inForce(strategyId: string, date: LocalDate): Promise<StrategyVersion | null>;
}

/** One account's facts for planning, with what the planner needs beyond the expressions. */
export interface PlanningRow {
  accountId: number;
  facts: AccountFacts;
  nextDueDate: LocalDate | null;
  previous: Assignment | null;
  paidUp: boolean;
  onHold: boolean;
  /** An open promise to pay: the treatment path waits. */
  openPromise: boolean;
  openPlan: boolean;
  /** A promise was decided as not kept today: the account re-enters its path. */
  promiseBrokenToday: boolean;
  /** Outstanding in minor units, recorded when the account joins an experiment. */
  outstandingMinor: number;
  /** The account's arm in a running experiment, once assigned. */
  arm: ArmAssignment | null;
}

export interface ArmAssignment {
  experimentId: string;
  arm: string;
}

export interface RunningExperiment {
  id: string;
  population: string;
  arms: { name: string; share: number; version: StrategyVersion }[];
}

export interface PlanDayContext {
  day: LocalDate;
  /** The version in force for accounts outside experiments; null when none is published. */
  inForce: StrategyVersion | null;
  /** Running experiments, in the order they claim accounts. */
  experiments: readonly RunningExperiment[];
}

export interface PlanningOutcome {
  accountId: number;
  /** The version that planned the account; null when no version applies. */
  versionId: number | null;
  /** Set when the account was assigned to an experiment's arm today. */
  newArm: ArmAssignment | null;
  assignment: Assignment | null;
  exitReason: ExitReason | null;
  entered: boolean;
  actions: PlannedAction[];
}

/** Plans one batch of accounts for a day (pure; called by the cycle for each page). */
export type DayPlanner = (
  context: PlanDayContext,
  rows: readonly PlanningRow[],
) => PlanningOutcome[];

export interface ReviewStore {
  /** Versions of the strategy with entries or actions between the dates. */
  activeVersions(strategyId: string, from: LocalDate, to: LocalDate): Promise<number[]>;
  segmentCounts(
    versionId: number,
    from: LocalDate,
    to: LocalDate,
    cureBuckets: readonly { product: string; bucket: string }[],
  ): Promise<SegmentCounts[]>;
  stepCounts(
    versionId: number,
    from: LocalDate,
    to: LocalDate,
    windowDays: number,
  ): Promise<StepCounts[]>;
  channelCosts(): Promise<Record<string, number> | null>;
}

/** The stored portfolio and its history, as the simulation's starting point. */
export interface SimulationStore {
  /** Accounts opened on or before the date. */
  accountsOpenedBy(date: LocalDate): Promise<number>;
  /** Accounts opened by `from` with their schedules, payments and holds up to `to`. */
  history(from: LocalDate, to: LocalDate): Promise<StoredAccount[]>;
  /** Actions the strategies in force planned (not skipped) after `from` up to `to`, by channel. */
  plannedActions(from: LocalDate, to: LocalDate): Promise<Record<string, number>>;
}
