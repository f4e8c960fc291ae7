/**
 * The composition root: opens storage and wires the adapters into the ports of the use cases.
 * Everything that talks to the outside world is created here and nowhere else.
 */
import type { Clock } from '../app/shared/clock.ts';
import type { PartitionedCycleStore } from '../app/cycle/ports.ts';
import type { StateExporter } from '../app/export/ports.ts';
import type { ImportStore } from '../app/import/ports.ts';
import type { LedgerStore } from '../app/ledger/ports.ts';
import type { PolicyStore } from '../app/policy/ports.ts';
import type { DayPlanner, ReviewStore, StrategyStore } from '../app/strategy/ports.ts';
import { SqlReviewStore } from './storage/review-store.ts';
import type { ExperimentStore } from '../app/experiment/ports.ts';
import { SqlExperimentStore } from './storage/experiment-store.ts';
import { createDayPlanner } from '../app/strategy/strategies.ts';
import { SqlStrategyStore } from './storage/strategy-store.ts';
import { localDateOf } from '../domain/time/zone.ts';
import type { LocalDate } from '../domain/time/date.ts';
import type { Config } from './config.ts';
import { SqlCycleStore, SqlStateExporter } from './storage/cycle-store.ts';
import { SqlImportStore } from './storage/import-store.ts';
import { SqlLedgerStore } from './storage/ledger-store.ts';
import { openMigrated, type StorageConfig } from './storage/open.ts';
import { SqlPolicyStore } from './storage/policy-store.ts';
import type { Database } from './storage/sql-client.ts';
import { SqlDispatchStore } from './storage/dispatch-store.ts';
import { PgJobQueue } from './queue/pg-queue.ts';
import { SqlTaskStore } from './storage/task-store.ts';
import { SqlComplianceStore } from './storage/compliance-store.ts';
import { SqlChannelQueries } from './storage/channel-queries.ts';
import { SqlScoringStore } from './storage/scoring-store.ts';
import { SqlPromiseStore } from './storage/promise-store.ts';
import type { PromiseStore } from '../app/promises/ports.ts';
import type { PlanStore } from '../app/plans/ports.ts';
import { SqlPlanStore } from './storage/plan-store.ts';
import type { CustomerStore, ErasureStore } from '../app/customers/ports.ts';
import { SqlErasureStore } from './storage/erasure-store.ts';
import { SqlCustomerStore } from './storage/customer-store.ts';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { ModelStore } from '../app/scoring/ports.ts';
import { SqlModelStore } from './storage/model-store.ts';
import { SqlWorkspaceStore } from './storage/workspace-store.ts';
import { planNotifier, type WorkspaceDeps } from '../app/workspace/workspace.ts';
import type { LinkSigner } from '../app/selfservice/ports.ts';
import type { SelfServiceDeps } from '../app/selfservice/selfservice.ts';
import { SqlSelfServiceStore, storedLinkSecret } from './storage/selfservice-store.ts';
import { HmacLinkSigner, newLinkSecret } from './selfservice/hmac-link-signer.ts';
import type { SelfServiceConfig } from './config.ts';
import type { PlanDeps } from '../app/plans/plans.ts';
import type { AccessDeps, AccessStore } from '../app/access/ports.ts';
import type { AuditLog } from '../app/audit/ports.ts';
import { SqlAccessStore } from './storage/access-store.ts';
import { SqlAuditLog } from './storage/audit-store.ts';
import { SqlMonitoringStore } from './storage/monitoring-store.ts';
import { nodeSecrets } from './crypto/secrets.ts';
import { SqlPerformanceStore } from './storage/performance-store.ts';
import { SqlTrainingStore } from './storage/training-store.ts';
import type { PerformanceDeps } from '../app/performance/performance.ts';
import { callBlocks, type TrainingDeps } from '../app/training/training.ts';
import { SqlChannelSettingsStore } from './storage/channel-settings-store.ts';

export const systemClock: Clock = { now: () => new Date() };

export interface Platform {
  db: Database;
  clock: Clock;
  timezone: string;
  cycles: PartitionedCycleStore;
  policies: PolicyStore;
  ledger: LedgerStore;
  imports: ImportStore;
  exporter: StateExporter;
  strategies: StrategyStore;
  reviews: ReviewStore;
  experiments: ExperimentStore;
  planner: DayPlanner;
  dispatch: SqlDispatchStore;
  jobs: PgJobQueue;
  tasks: SqlTaskStore;
  compliance: SqlComplianceStore;
  channels: SqlChannelQueries;
  models: ModelStore;
  scoring: SqlScoringStore;
  promises: PromiseStore;
  plans: PlanStore;
  customers: CustomerStore;
  /** Erasures of customers' personal data on request. */
  erasures: ErasureStore;
  workspace: SqlWorkspaceStore;
  selfService: SqlSelfServiceStore;
  access: AccessStore;
  /** Every change and every view of unmasked personal data, chained by hashes. */
  audit: AuditLog;
  /** Roll rates, cures, recovery, the channel funnel, alert rules and alerts. */
  monitoring: SqlMonitoringStore;
  /** Collectors' KPIs, targets, the assessment scheme, incentive rules, complaints. */
  performance: SqlPerformanceStore;
  training: SqlTrainingStore;
  /** Each channel paused or not, and its daily limit (administration; dispatch honours them). */
  channelSettings: SqlChannelSettingsStore;
  /** The signer of the customers' self-service links and how long a link stays valid. */
  links: { signer: LinkSigner; days: number };
  /** Today in the portfolio's business time zone. */
  today(): LocalDate;
  close(): Promise<void>;
}

/** The shipped classification standard, in force until one is set. */
const DEFAULT_CLASSIFICATION = YAML.parse(
  readFileSync(new URL('../../scorecards/classification.yaml', import.meta.url), 'utf8'),
) as unknown;

export function wire(
  db: Database,
  clock: Clock,
  timezone: string,
  links: { signer: LinkSigner; days: number },
): Platform {
  const scoring = new SqlScoringStore(db, DEFAULT_CLASSIFICATION);
  return {
    db,
    clock,
    timezone,
    cycles: new SqlCycleStore(db, scoring),
    policies: new SqlPolicyStore(db),
    ledger: new SqlLedgerStore(db),
    imports: new SqlImportStore(db),
    exporter: new SqlStateExporter(db),
    strategies: new SqlStrategyStore(db),
    reviews: new SqlReviewStore(db),
    experiments: new SqlExperimentStore(db),
    planner: createDayPlanner(),
    dispatch: new SqlDispatchStore(db),
    jobs: new PgJobQueue(db),
    tasks: new SqlTaskStore(db),
    compliance: new SqlComplianceStore(db),
    channels: new SqlChannelQueries(db),
    models: new SqlModelStore(db),
    scoring,
    promises: new SqlPromiseStore(db),
    plans: new SqlPlanStore(db),
    customers: new SqlCustomerStore(db),
    erasures: new SqlErasureStore(db),
    workspace: new SqlWorkspaceStore(db),
    selfService: new SqlSelfServiceStore(db),
    access: new SqlAccessStore(db),
    audit: new SqlAuditLog(db),
    monitoring: new SqlMonitoringStore(db),
    performance: new SqlPerformanceStore(db),
    training: new SqlTrainingStore(db),
    channelSettings: new SqlChannelSettingsStore(db),
    links,
    today: () => localDateOf(clock.now(), timezone),
    close: () => db.close(),
  };
}

/** Sign-in, sessions, keys and users over the platform's stores. */
export function accessDeps(p: Platform): AccessDeps {
  return { access: p.access, secrets: nodeSecrets, audit: p.audit, clock: p.clock };
}

/** The workspace's use cases over the platform's stores. */
export function workspaceDeps(p: Platform, companyName: string): WorkspaceDeps {
  return {
    workspace: p.workspace,
    contexts: (ids, since) => p.dispatch.contexts(ids, since),
    companyName,
    callBlocks: (ids, day) => callBlocks(trainingDeps(p), ids, day ?? p.today()),
  };
}

/** Performance and incentives over the platform's stores, in the business time zone. */
export function performanceDeps(p: Platform): PerformanceDeps {
  return { performance: p.performance, policies: p.policies, timezone: p.timezone };
}

export function trainingDeps(p: Platform): TrainingDeps {
  return { training: p.training };
}

/** The plans' use cases, with their needs (reviews, broken plans) sent to the workspace. */
export function planDeps(p: Platform, companyName: string): PlanDeps {
  return {
    plans: p.plans,
    policies: p.policies,
    clock: p.clock,
    notifier: planNotifier(
      workspaceDeps(p, companyName),
      () => p.today(),
      () => p.clock.now(),
    ),
  };
}

/** The self-service page's use cases over the platform's stores. */
export function selfServiceDeps(p: Platform, companyName: string): SelfServiceDeps {
  return {
    signer: p.links.signer,
    store: p.selfService,
    ledger: { ledger: p.ledger, policies: p.policies, clock: p.clock },
    promises: { promises: p.promises, clock: p.clock },
    plans: planDeps(p, companyName),
    workspace: workspaceDeps(p, companyName),
    preferences: p.channels,
    linkDays: p.links.days,
  };
}

export async function openPlatform(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'timezone'> & {
    schema?: string | undefined;
    selfService?: SelfServiceConfig | undefined;
  },
  clock: Clock = systemClock,
): Promise<Platform> {
  const storage: StorageConfig = config.databaseUrl
    ? { databaseUrl: config.databaseUrl, schema: config.schema }
    : { dataDir: config.dataDir };
  const db = await openMigrated(storage);
  const secret = config.selfService?.linkSecret ?? (await storedLinkSecret(db, newLinkSecret));
  return wire(db, clock, config.timezone, {
    signer: new HmacLinkSigner(secret),
    days: config.selfService?.linkDays ?? 14,
  });
}
